"""Repository-level pytest setup: shared fixture modules, and no silent data skips.

A test may skip when an optional part is missing (a PostgreSQL server, chromium, an
optional extra), saying so; it must never skip because test data is missing: the data
ships in tests/data. A skip whose reason speaks of missing data fails the run.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.db_fixtures", "tests.alerts_fixtures", "tests.web_fixtures"]

_DATA_WORDS = ("data is missing", "no data", "shared/data", "../shared", "tests/data")
_data_skips: list[str] = []


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
