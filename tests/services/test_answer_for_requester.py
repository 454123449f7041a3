"""The answer, downloaded by the person the request is from (R-39): no role scope, audited
under the requester; a request without an answer is NotFound."""

from __future__ import annotations

import base64
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hogo.errors import NotFound
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings
from hogo.store.tables import audit_log
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICER = Actor("officer-1", "privacy_office")
REQUESTER = Actor("requester:request-1", "requester")  # no role of the policy


@pytest.fixture
def hogo(database_url: str, tmp_path: Path) -> Iterator[Hogo]:
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(database_url, POLICY, settings=settings, mailer=MemorySender())
    yield opened
    opened.close()


def _disclosure(hogo: Hogo) -> int:
    subject_id = hogo.subjects.create(OFFICER, group="customers", ref="c-1")
    item = NewItem("email", "taro@example.jp", ["membership_service"])
    hogo.subjects.store(OFFICER, subject_id, [item])
    request_id = hogo.requests.submit(OFFICER, subject_id, "disclosure", "appi")
    hogo.requests.verify(OFFICER, request_id)
    return request_id


def test_R39_the_requester_downloads_the_answer_and_it_is_audited(hogo: Hogo) -> None:
    request_id = _disclosure(hogo)
    hogo.fulfilment.fulfil(OFFICER, request_id)

    answer = hogo.fulfilment.answer_for_requester(request_id, REQUESTER)

    assert answer == hogo.fulfilment.answer(OFFICER, request_id)
    data = json.loads(zipfile.ZipFile(io.BytesIO(answer.data)).read("data.json"))
    assert [item["value"] for item in data["items"]] == ["taro@example.jp"]
    with hogo.engine.connect() as connection:
        actors = connection.execute(
            select(audit_log.c.actor)
            .where(audit_log.c.action == "answer_download")
            .order_by(audit_log.c.seq)
        ).scalars()
        assert list(actors) == [REQUESTER.id, OFFICER.id]


def test_R39_no_answer_yet_is_not_found(hogo: Hogo) -> None:
    request_id = _disclosure(hogo)
    with pytest.raises(NotFound, match="no answer"):
        hogo.fulfilment.answer_for_requester(request_id, REQUESTER)
