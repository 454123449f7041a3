"""Provision to recipients: their live facts, provisions with their records, and receipts.

Records of provision and of receipt are kept for their legal period (APPI A29(2), A30(4);
PPC Rules Arts 21, 25): they can never be changed, and deleted only once their
``retain_until`` has passed. Recipient facts and provisions are append-only.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("recipient_facts", "provisions")
KEPT_UNTIL_DUE = ("provision_records", "receipts")
EARLY_DELETE = "a record of provision or receipt is kept until its retain_until (APPI A29, A30)"


def _sqlite_triggers(table: str) -> list[str]:
    refuse_update = (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    )
    if table in APPEND_ONLY:
        refuse_delete = (
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    else:  # stored as naive UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff'
        refuse_delete = (
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "WHEN OLD.retain_until > strftime('%Y-%m-%d %H:%M:%f', 'now') "
            f"BEGIN SELECT RAISE(ABORT, '{EARLY_DELETE}'); END"
        )
    return [refuse_update, refuse_delete]


def _postgresql_triggers(table: str) -> list[str]:
    """``hogo_refuse_change()`` comes from migration 0001; the early-delete guard is below."""
    guard = "hogo_refuse_change()" if table in APPEND_ONLY else "hogo_keep_until_due()"
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION hogo_refuse_change()",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {guard}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION hogo_refuse_change()",
    ]


KEEP_UNTIL_DUE_FUNCTION = f"""
CREATE FUNCTION hogo_keep_until_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.retain_until > now() THEN
        RAISE EXCEPTION '{EARLY_DELETE}';
    END IF;
    RETURN OLD;
END
$$
"""


def _install_triggers() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(KEEP_UNTIL_DUE_FUNCTION)
    for table in APPEND_ONLY + KEPT_UNTIL_DUE:
        for statement in _postgresql_triggers(table) if postgresql else _sqlite_triggers(table):
            op.execute(statement)


def _drop_triggers() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY + KEPT_UNTIL_DUE:
        for verb in ("update", "delete", "truncate"):
            if postgresql:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb} ON {table}")
            elif verb != "truncate":
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS hogo_keep_until_due()")


def upgrade() -> None:
    op.create_table(
        "recipient_facts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("legal_name", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("representative", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("contract_ref", sa.String(length=200), nullable=True),
        sa.Column("contract_from", sa.Date(), nullable=True),
        sa.Column("contract_until", sa.Date(), nullable=True),
        sa.Column("security_terms", sa.Text(), nullable=True),
        sa.Column("contract_items", sa.JSON(), nullable=False),
        sa.Column("sub_processors", sa.JSON(), nullable=False),
        sa.Column("supervised_on", sa.Date(), nullable=True),
        sa.Column("supervision_days", sa.Integer(), nullable=True),
        sa.Column("foreign_basis", sa.String(length=32), nullable=True),
        sa.Column("foreign_system", sa.Text(), nullable=True),
        sa.Column("system_checked_on", sa.Date(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_facts")),
    )
    with op.batch_alter_table("recipient_facts", schema=None) as batch_op:
        batch_op.create_index("ix_recipient_facts_recipient", ["recipient", "id"], unique=False)

    op.create_table(
        "provisions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("facts_id", BIG_ID, nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.Column("exception", sa.String(length=64), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("linkage_expected", sa.Boolean(), nullable=True),
        sa.Column("referable_confirmation", sa.Text(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("statutory", sa.Boolean(), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("provided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provided_by", sa.String(length=200), nullable=False),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facts_id"],
            ["recipient_facts.id"],
            name=op.f("fk_provisions_facts_id_recipient_facts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provisions")),
    )
    with op.batch_alter_table("provisions", schema=None) as batch_op:
        batch_op.create_index("ix_provisions_recipient", ["recipient", "provided_at"], unique=False)

    op.create_table(
        "provision_records",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("provision_id", BIG_ID, nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=False),
        sa.Column("consent_event_id", BIG_ID, nullable=True),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provision_id"],
            ["provisions.id"],
            name=op.f("fk_provision_records_provision_id_provisions"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_provision_records_subject_id_subjects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provision_records")),
    )
    with op.batch_alter_table("provision_records", schema=None) as batch_op:
        batch_op.create_index("ix_provision_records_retain_until", ["retain_until"], unique=False)
        batch_op.create_index(
            "ix_provision_records_subject_id",
            ["subject_id"],
            unique=False,
            postgresql_include=["provision_id", "consent_event_id", "retain_until"],
        )

    op.create_table(
        "receipts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=False),
        sa.Column("provider_name", sa.Text(), nullable=False),
        sa.Column("provider_address", sa.Text(), nullable=False),
        sa.Column("provider_representative", sa.Text(), nullable=False),
        sa.Column("provider_acquisition", sa.Text(), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.Column("consent_confirmed", sa.Boolean(), nullable=False),
        sa.Column("ppc_published", sa.Boolean(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_receipts_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.create_index("ix_receipts_retain_until", ["retain_until"], unique=False)
        batch_op.create_index("ix_receipts_subject_id", ["subject_id"], unique=False)

    _install_triggers()


def downgrade() -> None:
    _drop_triggers()
    for table in ("receipts", "provision_records", "provisions", "recipient_facts"):
        op.drop_table(table)
