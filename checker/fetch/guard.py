"""SSRF guard: sources may only be fetched from public addresses.

A source URL is untrusted input, and so is every redirect it answers with. The
guard is checked after DNS resolution (a public name may resolve to 127.0.0.1) and
on every hop, so the only address a connection is ever opened to is one that was
checked. aiohttp skips the resolver for literal IP hosts, which is why
`check_literal_host` exists next to the resolver wrapper.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable

from aiohttp.abc import AbstractResolver, ResolveResult

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Says whether an address is forbidden; tests inject one that treats 127.0.0.1 as public.
AddressPolicy = Callable[[IPAddress], bool]


class ForbiddenAddressError(OSError):
    """The host resolves only to addresses sources must not live on."""


def is_forbidden_address(address: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified, CGNAT, ... addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address tunnelled in IPv6 is judged as the IPv4 address it carries.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_forbidden_address(embedded)
    return address.is_multicast or not address.is_global


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def parse_ip(host: str) -> IPAddress | None:
    """The address of a literal IP host ("10.0.0.1", "::1", "[::1]"), else None.

    The legacy IPv4 spellings that resolvers and browsers still accept count too:
    "2130706433", "127.1", "017700000001", "0x7f.1" are all 127.0.0.1.
    """
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    if not _LEGACY_IPV4.fullmatch(host.lower()):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


# One to four parts, each decimal, octal (leading 0) or hex (0x): what inet_aton reads.
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}")


def allow_any(address: IPAddress) -> bool:
    """The policy of `allow_private_networks`: nothing is forbidden."""
    return False


def check_literal_host(host: str, forbidden: AddressPolicy) -> None:
    """Refuse a literal IP host that is not public; names are left to the resolver."""
    address = parse_ip(host)
    if address is not None and forbidden(address):
        raise ForbiddenAddressError(f"{host} is not a public address")


class GuardedResolver(AbstractResolver):
    """Wraps a resolver and drops every address the guard refuses.

    When nothing is left the lookup fails with `ForbiddenAddressError`, which aiohttp
    wraps in `ClientConnectorDNSError` (the fetcher tells it apart from a DNS failure).
    """

    def __init__(self, inner: AbstractResolver, forbidden: AddressPolicy) -> None:
        self._inner = inner
        self._forbidden = forbidden

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if self._forbidden is allow_any:
            return results
        allowed = [r for r in results if not self._refused(r["host"])]
        if results and not allowed:
            shown = ", ".join(sorted({r["host"] for r in results}))
            raise ForbiddenAddressError(f"{host} resolves to non-public address {shown}")
        return allowed

    async def close(self) -> None:
        await self._inner.close()

    def _refused(self, host: str) -> bool:
        address = parse_ip(host)
        return address is None or self._forbidden(address)
