"""How console pages are drawn: the templates, what every page shows, and the headers sent.

Every page carries the language switch, the navigation, who is signed in and the form token
of the session. Pages hold personal data, so none is cached, framed or sent as a referrer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from hogo.services.inquiry_records import DESK_ROLES
from hogo.services.retention.report import REPORT_ROLES
from hogo.services.rights.deadlines import JAPAN
from hogo.web.pages.console.i18n import LANG_NAMES, LANGS, Lang, words
from hogo.web.pages.console.sessions import Session

TEMPLATES = Jinja2Templates(directory=Path(__file__).parents[2] / "templates")
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def when(value: dt.datetime | None) -> str:
    """A time as the office reads it: Japan time, to the minute."""
    if value is None:
        return "—"
    return value.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M JST")


def day(value: dt.date | None) -> str:
    return "—" if value is None else value.isoformat()


TEMPLATES.env.filters["when"] = when
TEMPLATES.env.filters["day"] = day


def query_lang(lang: Annotated[str, Query()] = "ja") -> Lang:
    """``?lang=en`` for English; Japanese otherwise."""
    return "en" if lang == "en" else "ja"


LangDep = Annotated[Lang, Depends(query_lang)]


def href(path: str, lang: Lang, **params: str | int) -> str:
    """A console address in ``lang``, with more query parameters if given."""
    return f"{path}?{urlencode({'lang': lang, **params})}"


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=HEADERS)


@dataclass(frozen=True, slots=True)
class Page:
    """What a console page is drawn for: the request, its language, the page's own address
    (for the language links, also after a form was posted) and the signed-in session."""

    request: Request
    lang: Lang
    path: str
    session: Session | None = None
    section: str = ""


def _languages(page: Page) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": LANG_NAMES[code], "href": href(page.path, code)} for code in LANGS
    ]


def _navigation(page: Page, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    if page.session is None:
        return []
    entries = [("requests", "/console/requests")]
    if page.session.actor.role in DESK_ROLES:
        entries.append(("inquiries", "/console/inquiries"))
    entries += [
        ("recipients", "/console/recipients"),
        ("provisions", "/console/provisions"),
        ("joint_use", "/console/joint-use"),
    ]
    if page.session.actor.role in REPORT_ROLES:
        entries.append(("retention", "/console/retention"))
    entries.append(("data_map", "/"))
    return [
        {"label": labels[key], "href": href(path, page.lang), "current": key == page.section}
        for key, path in entries
    ]


def render(
    page: Page, template: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    """The template filled with ``context`` and what every console page shows."""
    labels = words(page.lang)
    common = {
        "lang": page.lang,
        "labels": labels,
        "languages": _languages(page),
        "navigation": _navigation(page, labels),
        "session": page.session,
        "csrf": page.session.csrf if page.session else "",
        "logout": href("/console/logout", page.lang),
    }
    return TEMPLATES.TemplateResponse(
        page.request,
        f"console/{template}",
        {**common, **context},
        status_code=status,
        headers=HEADERS,
    )


def error_page(page: Page, status: int, title: str, message: str) -> HTMLResponse:
    """A page that says what went wrong, with the status it went wrong with."""
    back = href("/console/requests", page.lang)
    return render(page, "error.html", {"title": title, "message": message, "back": back}, status)
