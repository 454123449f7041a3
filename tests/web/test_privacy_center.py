"""The privacy center's pages, in-process, on SQLite and PostgreSQL (R-44, R-39, R-42, R-43,
R-46; G-05).

A person files a request with the form, reads the code from the mail (an in-memory outbox
here), enters it, and follows the request on the status page; an unknown address gets the same
pages and no mail. Problems come back as the form again, in the page's language.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.rights.attachments import MAX_BYTES
from hogo.services.rights.kinds import A35_2022_GROUNDS, A35_GROUNDS, REQUEST_KINDS
from hogo.settings import Settings
from hogo.store.tables import audit_log
from hogo.vault.items import NewItem
from hogo.web.api.intake_forms import MAX_FORM_BYTES
from hogo.web.pages.privacy_center import rights
from hogo.web.pages.privacy_center.words import Lang

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor(id="officer-1", role="privacy_office")
JST = dt.timezone(dt.timedelta(hours=9))
CODE = re.compile(r"(?:確認コード|Code): (\d{6})")
STATUS_LINK = re.compile(r'id="status-link" href="([^"]+)"')
VERIFY_PATH = re.compile(r"^/privacy-center/verify/([A-Za-z0-9_-]+)\?lang=(ja|en)&until=")
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
TARO = "taro@example.jp"


class FixedClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 4, 1, 10, 0, tzinfo=JST))


@pytest.fixture
def outbox() -> MemorySender:
    return MemorySender()


@pytest.fixture
def hogo(
    database_url: str, tmp_path: Path, clock: FixedClock, outbox: MemorySender
) -> Iterator[Hogo]:
    """Replaces the shared fixture: the outbox in memory, the clock in the test's hands."""
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(database_url, POLICY, settings=settings, clock=clock, mailer=outbox)
    yield opened
    opened.close()


def customer(hogo: Hogo, ref: str = "c-1", email: str = TARO) -> int:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=ref)
    stored = [
        NewItem("name", "山田 太郎", ["membership_service"]),
        NewItem("email", email, ["membership_service"]),
    ]
    hogo.subjects.store(OFFICE, subject_id, stored)
    return subject_id


def text(response: Any) -> str:
    return html.unescape(response.text)


def submit(
    client: TestClient,
    lang: str = "ja",
    files: dict[str, Any] | None = None,
    **fields: str,
) -> Any:
    form = {"email": TARO, "kind": "disclosure", "regime": "appi", **fields}
    return client.post(
        f"/privacy-center?lang={lang}", data=form, files=files, follow_redirects=False
    )


def challenge_of(response: Any) -> str:
    assert response.status_code == 303, response.text
    found = VERIFY_PATH.match(response.headers["location"])
    assert found is not None, response.headers["location"]
    return found.group(1)


def code_in(outbox: MemorySender) -> str:
    codes = [found.group(1) for mail in outbox.sent if (found := CODE.search(mail.text))]
    assert codes, "no code in the outbox"
    return codes[-1]


def enter(client: TestClient, challenge_id: str, code: str, lang: str = "ja") -> Any:
    return client.post(f"/privacy-center/verify/{challenge_id}?lang={lang}", data={"code": code})


def status_link(response: Any) -> str:
    assert response.status_code == 200, response.text
    found = STATUS_LINK.search(response.text)
    assert found is not None
    return html.unescape(found.group(1))


def confirmed(client: TestClient, outbox: MemorySender, lang: str = "ja", **fields: str) -> str:
    """File, enter the code, and return the status link."""
    challenge_id = challenge_of(submit(client, lang, **fields))
    return status_link(enter(client, challenge_id, code_in(outbox), lang))


def row_of(page: str, request_id: int) -> str:
    found = re.search(rf'<tr id="request-{request_id}">(.*?)</tr>', page, re.DOTALL)
    assert found is not None, page
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_R44_the_form_offers_every_right_in_both_languages(
    client: TestClient, hogo: Hogo, lang: Lang
) -> None:
    response = client.get(f"/privacy-center?lang={lang}")
    assert response.status_code == 200
    page = text(response)
    assert f'<html lang="{lang}">' in page
    offered = [k for k in REQUEST_KINDS if k in hogo.policy.rights.offered] + ["consent_withdrawal"]
    for kind in offered:
        assert f'id="kind-{kind}"' in page
        assert rights.label(kind, lang) in page
    grounds = {g for kinds in A35_GROUNDS.values() for g in kinds} | set(A35_2022_GROUNDS)
    for ground in grounds:
        assert f'<option value="{ground}"' in page
        assert getattr(rights.GROUNDS[ground], lang) in page
    assert getattr(hogo.policy.inquiry_desk.name, lang) in page
    no_fee = {"ja": "手数料はかかりません。", "en": "There is no fee."}[lang]
    assert no_fee in page
    members = {"ja": "会員の方", "en": "Members: logging in"}[lang]
    assert members in page
    assert {"ja": "第39条", "en": "APPI A39"}[lang] in page
    other = "en" if lang == "ja" else "ja"
    assert f'href="/privacy-center?lang={other}"' in page
    assert 'enctype="multipart/form-data"' in page


