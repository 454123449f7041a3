"""The provision log: every provision, the latest first, by recipient, person and date (R-34).

The filters are a GET form. Dates are Japanese calendar days: *since* a day counts from its
00:00 in Japan, *until* a day takes in the whole of it. A filter that cannot be read (a date
that is no date, a limit out of range) is shown as a message with the form, never an error
of the server; naming a person needs a role that covers the person's group (R-16), as in the
API. Any signed-in role reads the log, as any API key may.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from hogo.errors import HogoError, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.provision.records import LogFilter, ProvisionSummary
from hogo.services.rights.deadlines import JAPAN
from hogo.web.api.deps import HogoDep
from hogo.web.pages.console.auth import signed_in
from hogo.web.pages.console.i18n import Lang
from hogo.web.pages.console.provision_words import BASES, METHODS, pick_text, provision_labels
from hogo.web.pages.console.render import LangDep, Page, href, render

router = APIRouter(include_in_schema=False)

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
HASH_SHOWN = 12  # hex digits of the file's SHA-256 shown in the table

Text = Annotated[str, Query()]


@dataclass(frozen=True, slots=True)
class ProvisionRow:
    """One provision as the log shows it."""

    id: int
    provided_at: dt.datetime
    recipient: str
    recipient_title: str
    purpose_title: str
    basis_label: str
    categories: tuple[str, ...]
    people: int
    method_label: str
    statutory: bool
    retain_until: dt.datetime
    sha256: str
    sha256_prefix: str


def title_of(policy: Policy, section: str, key: str, lang: Lang) -> str:
    """A recipient's, purpose's or category's title; an id no longer in the policy as itself."""
    found = getattr(policy, section).get(key)
    return key if found is None else str(getattr(found.title, lang))


def provision_row(policy: Policy, summary: ProvisionSummary, lang: Lang) -> ProvisionRow:
    return ProvisionRow(
        id=summary.id,
        provided_at=summary.provided_at,
        recipient=summary.recipient,
        recipient_title=title_of(policy, "recipients", summary.recipient, lang),
        purpose_title=title_of(policy, "purposes", summary.purpose, lang),
        basis_label=pick_text(BASES, summary.basis, lang),
        categories=tuple(title_of(policy, "categories", c, lang) for c in summary.categories),
        people=summary.people,
        method_label=pick_text(METHODS, summary.method, lang),
        statutory=summary.statutory,
        retain_until=summary.retain_until,
        sha256=summary.file_sha256,
        sha256_prefix=summary.file_sha256[:HASH_SHOWN],
    )


def _day(label: str, value: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(f"{label}: {value.strip()!r} is not a date (YYYY-MM-DD)") from None


def _number(label: str, value: str, low: int, high: int) -> int | None:
    if not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        raise ValidationFailed(f"{label}: {value.strip()!r} is not a number") from None
    if not low <= number <= high:
        raise ValidationFailed(f"{label}: {number} is not between {low} and {high}")
    return number


def japan_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=JAPAN)


def log_filter(recipient: str, subject: str, since: str, until: str, limit: str) -> LogFilter:
    """The form's filters as a :class:`LogFilter`, or :class:`ValidationFailed`."""
    first = _day("since", since)
    last = _day("until", until)
    if first is not None and last is not None and last < first:
        raise ValidationFailed(f"until ({last}) is before since ({first})")
    return LogFilter(
        recipient=recipient.strip() or None,
        subject_id=_number("subject", subject, 1, 2**63 - 1),
        since=None if first is None else japan_midnight(first),
        until=None if last is None else japan_midnight(last + dt.timedelta(days=1)),
        limit=_number("limit", limit, 1, MAX_LIMIT) or DEFAULT_LIMIT,
    )


@router.get("/console/provisions")
def provision_log(
    request: Request,
    hogo: HogoDep,
    lang: LangDep,
    recipient: Text = "",
    subject: Text = "",
    since: Text = "",
    until: Text = "",
    limit: Text = "",
) -> Response:
    """The log, narrowed by the form's filters; a filter refused is shown as a message."""
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    page = Page(request, lang, "/console/provisions", session, "provisions")
    shown = {"recipient": recipient, "subject": subject, "since": since, "until": until}
    context: dict[str, Any] = {
        "labels": provision_labels(lang),
        "filters": {**shown, "limit": limit or str(DEFAULT_LIMIT)},
        "recipients": [
            (rid, str(getattr(r.title, lang))) for rid, r in hogo.policy.recipients.items()
        ],
        "rows": [],
        "error": None,
        "subject_href": None,
    }
    try:
        wanted = log_filter(recipient, subject, since, until, limit)
        found = hogo.provision.log(session.actor, wanted)
    except HogoError as error:
        context["error"] = error
        return render(page, "provisions.html", context, error.status)
    context["rows"] = [provision_row(hogo.policy, summary, lang) for summary in found]
    if wanted.subject_id is not None:
        context["subject_href"] = href(f"/console/subjects/{wanted.subject_id}/provisions", lang)
    return render(page, "provisions.html", context)
