"""The retention report: what ends soon, what is overdue or held, the sweeps, and the card-data
purge check (R-12, D18, D31).

At a moment ``as_of`` the report counts, per retention rule (the rule that set each item's
``retain_until``; ``(none)`` for none) and its method, the active items that end within the
next 30 and 90 days, the items a sweep should already have taken (overdue: past
``retain_until`` by more than a day and under no legal hold; none once sweeps run), the items a
legal hold keeps past their end (R-13), and the items whose end waits for an event not yet
recorded. It lists the latest sweeps, and checks the card data as PCI DSS 3.2.1 asks (D31):
no card item may be overdue, and a sweep must have finished within three months (92 days).
Card data are the categories the vault tokenises (``storage: token``) or whose leak could cause
financial loss (``deid: property_damage``). Every count is done in the database. Only the
privacy office reads the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from hogo.errors import Forbidden, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.actor import Actor
from hogo.services.retention.counts import RuleCount, held, overdue, overdue_in, upcoming, waiting
from hogo.services.retention.runlog import SweepRun, recent_runs
from hogo.store.tables import sweep_finishes

REPORT_ROLES = ("privacy_office",)  # who reads the retention report
WINDOWS = (30, 90)  # days ahead
SWEEP_INTERVAL = dt.timedelta(days=92)  # PCI DSS 3.2.1: at least every three months
SWEEPS_SHOWN = 5
OK, OVERDUE = "ok", "overdue"
# Why the card-data check is overdue, each with its reason in words.
NO_SWEEP = "no_sweep"
SWEEP_TOO_OLD = "sweep_too_old"
CARD_ITEMS_OVERDUE = "card_items_overdue"


@dataclass(frozen=True, slots=True)
class Upcoming:
    """Items whose ``retain_until`` falls in ``(as_of, until]``, per rule."""

    days: int
    until: dt.datetime
    rows: tuple[RuleCount, ...]

    @property
    def items(self) -> int:
        return sum(row.items for row in self.rows)


@dataclass(frozen=True, slots=True)
class CardCheck:
    """The card-data purge check of PCI DSS 3.2.1 (D31)."""

    categories: tuple[str, ...]
    overdue_items: int  # card items past retention by more than a day, under no hold
    last_sweep_run: int | None  # the latest run finished at or before as_of
    last_sweep_at: dt.datetime | None
    days_since_sweep: int | None
    problems: tuple[str, ...]  # NO_SWEEP, SWEEP_TOO_OLD, CARD_ITEMS_OVERDUE

    @property
    def status(self) -> str:
        return OVERDUE if self.problems else OK

    @property
    def reason(self) -> str:
        """The status in words: every problem, or why it is ok."""
        limit = SWEEP_INTERVAL.days
        if not self.problems:
            return (
                f"a sweep finished {self.days_since_sweep} days ago (at most {limit}) and no "
                "card item is past its retention"
            )
        words = {
            NO_SWEEP: "no sweep has finished",
            SWEEP_TOO_OLD: f"the last sweep finished {self.days_since_sweep} days ago, "
            f"more than {limit}",
            CARD_ITEMS_OVERDUE: f"{self.overdue_items} card items are past their retention "
            "and under no legal hold",
        }
        return "; ".join(words[problem] for problem in self.problems)


@dataclass(frozen=True, slots=True)
class RetentionReport:
    as_of: dt.datetime
    upcoming: tuple[Upcoming, ...]  # one per window of WINDOWS
    overdue: tuple[RuleCount, ...]
    held: tuple[RuleCount, ...]
    waiting: tuple[RuleCount, ...]
    sweeps: tuple[SweepRun, ...]  # the latest first
    card: CardCheck

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON values: times in ISO 8601, rules and runs as objects."""
        return {
            "as_of": self.as_of.isoformat(),
            "upcoming": [
                {
                    "days": window.days,
                    "until": window.until.isoformat(),
                    "rules": _rules(window.rows),
                }
                for window in self.upcoming
            ],
            "overdue": _rules(self.overdue),
            "held": _rules(self.held),
            "waiting_for_event": _rules(self.waiting),
            "sweeps": [_run(run) for run in self.sweeps],
            "card_data": _card(self.card),
        }