def test_pages_carry_no_script_inline_handler_or_style(client: TestClient) -> None:
    for path in ("/privacy-center", "/privacy-center?lang=en", "/privacy-center/verify/x"):
        page = client.get(path).text
        assert "<script" not in page
        assert "<style" not in page
        assert re.search(r"\son[a-z]+=", page) is None
        assert re.search(r"\sstyle=", page) is None
    css = client.get("/privacy-center/static/privacy-center.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


def test_the_data_map_links_to_the_privacy_center(client: TestClient) -> None:
    assert 'href="/privacy-center?lang=ja"' in client.get("/").text
    page = client.get("/?lang=en").text
    assert 'href="/privacy-center?lang=en"' in page
    assert "Privacy center" in page


def test_R44_R46_file_confirm_and_follow_a_disclosure_in_japanese(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo)
    response = submit(client, method="electronic", description="会員サービスの登録情報")
    challenge_id = challenge_of(response)
    code_page = client.get(response.headers["location"])
    assert code_page.status_code == 200
    assert "2026-04-01 10:15（日本時間）" in text(code_page)
    (mail,) = outbox.sent
    assert mail.to == TARO

    verified = enter(client, challenge_id, code_in(outbox))
    assert verified.headers["cache-control"] == "no-store"
    assert verified.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in verified.headers
    assert "このリンクが表示されるのは今回だけです" in text(verified)
    link = status_link(verified)
    assert link.startswith("/privacy-center/status?lang=ja&token=")
    assert f"http://testserver{link}" in text(verified)

    status = client.get(link)
    assert status.status_code == 200
    assert status.headers["cache-control"] == "no-store"
    assert status.headers["referrer-policy"] == "no-referrer"
    (request,) = hogo.intake.status(link.split("token=", 1)[1])
    assert request.details["method"] == "electronic"
    assert request.details["description"] == "会員サービスの登録情報"
    row = row_of(text(status), request.id)
    # arrival 1 April (JST), the person may sue from 16 April.
    kind, regime, state = "開示（GDPR: アクセス権）", "個人情報保護法", "本人確認済み"
    assert row == f"{kind} {regime} {state} 2026-04-01 2026-04-15 2026-04-16 — — —"
    assert enter(client, challenge_id, code_in(outbox)).status_code == 409  # shown once


def test_R44_an_unknown_address_gets_the_same_pages_and_no_mail(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo)
    known = submit(client)
    unknown = submit(client, email="nobody@example.jp")
    known_id, unknown_id = challenge_of(known), challenge_of(unknown)
    assert len(known_id) == len(unknown_id)
    assert known.headers["location"].replace(known_id, "X") == unknown.headers["location"].replace(
        unknown_id, "X"
    )
    known_page = client.get(known.headers["location"]).text.replace(known_id, "X")
    unknown_page = client.get(unknown.headers["location"]).text.replace(unknown_id, "X")
    assert known_page == unknown_page
    assert len(outbox.sent) == 1
    response = enter(client, unknown_id, "123456")
    assert response.status_code == 422
    assert "確認コードが違います。あと 4 回入力できます。" in text(response)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("ja", "確認コードが違います。あと 4 回入力できます。"),
        ("en", "That code is not right. You have 4 more tries."),
    ],
)
def test_R44_a_wrong_code_is_told_in_the_page_language(
    client: TestClient, hogo: Hogo, outbox: MemorySender, lang: str, message: str
) -> None:
    customer(hogo)
    challenge_id = challenge_of(submit(client, lang))
    response = enter(client, challenge_id, wrong(code_in(outbox)), lang)
    assert response.status_code == 422
    assert message in text(response)
    assert 'id="code-form"' in response.text
    malformed = enter(client, challenge_id, "12ab", lang)
    assert malformed.status_code == 422
    assert {"ja": "6 桁の数字", "en": "The code is 6 digits."}[lang] in text(malformed)


