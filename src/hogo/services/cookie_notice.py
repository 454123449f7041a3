"""The cookie notice: what the consent banner shows, and a version that names it.

The banner's words and the policy's cookie uses (§12 (i)–(iii)) with every tag's
external-transmission facts (R-60: the information sent, who handles it at the destination,
the purpose) travel to the browser as one document, in Japanese and English. The *notice
version* is a hash of exactly that document, so a consent record names the very texts the
visitor saw (G-02), and a change of a word or a tag asks every visitor again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from hogo.policy.model import CookieCategory, CookieTag, Policy, Text

ALWAYS_ON = "continuity"  # §12 (i): strictly necessary, never refused
GPC_REFUSES = ("advertising",)  # Global Privacy Control is a refusal of advertising (G-10)

BANNER: dict[str, Text] = {
    "title": Text(ja="Cookie 等の利用について", en="About cookies"),
    "lead": Text(
        ja="当社ウェブサイトでは、次の目的で Cookie 等を利用します。統計と広告の Cookie 等は、"
        "お客様が選ぶまで使いません。外部に送信される情報（送信先、送信される情報、利用目的）は"
        "「設定」で確認できます。",
        en="We use cookies and similar technology for the uses below. Statistics and "
        "advertising stay off until you choose. What is sent to other parties (where, what "
        "and why) is listed under Preferences.",
    ),
    "accept_all": Text(ja="すべて許可", en="Accept all"),
    "reject": Text(ja="拒否", en="Reject"),
    "preferences": Text(ja="設定", en="Preferences"),
    "save": Text(ja="選択を保存", en="Save choices"),
    "close": Text(ja="閉じる", en="Close"),
    "reopen": Text(ja="Cookie 設定", en="Cookie settings"),
    "always_on": Text(ja="常に有効", en="Always on"),
    "gpc": Text(
        ja="お使いのブラウザーがグローバル・プライバシー・コントロール（GPC）を送信しているため、"
        "広告は無効のまま変更できません。",
        en="Your browser sends Global Privacy Control (GPC), so advertising stays off and "
        "cannot be switched on.",
    ),
    "tags": Text(ja="外部送信", en="Sent to other parties"),
    "recipient": Text(ja="送信先の事業者", en="Handled by"),
    "destination": Text(ja="送信先", en="Destination"),
    "data_sent": Text(ja="送信される情報", en="Information sent"),
    "purpose": Text(ja="利用目的", en="Purpose"),
    "policy": Text(ja="ポリシー版", en="Policy version"),
}


def _text(text: Text) -> dict[str, str]:
    return {"ja": text.ja, "en": text.en}


def _tag(tag_id: str, tag: CookieTag) -> dict[str, Any]:
    return {
        "id": tag_id,
        "title": _text(tag.title),
        "recipient": _text(tag.recipient),
        "destination": tag.destination,
        "data_sent": [_text(item) for item in tag.data_sent],
        "purpose": _text(tag.purpose),
    }


def _category(category_id: str, category: CookieCategory) -> dict[str, Any]:
    return {
        "id": category_id,
        "always_on": category_id == ALWAYS_ON,
        "gpc_refuses": category_id in GPC_REFUSES,
        "title": _text(category.title),
        "description": _text(category.description),
        "section": category.section,
        "tags": [_tag(tag_id, tag) for tag_id, tag in category.tags.items()],
    }


def notice_body(policy: Policy) -> dict[str, Any]:
    """The banner's words and the cookie uses with their tags, in both languages."""
    return {
        "texts": {key: _text(text) for key, text in BANNER.items()},
        "categories": [_category(cid, category) for cid, category in policy.cookies.items()],
    }


def notice_version(body: dict[str, Any]) -> str:
    """A stable hash of the notice: the same texts and tags always give the same version."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class EarlierNotice:
    """The notice of the version in force before the current one, still accepted until
    ``until``: a visitor whose banner was open when a new version took effect chose on what
    they saw, and the choice is recorded under that version (G-02), not refused."""

    policy_version: str
    notice_version: str
    until: dt.datetime


def banner_config(policy: Policy) -> dict[str, Any]:
    """What the banner needs: the policy and notice versions, the texts, the categories."""
    body = notice_body(policy)
    return {"policy_version": policy.version, "notice_version": notice_version(body), **body}