def card_categories(policy: Policy) -> tuple[str, ...]:
    """The policy's card data: tokenised categories, and those whose leak causes loss."""
    return tuple(
        name
        for name, category in policy.categories.items()
        if category.storage == "token" or category.deid == "property_damage"
    )


def require_report_role(actor: Actor) -> None:
    if actor.role not in REPORT_ROLES:
        raise Forbidden(
            f"role {actor.role!r} may not read the retention report; it is for "
            f"{', '.join(REPORT_ROLES)}",
            role=actor.role,
        )


def retention_report(
    engine: Engine, policy: Policy, actor: Actor, as_of: dt.datetime, sweeps: int = SWEEPS_SHOWN
) -> RetentionReport:
    """The report at ``as_of``; see the module docstring."""
    require_report_role(actor)
    if as_of.tzinfo is None:
        raise ValidationFailed("the moment of a retention report needs a time zone")
    with engine.connect() as connection:
        ahead = upcoming(connection, policy, as_of, WINDOWS)
        return RetentionReport(
            as_of=as_of,
            upcoming=tuple(
                Upcoming(days, as_of + dt.timedelta(days=days), rows)
                for days, rows in zip(WINDOWS, ahead, strict=True)
            ),
            overdue=overdue(connection, policy, as_of),
            held=held(connection, policy, as_of),
            waiting=waiting(connection, policy),
            sweeps=tuple(recent_runs(connection, sweeps)),
            card=card_check(connection, policy, as_of),
        )


def card_check(connection: Connection, policy: Policy, as_of: dt.datetime) -> CardCheck:
    """D31: no card item overdue, and a sweep finished within :data:`SWEEP_INTERVAL`."""
    categories = card_categories(policy)
    overdue_items = overdue_in(connection, categories, as_of)
    last = connection.execute(
        select(sweep_finishes.c.run_id, sweep_finishes.c.finished_at)
        .where(sweep_finishes.c.finished_at <= as_of)
        .order_by(sweep_finishes.c.finished_at.desc(), sweep_finishes.c.run_id.desc())
        .limit(1)
    ).first()
    problems = []
    days = None if last is None else (as_of - last.finished_at).days
    if last is None:
        problems.append(NO_SWEEP)
    elif as_of - last.finished_at > SWEEP_INTERVAL:
        problems.append(SWEEP_TOO_OLD)
    if overdue_items:
        problems.append(CARD_ITEMS_OVERDUE)
    return CardCheck(
        categories=categories,
        overdue_items=overdue_items,
        last_sweep_run=None if last is None else int(last.run_id),
        last_sweep_at=None if last is None else last.finished_at,
        days_since_sweep=days,
        problems=tuple(problems),
    )


def _rules(rows: tuple[RuleCount, ...]) -> list[dict[str, Any]]:
    return [
        {"rule": row.rule, "method": row.method, "items": row.items, "subjects": row.subjects}
        for row in rows
    ]


def _run(run: SweepRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "as_of": run.as_of.isoformat(),
        "started_at": run.started_at.isoformat(),
        "finished_at": None if run.finished_at is None else run.finished_at.isoformat(),
        "interrupted": run.interrupted,
        "run_by": run.run_by,
        "host": run.host,
        "items": run.items,
    }


def _card(card: CardCheck) -> dict[str, Any]:
    return {
        "status": card.status,
        "reason": card.reason,
        "problems": list(card.problems),
        "categories": list(card.categories),
        "overdue_items": card.overdue_items,
        "last_sweep_run": card.last_sweep_run,
        "last_sweep_at": None if card.last_sweep_at is None else card.last_sweep_at.isoformat(),
        "days_since_sweep": card.days_since_sweep,
        "limit_days": SWEEP_INTERVAL.days,
    }
