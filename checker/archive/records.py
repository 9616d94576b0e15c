"""WARC records of one source response: request + response, or request + revisit. Pure.

The payload is the body as citecheck read it, decoded: the response record drops the
transfer headers that described the wire form (Content-Encoding, Transfer-Encoding),
keeps their values as X-Archive-Orig-* and states the decoded Content-Length, so a
replay tool shows the page. The payload digest (sha1, base32, as warcio and the Wayback
Machine write it) names the record's file, which is how unchanged content is found.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from checker.model import FetchResult

# On the news pages of tests/data, warcio's own level 9 takes 5.7 ms a page for 36 KB,
# zlib's default 6 takes 3.9 ms for 36 KB, 3 takes 1.8 ms for 41 KB: the capture's cost
# is mostly this, on every first check (bench/bench_archive.py has the whole cost).
GZIP_LEVEL = 3
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class Original:
    """The response record an unchanged payload refers back to."""

    url: str
    date: str  # its WARC-Date


@dataclass(frozen=True)
class RecordPair:
    data: bytes  # gzip members, one per record, ready to append to a .warc.gz
    record_id: str  # the response's (or revisit's) WARC-Record-ID
    date: str  # WARC-Date


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of `body`: "sha1:" and the base32 SHA-1."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return str(datetime_to_iso_date(utc.replace(tzinfo=None)))


def record_pair(
    result: FetchResult,
    request_headers: list[tuple[str, str]],
    when: datetime,
    *,
    original: Original | None = None,
) -> RecordPair:
    """The response (or, with `original`, a revisit to it) and the request that got it."""
    writer_out = BytesIO()
    writer = WARCWriter(writer_out, gzip=False)
    url, date = result.final_url, warc_date(when)
    digest = payload_digest(result.body)
    http_headers = StatusAndHeaders(_status_line(result), _response_headers(result), "HTTP/1.1")
    if original is None:
        primary = writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(result.body),
            length=len(result.body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": digest},
        )
    else:
        primary = writer.create_revisit_record(
            url,
            digest,
            original.url,
            original.date,
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": date},
        )
    request = writer.create_warc_record(
        url,
        "request",
        http_headers=StatusAndHeaders(
            f"GET {_path(url)} HTTP/1.1", request_headers, is_http_request=True
        ),
        warc_headers_dict={"WARC-Date": date},
    )
    request.rec_headers.add_header(
        "WARC-Concurrent-To", primary.rec_headers.get_header("WARC-Record-ID")
    )
    members = []
    for record in (primary, request):  # one gzip member per record, as WARC tools expect
        writer_out.seek(0)
        writer_out.truncate()
        writer.write_record(record)
        members.append(_gzip(writer_out.getvalue()))
    record_id = str(primary.rec_headers.get_header("WARC-Record-ID"))
    return RecordPair(b"".join(members), record_id, date)


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def _status_line(result: FetchResult) -> str:
    status = result.status or 200
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"{status} {phrase}".strip()


def _response_headers(result: FetchResult) -> list[tuple[str, str]]:
    raw = result.raw_headers or tuple(result.headers.items())
    kept = [(k, v) for k, v in raw if k.lower() not in _WIRE_HEADERS]
    kept += [(f"X-Archive-Orig-{k}", v) for k, v in raw if k.lower() in _WIRE_HEADERS]
    kept.append(("Content-Length", str(len(result.body))))
    return kept


def _path(url: str) -> str:
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else "/"
