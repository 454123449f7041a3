"""Domain errors.

Every error hogo raises on purpose is a :class:`HogoError`. Each class carries an HTTP
status and a stable ``code``; the web layer turns them into RFC 9457 problem documents in one
handler, and the CLI prints ``str(error)`` on one line and exits non-zero. Nothing below the
interfaces knows about HTTP or exit codes beyond these two class attributes.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "AuditBroken",
    "AuditFailure",
    "CodeExpired",
    "CodeInvalid",
    "CodeLocked",
    "CodeUsed",
    "Conflict",
    "Forbidden",
    "HogoError",
    "KeyMismatch",
    "KeyMissing",
    "MailFailed",
    "NotFound",
    "PolicyError",
    "ProvisionRefused",
    "RateLimited",
    "StorageRefused",
    "TooLarge",
    "Unauthenticated",
    "ValidationFailed",
]


class HogoError(Exception):
    """Base class: a failure hogo can explain in one sentence."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "error"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class PolicyError(HogoError):
    """The policy file is invalid. ``problems`` holds one ``FILE:LINE: key: message`` each."""

    status = 422
    code = "policy_invalid"
    title = "Invalid policy"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems) if problems else "invalid policy", problems=problems)
        self.problems = problems


class ValidationFailed(HogoError):
    """Input that the policy or the schema does not allow (unknown category, wrong group …)."""

    status = 422
    code = "validation_failed"
    title = "Input not allowed"


class StorageRefused(ValidationFailed):
    """A category whose storage rule forbids keeping the value (e.g. a card security code)."""

    code = "storage_refused"
    title = "Storage refused by policy"


class ProvisionRefused(ValidationFailed):
    """A provision whose basis does not hold (R-29): nothing is exported, nothing recorded.

    ``excluded`` (an extension) lists the people left out and why, when people are the reason.
    """

    code = "provision_refused"
    title = "Provision refused"


class NotFound(HogoError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(HogoError):
    status = 409
    code = "conflict"
    title = "Conflict"


class Unauthenticated(HogoError):
    status = 401
    code = "unauthenticated"
    title = "Missing or invalid API key"


class Forbidden(HogoError):
    status = 403
    code = "forbidden"
    title = "Not allowed for this role"


class KeyMismatch(HogoError):
    """The master key does not open this database's data keys."""

    status = 500
    code = "master_key_mismatch"
    title = "Wrong master key"


class KeyMissing(HogoError):
    status = 500
    code = "master_key_missing"
    title = "No master key"


class AuditFailure(HogoError):
    """The audit entry could not be written, so the operation it records did not happen."""

    status = 503
    code = "audit_unavailable"
    title = "Audit log unavailable"


class AuditBroken(HogoError):
    status = 500
    code = "audit_chain_broken"
    title = "Audit chain broken"

    def __init__(self, detail: str, seq: int) -> None:
        super().__init__(detail, seq=seq)
        self.seq = seq


class RateLimited(HogoError):
    """Too many attempts from one address or client; ``retry_after`` is in seconds."""

    status = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


class TooLarge(HogoError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class MailFailed(HogoError):
    """The mail server could not be reached or refused the message."""

    status = 503
    code = "mail_failed"
    title = "Mail not sent"


class CodeInvalid(HogoError):
    """A one-time code that does not match; ``attempts_left`` says how many tries remain."""

    status = 422
    code = "code_invalid"
    title = "Wrong code"

    def __init__(self, detail: str, attempts_left: int) -> None:
        super().__init__(detail, attempts_left=attempts_left)
        self.attempts_left = attempts_left


class CodeExpired(HogoError):
    status = 410
    code = "code_expired"
    title = "Code expired"


class CodeUsed(HogoError):
    status = 409
    code = "code_used"
    title = "Code already used"


class CodeLocked(HogoError):
    """Too many wrong codes: the challenge can no longer be confirmed."""

    status = 410
    code = "code_locked"
    title = "Too many wrong codes"
