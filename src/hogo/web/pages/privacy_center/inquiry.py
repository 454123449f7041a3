"""``/privacy-center/inquiry``: the inquiry desk's form (seed §8; APPI A40, R-47).

A question, a complaint or a request in the person's own words becomes a ticket with a due
date (:class:`~hogo.services.inquiries.InquiryService`); its text is sealed under the ticket's
own key. The form is rate-limited like the rights-request form. A problem shows the form again
with what the person typed and a message in the page's language.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from hogo.errors import HogoError
from hogo.policy.model import Text
from hogo.web.api.deps import HogoDep
from hogo.web.pages.privacy_center import problems
from hogo.web.pages.privacy_center.problems import Problem
from hogo.web.pages.privacy_center.render import LangDep, Page, href, render
from hogo.web.pages.privacy_center.words import Lang, say

PATH = "/privacy-center/inquiry"
FIELDS = ("kind", "text", "name", "email")
KINDS: dict[str, Text] = {
    "question": Text(ja="質問", en="A question"),
    "complaint": Text(ja="苦情", en="A complaint"),
    "request": Text(ja="ご要望・ご依頼", en="A request"),
}
WORDS: dict[str, Text] = {
    "title": Text(ja="お問い合わせ・苦情の受付", en="Questions and complaints"),
    "lead": Text(
        ja="個人情報の取扱いについてのご質問や苦情を受け付けます。期限までに担当者が回答します。"
        "開示などの請求は、プライバシーセンターの請求フォームからお願いします。",
        en="Ask us about how we handle personal data, or tell us what went wrong. We answer by "
        "the due date. To ask for your data, its correction or erasure, use the request form.",
    ),
    "kind": Text(ja="種類", en="What it is"),
    "text": Text(ja="内容", en="Your message"),
    "name": Text(ja="お名前（任意）", en="Your name (optional)"),
    "email": Text(ja="回答先のメールアドレス（任意）", en="E-mail for our answer (optional)"),
    "send": Text(ja="送信する", en="Send"),
    "received": Text(ja="お問い合わせを受け付けました", en="We have your message"),
    "ticket": Text(ja="受付番号", en="Ticket number"),
    "due": Text(ja="回答期限", en="We answer by"),
}


def _words(lang: Lang) -> dict[str, str]:
    return {key: say(text, lang) for key, text in WORDS.items()}


def _form(page: Page, typed: dict[str, str], problem: Problem | None = None) -> HTMLResponse:
    context = {
        "inquiry": _words(page.lang),
        "kinds": [(kind, say(text, page.lang)) for kind, text in KINDS.items()],
        "typed": typed,
        "problem": problem.text(page.lang) if problem else None,
        "action": href(PATH, page.lang),
    }
    return render(page, "inquiry.html", context, problem.status if problem else 200)


router = APIRouter(include_in_schema=False)


@router.get(PATH)
def inquiry_form(request: Request, hogo: HogoDep, lang: LangDep) -> HTMLResponse:
    return _form(Page(request, hogo.policy, lang, PATH), {"kind": "question"})


@router.post(PATH)
async def send_inquiry(request: Request, hogo: HogoDep, lang: LangDep) -> HTMLResponse:
    page = Page(request, hogo.policy, lang, PATH)
    form = await request.form()
    typed = {name: str(form.get(name) or "").strip() for name in FIELDS}
    client = request.client.host if request.client else None
    try:
        ticket_id = await run_in_threadpool(
            hogo.inquiries.open,
            typed["kind"],
            typed["text"],
            email=typed["email"] or None,
            name=typed["name"] or None,
            lang=lang,
            client=client,
        )
    except HogoError as error:
        return _form(page, typed, problems.from_error(error))
    summary = await run_in_threadpool(hogo.inquiries.summary, ticket_id)
    context = {"inquiry": _words(lang), "ticket_id": ticket_id, "due_at": summary.due_at}
    return render(page, "inquiry_received.html", context)
