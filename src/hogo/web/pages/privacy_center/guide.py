"""What the privacy center tells a person before they ask (APPI A32(1), A37, A38; R-37, R-44,
R-45; GDPR Art. 12): the rights, the inquiry desk, the fee, the identity check, the deadlines.

All of it comes from the policy, so the page says what the policy says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hogo.policy.model import Policy
from hogo.web.pages.privacy_center import rights
from hogo.web.pages.privacy_center.words import Lang, say, words

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class RightRow:
    kind: str
    name: str
    label: str
    explains: str
    law: str
    gdpr_only: bool


@dataclass(frozen=True, slots=True)
class Fee:
    kind: str
    amount: str


@dataclass(frozen=True, slots=True)
class Guide:
    rights: tuple[RightRow, ...]
    desk_name: str
    desk_url: str
    desk_days: str
    fees: tuple[Fee, ...]
    identity: tuple[str, ...]
    deadline_appi: str
    deadline_gdpr: str


def right_rows(policy: Policy, lang: Lang) -> tuple[RightRow, ...]:
    """Every offered right, named in ``lang`` with its GDPR counterpart and its law."""
    return tuple(
        RightRow(
            kind=kind,
            name=say(rights.RIGHTS[kind].name, lang),
            label=rights.label(kind, lang),
            explains=say(rights.RIGHTS[kind].explains, lang),
            law=say(rights.RIGHTS[kind].law, lang),
            gdpr_only=rights.is_gdpr_only(kind),
        )
        for kind in rights.offered(policy)
        if kind in rights.RIGHTS
    )


def in_language(entry: str, lang: Lang) -> str:
    """One side of a policy entry written ``日本語 / English``; the whole entry otherwise."""
    parts = entry.split(" / ")
    if len(parts) != 2 or not _JAPANESE.search(parts[0]) or _JAPANESE.search(parts[1]):
        return entry
    return parts[0].strip() if lang == "ja" else parts[1].strip()


def guide(policy: Policy, lang: Lang) -> Guide:
    labels = words(lang)
    desk = policy.inquiry_desk
    fees = tuple(
        Fee(rights.label(kind, lang), labels["yen"].format(amount=f"{amount:,}"))
        for kind, amount in policy.rights.fees_jpy.items()
        if amount > 0
    )
    return Guide(
        rights=right_rows(policy, lang),
        desk_name=say(desk.name, lang),
        desk_url=desk.form_url,
        desk_days=labels["desk_days"].format(days=desk.response_days),
        fees=fees,
        identity=tuple(in_language(entry, lang) for entry in policy.rights.identity_check),
        deadline_appi=labels["deadline_appi"].format(days=policy.rights.deadline_days),
        deadline_gdpr=labels["deadline_gdpr"],
    )
