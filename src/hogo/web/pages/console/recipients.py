"""The recipients register: every recipient of the policy, whether it may receive, its facts.

Any signed-in role reads the register, as any API key may. Recording facts is the privacy
office's (R-21, R-33): the form is shown to it alone, and a POST from another role is refused
by the register with a 403 page. A refusal of the register (a blank name, a bad date, a
sub-processor line that cannot be read …) is shown on the recipient's page with the values
entered, and nothing is recorded; a record goes back to the page, which shows the new status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from hogo.errors import HogoError
from hogo.policy.model import Policy
from hogo.policy.wording import Lang as WordingLang
from hogo.policy.wording import Words
from hogo.runtime import Hogo
from hogo.services.access import utc_now
from hogo.services.provision.recipients import (
    REGISTER_ROLES,
    RecipientStatus,
    is_foreign,
    require_register_role,
)
from hogo.services.rights.deadlines import arrival_date
from hogo.web.api.deps import HogoDep
from hogo.web.pages.console.auth import checked, signed_in
from hogo.web.pages.console.facts_form import FactsForm, facts_input, form_of
from hogo.web.pages.console.i18n import Lang
from hogo.web.pages.console.provision_words import (
    BASES,
    CONTRACT_ITEMS,
    FOREIGN_BASES,
    RECIPIENT_KINDS,
    pick_text,
    provision_labels,
)
from hogo.web.pages.console.render import LangDep, Page, href, render, see_other
from hogo.web.pages.console.requests import failure

router = APIRouter(include_in_schema=False)

SOON_DAYS = 30  # a check due within this many days is flagged as due soon


def japan_today() -> dt.date:
    """Contract and check dates are Japanese calendar days, as the register counts them."""
    return arrival_date(utc_now(), "appi")


@dataclass(frozen=True, slots=True)
class Due:
    """A check's due date, and whether it has passed or comes soon."""

    day: dt.date | None
    overdue: bool
    soon: bool


def due(day: dt.date | None, today: dt.date) -> Due:
    if day is None:
        return Due(None, overdue=False, soon=False)
    soon = today <= day <= today + dt.timedelta(days=SOON_DAYS)
    return Due(day, overdue=day < today, soon=soon)


@dataclass(frozen=True, slots=True)
class RecipientRow:
    """One recipient as the register's table and the recipient's page show it."""

    id: str
    title: str
    kind_label: str
    basis_label: str
    country: str
    country_name: str
    foreign: bool
    legal_name: str | None
    ready: bool
    problems: tuple[str, ...]
    supervision: Due
    system_check: Due


def recipient_row(status: RecipientStatus, today: dt.date, lang: Lang) -> RecipientRow:
    declared = status.declared
    return RecipientRow(
        id=status.id,
        title=str(getattr(declared.title, lang)),
        kind_label=pick_text(RECIPIENT_KINDS, declared.kind, lang),
        basis_label=pick_text(BASES, declared.basis, lang),
        country=status.country,
        country_name=Words(WordingLang(lang)).country(status.country),
        foreign=is_foreign(status.country),
        legal_name=status.facts.legal_name if status.facts else None,
        ready=status.ready,
        problems=status.problems,
        supervision=due(status.supervision_due, today),
        system_check=due(status.system_check_due, today),
    )


def _titles(policy: Policy, section: str, ids: list[str], lang: Lang) -> list[str]:
    declared: Mapping[str, Any] = getattr(policy, section)
    return [str(getattr(declared[i].title, lang)) if i in declared else i for i in ids]


def _declared(policy: Policy, status: RecipientStatus, lang: Lang) -> dict[str, Any]:
    recipient = status.declared
    return {
        "groups": _titles(policy, "subject_groups", recipient.groups, lang),
        "purposes": _titles(policy, "purposes", recipient.purposes, lang),
        "categories": _titles(policy, "categories", recipient.categories, lang),
        "country": recipient.country,
        "joint_use": recipient.joint_use is not None,
    }


