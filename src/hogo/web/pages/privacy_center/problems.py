"""What went wrong, told to the person in their language, with the HTTP status of the page.

A :class:`Problem` is a message key and the values the message needs. The services' errors
map onto keys by their class (and their stable ``code``); a request that does not fit the
form's model onto the key of the first field at fault. What has no key of its own is
``invalid``: a general sentence in the page's language, followed by the service's detail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from fastapi.exceptions import RequestValidationError

from hogo.errors import HogoError, RateLimited
from hogo.policy.model import Text
from hogo.services.rights.attachments import MAX_BYTES
from hogo.services.rights.submission import MAX_DESCRIPTION, MAX_NAME
from hogo.web.pages.privacy_center.words import Lang, say

MEGABYTES = MAX_BYTES // (1024 * 1024)


@dataclass(frozen=True, slots=True)
class Problem:
    """A message key, its values, and the status of the page that shows it."""

    key: str
    status: int = 422
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: Lang) -> str:
        template = MESSAGES.get(self.key, MESSAGES["invalid"])
        return say(template, lang).format(**{"detail": "", **self.values})


MESSAGES: dict[str, Text] = {
    "invalid": Text(
        ja="請求を受け付けられませんでした。入力内容をご確認ください。{detail}",
        en="The request could not be accepted. Please check what you entered. {detail}",
    ),
    "rate_limited": Text(
        ja="短い時間に請求が多すぎます。{minutes} 分ほど待ってから、もう一度お試しください。",
        en="Too many requests in a short time. Please try again in about {minutes} minutes.",
    ),
    "too_large": Text(
        ja=f"代理権を証明する書類のファイルは {MEGABYTES} MB までです。"
        "小さくしてから、もう一度選んでください。",
        en=f"A proof file can be at most {MEGABYTES} MB. Make it smaller and choose it again.",
    ),
    "email_invalid": Text(
        ja="メールアドレスを name@example.jp のような形で入力してください。",
        en="Enter an e-mail address like name@example.jp.",
    ),
    "kind_missing": Text(ja="請求の種類を選んでください。", en="Choose what you ask for."),
    "regime_missing": Text(ja="適用される法律を選んでください。", en="Choose the law."),
    "gdpr_only": Text(
        ja="データポータビリティと処理の制限は GDPR に基づく権利です。"
        "GDPR を選ぶか、別の請求を選んでください。",
        en="Portability and restriction are rights under the GDPR: choose the GDPR, or "
        "another request.",
    ),
    "ground_missing": Text(
        ja="利用停止・消去・第三者提供の停止の請求では、請求の理由を選んでください。",
        en="For a suspension, erasure or stop of provision, choose why you ask.",
    ),
    "ground_mismatch": Text(
        ja="選んだ理由はこの請求には当てはまりません。請求の種類に合う理由を選んでください。",
        en="That ground does not fit this request. Choose a ground listed for it.",
    ),
    "method_invalid": Text(
        ja="開示の方法を選び直してください。", en="Choose the method of disclosure again."
    ),
    "description_too_long": Text(
        ja=f"内容は {MAX_DESCRIPTION} 文字以内で入力してください。",
        en=f"Keep the description to {MAX_DESCRIPTION} characters.",
    ),
    "agent_incomplete": Text(
        ja="代理人の種類とお名前の両方を入力してください。",
        en="Give both the kind of agent and the agent's name.",
    ),
    "agent_name_invalid": Text(
        ja=f"代理人のお名前は {MAX_NAME} 文字以内で入力してください。",
        en=f"Keep the agent's name to {MAX_NAME} characters.",
    ),
    "proof_missing": Text(
        ja="代理人による請求では、代理権を証明する書類（委任状など）を添付してください。",
        en="An agent attaches a proof of authority, such as a power of attorney.",
    ),
    "proof_without_agent": Text(
        ja="書類は代理人による請求の場合にだけ添付できます。代理人の欄を記入するか、"
        "ファイルを外してください。",
        en="A file is attached only to an agent's request: fill in the agent's details, or "
        "remove the file.",
    ),
    "proof_type": Text(
        ja="書類は PDF・PNG・JPEG のいずれかのファイルで添付してください。",
        en="Attach the proof as a PDF, PNG or JPEG file.",
    ),
    "code_format": Text(
        ja="確認コードは 6 桁の数字で入力してください。", en="The code is 6 digits."
    ),
    "code_invalid": Text(
        ja="確認コードが違います。あと {left} 回入力できます。",
        en="That code is not right. You have {left} more tries.",
    ),
    "code_invalid_one": Text(
        ja="確認コードが違います。あと 1 回入力できます。",
        en="That code is not right. You have one more try.",
    ),
    "code_invalid_last": Text(
        ja="確認コードが違います。このコードはもう入力できません。改めて請求してください。",
        en="That code is not right, and no tries are left. Please make the request again.",
    ),
    "code_expired": Text(
        ja="確認コードの有効期限が切れました。お手数ですが、改めて請求してください。",
        en="The code has expired. Please make the request again.",
    ),
    "code_used": Text(
        ja="この確認コードは使用済みです。請求の状況は、確認したときに表示したリンクで"
        "ご確認ください。",
        en="This code was already used. Follow your request with the link shown when you "
        "confirmed it.",
    ),
    "code_locked": Text(
        ja="確認コードの誤りが多すぎるため、このコードは使えなくなりました。"
        "改めて請求してください。",
        en="Too many wrong codes: this code can no longer be used. Please make the request again.",
    ),
    "challenge_unknown": Text(
        ja="この確認手続は見つかりません。改めて請求してください。",
        en="This confirmation is unknown. Please make the request again.",
    ),
}

BY_CODE = {
    "payload_too_large": "too_large",
    "code_expired": "code_expired",
    "code_used": "code_used",
    "code_locked": "code_locked",
    "not_found": "challenge_unknown",
}
BY_FIELD = {
    "email": "email_invalid",
    "kind": "kind_missing",
    "regime": "regime_missing",
    "ground": "ground_mismatch",
    "method": "method_invalid",
    "description": "description_too_long",
    "agent_type": "agent_incomplete",
    "agent_name": "agent_name_invalid",
}


def from_error(error: HogoError) -> Problem:
    """The problem a service's error stands for, with the error's own status."""
    if isinstance(error, RateLimited):
        minutes = max(1, math.ceil(error.retry_after / 60))
        return Problem("rate_limited", error.status, {"minutes": minutes})
    if error.code == "code_invalid":
        left = int(error.extensions.get("attempts_left", 0))
        key = {0: "code_invalid_last", 1: "code_invalid_one"}.get(left, "code_invalid")
        return Problem(key, error.status, {"left": left})
    known = BY_CODE.get(error.code)
    if known is not None:
        return Problem(known, error.status)
    return Problem("invalid", error.status, {"detail": f"({error.detail})"})


def from_validation(error: RequestValidationError) -> Problem:
    """The problem of the first field the form's model refused."""
    for item in error.errors():
        location = [part for part in item.get("loc", ()) if part != "body"]
        key = BY_FIELD.get(str(location[0])) if location else None
        if key is not None:
            return Problem(key)
    return Problem("invalid")
