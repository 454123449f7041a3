"""Access logs of §13: ingest web-server logs, count visits without identifying anyone.

A file is parsed column-wise (:mod:`hogo.accesslog`), then its rows are stored in one
transaction with one audit entry that counts lines but names nobody: all of a file or none
of it. Addresses are kept only as their network, user agents only as their class; a line is
linked to a member only where the policy declares the ``member_linkage`` use (R-61, R-62), and
every row carries the date the retention rule over access logs ends it (R-12).

Statistics are counts grouped in SQL by day, page, referrer, status or agent class; they never
return an address or a member (§13 (i)).
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from hogo.accesslog.lines import Format
from hogo.accesslog.parse import parse_file
from hogo.accesslog.rules import LogRules, log_rules
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.access_log_rows import insert_lines, link_members
from hogo.services.access_log_stats import StatRow, StatsBy, count_lines
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit

__all__ = ["AccessLogService", "FileReport", "IngestReport", "StatRow", "StatsBy"]

REJECTED_SHOWN = 20  # line numbers reported per file
UNREADABLE = (OSError, EOFError, zlib.error)


@dataclass(frozen=True, slots=True)
class FileReport:
    """What became of one file; ``error`` is set when it could not be read at all."""

    source: str
    lines: int = 0
    stored: int = 0
    rejected: int = 0
    rejected_lines: tuple[int, ...] = ()  # the first :data:`REJECTED_SHOWN`
    linked: int = 0
    format: str | None = None
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class IngestReport:
    files: tuple[FileReport, ...] = field(default_factory=tuple)
    seconds: float = 0.0

    @property
    def lines(self) -> int:
        return sum(report.lines for report in self.files)

    @property
    def stored(self) -> int:
        return sum(report.stored for report in self.files)

    @property
    def rejected(self) -> int:
        return sum(report.rejected for report in self.files)

    @property
    def rejected_lines(self) -> dict[str, tuple[int, ...]]:
        return {r.source: r.rejected_lines for r in self.files if r.rejected_lines}

    @property
    def unreadable(self) -> dict[str, str]:
        return {r.source: r.error for r in self.files if r.error is not None}

    @property
    def any_read(self) -> bool:
        return any(report.error is None for report in self.files)


class AccessLogService:
    """Ingest and statistics of access logs under one policy."""

    def __init__(self, engine: Engine, policy: Policy, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._rules: LogRules = log_rules(policy)
        self._clock = clock

    @property
    def rules(self) -> LogRules:
        return self._rules

    def ingest(
        self,
        paths: Iterable[Path],
        actor: Actor,
        *,
        format: Format | None = None,
        on_file: Callable[[FileReport], None] | None = None,
    ) -> IngestReport:
        """Every file in turn, each stored whole or not at all; unreadable ones are reported."""
        started = time.perf_counter()
        reports: list[FileReport] = []
        for path in paths:
            report = self.ingest_file(path, actor, format=format)
            reports.append(report)
            if on_file is not None:
                on_file(report)
        return IngestReport(files=tuple(reports), seconds=time.perf_counter() - started)

    def ingest_file(self, path: Path, actor: Actor, *, format: Format | None = None) -> FileReport:
        started = time.perf_counter()
        source = str(path)
        try:
            parsed = parse_file(path, self._rules, format)
        except UNREADABLE as error:
            reason = f"{type(error).__name__}: {error}".splitlines()[0]
            return FileReport(source=source, error=reason, seconds=time.perf_counter() - started)
        groups = self._rules.member_groups if self._rules.linkage else ()
        with self._engine.begin() as connection:
            rows = link_members(connection, parsed.rows, groups)
            stored = insert_lines(connection, rows, source)
            linked = int(rows["member_subject_id"].count())
            detail = {
                "source": path.name,
                "format": parsed.format,
                "lines": parsed.lines,
                "stored": stored,
                "rejected": len(parsed.rejected),
                "linked": linked,
                "retention_rule": self._rules.retention_rule,
            }
            record_audit(
                connection,
                actor,
                "access_log_ingested",
                subject_id=None,
                at=self._clock(),
                detail=detail,
            )
        return FileReport(
            source=source,
            lines=parsed.lines,
            stored=stored,
            rejected=len(parsed.rejected),
            rejected_lines=parsed.rejected[:REJECTED_SHOWN],
            linked=linked,
            format=parsed.format,
            seconds=time.perf_counter() - started,
        )

    def stats(
        self,
        by: StatsBy,
        *,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[StatRow]:
        """Line counts grouped by ``by`` in ``[since, until)``; no address, no member (§13 (i))."""
        with self._engine.connect() as connection:
            return count_lines(connection, by, since=since, until=until, limit=limit)
