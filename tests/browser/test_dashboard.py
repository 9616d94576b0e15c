"""An editor's morning in a real browser (Debian's chromium, driven by Playwright):
sign in, filter the queue, open a flag, read the diff, replace a dead source with its
archived copy. Screenshots of each step go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web_fixtures import ARCHIVE, PASSWORD, LiveServer

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


@pytest.fixture
def page(live_server: LiveServer) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        yield tab
        context.close()
        browser.close()
        # a CSP violation (an inline script or style) would show up here
        assert errors == []


def test_editor_triages_a_dead_source(page: object, live_server: LiveServer) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    base = live_server.url
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("input[name=name]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.screenshot(path=str(SHOTS / "01-login.png"))
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Flags")
    expect(page.locator("table.queue tbody tr")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "02-queue.png"), full_page=True)

    # choosing a kind filters at once (progressive enhancement: the select submits)
    page.select_option("select[name=kind]", "evidence_changed")
    page.wait_for_url("**kind=evidence_changed**")
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "03-queue-filtered.png"), full_page=True)

    page.click("table.queue tbody tr a[href^='/flags/']")
    expect(page.locator(".then del")).to_have_text("94")
    expect(page.locator(".now ins").first).to_have_text("91")
    # the hostile text from the page is shown as text, not run
    expect(page.locator(".now ins").nth(1)).to_contain_text("<script>")
    page.screenshot(path=str(SHOTS / "04-flag-diff.png"), full_page=True)

    page.goto(f"{base}/?kind=dead")
    page.click("table.queue tbody tr a[href^='/flags/']")
    expect(page.locator("h1")).to_contain_text("dead")
    page.check("#replace-form input[name=use_archive]")
    page.click("#replace-form button[type=submit]")
    expect(page.locator(".done")).to_contain_text("Source replaced")
    expect(page.locator(".meta")).to_contain_text("resolved (replaced)")
    page.screenshot(path=str(SHOTS / "05-replaced.png"), full_page=True)

    page.goto(f"{base}/?status=all&kind=dead")
    expect(page.locator("table.queue tbody")).to_contain_text("resolved")
    article = page.locator("table.queue tbody tr a[href^='/articles/']").first
    article.click()
    expect(page.locator("table.citations")).to_contain_text(ARCHIVE[:40])
    page.screenshot(path=str(SHOTS / "06-article.png"), full_page=True)


@pytest.mark.parametrize("path", ["/", "/overview", "/articles", "/alerts"])
def test_pages_fit_a_phone_screen(page: object, live_server: LiveServer, path: str) -> None:
    """At 390 px wide nothing is wider than the screen (tables scroll inside themselves);
    a screenshot of each page is kept."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=name]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{path}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    name = path.strip("/") or "queue"
    page.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=True)
    assert overflow <= 0, f"{path} is {overflow} px wider than a 390 px screen"
