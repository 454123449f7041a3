"""One person's records of provision (APPI A29; R-34) and of receipt (A30; R-35).

What a disclosure of provision records (A33(5); R-40) covers, for a role whose scope covers
the person's group (R-16); another role gets a 403 page, an unknown person a 404 page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hogo.errors import HogoError
from hogo.policy.model import Policy
from hogo.services.provision.receipts import Receipt
from hogo.services.provision.records import ProvisionRecord
from hogo.web.api.deps import HogoDep
from hogo.web.pages.console.auth import signed_in
from hogo.web.pages.console.i18n import Lang
from hogo.web.pages.console.provision_words import (
    BASES,
    METHODS,
    RECEIPT_BASES,
    pick_text,
    provision_labels,
)
from hogo.web.pages.console.provisions import title_of
from hogo.web.pages.console.render import LangDep, Page, href, render
from hogo.web.pages.console.requests import failure

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One record of provision, with the items PPC Rules Art. 20 asks for, in words."""

    provision_id: int
    provided_at: dt.datetime
    recipient_title: str
    recipient_name: str
    recipient_address: str
    recipient_representative: str
    country: str
    purpose_title: str
    categories: tuple[str, ...]
    basis_label: str
    exception: str | None
    consent_event_id: int | None
    method_label: str
    statutory: bool
    retain_until: dt.datetime


def record_row(policy: Policy, found: ProvisionRecord, lang: Lang) -> RecordRow:
    return RecordRow(
        provision_id=found.provision_id,
        provided_at=found.provided_at,
        recipient_title=title_of(policy, "recipients", found.recipient, lang),
        recipient_name=found.recipient_name,
        recipient_address=found.recipient_address,
        recipient_representative=found.recipient_representative,
        country=found.country,
        purpose_title=title_of(policy, "purposes", found.purpose, lang),
        categories=tuple(title_of(policy, "categories", c, lang) for c in found.categories),
        basis_label=pick_text(BASES, found.basis, lang),
        exception=(
            None
            if found.exception is None
            else title_of(policy, "provision_exceptions", found.exception, lang)
        ),
        consent_event_id=found.consent_event_id,
        method_label=pick_text(METHODS, found.method, lang),
        statutory=found.statutory,
        retain_until=found.retain_until,
    )


@dataclass(frozen=True, slots=True)
class ReceiptRow:
    """One record of receipt, with the items PPC Rules Art. 24 asks for, in words."""

    id: int
    received_at: dt.datetime
    receipt: Receipt
    basis_label: str
    categories: tuple[str, ...]
    method_label: str


def receipt_row(policy: Policy, found: Receipt, lang: Lang) -> ReceiptRow:
    return ReceiptRow(
        id=found.id,
        received_at=found.received_at,
        receipt=found,
        basis_label=pick_text(RECEIPT_BASES, found.basis, lang),
        categories=tuple(title_of(policy, "categories", c, lang) for c in found.categories),
        method_label=pick_text(METHODS, found.method, lang),
    )


@router.get("/console/subjects/{subject_id}/provisions")
def subject_records(subject_id: int, request: Request, hogo: HogoDep, lang: LangDep) -> Response:
    """The person's records of provision and of receipt, the earliest first."""
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    path = f"/console/subjects/{subject_id}/provisions"
    page = Page(request, lang, path, session, "provisions")
    try:
        hogo.subjects.require_group(session.actor, hogo.subjects.get(subject_id).group)
        records = hogo.provision.records_of(session.actor, subject_id)
        receipts = hogo.receipts.for_subject(subject_id)
    except HogoError as error:
        return failure(page, error)
    context = {
        "labels": provision_labels(lang),
        "subject_id": subject_id,
        "records": [record_row(hogo.policy, found, lang) for found in records],
        "receipts": [receipt_row(hogo.policy, found, lang) for found in receipts],
        "log_href": href("/console/provisions", lang, subject=subject_id),
    }
    return render(page, "subject_provisions.html", context)
