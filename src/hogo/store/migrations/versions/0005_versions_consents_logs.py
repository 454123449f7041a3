"""Policy versions, the consent banner's ledger, consent evidence, and access logs.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("cookie_consents",)


def _consent_evidence() -> list[sa.Column[object]]:
    """New columns of consent_events, made afresh each time (a Column joins one table only)."""
    return [
        sa.Column("guardian_relationship", sa.String(length=32), nullable=True),
        sa.Column("guardian_verification", sa.String(length=64), nullable=True),
        sa.Column("policy_version", sa.String(length=64), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
    ]


def _append_only_sqlite(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for verb in ("update", "delete")
    ]


def _append_only_postgresql(table: str) -> list[str]:
    """Uses ``hogo_refuse_change()``, created by migration 0001."""
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION hogo_refuse_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION hogo_refuse_change()",
    ]


def _install_append_only() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        statements = (
            _append_only_postgresql(table)
            if dialect == "postgresql"
            else _append_only_sqlite(table)
        )
        for statement in statements:
            op.execute(statement)


def _drop_append_only() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def upgrade() -> None:
    op.create_table(
        "policy_versions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_policy_versions_version")),
    )
    op.create_table(
        "access_log_lines",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("bytes", sa.BigInteger(), nullable=True),
        sa.Column("referrer", sa.Text(), nullable=True),
        sa.Column("agent_class", sa.String(length=32), nullable=False),
        sa.Column("member_subject_id", BIG_ID, nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_subject_id"],
            ["subjects.id"],
            name=op.f("fk_access_log_lines_member_subject_id_subjects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log_lines")),
    )
    with op.batch_alter_table("access_log_lines", schema=None) as batch_op:
        batch_op.create_index("ix_access_log_lines_at", ["at"], unique=False)
        batch_op.create_index(
            "ix_access_log_lines_member_subject_id",
            ["member_subject_id"],
            unique=False,
            sqlite_where=sa.text("member_subject_id IS NOT NULL"),
            postgresql_where=sa.text("member_subject_id IS NOT NULL"),
        )

    op.create_table(
        "cookie_consents",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=True),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("notice_version", sa.String(length=64), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("gpc", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_cookie_consents_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cookie_consents")),
    )
    with op.batch_alter_table("cookie_consents", schema=None) as batch_op:
        batch_op.create_index("ix_cookie_consents_subject_id", ["subject_id"], unique=False)
        batch_op.create_index("ix_cookie_consents_visitor_id", ["visitor_id"], unique=False)

    # Plain ALTER TABLE (no batch copy), so consent_events keeps its append-only triggers.
    for column in _consent_evidence():
        op.add_column("consent_events", column)
    _install_append_only()


def downgrade() -> None:
    _drop_append_only()
    for column in reversed(_consent_evidence()):
        op.drop_column("consent_events", column.name)

    with op.batch_alter_table("cookie_consents", schema=None) as batch_op:
        batch_op.drop_index("ix_cookie_consents_visitor_id")
        batch_op.drop_index("ix_cookie_consents_subject_id")

    op.drop_table("cookie_consents")
    with op.batch_alter_table("access_log_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_access_log_lines_at")
        batch_op.drop_index("ix_access_log_lines_member_subject_id")

    op.drop_table("access_log_lines")
    op.drop_table("policy_versions")
