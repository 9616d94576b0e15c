"""citation.support_mismatches: what the claim's aligned source passage contradicts

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("support_mismatches", store.types.JSONDoc, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_column("support_mismatches")
