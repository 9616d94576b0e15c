"""Settings: the config file, the environment, and the documented reference agree."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from checker.settings import SECTIONS, Settings, SettingsError, load_settings

REFERENCE = Path(__file__).resolve().parents[1] / "config" / "citecheck.toml"


def test_reference_file_documents_every_key_with_its_default() -> None:
    text = REFERENCE.read_text()
    documented = tomllib.loads(text)
    defaults = Settings()
    for section, cls in SECTIONS.items():
        assert section in documented, f"[{section}] missing from {REFERENCE.name}"
        fields = {f.name for f in dataclasses.fields(cls)}
        assert set(documented[section]) == fields, f"[{section}] keys differ"
        for key in fields:
            default = getattr(getattr(defaults, section), key)
            default = list(default) if isinstance(default, tuple) else default  # a TOML array
            assert documented[section][key] == default, key
            # every key has a comment line right above it (or above its group)
            block = text.split(f"[{section}]", 1)[1]
            before = block.split(f"\n{key} =", 1)[0].rstrip().splitlines()
            assert before and before[-1].lstrip().startswith(("#", f"{key}", "host", "port")), key


def test_reference_file_loads_as_defaults() -> None:
    assert load_settings(REFERENCE, {}) == Settings()


def test_environment_overrides_file(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[fetch]\ntimeout_s = 5\n[database]\nurl = "sqlite:///a.db"\n')
    env = {
        "CITECHECK_FETCH_TIMEOUT_S": "7.5",
        "CITECHECK_FETCH_RESPECT_ROBOTS": "off",
        "CITECHECK_DATABASE_URL": "sqlite:///b.db",
    }
    settings = load_settings(cfg, env)
    assert settings.fetch.timeout_s == 7.5
    assert settings.fetch.respect_robots is False
    assert settings.database.url == "sqlite:///b.db"
    assert load_settings(cfg, env, db_url="sqlite:///c.db").database.url == "sqlite:///c.db"


def test_config_path_from_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[monitor]\nconfirm_failures = 5\n")
    assert load_settings(None, {"CITECHECK_CONFIG": str(cfg)}).monitor.confirm_failures == 5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[fetch]\ntimeout = 3\n", r"\[fetch\]: unknown key 'timeout'"),
        ("[fetsh]\ntimeout_s = 3\n", r"unknown section \[fetsh\]"),
        ('[fetch]\ntimeout_s = "slow"\n', r"\[fetch\] timeout_s: expected float, got str"),
        ("[fetch]\nrespect_robots = 1\n", r"respect_robots: expected bool, got int"),
        ("[monitor]\nconfirm_failures = 2.5\n", r"confirm_failures: expected int, got float"),
        ("[monitor]\ninterval_s = -1\n", r"interval_s: must not be negative"),
        ("fetch = 3\n", r"'fetch' must be a table"),
        ("[fetch\n", r"not valid TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, content: str, message: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content)
    with pytest.raises(SettingsError, match=message) as info:
        load_settings(cfg, {})
    assert str(cfg) in str(info.value) and "\n" not in str(info.value)


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="CITECHECK_FETCH_CONCURRENCY: expected int"):
        load_settings(None, {"CITECHECK_FETCH_CONCURRENCY": "many"})


def test_missing_config_file() -> None:
    with pytest.raises(SettingsError, match=r"config file not found: /nonexistent\.toml"):
        load_settings("/nonexistent.toml", {})


def test_no_module_reads_the_environment_on_its_own() -> None:
    root = Path(__file__).resolve().parents[1]
    offenders = [
        str(p.relative_to(root))
        for p in [*root.glob("checker/**/*.py"), *root.glob("store/**/*.py")]
        if re.search(r"os\.environ|os\.getenv", p.read_text())
        and p.relative_to(root).as_posix() not in ("checker/settings.py", "checker/cli/main.py")
    ]
    assert offenders == []


def test_a_misspelled_environment_variable_is_an_error_naming_the_real_one() -> None:
    with pytest.raises(
        SettingsError, match="CITECHECK_FETCH_TIMOUT_S; did you mean CITECHECK_FETCH_TIMEOUT_S"
    ):
        load_settings(None, {"CITECHECK_FETCH_TIMOUT_S": "5"})
    with pytest.raises(SettingsError, match="unknown environment variable CITECHECK_NOPE"):
        load_settings(None, {"CITECHECK_NOPE": "1"})
    assert (
        load_settings(None, {"CITECHECK_FETCH_TIMEOUT_S": "5", "OTHER": "x"}).fetch.timeout_s == 5
    )


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(SettingsError, match="timezone 'Mars/Olympus' is not a known time zone"):
        load_settings(None, {"CITECHECK_WEB_TIMEZONE": "Mars/Olympus"})
    assert load_settings(None, {"CITECHECK_WEB_TIMEZONE": "Europe/Berlin"}).web.timezone
