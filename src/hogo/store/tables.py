"""The database schema, in SQLAlchemy Core.

The store knows nothing of what a policy means: categories and purposes are plain strings
here, checked against the policy by the vault and the guard. Alembic migrations under
``store/migrations`` create exactly these tables (``alembic check`` proves it in the tests).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) as well."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: hogo stores aware UTC datetimes only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# BigInteger primary keys that still autoincrement on SQLite (which only does so for INTEGER).
BigId = BigInteger().with_variant(Integer(), "sqlite")

keyring = Table(
    "keyring",
    metadata,
    Column("id", Integer, primary_key=True),
    # AES-GCM of a fixed text under the master key: a wrong key fails here, not on the data.
    Column("check_value", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

subjects = Table(
    "subjects",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("subject_group", String(64), nullable=False),
    Column("ref", String(200), nullable=False),  # the application's own reference
    Column("birth_date", Date, nullable=True),
    Column("jurisdiction", String(3), nullable=False),  # decides the minors threshold
    Column("status", String(16), nullable=False),  # active | suspended | erased
    Column("wrapped_key", LargeBinary, nullable=False),  # the subject's data key, wrapped
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("subject_group", "ref", name="uq_subjects_group_ref"),
)

items = Table(
    "items",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=False),
    Column("category", String(64), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),  # nonce ‖ AES-GCM(value)
    Column("display", String(32), nullable=True),  # a masked form safe to show (card: last 4)
    Column("blind_index", LargeBinary, nullable=True),  # keyed hash for look-ups
    Column("purposes", JSON, nullable=False),  # the purposes it was collected for
    Column("source", String(32), nullable=False),  # direct | third_party | public | succession
    Column("collected_at", UTCDateTime(), nullable=False),
    Column("retain_until", UTCDateTime(), nullable=True),
    Column("status", String(16), nullable=False),  # active | erased | expired
    # The retention rule that set retain_until (none: no rule covers the item).
    Column("retention_rule", String(64), nullable=True),
    Index("ix_items_subject_category", "subject_id", "category"),
    # Only e-mail and phone items carry a blind index: the others stay out of the index.
    Index(
        "ix_items_blind_index",
        "blind_index",
        sqlite_where=text("blind_index IS NOT NULL"),
        postgresql_where=text("blind_index IS NOT NULL"),
    ),
    # The sweep reads what is due in (retain_until, id) order without a scan or a sort; items
    # kept without a limit stay out.
    Index(
        "ix_items_retain_until",
        "retain_until",
        "id",
        sqlite_where=text("retain_until IS NOT NULL"),
        postgresql_where=text("retain_until IS NOT NULL"),
    ),
)

consent_events = Table(
    "consent_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("action", String(16), nullable=False),  # grant | withdraw | opt_out | opt_in
    Column("version", String(64), nullable=True),  # the consent text version agreed to
    Column("by_guardian", Boolean, nullable=False),
    Column("guardian_name", Text, nullable=True),
    Column("guardian_relationship", String(32), nullable=True),  # parent | guardian | …
    Column("guardian_verification", String(64), nullable=True),  # how the guardian was checked
    Column("policy_version", String(64), nullable=True),  # the policy in force when given
    Column("evidence", JSON, nullable=True),  # truncated IP, user agent, page, form
    Column("method", String(32), nullable=False),  # web | paper | api | …
    Column("recorded_at", UTCDateTime(), nullable=False),
    Index("ix_consent_events_subject_purpose", "subject_id", "purpose"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(32), nullable=False),
    Column("subject_id", BigInteger, nullable=True),
    Column("purpose", String(64), nullable=True),
    Column("body", Text, nullable=False),  # canonical JSON of the entry
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_subject_id", "subject_id"),  # who read a person's data (disclosure)
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),  # the public part of the key
    Column("secret_hash", String(200), nullable=False),  # argon2id of the secret part
    Column("role", String(64), nullable=False),
    Column("label", String(200), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

requests = Table(
    "requests",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=False),
    Column("kind", String(32), nullable=False),  # purpose_notice | disclosure | …
    Column("status", String(32), nullable=False),  # received | verified | in_progress | …
    Column("regime", String(8), nullable=False),  # appi | gdpr: which deadlines apply
    Column("ground", String(64), nullable=True),  # the A35 ground of a suspension request
    Column("fee_jpy", Integer, nullable=False),  # A38: only for notice and disclosure
    Column("received_at", UTCDateTime(), nullable=False),
    Column("due_at", Date, nullable=False),
    Column("may_sue_from", Date, nullable=True),  # APPI A39; none under the GDPR
    Column("extended_due_at", Date, nullable=True),  # GDPR Art. 12(3) extension (G-05)
    Column("extension_notice_at", UTCDateTime(), nullable=True),
    Column("closed_at", UTCDateTime(), nullable=True),
    Column("decision_ground", String(64), nullable=True),  # why refused or partly done
    Column("reason", Text, nullable=True),
    Column("details", JSON, nullable=False),
    # keyed hash of the token that lets the requester follow the request (privacy center)
    Column("status_token_hash", LargeBinary, nullable=True),
    Index("ix_requests_status_due", "status", "due_at"),
    Index("ix_requests_status_token_hash", "status_token_hash"),
    Index("ix_requests_subject_id", "subject_id"),
)

request_events = Table(
    "request_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("request_id", BigId, ForeignKey("requests.id"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("from_status", String(32), nullable=True),  # none for the arrival
    Column("to_status", String(32), nullable=False),
    Column("detail", JSON, nullable=False),
    Index("ix_request_events_request_id", "request_id"),
)

# -- fulfilment of rights requests (migration 0004) -------------------------------------

restrictions = Table(
    "restrictions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=False),
    Column("purpose", String(64), nullable=True),  # none: every purpose of the subject
    # suspension (A35) | restriction (GDPR 18) | objection (GDPR 21) | provision_stop (A35(3))
    Column("kind", String(16), nullable=False),
    Column("request_id", BigId, ForeignKey("requests.id"), nullable=True),
    Column("since", UTCDateTime(), nullable=False),
    Column("lift_notice_at", UTCDateTime(), nullable=True),  # G-08: told before lifting
    Column("lifted_at", UTCDateTime(), nullable=True),
    Index("ix_restrictions_subject_id", "subject_id"),
)

item_revisions = Table(
    "item_revisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("item_id", BigId, ForeignKey("items.id"), nullable=False),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=False),
    Column("category", String(64), nullable=False),
    Column("old_ciphertext", LargeBinary, nullable=True),  # none when the item was added
    Column("old_display", String(32), nullable=True),
    Column("change", String(16), nullable=False),  # correct | add | delete (A34)
    Column("request_id", BigId, ForeignKey("requests.id"), nullable=True),
    Column("actor", String(200), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_item_revisions_subject_id", "subject_id"),
    Index("ix_item_revisions_item_id", "item_id"),
)

erasures = Table(
    "erasures",
    metadata,
    # The tombstone of an erased subject: a keyed hash of its group and ref, so a
    # restored copy of the subject is recognised and erased again before it can be read.
    Column("subject_id", BigId, ForeignKey("subjects.id"), primary_key=True, autoincrement=False),
    Column("tombstone", LargeBinary, nullable=False, unique=True),
    Column("request_id", BigId, ForeignKey("requests.id"), nullable=True),
    Column("items_erased", Integer, nullable=False),
    Column("erased_at", UTCDateTime(), nullable=False),
)

# -- intake and identity verification (migration 0004) -----------------------------------

verification_challenges = Table(
    "verification_challenges",
    metadata,
    Column("id", String(64), primary_key=True),  # random, shown to the requester
    # the requests it confirms, one per subject on file with the address; empty for a decoy
    # (no subject matched, so no code can verify and the answer reveals nothing)
    Column("request_ids", JSON, nullable=False),
    Column("address_index", LargeBinary, nullable=False),  # blind index of the address
    Column("code_hash", LargeBinary, nullable=False),  # keyed hash of the one-time code
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
)

intake_attempts = Table(
    "intake_attempts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("key", LargeBinary, nullable=False),  # keyed hash of an address or client
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_intake_attempts_key_at", "key", "at"),
)

request_attachments = Table(
    "request_attachments",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("request_id", BigId, ForeignKey("requests.id"), nullable=False),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=False),
    Column("purpose", String(32), nullable=False),  # agent_proof | evidence
    Column("filename", String(200), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),  # under the subject's data key
    Column("uploaded_at", UTCDateTime(), nullable=False),
    Index("ix_request_attachments_request_id", "request_id"),
    Index("ix_request_attachments_subject_id", "subject_id"),  # erasure finds them by person
)

# -- the inquiry desk (migration 0004) ---------------------------------------------------

tickets = Table(
    "tickets",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # question | complaint | request
    Column("status", String(16), nullable=False),  # open | assigned | answered | closed
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=True),
    Column("lang", String(2), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("contact_index", LargeBinary, nullable=True),  # blind index of the e-mail
    Column("wrapped_key", LargeBinary, nullable=False),  # the ticket's own data key
    Column("received_at", UTCDateTime(), nullable=False),
    Column("due_at", Date, nullable=False),
    Column("assigned_to", String(200), nullable=True),
    Column("closed_at", UTCDateTime(), nullable=True),
    Column("retain_until", UTCDateTime(), nullable=True),
    Index("ix_tickets_status_due", "status", "due_at"),
    Index("ix_tickets_subject_id", "subject_id"),
    Index("ix_tickets_contact_index", "contact_index"),
)

ticket_messages = Table(
    "ticket_messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("ticket_id", BigId, ForeignKey("tickets.id"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("author", String(200), nullable=False),
    Column("direction", String(8), nullable=False),  # in | out | note
    Column("ciphertext", LargeBinary, nullable=False),  # under the ticket's data key
    Index("ix_ticket_messages_ticket_id", "ticket_id"),
)

# -- policy versions, the consent banner's ledger and access logs (migration 0005) ---------

policy_versions = Table(
    "policy_versions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("version", String(64), nullable=False, unique=True),
    Column("effective_from", Date, nullable=False),
    Column("published_at", UTCDateTime(), nullable=False),
    Column("published_by", String(200), nullable=False),
    Column("digest", String(64), nullable=False),  # sha256 of the source text
    Column("source", Text, nullable=False),  # the policy file as published
    Column("changes", JSON, nullable=False),  # the classified diff against the version before
)

cookie_consents = Table(
    "cookie_consents",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("visitor_id", String(64), nullable=False),  # random, kept in a first-party cookie
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=True),  # signed member
    Column("policy_version", String(64), nullable=False),
    Column("notice_version", String(64), nullable=False),  # the banner text shown
    Column("choices", JSON, nullable=False),  # cookie category -> allowed
    Column("gpc", Boolean, nullable=False),  # Global Privacy Control was on
    Column("channel", String(32), nullable=False),  # banner | preferences | privacy_center
    Column("evidence", JSON, nullable=False),  # truncated IP, user agent, page
    Column("recorded_at", UTCDateTime(), nullable=False),
    Index("ix_cookie_consents_visitor_id", "visitor_id"),
    Index("ix_cookie_consents_subject_id", "subject_id"),
)

access_log_lines = Table(
    "access_log_lines",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("ip", String(64), nullable=False),  # truncated (IPv4 /24, IPv6 /48 by default)
    Column("method", String(16), nullable=True),
    Column("path", Text, nullable=True),
    Column("status", Integer, nullable=True),
    Column("bytes", BigInteger, nullable=True),
    Column("referrer", Text, nullable=True),
    Column("agent_class", String(32), nullable=False),  # browser | bot | app | other
    Column("member_subject_id", BigId, ForeignKey("subjects.id"), nullable=True),
    Column("source", String(200), nullable=False),  # the file it came from
    Column("retain_until", UTCDateTime(), nullable=True),
    Index("ix_access_log_lines_at", "at"),
    # Only linked lines are indexed: an erasure finds the person's lines without a scan.
    Index(
        "ix_access_log_lines_member_subject_id",
        "member_subject_id",
        sqlite_where=text("member_subject_id IS NOT NULL"),
        postgresql_where=text("member_subject_id IS NOT NULL"),
    ),
)

# --- provision to recipients (APPI A25, A27–A30) ---------------------------

recipient_facts = Table(
    "recipient_facts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("recipient", String(64), nullable=False),  # the policy's recipient id
    Column("legal_name", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("representative", Text, nullable=False),
    Column("country", String(2), nullable=False),
    Column("contract_ref", String(200), nullable=True),  # processors (R-21, G-13)
    Column("contract_from", Date, nullable=True),
    Column("contract_until", Date, nullable=True),
    Column("security_terms", Text, nullable=True),
    Column("contract_items", JSON, nullable=False),  # GDPR Art 28(3) (a)–(h) present
    Column("sub_processors", JSON, nullable=False),  # [{name, country, approved}]
    Column("supervised_on", Date, nullable=True),  # the last supervision check
    Column("supervision_days", Integer, nullable=True),  # a check is due this often
    Column("foreign_basis", String(32), nullable=True),  # consent | system | adequate
    Column("foreign_system", Text, nullable=True),  # the equivalent-measures system (R16)
    Column("system_checked_on", Date, nullable=True),  # its last periodic check (R18)
    Column("measures", Text, nullable=True),  # the recipient's protective measures (R17)
    Column("public_key", Text, nullable=True),  # exports are encrypted to it (age)
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Index("ix_recipient_facts_recipient", "recipient", "id"),
)

provisions = Table(
    "provisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("recipient", String(64), nullable=False),
    Column("facts_id", BigId, ForeignKey("recipient_facts.id"), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("basis", String(32), nullable=False),  # consent | entrustment | joint_use | …
    Column("exception", String(64), nullable=True),  # a provision exception of the policy
    Column("justification", Text, nullable=True),  # why the exception applies
    # Personally referable information (APPI A31; R-36): whether the recipient is expected to
    # link it to personal data, and how its consent was confirmed (or the no-linking clause).
    Column("linkage_expected", Boolean, nullable=True),
    Column("referable_confirmation", Text, nullable=True),
    Column("categories", JSON, nullable=False),
    Column("method", String(32), nullable=False),  # individual | bulk | contract_substitute
    Column("format", String(16), nullable=False),  # csv | jsonl | parquet
    Column("encrypted", Boolean, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("people", Integer, nullable=False),
    Column("statutory", Boolean, nullable=False),  # a record APPI A29 requires
    Column("policy_version", String(64), nullable=False),
    Column("provided_at", UTCDateTime(), nullable=False),
    Column("provided_by", String(200), nullable=False),
    Column("retain_until", UTCDateTime(), nullable=False),  # Rules Art. 21
    Index("ix_provisions_recipient", "recipient", "provided_at"),
)

provision_records = Table(
    "provision_records",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("provision_id", BigId, ForeignKey("provisions.id"), nullable=False),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=False),
    Column("consent_event_id", BigId, nullable=True),  # the consent relied on (A27(1), A28(1))
    Column("retain_until", UTCDateTime(), nullable=False),
    # On PostgreSQL a person's records are read from the index alone (R-40, among millions);
    # SQLite keeps the narrow index, which inserts faster and already answers in ~2 ms.
    Index(
        "ix_provision_records_subject_id",
        "subject_id",
        postgresql_include=["provision_id", "consent_event_id", "retain_until"],
    ),
    Index("ix_provision_records_retain_until", "retain_until"),
)

receipts = Table(
    "receipts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=False),
    Column("provider_name", Text, nullable=False),
    Column("provider_address", Text, nullable=False),
    Column("provider_representative", Text, nullable=False),
    Column("provider_acquisition", Text, nullable=False),  # how the provider obtained it
    Column("basis", String(32), nullable=False),  # consent | opt_out | referable | individual
    Column("consent_confirmed", Boolean, nullable=False),
    Column("ppc_published", Boolean, nullable=True),  # opt-out case: the PPC's publication
    Column("categories", JSON, nullable=False),
    Column("method", String(32), nullable=False),  # individual | bulk | contract_substitute
    Column("received_at", UTCDateTime(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("retain_until", UTCDateTime(), nullable=False),  # Rules Art. 25
    Index("ix_receipts_subject_id", "subject_id"),
    Index("ix_receipts_retain_until", "retain_until"),
)

# --- retention: sweeps and legal holds (R-12, R-13, D18) ------------------------------------

sweep_runs = Table(
    "sweep_runs",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("as_of", UTCDateTime(), nullable=False),  # the moment retention is judged at
    Column("started_at", UTCDateTime(), nullable=False),
    Column("run_by", String(200), nullable=False),
    Column("host", String(200), nullable=False),
)

sweep_log = Table(
    "sweep_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("run_id", BigId, ForeignKey("sweep_runs.id"), nullable=False),
    Column("rule", String(64), nullable=False),  # the retention rule, or "" for none
    Column("category", String(64), nullable=False),
    Column("method", String(16), nullable=False),  # delete | anonymise
    Column("items", Integer, nullable=False),
    Column("subjects", Integer, nullable=False),
    Column("at", UTCDateTime(), nullable=False),  # when this chunk committed
    Index("ix_sweep_log_run_id", "run_id"),
)

sweep_finishes = Table(
    "sweep_finishes",
    metadata,
    Column("run_id", BigId, ForeignKey("sweep_runs.id"), primary_key=True, autoincrement=False),
    Column("finished_at", UTCDateTime(), nullable=False),
)

legal_holds = Table(
    "legal_holds",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=True),  # none: everyone
    Column("category", String(64), nullable=True),  # none: every category
    Column("reason", Text, nullable=False),
    Column("owner", String(200), nullable=False),
    Column("placed_at", UTCDateTime(), nullable=False),
    Column("lifted_at", UTCDateTime(), nullable=True),
    Index("ix_legal_holds_subject_id", "subject_id"),
)

subject_events = Table(
    "subject_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("subject_id", BigId, ForeignKey("subjects.id"), nullable=False),
    Column("event", String(64), nullable=False),  # e.g. applicant_not_hired, relationship_ended
    Column("at", UTCDateTime(), nullable=False),  # when it happened: the clock starts here
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Index("ix_subject_events_subject_id", "subject_id", "event"),
)

# What an ``anonymise`` rule leaves of a person's items: the values that identify no one, under
# a random record id that no other table holds (no subject, no item id, only the day).
anonymous_values = Table(
    "anonymous_values",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("record", String(32), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("category", String(64), nullable=False),
    Column("value", Text, nullable=False),
    Column("anonymised_on", Date, nullable=False),
    Index("ix_anonymous_values_rule", "rule", "category"),
)

# How far into the suppression list this database has been brought: the byte offset of
# the first entry not yet re-applied. A database restored from a backup carries the offset of
# its backup, so the entries written after it are applied again; one row.
suppression_marks = Table(
    "suppression_marks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("offset", BigInteger, nullable=False),
    Column("applied_at", UTCDateTime(), nullable=False),
)
