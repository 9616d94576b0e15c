"""citation verification state (when its evidence was last verified, and why not since);
the key of the source an editor's replacement stands in for;
the raw body hash of a source's last full read (an unchanged page is not judged again)

Revision ID: 0013
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision = "0013"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("body_hash", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("replaces_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("verified_at", store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("unverified_since", store.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "unverified_reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_column("unverified_reason")
        batch_op.drop_column("unverified_since")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("replaces_key")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("body_hash")
