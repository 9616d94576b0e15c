"""Repository-level pytest setup: shared fixture modules."""

pytest_plugins = ["tests.db_fixtures", "tests.alerts_fixtures", "tests.web_fixtures"]
