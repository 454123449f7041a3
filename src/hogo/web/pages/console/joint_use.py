"""The joint-use notices as published (APPI A27(5)(iii); R-31), in Japanese and English.

The five items are drawn by the published policy's own code
(:func:`hogo.policy.render.joint_use_blocks`), so the page shows the very words the privacy
policy publishes: ① that joint use is conducted and since when, ② the items, ③ the scope of
joint users, ④ their purposes, ⑤ the name, address and representative of the person
responsible. A notice whose publication date has not come yet is marked: until then no
provision may rest on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hogo.policy.model import Policy
from hogo.policy.render import joint_use_blocks
from hogo.policy.wording import Lang as WordingLang
from hogo.policy.wording import Words
from hogo.web.api.deps import HogoDep
from hogo.web.pages.console.auth import signed_in
from hogo.web.pages.console.provision_words import provision_labels
from hogo.web.pages.console.recipients import japan_today
from hogo.web.pages.console.render import LangDep, Page, href, render

router = APIRouter(include_in_schema=False)

NOTICE_LANGS = (WordingLang.ja, WordingLang.en)


@dataclass(frozen=True, slots=True)
class NoticeItem:
    label: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Notice:
    """One joint-use notice in one language: its heading and its five items."""

    lang: str
    title: str
    items: tuple[NoticeItem, ...]


@dataclass(frozen=True, slots=True)
class JointUse:
    id: str
    published_at: dt.date
    published: bool
    notices: tuple[Notice, ...]


def notices(policy: Policy, today: dt.date) -> list[JointUse]:
    """Every joint-use recipient's notice, in the policy's order, in both languages."""
    found = []
    for rid, recipient in policy.recipients.items():
        joint = recipient.joint_use
        if joint is None:
            continue
        drawn = []
        for lang in NOTICE_LANGS:
            heading, listed = joint_use_blocks(policy, Words(lang), recipient.title, joint)
            items = tuple(NoticeItem(item.text, item.children) for item in listed.items)
            drawn.append(Notice(lang.value, heading.text, items))
        found.append(JointUse(rid, joint.published_at, joint.published_at <= today, tuple(drawn)))
    return found


@router.get("/console/joint-use")
def joint_use_notices(request: Request, hogo: HogoDep, lang: LangDep) -> Response:
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    page = Page(request, lang, "/console/joint-use", session, "joint_use")
    context = {
        "labels": provision_labels(lang),
        "notices": notices(hogo.policy, japan_today()),
        "links": {rid: href(f"/console/recipients/{rid}", lang) for rid in hogo.policy.recipients},
    }
    return render(page, "joint_use.html", context)
