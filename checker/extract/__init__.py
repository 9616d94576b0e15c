"""Extract: bytes → Document (title, date, main text), pure, run in a process pool."""

from checker.extract.pool import Extractor
from checker.extract.read import extract

__all__ = ["Extractor", "extract"]
