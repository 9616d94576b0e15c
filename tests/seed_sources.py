"""Stand-ins for the nine sources the seed fact-check cites (tests/data/seed-article).

The copy of the fact-check has no reference list, so the pages it cited are not known.
These pages are written for the tests, each in the way such a source reads (a legal
explainer, a state law summary, local reporting, a program page, a count of agencies),
and each states the part of the article's sentences that its marker stands for: where
a sentence cites two sources ("… [1] [2]"), each page supports one half of it and says
nothing of the other, as real sources do.
"""

from __future__ import annotations

import html

SOURCES: dict[str, tuple[str, list[str]]] = {
    "1": (
        "Are ICE detainers mandatory? A legal explainer",
        [
            "Local officials often ask whether they must do what federal immigration agents ask.",
            "Courts and legal scholars agree that compliance with ICE immigration detainers and "
            "enforcement requests is largely voluntary for local agencies.",
            "A detainer is a request, not a warrant signed by a judge, and several federal courts "
            "have held that holding a person on a detainer alone can violate the Fourth Amendment.",
            "The Tenth Amendment bars the federal government from commandeering state officers.",
        ],
    ),
    "2": (
        "State laws limiting cooperation with immigration enforcement",
        [
            "This fact sheet tracks state laws on police cooperation with federal immigration "
            "authorities.",
            "Several states have adopted statutes to bar such cooperation outright, including "
            "California, Illinois, Oregon and Washington.",
            "The laws reflect a legal distinction between federal prerogatives and local "
            "obligations.",
            "Civil liberties groups and the state legislatures that bar cooperation stress "
            "community safety and the constitutional limits on federal commandeering of local "
            "police.",
        ],
    ),
    "3": (
        "Keep Washington Working Act: what local police may and may not do",
        [
            "Washington's Keep Washington Working Act took effect in 2019.",
            "Some states have converted that discretion into legal prohibition: the law instructs "
            "local police they may not assist ICE in immigration enforcement.",
            "Officers may not ask about immigration status, and jails may not hold people on "
            "civil detainers.",
        ],
    ),
    "4": (
        "Most Washington police agencies refuse to work with ICE, records show",
        [
            "SEATTLE - Washington's Keep Washington Working Act is an example of the trend among "
            "states, and its effect shows in local practice.",
            "Reporting in 2025 showed most Washington law enforcement agencies refusing to "
            "cooperate with ICE, and departmental policies against recording immigration status.",
            "Several sheriffs said they had turned down federal requests this year.",
        ],
    ),
    "5": (
        "Delegation of Immigration Authority Section 287(g)",
        [
            "Section 287(g) of the Immigration and Nationality Act lets local law enforcement "
            "agencies voluntarily delegate immigration authorities to deputized officers.",
            "Officers must complete training before they can exercise those authorities.",
            "Agencies sign an agreement that sets out the scope of the delegation.",
        ],
    ),
    "6": (
        "How local police partner with ICE",
        [
            "The 287(g) program remains the primary legal mechanism for formal local-federal "
            "partnership in immigration enforcement.",
            "Jurisdictions can opt in or out, and participation requires agreements, training and "
            "resources.",
        ],
    ),
    "7": (
        "The costs of 287(g) agreements",
        [
            "Analyses of 287(g) note its costs and its consequences for communities.",
            "The continued availability of the program highlights that refusal to cooperate is an "
            "affirmative policy choice, not an absence of federal tools to secure assistance.",
            "Counties that joined spent millions on detention and overtime.",
        ],
    ),
    "8": (
        "Hundreds of local agencies now partner with ICE",
        [
            "Hundreds of local law enforcement agencies continue to partner with ICE even as some "
            "states bar cooperation.",
            "A count in mid-2025 found more than 600 partner agencies, a stark geographic and "
            "policy split across the country.",
            "Most of the agencies are sheriff's offices in the South.",
        ],
    ),
    "9": (
        "ICE: why partnerships with local law enforcement matter",
        [
            "ICE and proponents of local partnership emphasize law enforcement efficiency and the "
            "public safety benefits of information sharing.",
            "Partnerships help identify and remove criminal aliens before they are released.",
        ],
    ),
}


def source_page(ref: str) -> bytes:
    """Source `ref` as a small site serves it: header, article, footer."""
    title, paragraphs = SOURCES[ref]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>"
        f"<header><a href='/'>Home</a> <a href='/about'>About</a></header>"
        f"<main><article><h1>{html.escape(title)}</h1>{body}</article></main>"
        f"<footer><p>Contact us. Privacy policy.</p></footer></body></html>"
    ).encode()
