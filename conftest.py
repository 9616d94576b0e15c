"""Repository-level pytest setup: shared fixture modules."""

pytest_plugins = ["tests.db_fixtures"]
