"""Word lists for the held-out claim cases (bench/claim_cases.py).

Written from general knowledge for this generator alone, independently of the checker's own
detectors, so the cases do not share the checker's blind spots.
"""

from __future__ import annotations

MONTHS = (
    "January February March April May June July August September October November December"
).split()
# Every common abbreviation of each month; the first is the one a control writes.
MONTH_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "January": ("Jan.", "Jan"),
    "February": ("Feb.", "Feb"),
    "March": ("Mar.", "Mar"),
    "April": ("Apr.", "Apr"),
    "May": ("May",),
    "June": ("Jun.", "Jun"),
    "July": ("Jul.", "Jul"),
    "August": ("Aug.", "Aug"),
    "September": ("Sept.", "Sep.", "Sep", "Sept"),
    "October": ("Oct.", "Oct"),
    "November": ("Nov.", "Nov"),
    "December": ("Dec.", "Dec"),
}

NUMBER_WORDS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100})
ORDINAL_WORDS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(),
        start=1,
    )
}

SCALE_WORDS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
SCALE_SWAPS = {
    "million": "billion",
    "billion": "million",
    "trillion": "billion",
    "thousand": "million",
    "bn": "m",
    "m": "bn",
    "M": "B",
    "B": "M",
}
# Currency sign -> (the word a control writes, the sign an edit swaps in).
CURRENCIES: dict[str, tuple[str, str]] = {
    "$": ("dollars", "£"),
    "US$": ("US dollars", "€"),
    "€": ("euros", "$"),
    "£": ("pounds", "$"),
}
CURRENCY_WORDS = {"dollars": "$", "euros": "€", "pounds": "£"}

# Unit form -> (family of the unit, the unit an edit swaps in with the same number).
_UNITS = {
    "length": "metres>feet meters>feet metre>foot meter>foot feet>metres foot>metre "
    "kilometres>miles kilometers>miles km>miles miles>kilometres mile>kilometre "
    "inches>centimetres inch>centimetre centimetres>inches cm>inches",
    "mass": "kilograms>pounds kg>pounds tonnes>pounds tons>kilograms grams>ounces ounces>grams",
    "area": "acres>hectares hectares>acres",
    "speed": "mph>km/h",
    "time": "seconds>minutes minutes>hours minute>hour hours>days hour>day days>weeks "
    "day>week weeks>months week>month months>years month>year years>months year>month "
    "decades>years",
    "data": "GB>TB TB>GB MB>GB",
    "frequency": "GHz>MHz MHz>GHz",
    "power": "megawatts>kilowatts MW>GW GW>MW watts>volts",
    "energy": "kWh>MWh",
}
UNIT_SWAPS: dict[str, tuple[str, str]] = {
    form: (kind, other)
    for kind, pairs in _UNITS.items()
    for form, other in (pair.split(">") for pair in pairs.split())
}
# Unit form -> other spellings of the very same unit (controls).
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "metres": ("meters", "m"),
    "meters": ("metres", "m"),
    "kilometres": ("kilometers", "km"),
    "kilometers": ("kilometres", "km"),
    "km": ("kilometres", "kilometers"),
    "centimetres": ("centimeters", "cm"),
    "cm": ("centimetres",),
    "kilograms": ("kilos", "kg"),
    "kg": ("kilograms",),
    "tonnes": ("metric tons",),
    "feet": ("ft",),
    "inches": ("in.",),
    "mph": ("miles per hour",),
    "hours": ("hrs",),
    "minutes": ("mins",),
    "seconds": ("secs",),
    "GB": ("gigabytes",),
    "TB": ("terabytes",),
    "MW": ("megawatts",),
    "megawatts": ("MW",),
    "GW": ("gigawatts",),
}

