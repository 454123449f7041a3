"""The retention report as a page (R-12, D18, D31), for the privacy office only.

The same report as ``hogo retention report``, at the moment the page is opened: items ending in
30 and 90 days, overdue, held and waiting items per retention rule, the latest sweeps, and the
card-data purge check of PCI DSS 3.2.1. Another role gets a 403 page, as the service refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hogo.errors import HogoError
from hogo.services.access import utc_now
from hogo.services.retention.counts import NO_RULE, RuleCount
from hogo.services.retention.report import SWEEP_INTERVAL, CardCheck, retention_report
from hogo.web.api.deps import HogoDep
from hogo.web.pages.console.auth import signed_in
from hogo.web.pages.console.i18n import Lang, pick
from hogo.web.pages.console.render import LangDep, Page, render
from hogo.web.pages.console.requests import failure
from hogo.web.pages.console.retention_words import METHODS, PROBLEMS, retention_labels

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One rule's count as the page shows it."""

    key: str  # for the row's id: the rule, or "none"
    rule_label: str
    method_label: str
    items: int
    subjects: int


def rule_rows(rows: tuple[RuleCount, ...], labels: dict[str, str], lang: Lang) -> list[RuleRow]:
    return [
        RuleRow(
            key="none" if row.rule == NO_RULE else row.rule,
            rule_label=labels["no_rule"] if row.rule == NO_RULE else row.rule,
            method_label=pick(METHODS, row.method, lang),
            items=row.items,
            subjects=row.subjects,
        )
        for row in rows
    ]


def card_reasons(card: CardCheck, labels: dict[str, str], lang: Lang) -> list[str]:
    """Why the check is overdue, in words; or why it is ok."""
    limit = SWEEP_INTERVAL.days
    if not card.problems:
        return [labels["card_ok_reason"].format(limit=limit)]
    return [pick(PROBLEMS, problem, lang).format(limit=limit) for problem in card.problems]


@router.get("/console/retention")
def retention_page(request: Request, hogo: HogoDep, lang: LangDep) -> Response:
    """The retention report now; the privacy office's alone."""
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    page = Page(request, lang, "/console/retention", session, "retention")
    try:
        report = retention_report(hogo.engine, hogo.policy, session.actor, utc_now())
    except HogoError as error:
        return failure(page, error)
    labels = retention_labels(lang)
    context = {
        "labels": labels,
        "report": report,
        "upcoming": [
            (labels["upcoming"].format(days=window.days), rule_rows(window.rows, labels, lang))
            for window in report.upcoming
        ],
        "overdue": rule_rows(report.overdue, labels, lang),
        "held": rule_rows(report.held, labels, lang),
        "waiting": rule_rows(report.waiting, labels, lang),
        "card": report.card,
        "card_reasons": card_reasons(report.card, labels, lang),
    }
    return render(page, "retention.html", context)
