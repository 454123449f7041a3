"""A sender over SMTP (stdlib :mod:`smtplib`): plain, STARTTLS, or implicit TLS.

``smtp://[user:password@]host[:port]`` (port 25; ``?starttls=1`` upgrades the connection
before anything else is said), ``smtps://…`` (implicit TLS, port 465). Options in the query:
``timeout`` (seconds, default 10) and ``cafile`` (a CA bundle to trust instead of the
system's, for a relay with a private certificate). Credentials are sent only over TLS unless
the server is on loopback. No error message repeats the password.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from urllib.parse import SplitResult, parse_qs, unquote

from hogo.errors import MailFailed, ValidationFailed
from hogo.mail.message import Mail, to_email
from hogo.mail.sender import MailSender

DEFAULT_TIMEOUT = 10.0
PORTS = {"smtp": 25, "smtps": 465}
LOOPBACK = ("localhost", "127.0.0.1", "::1")
TRUE = ("1", "true", "yes")


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to connect; the password never appears in a ``repr``."""

    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @property
    def where(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"{scheme}://{self.host}:{self.port}"


class SmtpSender(MailSender):
    """Opens one connection per message: simple, and nothing to keep alive between requests."""

    def __init__(
        self, config: SmtpConfig, sender: str, *, tls_context: ssl.SSLContext | None = None
    ) -> None:
        encrypted = config.implicit_tls or config.starttls
        if config.username and not encrypted and config.host not in LOOPBACK:
            raise ValidationFailed(
                f"{config.where}: credentials are sent only over TLS; use smtps:// or ?starttls=1"
            )
        if not f"{config.username or ''}{config.password or ''}".isascii():
            raise ValidationFailed(f"{config.where}: SMTP user names and passwords are ASCII")
        self.config = config
        self.sender = sender
        self._tls = tls_context or ssl.create_default_context()

    def send(self, message: Mail) -> None:
        email = to_email(message, self.sender)
        try:
            with self._connect() as client:
                if self.config.starttls:
                    client.starttls(context=self._tls)
                if self.config.username:
                    client.login(self.config.username, self.config.password or "")
                client.send_message(email)
        except smtplib.SMTPRecipientsRefused:
            raise MailFailed(f"{self.config.where} refused the recipient") from None
        except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
            raise MailFailed(f"cannot send mail via {self.config.where}: {_why(error)}") from None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if config.implicit_tls:
            return smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=self._tls
            )
        return smtplib.SMTP(config.host, config.port, timeout=config.timeout)

    def __repr__(self) -> str:
        return f"SmtpSender({self.config.where!r})"


def _why(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, smtplib.SMTPResponseException):
        raw = error.smtp_error
        text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw or "")
        return f"{error.smtp_code} {text}".strip()
    return " ".join(str(error).split()) or type(error).__name__


def from_url(url: SplitResult, sender: str) -> SmtpSender:
    """A sender for ``smtp://`` or ``smtps://`` URLs."""
    config = parse_url(url)
    options = parse_qs(url.query)
    cafile = options.get("cafile", [None])[-1]
    context = ssl.create_default_context(cafile=cafile) if cafile else None
    return SmtpSender(config, sender, tls_context=context)


def parse_url(url: SplitResult) -> SmtpConfig:
    implicit = url.scheme == "smtps"
    if not url.hostname:
        raise ValidationFailed(f"a {url.scheme} mail URL needs a host: {url.scheme}://host[:port]")
    try:
        port = url.port or PORTS[url.scheme]
    except ValueError:
        raise ValidationFailed(f"the port of the {url.scheme} mail URL is not a number") from None
    options = parse_qs(url.query)
    starttls = options.get("starttls", ["0"])[-1].lower() in TRUE
    if implicit and starttls:
        raise ValidationFailed("smtps:// is TLS already; starttls applies to smtp:// only")
    return SmtpConfig(
        host=url.hostname,
        port=port,
        implicit_tls=implicit,
        starttls=starttls,
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        timeout=_timeout(options.get("timeout", [str(DEFAULT_TIMEOUT)])[-1]),
    )


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 300:
        raise ValidationFailed(f"mail timeout {text!r} is not a number of seconds up to 300")
    return value
