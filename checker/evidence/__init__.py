"""Evidence: anchor a citation's evidence on a Document, then find what became of it. Pure.

`track` anchors and compares; `match` lays a text out in sentences and locates a
passage in it; `context` judges what changed around it; `retrieval` ranks passages.
"""

from checker.evidence.retrieval import window_text
from checker.evidence.track import anchor, compare, fingerprint, overlap, quote_found

__all__ = ["anchor", "compare", "fingerprint", "overlap", "quote_found", "window_text"]