# Given names, to tell a person from other capitalised words (and keep a replacement's gender).
FEMALE_NAMES = set(
    "Abigail Ada Adele Alice Alicia Amanda Amelia Amy Andrea Angela Ann Anna Anne Annie Ashley "
    "Barbara Beatrice Betty Beverly Brenda Carol Caroline Catherine Charlotte Chloe Christina "
    "Christine Claire Cynthia Deborah Debra Denise Diana Diane Donna Dorothy Elena Elizabeth Ella "
    "Ellen Emilee Emily Emma Erin Eva Evelyn Fiona Frances Grace Hannah Heather Helen Isabel Jane "
    "Janet Jennifer Jessica Jessie Joan Joanna Josephine Joyce Judith Julia Julie Karen Kate "
    "Katherine Kathleen Kathryn Kelly Kimberly Laura Lauren Leah Linda Lisa Louise Lucy Lydia "
    "Margaret Maria Marie Marina Marilyn Martha Mary Megan Melissa Michelle Monica Nancy Natalie "
    "Nicole Olivia Pamela Patricia Paula Rachel Rebecca Rose Ruth Sally Samantha Sandra Sarah "
    "Sharon Sophia Sophie Stephanie Susan Taylor Teresa Theresa Tiffany Victoria Virginia Wendy "
    "Annabelle Ilana Nancy Kamala Hillary Elizabeth Amy Tulsi Marianne Ivanka Melania".split()
)
MALE_NAMES = set(
    "Aaron Adam Alan Albert Alex Alexander Andrew Anthony Arthur Barry Ben Benjamin Bernie Bill "
    "Bob Brandon Brian Bruce Carl Charles Chris Christopher Clive Craig Daniel Dave David Dennis "
    "Derek Donald Douglas Edward Edwin Eric Eugene Frank Fred Gary George Gerald Gregory Harold "
    "Harry Henry Howard Jack Jacob James Jason Jeff Jeffrey Jeremy Jerry Jim Joe John Jonathan "
    "Jose Joseph Joshua Juan Justin Keith Kenneth Ken Kevin Kyle Larry Lawrence Louis Mark Martin "
    "Matthew Max Michael Mike Nathan Neil Nicholas Oliver Patrick Paul Peter Philip Phillip Ralph "
    "Randy Raymond Richard Robert Roger Ronald Roy Russell Ryan Samuel Scott Sean Simon Stephen "
    "Steve Steven Thomas Tim Timothy Todd Tom Tony Victor Walter Wayne William Joe Pete Beto Cory "
    "Deval Elon Jeff Mason Myles Marcelo Tyler Kirk Vladimir Xi Boris Emmanuel Justin Dino Ahmad "
    "Bukola Ned Dave Criss Vic Junius Melvin Rudy Mitch Lindsey Adam Jon Jón Tobias Hunter".split()
)
PERSON_TITLES = set(
    "President Senator Sen. Rep. Gov. Governor Judge Justice Dr. Mr. Mrs. Ms. Prince Princess "
    "Lady Lord Sir King Queen Chancellor Minister Secretary Mayor General Colonel Captain".split()
)

# Outside people, by gender: none of them should turn up in the sources (each use is checked).
OUTSIDE_WOMEN = (
    "Dolly Parton, Aretha Franklin, Joni Mitchell, Stevie Nicks, Shania Twain, Annie Lennox, "
    "Angela Merkel, Jacinda Ardern, Margaret Thatcher, Nicola Sturgeon, Golda Meir, Indira Gandhi, "
    "Meryl Streep, Judi Dench, Cate Blanchett, Helen Mirren, Julia Roberts, Sandra Bullock, "
    "Toni Morrison, Zadie Smith, Margaret Atwood, Hilary Mantel, Serena Williams, Steffi Graf, "
    "Simone Biles, Marie Curie, Rosalind Franklin, Jane Goodall, Oprah Winfrey, Ruth Bader Ginsburg"
).split(", ")
OUTSIDE_MEN = (
    "Bruce Springsteen, Rod Stewart, Paul McCartney, Leonard Cohen, Bob Marley, Johnny Cash, "
    "Emmanuel Macron, Justin Trudeau, Tony Blair, Helmut Kohl, Nelson Mandela, Jimmy Carter, "
    "Tom Hanks, Denzel Washington, Anthony Hopkins, Robert Redford, Daniel Day-Lewis, "
    "Salman Rushdie, Ian McEwan, Haruki Murakami, Roger Federer, Rafael Nadal, Diego Maradona, "
    "Wayne Gretzky, Albert Einstein, Isaac Newton, Charles Darwin, Warren Buffett, Carl Sagan"
).split(", ")

