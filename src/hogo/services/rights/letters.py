"""The mails the privacy center sends to people, in Japanese or English.

Japanese text uses the terms of the APPI (保有個人データ, 開示, 利用停止 …). Times are shown
in Japan time in Japanese and in UTC in English; dates as ISO dates in both.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from hogo.policy.model import Policy
from hogo.services.rights.deadlines import JAPAN
from hogo.services.rights.requests import RightsRequest

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
EVENTS = ("verified", "fulfilled", "partially_fulfilled", "refused", "extended")

KIND_NAMES: dict[str, tuple[str, str]] = {
    "purpose_notice": ("利用目的の通知", "notice of the purposes of use"),
    "disclosure": ("開示", "disclosure"),
    "provision_records": ("第三者提供記録の開示", "disclosure of third-party provision records"),
    "correction": ("訂正・追加・削除", "correction, addition or deletion"),
    "suspension": ("利用停止", "suspension of use"),
    "erasure": ("消去", "erasure"),
    "provision_stop": ("第三者提供の停止", "stop of provision to third parties"),
    "portability": ("データポータビリティ", "data portability"),
    "objection": ("処理への異議", "objection to processing"),
    "restriction": ("処理の制限", "restriction of processing"),
    "consent_withdrawal": ("同意の撤回", "withdrawal of consent"),
}


def language(value: object) -> Lang:
    """``ja`` or ``en``; anything else falls back to Japanese."""
    return "en" if value == "en" else "ja"


def kind_name(kind: str, lang: Lang) -> str:
    names = KIND_NAMES.get(kind, (kind, kind))
    return names[0] if lang == "ja" else names[1]


def _signature(policy: Policy, lang: Lang) -> str:
    desk = policy.inquiry_desk.name
    return f"--\n{desk.ja if lang == 'ja' else desk.en}\n{policy.inquiry_desk.form_url}\n"


def code_letter(
    policy: Policy, lang: Lang, kind: str, code: str, expires_at: dt.datetime
) -> tuple[str, str]:
    """Subject and body of the mail carrying a one-time code (R-44)."""
    controller = policy.controller.name
    if lang == "ja":
        until = expires_at.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M（日本時間）")
        subject = f"【{controller.ja}】ご本人確認コードのお知らせ"
        body = (
            f"保有個人データの{kind_name(kind, lang)}のご請求を受け付けました。\n"
            "ご本人確認のため、次の確認コードを請求画面に入力してください。\n\n"
            f"確認コード: {code}\n有効期限: {until}\n\n"
            "お心当たりのない場合は、このメールを破棄してください。"
            "確認コードが入力されない限り、ご請求は処理されません。\n"
        )
    else:
        until = expires_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        subject = f"{controller.en}: your verification code"
        body = (
            f"We have received a request for {kind_name(kind, lang)} of your personal data.\n"
            "To confirm that it comes from you, enter this code on the request page.\n\n"
            f"Code: {code}\nValid until: {until}\n\n"
            "If you did not make this request, ignore this message: nothing is done unless "
            "the code is entered.\n"
        )
    return subject, body + "\n" + _signature(policy, lang)


def notice_letter(
    policy: Policy, request: RightsRequest, event: str, lang: Lang, extension_reason: str | None
) -> tuple[str, str]:
    """Subject and body of the notice of a step or decision on a request (R-43, G-05)."""
    controller = policy.controller.name
    kind = kind_name(request.kind, lang)
    if lang == "ja":
        subject = f"【{controller.ja}】{kind}のご請求について"
        body = _ja_body(request, event, kind, extension_reason)
    else:
        subject = f"{controller.en}: your request for {kind}"
        body = _en_body(request, event, kind, extension_reason)
    return subject, body + "\n" + _signature(policy, lang)


def _ja_body(request: RightsRequest, event: str, kind: str, extension: str | None) -> str:
    received = request.received_at.astimezone(JAPAN).date().isoformat()
    opening = (
        f"{received}に受け付けた保有個人データの{kind}のご請求について、ご連絡いたします。\n\n"
    )
    texts = {
        "verified": (
            f"ご本人確認が完了しました。{request.effective_due.isoformat()}までに"
            "ご回答いたします。\n"
        ),
        "fulfilled": "ご請求への対応が完了しました。\n",
        "partially_fulfilled": (
            "ご請求の一部について、ご請求とは異なる措置をとりました。\n"
            f"理由: {request.reason or ''}\n"
        ),
        "refused": f"ご請求には応じられないこととなりました。\n理由: {request.reason or ''}\n",
        "extended": (
            f"回答期限を{request.effective_due.isoformat()}まで延長させていただきます。\n"
            f"理由: {extension or ''}\n"
        ),
    }
    text = opening + texts[event]
    if event in ("refused", "partially_fulfilled") and request.regime == "gdpr":
        text += (
            "\nこの決定について、監督機関に苦情を申し立てる権利、及び裁判所に司法上の救済を"
            "求める権利があります（GDPR第12条第4項）。\n"
        )
    return text


def _en_body(request: RightsRequest, event: str, kind: str, extension: str | None) -> str:
    received = request.received_at.astimezone(dt.UTC).date().isoformat()
    opening = f"This is about your request for {kind} of your personal data of {received}.\n\n"
    texts = {
        "verified": (
            "We have confirmed your identity. We will answer by "
            f"{request.effective_due.isoformat()}.\n"
        ),
        "fulfilled": "We have done what you asked.\n",
        "partially_fulfilled": (
            "We have done part of what you asked, or taken a measure other than the one you "
            f"asked for.\nReason: {request.reason or ''}\n"
        ),
        "refused": f"We cannot do what you asked.\nReason: {request.reason or ''}\n",
        "extended": (
            f"We need more time: we will answer by {request.effective_due.isoformat()}.\n"
            f"Reason: {extension or ''}\n"
        ),
    }
    text = opening + texts[event]
    if event in ("refused", "partially_fulfilled") and request.regime == "gdpr":
        text += (
            "\nYou have the right to lodge a complaint with a supervisory authority and to "
            "seek a judicial remedy before a court (GDPR Art. 12(4)).\n"
        )
    return text
