"""SSRF guard: no request reaches a non-public address, on the first hop or any later one."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fakeweb import FakeResolver, FakeWeb
from yarl import URL

from checker.fetch import Fetcher, GuardedResolver, is_forbidden_address
from checker.fetch.exchange import Answer, exchange
from checker.fetch.guard import ForbiddenAddressError, IPAddress
from checker.model import FetchErrorKind
from checker.settings import FetchSettings

NEWS = FakeWeb.NEWS


@pytest.mark.parametrize(
    ("address", "forbidden"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),  # cloud metadata service
        ("100.64.0.1", True),  # carrier-grade NAT
        ("0.0.0.0", True),
        ("224.0.0.1", True),  # multicast
        ("240.0.0.1", True),  # reserved
        ("255.255.255.255", True),
        ("::1", True),
        ("::", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("ff02::1", True),
        ("::ffff:127.0.0.1", True),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", True),
        ("2002:7f00:1::", True),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a00:1", True),  # NAT64 wrapping 10.0.0.1
        ("93.184.216.34", False),
        ("8.8.8.8", False),
        ("2606:4700:4700::1111", False),
        ("::ffff:8.8.8.8", False),
        ("64:ff9b::808:808", False),
    ],
)
def test_forbidden_addresses(address: str, forbidden: bool) -> None:
    assert is_forbidden_address(ipaddress.ip_address(address)) is forbidden


@pytest.fixture
def no_traffic_off_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A tripwire: fails the test if the fetcher tries to talk to anything but loopback."""
    asked: list[str] = []

    async def guarded_exchange(session: object, url: URL, *args: object, **kw: object) -> Answer:
        asked.append(str(url))
        host = url.host or ""
        if host not in ("127.0.0.1", "::1") and not host.endswith(".test"):
            pytest.fail(f"the fetcher tried to reach {url}")
        return await exchange(session, url, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr("checker.fetch.client.exchange", guarded_exchange)
    yield asked


@pytest.fixture
def guarded_settings(fetch_settings: FetchSettings) -> FetchSettings:
    return replace(fetch_settings, allow_private_networks=False, respect_robots=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://[::1]:{port}/",
        "http://10.1.2.3/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://0.0.0.0:{port}/",
        # legacy IPv4 spellings of 127.0.0.1 and 10.0.0.1: refused as addresses, not bad URLs
        "http://2130706433:{port}/",
        "http://127.1:{port}/",
        "http://017700000001:{port}/",
        "http://0x7f.1:{port}/",
        "http://10.1/admin",
    ],
)
async def test_literal_private_addresses_are_refused_before_connecting(
    fake_web: FakeWeb, guarded_settings: FetchSettings, no_traffic_off_loopback: list[str], url: str
) -> None:
    async with Fetcher(guarded_settings, resolver=fake_web.resolver()) as fetcher:
        result = await fetcher.fetch(url.format(port=fake_web.port))
    assert result.error is FetchErrorKind.FORBIDDEN_ADDRESS
    assert result.status is None
    assert no_traffic_off_loopback == []
    assert fake_web.visits == []


async def test_host_name_resolving_to_loopback_is_refused(
    fake_web: FakeWeb, guarded_settings: FetchSettings
) -> None:
    async with Fetcher(guarded_settings, resolver=fake_web.resolver()) as fetcher:
        result = await fetcher.fetch(fake_web.url(NEWS, "/"))
    assert result.error is FetchErrorKind.FORBIDDEN_ADDRESS
    assert "127.0.0.1" in result.error_message
    assert fake_web.visits == []


def _treat_127_0_0_1_as_public(address: IPAddress) -> bool:
    # Lets a test play "a public site" on 127.0.0.1 while every other address stays private.
    return str(address) != "127.0.0.1" and is_forbidden_address(address)


@pytest.mark.parametrize(
    "location",
    ["http://127.0.0.2:{port}/", "http://internal.test:{port}/", "http://[::1]:{port}/"],
)
async def test_redirect_to_a_private_address_is_refused_at_that_hop(
    fake_web: FakeWeb, guarded_settings: FetchSettings, location: str
) -> None:
    target = location.format(port=fake_web.port)
    fake_web.set_page(NEWS, "/to-internal", status=302, headers={"Location": target})
    resolver = fake_web.resolver({"internal.test": "127.0.0.2"})
    async with Fetcher(
        guarded_settings, resolver=resolver, forbidden_address=_treat_127_0_0_1_as_public
    ) as fetcher:
        result = await fetcher.fetch(fake_web.url(NEWS, "/to-internal"))
    assert result.error is FetchErrorKind.FORBIDDEN_ADDRESS
    assert [h.location for h in result.redirects] == [target]
    assert result.final_url == target
    assert [v.path for v in fake_web.visits] == ["/to-internal"]


async def test_allow_private_networks_lets_loopback_through(
    fake_web: FakeWeb, fetch_settings: FetchSettings
) -> None:
    async with Fetcher(fetch_settings, resolver=fake_web.resolver()) as fetcher:
        by_name = await fetcher.fetch(fake_web.url(NEWS, "/"))
        by_address = await fetcher.fetch(f"http://127.0.0.1:{fake_web.port}/")
    assert by_name.status == 200
    assert by_address.status == 421  # reached the server, which has no site by that name


async def test_resolver_keeps_only_public_addresses_of_a_mixed_answer() -> None:
    inner = FakeResolver({"mixed.test": ["10.0.0.5", "93.184.216.34"], "x.test": "10.0.0.5"})
    guarded = GuardedResolver(inner, is_forbidden_address)
    assert [r["host"] for r in await guarded.resolve("mixed.test", 80)] == ["93.184.216.34"]
    with pytest.raises(ForbiddenAddressError, match=r"10\.0\.0\.5"):
        await guarded.resolve("x.test", 80)
