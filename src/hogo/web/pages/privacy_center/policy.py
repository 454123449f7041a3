"""``/privacy-center/policy``: the privacy policy as published, now and before (R-37, R-64).

The current page is rendered from the policy hogo runs under; every version published with
``hogo policy publish`` is listed with its effective date and its changes, each marked as
needing consent, notice, or neither, and can be read whole.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from hogo.errors import NotFound
from hogo.policy.model import Text
from hogo.policy.render import render_policy
from hogo.policy.wording import Format
from hogo.policy.wording import Lang as PolicyLang
from hogo.web.api.deps import HogoDep
from hogo.web.pages.privacy_center.render import (
    HEADERS,
    LangDep,
    Page,
    href,
    message_page,
    render,
)
from hogo.web.pages.privacy_center.words import Lang, say

PATH = "/privacy-center/policy"
VERSIONS = f"{PATH}/versions"
WORDS: dict[str, Text] = {
    "title": Text(ja="プライバシーポリシーの改定履歴", en="Privacy policy: versions"),
    "current": Text(ja="現在のプライバシーポリシー", en="The privacy policy in force"),
    "version": Text(ja="版", en="Version"),
    "effective": Text(ja="施行日", en="In force from"),
    "published": Text(ja="公表日", en="Published"),
    "changes": Text(ja="変更点", en="Changes"),
    "read": Text(ja="全文を読む", en="Read it"),
    "none": Text(ja="（変更なし）", en="(no changes)"),
    "empty": Text(ja="公表された版はまだありません。", en="No version has been published yet."),
    "not_found": Text(ja="その版は公表されていません。", en="That version was not published."),
    "consent": Text(ja="同意が必要", en="needs consent"),
    "notice": Text(ja="事前の通知・公表", en="announced in advance"),
    "editorial": Text(ja="表現の修正", en="wording only"),
}

router = APIRouter(include_in_schema=False)


def _words(lang: Lang) -> dict[str, str]:
    return {key: say(text, lang) for key, text in WORDS.items()}


def _document(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers=HEADERS)


@router.get(PATH)
def current_policy(hogo: HogoDep, lang: LangDep) -> HTMLResponse:
    """The policy in force, whole, in the page's language."""
    return _document(render_policy(hogo.policy, PolicyLang(lang), Format.html))


@router.get(VERSIONS)
async def policy_versions(request: Request, hogo: HogoDep, lang: LangDep) -> HTMLResponse:
    """Every published version, newest first, with its classified changes."""
    published = await run_in_threadpool(hogo.policy_versions.list)
    words = _words(lang)
    rows = [
        {
            "version": v.version,
            "effective": v.effective_from.isoformat(),
            "published": v.published_at.date().isoformat(),
            "href": href(f"{VERSIONS}/{v.version}", lang),
            "changes": [
                {"class": words[c.classification], "path": c.path, "reason": c.reason}
                for c in v.changes.changes
            ],
        }
        for v in sorted(published, key=lambda v: v.published_at, reverse=True)
    ]
    page = Page(request, hogo.policy, lang, VERSIONS)
    context = {
        "words": words,
        "versions": rows,
        "current_href": href(PATH, lang),
        "recipients_href": href("/privacy-center/recipients", lang),
    }
    return render(page, "policy_versions.html", context)


@router.get(VERSIONS + "/{version}")
async def policy_version(
    request: Request, version: str, hogo: HogoDep, lang: LangDep
) -> HTMLResponse:
    """One published version, whole, as it was published."""
    try:
        published = await run_in_threadpool(hogo.policy_versions.get, version)
    except NotFound:
        page = Page(request, hogo.policy, lang, VERSIONS)
        words = _words(lang)
        return message_page(page, 404, words["title"], words["not_found"])
    return _document(render_policy(published.policy(), PolicyLang(lang), Format.html))
