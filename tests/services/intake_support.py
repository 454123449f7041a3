"""What the intake and notice tests share: an open hogo with a clock and an in-memory outbox."""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
from pathlib import Path

from hogo.mail.memory import MemorySender
from hogo.mail.message import Mail
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings
from hogo.vault.items import NewItem
from hogo.vault.keys import KeyRing

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor(id="officer-1", role="privacy_office")
JST = dt.timezone(dt.timedelta(hours=9))
CODE = re.compile(r"(?:確認コード|Code): (\d{6})")
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def open_test_hogo(
    database_url: str, folder: Path, clock: FixedClock, outbox: MemorySender
) -> tuple[Hogo, KeyRing]:
    master = os.urandom(32)
    settings = Settings(
        master_key=base64.b64encode(master).decode(), key_file=folder / "unused.key"
    )
    hogo = open_hogo(database_url, POLICY, settings=settings, clock=clock, mailer=outbox)
    return hogo, KeyRing(master)


def customer(hogo: Hogo, ref: str, *emails: str) -> int:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=ref)
    if emails:
        items = [NewItem("email", email, ["membership_service"]) for email in emails]
        hogo.subjects.store(OFFICE, subject_id, items)
    return subject_id


def code_in(mail: Mail) -> str:
    found = CODE.search(mail.text)
    assert found is not None, "no code in the mail"
    return found.group(1)
