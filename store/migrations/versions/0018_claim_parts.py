"""citation.support_parts, support_reason: claims judged part by part, with a reason;
"uncertain" support becomes "not_confirmed"; daily_usage: the second opinion's budget

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("support_parts", store.types.JSONDoc, nullable=True))
        batch_op.add_column(sa.Column("support_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.execute(
        "UPDATE citation SET support_label = 'not_confirmed' WHERE support_label = 'uncertain'"
    )
    op.create_index(
        "ix_citation_support_label",
        "citation",
        ["support_label", "article_id"],
        unique=False,
        sqlite_where=sa.text("retired_at IS NULL"),
        postgresql_where=sa.text("retired_at IS NULL"),
    )
    op.create_table(
        "daily_usage",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("what", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "what"),
    )


def downgrade() -> None:
    op.drop_table("daily_usage")
    op.drop_index(
        "ix_citation_support_label",
        table_name="citation",
        sqlite_where=sa.text("retired_at IS NULL"),
        postgresql_where=sa.text("retired_at IS NULL"),
    )
    op.execute(
        "UPDATE citation SET support_label = 'uncertain' WHERE support_label = 'not_confirmed'"
    )
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_column("support_reason")
        batch_op.drop_column("support_parts")
