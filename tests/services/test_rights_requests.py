"""Rights requests through their workflow, on SQLite and PostgreSQL (R-38–R-46, G-05, D16–D27)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import DBAPIError

from hogo.audit.chain import verify
from hogo.errors import Conflict, NotFound, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.actor import Actor
from hogo.services.rights.requests import RequestService
from hogo.store.tables import audit_log, request_events

OFFICER = Actor(id="officer-1", role="privacy_office")
JST = dt.timezone(dt.timedelta(hours=9))


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 4, 1, 10, 0, tzinfo=JST))


@pytest.fixture
def service(engine: Engine, example_policy: Policy, clock: FixedClock) -> RequestService:
    return RequestService(engine, example_policy, clock)


def _audit_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(audit_log)).scalar_one())


def _walk(service: RequestService, request_id: int) -> None:
    service.verify(OFFICER, request_id)
    service.start(OFFICER, request_id)


def test_R46_D16_appi_request_due_dates(service: RequestService, subject_id: int) -> None:
    """Arrival 1 Apr (Japan time): internal target 15 Apr, suit possible from 16 Apr."""
    request_id = service.submit(OFFICER, subject_id, "disclosure", "appi")
    request = service.get(request_id)
    assert request.status == "received"
    assert request.due_at == dt.date(2026, 4, 15)
    assert request.may_sue_from == dt.date(2026, 4, 16)
    assert not request.litigation_possible(dt.date(2026, 4, 15))
    assert request.litigation_possible(dt.date(2026, 4, 16))


def test_G05_gdpr_request_due_in_one_month_clamped(
    service: RequestService, subject_id: int, clock: FixedClock
) -> None:
    clock.now = dt.datetime(2026, 1, 31, 12, tzinfo=dt.UTC)
    request = service.get(service.submit(OFFICER, subject_id, "portability", "gdpr"))
    assert request.due_at == dt.date(2026, 2, 28)
    assert request.may_sue_from is None
    assert request.fee_jpy == 0


def test_G05_extension_inside_first_month(
    service: RequestService, subject_id: int, clock: FixedClock, engine: Engine
) -> None:
    clock.now = dt.datetime(2026, 1, 31, 12, tzinfo=dt.UTC)
    request_id = service.submit(OFFICER, subject_id, "disclosure", "gdpr")
    clock.advance(days=28)  # 28 Feb, the last day of the first month
    service.extend(OFFICER, request_id, "many requests from this person at once")
    request = service.get(request_id)
    assert request.extended_due_at == dt.date(2026, 4, 30)
    assert request.effective_due == dt.date(2026, 4, 30)
    assert request.extension_notice_at == clock.now
    assert _audit_count(engine) == 2
    with pytest.raises(Conflict, match="already extended"):
        service.extend(OFFICER, request_id, "again")


def test_G05_extension_refused_after_first_month(
    service: RequestService, subject_id: int, clock: FixedClock
) -> None:
    clock.now = dt.datetime(2026, 1, 31, 12, tzinfo=dt.UTC)
    request_id = service.submit(OFFICER, subject_id, "disclosure", "gdpr")
    clock.advance(days=29)  # 1 March
    with pytest.raises(ValidationFailed, match="within the first month"):
        service.extend(OFFICER, request_id, "too late")
    assert service.get(request_id).extended_due_at is None


def test_G05_only_gdpr_requests_extend(service: RequestService, subject_id: int) -> None:
    request_id = service.submit(OFFICER, subject_id, "disclosure", "appi")
    with pytest.raises(ValidationFailed, match="only GDPR"):
        service.extend(OFFICER, request_id, "busy")


def test_every_transition_audited_and_in_the_ledger(
    service: RequestService, subject_id: int, engine: Engine
) -> None:
    """Submit, verify, start, fulfil: four audit entries and four request events."""
    request_id = service.submit(OFFICER, subject_id, "purpose_notice", "appi")
    _walk(service, request_id)
    service.fulfil(OFFICER, request_id)
    assert _audit_count(engine) == 4
    history = service.history(request_id)
    assert [(e.from_status, e.to_status) for e in history] == [
        (None, "received"),
        ("received", "verified"),
        ("verified", "in_progress"),
        ("in_progress", "fulfilled"),
    ]
    assert {e.actor for e in history} == {"officer-1"}
    request = service.get(request_id)
    assert request.status == "fulfilled"
    assert request.closed_at is not None
    with engine.connect() as connection:
        verify(connection).raise_if_broken()
        actions = connection.execute(select(audit_log.c.action).order_by(audit_log.c.seq))
        assert set(actions.scalars()) == {"request"}


@pytest.mark.parametrize(
    ("steps", "target", "current"),
    [
        ([], "start", "received"),
        ([], "fulfil", "received"),
        (["verify"], "verify", "verified"),
        (["verify", "start", "fulfil"], "start", "fulfilled"),
        (["verify", "start", "fulfil"], "refuse", "fulfilled"),
    ],
)
def test_illegal_transitions_are_conflicts_naming_both_states(
    service: RequestService,
    subject_id: int,
    engine: Engine,
    steps: list[str],
    target: str,
    current: str,
) -> None:
    request_id = service.submit(OFFICER, subject_id, "disclosure", "appi")
    calls: dict[str, Any] = {
        "verify": lambda: service.verify(OFFICER, request_id),
        "start": lambda: service.start(OFFICER, request_id),
        "fulfil": lambda: service.fulfil(OFFICER, request_id),
        "refuse": lambda: service.refuse(OFFICER, request_id, "why", "data_not_held"),
    }
    for step in steps:
        calls[step]()
    before = _audit_count(engine)
    with pytest.raises(Conflict, match=f"is {current}; it cannot become") as raised:
        calls[target]()
    assert raised.value.extensions["from_status"] == current
    assert _audit_count(engine) == before
    assert service.get(request_id).status == current


def test_R43_D27_refusal_needs_reason_and_ground(
    service: RequestService, subject_id: int, clock: FixedClock
) -> None:
    request_id = service.submit(OFFICER, subject_id, "disclosure", "appi")
    with pytest.raises(ValidationFailed, match="needs a reason"):
        service.refuse(OFFICER, request_id, "  ", "serious_business_hindrance")
    with pytest.raises(ValidationFailed, match="unknown decision ground"):
        service.refuse(OFFICER, request_id, "a reason", "because")
    clock.advance(days=3)
    service.refuse(OFFICER, request_id, "業務に著しい支障", "serious_business_hindrance")
    request = service.get(request_id)
    assert request.status == "refused"
    assert request.reason == "業務に著しい支障"
    assert request.decision_ground == "serious_business_hindrance"
    assert request.may_sue_from == dt.date(2026, 4, 4)  # D17: earlier once refused


def test_R43_partial_fulfilment_needs_reason_and_ground(
    service: RequestService, subject_id: int
) -> None:
    request_id = service.submit(OFFICER, subject_id, "erasure", "appi", ground="no_longer_needed")
    _walk(service, request_id)
    with pytest.raises(ValidationFailed, match="needs a reason"):
        service.fulfil(OFFICER, request_id, ground="alternative_measure")
    service.fulfil(
        OFFICER, request_id, partial_reason="suspended instead", ground="alternative_measure"
    )
    request = service.get(request_id)
    assert request.status == "partially_fulfilled"
    assert request.reason == "suspended instead"


@pytest.mark.parametrize("kind", ["correction", "suspension", "provision_stop"])
def test_R45_fee_on_correction_or_suspension_rejected(
    service: RequestService, subject_id: int, kind: Any
) -> None:
    ground = None if kind == "correction" else "no_longer_needed"
    with pytest.raises(ValidationFailed, match="no fee may be charged"):
        service.submit(OFFICER, subject_id, kind, "appi", fee_jpy=500, ground=ground)


def test_R45_fee_on_disclosure_up_to_the_published_amount(
    engine: Engine, example_policy: Policy, clock: FixedClock, subject_id: int
) -> None:
    rights = example_policy.rights.model_copy(update={"fees_jpy": {"disclosure": 1000}})
    policy = example_policy.model_copy(update={"rights": rights})
    service = RequestService(engine, policy, clock)
    request_id = service.submit(OFFICER, subject_id, "disclosure", "appi", fee_jpy=1000)
    assert service.get(request_id).fee_jpy == 1000
    with pytest.raises(ValidationFailed, match="exceeds the published fee"):
        service.submit(OFFICER, subject_id, "disclosure", "appi", fee_jpy=1001)
    with pytest.raises(ValidationFailed, match="GDPR requests are free"):
        service.submit(OFFICER, subject_id, "disclosure", "gdpr", fee_jpy=1000)


@pytest.mark.parametrize(
    ("kind", "ground"),
    [
        ("suspension", "a18_beyond_purpose"),
        ("erasure", "a20_improper_acquisition"),
        ("provision_stop", "a28_foreign_provision"),
        ("suspension", "no_longer_needed"),
        ("erasure", "reportable_leak"),
        ("provision_stop", "rights_at_risk"),
    ],
)
def test_R42_a35_grounds_including_2022(
    service: RequestService, subject_id: int, kind: Any, ground: str
) -> None:
    request_id = service.submit(OFFICER, subject_id, kind, "appi", ground=ground)
    assert service.get(request_id).ground == ground


@pytest.mark.parametrize(
    ("kind", "ground", "message"),
    [
        ("suspension", None, "needs an A35 ground"),
        ("provision_stop", "a18_beyond_purpose", "needs an A35 ground"),
        ("disclosure", "no_longer_needed", "A35 requests only"),
    ],
)
def test_R42_a35_ground_checked(
    service: RequestService, subject_id: int, kind: Any, ground: str | None, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        service.submit(OFFICER, subject_id, kind, "appi", ground=ground)


def test_submission_checks(service: RequestService, subject_id: int) -> None:
    with pytest.raises(ValidationFailed, match="GDPR right"):
        service.submit(OFFICER, subject_id, "portability", "appi")
    with pytest.raises(ValidationFailed, match="unknown regime"):
        service.submit(OFFICER, subject_id, "disclosure", "ccpa")  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="no subject"):
        service.submit(OFFICER, subject_id + 99, "disclosure", "appi")
    with pytest.raises(NotFound, match="no request"):
        service.get(12345)
    assert service.get(service.submit(OFFICER, subject_id, "consent_withdrawal", "appi"))


def test_list_open_by_due_date(service: RequestService, subject_id: int, clock: FixedClock) -> None:
    gdpr = service.submit(OFFICER, subject_id, "restriction", "gdpr")  # due 1 May
    appi = service.submit(OFFICER, subject_id, "disclosure", "appi")  # due 15 Apr
    clock.advance(days=1)
    later = service.submit(OFFICER, subject_id, "correction", "appi")  # due 16 Apr
    done = service.submit(OFFICER, subject_id, "purpose_notice", "appi")
    _walk(service, done)
    service.fulfil(OFFICER, done)
    assert [r.id for r in service.list_open()] == [appi, later, gdpr]


def test_request_events_are_append_only(
    service: RequestService, subject_id: int, engine: Engine
) -> None:
    service.submit(OFFICER, subject_id, "disclosure", "appi")
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(update(request_events).values(to_status="fulfilled"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(delete(request_events))
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(request_events))
        assert count.scalar_one() == 1


def test_received_at_kept_as_aware_utc(service: RequestService, subject_id: int) -> None:
    request = service.get(service.submit(OFFICER, subject_id, "disclosure", "appi"))
    assert request.received_at == dt.datetime(2026, 4, 1, 10, tzinfo=JST)
    assert request.received_at.utcoffset() == dt.timedelta(0)
