"""``/privacy-center/recipients``: who receives personal data, and where (R-22, R-33, R-37).

For each subject group of the policy: the types of recipients the policy names (§5), and every
country outside Japan where the group's data is stored (``storage_locations``) or where one of
its recipients is (the register's country, else the policy's). Each country comes with its
name, the notes on its personal information regime (or that they are still being gathered,
R17(3)), whether it is a designated country, and for each recipient there the basis of the
provision abroad and the recipient's measures (or that they are not known yet, R17(4)). The
page shows no personal data and needs no sign-in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from hogo.policy.model import Policy, Recipient, StorageLocation, SubjectGroup
from hogo.policy.wording import Lang as PolicyLang
from hogo.policy.wording import Words
from hogo.services.provision.recipients import RecipientStatus, is_foreign
from hogo.web.api.deps import HogoDep
from hogo.web.pages.privacy_center.recipient_words import BASES, KIND_TITLES, page_words
from hogo.web.pages.privacy_center.render import LangDep, Page, href, render
from hogo.web.pages.privacy_center.words import Lang, say

PATH = "/privacy-center/recipients"
HOME_COUNTRY = "JP"
# The basis a kind's heading already says; any other basis is named on the recipient's line.
PLAIN_BASES = {("processor", "entrustment"), ("joint_user", "joint_use")}

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Line:
    """A recipient as the policy names it: its title and how it receives."""

    title: str
    basis: str | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Kind:
    id: str
    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Abroad:
    """A recipient outside Japan: the basis of the provision and its measures (R17(2))."""

    title: str
    basis: str
    system: str | None
    measures: str | None


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    regime: tuple[str, ...]
    reviewed: str | None
    designated: bool
    systems: tuple[str, ...]
    recipients: tuple[Abroad, ...]


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    title: str
    kinds: tuple[Kind, ...]
    countries: tuple[Country, ...]


def _line(recipient: Recipient, w: Words) -> Line:
    notes: tuple[str, ...] = ()
    joint = recipient.joint_use
    if joint is not None:
        notes = (w.text(joint.users_scope), w.text(joint.responsible.name))
    plain = (recipient.kind, recipient.basis) in PLAIN_BASES
    basis = None if plain else w.of("basis", recipient.basis)
    return Line(w.text(recipient.title), basis, notes)


def _kinds(mine: Sequence[RecipientStatus], w: Words, lang: Lang) -> tuple[Kind, ...]:
    """The group's recipients by kind, in the order the policy names them (§5)."""
    return tuple(
        Kind(kind, say(title, lang), lines)
        for kind, title in KIND_TITLES.items()
        if (lines := tuple(_line(s.declared, w) for s in mine if s.declared.kind == kind))
    )


def _basis(status: RecipientStatus, lang: Lang) -> str:
    """Consent, an equivalent-measures system, a designated country, or not settled yet."""
    facts = status.facts
    recorded: str | None = facts.foreign_basis if facts else None
    if recorded == "system" and not (facts and facts.foreign_system):
        recorded = None  # a system that is not described is no basis yet
    if recorded is None:
        recorded = "pending" if is_foreign(status.country) else "adequate"
    return say(BASES[recorded], lang)


def _abroad(status: RecipientStatus, w: Words, lang: Lang) -> Abroad:
    facts = status.facts
    system = facts.foreign_system if facts and facts.foreign_basis == "system" else None
    measures = facts.measures if facts else None
    return Abroad(w.text(status.declared.title), _basis(status, lang), system, measures)


def _country(
    code: str,
    gid: str,
    locations: Sequence[StorageLocation],
    there: Sequence[RecipientStatus],
    w: Words,
    lang: Lang,
) -> Country:
    located = [loc for loc in locations if loc.country == code]
    notes = dict.fromkeys(w.text(loc.regime_notes) for loc in located)
    reviewed = max((loc.reviewed_at for loc in located), default=None)
    return Country(
        code=code,
        name=w.country(code),
        regime=tuple(notes),
        reviewed=None if reviewed is None else w.date(reviewed),
        designated=not is_foreign(code),
        systems=tuple(dict.fromkeys(loc.system for loc in located if gid in loc.groups)),
        recipients=tuple(_abroad(s, w, lang) for s in there),
    )


def _countries(
    policy: Policy, gid: str, mine: Sequence[RecipientStatus], w: Words, lang: Lang
) -> tuple[Country, ...]:
    """Every country outside Japan where the group's data is stored or received (R-22)."""
    stored = [loc.country for loc in policy.storage_locations if gid in loc.groups]
    codes = dict.fromkeys(c for c in [*stored, *(s.country for s in mine)] if c != HOME_COUNTRY)
    locations = policy.storage_locations
    return tuple(
        _country(code, gid, locations, [s for s in mine if s.country == code], w, lang)
        for code in codes
    )


def _group(
    policy: Policy, gid: str, group: SubjectGroup, statuses: Sequence[RecipientStatus], lang: Lang
) -> Group:
    w = Words(PolicyLang(lang))
    mine = [s for s in statuses if gid in s.declared.groups]
    kinds = _kinds(mine, w, lang)
    return Group(gid, w.text(group.title), kinds, _countries(policy, gid, mine, w, lang))


def groups(policy: Policy, statuses: Sequence[RecipientStatus], lang: Lang) -> list[Group]:
    """What the page shows for each subject group, in the policy's order."""
    return [_group(policy, gid, g, statuses, lang) for gid, g in policy.subject_groups.items()]


def _summary(shown: Sequence[Group], lang: Lang) -> str:
    """One sentence naming every foreign country on the page, or saying there is none."""
    words = page_words(lang)
    names = dict.fromkeys(country.name for group in shown for country in group.countries)
    if not names:
        return words["no_countries"]
    w = Words(PolicyLang(lang))
    return words["all_countries"].format(list=w.join(names))


@router.get(PATH)
async def recipients_page(request: Request, hogo: HogoDep, lang: LangDep) -> HTMLResponse:
    """The recipients and foreign countries of every subject group, from the policy in force
    and the recipients register's current facts."""
    statuses = await run_in_threadpool(hogo.recipients.statuses)
    policy = hogo.policy
    shown = groups(policy, statuses, lang)
    w = Words(PolicyLang(lang))
    context = {
        "words": page_words(lang),
        "groups": shown,
        "summary": _summary(shown, lang),
        "others_lead": w("s5_others"),
        "exceptions": [w.text(e.title) for e in policy.provision_exceptions.values()],
        "inquiry_href": href("/privacy-center/inquiry", lang),
        "policy_href": href("/privacy-center/policy", lang),
    }
    return render(Page(request, policy, lang, PATH), "recipients.html", context)