# Places: (kind, names). A place is replaced by another of the same kind.
COUNTRIES = (
    "Argentina, Australia, Austria, Belgium, Bolivia, Brazil, Canada, Chile, China, Colombia, "
    "Croatia, Cuba, Denmark, Egypt, Ethiopia, Finland, France, Germany, Ghana, Greece, Hungary, "
    "Iceland, India, Indonesia, Iran, Iraq, Ireland, Israel, Italy, Japan, Jordan, Kenya, "
    "Lebanon, Libya, Malaysia, Mexico, Morocco, Nepal, Netherlands, New Zealand, Nigeria, Norway, "
    "Pakistan, Peru, Philippines, Poland, Portugal, Romania, Russia, Saudi Arabia, Scotland, "
    "Singapore, South Africa, South Korea, Spain, Sweden, Switzerland, Syria, Thailand, Turkey, "
    "Ukraine, Uruguay, Venezuela, Vietnam, Wales, England, Ukraine"
).split(", ")
US_STATES = (
    "Alabama, Alaska, Arizona, Arkansas, California, Colorado, Connecticut, Delaware, Florida, "
    "Georgia, Hawaii, Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Maine, "
    "Maryland, Massachusetts, Michigan, Minnesota, Mississippi, Missouri, Montana, Nebraska, "
    "Nevada, New Hampshire, New Jersey, New Mexico, North Carolina, North Dakota, Ohio, Oklahoma, "
    "Oregon, Pennsylvania, Rhode Island, South Carolina, South Dakota, Tennessee, Texas, Utah, "
    "Vermont, Virginia, Washington State, West Virginia, Wisconsin, Wyoming"
).split(", ")
# Provinces, counties and regions outside the United States.
REGIONS = (
    "Alberta, Ontario, Quebec, British Columbia, Manitoba, New Brunswick, Nova Scotia, "
    "Saskatchewan, Leicestershire, Yorkshire, Kent, Cornwall, Devon, Bavaria, Tuscany, "
    "Queensland, New South Wales, Catalonia, Andalusia, Normandy, Provence, Brittany, Galicia"
).split(", ")
CITIES = (
    "Amsterdam, Athens, Atlanta, Auckland, Austin, Baltimore, Bangkok, Barcelona, Beijing, "
    "Berlin, Bilbao, Birmingham, Boston, Brisbane, Brussels, Budapest, Buenos Aires, Cairo, "
    "Calgary, Cape Town, Chicago, Cleveland, Copenhagen, Dallas, Denver, Detroit, Dublin, "
    "Edinburgh, Florence, Fort Worth, Glasgow, Hamburg, Helsinki, Hong Kong, Houston, Istanbul, "
    "Jakarta, Kansas City, Kyoto, Lagos, Las Vegas, Lisbon, Liverpool, London, Los Angeles, "
    "Lyon, Madrid, Manchester, Marseille, Melbourne, Miami, Milan, Milwaukee, Montreal, Moscow, "
    "Mumbai, Munich, Nairobi, Naples, Nashville, New Orleans, New York, Oakland, Osaka, Oslo, "
    "Ottawa, Paris, Perth, Philadelphia, Phoenix, Pittsburgh, Portland, Prague, Rome, "
    "Sacramento, San Antonio, San Diego, San Francisco, San Jose, Santiago, Seattle, Seoul, "
    "Shanghai, Singapore City, Spokane, St. Louis, Stockholm, Sydney, Tampa, Tokyo, Toronto, "
    "Valencia, Vancouver, Venice, Vienna, Warsaw, Washington, Wuhan, Zurich, Albuquerque, "
    "Oceanside, Columbia, Bruges, The Hague, Misrata, Hamamatsu, Shizuoka"
).split(", ")

# Organisations: kind -> (head words that end a name of that kind, outside names of that kind).
_ORGS = {
    "school": (
        "University College School Academy Institute Polytechnic",
        "Stanford University, Yale University, Princeton University, Cornell University, "
        "Duke University, Rice University, Tufts University, Brown University, Durham University, "
        "University of Edinburgh, University of Toronto, McGill University, "
        "Trinity College Dublin, Oberlin College, Bowdoin College",
    ),
    "company": (
        "Inc. Corp. Corporation Company Co. Records Group Motors Airlines Technologies Holdings "
        "Entertainment Studios Pictures",
        "Nokia, Siemens, Philips, Heineken, Lufthansa, Unilever, Nestlé, Volvo, Ericsson, "
        "Panasonic, Hitachi, Kellogg's, Xerox, Motorola, Atari, Kodak, Polaroid, Mattel, Hasbro, "
        "Maersk",
    ),
    "body": (
        "Council Committee Commission Ministry Department Agency Parliament Senate Congress Court "
        "Assembly Board Bureau Service Registry",
        "Federal Trade Commission, Environmental Protection Agency, World Health Organization, "
        "International Monetary Fund, European Commission, Bank of England, "
        "National Science Foundation, Food and Drug Administration, Arts Council England, "
        "Royal Society, Smithsonian Institution, Red Cross",
    ),
    "media": (
        "Times Post News Herald Journal Magazine Tribune Gazette Chronicle Radio Television "
        "Network",
        "Le Monde, Der Spiegel, The Economist, Al Jazeera, Rolling Stone, Vanity Fair, "
        "The Atlantic, Newsweek, Politico, Axios, NPR, Bloomberg, Sky News, El País, "
        "The Irish Times, Toronto Star",
    ),
    "team": (
        "FC United Rovers Athletic Wanderers",
        "Aston Villa, Everton, Celtic, Rangers, Ajax, Juventus, Benfica, Porto, Boca Juniors, "
        "Green Bay Packers, Boston Celtics, Chicago Cubs, Toronto Raptors",
    ),
}
ORG_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    kind: (tuple(heads.split()), tuple(names.split(", "))) for kind, (heads, names) in _ORGS.items()
}
# Well-known organisations written without a head word, and their kind.
KNOWN_ORGS: dict[str, str] = {
    name: kind
    for kind, names in {
        "company": "Google Apple Microsoft Amazon Facebook Instagram Netflix Twitter Nike "
        "Pepsi-Cola PepsiCo Coca-Cola Walmart Gannett GateHouse WeWork SoftBank Coty Nissan Toyota "
        "Tesla SpaceX Boeing Intel Nvidia Sony Samsung Crunchyroll Paramount Lancôme SiriusXM Uber "
        "Lyft Disney "
        "Verizon Huawei Alibaba Tencent Spotify Ubisoft Rockstar Ascom Nintendo Xbox Lenovo Dell",
        "media": "CNN BBC MTV Reuters CBS NBC ABC Fox ESPN HBO Hulu CBSN Bloomberg Politifact "
        "Billboard Variety Kerrang!",
        "body": "NASA UNESCO NATO FIFA UEFA NAHL NFL NBA NHL ICE FBI CIA WHO UN EU",
    }.items()
    for name in names.split()
}

