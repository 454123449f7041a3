"""The access-log service on SQLite and PostgreSQL: ingest in bulk, audited, counted.

R-61: a line is linked only to an active member of the ``member_linkage`` use's groups.
R-62: stored rows and statistics carry no full address and no user-agent string. R-12: every
stored row has the end of its retention.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from hogo.errors import ValidationFailed
from hogo.policy.durations import add_duration
from hogo.policy.model import Policy
from hogo.services import access_logs as service_module
from hogo.services.access_logs import AccessLogService
from hogo.services.actor import Actor
from hogo.store.tables import access_log_lines, audit_log, subjects

DATA = Path(__file__).parents[1] / "accesslog" / "data"
NOW = dt.datetime(2024, 11, 1, tzinfo=dt.UTC)
ACTOR = Actor(id="cli:ops", role="privacy_office")
FULL_ADDRESSES = ("203.0.113.77", "198.51.100.23", "2001:db8:abcd:12::1", "192.0.2.33")


def add_subject(engine: Engine, group: str, ref: str, status: str = "active") -> int:
    with engine.begin() as connection:
        row = insert(subjects).values(
            subject_group=group,
            ref=ref,
            jurisdiction="JP",
            status=status,
            wrapped_key=b"k",
            created_at=NOW,
            updated_at=NOW,
        )
        return int(connection.execute(row.returning(subjects.c.id)).scalar_one())


@pytest.fixture
def service(engine: Engine, example_policy: Policy) -> AccessLogService:
    return AccessLogService(engine, example_policy, lambda: NOW)


def stored(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        query = select(access_log_lines).order_by(access_log_lines.c.id)
        return [dict(row._mapping) for row in connection.execute(query)]


def test_R61_R62_ingest_stores_networks_classes_and_member_links(
    engine: Engine, service: AccessLogService
) -> None:
    member = add_subject(engine, "customers", "C-1001")
    add_subject(engine, "customers", "C-9999", status="erased")
    add_subject(engine, "applicants", "C-2002")  # not a group of the member_linkage purpose
    report = service.ingest([DATA / "combined.log", DATA / "access.jsonl"], ACTOR)
    assert (report.lines, report.stored, report.rejected) == (15, 10, 5)
    assert report.rejected_lines == {
        str(DATA / "combined.log"): (3, 8),
        str(DATA / "access.jsonl"): (4, 5, 6),
    }
    rows = stored(engine)
    assert len(rows) == 10
    assert [row["member_subject_id"] for row in rows] == [member] + [None] * 5 + [
        member,
        None,
        member,
        None,
    ]
    assert {row["agent_class"] for row in rows} == {"browser", "bot", "app", "other"}
    assert not any(address in str(rows) for address in FULL_ADDRESSES)
    assert "taro" not in str(rows)  # query strings are not kept
    assert rows[0]["source"] == str(DATA / "combined.log")
    assert [f.linked for f in report.files] == [1, 2]


def test_R12_every_stored_row_has_the_end_of_its_retention(
    engine: Engine, service: AccessLogService
) -> None:
    service.ingest([DATA / "combined.log"], ACTOR)
    rows = stored(engine)
    assert rows
    assert all(row["retain_until"] == add_duration(row["at"], "P13M") for row in rows)
    assert rows[0]["at"] == dt.datetime(2024, 10, 10, 4, 55, 36, tzinfo=dt.UTC)


def test_one_audit_entry_per_file_with_counts_and_no_identifiers(
    engine: Engine, service: AccessLogService
) -> None:
    add_subject(engine, "customers", "C-1001")
    service.ingest([DATA / "combined.log", DATA / "combined.log.gz"], ACTOR)
    with engine.connect() as connection:
        query = select(audit_log.c.action, audit_log.c.subject_id, audit_log.c.body)
        entries = [row for row in connection.execute(query) if row.action == "access_log_ingested"]
    assert len(entries) == 2
    for entry in entries:
        assert entry.subject_id is None
        detail = json.loads(entry.body)["detail"]
        assert (detail["lines"], detail["stored"], detail["rejected"], detail["linked"]) == (
            8,
            6,
            2,
            1,
        )
        assert detail["retention_rule"] == "web_logs"
        assert "C-1001" not in entry.body
        assert not any(address in entry.body for address in FULL_ADDRESSES)


def test_unreadable_files_are_reported_and_the_rest_stored(
    engine: Engine, service: AccessLogService, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.log.gz"
    broken.write_bytes(gzip.compress(b"x" * 1000)[:15])  # cut inside the deflate stream
    missing = tmp_path / "missing.log"
    report = service.ingest([missing, broken, DATA / "combined.log"], ACTOR)
    assert set(report.unreadable) == {str(missing), str(broken)}
    assert report.any_read
    assert report.stored == 6
    assert len(stored(engine)) == 6


def test_nothing_of_a_file_is_stored_when_its_audit_entry_fails(
    engine: Engine, service: AccessLogService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(service_module, "record_audit", refuse)
    with pytest.raises(RuntimeError):
        service.ingest([DATA / "combined.log"], ACTOR)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(access_log_lines)).scalar() == 0


def test_a_file_of_only_bad_lines_is_read_and_stores_nothing(
    engine: Engine, service: AccessLogService, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.log"
    junk.write_text("no\nlog\nhere\n", encoding="utf-8")
    report = service.ingest([junk], ACTOR)
    assert report.any_read
    assert (report.lines, report.stored, report.rejected_lines) == (3, 0, {str(junk): (1, 2, 3)})


def test_R62_stats_count_by_day_page_referrer_status_and_agent_without_identifiers(
    engine: Engine, service: AccessLogService
) -> None:
    add_subject(engine, "customers", "C-1001")
    service.ingest([DATA / "combined.log", DATA / "access.jsonl"], ACTOR)
    by_day = service.stats("day")
    assert [(row.key, row.count) for row in by_day] == [("2024-10-10", 8), ("2024-10-11", 2)]
    pages = {row.key: row.count for row in service.stats("page")}
    assert pages["/products/42"] == 3
    assert pages[None] == 1
    assert service.stats("page", limit=1)[0].key == "/products/42"
    referrers = {row.key: row.count for row in service.stats("referrer")}
    assert referrers["https://www.example.jp/search"] == 1
    statuses = {row.key: row.count for row in service.stats("status")}
    assert statuses["200"] == 5
    agents = {row.key: row.count for row in service.stats("agent")}
    assert sum(agents.values()) == 10
    assert agents["bot"] == 3
    everything = str([service.stats(by) for by in ("day", "page", "referrer", "status", "agent")])
    assert not any(address in everything for address in FULL_ADDRESSES)
    assert "/24" not in everything
    assert "C-1001" not in everything


def test_stats_since_and_until(engine: Engine, service: AccessLogService) -> None:
    service.ingest([DATA / "combined.log"], ACTOR)
    since = dt.datetime(2024, 10, 11, tzinfo=dt.UTC)
    assert [r.count for r in service.stats("day", since=since)] == [2]
    assert [r.count for r in service.stats("day", until=since)] == [4]


def test_stats_refuse_an_unknown_grouping(service: AccessLogService) -> None:
    with pytest.raises(ValidationFailed, match="unknown grouping 'ip'"):
        service.stats("ip")  # type: ignore[arg-type]
