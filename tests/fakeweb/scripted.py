"""Pages written by JavaScript, as single-page apps serve them: an empty root and a script.

`spa_pages(title, paragraphs, how, path)` gives the pages of one article at `path`
(default ``/{how}``) and its data at ``{path}/data.json``, where `how` is how the
script gets the text: ``load`` (inline, on load), ``delay`` (1.5 s after load),
``api`` (a fetch of its data on the same host), ``private`` (on load, after trying to
reach 10.0.0.1) or ``never`` (it writes nothing and waits on ``/hang`` forever).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .server import Page

SHELL = (
    "<!DOCTYPE html><html><head><title>{title}</title></head><body>"
    "<div id='root'></div><script>{script}</script></body></html>"
)
WRITE = (
    "function write(a) {{ document.getElementById('root').innerHTML = '<article><h1>' + "
    "a.title + '</h1>' + a.paragraphs.map(p => '<p>' + p + '</p>').join('') + "
    "'</article>'; }}"
)
HOW = ("load", "delay", "api", "private", "never")


def spa_pages(title: str, paragraphs: Sequence[str], how: str, path: str = "") -> dict[str, Page]:
    path = path or f"/{how}"
    data = json.dumps({"title": title, "paragraphs": list(paragraphs)})
    scripts = {
        "load": WRITE + f"write({data});",
        "delay": WRITE + f"setTimeout(() => write({data}), 1500);",
        "api": WRITE + "fetch(location.pathname + '/data.json').then(r => r.json()).then(write);",
        "private": WRITE + f"fetch('http://10.0.0.1/secret').catch(() => null); write({data});",
        "never": "fetch('/hang');",
    }
    html = SHELL.format(title=title, script=scripts[how])
    return {
        path: Page(html.encode()),
        f"{path}/data.json": Page(data.encode(), content_type="application/json"),
    }
