"""Recomputing stored ends after the retention rules change (R-12, R-13, D18).

Items are stored under the example policy at ``T0``; then a hogo over a changed copy of it
recomputes them. Nothing is published unless a test says so, so the file is the policy.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from hogo.errors import Forbidden
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.retention.recompute import RetentionRecompute, Shift
from hogo.settings import Settings
from hogo.store.tables import audit_log, items
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
T0 = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)  # 12:00 in Japan


SIX_MONTHS, ONE, TWO, THREE, FIVE, SEVEN, TEN = (
    dt.datetime(2027, 6, 1, 3, tzinfo=dt.UTC),
    dt.datetime(2027, 12, 1, 3, tzinfo=dt.UTC),
    dt.datetime(2028, 12, 1, 3, tzinfo=dt.UTC),
    dt.datetime(2029, 12, 1, 3, tzinfo=dt.UTC),
    dt.datetime(2031, 12, 1, 3, tzinfo=dt.UTC),
    dt.datetime(2033, 12, 1, 3, tzinfo=dt.UTC),
    dt.datetime(2036, 12, 1, 3, tzinfo=dt.UTC),
)
INQUIRY = "purposes: [inquiry_handling]\n    clock: collected_at\n    duration: P3Y"
ORDERS = "    duration: P7Y\n    legal_minimum: P7Y\n    why: Books"
RECORDINGS = "categories: [call_recordings, online_service_video]\n    clock: collected_at"
NOT_HIRED = "event: applicant_not_hired\n    duration: P1Y"


def inquiry(retain_until: dt.datetime | None = None) -> NewItem:
    return NewItem("inquiry_details", "配送の遅れ", ["inquiry_handling"], retain_until=retain_until)


def order(retain_until: dt.datetime | None = None) -> NewItem:
    return NewItem("purchase_date", "2026-11-30", ["order_confirmation"], retain_until=retain_until)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k")


def opened(database_url: str, settings: Settings, policy: Path) -> Hogo:
    return open_hogo(
        database_url, policy, settings=settings, mailer=MemorySender(), clock=lambda: T0
    )


@pytest.fixture
def hogo(database_url: str, settings: Settings) -> Iterator[Hogo]:
    with opened(database_url, settings, POLICY) as hogo:
        yield hogo


def changed(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of the example policy with each ``(old, new)`` text replaced once."""
    text = POLICY.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "changed-policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def store(hogo: Hogo, *new_items: NewItem, ref: str = "c-1") -> list[int]:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=ref)
    return hogo.subjects.store(OFFICE, subject_id, list(new_items))


def ends(hogo: Hogo, ids: list[int]) -> list[tuple[dt.datetime | None, str | None]]:
    query = select(items.c.id, items.c.retain_until, items.c.retention_rule).where(
        items.c.id.in_(ids)
    )
    with hogo.engine.connect() as connection:
        found = {
            row.id: (row.retain_until, row.retention_rule) for row in connection.execute(query)
        }
    return [found[item_id] for item_id in ids]


def audited(hogo: Hogo) -> list[dict[str, Any]]:
    """The details of the recompute audit entries, the earliest first."""
    query = select(audit_log.c.body).where(audit_log.c.action == "retention_recomputed")
    with hogo.engine.connect() as connection:
        bodies = connection.execute(query.order_by(audit_log.c.seq)).scalars().all()
    return [json.loads(body)["detail"] for body in bodies]


def recompute(hogo: Hogo) -> RetentionRecompute:
    return RetentionRecompute(hogo.engine, hogo.policy, clock=lambda: T0)


def shorter_inquiries(tmp_path: Path) -> Path:
    """Inquiries kept one year instead of three."""
    return changed(tmp_path, (INQUIRY, INQUIRY.replace("P3Y", "P1Y")))


