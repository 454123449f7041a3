"""The events that start retention clocks over the REST API (R-12, D18). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.store.tables import items, subject_events
from hogo.vault.items import NewItem

Headers = Callable[[str], dict[str, str]]
PROBLEM = "application/problem+json"
OFFICE = Actor("officer-1", "privacy_office")


def applicant(hogo: Hogo) -> int:
    subject_id = hogo.subjects.create(OFFICE, group="applicants", ref="a-1")
    new_items = [
        NewItem("name", "山田 花子", ["recruitment"]),
        NewItem("cv", "経歴", ["recruitment"]),
    ]
    hogo.subjects.store(OFFICE, subject_id, new_items)
    return subject_id


def assert_problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert (response.json()["status"], response.json()["code"]) == (status, code)


def stored_events(hogo: Hogo) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(subject_events)).scalar())


def test_R12_D18_an_event_gives_the_waiting_items_their_end(
    hogo: Hogo, client: TestClient, key_for: Headers
) -> None:
    """R-12, D18: applicant_not_hired on 2026-11-25: kept until 2027-11-25 (Japan time)."""
    subject_id = applicant(hogo)
    body = {"event": "applicant_not_hired", "at": "2026-11-25T00:00:00+09:00"}
    response = client.post(f"/v1/subjects/{subject_id}/events", json=body, headers=key_for("hr"))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["items_changed"] == 2
    assert dt.datetime.fromisoformat(answer["earliest_until"]) == dt.datetime(
        2027, 11, 24, 15, tzinfo=dt.UTC
    )
    assert answer["event"]["event"] == "applicant_not_hired"
    assert answer["event"]["subject_id"] == subject_id
    assert answer["event"]["recorded_by"].startswith("key:")
    with hogo.engine.connect() as connection:
        ends = set(connection.execute(select(items.c.retain_until)).scalars())
    assert ends == {dt.datetime(2027, 11, 24, 15, tzinfo=dt.UTC)}

    listed = client.get(f"/v1/subjects/{subject_id}/events", headers=key_for("hr"))
    assert listed.status_code == 200, listed.text
    assert [event["event"] for event in listed.json()["events"]] == ["applicant_not_hired"]


def test_R12_an_event_without_a_moment_happened_now(
    hogo: Hogo, client: TestClient, key_for: Headers
) -> None:
    subject_id = applicant(hogo)
    before = dt.datetime.now(dt.UTC)
    response = client.post(
        f"/v1/subjects/{subject_id}/events", json={"event": "activity"}, headers=key_for("hr")
    )
    assert response.status_code == 201, response.text
    assert dt.datetime.fromisoformat(response.json()["event"]["at"]) >= before
    assert response.json()["items_changed"] == 0


def test_R12_refused_events_are_problems_and_record_nothing(
    hogo: Hogo, client: TestClient, key_for: Headers
) -> None:
    """R-12: unknown event 422, naive moment 422, unknown subject 404, role outside 403."""
    subject_id = applicant(hogo)
    path = f"/v1/subjects/{subject_id}/events"
    unknown = client.post(path, json={"event": "hired_elsewhere"}, headers=key_for("hr"))
    assert_problem(unknown, 422, "validation_failed")
    assert "applicant_not_hired" in unknown.json()["detail"]
    naive = {"event": "activity", "at": "2026-11-25T00:00:00"}
    assert_problem(client.post(path, json=naive, headers=key_for("hr")), 422, "request_invalid")
    missing = client.post(
        "/v1/subjects/999/events", json={"event": "activity"}, headers=key_for("hr")
    )
    assert_problem(missing, 404, "not_found")
    outside = client.post(path, json={"event": "activity"}, headers=key_for("customer_service"))
    assert_problem(outside, 403, "forbidden")
    assert_problem(client.get(path, headers=key_for("customer_service")), 403, "forbidden")
    assert_problem(client.post(path, json={"event": "activity"}), 401, "unauthenticated")
    assert stored_events(hogo) == 0
