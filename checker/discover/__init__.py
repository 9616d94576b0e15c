"""Discovery: a publication's feeds and sitemaps → its article pages → imported articles.

Pure parsing (listing, feeds, sitemaps, patterns, changes, config) is separate from
the I/O: walk.py reads the listings through the fetcher, poll.py reads the article
pages and imports them through store.discovery. Modules are imported where used: the
settings load config.py at start-up, the rest loads feedparser and courlan.
"""