# Titles of works, by kind; a quoted title is replaced by one of its kind (film by default).
_WORKS = {
    "film": "Casablanca, Chinatown, Vertigo, The Third Man, Rear Window, Brief Encounter, "
    "Lawrence of Arabia, The Graduate, Annie Hall, Tootsie, Amadeus, Fargo",
    "book": "Middlemarch, Moby-Dick, Brave New World, The Great Gatsby, Wuthering Heights, "
    "Great Expectations, Beloved, Atonement, White Teeth, The Remains of the Day",
    "album": "Rumours, Thriller, Blue, Pet Sounds, Purple Rain, Born in the U.S.A., Tapestry, "
    "Graceland, Nevermind, Jagged Little Pill, Back in Black, Hounds of Love",
    "song": "Jolene, Respect, Hotel California, Like a Rolling Stone, Waterloo Sunset, "
    "Dancing Queen, Wonderwall, Africa, Bohemian Rhapsody, Heart of Glass",
    "show": "Cheers, Frasier, The Wire, Seinfeld, Twin Peaks, Mad Men, The Sopranos, "
    "Fawlty Towers, Columbo, Happy Days",
}
OUTSIDE_WORKS = {kind: tuple(titles.split(", ")) for kind, titles in _WORKS.items()}
# Words before a quoted title that tell its kind ("the film ...", "her album ...").
WORK_KIND_WORDS: dict[str, str] = {
    word: kind
    for kind, words in {
        "film": "film movie documentary",
        "book": "book novel memoir",
        "album": "album EP record",
        "song": "song single track cover",
        "show": "series show sitcom podcast programme program",
    }.items()
    for word in words.split()
}

# Verbs: "base past participle flags"; "-" is the regular form. Flags: a = a chosen act (refused
# to / barred from / prohibited from), f = an event that can fail or be pending (failed to / has
# yet to). Gerunds and third-person forms follow the rules in claim_text unless listed in
# VERB_DOUBLING (a doubled final consonant).
VERB_TABLE = """
accept - - af;acquire - - af;add - - f;agree - - a;aim - - -;air - - f;announce - - af
appear - - f;appoint - - af;approve - - af;arrive - - f;assist - - af;attend - - af
award - - af;ban - - af;beat - - af;become became become f;begin began begun f
build built built af;buy bought bought af;call - - a;cancel - - af;capture - - af;claim - - a
close - - f;collaborate - - af;complete - - af;confirm - - af;contribute - - af;cover - - af
create - - af;debut - - f;decide - - -;declare - - af;defeat - - af;deliver - - af
describe - - a;design - - af;die - - -;direct - - af;discover - - f;earn - - f;elect - - f
end - - f;enroll - - af;establish - - af;expand - - f;express - - a;extend - - af;face - - a
feature - - f;file - - af;find found found f;finish - - f;form - - af;found - - af;fund - - af
gain - - f;give gave given af;graduate - - f;grow grew grown -;headline - - af;help - - af
hire - - af;hit hit hit af;hold held held af;honor - - af;host - - af;include - - f
introduce - - af;invest - - af;join - - af;kill - - af;launch - - af;lead led led af
leave left left af;live - - -;lose lost lost -;make made made af;manage - - af;marry - - af
meet met met af;move - - af;name - - af;nominate - - af;open - - af;order - - af
organize - - af;own - - -;pass - - af;pay paid paid af;perform - - af;place - - f;play - - af
praise - - a;premiere - - f;present - - af;produce - - af;promote - - af;publish - - af
purchase - - af;raise - - af;rank - - -;reach - - f;receive - - f;record - - af;reduce - - af
release - - af;remain - - -;rename - - af;renew - - af;replace - - af;report - - af
represent - - af;require - - -;resign - - af;retire - - af;return - - af;reveal - - af
rise rose risen f;rule - - af;run ran run af;say said said a;score - - af;select - - af
sell sold sold af;serve - - af;ship - - af;sign - - af;sing sang sung af;sponsor - - af
spend spent spent af;star - - af;start - - af;study - - af;support - - af;take took taken f
teach taught taught af;team - - af;tell told told a;test - - af;train - - af;travel - - af
unveil - - af;visit - - af;vote - - af;win won won f;work - - af;write wrote written af
stream - - af;offer - - af;provide - - af;operate - - af;employ - - af;use - - af;contain - - -
compete - - af;congratulate - - af;enlist - - af;donate - - af;suggest - - a;state - - a
recommend - - a;testify - - af;commit - - af
"""
VERB_DOUBLING = set(
    "ban plan ship star stop admit commit occur refer prefer transfer run win".split()
)

