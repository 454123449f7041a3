"""Recording the events that start retention clocks (R-12, R-13, D18, D23)."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select

from hogo.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings
from hogo.store.tables import audit_log, items, subject_events
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
HR = Actor("hr-1", "hr")
JST = dt.timezone(dt.timedelta(hours=9))
T0 = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
NOT_HIRED = dt.datetime(2026, 11, 25, tzinfo=JST)
ONE_YEAR_ON = dt.datetime(2027, 11, 25, tzinfo=JST)
APPLICATION = [
    NewItem("name", "山田 花子", ["recruitment"]),
    NewItem("cv", "職務経歴", ["recruitment"]),
]


@pytest.fixture
def moments() -> list[dt.datetime]:
    """The clock of the hogo: the last moment of the list."""
    return [T0]


@pytest.fixture
def hogo(database_url: str, tmp_path: Path, moments: list[dt.datetime]) -> Iterator[Hogo]:
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(
        database_url, POLICY, settings=settings, mailer=MemorySender(), clock=lambda: moments[-1]
    )
    yield opened
    opened.close()


def person(hogo: Hogo, group: str, new_items: Sequence[NewItem], ref: str = "p-1") -> int:
    subject_id = hogo.subjects.create(OFFICE, group=group, ref=ref)
    hogo.subjects.store(OFFICE, subject_id, new_items)
    return subject_id


def ends(hogo: Hogo, subject_id: int) -> list[tuple[dt.datetime | None, str | None]]:
    query = (
        select(items.c.retain_until, items.c.retention_rule)
        .where(items.c.subject_id == subject_id)
        .order_by(items.c.id)
    )
    with hogo.engine.connect() as connection:
        return [(row.retain_until, row.retention_rule) for row in connection.execute(query)]


def count(hogo: Hogo, table: Table) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_R12_D18_applicant_not_hired_starts_the_one_year_clock(hogo: Hogo) -> None:
    """R-12, D18: no end while undecided; 2026-11-25 not hired: kept until 2027-11-25."""
    subject_id = person(hogo, "applicants", APPLICATION)
    assert ends(hogo, subject_id) == [(None, "applicants_not_hired")] * 2

    recorded = hogo.events.record(HR, subject_id, "applicant_not_hired", NOT_HIRED)

    assert (recorded.changed, recorded.earliest_until) == (2, ONE_YEAR_ON)
    assert (recorded.event.event, recorded.event.at, recorded.event.recorded_by) == (
        "applicant_not_hired",
        NOT_HIRED,
        "hr-1",
    )
    assert recorded.event.recorded_at == T0
    assert ends(hogo, subject_id) == [(ONE_YEAR_ON, "applicants_not_hired")] * 2
    with hogo.engine.connect() as connection:
        entry = connection.execute(
            select(audit_log.c.actor, audit_log.c.subject_id).where(
                audit_log.c.action == "event_recorded"
            )
        ).one()
    assert tuple(entry) == ("hr-1", subject_id)


def test_R12_an_item_stored_after_the_event_gets_its_end_at_once(hogo: Hogo) -> None:
    """R-12: the event is applied to items stored after it was recorded."""
    subject_id = person(hogo, "applicants", APPLICATION[:1])
    hogo.events.record(HR, subject_id, "applicant_not_hired", NOT_HIRED)
    hogo.subjects.store(HR, subject_id, APPLICATION[1:])
    assert ends(hogo, subject_id) == [(ONE_YEAR_ON, "applicants_not_hired")] * 2


def test_R12_the_event_defaults_to_now(hogo: Hogo) -> None:
    subject_id = person(hogo, "applicants", APPLICATION[:1])
    recorded = hogo.events.record(HR, subject_id, "applicant_not_hired")
    assert recorded.event.at == T0
    assert recorded.earliest_until == dt.datetime(2027, 12, 1, 3, 0, tzinfo=dt.UTC)


def test_D18_activity_moves_the_end_of_last_activity_items(
    hogo: Hogo, moments: list[dt.datetime]
) -> None:
    """D18: after-sales data is kept five years from the last activity."""
    repair = NewItem("repair_records", "基板交換", ["after_sales_service"])
    subject_id = person(hogo, "customers", [repair])
    assert ends(hogo, subject_id) == [(dt.datetime(2031, 12, 1, 3, tzinfo=dt.UTC), "after_sales")]
    moments.append(dt.datetime(2028, 4, 1, tzinfo=dt.UTC))
    recorded = hogo.events.record(OFFICE, subject_id, "activity")
    assert recorded.changed == 1
    assert ends(hogo, subject_id) == [(dt.datetime(2033, 4, 1, tzinfo=dt.UTC), "after_sales")]


def test_R13_D23_the_legal_floor_of_resignee_records_is_kept(hogo: Hogo) -> None:
    """R-13, D23: five years from the end, never less than five years from collection."""
    records = [NewItem("remuneration", "月額 50万円", ["resignee_payments"])]
    subject_id = person(hogo, "resignees", records)
    left = dt.datetime(2026, 9, 30, tzinfo=JST)
    recorded = hogo.events.record(HR, subject_id, "relationship_ended", left)
    floor = dt.datetime(2031, 12, 1, 3, tzinfo=dt.UTC)
    assert (recorded.changed, recorded.earliest_until) == (1, floor)
    assert ends(hogo, subject_id) == [(floor, "resignee_records")]


def test_R12_events_of_lists_the_subjects_events_in_order(hogo: Hogo) -> None:
    subject_id = person(hogo, "applicants", APPLICATION[:1])
    hogo.events.record(HR, subject_id, "activity", NOT_HIRED)
    hogo.events.record(HR, subject_id, "activity", NOT_HIRED - dt.timedelta(days=30))
    listed = hogo.events.events_of(HR, subject_id)
    assert [event.at for event in listed] == [NOT_HIRED - dt.timedelta(days=30), NOT_HIRED]
    with pytest.raises(Forbidden):
        hogo.events.events_of(Actor("cs-1", "customer_service"), subject_id)


@pytest.mark.parametrize(
    ("actor", "subject", "event", "at", "error", "says"),
    [
        (HR, None, "hired_elsewhere", NOT_HIRED, ValidationFailed, "applicant_not_hired"),
        (HR, 999, "applicant_not_hired", NOT_HIRED, NotFound, "subject 999"),
        (HR, None, "applicant_not_hired", dt.datetime(2026, 11, 25), ValidationFailed, "aware"),
        (HR, None, "activity", T0 + dt.timedelta(days=1), ValidationFailed, "future"),
        (Actor("cs-1", "customer_service"), None, "activity", NOT_HIRED, Forbidden, "applicants"),
    ],
    ids=["unknown event", "unknown subject", "naive", "future", "role outside the group"],
)
def test_R12_a_refused_event_writes_nothing(
    hogo: Hogo,
    actor: Actor,
    subject: int | None,
    event: str,
    at: dt.datetime,
    error: type[Exception],
    says: str,
) -> None:
    """R-12: one clear error each; no event, no end, no audit entry is written."""
    subject_id = person(hogo, "applicants", APPLICATION)
    entries = count(hogo, audit_log)
    with pytest.raises(error, match=says):
        hogo.events.record(actor, subject or subject_id, event, at)
    assert (count(hogo, subject_events), count(hogo, audit_log)) == (0, entries)
    assert ends(hogo, subject_id) == [(None, "applicants_not_hired")] * 2


def test_R12_an_erased_subject_takes_no_events(hogo: Hogo) -> None:
    subject_id = person(hogo, "applicants", APPLICATION)
    hogo.subjects.set_status(OFFICE, subject_id, "erased")
    with pytest.raises(Conflict, match="erased"):
        hogo.events.record(HR, subject_id, "applicant_not_hired", NOT_HIRED)
    assert count(hogo, subject_events) == 0