def test_R12_D18_a_shorter_rule_moves_stored_ends_earlier(
    hogo: Hogo, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """R-12, D18: inquiries cut from three years to one: their ends move two years earlier; an
    application's own earlier end stays; one between the two is cut to the new end."""
    ids = store(hogo, inquiry(), inquiry(SIX_MONTHS), inquiry(TWO), inquiry(), ref="c-1")
    ids += store(hogo, inquiry(), ref="c-2")
    assert ends(hogo, ids) == [
        (THREE, "inquiries"),
        (SIX_MONTHS, "inquiries"),
        (TWO, "inquiries"),
        (THREE, "inquiries"),
        (THREE, "inquiries"),
    ]

    with opened(database_url, settings, shorter_inquiries(tmp_path)) as after:
        done = recompute(after).run(OFFICE)
        assert ends(after, ids) == [
            (ONE, "inquiries"),
            (SIX_MONTHS, "inquiries"),
            (ONE, "inquiries"),
            (ONE, "inquiries"),
            (ONE, "inquiries"),
        ]
        assert done.shifts == (Shift("inquiries", "inquiries", 4, 4, 0, 0),)
        assert (done.subjects, done.items, done.changed) == (2, 5, 4)
        assert audited(after)[-1]["changed"] == 4


def test_R13_a_legal_floor_is_never_undercut(
    hogo: Hogo, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """R-13: order records stay at their seven-year floor when other rules shorten, even one an
    application wanted gone after a year (it was stored at the floor)."""
    ids = store(hogo, order(), order(ONE), inquiry())
    assert ends(hogo, ids)[:2] == [(SEVEN, "customer_orders")] * 2

    with opened(database_url, settings, shorter_inquiries(tmp_path)) as after:
        done = recompute(after).run(OFFICE)
        assert ends(after, ids) == [
            (SEVEN, "customer_orders"),
            (SEVEN, "customer_orders"),
            (ONE, "inquiries"),
        ]
    assert done.changed == 1


def test_R13_a_raised_floor_lifts_every_end_to_it(
    hogo: Hogo, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """R-13: a floor raised to ten years lifts the rules' ends and the application's earlier
    one alike: no end stays below the floor of the rules in force."""
    ids = store(hogo, order(), order(ONE))
    raised = changed(tmp_path, (ORDERS, ORDERS.replace("P7Y", "P10Y")))

    with opened(database_url, settings, raised) as after:
        done = recompute(after).run(OFFICE)
        assert ends(after, ids) == [(TEN, "customer_orders")] * 2
    assert done.shifts == (Shift("customer_orders", "customer_orders", 2, 0, 2, 0),)


def test_R12_items_stored_before_rules_were_computed_get_their_rule(
    hogo: Hogo, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """R-12: an item without retention_rule gets one. Its end was the application's (or none):
    one without an end gets the rules' end, one with an end keeps it while it is earlier."""
    ids = store(hogo, inquiry(), inquiry(), inquiry(SIX_MONTHS))
    with hogo.engine.begin() as connection:
        connection.execute(update(items).where(items.c.id.in_(ids)).values(retention_rule=None))
        connection.execute(update(items).where(items.c.id == ids[0]).values(retain_until=None))

    with opened(database_url, settings, shorter_inquiries(tmp_path)) as after:
        done = recompute(after).run(OFFICE)
        assert ends(after, ids) == [
            (ONE, "inquiries"),
            (ONE, "inquiries"),
            (SIX_MONTHS, "inquiries"),
        ]
    assert done.shifts == (Shift(None, "inquiries", 3, 2, 0, 0),)


def test_R12_under_unchanged_rules_only_the_missing_rules_are_filled_in(hogo: Hogo) -> None:
    """R-12: under the rules the items were stored with, a recompute changes nothing but the
    missing rule; an application's end stays."""
    ids = store(hogo, inquiry(), inquiry(SIX_MONTHS), order(ONE))
    with hogo.engine.begin() as connection:
        connection.execute(update(items).where(items.c.id == ids[1]).values(retention_rule=None))
    done = recompute(hogo).run(OFFICE)
    assert done.shifts == (Shift(None, "inquiries", 1, 0, 0, 0),)
    assert ends(hogo, ids) == [
        (THREE, "inquiries"),
        (SIX_MONTHS, "inquiries"),
        (SEVEN, "customer_orders"),
    ]


def test_R12_R13_published_versions_let_the_rules_ends_move_later(
    hogo: Hogo, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """R-12: with the earlier version in the register, hogo knows which ends its rules gave:
    inquiries lengthened to five years move later, an application's earlier end stays,
    recordings whose clock now waits for the end of the relationship have no end, and an end
    counted from an event (not hired a year ago) moves with its rule (one year to two)."""
    ids = store(hogo, inquiry(), inquiry(SIX_MONTHS), inquiry(TWO))
    recording = NewItem("call_recordings", "通話", ["inquiry_handling"])
    ids += store(hogo, recording, ref="c-2")
    assert ends(hogo, ids)[3] == (ONE, "recordings")
    applicant = hogo.subjects.create(OFFICE, group="applicants", ref="a-1")
    ids += hogo.subjects.store(OFFICE, applicant, [NewItem("cv", "職務経歴", ["recruitment"])])
    hogo.events.record(OFFICE, applicant, "applicant_not_hired", T0 - dt.timedelta(days=365))
    assert ends(hogo, ids)[4] == (T0, "applicants_not_hired")
    hogo.policy_versions.publish(OFFICE, POLICY, hogo.policy.effective_from)
    newer = changed(
        tmp_path,
        ('\nversion: "2022-04-01"', '\nversion: "2026-12-01"'),
        ("\neffective_from: 2022-04-01", "\neffective_from: 2026-12-01"),
        (INQUIRY, INQUIRY.replace("P3Y", "P5Y")),
        (RECORDINGS, RECORDINGS.replace("collected_at", "relationship_end")),
        (NOT_HIRED, NOT_HIRED.replace("P1Y", "P2Y")),
    )
    hogo.policy_versions.publish(OFFICE, newer, dt.date(2026, 12, 1))

    with opened(database_url, settings, newer) as after:
        assert after.policy.version == "2026-12-01"
        planned = recompute(after).plan(OFFICE)
        done = recompute(after).run(OFFICE)
        assert ends(after, ids) == [
            (FIVE, "inquiries"),
            (SIX_MONTHS, "inquiries"),
            (TWO, "inquiries"),
            (None, "recordings"),
            (ONE, "applicants_not_hired"),
        ]
        again = recompute(after).run(OFFICE)
    assert planned.shifts == done.shifts
    assert done.shifts == (
        Shift("applicants_not_hired", "applicants_not_hired", 1, 0, 1, 0),
        Shift("inquiries", "inquiries", 1, 0, 1, 0),
        Shift("recordings", "recordings", 1, 0, 0, 1),
    )
    assert again.changed == 0


def test_R12_a_second_run_changes_nothing(
    hogo: Hogo, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """R-12: idempotent; each run writes one audit entry with its counts."""
    ids = store(hogo, inquiry(), inquiry(SIX_MONTHS), order(ONE))
    with opened(database_url, settings, shorter_inquiries(tmp_path)) as after:
        first = recompute(after).run(OFFICE)
        between = ends(after, ids)
        second = recompute(after).run(OFFICE)
        assert ends(after, ids) == between
        entries = audited(after)
    assert (first.changed, second.changed, second.shifts) == (1, 0, ())
    assert [(entry["changed"], entry["role"]) for entry in entries] == [
        (1, "privacy_office"),
        (0, "privacy_office"),
    ]
    assert entries[0]["rules"] == [
        {
            "before": "inquiries",
            "after": "inquiries",
            "items": 1,
            "earlier": 1,
            "later": 0,
            "to_none": 0,
        }
    ]


def test_R12_a_dry_run_changes_nothing(
    hogo: Hogo, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """R-12: plan() counts what run() would change, and writes nothing."""
    ids = store(hogo, inquiry(), inquiry(SIX_MONTHS))
    before = ends(hogo, ids)
    with opened(database_url, settings, shorter_inquiries(tmp_path)) as after:
        planned = recompute(after).plan(OFFICE)
        assert ends(after, ids) == before
        assert audited(after) == []
        done = recompute(after).run(OFFICE)
    assert planned.shifts == done.shifts == (Shift("inquiries", "inquiries", 1, 1, 0, 0),)


def test_R12_chunks_walk_every_subject_in_order(
    hogo: Hogo, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """R-12: one subject per transaction still reaches every item; progress counts subjects."""
    ids = [store(hogo, inquiry(), ref=f"c-{n}")[0] for n in range(3)]
    with opened(database_url, settings, shorter_inquiries(tmp_path)) as after:
        service = recompute(after)
        assert service.subjects() == 3
        seen: list[int] = []
        done = service.run(OFFICE, chunk=1, progress=seen.append)
        assert ends(after, ids) == [(ONE, "inquiries")] * 3
    assert (done.chunks, done.subjects, seen) == (3, 3, [1, 1, 1])


@pytest.mark.parametrize("dry_run", [True, False], ids=["plan", "run"])
def test_R12_another_role_is_refused(hogo: Hogo, dry_run: bool) -> None:
    """R-12: only the privacy office recomputes retention; nothing is written otherwise."""
    ids = store(hogo, inquiry())
    with hogo.engine.begin() as connection:
        connection.execute(update(items).values(retention_rule=None))
    service = recompute(hogo)
    walk = service.plan if dry_run else service.run
    with pytest.raises(Forbidden, match="may not recompute retention"):
        walk(Actor("cs-1", "customer_service"))
    assert ends(hogo, ids) == [(THREE, None)]
    assert audited(hogo) == []
