"""Senders chosen by URL from an explicit registry; the mail itself never shows its body."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import SplitResult

import pytest

from hogo.errors import ValidationFailed
from hogo.mail import registry
from hogo.mail.memory import MemorySender
from hogo.mail.message import Mail
from hogo.mail.outbox import FileSender
from hogo.mail.registry import open_mailer, register
from hogo.mail.sender import MailSender
from hogo.runtime import open_hogo
from hogo.settings import Settings


@pytest.fixture
def restore_registry() -> Iterator[None]:
    saved = dict(registry.SENDERS)
    yield
    registry.SENDERS.clear()
    registry.SENDERS.update(saved)


@pytest.mark.parametrize(
    "url", ["pop3://mail.example.jp", "mail.example.jp", "", "http://user:topsecret@x/"]
)
def test_unknown_scheme_names_the_known_ones(url: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        open_mailer(url, "privacy@localhost")
    message = str(caught.value)
    assert "file://, memory://, smtp://, smtps://" in message
    assert "topsecret" not in message


def test_file_url_needs_a_folder() -> None:
    with pytest.raises(ValidationFailed, match="names a folder"):
        open_mailer("file://", "privacy@localhost")


def test_memory_sender_keeps_messages() -> None:
    sender = open_mailer("memory://", "privacy@localhost")
    assert isinstance(sender, MemorySender)
    sender.send(Mail("a@example.jp", "s", "t"))
    assert [mail.to for mail in sender.sent] == ["a@example.jp"]


@pytest.mark.usefixtures("restore_registry")
def test_register_a_sender() -> None:
    class Null(MailSender):
        def send(self, message: Mail) -> None:
            return None

    def factory(url: SplitResult, sender: str) -> MailSender:
        assert url.netloc == "anything"
        return Null()

    register("null", factory)
    assert isinstance(open_mailer("null://anything", "privacy@localhost"), Null)
    with pytest.raises(ValidationFailed):
        register("Not A Scheme", factory)


def test_mail_repr_hides_the_body_and_recipient() -> None:
    mail = Mail("taro@example.jp", "Code", "確認コード: 123456", html="<b>123456</b>")
    assert "123456" not in repr(mail)
    assert "taro" not in repr(mail)


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        ("no-at-sign", "s"),
        ("a@x.jp, b@x.jp", "s"),
        ("a@x.jp\r\nBcc: b@x.jp", "s"),
        ("a@x.jp", "two\nlines"),
        ("a@x.jp", ""),
        ("a@x.jp", "x" * 201),
    ],
)
def test_mail_refuses_header_injection_and_bad_fields(to: str, subject: str) -> None:
    with pytest.raises(ValidationFailed):
        Mail(to, subject, "text")


def test_open_hogo_builds_the_mailer_from_settings(tmp_path: Path) -> None:
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(),
        key_file=tmp_path / "unused.key",
        mail_url=f"file://{tmp_path}/outbox",
        mail_from="privacy@example.jp",
    )
    policy = Path(__file__).parents[2] / "examples" / "policy.yaml"
    with open_hogo(f"sqlite:///{tmp_path / 'hogo.db'}", policy, settings=settings) as hogo:
        assert isinstance(hogo.mailer, FileSender)
        assert hogo.mailer.folder == tmp_path / "outbox"
        assert hogo.mailer.sender == "privacy@example.jp"
