"""The privacy office's console, in-process, on SQLite and PostgreSQL.

Sign-in with an API key, the server-side session and its CSRF token, the queue of open rights
requests with its overdue and may-sue markers (D16, D17, R-46), the request page and its forms
(R-38, R-41–R-44, G-05), the role's subject groups (R-16) and the inquiry desk (R-47).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.rights.deadlines import Regime
from hogo.services.rights.kinds import RequestKind
from hogo.settings import Settings
from hogo.store.tables import request_events
from hogo.vault.items import NewItem
from hogo.web.app import create_app
from hogo.web.pages.console.sessions import LIFETIME, SessionStore

Headers = Callable[[str], dict[str, str]]
OFFICE = Actor(id="test:office", role="privacy_office")
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
HTML = "text/html; charset=utf-8"
POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"


class MovableClock:
    """The services' clock: now, unless a test sets it elsewhere."""

    def __init__(self) -> None:
        self.now: dt.datetime | None = None

    def __call__(self) -> dt.datetime:
        return self.now or dt.datetime.now(dt.UTC)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def hogo(database_url: str, settings: Settings, clock: MovableClock) -> Iterator[Hogo]:
    """The conftest's hogo, with a clock the tests can move (for old requests)."""
    opened = open_hogo(database_url, POLICY, settings=settings, clock=clock)
    yield opened
    opened.close()


