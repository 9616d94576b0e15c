"""Every table of the application, gathered into one metadata (for Alembic and tests).

Tables live next to the code that owns them; importing them here registers them.
"""

from __future__ import annotations

from sqlmodel import SQLModel

import store.alert_tables
import store.archive_tables
import store.auth_tables
import store.dashboard_indexes
import store.discovery_tables
import store.host_tables
import store.tables
import store.usage
import store.worker_tables  # noqa: F401

metadata = SQLModel.metadata
