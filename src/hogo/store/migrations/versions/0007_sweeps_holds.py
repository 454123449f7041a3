"""Retention sweeps with their deletion log (R-12), legal holds that pause them (R-13), and an
index on items' retain_until so that a sweep finds what is due without a scan.

A run is appended when it starts and a finish row when it ends, so a run that was killed
shows as unfinished; the log gets one row per chunk per rule and category. All three are
append-only. Legal holds are placed and lifted (``lifted_at``), never deleted.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("sweep_runs", "sweep_log", "sweep_finishes")


def _install_append_only() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgresql:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION hogo_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION hogo_refuse_change()"
            )
            continue
        for verb in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _drop_append_only() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def upgrade() -> None:
    op.create_table(
        "sweep_runs",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_by", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweep_runs")),
    )
    op.create_table(
        "sweep_log",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("run_id", BIG_ID, nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["sweep_runs.id"], name=op.f("fk_sweep_log_run_id_sweep_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweep_log")),
    )
    with op.batch_alter_table("sweep_log", schema=None) as batch_op:
        batch_op.create_index("ix_sweep_log_run_id", ["run_id"], unique=False)
    op.create_table(
        "sweep_finishes",
        sa.Column("run_id", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["sweep_runs.id"], name=op.f("fk_sweep_finishes_run_id_sweep_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_sweep_finishes")),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_legal_holds_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index("ix_legal_holds_subject_id", ["subject_id"], unique=False)
    op.create_index(
        "ix_items_retain_until",
        "items",
        ["retain_until"],
        unique=False,
        sqlite_where=sa.text("retain_until IS NOT NULL"),
        postgresql_where=sa.text("retain_until IS NOT NULL"),
    )
    _install_append_only()


def downgrade() -> None:
    _drop_append_only()
    op.drop_index("ix_items_retain_until", table_name="items")
    for table in ("legal_holds", "sweep_finishes", "sweep_log", "sweep_runs"):
        op.drop_table(table)
