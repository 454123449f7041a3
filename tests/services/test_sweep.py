"""The retention sweep (R-12, D18), legal holds and floors (R-13), suppression (R-14)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select

from hogo.errors import Conflict, Forbidden
from hogo.mail.memory import MemorySender
from hogo.policy.model import Policy
from hogo.runtime import Hogo, open_hogo
from hogo.services import backups
from hogo.services.actor import Actor
from hogo.services.retention import sweeper as sweeper_module
from hogo.services.retention.attribution import Attribution, Attributor
from hogo.services.retention.runlog import PlanRow
from hogo.settings import Settings
from hogo.store.tables import (
    anonymous_values,
    items,
    restrictions,
    subjects,
    suppression_marks,
    sweep_finishes,
    sweep_log,
    sweep_runs,
)
from hogo.vault.erase import tombstone
from hogo.vault.items import NewItem, NewSubject
from hogo.vault.keys import KeyRing, load_master_key
from hogo.vault.suppression import SuppressionList

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
T0 = dt.datetime(2030, 1, 10, 3, 0, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(days=30)
DAY = dt.timedelta(days=1)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k")


@pytest.fixture
def hogo(database_url: str, settings: Settings) -> Iterator[Hogo]:
    opened = open_hogo(
        database_url, POLICY, settings=settings, mailer=MemorySender(), clock=lambda: T0
    )
    yield opened
    opened.close()


def inquiry(until: dt.datetime | None) -> NewItem:
    return NewItem("inquiry_details", "返品について", ["inquiry_handling"], retain_until=until)


def customer(hogo: Hogo, ref: str, new_items: Sequence[NewItem]) -> tuple[int, list[int]]:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=ref)
    return subject_id, hogo.subjects.store(OFFICE, subject_id, new_items)


def stored(hogo: Hogo) -> set[int]:
    with hogo.engine.connect() as connection:
        return set(connection.execute(select(items.c.id)).scalars())


def count(hogo: Hogo, table: Table) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def logged(hogo: Hogo) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.sum(sweep_log.c["items"]))).scalar_one() or 0)


def test_R12_attribution_of_an_item_stored_without_a_rule(example_policy: Policy) -> None:
    """R-12: an item without a stored rule is attributed from its group, category and
    purposes; the rule gives the method and the floor; none is rule ""."""
    attributor = Attributor(example_policy)

    def attribute(category: str, purposes: list[str]) -> Attribution:
        return attributor.attribute("customers", category, purposes, T0)

    assert attribute("inquiry_details", ["inquiry_handling"]).rule == "inquiries"
    analysis = attribute("questionnaire_answers", ["product_development_analysis"])
    assert (analysis.rule, analysis.method) == ("analysis", "anonymise")
    orders = attribute("name", ["sale_provision"])
    assert (orders.rule, orders.legal_minimum) == ("customer_orders", "P7Y")
    assert attribute("name", ["no_such_purpose"]).rule == ""
    assert attributor.named("inquiries") == attribute("inquiry_details", ["inquiry_handling"])


def test_R12_D18_expired_items_go_unexpired_stay_and_the_run_is_logged(hogo: Hogo) -> None:
    """R-12, D18: past retain_until goes; before it, or without one, stays; a log is kept."""
    gone_subject, gone = customer(hogo, "c-1", [inquiry(T0 + DAY)])
    _, kept = customer(hogo, "c-2", [inquiry(T0 + 365 * DAY), inquiry(None)])

    report = hogo.sweeper.run(OFFICE, LATER)

    assert stored(hogo) == set(kept)
    assert report.rows == (PlanRow("inquiries", "inquiry_details", "delete", 1, 1),)
    assert (count(hogo, sweep_runs), count(hogo, sweep_finishes), logged(hogo)) == (1, 1, 1)
    run = hogo.sweeper.runs()[0]
    assert (run.id, run.as_of, run.run_by, run.interrupted) == (
        report.run_id,
        LATER,
        "officer-1",
        False,
    )
    assert run.host
    assert hogo.subjects.get(gone_subject).status == "active"  # its ledgers point at it
    assert gone[0] not in stored(hogo)


def test_R12_an_anonymise_rule_keeps_only_values_that_identify_no_one(hogo: Hogo) -> None:
    """R-12 (GL-G 3-4-1: erasure by making data no longer identify a person): at the end of an
    anonymise rule, identifying items are dropped, a date of birth keeps its year, other values
    stay under a random record linked to no one, and every item of the person is deleted."""
    analysis = ["product_development_analysis"]
    until = T0 + DAY
    subject_id, _ = customer(
        hogo,
        "c-1",
        [
            NewItem("questionnaire_answers", "満足", analysis, retain_until=until),
            NewItem("birth_date", "1990-04-05", analysis, retain_until=until),
            NewItem("gender", "female", analysis, retain_until=until),
            NewItem("member_id", "M-000123", analysis, retain_until=until),
        ],
    )
    report = hogo.sweeper.run(OFFICE, LATER)

    assert {(row.category, row.method) for row in report.rows} == {
        ("questionnaire_answers", "anonymise"),
        ("birth_date", "anonymise"),
        ("gender", "anonymise"),
        ("member_id", "anonymise"),
    }
    assert stored(hogo) == set()
    with hogo.engine.connect() as connection:
        kept = connection.execute(select(anonymous_values)).all()
    assert sorted((row.category, row.value) for row in kept) == [
        ("birth_date", "1990"),
        ("gender", "female"),
        ("questionnaire_answers", "満足"),
    ]
    assert {row.rule for row in kept} == {"analysis"}
    assert len({row.record for row in kept}) == 1
    assert str(subject_id) not in {row.record for row in kept}
    assert {row.anonymised_on for row in kept} == {T0.date()}


def test_R13_a_subject_hold_keeps_its_items_until_lifted(hogo: Hogo) -> None:
    """R-13: a legal hold on a person keeps every item of theirs; lifted, the sweep takes them."""
    held, held_items = customer(hogo, "c-1", [inquiry(T0 + DAY)])
    customer(hogo, "c-2", [inquiry(T0 + DAY)])
    hold = hogo.holds.place(OFFICE, "訴訟対応 2030-ワ-12", "legal", subject_id=held)

    assert hogo.sweeper.run(OFFICE, LATER).items == 1
    assert stored(hogo) == set(held_items)
    assert [h.id for h in hogo.holds.list(OFFICE)] == [hold]

    hogo.holds.lift(OFFICE, hold)
    assert hogo.holds.list(OFFICE) == []
    assert hogo.sweeper.run(OFFICE, LATER).items == 1
    assert stored(hogo) == set()
    with pytest.raises(Conflict):
        hogo.holds.lift(OFFICE, hold)


def test_R13_a_category_hold_keeps_that_category_for_everyone(hogo: Hogo) -> None:
    """R-13: a hold on a category and on no one in particular keeps that category only."""
    recording = NewItem("call_recordings", "rec-1", ["inquiry_handling"], retain_until=T0 + DAY)
    _, ids = customer(hogo, "c-1", [inquiry(T0 + DAY), recording])
    hogo.holds.place(OFFICE, "通話記録の調査", "security", category="call_recordings")

    report = hogo.sweeper.run(OFFICE, LATER)

    assert report.rows == (PlanRow("inquiries", "inquiry_details", "delete", 1, 1),)
    assert stored(hogo) == {ids[1]}


def test_R13_only_the_privacy_office_places_holds_and_runs_sweeps(hogo: Hogo) -> None:
    """R-13: holds and sweeps are for the privacy office role."""
    clerk = Actor("clerk", "customer_support")
    with pytest.raises(Forbidden):
        hogo.holds.place(clerk, "reason", "owner")
    with pytest.raises(Forbidden):
        hogo.sweeper.run(clerk, LATER)
    assert count(hogo, sweep_runs) == 0


def test_R13_a_legal_floor_keeps_an_item_whose_retain_until_has_passed(hogo: Hogo) -> None:
    """R-13: customer_orders must be kept seven years from collection, whatever retain_until."""
    order = NewItem("name", "山田 花子", ["sale_provision"], retain_until=T0 + DAY)
    _, ids = customer(hogo, "c-1", [order])

    assert hogo.sweeper.plan(LATER) == []
    assert hogo.sweeper.run(OFFICE, LATER).items == 0
    assert stored(hogo) == set(ids)

    past_floor = T0 + dt.timedelta(days=7 * 366)
    assert hogo.sweeper.run(OFFICE, past_floor).rows == (
        PlanRow("customer_orders", "name", "delete", 1, 1),
    )
    assert stored(hogo) == set()


def test_R12_a_dry_run_counts_and_changes_nothing(hogo: Hogo) -> None:
    """R-12: the plan counts per rule and category; no item, run or log row changes."""
    for n in range(3):
        customer(hogo, f"c-{n}", [inquiry(T0 + DAY), inquiry(T0 + 2 * DAY)])
    before = stored(hogo)

    plan = hogo.sweeper.plan(LATER)

    assert plan == [PlanRow("inquiries", "inquiry_details", "delete", 6, 3)]
    assert stored(hogo) == before
    assert count(hogo, sweep_runs) == 0
    assert hogo.sweeper.due_count(LATER) == 6


def test_R14_every_swept_item_is_in_the_suppression_list_and_a_second_run_sweeps_nothing(
    hogo: Hogo, settings: Settings
) -> None:
    """R-14: swept items are recorded outside the database, so a restore cannot bring them back."""
    swept: set[int] = set()
    for n in range(3):
        _, ids = customer(hogo, f"c-{n}", [inquiry(T0 + DAY), inquiry(T0 + DAY)])
        swept |= set(ids)

    assert hogo.sweeper.run(OFFICE, LATER, chunk=4).items == 6

    entries = list(SuppressionList(settings.suppression_path))
    assert {i for entry in entries for i in entry.item_ids} == swept
    assert all(not entry.whole_subject for entry in entries)
    with hogo.engine.connect() as connection:
        people = {r.id: (r.subject_group, r.ref) for r in connection.execute(select(subjects))}
    keyring = KeyRing(load_master_key(settings.master_key, settings.key_file))
    assert all(
        entry.tombstone == tombstone(keyring, *people[entry.subject_id]) for entry in entries
    )
    assert hogo.sweeper.run(OFFICE, LATER).items == 0
    assert logged(hogo) == 6


def test_R12_an_interrupted_run_keeps_its_first_chunk_and_the_next_run_finishes(
    hogo: Hogo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-12: a run stopped after a chunk shows as interrupted; the next one takes the rest."""
    for n in range(5):
        customer(hogo, f"c-{n}", [inquiry(T0 + DAY)])
    real = sweeper_module.remove
    calls = []

    def fails_on_second(connection: object, by_subject: Mapping[int, Sequence[int]]) -> int:
        calls.append(len(by_subject))
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(connection, by_subject)  # type: ignore[arg-type]

    monkeypatch.setattr(sweeper_module, "remove", fails_on_second)
    with pytest.raises(RuntimeError):
        hogo.sweeper.run(OFFICE, LATER, chunk=2)
    monkeypatch.setattr(sweeper_module, "remove", real)

    assert len(stored(hogo)) == 3
    assert [run.interrupted for run in hogo.sweeper.runs()] == [True]
    assert hogo.sweeper.runs()[0].items == 2
    finished = hogo.sweeper.run(OFFICE, LATER, chunk=2)
    assert finished.items == 3
    assert stored(hogo) == set()
    assert [run.interrupted for run in hogo.sweeper.runs()] == [False, True]
    assert logged(hogo) == 5


