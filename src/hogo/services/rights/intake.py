"""Rights requests from the public privacy center, confirmed by a code sent to the address
the company already holds (APPI A37, R-44; GDPR Art. 12(2), (6)).

:meth:`IntakeService.open` files one request per subject holding the address and mails a
six-digit code to that address as stored in the vault. :meth:`IntakeService.verify` takes the
code back: the requests become ``verified`` and the person gets a status token to follow them
(:meth:`IntakeService.status`). An agent's requests stay ``received`` until the privacy office
has checked the proof of authority.

The answer never reveals whether an address is on file: an unknown address gets a decoy
challenge of the same shape that no code confirms, the same rate limits, the same errors, and
no mail. Only keyed hashes of codes, tokens and client addresses are stored
(:mod:`hogo.services.rights.tokens`); every attempt leaves an audit entry naming the address
only by its blind index.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from hogo.errors import MailFailed, ValidationFailed
from hogo.mail.message import Mail
from hogo.mail.sender import MailSender
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.rights import attachments, submission
from hogo.services.rights.attachments import Attachment, Proof
from hogo.services.rights.contact import address_matching
from hogo.services.rights.deadlines import Regime
from hogo.services.rights.kinds import RequestKind
from hogo.services.rights.letters import code_letter
from hogo.services.rights.limits import Budget, IntakeLimits, throttle
from hogo.services.rights.requests import RequestService, RightsRequest
from hogo.services.rights.submission import Submission
from hogo.services.rights.tokens import IntakeHasher, new_challenge_id, new_code
from hogo.services.rights.verification import Verified, Verifier
from hogo.services.scope import require_scope
from hogo.store.tables import requests, verification_challenges
from hogo.vault.blind_index import blind_index
from hogo.vault.keys import KeyRing
from hogo.vault.vault import Vault

__all__ = ["Challenge", "IntakeService", "Verified"]

log = logging.getLogger("hogo.intake")

INTAKE_ACTOR = Actor(id="privacy-center", role="privacy_office")
Job = Callable[[], None]
Defer = Callable[[Job], None]
"""Runs a job later, e.g. after the HTTP answer is sent, so sending mail takes no visible time."""


@dataclass(frozen=True, slots=True)
class Challenge:
    """What the person gets back: where to send the code, and until when."""

    id: str
    expires_at: dt.datetime


def _run_now(job: Job) -> None:
    job()


class IntakeService:
    """The privacy center's backend: open a request, verify its code, follow its status."""

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        vault: Vault,
        keyring: KeyRing,
        requests: RequestService,
        mailer: MailSender,
        clock: Clock = utc_now,
        *,
        limits: IntakeLimits | None = None,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._vault = vault
        self._keyring = keyring
        self._requests = requests
        self._mailer = mailer
        self._clock = clock
        self._limits = limits or IntakeLimits()
        self._hasher = IntakeHasher(keyring.code_key)
        self._verifier = Verifier(engine, requests, self._hasher, self._limits, clock)

    def open(
        self,
        email: str,
        kind: RequestKind,
        regime: Regime,
        *,
        ground: str | None = None,
        details: Mapping[str, Any] | None = None,
        lang: str = "ja",
        client: str | None = None,
        agent: Mapping[str, Any] | None = None,
        proof: Proof | None = None,
        defer: Defer | None = None,
    ) -> Challenge:
        """File the requests and mail the code; the same answer whether the address is known.

        ``client`` (the caller's IP address) is rate-limited as well as the address. The mail
        is handed to ``defer`` when given (else sent at once); a mail that fails is logged and
        audited, never reported, since only a known address has a mail that can fail.
        """
        form = submission.check(
            self._policy,
            email,
            kind,
            regime,
            ground=ground,
            details=details,
            lang=lang,
            agent=agent,
            proof=proof,
        )
        now = self._clock()
        address = blind_index(self._keyring.index_key, "email", form.email)
        self._throttle(address, client, now)
        with self._engine.connect() as connection:
            subject_ids = self._vault.find_subjects(connection, "email", form.email)
        request_ids = [
            self._requests.submit(
                INTAKE_ACTOR, subject_id, kind, regime, ground=ground, details=form.details
            )
            for subject_id in subject_ids
        ]
        code = new_code()
        challenge, recipient = self._store(form, address, subject_ids, request_ids, code, now)
        if recipient is not None:
            subject, text = code_letter(self._policy, form.lang, kind, code, challenge.expires_at)
            (defer or _run_now)(partial(self._send, recipient, subject, text, challenge.id))
        return challenge

    def verify(self, challenge_id: str, code: str) -> Verified:
        """Confirm the challenge's requests with the code; the status token, shown once."""
        return self._verifier.verify(challenge_id, code)

    def status(self, token: str) -> list[RightsRequest]:
        """The requests the status token follows; none for an unknown token."""
        if not token or len(token) > 200:
            return []
        digest = self._hasher.status_token(token)
        query = select(requests.c.id).where(requests.c.status_token_hash == digest)
        with self._engine.connect() as connection:
            ids = connection.execute(query.order_by(requests.c.id)).scalars().all()
        return [self._requests.get(int(request_id)) for request_id in ids]

    def attachments(self, actor: Actor, request_id: int) -> list[Attachment]:
        """The request's files (an agent's proof), decrypted for the privacy office; audited."""
        request = self._requests.get(request_id)
        now = self._clock()
        with self._engine.begin() as connection:
            subject = self._vault.subject_row(connection, request.subject_id)
            require_scope(self._policy, actor.role, group=subject.group)
            files = attachments.load(connection, self._keyring, subject, request_id)
            detail = {"request_id": request_id, "files": len(files)}
            record_audit(
                connection, actor, "read_attachments", subject_id=subject.id, at=now, detail=detail
            )
        return files

    def _throttle(self, address: bytes, client: str | None, now: dt.datetime) -> None:
        """Count the attempt, or refuse it (audited) when the address or client is at its limit."""
        budgets = [Budget("address", address, self._limits.per_address)]
        if client:
            budgets.append(Budget("client", self._hasher.client(client), self._limits.per_client))
        detail = {"address": address.hex()}
        throttle(
            self._engine, budgets, now, self._limits.window, INTAKE_ACTOR, "intake_limited", detail
        )

    def _store(
        self,
        form: Submission,
        address: bytes,
        subject_ids: Sequence[int],
        request_ids: Sequence[int],
        code: str,
        now: dt.datetime,
    ) -> tuple[Challenge, str | None]:
        """Store the challenge (a decoy when no request was filed) and any proof; audit it."""
        challenge = Challenge(new_challenge_id(), now + self._limits.code_ttl)
        # A decoy's hash is random bytes: no code can match it.
        code_hash = self._hasher.code(challenge.id, code) if request_ids else os.urandom(32)
        with self._engine.begin() as connection:
            connection.execute(
                insert(verification_challenges).values(
                    id=challenge.id,
                    request_ids=list(request_ids),
                    address_index=address,
                    code_hash=code_hash,
                    created_at=now,
                    expires_at=challenge.expires_at,
                    attempts=0,
                )
            )
            self._store_proofs(connection, form, subject_ids, request_ids, now)
            recipient = self._recipient(connection, form.email, subject_ids)
            detail = {
                "address": address.hex(),
                "challenge": challenge.id[:8],
                "kind": form.kind,
                "regime": form.regime,
                "requests": list(request_ids),
                "agent": form.agent.type if form.agent else None,
                "mailed": recipient is not None,
            }
            record_audit(connection, INTAKE_ACTOR, "intake", subject_id=None, at=now, detail=detail)
        return challenge, recipient

    def _store_proofs(
        self,
        connection: Connection,
        form: Submission,
        subject_ids: Sequence[int],
        request_ids: Sequence[int],
        now: dt.datetime,
    ) -> None:
        """R-44: the agent's proof, under each subject's own data key (gone when it is erased)."""
        if form.proof is None:
            return
        for subject_id, request_id in zip(subject_ids, request_ids, strict=True):
            subject = self._vault.subject_row(connection, subject_id)
            attachments.store(
                connection,
                self._keyring,
                subject,
                request_id,
                form.proof,
                purpose=attachments.AGENT_PROOF,
                now=now,
            )

    def _recipient(
        self, connection: Connection, typed: str, subject_ids: Sequence[int]
    ) -> str | None:
        """The address as the vault holds it (not as typed), from the first subject holding it."""
        for subject_id in subject_ids:
            found = address_matching(connection, self._vault, self._policy, subject_id, typed)
            if found is not None:
                return found
        return None

    def _send(self, recipient: str, subject: str, text: str, challenge_id: str) -> None:
        """Send the code; a failure (the server, or an address on file unfit for mail) is
        logged and audited, never raised: raising would tell a known address from others."""
        try:
            self._mailer.send(Mail(recipient, subject, text))
        except (MailFailed, ValidationFailed) as error:
            log.warning("the code of challenge %s was not sent: %s", challenge_id[:8], error)
            with self._engine.begin() as connection:
                record_audit(
                    connection,
                    INTAKE_ACTOR,
                    "intake_mail_failed",
                    subject_id=None,
                    at=self._clock(),
                    detail={"challenge": challenge_id[:8], "error": error.detail},
                )
