"""Extract: bytes → Document (title, date, main text), pure, run in a process pool.

`extract` (checker.extract.read) is imported only when asked for: trafilatura, htmldate
and pypdf take a third of a second to import, which a run with nothing to read (or one
whose reading happens in the pool's processes) need not pay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checker.extract.pool import Extractor

if TYPE_CHECKING:
    from checker.extract.read import extract

__all__ = ["Extractor", "extract"]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from checker.extract.read import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
