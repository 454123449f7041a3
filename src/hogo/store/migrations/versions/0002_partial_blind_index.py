"""Blind index only over the items that have one (e-mail and phone).

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("blind_index IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_index("ix_items_blind_index")
        batch_op.create_index(
            "ix_items_blind_index",
            ["blind_index"],
            sqlite_where=WHERE,
            postgresql_where=WHERE,
        )


def downgrade() -> None:
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_index("ix_items_blind_index")
        batch_op.create_index("ix_items_blind_index", ["blind_index"])
