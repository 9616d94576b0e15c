"""Server-side rendering: the Jinja2 environment (autoescaped: pages carry untrusted
source text), value formatting, and the overview's inline SVG charts.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from aiohttp import web

from checker.web.keys import CLOCK, PRINCIPAL, SETTINGS

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("checker.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@jinja2.pass_context
def when(context: jinja2.runtime.Context, value: datetime | str | None) -> str:
    """A time as people read it, in the dashboard's zone and saying it:
    "2026-01-07 09:00 UTC", "2026-01-07 10:00 CET"."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if value is None:
        return "—"
    zone: tzinfo = context.get("zone") or UTC
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def age(value: datetime | None, now: datetime) -> str:
    if value is None:
        return ""
    seconds = (now - value).total_seconds()
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"


ENV.filters["when"] = when
ENV.filters["iso"] = lambda value: datetime.fromisoformat(str(value).replace("Z", "+00:00"))
ENV.filters["label"] = lambda value: str(value or "").replace("_", " ")


@functools.cache
def zone_of(name: str) -> tzinfo:
    """The named time zone; an unknown name falls back to UTC (settings check it first)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    principal = request.get(PRINCIPAL)
    now = request.app[CLOCK]()
    page = ENV.get_template(template).render(
        user=principal,
        csrf_token=principal.csrf_token if principal else "",
        now=now,
        zone=zone_of(request.app[SETTINGS].web.timezone),
        age=lambda v: age(v, now),
        path=request.path,
        **context,
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


# --------------------------------------------------------------------------- charts


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    labels: tuple[tuple[float, str], ...]  # (x, text) under the x axis
    peak: int
    left: int = 0  # the plot starts here: room for the y axis
    ticks: tuple[tuple[float, str], ...] = ()  # (y, value) along the y axis

    @property
    def base(self) -> int:
        return self.height - _LABEL_H


_LABEL_H = 20  # room under the x axis for its labels
_CHAR_W = 6.5  # a tick label character at 10 px


def bar_chart(
    points: list[dict[str, Any]],
    series: tuple[str, ...],
    label_key: str,
    *,
    width: int = 640,
    height: int = 160,
    label_format: Any = str,
) -> Chart:
    """Grouped bars, one group per point and one bar per series, scaled to the peak,
    with a y axis (0, half, peak) and as many x labels as fit without overlapping."""
    peak = max((int(p[s]) for p in points for s in series), default=0)
    left = int(len(str(peak)) * _CHAR_W) + 10
    plot_h = height - _LABEL_H - 6
    plot_w = width - left
    group_w = plot_w / max(len(points), 1)
    bar_w = max(group_w * 0.8 / len(series), 1.0)
    texts = [str(label_format(p[label_key])) for p in points]
    widest = max((len(t) for t in texts), default=1) * _CHAR_W + 8
    label_every = max(1, math.ceil(widest / group_w))
    bars = []
    labels = []
    base = height - _LABEL_H
    for i, point in enumerate(points):
        for j, name in enumerate(series):
            value = int(point[name])
            h = 0.0 if peak == 0 else plot_h * value / peak
            x = left + i * group_w + group_w * 0.1 + j * bar_w
            title = f"{texts[i]}: {value} {name.replace('_', ' ')}"
            bars.append(
                Bar(round(x, 1), round(base - h, 1), round(bar_w, 1), round(h, 1), name, title)
            )
        if i % label_every == 0:
            labels.append((round(left + i * group_w + group_w / 2, 1), texts[i]))
    steps = sorted({0, peak // 2, peak}) if peak else [0]
    ticks = tuple((round(base - (plot_h * v / peak if peak else 0), 1), str(v)) for v in steps)
    return Chart(width, height, tuple(bars), tuple(labels), peak, left, ticks)
