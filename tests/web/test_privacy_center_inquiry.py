"""The inquiry desk's form on the privacy center, in Japanese and English (R-47)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from hogo.runtime import Hogo

PATH = "/privacy-center/inquiry"


def test_R47_the_form_is_offered_in_both_languages(client: TestClient) -> None:
    ja = client.get(PATH)
    assert ja.status_code == 200
    assert "お問い合わせ・苦情の受付" in ja.text
    assert 'value="complaint"' in ja.text
    en = client.get(PATH, params={"lang": "en"})
    assert "Questions and complaints" in en.text
    front = client.get("/privacy-center")
    assert 'href="/privacy-center/inquiry?lang=ja"' in front.text


def test_R47_a_complaint_becomes_a_ticket_with_a_due_date(client: TestClient, hogo: Hogo) -> None:
    sent = client.post(
        PATH,
        data={"kind": "complaint", "text": "退会後も案内メールが届きます", "email": "a@example.jp"},
    )
    assert sent.status_code == 200, sent.text
    found = re.search(r'id="ticket-id">(\d+)<', sent.text)
    assert found is not None
    ticket_id = int(found.group(1))
    ticket = hogo.inquiries.get(ticket_id)
    assert ticket.kind == "complaint"
    assert ticket.messages[0].text == "退会後も案内メールが届きます"
    assert ticket.due_at.isoformat() in sent.text
    assert sent.headers["cache-control"] == "no-store"


def test_R47_an_empty_message_is_shown_again_with_a_message(client: TestClient, hogo: Hogo) -> None:
    sent = client.post(
        PATH, data={"kind": "question", "text": "  ", "name": "山田"}, params={"lang": "en"}
    )
    assert sent.status_code == 422
    assert 'id="problem"' in sent.text
    assert 'value="山田"' in sent.text
    assert hogo.inquiries.list_open() == []


def test_R47_the_form_is_rate_limited(client: TestClient) -> None:
    body = {"kind": "question", "text": "質問です", "email": "same@example.jp"}
    statuses = [client.post(PATH, data=body).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