def raw_key(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def csrf_of(html: str) -> str:
    match = TOKEN.search(html)
    assert match is not None, html
    return match.group(1)


def sign_in(client: TestClient, key: str, lang: str = "ja") -> str:
    """Sign in through the form; the session's CSRF token."""
    form = client.get(f"/console/login?lang={lang}")
    assert form.status_code == 200
    data = {"key": key, "csrf": csrf_of(form.text), "next": "/console/requests"}
    response = client.post(f"/console/login?lang={lang}", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/console/requests?lang={lang}"
    queue = client.get(response.headers["location"])
    assert queue.status_code == 200
    return csrf_of(queue.text)


def office_client(client: TestClient, key_for: Headers, lang: str = "ja") -> str:
    return sign_in(client, raw_key(key_for("privacy_office")), lang)


def new_subject(hogo: Hogo, group: str = "customers", ref: str = "c-1") -> int:
    return hogo.subjects.create(OFFICE, group=group, ref=ref)


def submit(
    hogo: Hogo,
    subject_id: int,
    kind: RequestKind = "disclosure",
    regime: Regime = "appi",
    ground: str | None = None,
) -> int:
    return hogo.requests.submit(OFFICE, subject_id, kind, regime, ground=ground)


def events(hogo: Hogo) -> int:
    with hogo.engine.connect() as connection:
        query = select(func.count()).select_from(request_events)
        return int(connection.execute(query).scalar_one())


def row_of(html: str, request_id: int) -> tuple[str, str]:
    """The class and the text of the queue's row for a request."""
    match = re.search(rf'<tr id="request-{request_id}" class="([^"]*)">(.*?)</tr>', html, re.S)
    assert match is not None, f"no row for request {request_id}"
    return match.group(1), re.sub(r"<[^>]+>", " ", match.group(2))


def post(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data=data, follow_redirects=False)


# Signing in and sessions


def test_R16_pages_without_a_session_go_to_sign_in(client: TestClient, hogo: Hogo) -> None:
    request_id = submit(hogo, new_subject(hogo))
    for path in ("/console/requests", f"/console/requests/{request_id}", "/console/inquiries"):
        response = client.get(f"{path}?lang=en", follow_redirects=False)
        assert response.status_code == 303, path
        back = path.replace("/", "%2F")
        assert response.headers["location"] == f"/console/login?lang=en&next={back}"
    answer = client.get(f"/console/requests/{request_id}/answer", follow_redirects=False)
    assert answer.status_code == 303
    verify = post(client, f"/console/requests/{request_id}/verify", {"csrf": "x"})
    assert verify.status_code == 303
    assert hogo.requests.get(request_id).status == "received"


def test_R16_a_bad_key_does_not_sign_in_and_is_never_echoed(
    client: TestClient, key_for: Headers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    good = raw_key(key_for("privacy_office"))
    wrong = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    for key in (wrong, "not-a-key", ""):
        form = client.get("/console/login")
        data = {"key": key, "csrf": csrf_of(form.text)}
        response = post(client, "/console/login", data)
        assert response.status_code == 401
        assert response.headers["content-type"] == HTML
        assert "API キーが正しくないか、失効しています。" in response.text
        assert "hogo_console=" not in response.headers.get("set-cookie", "")
        if key:
            assert key not in response.text
            assert key not in caplog.text
    assert client.get("/console/requests", follow_redirects=False).status_code == 303


def test_R16_a_good_key_opens_a_session_in_a_strict_http_only_cookie(
    client: TestClient, key_for: Headers
) -> None:
    key = raw_key(key_for("privacy_office"))
    form = client.get("/console/login?lang=en")
    assert 'type="password"' in form.text
    response = post(client, "/console/login?lang=en", {"key": key, "csrf": csrf_of(form.text)})
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if "hogo_console=" in c)
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/console"} <= attributes
    assert "secure" not in attributes  # plain http in tests: the cookie must still be sent
    assert f"max-age={int(LIFETIME.total_seconds())}" in attributes
    assert key not in cookie
    page = client.get("/console/requests?lang=en")
    assert page.status_code == 200
    assert "Signed in as" in page.text
    assert key not in page.text


def test_the_cookie_is_secure_when_the_console_is_served_over_https(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    app = create_app(hogo, client.app.state.verifier)  # type: ignore[attr-defined]
    with TestClient(app, base_url="https://testserver") as secure:
        form = secure.get("/console/login")
        data = {"key": raw_key(key_for("privacy_office")), "csrf": csrf_of(form.text)}
        response = post(secure, "/console/login", data)
        cookie = next(c for c in response.headers.get_list("set-cookie") if "hogo_console=" in c)
        assert "secure" in {part.strip().lower() for part in cookie.split(";")}


def test_sign_in_without_the_form_token_is_refused(client: TestClient, key_for: Headers) -> None:
    key = raw_key(key_for("privacy_office"))
    response = post(client, "/console/login", {"key": key, "csrf": "forged"})
    assert response.status_code == 403
    assert client.get("/console/requests", follow_redirects=False).status_code == 303


def test_sessions_end_after_eight_hours(client: TestClient, key_for: Headers) -> None:
    clock = MovableClock()
    client.app.state.console_sessions = SessionStore(clock=clock)  # type: ignore[attr-defined]
    office_client(client, key_for)
    clock.now = dt.datetime.now(dt.UTC) + LIFETIME - dt.timedelta(minutes=1)
    assert client.get("/console/requests", follow_redirects=False).status_code == 200
    clock.now = dt.datetime.now(dt.UTC) + LIFETIME + dt.timedelta(seconds=1)
    assert client.get("/console/requests", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_for_good(client: TestClient, key_for: Headers) -> None:
    token = office_client(client, key_for)
    session_id = client.cookies.get("hogo_console")
    assert session_id
    response = post(client, "/console/logout", {"csrf": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?lang=ja"
    assert client.get("/console/requests", follow_redirects=False).status_code == 303
    client.cookies.set("hogo_console", session_id, path="/console")
    assert client.get("/console/requests", follow_redirects=False).status_code == 303


# The queue (D16, D17, R-46)


def test_D16_queue_lists_open_requests_by_due_date_with_kinds_in_words(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    office_client(client, key_for)
    subject = new_subject(hogo)
    gdpr = submit(hogo, subject, "erasure", regime="gdpr")
    appi = submit(hogo, subject, "disclosure")
    page = client.get("/console/requests")
    assert page.status_code == 200
    assert page.headers["content-type"] == HTML
    assert page.headers["cache-control"] == "no-store"
    assert '<html lang="ja">' in page.text
    assert page.text.index(f'id="request-{appi}"') < page.text.index(f'id="request-{gdpr}"')
    assert "開示" in row_of(page.text, appi)[1]
    assert "個人情報保護法" in row_of(page.text, appi)[1]
    assert "消去" in row_of(page.text, gdpr)[1]
    assert re.search(r'id="count-open">[^<]*<strong>2</strong>', page.text)
    assert re.search(r'id="count-overdue"\s*>[^<]*<strong>0</strong>', page.text)
    english = client.get("/console/requests?lang=en")
    assert '<html lang="en">' in english.text
    assert "Disclosure" in row_of(english.text, appi)[1]
    assert 'href="/console/requests?lang=ja"' in english.text  # the switch back


def test_R46_D17_overdue_and_suable_requests_are_marked_in_words(
    client: TestClient, hogo: Hogo, key_for: Headers, clock: MovableClock
) -> None:
    """A request received 40 days ago is past its due date and past A39's two weeks."""
    office_client(client, key_for)
    subject = new_subject(hogo)
    clock.now = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    old = submit(hogo, subject)
    clock.now = None
    fresh = submit(hogo, subject)
    page = client.get("/console/requests").text
    classes, text = row_of(page, old)
    assert {"overdue", "suable"} <= set(classes.split())
    assert "期限超過" in text
    assert "訴え提起可能" in text
    classes, text = row_of(page, fresh)
    assert classes.split() == []
    assert "期限超過" not in text
    assert re.search(r'id="count-overdue" class="alert">[^<]*<strong>1</strong>', page)
    assert re.search(r'id="count-suable" class="alert">[^<]*<strong>1</strong>', page)
    english = client.get(f"/console/requests/{old}?lang=en").text
    assert "⚠ overdue" in english
    assert "⚖ may sue now" in english


def test_R16_a_role_sees_only_its_groups(client: TestClient, hogo: Hogo, key_for: Headers) -> None:
    applicant = submit(hogo, new_subject(hogo, "applicants", "a-1"))
    customer = submit(hogo, new_subject(hogo))
    token = sign_in(client, raw_key(key_for("customer_service")))
    page = client.get("/console/requests").text
    assert f'id="request-{customer}"' in page
    assert f'id="request-{applicant}"' not in page
    refused = client.get(f"/console/requests/{applicant}")
    assert refused.status_code == 403
    assert refused.headers["content-type"] == HTML
    assert "この操作は許可されていません" in refused.text
    verify = post(client, f"/console/requests/{applicant}/verify", {"csrf": token})
    assert verify.status_code == 403
    assert hogo.requests.get(applicant).status == "received"
    assert client.get(f"/console/requests/{applicant}/answer").status_code == 403
    assert client.get("/console/inquiries").status_code == 403  # the desk is the office's


def test_an_unknown_request_is_a_404_page(client: TestClient, key_for: Headers) -> None:
    office_client(client, key_for)
    response = client.get("/console/requests/999999?lang=en")
    assert response.status_code == 404
    assert response.headers["content-type"] == HTML
    assert "no request 999999" in response.text


# The request page and its forms


def test_R43_csrf_token_missing_or_foreign_is_a_403_and_nothing_changes(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    request_id = submit(hogo, new_subject(hogo))
    office_client(client, key_for)
    before = events(hogo)
    other = create_app(hogo, client.app.state.verifier)  # type: ignore[attr-defined]
    with TestClient(other) as elsewhere:
        foreign = office_client(elsewhere, key_for)
    for data in ({}, {"csrf": ""}, {"csrf": foreign}):
        response = post(client, f"/console/requests/{request_id}/verify", data)
        assert response.status_code == 403, data
        assert response.headers["content-type"] == HTML
        assert "トークンが一致しません" in response.text
        reasoned = {**data, "reason": "x", "ground": "excessive"}
        refused = post(client, f"/console/requests/{request_id}/refuse", reasoned)
        assert refused.status_code == 403
    assert hogo.requests.get(request_id).status == "received"
    assert events(hogo) == before


def test_R38_R44_verify_then_fulfil_a_disclosure_and_download_the_zip(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    request_id = submit(hogo, new_subject(hogo))
    token = office_client(client, key_for)
    path = f"/console/requests/{request_id}"
    page = client.get(path).text
    assert 'id="verify-form"' in page
    assert 'id="fulfil-form"' not in page
    assert 'id="extend-form"' not in page  # APPI: no extension

    verified = post(client, f"{path}/verify?lang=ja", {"csrf": token})
    assert verified.status_code == 303
    assert verified.headers["location"] == f"{path}?lang=ja&done=verify"
    page = client.get(verified.headers["location"]).text
    assert re.search(r'id="status"[^>]*>本人確認済み<', page)
    assert "本人確認済みにしました。" in page
    assert 'id="fulfil-form"' in page

    fulfilled = post(client, f"{path}/fulfil", {"csrf": token})
    assert fulfilled.status_code == 303
    page = client.get(fulfilled.headers["location"]).text
    assert re.search(r'id="status"[^>]*>対応済み<', page)
    assert 'id="outcome"' in page
    assert "<code>method</code></dt><dd>electronic" in page
    assert f'href="{path}/answer?lang=ja"' in page
    assert "この請求は完了しています。" in page
    timeline = page[page.index('id="timeline"') :]
    assert timeline.count("→") == 4  # received, verified, in_progress, fulfilled
    assert OFFICE.id in timeline
    assert "key:" in timeline

    answer = client.get(f"{path}/answer")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    disposition = f'attachment; filename="request-{request_id}.zip"'
    assert answer.headers["content-disposition"] == disposition
    assert answer.headers["cache-control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert archive.namelist()


def test_R43_refusing_without_a_reason_shows_the_error_and_changes_nothing(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    request_id = submit(hogo, new_subject(hogo))
    token = office_client(client, key_for)
    before = events(hogo)
    data = {"csrf": token, "reason": "  ", "ground": "data_not_held"}
    response = post(client, f"/console/requests/{request_id}/refuse?lang=en", data)
    assert response.status_code == 422
    assert response.headers["content-type"] == HTML
    assert 'role="alert"' in response.text
    assert "needs a reason" in response.text
    assert 'value="data_not_held" selected' in response.text  # the form keeps what was chosen
    assert 'href="/console/requests/' in response.text  # the language links point at the page
    assert hogo.requests.get(request_id).status == "received"
    assert events(hogo) == before

    data = {"csrf": token, "reason": "We hold nothing about you.", "ground": "data_not_held"}
    refused = post(client, f"/console/requests/{request_id}/refuse?lang=en", data)
    assert refused.status_code == 303
    page = client.get(refused.headers["location"]).text
    assert re.search(r'id="status"[^>]*>Refused<', page)
    assert 'id="outcome-reason">We hold nothing about you.<' in page
    assert "No such data held" in page
    assert 'id="answer"' not in page


def test_a_step_the_status_does_not_allow_is_shown_as_a_conflict(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    request_id = submit(hogo, new_subject(hogo))
    token = office_client(client, key_for)
    response = post(client, f"/console/requests/{request_id}/fulfil?lang=en", {"csrf": token})
    assert response.status_code == 409
    assert "it cannot become" in response.text
    assert hogo.requests.get(request_id).status == "received"


def test_R41_a_correction_changes_the_item_named_in_the_form(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    subject = new_subject(hogo)
    (item,) = hogo.subjects.store(
        OFFICE, subject, [NewItem("email", "taro@example.jp", ["membership_service"])]
    )
    request_id = submit(hogo, subject, "correction")
    hogo.requests.verify(OFFICE, request_id)
    token = office_client(client, key_for)
    path = f"/console/requests/{request_id}"
    assert 'id="fulfil-item"' in client.get(path).text
    bad = post(client, f"{path}/fulfil", {"csrf": token, "item_id": "abc", "value": "x@example.jp"})
    assert bad.status_code == 422
    assert "must be a number" in bad.text
    assert hogo.requests.get(request_id).status == "verified"
    data = {"csrf": token, "item_id": str(item), "value": "jiro@example.jp"}
    done = post(client, f"{path}/fulfil", data)
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert f"<code>changed</code></dt><dd>{item}<" in page
    assert "jiro@example.jp" not in page
    read = hogo.access.read(OFFICE, subject, ["email"], "membership_service")
    assert [found.value for found in read.items] == ["jiro@example.jp"]


def test_R42_a_suspension_is_narrowed_to_the_purposes_ticked(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    request_id = submit(hogo, new_subject(hogo), "suspension", ground="no_longer_needed")
    hogo.requests.verify(OFFICE, request_id)
    token = office_client(client, key_for)
    path = f"/console/requests/{request_id}"
    page = client.get(path).text
    assert 'name="purposes" value="membership_service"' in page
    assert "利用する必要がなくなった（第35条第5項）" in page  # the A35 ground, in words
    data = {"csrf": token, "purposes": ["membership_service", "member_status"]}
    done = post(client, f"{path}/fulfil", data)
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert "<code>purposes</code></dt><dd>membership_service, member_status<" in page


def test_G05_a_gdpr_request_is_extended_with_a_reason(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    request_id = submit(hogo, new_subject(hogo), "portability", regime="gdpr")
    due = hogo.requests.get(request_id).due_at
    token = office_client(client, key_for)
    path = f"/console/requests/{request_id}"
    assert 'id="extend-form"' in client.get(path).text
    empty = post(client, f"{path}/extend", {"csrf": token, "reason": ""})
    assert empty.status_code == 422
    done = post(client, f"{path}/extend?lang=en", {"csrf": token, "reason": "Many records."})
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert "The due date was extended." in page
    extended = hogo.requests.get(request_id).extended_due_at
    assert extended is not None
    assert extended > due
    assert f'{extended.isoformat()} <span class="tag">extended</span>' in page
    assert 'id="extend-form"' not in page


# The inquiry desk


def test_R47_inquiries_are_listed_read_answered_and_closed(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    ticket = hogo.inquiries.open(
        "complaint", "連絡が多すぎます。", email="hanako@example.jp", name="山田花子"
    )
    token = office_client(client, key_for)
    queue = client.get("/console/inquiries")
    assert queue.status_code == 200
    assert f'id="ticket-{ticket}"' in queue.text
    assert "苦情" in queue.text
    assert "連絡が多すぎます" not in queue.text  # the queue decrypts nothing
    path = f"/console/inquiries/{ticket}"
    page = client.get(path).text
    assert "連絡が多すぎます。" in page
    assert "hanako@example.jp" in page
    empty = post(client, f"{path}/reply", {"csrf": token, "text": " "})
    assert empty.status_code == 422
    assert hogo.inquiries.summary(ticket).status == "open"
    assert post(client, f"{path}/reply", {"csrf": "nope", "text": "x"}).status_code == 403
    replied = post(client, f"{path}/reply", {"csrf": token, "text": "配信を停止しました。"})
    assert replied.status_code == 303
    assert "回答を記録しました。" in client.get(replied.headers["location"]).text
    assert hogo.inquiries.summary(ticket).status == "answered"
    closed = post(client, f"{path}/close", {"csrf": token, "resolution": "停止済み"})
    assert closed.status_code == 303
    assert hogo.inquiries.summary(ticket).status == "closed"
    assert f'id="ticket-{ticket}"' not in client.get("/console/inquiries").text


# Around the pages


def test_every_page_has_the_language_switch_and_the_stylesheet_is_served(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    login = client.get("/console/login?lang=en")
    assert '<html lang="en">' in login.text
    assert 'href="/console/login?lang=ja"' in login.text
    assert '<label for="key">API key</label>' in login.text
    request_id = submit(hogo, new_subject(hogo))
    office_client(client, key_for)
    for path in ("/console/requests", f"/console/requests/{request_id}", "/console/inquiries"):
        text = client.get(f"{path}?lang=ja").text
        assert f'href="{path}?lang=en"' in text, path
        assert 'href="/console/static/console.css"' in text
        assert "<style" not in text
        assert " onclick=" not in text
        assert "<script" not in text
    css = client.get("/console/static/console.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


def test_the_data_map_links_to_the_console(client: TestClient) -> None:
    assert 'href="/console/requests?lang=ja"' in client.get("/").text
    assert 'href="/console/requests?lang=en"' in client.get("/?lang=en").text


def test_session_store_forgets_expired_sessions() -> None:
    clock = MovableClock()
    store = SessionStore(clock=clock)
    first = store.open(OFFICE)
    assert store.find(first.id) == first
    assert first.accepts(first.csrf)
    assert not first.accepts("")
    assert not first.accepts(None)
    clock.now = dt.datetime.now(dt.UTC) + LIFETIME
    assert store.find(first.id) is None
    second = store.open(OFFICE)
    assert len(store) == 1
    assert second.id != first.id
    assert second.csrf != first.csrf
    store.close(second.id)
    assert store.find(second.id) is None
    assert store.find(None) is None


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        ("/console/requests/7", "/console/requests/7"),
        ("/console/inquiries", "/console/inquiries"),
        ("https://example.com/console/requests", "/console/requests"),
        ("//example.com/console/x", "/console/requests"),
        ("/console/../admin", "/console/requests"),
        ("/console/requests?x=1", "/console/requests"),
        ("/elsewhere", "/console/requests"),
    ],
)
def test_sign_in_goes_back_to_console_pages_only(
    client: TestClient, key_for: Headers, asked: str, goes_to: str
) -> None:
    form = client.get("/console/login", params={"next": asked})
    assert f'name="next" value="{goes_to}"' in form.text
    data = {"key": raw_key(key_for("privacy_office")), "csrf": csrf_of(form.text), "next": asked}
    response = post(client, "/console/login", data)
    assert response.headers["location"] == f"{goes_to}?lang=ja"
