"""Registering subjects, storing their items and recording their consent, each audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import Engine, insert, update

from hogo.errors import Conflict, ValidationFailed
from hogo.evidence import consent_evidence
from hogo.guard.compile import CompiledPolicy
from hogo.guard.state import ConsentAction, age_on
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.rights.erasure import Eraser, kept_reason
from hogo.services.scope import require_scope
from hogo.store.tables import consent_events, subjects
from hogo.vault.items import NewItem, SubjectRow
from hogo.vault.vault import Vault

CONSENT_ACTIONS: tuple[ConsentAction, ...] = ("grant", "withdraw", "opt_out", "opt_in")
GUARDIAN_RELATIONSHIPS = ("parent", "guardian", "other_legal_representative")


def _check_guardian(name: str | None, relationship: str | None, verification: str | None) -> None:
    """R-10, G-03: who the guardian is, what they are to the person, how that was checked."""
    if not name or not name.strip():
        raise ValidationFailed("a guardian's consent needs the guardian's name")
    if relationship not in GUARDIAN_RELATIONSHIPS:
        raise ValidationFailed(
            "a guardian's consent needs the relationship: one of "
            + ", ".join(GUARDIAN_RELATIONSHIPS)
        )
    if not verification or not verification.strip() or len(verification) > 64:
        raise ValidationFailed(
            "a guardian's consent needs how the guardian's authority was verified "
            "(at most 64 characters, e.g. id_document)"
        )


class SubjectService:
    """Writes about subjects. Reads of personal data go through :class:`AccessService`."""

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        compiled: CompiledPolicy,
        vault: Vault,
        eraser: Eraser,
        clock: Clock = utc_now,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._compiled = compiled
        self._vault = vault
        self._eraser = eraser
        self._clock = clock

    def create(
        self,
        actor: Actor,
        *,
        group: str,
        ref: str,
        birth_date: dt.date | None = None,
        jurisdiction: str | None = None,
    ) -> int:
        require_scope(self._policy, actor.role, group=group)
        now = self._clock()
        with self._engine.begin() as connection:
            subject_id = self._vault.create_subject(
                connection,
                group=group,
                ref=ref,
                birth_date=birth_date,
                jurisdiction=jurisdiction,
                now=now,
            )
            record_audit(
                connection,
                actor,
                "create_subject",
                subject_id=subject_id,
                at=now,
                detail={"group": group},
            )
        return subject_id

    def require_group(self, actor: Actor, group: str) -> None:
        """Raise :class:`Forbidden` unless the actor's role covers the subject group."""
        require_scope(self._policy, actor.role, group=group)

    def get(self, subject_id: int) -> SubjectRow:
        with self._engine.connect() as connection:
            return self._vault.subject_row(connection, subject_id)

    def store(self, actor: Actor, subject_id: int, new_items: Sequence[NewItem]) -> list[int]:
        """Store items, all or nothing; the role must cover their categories and purposes."""
        now = self._clock()
        with self._engine.begin() as connection:
            record = self._vault.subject_row(connection, subject_id)
            require_scope(
                self._policy,
                actor.role,
                group=record.group,
                categories=[item.category for item in new_items],
                purposes=[purpose for item in new_items for purpose in item.purposes],
            )
            ids = self._vault.add_items(connection, subject_id, new_items, now=now)
            detail = {"categories": sorted({item.category for item in new_items})}
            record_audit(connection, actor, "store", subject_id=subject_id, at=now, detail=detail)
        return ids

    def find(self, actor: Actor, kind: str, value: str) -> list[int]:
        """Subjects with an item matching an e-mail address or phone number (blind index)."""
        now = self._clock()
        with self._engine.begin() as connection:
            found = self._vault.find_subjects(connection, kind, value)
            record_audit(
                connection,
                actor,
                "find",
                subject_id=None,
                at=now,
                detail={"kind": kind, "found": len(found)},
            )
        return found

    def record_consent(
        self,
        actor: Actor,
        subject_id: int,
        *,
        purpose: str,
        action: ConsentAction,
        version: str | None = None,
        by_guardian: bool = False,
        guardian_name: str | None = None,
        guardian_relationship: str | None = None,
        guardian_verification: str | None = None,
        method: str = "api",
        evidence: Mapping[str, str] | None = None,
    ) -> None:
        """Append a consent event (G-02); a minor's grant needs a guardian (R-10, G-03).

        A guardian's consent names the guardian, their relationship to the person and how
        their authority was checked. The event keeps the policy version in force and the
        evidence given (page, form, user agent, truncated IP).
        """
        now = self._clock()
        guardian = (guardian_name, guardian_relationship, guardian_verification)
        logs = self._policy.access_logs
        kept = consent_evidence(evidence, logs.ipv4_prefix, logs.ipv6_prefix)
        with self._engine.begin() as connection:
            record = self._vault.subject_row(connection, subject_id)
            self._check_consent(record, purpose, action, by_guardian, guardian, now)
            connection.execute(
                insert(consent_events).values(
                    subject_id=subject_id,
                    purpose=purpose,
                    action=action,
                    version=version or self._policy.purposes[purpose].consent_version,
                    by_guardian=by_guardian,
                    guardian_name=guardian_name,
                    guardian_relationship=guardian_relationship,
                    guardian_verification=guardian_verification,
                    policy_version=self._policy.version,
                    evidence=kept,
                    method=method,
                    recorded_at=now,
                )
            )
            record_audit(
                connection,
                actor,
                "consent",
                subject_id=subject_id,
                at=now,
                purpose=purpose,
                detail={"action": action, "by_guardian": by_guardian},
            )

    def set_status(self, actor: Actor, subject_id: int, status: str) -> None:
        """Suspend use, lift a suspension, or erase (crypto-shred: the data key is destroyed).

        An erasure here is all or nothing: if the law keeps any item (R-13), it is refused and
        names the items; an erasure request closes partly instead (:mod:`.rights.erasure`).
        """
        if status not in ("active", "suspended", "erased"):
            raise ValidationFailed(
                f"unknown status {status!r}; expected active, suspended or erased"
            )
        now = self._clock()
        with self._engine.begin() as connection:
            record = self._vault.subject_row(connection, subject_id)
            require_scope(self._policy, actor.role, group=record.group)
            if record.status == "erased":
                raise ValidationFailed(f"subject {subject_id} is erased; its status cannot change")
            if status == "erased":
                kept = self._eraser.must_keep(connection, subject_id, now)
                if kept:
                    raise Conflict(
                        f"subject {subject_id} cannot be erased whole: {kept_reason(kept)}"
                    )
                self._eraser.erase(connection, record, now)
            else:
                connection.execute(
                    update(subjects)
                    .where(subjects.c.id == subject_id)
                    .values(status=status, updated_at=now)
                )
            record_audit(
                connection,
                actor,
                "status",
                subject_id=subject_id,
                at=now,
                detail={"status": status},
            )

    def _is_minor(self, record: SubjectRow, today: dt.date) -> bool:
        """Below the guardian-consent age of the subject's jurisdiction (R-10, G-03)."""
        if record.birth_date is None:
            return False
        return age_on(record.birth_date, today) < self._compiled.age_threshold(record.jurisdiction)

    def _check_consent(
        self,
        record: SubjectRow,
        purpose: str,
        action: str,
        by_guardian: bool,
        guardian: tuple[str | None, str | None, str | None],
        now: dt.datetime,
    ) -> None:
        declared = self._policy.purposes.get(purpose)
        if declared is None or record.group not in declared.groups:
            raise ValidationFailed(
                f"purpose {purpose!r} is not declared for subject group {record.group!r}"
            )
        if action not in CONSENT_ACTIONS:
            raise ValidationFailed(f"unknown consent action {action!r}")
        if by_guardian:
            _check_guardian(*guardian)
        if action == "grant" and not by_guardian and self._is_minor(record, now.date()):
            raise ValidationFailed(
                "guardian_consent_required: the subject is a minor, so consent must come "
                "from a person with parental authority"
            )
