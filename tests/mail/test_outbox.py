"""The file outbox: one RFC 5322 file per message, complete or absent, sorted by time."""

from __future__ import annotations

from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest

from hogo.errors import MailFailed
from hogo.mail.message import Mail
from hogo.mail.outbox import FileSender
from hogo.mail.registry import open_mailer


def parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = BytesParser(policy=default).parse(handle)
    assert isinstance(message, EmailMessage)
    return message


def test_japanese_subject_and_body_round_trip(tmp_path: Path) -> None:
    outbox = open_mailer(f"file://{tmp_path}/outbox", "privacy@example.jp")
    assert isinstance(outbox, FileSender)
    body = "山田太郎様\n\n確認コード: ０１２３４５ — 有効期限 15 分\n絵文字も 🙂\n"
    outbox.send(Mail("taro@example.jp", "【シチズン】ご本人確認コードのお知らせ", body))
    (path,) = outbox.messages()
    raw = path.read_bytes()
    assert raw.isascii()  # RFC 2047 headers, transfer-encoded body
    message = parse(path)
    assert message["Subject"] == "【シチズン】ご本人確認コードのお知らせ"
    assert message["From"] == "privacy@example.jp"
    assert message["To"] == "taro@example.jp"
    assert message["Date"] is not None
    assert message["Message-ID"].endswith("@example.jp>")
    text = message.get_body(("plain",))
    assert text is not None
    assert text.get_content_charset() == "utf-8"
    assert text.get_content() == body


def test_html_alternative(tmp_path: Path) -> None:
    outbox = FileSender(tmp_path, "privacy@example.jp")
    outbox.send(Mail("a@example.jp", "件名", "本文", html="<p>本文</p>"))
    message = parse(outbox.messages()[0])
    html = message.get_body(("html",))
    assert html is not None
    assert "<p>本文</p>" in html.get_content()


def test_files_sort_in_the_order_sent_and_leave_no_temporary_files(tmp_path: Path) -> None:
    outbox = FileSender(tmp_path / "new" / "folder", "privacy@example.jp")
    for number in range(12):
        outbox.send(Mail("a@example.jp", f"message {number}", "text"))
    subjects = [parse(path)["Subject"] for path in outbox.messages()]
    assert subjects == [f"message {number}" for number in range(12)]
    assert [p.name for p in outbox.folder.iterdir() if p.name.startswith(".")] == []


def test_relative_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    outbox = open_mailer("file://outbox/mails", "privacy@example.jp")
    assert isinstance(outbox, FileSender)
    assert outbox.folder == Path("outbox/mails")
    assert not outbox.folder.exists()  # created with the first message only
    outbox.send(Mail("a@example.jp", "s", "t"))
    assert len(list((tmp_path / "outbox" / "mails").glob("*.eml"))) == 1


def test_unwritable_folder_fails_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outbox should be")
    sender = FileSender(blocker / "outbox", "privacy@example.jp")
    with pytest.raises(MailFailed, match="cannot write to the outbox") as caught:
        sender.send(Mail("a@example.jp", "s", "t"))
    assert "\n" not in str(caught.value)
