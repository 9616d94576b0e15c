"""Render pages that write their text with JavaScript: headless Chromium via Playwright.

Optional (`[browser] enabled`, `pip install -e '.[browser]'`). Chromium never touches
the network itself: it starts with every host name mapped to nothing, and each request
a page makes is intercepted and answered by the same `Fetcher` every other fetch goes
through, so the SSRF guard, robots.txt, politeness and size limits hold for a page's
scripts and API calls too. Images, media, fonts and stylesheets are refused unfetched
(text is what we read), and so is anything but GET.

A small pool of browser contexts renders pages at once; a context is replaced after
`pages_per_context` pages, and each page has a time limit and a JavaScript heap cap.
A page is done when its text has stayed the same for `settle_s` (content written after
load, after a delay or after an API call is waited for), or when its time is up.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from checker.fetch.client import Fetcher
from checker.model import FetchResult, RenderError
from checker.settings import BrowserSettings

# What a page may load: its document, scripts and the data they ask for.
_SKIPPED = frozenset({"image", "media", "font", "stylesheet", "texttrack", "manifest", "other"})
_ARGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND",  # every request goes through our fetcher
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-gpu",
    "--disable-sync",
    "--mute-audio",
    "--no-first-run",
    "--no-sandbox",
)
_TEXT_LENGTH = "() => document.body ? document.body.innerText.length : 0"


@dataclass
class Rendered:
    html: bytes
    url: str
    elapsed_ms: float
    requests: int = 0  # answered through the fetcher
    refused: list[str] = field(default_factory=list)  # requests the fetcher refused, and why
    skipped: int = 0  # images, fonts, stylesheets, ... never fetched
    timed_out: bool = False

    def summary(self) -> dict[str, Any]:
        return {
            "ms": round(self.elapsed_ms, 1),
            "requests": self.requests,
            "refused": self.refused[:10],
            "skipped": self.skipped,
            "timed_out": self.timed_out,
        }


class Renderer:
    """Renders pages in a pool of browser contexts; start once, close at the end."""

    def __init__(self, settings: BrowserSettings, fetcher: Fetcher) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self._playwright: Any = None
        self._browser: Any = None
        self._idle: asyncio.Queue[tuple[Any, int]] = asyncio.Queue()
        self._slots = asyncio.Semaphore(max(1, settings.contexts))

    async def __aenter__(self) -> Renderer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        try:
            from playwright.async_api import async_playwright
        except ImportError:
            raise RenderError(
                "[browser] enabled needs Playwright: pip install -e '.[browser]'"
            ) from None
        self._playwright = await async_playwright().start()
        chromium = self._playwright.chromium
        try:
            if self.settings.cdp_url:
                self._browser = await chromium.connect_over_cdp(self.settings.cdp_url)
            else:
                args = [*_ARGS, f"--js-flags=--max-old-space-size={self.settings.heap_mb}"]
                self._browser = await chromium.launch(
                    executable_path=self.settings.executable, args=args, headless=True
                )
        except Exception as exc:
            await self._playwright.stop()
            where = self.settings.cdp_url or self.settings.executable
            raise RenderError(f"cannot start the browser ({where}): {exc}") from None

    async def close(self) -> None:
        while not self._idle.empty():
            context, _ = self._idle.get_nowait()
            await _quietly(context.close())
        if self._browser is not None:
            await _quietly(self._browser.close())
            self._browser = None
        if self._playwright is not None:
            await _quietly(self._playwright.stop())
            self._playwright = None

    async def render(self, page: FetchResult) -> Rendered:
        """Render the page `page` is the static answer for (it is served from there)."""
        if self._browser is None:
            raise RenderError("the browser is not started")
        async with self._slots:
            context, used = await self._context()
            try:
                return await self._render(context, page)
            finally:
                if used + 1 >= self.settings.pages_per_context:
                    await _quietly(context.close())
                else:
                    await _quietly(context.clear_cookies())
                    self._idle.put_nowait((context, used + 1))

    async def _context(self) -> tuple[Any, int]:
        if not self._idle.empty():
            return self._idle.get_nowait()
        context = await self._browser.new_context(
            user_agent=self.fetcher.settings.user_agent, service_workers="block"
        )
        return context, 0

    async def _render(self, context: Any, first: FetchResult) -> Rendered:
        started = time.perf_counter()
        rendered = Rendered(b"", first.final_url, 0.0)
        tab = await context.new_page()
        answer = _Answerer(self.fetcher, first, rendered)
        await tab.route("**/*", answer.route)
        deadline = started + self.settings.page_timeout_s
        try:
            await tab.goto(
                first.final_url,
                wait_until="domcontentloaded",
                timeout=self.settings.page_timeout_s * 1000,
            )
            rendered.timed_out = not await self._settle(tab, deadline)
            rendered.html = (await tab.content()).encode("utf-8")
        except Exception as exc:
            rendered.timed_out = "Timeout" in type(exc).__name__
            html = await _content_or_none(tab)
            if html is None:
                raise RenderError(f"rendering {first.final_url[:120]} failed: {exc}") from None
            rendered.html = html
        finally:
            await _quietly(tab.close())
            rendered.elapsed_ms = (time.perf_counter() - started) * 1000
        return rendered

    async def _settle(self, tab: Any, deadline: float) -> bool:
        """Wait until the page's text is non-empty and unchanged for `settle_s`."""
        last, stable_since = -1, time.perf_counter()
        while time.perf_counter() < deadline:
            length = await tab.evaluate(_TEXT_LENGTH)
            now = time.perf_counter()
            if length != last:
                last, stable_since = length, now
            elif length > 0 and now - stable_since >= self.settings.settle_s:
                return True
            await asyncio.sleep(0.1)
        return False


class _Answerer:
    """Answers a page's requests through the fetcher (the first one from the static fetch)."""

    def __init__(self, fetcher: Fetcher, first: FetchResult, rendered: Rendered) -> None:
        self.fetcher = fetcher
        self.first = first
        self.rendered = rendered

    async def route(self, route: Any, request: Any) -> None:
        if request.resource_type in _SKIPPED or request.method != "GET":
            self.rendered.skipped += 1
            await route.abort("blockedbyclient")
            return
        if request.url == self.first.final_url and request.is_navigation_request():
            result = self.first
        else:
            result = await self.fetcher.fetch(request.url)
        if result.error is not None or result.status is None:
            self.rendered.refused.append(f"{request.url[:120]}: {result.error_message}")
            await route.abort("blockedbyclient")
            return
        self.rendered.requests += 1
        headers = {"content-type": _content_type(result)}
        await route.fulfill(status=result.status, headers=headers, body=result.body)


def _content_type(result: FetchResult) -> str:
    kind = result.content_type or "application/octet-stream"
    return f"{kind}; charset={result.charset}" if result.charset else kind


async def _content_or_none(tab: Any) -> bytes | None:
    try:
        return str(await tab.content()).encode("utf-8")
    except Exception:
        return None


async def _quietly(step: Any) -> None:
    """Close or clear something of the browser's; it may already be gone."""
    try:
        await step
    except Exception:  # a crashed browser cannot be closed any more: nothing to do
        return