def _choices(lang: Lang) -> dict[str, Any]:
    return {
        "contract_items": [(k, pick_text(CONTRACT_ITEMS, k, lang)) for k in CONTRACT_ITEMS],
        "foreign_bases": [(k, pick_text(FOREIGN_BASES, k, lang)) for k in FOREIGN_BASES],
        "foreign_words": {k: pick_text(FOREIGN_BASES, k, lang) for k in FOREIGN_BASES},
    }


def recipient_page(
    page: Page,
    hogo: Hogo,
    recipient_id: str,
    *,
    error: HogoError | None = None,
    done: str = "",
    form: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    """The recipient's declared and current facts, its history and, for the office, the form."""
    if page.session is None:
        raise RuntimeError("the recipient page is for a signed-in session")
    today = japan_today()
    try:
        status = hogo.recipients.status(recipient_id, today)
        history = hogo.recipients.history(recipient_id)
    except HogoError as failed:
        return failure(page, failed)
    labels = provision_labels(page.lang)
    context = {
        "labels": labels,
        "row": recipient_row(status, today, page.lang),
        "declared": _declared(hogo.policy, status, page.lang),
        "facts": status.facts,
        "history": history,
        "can_record": page.session.actor.role in REGISTER_ROLES,
        "form": form or form_of(status.facts, status.country),
        "action": href(f"/console/recipients/{recipient_id}/facts", page.lang),
        "back": href("/console/recipients", page.lang),
        "joint_use_href": href("/console/joint-use", page.lang),
        "error": error,
        "done": labels["done_facts"] if done == "facts" else None,
        "item_words": {k: pick_text(CONTRACT_ITEMS, k, page.lang) for k in CONTRACT_ITEMS},
        "foreign_basis_label": pick_text(
            FOREIGN_BASES, status.facts.foreign_basis if status.facts else None, page.lang
        ),
        **_choices(page.lang),
    }
    return render(page, "recipient.html", context, error.status if error else 200)


@router.get("/console/recipients")
def register(request: Request, hogo: HogoDep, lang: LangDep) -> Response:
    """Every recipient of the policy, in the policy's order, with why it cannot receive."""
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    today = japan_today()
    rows = [recipient_row(s, today, lang) for s in hogo.recipients.statuses(today)]
    page = Page(request, lang, "/console/recipients", session, "recipients")
    context = {
        "labels": provision_labels(lang),
        "rows": rows,
        "not_ready": sum(not row.ready for row in rows),
        "overdue": sum(row.supervision.overdue or row.system_check.overdue for row in rows),
        "links": {row.id: href(f"/console/recipients/{row.id}", lang) for row in rows},
    }
    return render(page, "recipients.html", context)


@router.get("/console/recipients/{recipient_id}")
def show_recipient(
    recipient_id: str, request: Request, hogo: HogoDep, lang: LangDep, done: str = ""
) -> Response:
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    page = Page(request, lang, f"/console/recipients/{recipient_id}", session, "recipients")
    return recipient_page(page, hogo, recipient_id, done=done)


@router.post("/console/recipients/{recipient_id}/facts")
def record_facts(
    recipient_id: str,
    request: Request,
    hogo: HogoDep,
    lang: LangDep,
    form: Annotated[FactsForm, Form()],
) -> Response:
    """Append the facts as the recipient's current ones (privacy office; R-21, R-33)."""
    path = f"/console/recipients/{recipient_id}"
    session = checked(request, lang, form.csrf, path)
    if isinstance(session, Response):
        return session
    try:
        require_register_role(session.actor)  # before reading the form: another role gets 403
        hogo.recipients.record(session.actor, recipient_id, facts_input(form))
    except HogoError as error:
        page = Page(request, lang, path, session, "recipients")
        return recipient_page(page, hogo, recipient_id, error=error, form=form.shown())
    return see_other(href(path, lang, done="facts"))
