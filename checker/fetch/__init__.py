"""Fetching sources: the only package that talks HTTP to them.

`Fetcher` (client.py) follows redirects hop by hop; each hop is checked by the SSRF
guard (guard.py) and robots.txt (robots.py), spaced by the host gates
(politeness.py), and made by `exchange` (exchange.py), which reads the body within
the limits and turns every failure into an error class.
"""

from checker.fetch.client import Fetcher, random_sibling
from checker.fetch.guard import ForbiddenAddressError, GuardedResolver, is_forbidden_address

__all__ = [
    "Fetcher",
    "ForbiddenAddressError",
    "GuardedResolver",
    "is_forbidden_address",
    "random_sibling",
]