def test_R44_full_width_digits_are_taken(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo)
    challenge_id = challenge_of(submit(client))
    typed = code_in(outbox).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert status_link(enter(client, challenge_id, f" {typed[:3]} {typed[3:]} "))


def test_R44_an_expired_code(
    client: TestClient, hogo: Hogo, outbox: MemorySender, clock: FixedClock
) -> None:
    customer(hogo)
    challenge_id = challenge_of(submit(client, "en"))
    clock.advance(minutes=16)
    response = enter(client, challenge_id, code_in(outbox), "en")
    assert response.status_code == 410
    assert "The code has expired. Please make the request again." in text(response)


def test_R44_a_locked_and_an_unknown_challenge(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo)
    challenge_id = challenge_of(submit(client))
    code = code_in(outbox)
    said = [text(enter(client, challenge_id, wrong(code), "en")) for _ in range(5)]
    assert "You have one more try." in said[3]
    assert "no tries are left" in said[4]
    locked = enter(client, challenge_id, code)
    assert locked.status_code == 410
    assert "誤りが多すぎる" in text(locked)
    unknown = enter(client, "no-such-challenge", code)
    assert unknown.status_code == 404
    assert "この確認手続は見つかりません。" in text(unknown)


def test_R44_the_rate_limit_keeps_what_was_typed(client: TestClient) -> None:
    for _ in range(5):
        challenge_of(submit(client, email="nobody@example.jp"))
    response = submit(
        client, "en", email="nobody@example.jp", kind="correction", description="My address"
    )
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3600"
    page = text(response)
    assert "Too many requests in a short time. Please try again in about 60 minutes." in page
    assert 'value="nobody@example.jp"' in page
    assert ">My address</textarea>" in page
    assert 'value="correction" id="kind-correction" checked' in page


def test_R44_an_oversized_proof_keeps_what_was_typed(client: TestClient) -> None:
    agent = {"agent_type": "attorney", "agent_name": "佐藤 一郎", "description": "委任状を添付"}
    just_over = b"%PDF-" + b"0" * MAX_BYTES  # within the body limit, over the file limit
    far_over = b"%PDF-" + b"0" * (MAX_FORM_BYTES + 1)  # over the body limit as well
    for content in (just_over, far_over):
        files = {"proof": ("big.pdf", content, "application/pdf")}
        response = submit(client, files=files, **agent)
        assert response.status_code == 413
        page = text(response)
        assert "代理権を証明する書類のファイルは 5 MB までです。" in page
        assert 'value="佐藤 一郎"' in page
        assert ">委任状を添付</textarea>" in page
        assert '<option value="attorney" selected>' in page
        assert "ファイルは保存されていません。もう一度選んでください。" in page


@pytest.mark.parametrize(
    ("fields", "files", "message"),
    [
        ({"kind": "erasure"}, None, "請求の理由を選んでください。"),
        (
            {"kind": "erasure", "ground": "a27_provision_without_consent"},
            None,
            "選んだ理由はこの請求には当てはまりません。",
        ),
        ({"kind": "portability"}, None, "GDPR に基づく権利です。"),
        ({"kind": ""}, None, "請求の種類を選んでください。"),
        ({"email": "taro.example.jp"}, None, "name@example.jp のような形"),
        ({"agent_type": "attorney"}, None, "代理人の種類とお名前の両方"),
        ({"agent_type": "attorney", "agent_name": "佐藤"}, None, "委任状など）を添付"),
        ({}, {"proof": ("p.pdf", PDF, "application/pdf")}, "代理人による請求の場合にだけ"),
        (
            {"agent_type": "attorney", "agent_name": "佐藤"},
            {"proof": ("p.gif", b"GIF89a", "image/gif")},
            "PDF・PNG・JPEG のいずれか",
        ),
        (
            {"agent_type": "attorney", "agent_name": "佐藤"},
            {"proof": ("p.pdf", b"not a pdf", "application/pdf")},
            "請求を受け付けられませんでした。",
        ),
        ({"description": "あ" * 2001}, None, "2000 文字以内"),
    ],
)
def test_R44_R42_form_problems_have_their_own_message(
    client: TestClient,
    outbox: MemorySender,
    fields: dict[str, str],
    files: dict[str, Any] | None,
    message: str,
) -> None:
    response = submit(client, files=files, **fields)
    assert response.status_code == 422, response.text
    assert message in text(response)
    assert outbox.sent == []


