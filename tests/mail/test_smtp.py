"""The SMTP sender against a real SMTP server on loopback: plain, STARTTLS, SMTPS, login,
and one-line failures (R-18: credentials only over TLS)."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from hogo.errors import MailFailed, ValidationFailed
from hogo.mail.message import Mail
from hogo.mail.registry import open_mailer
from hogo.mail.smtp import SmtpConfig, SmtpSender, parse_url

from .smtp_support import PASSWORD, USER, Certificate, StartServer, check_login, free_port

SENDER = "プライバシー窓口 <privacy@example.jp>"
MAIL = Mail("taro@example.jp", "【確認】ご本人確認コード", "確認コード: 123456\n")


def received(envelope: Any) -> EmailMessage:
    parsed = message_from_bytes(envelope.original_content, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_plain_smtp_delivers_a_japanese_message(smtp_server: StartServer) -> None:
    server = smtp_server()
    open_mailer(f"smtp://127.0.0.1:{server.port}", SENDER).send(MAIL)
    (envelope,) = server.inbox.envelopes
    assert envelope.rcpt_tos == ["taro@example.jp"]
    message = received(envelope)
    assert message["Subject"] == "【確認】ご本人確認コード"
    assert message["To"] == "taro@example.jp"
    assert "privacy@example.jp" in message["From"]
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content() == "確認コード: 123456\n"
    assert envelope.original_content.isascii()  # headers and body encoded for any relay


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_on_loopback(smtp_server: StartServer) -> None:
    server = smtp_server(authenticator=check_login, auth_required=True, auth_require_tls=False)
    url = f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{server.port}"
    open_mailer(url, SENDER).send(MAIL)
    assert len(server.inbox.envelopes) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_wrong_password_fails_in_one_line_without_the_password(smtp_server: StartServer) -> None:
    server = smtp_server(
        authenticator=check_login,
        auth_required=True,
        auth_require_tls=False,
    )
    url = f"smtp://{USER}:wrong-secret@127.0.0.1:{server.port}"
    with pytest.raises(MailFailed) as caught:
        open_mailer(url, SENDER).send(MAIL)
    message = str(caught.value)
    assert "\n" not in message
    assert "wrong-secret" not in message
    assert message.startswith(f"cannot send mail via smtp://127.0.0.1:{server.port}: 535")
    assert caught.value.status == 503


def test_R18_starttls(smtp_server: StartServer, certificate: Certificate) -> None:
    """``?starttls=1`` upgrades before the login; the relay's private CA via ``cafile``."""
    server = smtp_server(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticator=check_login,
        auth_required=True,
    )
    url = (
        f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{server.port}"
        f"?starttls=1&cafile={certificate.cert_file}"
    )
    open_mailer(url, SENDER).send(MAIL)
    assert len(server.inbox.envelopes) == 1


def test_R18_starttls_refuses_an_untrusted_certificate(
    smtp_server: StartServer, certificate: Certificate
) -> None:
    server = smtp_server(tls_context=certificate.server_context(), require_starttls=True)
    with pytest.raises(MailFailed, match="CERTIFICATE_VERIFY_FAILED"):
        open_mailer(f"smtp://127.0.0.1:{server.port}?starttls=1", SENDER).send(MAIL)
    assert server.inbox.envelopes == []


def test_R18_smtps(smtp_server: StartServer, certificate: Certificate) -> None:
    server = smtp_server(ssl_context=certificate.server_context())
    config = SmtpConfig(host="127.0.0.1", port=server.port, implicit_tls=True)
    SmtpSender(config, SENDER, tls_context=certificate.client_context()).send(MAIL)
    assert received(server.inbox.envelopes[0])["Subject"] == MAIL.subject


def test_refused_recipient(smtp_server: StartServer) -> None:
    server = smtp_server()
    server.inbox.refuse.add("taro@example.jp")
    with pytest.raises(MailFailed, match="refused the recipient"):
        open_mailer(f"smtp://127.0.0.1:{server.port}", SENDER).send(MAIL)


def test_no_server_fails_in_one_line() -> None:
    port = free_port()
    with pytest.raises(MailFailed) as caught:
        open_mailer(f"smtp://127.0.0.1:{port}?timeout=2", SENDER).send(MAIL)
    assert str(caught.value).startswith(f"cannot send mail via smtp://127.0.0.1:{port}: ")
    assert "\n" not in str(caught.value)


def test_a_silent_server_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(MailFailed, match="timed out"):
            open_mailer(f"smtp://127.0.0.1:{port}?timeout=0.3", SENDER).send(MAIL)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.jp", ("mail.example.jp", 25, False, False, None)),
        (
            "smtp://u%40x:p@mail.example.jp:587?starttls=1",
            ("mail.example.jp", 587, False, True, "u@x"),
        ),
        ("smtps://mail.example.jp", ("mail.example.jp", 465, True, False, None)),
    ],
)
def test_parse_url(url: str, expected: tuple[object, ...]) -> None:
    config = parse_url(urlsplit(url))
    assert (config.host, config.port, config.implicit_tls, config.starttls, config.username) == (
        expected
    )
    assert "p@" not in repr(config)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtp://", "needs a host"),
        ("smtp://host:port", "not a number"),
        ("smtps://host?starttls=1", "TLS already"),
        ("smtp://host?timeout=0", "timeout"),
        ("smtp://host?timeout=soon", "timeout"),
        ("smtp://user:secret@mail.example.jp", "only over TLS"),
        ("smtps://user:s%C3%A4cret@mail.example.jp", "ASCII"),
    ],
)
def test_bad_smtp_urls(url: str, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message) as caught:
        open_mailer(url, SENDER)
    assert "secret" not in str(caught.value)
