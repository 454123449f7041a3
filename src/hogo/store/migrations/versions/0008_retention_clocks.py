"""Retention clocks: the rule that set each item's retain_until, the events that start clocks
(append-only), and the values an ``anonymise`` rule leaves, unlinked from anyone.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _install_append_only(table: str) -> None:
    """Uses ``hogo_refuse_change()``, created by migration 0001."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION hogo_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hogo_refuse_change()"
        )
        return
    for verb in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_rule", sa.String(length=64), nullable=True))
    op.create_table(
        "subject_events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_subject_events_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_events")),
    )
    with op.batch_alter_table("subject_events", schema=None) as batch_op:
        batch_op.create_index("ix_subject_events_subject_id", ["subject_id", "event"], unique=False)
    _install_append_only("subject_events")
    op.create_table(
        "anonymous_values",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("record", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("anonymised_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymous_values")),
    )
    with op.batch_alter_table("anonymous_values", schema=None) as batch_op:
        batch_op.create_index("ix_anonymous_values_rule", ["rule", "category"], unique=False)


def downgrade() -> None:
    op.drop_table("anonymous_values")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS subject_events_append_only ON subject_events")
        op.execute("DROP TRIGGER IF EXISTS subject_events_no_truncate ON subject_events")
    op.drop_table("subject_events")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("retention_rule")
