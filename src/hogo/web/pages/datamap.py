"""The data map page: subject groups × categories × purposes × recipients, from the policy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from hogo.policy.model import Policy, Text
from hogo.web.api.deps import HogoDep

Lang = Literal["ja", "en"]
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
router = APIRouter(include_in_schema=False)

LABELS: dict[str, Text] = {
    "title": Text(ja="個人データの取扱い一覧", en="Data map"),
    "lead": Text(
        ja="プライバシーポリシーに定める、取得する個人データの項目、利用目的、提供先です。",
        en="The personal data the privacy policy lets us collect, what for, and who receives it.",
    ),
    "category": Text(ja="項目", en="Category"),
    "recipients": Text(ja="提供先", en="Recipients"),
    "consent_required": Text(ja="同意が必要", en="consent required"),
    "opt_out": Text(ja="停止の求めに応じる", en="stops on objection"),
    "special_care": Text(ja="要配慮個人情報", en="special-care"),
    "never_stored": Text(ja="保存しない", en="never stored"),
    "tokenised": Text(ja="トークン化して保存", en="stored as a token"),
    "version": Text(ja="ポリシー版", en="Policy version"),
    "recipient": Text(ja="提供先の種類", en="Recipient type"),
    "kind": Text(ja="区分", en="Kind"),
    "country": Text(ja="所在国", en="Country"),
    "purposes": Text(ja="利用目的", en="Purposes"),
    "console": Text(ja="管理画面（事務局）", en="Office console"),
    "privacy_center": Text(ja="プライバシーセンター", en="Privacy center"),
    "demo_shop": Text(ja="同意バナーのデモ", en="Consent banner demo"),
}


@dataclass(frozen=True)
class PurposeColumn:
    id: str
    title: str
    consent: str


@dataclass(frozen=True)
class CategoryRow:
    id: str
    title: str
    marks: tuple[bool, ...]
    notes: tuple[str, ...]
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class RecipientRow:
    id: str
    title: str
    kind: str
    country: str


@dataclass(frozen=True)
class GroupMap:
    id: str
    title: str
    purposes: tuple[PurposeColumn, ...]
    rows: tuple[CategoryRow, ...]
    recipients: tuple[RecipientRow, ...]


KINDS: dict[str, Text] = {
    "processor": Text(ja="委託先", en="processor"),
    "group_company": Text(ja="グループ会社（第三者提供）", en="group company (third party)"),
    "joint_user": Text(ja="共同利用", en="joint use"),
    "third_party": Text(ja="第三者提供", en="third party"),
}


def _notes(policy: Policy, category: str, lang: Lang) -> tuple[str, ...]:
    declared = policy.categories[category]
    notes = []
    if declared.special_care:
        notes.append(getattr(LABELS["special_care"], lang))
    if declared.storage == "never":
        notes.append(getattr(LABELS["never_stored"], lang))
    if declared.storage == "token":
        notes.append(getattr(LABELS["tokenised"], lang))
    return tuple(notes)


def group_map(policy: Policy, group: str, lang: Lang) -> GroupMap:
    """One subject group's rows: every category it collects, the purposes and recipients."""
    purposes = [(pid, p) for pid, p in policy.purposes.items() if group in p.groups]
    recipients = [(rid, r) for rid, r in policy.recipients.items() if group in r.groups]
    rows = tuple(
        CategoryRow(
            id=category,
            title=getattr(policy.categories[category].title, lang),
            marks=tuple(category in p.categories for _, p in purposes),
            notes=_notes(policy, category, lang),
            recipients=tuple(
                getattr(r.title, lang) for _, r in recipients if category in r.categories
            ),
        )
        for category in policy.subject_groups[group].collects
    )
    columns = tuple(
        PurposeColumn(id=pid, title=getattr(p.title, lang), consent=p.consent)
        for pid, p in purposes
    )
    listed = tuple(
        RecipientRow(rid, getattr(r.title, lang), getattr(KINDS[r.kind], lang), r.country)
        for rid, r in recipients
    )
    title = getattr(policy.subject_groups[group].title, lang)
    return GroupMap(group, title, columns, rows, listed)


@router.get("/", response_class=HTMLResponse)
def data_map(
    request: Request, hogo: HogoDep, lang: Annotated[Lang, Query()] = "ja"
) -> HTMLResponse:
    policy = hogo.policy
    groups = [group_map(policy, group, lang) for group in policy.subject_groups]
    labels = {key: getattr(text, lang) for key, text in LABELS.items()}
    return TEMPLATES.TemplateResponse(
        request,
        "datamap.html",
        {
            "lang": lang,
            "labels": labels,
            "groups": groups,
            "version": policy.version,
            "controller": getattr(policy.controller.name, lang),
        },
    )