# Words after which "with" can become "without" and flip the statement.
WITH_VERBS = set(
    "live lives lived living come comes came ship ships shipped equipped arrive arrives arrived "
    "launch launches launched release releases released fitted sold sells".split()
)
# People counted in a noun phrase ("three people", "12,000 employees") for "no one" / "nobody".
PEOPLE_NOUNS = set(
    "people persons men women players members employees workers students children residents "
    "soldiers civilians fans officers passengers patients voters staff protesters".split()
)

# Words that already negate or hedge; a claim holding one gets no negation edit.
NEGATORS = set(
    "not never no none nobody nothing neither nor without n't cannot refused refuse denied deny "
    "failed fail barred banned prohibited forbidden unable lacks lacked yet declined".split()
)
# Adverbs a control may drop without changing the facts claimed.
DROPPABLE_ADVERBS = (
    "also",
    "later",
    "officially",
    "eventually",
    "then",
    "again",
    "subsequently",
    "ultimately",
    "currently",
    "publicly",
    "formally",
    "finally",
)
# Safe synonyms, word for word, used both to paraphrase page sentences and as controls.
_SYNONYMS = (
    "approximately=about; roughly=about; nearly=almost; began=started; begin=start; "
    "begins=starts; purchased=bought; largest=biggest; tried=attempted; stated=said; "
    "received=got; commenced=began; additionally=also; however=; currently=now; "
    "rapidly=quickly; the firm=the company; enormous=huge; obtained=got; assisted=helped; "
    "revealed=disclosed; more than=over; less than=under; in order to=to; a number of=several"
)
SYNONYMS: dict[str, str] = dict(pair.split("=") for pair in _SYNONYMS.split("; "))
# Relative words: a claim whose main verb we cannot place before them is left alone.
RELATIVES = set("that which who whom whose where".split())
# Openers of a leading phrase ("In 2013, ...", "After the war, ...").
LEADERS = set(
    "in on at by during after before when while since following as with despite instead until "
    "from between around about over under within throughout upon although though because once "
    "unlike like according also earlier later last this prior for then".split()
)
DETERMINERS = set(
    "the a an his her its their our my your this that these those every each some any no".split()
)
AUXILIARIES = set(
    "is are was were has have had will would can could may might must should does do".split()
)
# Passives one can fail to obtain: "failed to be selected".
PASSIVE_FAILABLE = set(
    "select elect award publish renew name nominate approve accept appoint hire sign release "
    "complete confirm pass promote admit invite grant honor recognize recognise".split()
)
# Outside organisations known by their initials, for a swap of "NASA", "FBI", "CNN".
ORG_ACRONYMS = ("ESA", "NOAA", "OECD", "IAEA", "UNICEF", "CERN", "JAXA", "OPEC", "ASEAN", "NPR")
# Third-person verb forms that are more often plural nouns ("national teams", "The Series 3
# features"): never taken for the main verb.
NOUNISH = set(
    "teams records features stars ships films funds reports orders names plans votes leads bans "
    "faces places ranks tests trains visits studies covers plays hosts awards offers forms ends "
    "uses works releases sales calls claims designs files scores starts returns supports".split()
)
