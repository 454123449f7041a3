"""Notices to the person when their request is verified, answered, refused or extended.

APPI A36 and R-43: a refusal, or a measure other than the one asked for, is told with its
reason. G-05 (GDPR Art. 12(3), (4)): an extension is told with its reasons within the first
month, and a refusal with the right to complain to a supervisory authority and to a court.

:meth:`RequestNotifier.notify` is meant to run after the transaction that made the decision
has committed: it reads the address on file, sends, and audits what it did in a transaction
of its own. A subject with no address on file (or an erased one) gets no mail, and the
answer says so; a mail that fails is audited and reported in the answer, never raised, so a
decision already made is never turned into an error by the mail server.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from hogo.errors import MailFailed, ValidationFailed
from hogo.mail.message import Mail
from hogo.mail.sender import MailSender
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record_all
from hogo.services.rights.contact import addresses_on_file
from hogo.services.rights.letters import EVENTS, language, notice_letter
from hogo.services.rights.requests import RightsRequest
from hogo.store.tables import request_events
from hogo.vault.vault import Vault

log = logging.getLogger("hogo.notify")

NOTIFIER = Actor(id="privacy-center", role="privacy_office")
_STATUS_OF_EVENT = {
    "fulfilled": ("fulfilled",),
    "partially_fulfilled": ("partially_fulfilled",),
    "refused": ("refused",),
    "verified": ("verified", "in_progress", "fulfilled", "partially_fulfilled"),
}


@dataclass(frozen=True, slots=True)
class Notice:
    """What :meth:`RequestNotifier.notify` did: ``sent``, or why not in ``skipped``."""

    request_id: int
    event: str
    sent: bool
    skipped: str | None = None


class RequestNotifier:
    """Mails the person about their request, in the language they asked in (ja or en)."""

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        vault: Vault,
        mailer: MailSender,
        clock: Clock = utc_now,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._vault = vault
        self._mailer = mailer
        self._clock = clock

    def notify(
        self, request: RightsRequest, event: str, addresses: Sequence[str] | None = None
    ) -> Notice:
        """Tell the person about ``event`` (one of :data:`EVENTS`) on ``request``.

        ``addresses`` are used instead of those on file: an erasure reads them before the
        person's data is gone, so the person still hears that it is gone.
        """
        _check_event(request, event)
        with self._engine.connect() as connection:
            if addresses is None:
                addresses = addresses_on_file(
                    connection, self._vault, self._policy, request.subject_id
                )
            reason = _extension_reason(connection, request.id) if event == "extended" else None
        notice = self._send(request, event, addresses, reason)
        self._record([(request, event, notice)])
        return notice

    def notify_many(
        self, notices: Sequence[tuple[RightsRequest, str, Sequence[str]]]
    ) -> list[Notice]:
        """:meth:`notify` for many decisions at once, with the addresses given, audited in one
        transaction (a batch of erasures). Extensions are told one by one, with their reason."""
        for request, event, _addresses in notices:
            _check_event(request, event)
            if event == "extended":
                raise ValidationFailed("extensions are notified one at a time, with their reason")
        sent = [
            (request, event, self._send(request, event, to, None)) for request, event, to in notices
        ]
        self._record(sent)
        return [notice for _request, _event, notice in sent]

    def _send(
        self,
        request: RightsRequest,
        event: str,
        addresses: Sequence[str],
        reason: str | None,
    ) -> Notice:
        if not addresses:
            return Notice(request.id, event, False, "no_address")
        lang = language(request.details.get("lang"))
        subject, text = notice_letter(self._policy, request, event, lang, reason)
        try:
            # The newest address on file: the one the person most likely still reads.
            self._mailer.send(Mail(addresses[-1], subject, text))
        except (MailFailed, ValidationFailed) as error:  # the server, or an unusable address
            log.warning("notice %s of request %s not sent: %s", event, request.id, error)
            return Notice(request.id, event, False, error.detail)
        return Notice(request.id, event, True)

    def _record(self, sent: Sequence[tuple[RightsRequest, str, Notice]]) -> None:
        entries = []
        for request, event, notice in sent:
            detail: dict[str, object] = {
                "request_id": request.id,
                "event": event,
                "sent": notice.sent,
            }
            if notice.skipped is not None:
                detail["skipped"] = notice.skipped
            entries.append(("notify", request.subject_id, detail))
        with self._engine.begin() as connection:
            record_all(connection, NOTIFIER, entries, at=self._clock())


def _check_event(request: RightsRequest, event: str) -> None:
    if event not in EVENTS:
        raise ValidationFailed(f"unknown notice {event!r}; expected {', '.join(EVENTS)}")
    if event == "extended":
        if request.extended_due_at is None:
            raise ValidationFailed(f"request {request.id} has not been extended")
        return
    if request.status not in _STATUS_OF_EVENT[event]:
        raise ValidationFailed(f"request {request.id} is {request.status}; no {event} notice fits")


def _extension_reason(connection: Connection, request_id: int) -> str | None:
    """The reason recorded with the request's extension (G-05: told with the extension)."""
    details = connection.execute(
        select(request_events.c.detail)
        .where(request_events.c.request_id == request_id)
        .order_by(request_events.c.id.desc())
    ).scalars()
    for detail in details:
        if isinstance(detail, dict) and "extended_due_at" in detail and detail.get("reason"):
            return str(detail["reason"])
    return None
