"""Bulk population: a batch of subjects, their items and consent choices in one transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, insert, select, tuple_

from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.synthetic import SyntheticBatch, SyntheticConsent
from hogo.store.tables import consent_events, subjects
from hogo.vault.vault import Vault


def count_subjects(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(subjects)).scalar_one())


def populate(engine: Engine, vault: Vault, actor: Actor, batch: SyntheticBatch) -> None:
    """Ingest the batch; all of it, with one audit entry, or none of it."""
    now = utc_now()
    with engine.begin() as connection:
        stats = vault.ingest(connection, batch.subjects, now=now)
        keys = list({(consent.group, consent.ref) for consent in batch.consents})
        ids: dict[tuple[str, str], int] = {}
        if keys:
            rows = connection.execute(
                select(subjects.c.subject_group, subjects.c.ref, subjects.c.id).where(
                    tuple_(subjects.c.subject_group, subjects.c.ref).in_(keys)
                )
            )
            ids = {(group, ref): subject_id for group, ref, subject_id in rows}
        if batch.consents:
            connection.execute(
                insert(consent_events), [_consent_row(c, ids, now) for c in batch.consents]
            )
        record_audit(
            connection,
            actor,
            "ingest",
            subject_id=None,
            at=now,
            detail={
                "subjects": stats.subjects,
                "items": stats.items,
                "consents": len(batch.consents),
            },
        )


def _consent_row(
    consent: SyntheticConsent, ids: dict[tuple[str, str], int], now: dt.datetime
) -> dict[str, object]:
    return {
        "subject_id": ids[(consent.group, consent.ref)],
        "purpose": consent.purpose,
        "action": consent.action,
        "version": consent.version,
        "by_guardian": consent.by_guardian,
        "guardian_name": consent.guardian_name,
        "guardian_relationship": "parent" if consent.by_guardian else None,
        "guardian_verification": "demo" if consent.by_guardian else None,
        "method": "demo",
        "recorded_at": now,
    }
