"""A resolver that puts the fake web's hosts on loopback, so test URLs look like real sites."""

from __future__ import annotations

import socket
from collections.abc import Mapping

from aiohttp.abc import AbstractResolver, ResolveResult

Route = str | tuple[str, int] | list[str]


class FakeResolver(AbstractResolver):
    """Maps host names to addresses; a name it does not know fails like NXDOMAIN.

    `routes` maps a name to an address, an (address, port) pair, or a list of
    addresses (a name with several A/AAAA records). The port of the URL is kept unless
    the route gives one, which is how `refused.test` lands on a port where nothing
    listens. Names are matched without a trailing dot.
    """

    def __init__(self, routes: Mapping[str, Route]) -> None:
        self.routes = dict(routes)
        self.lookups: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        name = host.rstrip(".").lower()
        self.lookups.append(name)
        route = self.routes.get(name)
        if route is None:
            raise socket.gaierror(socket.EAI_NONAME, f"Name or service not known: {name}")
        if isinstance(route, tuple):
            targets = [route]
        else:
            targets = [(a, port) for a in ([route] if isinstance(route, str) else route)]
        return [
            ResolveResult(
                hostname=name,
                host=address,
                port=target_port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address, target_port in targets
        ]

    async def close(self) -> None:
        return None
