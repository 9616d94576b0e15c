"""Repository-level pytest setup: shared fixture modules, no silent data skips, and no
litter in the working tree.

A test may skip when an optional part is missing (a PostgreSQL server, chromium, an
optional extra), saying so; it must never skip because test data is missing: the data
ships in tests/data. A skip whose reason speaks of missing data fails the run.

A test that lets the archive of record or the database default to the working directory
(`citecheck.db`, `citecheck-archive/`, `archive/`) writes into the user's checkout: new
such files after the run fail it too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.db_fixtures", "tests.alerts_fixtures", "tests.web_fixtures"]

_DATA_WORDS = ("data is missing", "no data", "shared/data", "../shared", "tests/data")
_data_skips: list[str] = []
_LITTER = ("citecheck.db", "citecheck-archive", "archive")
_litter_before = {name for name in _LITTER if Path(name).exists()}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if any(word in reason for word in _DATA_WORDS):
            _data_skips.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _data_skips:
        print("\ntests skipped for missing data (it ships in tests/data):")
        for line in _data_skips:
            print(f"  {line}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    litter = sorted(n for n in _LITTER if Path(n).exists() and n not in _litter_before)
    if litter:
        print(f"\ntests left {', '.join(litter)} in the working directory: give them a tmp_path")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
