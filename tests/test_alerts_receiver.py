"""The example receiver (examples/webhook_receiver.py) against the real dispatcher, and
the `citecheck alerts` commands."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from checker.alerts.dispatcher import AlertDispatcher
from checker.cli import main
from store.db import Database
from tests.alerts_fixtures import (
    DEAD,
    SECRET,
    T0,
    Clock,
    Recorder,
    alert_settings,
    destination,
    make_citations,
    set_conditions,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "webhook_receiver.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webhook_receiver", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    handled: list[dict[str, Any]] = []
    app = load_example().make_app(SECRET, on_event=handled.append, clock=lambda: T0.timestamp())
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/citecheck", handled
    await runner.cleanup()


async def test_example_receiver_accepts_signed_alerts_once_and_refuses_forgeries(
    db: Database, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, handled = receiver
    set_conditions(db, make_citations(db, 2), (DEAD,), T0)
    settings = alert_settings(destination(url), group_window_s=60.0)
    clock = Clock()
    async with AlertDispatcher(db, settings, clock=clock) as d:
        clock.advance(61)
        report = await d.run_once()
    assert report.sent == 1 and len(handled) == 2  # one batch, two events handled
    assert {e["type"] for e in handled} == {"flag.opened"}

    async with aiohttp.ClientSession() as http:
        body = json.dumps({"type": "flag.opened", "data": {}}).encode()
        headers = {
            "webhook-id": "evt_x",
            "webhook-timestamp": str(int(T0.timestamp())),
            "webhook-signature": "v1,AAAA",
        }
        async with http.post(url, data=body, headers=headers) as resp:
            assert resp.status == 401


async def test_example_receiver_handles_a_retry_once(
    db: Database, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, handled = receiver
    set_conditions(db, make_citations(db, 1), (DEAD,), T0)
    clock = Clock()
    async with AlertDispatcher(db, alert_settings(destination(url)), clock=clock) as d:
        await d.run_once()
        await db.write(_requeue_all)  # as if the receiver's 2xx had been lost on the way
        resent = await d.run_once()
    assert resent.sent == 1 and len(handled) == 1


def _requeue_all(session: Any) -> None:
    from sqlalchemy import update

    from store.alert_tables import AlertMessage

    session.execute(update(AlertMessage).values(status="pending", next_attempt_at=T0))


def _config(tmp_path: Path, url: str, *, private: bool = True) -> Path:
    cfg = tmp_path / "citecheck.toml"
    cfg.write_text(
        f"[fetch]\nallow_private_networks = {str(private).lower()}\n"
        f'[alerts]\ndashboard_url = "https://cc.example"\ntimeout_s = 2.0\n'
        f'[[destinations]]\nname = "desk"\nurl = "{url}"\nformat = "slack"\n'
        f'secret = "{SECRET}"\n'
    )
    return cfg


async def test_a_webhook_to_a_private_address_needs_private_networks_allowed(
    db_url: str, recorder: Recorder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The receiver listens on loopback: refused before connecting while private
    networks are off (the default), delivered once they are on."""
    import asyncio

    for url in (recorder.url, recorder.url.replace("127.0.0.1", "2130706433")):
        cfg = str(_config(tmp_path, url, private=False))
        code = await asyncio.to_thread(
            main, ["--config", cfg, "--db", db_url, "alerts", "test", "desk"]
        )
        out = capsys.readouterr()
        assert code == 1 and "refused" in out.out + out.err, (url, out)
        assert recorder.requests == []
    cfg = str(_config(tmp_path, recorder.url, private=True))
    code = await asyncio.to_thread(
        main, ["--config", cfg, "--db", db_url, "alerts", "test", "desk"]
    )
    assert code == 0 and len(recorder.requests) == 1


async def test_cli_alerts_test_and_list(
    db_url: str, recorder: Recorder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    cfg = str(_config(tmp_path, recorder.url))
    code = await asyncio.to_thread(
        main, ["--config", cfg, "--db", db_url, "alerts", "test", "desk"]
    )
    assert code == 0
    assert "sent a test alert to desk: HTTP 200" in capsys.readouterr().out
    [req] = recorder.requests
    assert req.headers["webhook-id"].startswith("test_")
    assert json.loads(req.body)["blocks"][0]["type"] == "header"

    code = await asyncio.to_thread(
        main, ["--config", cfg, "--db", db_url, "alerts", "list", "--json"]
    )
    listing = json.loads(capsys.readouterr().out)
    assert code == 0 and listing["destinations"][0]["name"] == "desk"

    code = await asyncio.to_thread(
        main, ["--config", cfg, "--db", db_url, "alerts", "test", "nope"]
    )
    assert code == 1 and "no destination named 'nope'" in capsys.readouterr().err


def test_cli_bad_destination_config_is_one_line(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[[destinations]]\nname = "desk"\nurl = "https://h.example"\nformat = "xml"\n')
    assert main(["--config", str(cfg), "--db", db_url, "alerts", "list"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "citecheck: error: destination 'desk': key 'format' must be one of json, slack, teams, "
        "got 'xml'"
    )
