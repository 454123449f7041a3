"""``/privacy-center/choices?member=…``: a member's purposes, consents and choices (R-02, R-64,
G-02, G-10, R-10).

The site where the member is signed in links here with a member token (``hogo consent
member-token``). Each purpose of the member's group shows its title and description, its legal
basis, where it stands in plain words, and one button for the one change that applies:
withdraw or give consent, stop a use or allow it again. One click records it (G-02: withdrawing
is as easy as giving) and comes back here, by a ``303``, with a confirmation. The forms carry the
token in a hidden field, and every post verifies it again. A token that does not verify, or an
erased person, is a page that says so and shows nothing else.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hogo.errors import Forbidden, NotFound, ValidationFailed
from hogo.policy.wording import Lang as PolicyLang
from hogo.policy.wording import Words
from hogo.services.choices import Choice, Choices, ChoicesService
from hogo.services.cookie_consent import Seen
from hogo.web.api.deps import HogoDep
from hogo.web.pages.privacy_center.choice_words import (
    BUTTONS,
    DONE,
    REFUSED,
    STANDINGS,
    page_words,
)
from hogo.web.pages.privacy_center.policy import PATH as POLICY_PATH
from hogo.web.pages.privacy_center.policy import VERSIONS
from hogo.web.pages.privacy_center.render import (
    HEADERS,
    LangDep,
    Page,
    href,
    message_page,
    moment,
    render,
)
from hogo.web.pages.privacy_center.words import Lang, say

PATH = "/privacy-center/choices"
RULES = ("required", "opt_out", "not_required")  # the page's sections, in this order
FIELDS = ("member", "purpose", "action")

router = APIRouter(include_in_schema=False)


def get_choices(hogo: HogoDep) -> ChoicesService:
    """The choices service of the policy version in force."""
    return hogo.choices


ChoicesDep = Annotated[ChoicesService, Depends(get_choices)]


def _notes(choice: Choice, lang: Lang, words: dict[str, str]) -> list[str]:
    """Why consent is asked again (R-64), the version consented to, who must consent (R-10)."""
    current = choice.declared.consent_version
    earlier = choice.latest.version if choice.asked_again and choice.latest else current
    notes = []
    if earlier != current:
        notes.append(words["earlier"].format(old=earlier, new=current))
    elif choice.asked_again and choice.reopened_at is not None:
        notes.append(words["reopened"].format(when=moment(choice.reopened_at, lang)))
    if choice.action == "grant" and current and earlier == current:
        notes.append(words["version"].format(version=current))
    if choice.guardian_needed:
        notes.append(words["guardian"])
    return notes


def _row(choice: Choice, lang: Lang, words: dict[str, str]) -> dict[str, Any]:
    """What the page shows of one purpose."""
    declared = choice.declared
    latest = choice.latest
    action = choice.action
    return {
        "id": choice.purpose,
        "title": say(declared.title, lang),
        "description": say(declared.description, lang),
        "appi": declared.legal_basis.appi,
        "gdpr": Words(PolicyLang(lang)).of("gdpr", declared.legal_basis.gdpr),
        "standing": choice.standing,
        "state": say(STANDINGS[choice.standing], lang),
        "last": words["last"].format(when=moment(latest.recorded_at, lang)) if latest else "",
        "notes": _notes(choice, lang, words),
        "action": action,
        "button": say(BUTTONS[action], lang) if action else "",
    }


def _done(choices: Choices, purpose: str, lang: Lang) -> str:
    """The confirmation of the change just made: the purpose's latest event, told."""
    choice = choices.get(purpose) if purpose else None
    if choice is None or choice.latest is None:
        return ""
    template = say(DONE[choice.latest.action], lang)
    when = moment(choice.latest.recorded_at, lang)
    return template.format(title=say(choice.declared.title, lang), when=when)


def _draw(
    page: Page, choices: Choices, token: str, *, done: str = "", problem: str = ""
) -> HTMLResponse:
    lang = page.lang
    words = page_words(lang)
    sections = [
        {
            "rule": rule,
            "rows": [_row(c, lang, words) for c in choices.rows if c.declared.consent == rule],
        }
        for rule in RULES
    ]
    context = {
        "words": words,
        "sections": [section for section in sections if section["rows"]],
        "token": token,
        "action": href(PATH, lang),
        "policy_version": choices.policy_version,
        "policy_href": href(POLICY_PATH, lang),
        "versions_href": href(VERSIONS, lang),
        "minor": choices.minor,
        "suspended": choices.suspended,
        "done": _done(choices, done, lang),
        "problem": say(REFUSED.get(problem, REFUSED["invalid"]), lang) if problem else "",
    }
    return render(page, "choices.html", context, 422 if problem else 200)


def _refused(page: Page, error: Forbidden | NotFound) -> HTMLResponse:
    """A token that does not verify, or a person who is gone: say so, show nothing else."""
    words = page_words(page.lang)
    if error.extensions.get("reason") == "erased":
        return message_page(page, 410, words["erased_title"], words["erased"])
    return message_page(page, 403, words["invalid_title"], words["invalid"])


def _show(
    page: Page, choices: ChoicesService, token: str, *, done: str = "", problem: str = ""
) -> HTMLResponse:
    """The member's page, or the page that says why there is none."""
    try:
        found = choices.view(token)
    except (Forbidden, NotFound) as error:
        return _refused(page, error)
    shown = Page(page.request, page.policy, page.lang, PATH, {"member": token})
    return _draw(shown, found, token, done=done, problem=problem)


@router.get(PATH)
def choices_page(
    request: Request,
    hogo: HogoDep,
    choices: ChoicesDep,
    lang: LangDep,
    member: str = "",
    done: str = "",
) -> HTMLResponse:
    """The member's purposes and where each stands, with the one change that applies."""
    return _show(Page(request, hogo.policy, lang, PATH), choices, member, done=done)


@router.post(PATH)
async def change(request: Request, hogo: HogoDep, choices: ChoicesDep, lang: LangDep) -> Response:
    """Record one change, then back to the page (``303``) with its confirmation."""
    form = await request.form()
    token, purpose, action = (str(form.get(name) or "") for name in FIELDS)
    seen = Seen(
        page=str(request.url),
        user_agent=request.headers.get("user-agent"),
        client_ip=request.client.host if request.client else None,
    )
    page = Page(request, hogo.policy, lang, PATH)
    try:
        await run_in_threadpool(choices.change, token, purpose, action, seen)
    except ValidationFailed as error:
        problem = str(error.extensions.get("reason") or "invalid")
        return await run_in_threadpool(_show, page, choices, token, problem=problem)
    except (Forbidden, NotFound) as error:
        return _refused(page, error)
    target = href(PATH, lang, member=token, done=purpose)
    return RedirectResponse(target, status_code=303, headers=HEADERS)
