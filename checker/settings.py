"""Settings: the config file and CITECHECK_* environment, read once into one typed object.

No other module reads the environment or the config file; `Settings` is passed down.
Every key here is documented, with its default, in config/citecheck.toml (a test
checks that the two agree).

Environment: `CITECHECK_CONFIG` names the file; any key can be overridden as
`CITECHECK_<SECTION>_<KEY>` (e.g. `CITECHECK_FETCH_TIMEOUT_S=10`);
`CITECHECK_DATABASE_URL` sets `[database] url`.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.discover.config import (
    PublicationConfigError,
    PublicationSettings,
    parse_publications,
)

DEFAULT_DB_URL = "sqlite:///citecheck.db"


class SettingsError(Exception):
    """A config file or environment value is wrong; the message names the key."""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = DEFAULT_DB_URL
    pool_size: int = 10
    snapshot_history: int = 20  # snapshots kept per source (deduplicated by content hash)
    check_history: int = 200  # check rows kept per source
    write_batch: int = 50  # results written per transaction at most
    write_linger_s: float = 0.2  # how long a result may wait for others to join its batch


@dataclass(frozen=True)
class FetchSettings:
    timeout_s: float = 30.0
    connect_timeout_s: float = 10.0
    max_bytes: int = 10_000_000
    max_redirects: int = 10
    concurrency: int = 64
    per_host_concurrency: int = 2
    per_host_delay_s: float = 1.0
    user_agent: str = "citecheck/0.1 (+https://github.com/citecheck/citecheck)"
    contact_url: str = ""
    respect_robots: bool = True
    allow_private_networks: bool = False
    soft_404_probe: bool = True
    max_retry_after_s: float = 3600.0
    retry_after_wait_s: float = 10.0


@dataclass(frozen=True)
class MonitorSettings:
    interval_s: float = 86_400.0
    min_interval_s: float = 3_600.0
    max_interval_s: float = 2_592_000.0
    confirm_failures: int = 3
    confirm_interval_s: float = 86_400.0
    fresh_article_days: int = 7
    tick_s: float = 30.0
    batch_size: int = 50
    lease_s: float = 300.0
    workers: int = 1
    shutdown_grace_s: float = 30.0


@dataclass(frozen=True)
class ExtractSettings:
    processes: int = 0  # 0: one per CPU core, at most 4
    max_chars: int = 2_000_000
    timeout_s: float = 60.0  # one body's extraction; 0: no limit


@dataclass(frozen=True)
class BrowserSettings:
    enabled: bool = False  # render pages whose static HTML has no main text
    executable: str = "/usr/bin/chromium"  # a local Chromium (Debian's `chromium`)
    cdp_url: str = ""  # or a remote browser over CDP, e.g. "ws://browser:3000"
    hosts: tuple[str, ...] = ()  # hosts always rendered, text or not
    contexts: int = 2  # pages rendered at once
    pages_per_context: int = 50  # a context is recycled after this many pages
    page_timeout_s: float = 15.0  # one page's whole rendering
    settle_s: float = 1.0  # the rendered text must stay the same this long
    heap_mb: int = 256  # JavaScript heap cap per page


@dataclass(frozen=True)
class EvidenceSettings:
    match_threshold: float = 0.85  # similarity at which a found passage is the evidence
    modified_threshold: float = 0.5  # from this, an edit in the same place: modified
    drift_threshold: float = 0.3  # share of the page that changed to report content_drift
    passages: int = 2  # passages anchored per citation when no quote is given


@dataclass(frozen=True)
class SupportSettings:
    backend: str = "auto"  # auto | lexical | embedding | nli | llm
    # Calibrated on WiCE claim-dev (349 claims; bench/bench_support.py): scores are
    # class-balanced probabilities, 0.5 maximizes balanced accuracy (72% CV, lexical);
    # below 0.35 lie ~10% of truly supported claims (out-of-fold).
    supported_threshold: float = 0.5
    unsupported_threshold: float = 0.35
    # A part with weak support and no reason to call it wrong is "not confirmed" (shown,
    # never alerted); true also flags those scoring under unsupported_threshold.
    flag_not_confirmed: bool = False
    second_stage: str = ""  # "" | llm | nli: a second opinion on parts left not confirmed
    second_stage_daily_parts: int = 200  # parts sent to it a day (UTC), every worker together
    nli_model_path: str = ""
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_s: float = 30.0
    llm_token_budget: int = 200_000
    llm_retries: int = 2  # extra attempts after a timeout, 429 or 5xx


@dataclass(frozen=True)
class ArchiveSettings:
    enabled: bool = True  # look up archived copies of dead, moved or edited sources
    availability_url: str = "https://archive.org/wayback/available"
    timeout_s: float = 20.0
    # archive of record: WARC captures at a citation's first full read and evidence changes
    capture: bool = True
    folder: str = ""  # "": beside the SQLite database file, else ./archive
    keep_captures: int = 10  # per citation: its first and the newest; 0 keeps all
    cdx_url: str = "https://web.archive.org/cdx/search/cdx"
    timemap_urls: tuple[str, ...] = ()  # Memento TimeMap endpoints, URL appended
    verify_snapshots: int = 3  # archived snapshots fetched to find the evidence, at most
    save_page_now: bool = False  # submit new sources to the Internet Archive (SPN2)
    spn_url: str = "https://web.archive.org/save"
    spn_access_key: str = ""
    spn_secret_key: str = ""


@dataclass(frozen=True)
class AlertSettings:
    dashboard_url: str = "http://127.0.0.1:8080"
    max_attempts: int = 12
    group_window_s: float = 60.0
    timeout_s: float = 10.0  # one webhook request, connection included
    poll_s: float = 5.0  # how often the dispatcher looks for new events and due retries


@dataclass(frozen=True)
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    secret_key: str = ""
    secure_cookies: bool = False
    page_size: int = 50
    timezone: str = "UTC"  # times on the dashboard, e.g. "Europe/Berlin" (always labelled)
    metrics_token: str = ""  # /metrics on the dashboard port needs it (empty: off there)
    # Proxies whose X-Forwarded-Proto is believed (cookies are Secure behind https).
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    monitor: MonitorSettings = field(default_factory=MonitorSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    browser: BrowserSettings = field(default_factory=BrowserSettings)
    evidence: EvidenceSettings = field(default_factory=EvidenceSettings)
    support: SupportSettings = field(default_factory=SupportSettings)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    web: WebSettings = field(default_factory=WebSettings)
    destinations: tuple[dict[str, Any], ...] = ()  # [[destinations]] tables, see alerts
    publications: tuple[PublicationSettings, ...] = ()  # [[publications]], see discover


_ARRAYS = ("destinations", "publications")  # arrays of tables, not [sections]
SECTIONS: dict[str, type[Any]] = {
    f.name: typing.get_type_hints(Settings)[f.name]
    for f in dataclasses.fields(Settings)
    if f.name not in _ARRAYS
}


def load_settings(
    path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    db_url: str | None = None,
) -> Settings:
    """Read the config file (if any), then environment overrides, then `db_url`."""
    env = env or {}
    _refuse_unknown_env(env)
    path = path or env.get("CITECHECK_CONFIG")
    raw: dict[str, Any] = {}
    if path:
        raw = _read_toml(Path(path))
    where = str(path) if path else "defaults"
    unknown = set(raw) - set(SECTIONS) - set(_ARRAYS)
    if unknown:
        raise SettingsError(f"{where}: unknown section [{sorted(unknown)[0]}]")
    destinations = raw.get("destinations", [])
    if not isinstance(destinations, list) or not all(isinstance(d, dict) for d in destinations):
        raise SettingsError(f"{where}: [[destinations]] must be an array of tables")
    try:
        publications = parse_publications(raw.get("publications", []), where)
    except PublicationConfigError as exc:
        raise SettingsError(str(exc)) from None

    sections: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        values = raw.get(name, {})
        if not isinstance(values, dict):
            raise SettingsError(f"{where}: '{name}' must be a table ([{name}])")
        values = dict(values)
        for key in _field_names(cls):
            env_key = f"CITECHECK_{name}_{key}".upper()
            if env_key in env:
                values[key] = _from_env(env[env_key], cls, key, env_key)
        if name == "database" and env.get("CITECHECK_DATABASE_URL"):
            values["url"] = env["CITECHECK_DATABASE_URL"]
        if name == "database" and db_url:
            values["url"] = db_url
        sections[name] = _build(cls, values, f"{where}: [{name}]")
    _check_timezone(sections["web"].timezone, where)
    return Settings(**sections, destinations=tuple(destinations), publications=publications)


def _check_timezone(name: str, where: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"{where}: [web] timezone {name!r} is not a known time zone "
            "(an IANA name like 'UTC' or 'Europe/Berlin')"
        ) from None


# Variables read outside the sections: the config file, the database, the test database.
_OTHER_ENV = frozenset({"CITECHECK_CONFIG", "CITECHECK_DATABASE_URL", "CITECHECK_TEST_PG"})


def env_names() -> set[str]:
    """Every CITECHECK_* variable citecheck reads."""
    names = {f"CITECHECK_{s}_{f}".upper() for s, cls in SECTIONS.items() for f in _field_names(cls)}
    return names | _OTHER_ENV


def _refuse_unknown_env(env: Mapping[str, str]) -> None:
    """A misspelled CITECHECK_* variable is an error naming the closest real one, not a
    setting silently ignored."""
    known = env_names()
    for name in sorted(env):
        if name.startswith("CITECHECK_") and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else " (see config/citecheck.toml)"
            raise SettingsError(f"unknown environment variable {name}{hint}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from None


def _field_names(cls: type[Any]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _field_type(cls: type[Any], key: str) -> Any:
    return typing.get_type_hints(cls)[key]


def _build(cls: type[Any], values: dict[str, Any], where: str) -> Any:
    known = set(_field_names(cls))
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"{where}: unknown key '{key}' (known: {', '.join(sorted(known))})")
        _check_type(value, _field_type(cls, key), f"{where} {key}")
    try:
        obj = cls(**{k: _coerce(v, _field_type(cls, k)) for k, v in values.items()})
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{where}: {exc}") from None
    for f in dataclasses.fields(cls):
        value = getattr(obj, f.name)
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            raise SettingsError(f"{where} {f.name}: must not be negative, got {value}")
    return obj


def _check_type(value: Any, expected: Any, where: str) -> None:
    ok: bool
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif expected is str:
        ok = isinstance(value, str)
    elif typing.get_origin(expected) in (tuple, list):
        ok = isinstance(value, list | tuple)
    elif isinstance(expected, types.UnionType):
        ok = any(_matches(value, t) for t in typing.get_args(expected))
    else:
        ok = True
    if not ok:
        name = getattr(expected, "__name__", str(expected))
        raise SettingsError(f"{where}: expected {name}, got {type(value).__name__} {value!r}")


def _matches(value: Any, expected: Any) -> bool:
    try:
        _check_type(value, expected, "")
    except SettingsError:
        return False
    return True


def _coerce(value: Any, expected: Any) -> Any:
    if expected is float and isinstance(value, int):
        return float(value)
    if typing.get_origin(expected) is tuple and isinstance(value, list):
        return tuple(value)
    return value


def _from_env(text: str, cls: type[Any], key: str, env_key: str) -> Any:
    expected = _field_type(cls, key)
    try:
        if expected is bool:
            lowered = text.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if expected is int:
            return int(text)
        if expected is float:
            return float(text)
    except ValueError:
        name = getattr(expected, "__name__", str(expected))
        raise SettingsError(f"environment {env_key}: expected {name}, got {text!r}") from None
    return text
