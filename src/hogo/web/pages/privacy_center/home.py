"""``/privacy-center``: what a person can ask and how, and the form to ask it (R-44).

Posting the form files the request through :meth:`IntakeService.open` and sends the person on
to the page for the code, by the same redirect whether or not the address is on file; the code
is mailed after the answer has gone, as the API does. A problem shows the form again, as it was
filled in (but for the file), with a message in the page's language.
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hogo.errors import HogoError, RateLimited
from hogo.runtime import Hogo
from hogo.services.rights.attachments import Proof
from hogo.services.rights.intake import Challenge, Job
from hogo.services.rights.kinds import A35_2022_GROUNDS, A35_GROUNDS
from hogo.web.api.deps import HogoDep
from hogo.web.api.intake_forms import IntakeIn, intake_of
from hogo.web.pages.privacy_center import form, problems, rights
from hogo.web.pages.privacy_center.guide import guide
from hogo.web.pages.privacy_center.problems import Problem
from hogo.web.pages.privacy_center.render import HEADERS, HOME, LangDep, Page, href, render
from hogo.web.pages.privacy_center.words import Lang

router = APIRouter(include_in_schema=False)


def _choices(lang: Lang) -> dict[str, object]:
    """The grounds (by the requests they fit), disclosure methods and kinds of agent."""
    use = A35_GROUNDS["suspension"]
    provision = A35_GROUNDS["provision_stop"]
    groups = (("ground_group_use", use), ("ground_group_provision", provision))
    return {
        "ground_groups": [
            {"label": key, "grounds": [(g, rights.pick(rights.GROUNDS, g, lang)) for g in ids]}
            for key, ids in (*groups, ("ground_group_2022", A35_2022_GROUNDS))
        ],
        "methods": list(rights.METHODS.items()),
        "agents": [(kind, rights.pick(rights.AGENTS, kind, lang)) for kind in rights.AGENTS],
    }


def form_page(
    page: Page,
    typed: dict[str, str] | None = None,
    problem: Problem | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The privacy center's front page: the guide and the form, with a problem if any."""
    context = {
        "guide": guide(page.policy, page.lang),
        "typed": typed or form.typed({"regime": "appi"}),
        "problem": problem.text(page.lang) if problem else None,
        "file_dropped": problem is not None and bool(typed and typed.get("agent_type")),
        "action": href(HOME, page.lang),
        "inquiry_href": href("/privacy-center/inquiry", page.lang),
        "policy_href": href("/privacy-center/policy", page.lang),
        "versions_href": href("/privacy-center/policy/versions", page.lang),
        "recipients_href": href("/privacy-center/recipients", page.lang),
        **_choices(page.lang),
    }
    return render(page, "home.html", context, problem.status if problem else 200, headers)


@router.get("/privacy-center")
def front(request: Request, hogo: HogoDep, lang: LangDep) -> HTMLResponse:
    return form_page(Page(request, hogo.policy, lang))


def _open(
    hogo: Hogo, intake: IntakeIn, proof: Proof | None, client: str | None, tasks: BackgroundTasks
) -> Challenge:
    def later(job: Job) -> None:
        tasks.add_task(job)

    return hogo.intake.open(
        str(intake.email),
        intake.kind,
        intake.regime,
        ground=intake.ground,
        details=intake.details.model_dump(exclude_none=True),
        lang=intake.lang,
        client=client,
        agent=intake.agent.model_dump() if intake.agent else None,
        proof=proof,
        defer=later,
    )


@router.post("/privacy-center")
async def submit(
    request: Request, tasks: BackgroundTasks, hogo: HogoDep, lang: LangDep
) -> Response:
    """File the request and go on to the code page; the same for a known or unknown address."""
    page = Page(request, hogo.policy, lang)
    posted = await form.read_posted(request)
    typed = form.typed(posted.fields)
    problem = form.check(hogo.policy, posted)
    if problem is not None:
        return form_page(page, typed, problem)
    client = request.client.host if request.client else None
    try:
        intake = intake_of(form.prepared(posted.fields, lang))
        challenge = await run_in_threadpool(_open, hogo, intake, posted.proof, client, tasks)
    except RequestValidationError as error:
        return form_page(page, typed, problems.from_validation(error))
    except HogoError as error:
        retry = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else {}
        return form_page(page, typed, problems.from_error(error), retry)
    until = challenge.expires_at.isoformat(timespec="seconds")
    target = href(f"{HOME}/verify/{challenge.id}", lang, until=until)
    return RedirectResponse(target, status_code=303, headers=HEADERS)
