"""The index of items' retain_until also orders by id, so a sweep reads what is due a chunk at
a time in (retain_until, id) order straight from the index, whatever share of items is due.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("retain_until IS NOT NULL")


def _index(columns: list[str]) -> None:
    op.drop_index("ix_items_retain_until", table_name="items")
    op.create_index(
        "ix_items_retain_until",
        "items",
        columns,
        unique=False,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def upgrade() -> None:
    _index(["retain_until", "id"])


def downgrade() -> None:
    _index(["retain_until"])
