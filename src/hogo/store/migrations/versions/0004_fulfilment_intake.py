"""Fulfilment of rights requests, intake with identity checks, and the inquiry desk.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_subject_id", ["subject_id"], unique=False)
    op.create_table(
        "intake_attempts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_attempts")),
    )
    with op.batch_alter_table("intake_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_intake_attempts_key_at", ["key", "at"], unique=False)

    op.create_table(
        "verification_challenges",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("request_ids", sa.JSON(), nullable=False),
        sa.Column("address_index", sa.LargeBinary(), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_challenges")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("contact_index", sa.LargeBinary(), nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.Date(), nullable=False),
        sa.Column("assigned_to", sa.String(length=200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_tickets_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index("ix_tickets_contact_index", ["contact_index"], unique=False)
        batch_op.create_index("ix_tickets_subject_id", ["subject_id"], unique=False)

    op.create_table(
        "erasures",
        sa.Column("subject_id", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("tombstone", sa.LargeBinary(), nullable=False),
        sa.Column("request_id", BIG_ID, nullable=True),
        sa.Column("items_erased", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_erasures_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_erasures_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_erasures")),
        sa.UniqueConstraint("tombstone", name=op.f("uq_erasures_tombstone")),
    )
    op.create_table(
        "item_revisions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("item_id", BIG_ID, nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("old_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("old_display", sa.String(length=32), nullable=True),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("request_id", BIG_ID, nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_revisions_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_item_revisions_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_item_revisions_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_revisions")),
    )
    with op.batch_alter_table("item_revisions", schema=None) as batch_op:
        batch_op.create_index("ix_item_revisions_subject_id", ["subject_id"], unique=False)
        batch_op.create_index("ix_item_revisions_item_id", ["item_id"], unique=False)

    op.create_table(
        "request_attachments",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("request_id", BIG_ID, nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_request_attachments_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_request_attachments_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_attachments")),
    )
    with op.batch_alter_table("request_attachments", schema=None) as batch_op:
        batch_op.create_index("ix_request_attachments_request_id", ["request_id"], unique=False)
        batch_op.create_index("ix_request_attachments_subject_id", ["subject_id"], unique=False)

    op.create_table(
        "restrictions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("request_id", BIG_ID, nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lift_notice_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_restrictions_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_restrictions_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restrictions")),
    )
    with op.batch_alter_table("restrictions", schema=None) as batch_op:
        batch_op.create_index("ix_restrictions_subject_id", ["subject_id"], unique=False)

    op.create_table(
        "ticket_messages",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("ticket_id", BIG_ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_messages_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_messages")),
    )
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_messages_ticket_id", ["ticket_id"], unique=False)

    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_token_hash", sa.LargeBinary(), nullable=True))
        batch_op.create_index("ix_requests_subject_id", ["subject_id"], unique=False)
        batch_op.create_index("ix_requests_status_token_hash", ["status_token_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_subject_id")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_status_token_hash")
        batch_op.drop_index("ix_requests_subject_id")
        batch_op.drop_column("status_token_hash")

    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_messages_ticket_id")

    op.drop_table("ticket_messages")
    with op.batch_alter_table("restrictions", schema=None) as batch_op:
        batch_op.drop_index("ix_restrictions_subject_id")

    op.drop_table("restrictions")
    with op.batch_alter_table("request_attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_request_attachments_request_id")
        batch_op.drop_index("ix_request_attachments_subject_id")

    op.drop_table("request_attachments")
    with op.batch_alter_table("item_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_item_revisions_subject_id")
        batch_op.drop_index("ix_item_revisions_item_id")

    op.drop_table("item_revisions")
    op.drop_table("erasures")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_status_due")
        batch_op.drop_index("ix_tickets_contact_index")
        batch_op.drop_index("ix_tickets_subject_id")

    op.drop_table("tickets")
    op.drop_table("verification_challenges")
    with op.batch_alter_table("intake_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_intake_attempts_key_at")

    op.drop_table("intake_attempts")
