"""An article's citations for the newsroom: Robust Links to paste into the CMS, and CSV or
JSON of flags and citation health for reports. Pure: the store's rows in, text out.

A Robust Link (https://robustlinks.mementoweb.org/spec/) keeps the original URL as the
link and adds the archived version: `data-versionurl` is the archived copy verified to
carry the cited passage, `data-versiondate` its date; without one, the link carries the
date it was cited, so a reader's tools can still look for a copy of that day.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from html import escape
from typing import Any

FORMATS = ("robustlinks", "csv", "json")
CSV_COLUMNS = (
    "ref",
    "claim",
    "source_url",
    "state",
    "reason",
    "open_flags",
    "worst_severity",
    "verified_at",
    "unverified_reason",
    "captured_at",
    "archived_copy_url",
    "archived_copy_date",
    "archived_copy_verified",
)


def robust_links(data: dict[str, Any]) -> str:
    """One anchor per citation, each after a comment naming its reference and claim."""
    lines = [f"<!-- citecheck: robust links for {_comment(data['article']['url'])} -->"]
    for c in data["citations"]:
        copy = c["archived_copy"] or {}
        attributes = [("href", c["source_url"]), ("data-originalurl", c["source_url"])]
        if copy.get("verified") and copy.get("url"):
            attributes.append(("data-versionurl", copy["url"]))
            version_date = copy.get("date") or c["cited_at"]
        else:
            version_date = c["cited_at"]
        if version_date is not None:
            attributes.append(("data-versiondate", _day(version_date)))
        rendered = " ".join(
            f'{name}="{escape(str(value), quote=True)}"' for name, value in attributes
        )
        lines.append(f"<!-- [{_comment(c['ref'])}] {_comment(c['claim'][:120])} -->")
        lines.append(f"<a {rendered}>{escape(c['source_url'])}</a>")
    return "\n".join(lines) + "\n"


def health_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in data["citations"]:
        copy = c["archived_copy"] or {}
        writer.writerow(
            [
                c["ref"],
                c["claim"],
                c["source_url"],
                c["state"],
                c["reason"],
                ";".join(f"{f['kind']}:{f['severity']}" for f in c["open_flags"]),
                c["worst_severity"] or "",
                _iso(c["verified_at"]),
                c["unverified_reason"] or "",
                _iso(c["captured_at"]),
                copy.get("url") or "",
                _iso(copy.get("date")),
                "" if not copy else ("yes" if copy.get("verified") else "no"),
            ]
        )
    return out.getvalue()


def health_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_iso) + "\n"


def render(data: dict[str, Any], fmt: str) -> str:
    if fmt == "robustlinks":
        return robust_links(data)
    if fmt == "csv":
        return health_csv(data)
    if fmt == "json":
        return health_json(data)
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")


def _day(value: datetime) -> str:
    return value.strftime("%Y-%m-%d")


def _iso(value: Any) -> str:
    return (
        value.isoformat() if isinstance(value, datetime) else ("" if value is None else str(value))
    )


def _comment(text: str) -> str:
    """Text safe inside an HTML comment (no "--", no ">" closing it early)."""
    return escape(" ".join(str(text).split())).replace("--", "- -")
