"""Source URLs in one canonical spelling, so that one page is one source.

Two citations of the same page must land on the same source row however the
article spelled the link: `HTTPS://Example.com:443/a/./b?utm_source=x#top` and
`https://example.com/a/b` are the same page. Only absolute http(s) URLs can be
cited; anything else is a `BadUrl` whose message says what is wrong.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

import idna

MAX_URL_LENGTH = 2048  # the store's column width; longer URLs are almost always garbage

# Query parameters that only say how a reader arrived (campaign and click ids):
# dropping them never changes the page, keeping them splits one source into many.
TRACKING_PARAMS = frozenset(
    """fbclid gclid gclsrc dclid gbraid wbraid msclkid yclid twclid ttclid li_fat_id
    mc_cid mc_eid igshid ref_src ref_url _ga _gl _hsenc _hsmi mkt_tok vero_id
    oly_anon_id oly_enc_id rb_clickid s_cid wt_mc spm""".split()
)
TRACKING_PREFIXES = ("utm_", "pk_campaign", "pk_kwd", "hsa_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = "!$&'()*+,;="
_PATH_SAFE = frozenset(_UNRESERVED | set(_SUB_DELIMS) | set(":@/"))
_QUERY_SAFE = frozenset(_PATH_SAFE | set("?"))
_USERINFO_SAFE = frozenset(_UNRESERVED | set(_SUB_DELIMS) | set(":"))
_HEX = frozenset("0123456789abcdefABCDEF")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_ASCII_HOST = re.compile(
    r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$"
)
_IPV6 = re.compile(r"^\[[0-9a-f:.]+(?:%25[\w.~-]+)?\]$")
_CONTROL = re.compile(r"[\t\n\r]")


class BadUrl(ValueError):
    """A URL that cannot be a source; the message names the URL and the problem."""


def normalize_url(url: str, base: str | None = None) -> str:
    """The canonical spelling of an absolute http(s) URL (see the module docstring).

    A relative `url` is resolved against `base`, which must itself be absolute http(s).
    """
    # Browsers drop tabs and newlines anywhere in a URL; copy-paste brings them in.
    raw = _CONTROL.sub("", url).strip()
    if not raw:
        raise BadUrl("empty URL: a citation needs an absolute http(s) URL")
    scheme_match = _SCHEME.match(raw)
    if scheme_match is not None and raw[scheme_match.end() :][:1].isdigit():
        scheme_match = None  # "localhost:8000/x" is a host and port without a scheme
    if scheme_match is None or raw.startswith("//"):
        if base is None:
            raise BadUrl(f"{_show(raw)} is not an absolute URL: write it with http:// or https://")
        absolute_base = normalize_url(base)
        try:
            raw = urljoin(absolute_base, raw)
        except ValueError as exc:
            raise BadUrl(f"{_show(raw)} is malformed ({exc})") from None
    else:
        scheme = scheme_match.group(1).lower()
        if scheme not in _DEFAULT_PORTS:
            raise BadUrl(
                f"{_show(raw)} uses the {scheme}: scheme; only http:// and https:// pages "
                "can be cited"
            )
    try:
        parts = urlsplit(raw)
    except ValueError as exc:  # e.g. a malformed [IPv6] host
        raise BadUrl(f"{_show(raw)} is malformed ({exc})") from None
    scheme = parts.scheme.lower()
    if not parts.netloc:
        raise BadUrl(f"{_show(raw)} has no host name")
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host, port = _split_port(hostport, raw)
    netloc = _host(host, raw)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if userinfo:
        netloc = f"{_encode(userinfo, _USERINFO_SAFE)}@{netloc}"
    path = _remove_dot_segments(_encode(parts.path, _PATH_SAFE)) or "/"
    query = _clean_query(parts.query)
    result = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")
    if len(result) > MAX_URL_LENGTH:
        raise BadUrl(f"{_show(raw)} is longer than {MAX_URL_LENGTH} characters")
    return result


def host_of(url: str) -> str:
    """The normalized host name of an http(s) URL, without port: `www.example.com`."""
    netloc = urlsplit(normalize_url(url)).netloc
    host = netloc.rpartition("@")[2]
    if host.startswith("["):
        return host[: host.index("]") + 1]
    return host.partition(":")[0]


def _show(url: str) -> str:
    """A URL quoted for an error message, cut so the message stays one readable line."""
    return repr(url if len(url) <= 120 else url[:117] + "...")


def _split_port(hostport: str, url: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise BadUrl(f"{_show(url)} has an unclosed IPv6 address")
        host, rest = hostport[: end + 1], hostport[end + 1 :]
        if rest and not rest.startswith(":"):
            raise BadUrl(f"{_show(url)} has junk after the IPv6 address")
        port_text = rest[1:]
    else:
        host, _, port_text = hostport.partition(":")
    if not port_text:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise BadUrl(f"{_show(url)} has an invalid port {port_text!r}")
    return host, int(port_text)


def _host(host: str, url: str) -> str:
    host = host.rstrip(".").lower()  # "example.com." is the same host, spelled fully qualified
    if not host:
        raise BadUrl(f"{_show(url)} has no host name")
    if host.startswith("["):
        if not _IPV6.match(host):
            raise BadUrl(f"{_show(url)} has an invalid IPv6 address")
        return host
    if "%" in host:
        host = unquote(host)
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise BadUrl(f"{_show(url)} has an invalid international host name ({exc})") from None
    if not _ASCII_HOST.match(host):
        raise BadUrl(f"{_show(url)} has an invalid host name {host!r}")
    return host


def _encode(text: str, safe: frozenset[str]) -> str:
    """Percent-encode consistently: unreserved escapes decoded, other escapes upper-case,
    unsafe characters (spaces, non-ASCII, stray %) encoded as UTF-8."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%" and i + 2 < len(text) and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        if char in safe:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: `/a/./b/../c` is `/a/c`."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for segment in segments[1:]:  # the path of an absolute URL starts with "/"
        if segment == ".":
            continue
        if segment == "..":
            if out:
                out.pop()
            continue
        out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")  # "/a/b/.." names the directory "/a/", keep its trailing slash
    return "/" + "/".join(out)


def _is_tracking(name: str) -> bool:
    key = unquote(name).lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _clean_query(query: str) -> str:
    kept = [p for p in query.split("&") if p and not _is_tracking(p.partition("=")[0])]
    return "&".join(_encode(p, _QUERY_SAFE) for p in kept)


def origin_only(url: str) -> str:
    """`url` cut to its scheme and host ("https://hooks.slack.com/…"): webhook URLs carry
    their credentials in the path and query, and are never shown whole."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not parts.scheme or not host:
        return "…"
    port = f":{parts.port}" if parts.port else ""
    rest = "/…" if (parts.path.strip("/") or parts.query) else "/"
    return f"{parts.scheme}://{host}{port}{rest}"
