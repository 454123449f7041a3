"""Doing what a request asks, from the vault and the ledgers, in one transaction.

:meth:`FulfilmentService.fulfil` takes a verified or started request, does the work its kind
calls for and closes it in the same transaction: a crash leaves either all of it or none.
The answer a person receives (a disclosure package, a purpose notice, a portable export) is
kept with the request, encrypted under the person's data key, for download.

- disclosure, purpose notice, portability, provision records: :mod:`.disclosure`, :mod:`.package`
  (R-38, R-39, R-40, G-06, G-09);
- correction: :mod:`.correction` (R-41, G-07 Art. 19);
- erasure: :mod:`.erasure` — never "fulfilled" while any item is kept (R-42, R-43, R-14);
- suspension, restriction, objection, provision stop: restrictions the guard reads at once
  (R-42, G-08, G-10);
- consent withdrawal: withdrawal events in the consent ledger (G-02).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from hogo.errors import Conflict, NotFound, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.rights import erasure_batch, package, stops
from hogo.services.rights.contact import addresses_on_file
from hogo.services.rights.correction import Change, apply_changes
from hogo.services.rights.disclosure import Disclosure, assemble
from hogo.services.rights.erasure import Eraser, ErasureResult, kept_reason
from hogo.services.rights.kinds import Status, check_decision_ground, required_text
from hogo.services.rights.requests import RequestService, RightsRequest
from hogo.services.scope import require_scope
from hogo.store.tables import items, request_attachments
from hogo.vault.items import ACTIVE, SubjectRow
from hogo.vault.vault import Vault

ANSWER = "answer"
DISCLOSURE_SCOPES = {
    "purpose_notice": "purposes",
    "disclosure": "full",
    "provision_records": "full",
    "portability": "provided",
}
RESTRICTING = ("suspension", "restriction", "objection", "provision_stop")
AUTO_APPROVABLE = ("suspension", "erasure", "provision_stop")


def _all_past_retention(connection: Connection, subject_id: int, now: dt.datetime) -> bool:
    """The subject has items, and every one has a retention date that has passed."""
    total, past = connection.execute(
        select(
            func.count(),
            func.count().filter(items.c.retain_until <= now),
        ).where(items.c.subject_id == subject_id, items.c.status == ACTIVE)
    ).one()
    return bool(total) and total == past


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a request was closed, and what was done."""

    request_id: int
    status: str
    reason: str | None
    detail: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Answer:
    """The file a person receives."""

    filename: str
    media_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class _Rendered:
    """A disclosure-type answer, made before the transaction that stores it."""

    filename: str
    media_type: str
    data: bytes = field(repr=False)
    detail: dict[str, Any] = field(default_factory=dict)
    keep: bool = True  # False for a person erased meanwhile: no key to seal it under


@dataclass(frozen=True, slots=True)
class _Prepared:
    request: RightsRequest
    addresses: list[str] | None
    rendered: _Rendered | None


@dataclass(frozen=True, slots=True)
class _Job:
    """One fulfilment: who does it, the request and person, and what was asked."""

    actor: Actor
    request: RightsRequest
    subject: SubjectRow
    changes: tuple[Change, ...]
    purposes: Sequence[str] | None
    decided: tuple[str, str] | None
    rendered: _Rendered | None


@dataclass(frozen=True, slots=True)
class _Done:
    detail: dict[str, Any]
    partial_reason: str | None = None
    ground: str | None = None


def _render(request: RightsRequest, subject: SubjectRow, disclosure: Disclosure) -> _Rendered:
    """The answer in the method and language the person chose (R-39)."""
    lang: package.Lang = "en" if request.details.get("lang") == "en" else "ja"
    method = "paper" if request.details.get("method") == "paper" else "electronic"
    if method == "paper":
        data = package.render_html(disclosure, lang, paper=True).encode()
        filename, media_type = f"request-{request.id}.html", "text/html; charset=utf-8"
    else:
        data = package.render_zip(disclosure, lang)
        filename, media_type = f"request-{request.id}.zip", "application/zip"
    detail = {
        "method": method,
        "items": len(disclosure.items),
        "consents": len(disclosure.consents),
        "purposes": len(disclosure.purposes),
        "reads": len(disclosure.reads),
        "bytes": len(data),
    }
    keep = bool(disclosure.items) or subject.status == ACTIVE
    return _Rendered(filename, media_type, data, detail, keep)


def _erased_detail(result: ErasureResult) -> dict[str, Any]:
    return {
        "erased_items": result.erased_items,
        "kept_items": [k.item_id for k in result.kept],
        "tickets_shredded": list(result.tickets),
    }


def _partial(reason: str | None, ground: str | None) -> tuple[str, str] | None:
    if reason is None and ground is None:
        return None
    return required_text(reason, "a partial fulfilment"), check_decision_ground(ground)


