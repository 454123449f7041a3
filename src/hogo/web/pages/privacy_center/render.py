"""How privacy center pages are drawn: the templates, what every page shows, the headers.

Every page carries the language switch (keeping the parameters the page needs, such as the
status token) and the company's name. Pages may hold a status token or what the person typed,
so none is cached, framed or sent as a referrer; none sets a cookie.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from hogo.policy.model import Policy
from hogo.services.rights.deadlines import JAPAN
from hogo.web.pages.privacy_center.words import LANG_NAMES, LANGS, Lang, say, words

TEMPLATES = Jinja2Templates(directory=Path(__file__).parents[2] / "templates")
HOME = "/privacy-center"
STYLESHEET = "/privacy-center/static/privacy-center.css"
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}


def day(value: dt.date | None) -> str:
    return "—" if value is None else value.isoformat()


TEMPLATES.env.filters["day"] = day


def moment(value: dt.datetime, lang: Lang) -> str:
    """A time as the person reads it: Japan time in Japanese, UTC in English (as the mails)."""
    if lang == "ja":
        return value.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M（日本時間）")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def query_lang(lang: Annotated[str, Query()] = "ja") -> Lang:
    """``?lang=en`` for English; Japanese otherwise."""
    return "en" if lang == "en" else "ja"


LangDep = Annotated[Lang, Depends(query_lang)]


def href(path: str, lang: Lang, **params: str | int) -> str:
    """A privacy center address in ``lang``, with more query parameters if given."""
    return f"{path}?{urlencode({'lang': lang, **params})}"


@dataclass(frozen=True, slots=True)
class Page:
    """What a page is drawn for: the request, its language, and where its language links go
    (the page's own address and the parameters it needs)."""

    request: Request
    policy: Policy
    lang: Lang
    path: str = HOME
    params: Mapping[str, str] = field(default_factory=dict)


def _languages(page: Page) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": LANG_NAMES[code], "href": href(page.path, code, **page.params)}
        for code in LANGS
    ]


def render(
    page: Page,
    template: str,
    context: Mapping[str, Any],
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The template filled with ``context`` and what every privacy center page shows."""
    common = {
        "lang": page.lang,
        "labels": words(page.lang),
        "languages": _languages(page),
        "controller": say(page.policy.controller.name, page.lang),
        "home": href(HOME, page.lang),
        "data_map": f"/?lang={page.lang}",
        "stylesheet": STYLESHEET,
    }
    return TEMPLATES.TemplateResponse(
        page.request,
        f"privacy_center/{template}",
        {**common, **context},
        status_code=status,
        headers={**HEADERS, **(headers or {})},
    )


def message_page(page: Page, status: int, title: str, message: str) -> HTMLResponse:
    """A page that says what went wrong, with a way back to the privacy center."""
    return render(page, "message.html", {"title": title, "message": message}, status)