def test_R12_two_sweepers_at_once_never_take_the_same_item(hogo: Hogo) -> None:
    """R-12 on PostgreSQL: SKIP LOCKED shares the work; logged items add up to the items due."""
    if hogo.engine.dialect.name != "postgresql":
        pytest.skip("several sweepers at once need row locks (PostgreSQL)")
    batch = [
        NewSubject("customers", f"c-{n}", items=[inquiry(T0 + DAY), inquiry(T0 + DAY)])
        for n in range(300)
    ]
    with hogo.engine.begin() as connection:
        hogo.vault.ingest(connection, batch, now=T0)
    due = len(stored(hogo))
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            hogo.sweeper.run(OFFICE, LATER, chunk=25)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert due == 600
    assert logged(hogo) == due
    assert stored(hogo) == set()
    assert count(hogo, sweep_finishes) == 2


def test_R14_a_backup_restored_after_a_sweep_loses_the_swept_items_and_suspends_no_one(
    hogo: Hogo, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    """R-14: items swept after a backup stay gone when it is restored; unlike an erasure, the
    end of retention suspends nothing, so the person's other data stays usable."""
    subject_id, ids = customer(hogo, "c-1", [inquiry(T0 + DAY), inquiry(None)])
    taken = backups.create(database_url, tmp_path / "backups", T0)
    assert hogo.sweeper.run(OFFICE, LATER).items == 1
    hogo.engine.dispose()

    backups.restore(taken.file, database_url, settings, LATER)

    with open_hogo(
        database_url, POLICY, settings=settings, mailer=MemorySender(), clock=lambda: LATER
    ) as restored:
        assert stored(restored) == {ids[1]}
        assert count(restored, restrictions) == 0
        decision = restored.access.decide(
            OFFICE, subject_id, ["inquiry_details"], "inquiry_handling"
        )
        assert decision.denied == {}


def test_R14_an_open_applies_only_the_entries_written_since_the_last(
    hogo: Hogo, settings: Settings, database_url: str
) -> None:
    """R-14: the database keeps how far into the suppression list it has been brought; the
    next open starts there, so a long list of swept items costs an open nothing."""
    for n in range(3):
        customer(hogo, f"c-{n}", [inquiry(T0 + DAY)])
    hogo.sweeper.run(OFFICE, LATER)
    size = settings.suppression_path.stat().st_size
    reopened = open_hogo(
        database_url, POLICY, settings=settings, mailer=MemorySender(), clock=lambda: LATER
    )
    with reopened.engine.connect() as connection:
        mark = connection.execute(select(suppression_marks.c.offset)).scalar_one()
    reopened.close()
    assert mark == size
    assert len(list(SuppressionList(settings.suppression_path).read_from(mark)[0])) == 0