def test_R44_an_agent_request_waits_for_the_proof(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo)
    agent = {"agent_type": "legal_representative", "agent_name": "山田 花子"}
    files = {"proof": ("戸籍謄本.pdf", PDF, "application/pdf")}
    challenge_id = challenge_of(submit(client, files=files, **agent))
    verified = enter(client, challenge_id, code_in(outbox))
    assert "代理権を証明する書類を確認した後に手続を進めます。" in text(verified)
    (request,) = hogo.intake.status(status_link(verified).split("token=", 1)[1])
    assert request.status == "received"
    assert request.details["agent"]["proof_file"] == "戸籍謄本.pdf"


def test_R44_an_empty_file_input_is_no_proof(client: TestClient, outbox: MemorySender) -> None:
    """A browser sends a file input left empty as a part with an empty file name."""
    boundary = "----hogo-test"
    parts = [("email", TARO), ("kind", "purpose_notice"), ("regime", "appi")]
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in parts
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="proof"; filename=""\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n\r\n--{boundary}--\r\n"
    )
    response = client.post(
        "/privacy-center",
        content=body.encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        follow_redirects=False,
    )
    challenge_of(response)
    assert outbox.sent == []  # nobody holds the address


def test_a_wrong_token_is_a_404_page(client: TestClient) -> None:
    for path in (
        "/privacy-center/status?token=forged",
        "/privacy-center/status",
        "/privacy-center/status/answer/1?token=forged",
        "/privacy-center/status/answer/x",
        "/privacy-center/status?lang=en&token=forged",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["referrer-policy"] == "no-referrer"
    assert "No request is followed by this link." in text(response)


def test_G05_a_gdpr_erasure_is_due_in_a_month_without_an_appi_suit_date(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo)
    link = confirmed(client, outbox, "en", kind="erasure", regime="gdpr", ground="reportable_leak")
    (request,) = hogo.intake.status(link.split("token=", 1)[1])
    assert request.ground is None  # the A35 ground of a hidden field is not taken
    page = text(client.get(link))
    assert row_of(page, request.id) == (
        "Erasure (GDPR: right to erasure) GDPR Identity confirmed 2026-04-01 2026-05-01 — — — —"
    )


def test_R42_no_longer_needed_past_retention_is_approved_at_verify(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    subject_id = hogo.subjects.create(OFFICE, group="applicants", ref="a-old")
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    stored = [
        NewItem("name", "古い 応募者", ("recruitment",), retain_until=past),
        NewItem("email", TARO, ("recruitment",), retain_until=past),
    ]
    hogo.subjects.store(OFFICE, subject_id, stored)
    link = confirmed(client, outbox, kind="erasure", ground="no_longer_needed")
    (request,) = hogo.intake.status(link.split("token=", 1)[1])
    assert request.status == "fulfilled"
    assert hogo.subjects.get(subject_id).status == "erased"
    assert "対応済み" in row_of(text(client.get(link)), request.id)


def test_R43_a_refusal_shows_its_reason_and_the_remedies(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo)
    link = confirmed(client, outbox, "en", kind="correction")
    (request,) = hogo.intake.status(link.split("token=", 1)[1])
    hogo.requests.refuse(OFFICE, request.id, "The address on file is right.", "content_not_untrue")
    page = text(client.get(link))
    row = row_of(page, request.id)
    assert "Refused" in row
    assert "The address on file is right." in row
    assert "supervisory authority" in page


def test_R39_the_person_downloads_the_disclosure_from_the_status_page(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo)
    customer(hogo, "c-2", "hanako@example.jp")
    link = confirmed(client, outbox, method="electronic")
    token = link.split("token=", 1)[1]
    (request,) = hogo.intake.status(token)
    hogo.fulfilment.fulfil(OFFICE, request.id)

    page = client.get(link).text
    found = re.search(r'href="(/privacy-center/status/answer/[^"]+)"', page)
    assert found is not None
    answer = client.get(html.unescape(found.group(1)))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert f'filename="request-{request.id}.zip"' in answer.headers["content-disposition"]
    data = json.loads(zipfile.ZipFile(io.BytesIO(answer.content)).read("data.json"))
    values = {item["category"]: item["value"] for item in data["items"]}
    assert values == {"name": "山田 太郎", "email": TARO}
    with hogo.engine.connect() as connection:
        actors = connection.execute(
            select(audit_log.c.actor).where(audit_log.c.action == "answer_download")
        ).scalars()
        assert list(actors) == [f"requester:request-{request.id}"]

    hers = confirmed(client, outbox, email="hanako@example.jp")
    (other,) = hogo.intake.status(hers.split("token=", 1)[1])
    stolen = client.get(f"/privacy-center/status/answer/{request.id}?token={hers.split('=')[-1]}")
    assert stolen.status_code == 404
    assert other.id != request.id
