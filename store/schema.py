"""Every table of the application, gathered into one metadata (for Alembic and tests).

Tables live next to the code that owns them; importing them here registers them.
"""

from __future__ import annotations

from sqlmodel import SQLModel

import store.tables  # noqa: F401

metadata = SQLModel.metadata