class FulfilmentService:
    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        vault: Vault,
        requests: RequestService,
        eraser: Eraser,
        clock: Clock = utc_now,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._vault = vault
        self._requests = requests
        self._eraser = eraser
        self._clock = clock

    def fulfil(
        self,
        actor: Actor,
        request_id: int,
        *,
        changes: Sequence[Change] = (),
        purposes: Sequence[str] | None = None,
        partial_reason: str | None = None,
        ground: str | None = None,
    ) -> Outcome:
        """Do the request's work and close it; ``changes`` for corrections, ``purposes`` to
        narrow a suspension, restriction, objection or consent withdrawal.

        ``partial_reason`` and ``ground`` close it as partly done, when the office does less
        than was asked or something else (R-43); work that the law stops part of (an item kept
        by a legal floor) closes it so on its own.
        """
        decided = _partial(partial_reason, ground)
        # A disclosure is made from a snapshot before any write: the write lock (SQLite) or
        # the audit lock (PostgreSQL) is then held only to store it and close the request.
        prepared = self._prepare(actor, request_id)
        with self._engine.begin() as connection:
            request = prepared.request
            if request.status == "verified":  # the work starts now
                request = self._requests.transition(
                    connection, actor, request_id, "in_progress", {}, current=request
                )
            subject = self._vault.subject_row(connection, request.subject_id)
            require_scope(self._policy, actor.role, group=subject.group)
            job = _Job(
                actor, request, subject, tuple(changes), purposes, decided, prepared.rendered
            )
            done = self._do(connection, job)
            to: Status = "fulfilled" if done.partial_reason is None else "partially_fulfilled"
            values = {"reason": done.partial_reason, "decision_ground": done.ground}
            self._requests.transition(
                connection, actor, request_id, to, values, done.detail, current=request
            )
        self._requests.announce(request_id, to, prepared.addresses)
        return Outcome(request_id, to, done.partial_reason, done.detail)

    def _prepare(self, actor: Actor, request_id: int) -> _Prepared:
        """What is read before the write transaction: the request, the person's addresses for
        an erasure (they go with it; the person must still be told), and the answer of a
        disclosure-type request, made from this snapshot so that the write lock (SQLite) or
        audit lock (PostgreSQL) is held only to store it."""
        now = self._clock()
        with self._engine.connect() as connection:
            request = self._requests.get_in(connection, request_id)
            if request.status not in ("verified", "in_progress"):
                raise Conflict(
                    f"request {request_id} is {request.status}; it cannot become fulfilled",
                    from_status=request.status,
                    to_status="fulfilled",
                )
            subject = self._vault.subject_row(connection, request.subject_id)
            require_scope(self._policy, actor.role, group=subject.group)
            addresses = None
            if request.kind == "erasure":
                addresses = addresses_on_file(connection, self._vault, self._policy, subject.id)
            if request.kind not in DISCLOSURE_SCOPES:
                return _Prepared(request, addresses, None)
            scope = DISCLOSURE_SCOPES[request.kind]
            disclosure = assemble(connection, self._policy, self._vault, subject, now, scope)
        return _Prepared(request, addresses, _render(request, subject, disclosure))

    def fulfil_erasures(self, actor: Actor, request_ids: Sequence[int]) -> list[Outcome]:
        """Many verified erasure requests, each erased as :meth:`fulfil` would, a few hundred
        per transaction (:mod:`.erasure_batch`); the people are told once each chunk commits."""
        outcomes: list[Outcome] = []
        for chunk in erasure_batch.chunks(list(dict.fromkeys(request_ids))):
            with self._engine.begin() as connection:
                done = erasure_batch.erase_chunk(
                    connection,
                    self._policy,
                    self._vault,
                    self._requests,
                    self._eraser,
                    actor,
                    chunk,
                    self._clock(),
                )
            self._requests.announce_many([(e.request, e.request.status, e.addresses) for e in done])
            outcomes += [
                Outcome(e.request.id, e.request.status, e.request.reason, _erased_detail(e.result))
                for e in done
            ]
        return outcomes

    def fulfil_if_ground_established(self, actor: Actor, request_id: int) -> Outcome | None:
        """R-42: a verified A35 request on the ground "no longer needed" is approved at once
        when every item of the person is past its retention date (the policy itself says the
        data is no longer needed); otherwise None and the office decides."""
        with self._engine.connect() as connection:
            request = self._requests.get_in(connection, request_id)
            if not (
                request.status == "verified"
                and request.kind in AUTO_APPROVABLE
                and request.ground == "no_longer_needed"
                and _all_past_retention(connection, request.subject_id, self._clock())
            ):
                return None
        return self.fulfil(actor, request_id)

    def answer(self, actor: Actor, request_id: int) -> Answer:
        """The answer kept with a fulfilled request, decrypted; the download is audited."""
        return self._download(actor, request_id, check_scope=True)

    def answer_for_requester(self, request_id: int, requester: Actor) -> Answer:
        """The answer, for the person the request is from: no role scope applies, because the
        caller has already checked the person's status token; the download is audited under
        ``requester``."""
        return self._download(requester, request_id, check_scope=False)

    def _download(self, actor: Actor, request_id: int, *, check_scope: bool) -> Answer:
        now = self._clock()
        with self._engine.begin() as connection:
            request = self._requests.get_in(connection, request_id)
            subject = self._vault.subject_row(connection, request.subject_id)
            if check_scope:
                require_scope(self._policy, actor.role, group=subject.group)
            row = connection.execute(
                select(request_attachments).where(
                    request_attachments.c.request_id == request_id,
                    request_attachments.c.purpose == ANSWER,
                )
            ).first()
            if row is None:
                raise NotFound(f"request {request_id} has no answer to download")
            data = self._vault.open_file(subject, bytes(row.ciphertext), f"{ANSWER}:{request_id}")
            detail: dict[str, Any] = {"request_id": request_id, "bytes": len(data)}
            if not check_scope:
                detail["by"] = "requester"
            record_audit(
                connection, actor, "answer_download", subject_id=subject.id, at=now, detail=detail
            )
        return Answer(row.filename, row.media_type, data)

    def _do(self, connection: Connection, job: _Job) -> _Done:
        done = self._work(connection, job)
        if job.decided is None:
            return done
        reason, ground = job.decided
        if done.partial_reason is not None:
            reason = f"{reason}; {done.partial_reason}"
        return _Done(done.detail, reason, ground)

    def _work(self, connection: Connection, job: _Job) -> _Done:
        now = self._clock()
        request, subject = job.request, job.subject
        if job.rendered is not None:  # made by _prepare for every disclosure-type request
            return self._disclose(connection, job.actor, request, subject, job.rendered, now)
        if request.kind == "correction":
            if not job.changes and job.decided is not None:
                return _Done({"changed": [], "notify_recipients": []})  # nothing was untrue
            return self._correct(connection, job.actor, request, subject, job.changes, now)
        if request.kind == "erasure":
            return self._erase(connection, request, subject, now)
        if request.kind in RESTRICTING:
            chosen = stops.restrict(connection, self._policy, request, subject, job.purposes, now)
            return _Done({"kind": request.kind, "purposes": [p or "*" for p in chosen]})
        if request.kind == "consent_withdrawal":
            withdrawn = stops.withdraw(
                connection, self._policy, request, subject, job.purposes, now
            )
            return _Done({"withdrawn": withdrawn})
        raise ValidationFailed(f"no fulfilment is defined for {request.kind!r} requests")

    def _disclose(
        self,
        connection: Connection,
        actor: Actor,
        request: RightsRequest,
        subject: SubjectRow,
        rendered: _Rendered,
        now: dt.datetime,
    ) -> _Done:
        if rendered.keep:
            self._keep_answer(
                connection,
                request,
                subject,
                rendered.filename,
                rendered.media_type,
                rendered.data,
                now,
            )
        record_audit(
            connection,
            actor,
            "disclose",
            subject_id=subject.id,
            at=now,
            detail={"request_id": request.id, **rendered.detail},
        )
        return _Done(rendered.detail)

    def _keep_answer(
        self,
        connection: Connection,
        request: RightsRequest,
        subject: SubjectRow,
        filename: str,
        media_type: str,
        data: bytes,
        now: dt.datetime,
    ) -> None:
        sealed = self._vault.seal_file(subject, data, f"{ANSWER}:{request.id}")
        connection.execute(
            insert(request_attachments).values(
                request_id=request.id,
                subject_id=subject.id,
                purpose=ANSWER,
                filename=filename,
                media_type=media_type,
                size=len(data),
                ciphertext=sealed,
                uploaded_at=now,
            )
        )

    def _correct(
        self,
        connection: Connection,
        actor: Actor,
        request: RightsRequest,
        subject: SubjectRow,
        changes: Sequence[Change],
        now: dt.datetime,
    ) -> _Done:
        result = apply_changes(
            connection,
            self._vault,
            self._policy,
            actor,
            subject,
            changes,
            request_id=request.id,
            now=now,
        )
        return _Done(
            {"changed": list(result.changed), "notify_recipients": list(result.recipients)}
        )

    def _erase(
        self, connection: Connection, request: RightsRequest, subject: SubjectRow, now: dt.datetime
    ) -> _Done:
        result = self._eraser.erase(connection, subject, now, request.id)
        detail = _erased_detail(result)
        if result.complete:
            return _Done(detail)
        return _Done(detail, kept_reason(result.kept), "alternative_measure")
