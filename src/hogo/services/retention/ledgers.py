"""Records kept for periods of their own, purged when those end and never sooner (R-47, D13, D18).

The retention sweep (:mod:`.sweeper`) takes items. These records have their own periods, and
:class:`LedgerSweep` purges each one past it:

- ``inquiry_tickets``: a closed ticket's messages and key are destroyed
  ``inquiry_desk.retention`` after it closed; the row stays as the record that it was handled
  (APPI A40; R-47; :meth:`~hogo.services.inquiries.InquiryService.purge_expired`);
- ``provision_records``: one year after the provision for a record made in place of a
  contract's documents, three years for one made in bulk or any other (APPI A29(2), PPC Rules
  Art. 21; D13); the provisions themselves stay;
- ``receipt_records``: the same periods for records of receipt (APPI A30(4), Rules Art. 25);
- ``access_log_lines``: lines past their ``retain_until`` (set from the access-log retention
  rule when they were loaded; R-62), unless a legal hold keeps them;
- ``request_words``: ``rights.request_retention`` after a request closed, what the requester
  or their agent wrote in their own words and the files they uploaded; the record of the
  request (kind, dates, decisions) stays as proof that it was answered.

Each purge is its own transaction and writes its own audit entry when it removes anything; a
purge that fails stops the run, and the ones before it stay done. The database refuses to
delete a record of provision or receipt before its date by its own clock (migration 0006), so
those two are judged at the earlier of ``as_of`` and now, and records of provision always at
now: their purge takes no other moment. Each count says the moment it was judged at.

Kept, never purged here: consent events (the proof of each consent, needed as long as the
processing it allows may be questioned), the records of requests with their events, and audit
entries (a hash chain; removing one would break it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Engine, func, select

from hogo.policy.durations import subtract_duration
from hogo.policy.model import Policy
from hogo.services.access import Clock
from hogo.services.actor import Actor
from hogo.services.auditing import record
from hogo.services.inquiries import InquiryService
from hogo.services.provision.provide import ProvisionService
from hogo.services.provision.receipts import ReceiptService
from hogo.services.retention import ledger_purges
from hogo.services.retention.sweeper import require_sweep_role
from hogo.services.ticket_rows import not_shredded
from hogo.store.tables import provision_records, receipts, tickets

# D13: 1 year for a record made in place of a contract's documents, 3 years for any other.
PROVISION_BASIS = "1 y (in place of a contract) or 3 y; APPI A29(2), PPC Rules Art. 21"
RECEIPT_BASIS = "1 y (in place of a contract) or 3 y; APPI A30(4), PPC Rules Art. 25"
LINES_BASIS = "the retain_until of each line, from the access-log retention rule (R-62)"


@dataclass(frozen=True, slots=True)
class LedgerCount:
    """What a purge of one ledger removed (or, planned, would remove), and why it may."""

    ledger: str
    removed: int
    basis: str  # the period and the law or policy key that sets it
    judged_at: dt.datetime  # the moment the period was judged at


class LedgerSweep:
    """Purges the inquiry tickets and the records of provision and receipt past their periods."""

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        inquiries: InquiryService,
        provision: ProvisionService,
        receipts: ReceiptService,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._log_categories = list(policy.access_logs.categories)
        self._request_retention = policy.rights.request_retention
        self._words_basis = f"rights.request_retention {self._request_retention} after closing"
        self._ticket_basis = (
            f"inquiry_desk.retention {policy.inquiry_desk.retention} after closing (APPI A40)"
        )
        self._inquiries = inquiries
        self._provision = provision
        self._receipts = receipts
        self._clock = clock

    def plan(self, as_of: dt.datetime) -> list[LedgerCount]:
        """What :meth:`run` at ``as_of`` would remove, per ledger; nothing changes."""
        tickets_at, provided_at, received_at = self._moments(as_of)
        with self._engine.connect() as connection:

            def counted(*where: ColumnElement[bool]) -> int:
                query = select(func.count()).where(*where)
                return int(connection.execute(query).scalar_one())

            return [
                LedgerCount(
                    "inquiry_tickets",
                    counted(*_expired_tickets(tickets_at)),
                    self._ticket_basis,
                    tickets_at,
                ),
                LedgerCount(
                    "provision_records",
                    counted(provision_records.c.retain_until <= provided_at),
                    PROVISION_BASIS,
                    provided_at,
                ),
                LedgerCount(
                    "receipt_records",
                    counted(receipts.c.retain_until <= received_at),
                    RECEIPT_BASIS,
                    received_at,
                ),
                LedgerCount(
                    "access_log_lines",
                    ledger_purges.count_lines(connection, as_of, self._log_categories),
                    LINES_BASIS,
                    as_of,
                ),
                LedgerCount(
                    "request_words",
                    ledger_purges.count_request_words(connection, self._words_cutoff(as_of)),
                    self._words_basis,
                    as_of,
                ),
            ]

    def run(self, actor: Actor, as_of: dt.datetime) -> list[LedgerCount]:
        """Purge every ledger past its period at ``as_of``, one transaction each (privacy
        office only)."""
        require_sweep_role(actor, "purge ledgers")
        tickets_at, _provided_at, received_at = self._moments(as_of)
        shredded = self._inquiries.purge_expired(actor, tickets_at)
        provided_at = self._clock()  # the moment the provision service judges at
        provided = self._provision.purge_expired(actor)
        received = self._receipts.purge_expired(actor, received_at)
        lines = self._purge(actor, "access_log_lines", as_of, ledger_purges.purge_lines)
        words = self._purge(actor, "request_words", as_of, self._purge_words)
        return [
            LedgerCount("inquiry_tickets", shredded, self._ticket_basis, tickets_at),
            LedgerCount("provision_records", provided, PROVISION_BASIS, provided_at),
            LedgerCount("receipt_records", received, RECEIPT_BASIS, received_at),
            LedgerCount("access_log_lines", lines, LINES_BASIS, as_of),
            LedgerCount("request_words", words, self._words_basis, as_of),
        ]

    def _purge(
        self,
        actor: Actor,
        ledger: str,
        as_of: dt.datetime,
        purge: Callable[[Connection, dt.datetime, list[str]], int],
    ) -> int:
        """One purge in its own transaction, with an audit entry when it removed anything."""
        with self._engine.begin() as connection:
            removed = purge(connection, as_of, self._log_categories)
            if removed:
                detail = {"ledger": ledger, "removed": removed, "as_of": as_of.isoformat()}
                record(
                    connection,
                    actor,
                    "ledger_purge",
                    subject_id=None,
                    at=self._clock(),
                    detail=detail,
                )
        return removed

    def _purge_words(
        self, connection: Connection, as_of: dt.datetime, _categories: list[str]
    ) -> int:
        return ledger_purges.purge_request_words(connection, self._words_cutoff(as_of))

    def _words_cutoff(self, as_of: dt.datetime) -> dt.datetime:
        """Requests closed by this moment are past ``rights.request_retention`` at ``as_of``."""
        return subtract_duration(as_of, self._request_retention)

    def _moments(self, as_of: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
        """When tickets, records of provision and records of receipt are judged."""
        now = self._clock()
        return as_of, now, min(as_of, now)


def _expired_tickets(at: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    """The closed tickets kept past ``retain_until`` and not yet shredded, as the desk has them."""
    return (tickets.c.status == "closed", tickets.c.retain_until <= at, not_shredded())
