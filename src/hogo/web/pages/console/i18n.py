"""The console's words in Japanese and English, in the terms of the APPI.

Every label is a :class:`~hogo.policy.model.Text`, as on the data map; :func:`words` picks one
language for a template.
"""

from __future__ import annotations

from typing import Literal

from hogo.policy.model import Text

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
LANG_NAMES: dict[Lang, str] = {"ja": "日本語", "en": "English"}

LABELS: dict[str, Text] = {
    "console": Text(ja="個人情報保護事務局 管理画面", en="Privacy office console"),
    "sign_in": Text(ja="サインイン", en="Sign in"),
    "sign_in_lead": Text(
        ja="発行済みの API キーでサインインしてください。キーは画面にも記録にも残りません。",
        en="Sign in with your API key. The key is never shown or logged.",
    ),
    "api_key": Text(ja="API キー", en="API key"),
    "sign_out": Text(ja="サインアウト", en="Sign out"),
    "signed_in_as": Text(ja="サインイン中", en="Signed in as"),
    "bad_key": Text(
        ja="API キーが正しくないか、失効しています。", en="The API key is wrong or revoked."
    ),
    "requests": Text(ja="開示等の請求", en="Rights requests"),
    "request": Text(ja="請求", en="Request"),
    "inquiry": Text(ja="苦情・問合せ", en="Inquiry"),
    "inquiries": Text(ja="苦情・問合せ", en="Inquiries"),
    "data_map": Text(ja="個人データの取扱い一覧", en="Data map"),
    "recipients": Text(ja="提供先（委託先・第三者）", en="Recipients"),
    "provisions": Text(ja="提供記録", en="Provision log"),
    "joint_use": Text(ja="共同利用", en="Joint use"),
    "retention": Text(ja="保存期間", en="Retention"),
    "open_count": Text(ja="未完了", en="Open"),
    "overdue_count": Text(ja="期限超過", en="Overdue"),
    "suable_count": Text(ja="訴え提起が可能", en="May sue"),
    "none_open": Text(ja="未完了の請求はありません。", en="No open requests."),
    "id": Text(ja="番号", en="No."),
    "kind": Text(ja="請求の種類", en="Kind"),
    "regime": Text(ja="適用法令", en="Regime"),
    "status": Text(ja="状態", en="Status"),
    "received": Text(ja="受付日時", en="Received"),
    "due": Text(ja="対応期限", en="Due"),
    "may_sue_from": Text(ja="訴え提起が可能となる日（第39条）", en="May sue from (APPI A39)"),
    "overdue": Text(ja="期限超過", en="overdue"),
    "may_sue_now": Text(ja="訴え提起可能", en="may sue now"),
    "extended": Text(ja="延長済み", en="extended"),
    "subject": Text(ja="本人（番号）", en="Subject (id)"),
    "group": Text(ja="本人の区分", en="Subject group"),
    "fee": Text(ja="手数料（円）", en="Fee (JPY)"),
    "a35_ground": Text(ja="請求の理由（第35条）", en="Ground (APPI A35)"),
    "decision_ground": Text(ja="判断の根拠", en="Ground of the decision"),
    "reason": Text(ja="理由", en="Reason"),
    "closed": Text(ja="完了日時", en="Closed"),
    "timeline": Text(ja="経過", en="Timeline"),
    "time": Text(ja="日時", en="Time"),
    "actor": Text(ja="担当", en="Actor"),
    "change": Text(ja="状態の変化", en="Change"),
    "detail": Text(ja="詳細", en="Detail"),
    "actions": Text(ja="対応", en="Actions"),
    "no_actions": Text(ja="この請求は完了しています。", en="This request is closed."),
    "verify": Text(ja="本人確認済みにする", en="Mark identity verified"),
    "verify_lead": Text(
        ja="請求者が本人（又は代理人）であることを確認しました。",
        en="The requester's identity (or the agent's authority) has been checked.",
    ),
    "fulfil": Text(ja="請求に応じる", en="Fulfil"),
    "fulfil_lead": Text(
        ja="請求の内容を保有個人データに対して実行し、完了とします。",
        en="Do what the request asks, from the vault, and close it.",
    ),
    "item_id": Text(ja="訂正する項目の番号", en="Item id to correct"),
    "new_value": Text(ja="訂正後の内容", en="New value"),
    "purposes": Text(
        ja="対象の利用目的（指定がなければ請求のとおり）", en="Purposes (none: as requested)"
    ),
    "partial_reason": Text(ja="一部のみ応じる理由（任意）", en="Why only in part (optional)"),
    "ground_optional": Text(
        ja="一部のみ応じる根拠（任意）", en="Ground for a partial answer (optional)"
    ),
    "ground": Text(ja="根拠", en="Ground"),
    "choose": Text(ja="選択してください", en="Choose"),
    "refuse": Text(ja="措置をとらない旨を決定する", en="Refuse"),
    "refuse_lead": Text(
        ja="理由を本人に通知します（第36条）。", en="The reason is told to the person (APPI A36)."
    ),
    "extend": Text(ja="期限を延長する（GDPR）", en="Extend (GDPR)"),
    "extend_lead": Text(
        ja="GDPR 第12条第3項により2か月延長します。理由は本人に通知します。",
        en="Two more months under GDPR Art. 12(3); the reason is told to the person.",
    ),
    "outcome": Text(ja="対応結果", en="Outcome"),
    "answer": Text(ja="回答ファイルをダウンロード", en="Download the answer"),
    "error": Text(ja="エラー", en="Error"),
    "back_to_queue": Text(ja="請求の一覧へ", en="Back to the queue"),
    "csrf": Text(
        ja="フォームの確認用トークンが一致しません。画面を開き直してから操作してください。",
        en="The form's check token does not match. Reload the page and try again.",
    ),
    "forbidden": Text(ja="この操作は許可されていません", en="Not allowed"),
    "not_found": Text(ja="見つかりません", en="Not found"),
    "done_verify": Text(ja="本人確認済みにしました。", en="Marked as verified."),
    "done_fulfil": Text(ja="請求に応じ、完了しました。", en="The request was fulfilled."),
    "done_refuse": Text(ja="措置をとらない旨を記録しました。", en="The refusal was recorded."),
    "done_extend": Text(ja="期限を延長しました。", en="The due date was extended."),
    "channel": Text(ja="受付窓口", en="Channel"),
    "assigned_to": Text(ja="担当者", en="Handler"),
    "none_open_inquiries": Text(ja="未完了の苦情・問合せはありません。", en="No open inquiries."),
    "messages": Text(ja="やりとり", en="Messages"),
    "contact": Text(ja="連絡先", en="Contact"),
    "name": Text(ja="氏名", en="Name"),
    "email": Text(ja="メールアドレス", en="E-mail"),
    "author": Text(ja="差出人", en="From"),
    "text": Text(ja="本文", en="Text"),
    "assign": Text(ja="担当者を決める", en="Assign"),
    "reply": Text(ja="回答を記録する", en="Record the reply"),
    "reply_text": Text(ja="本人に送った回答", en="The reply sent to the person"),
    "close": Text(ja="完了にする", en="Close"),
    "resolution": Text(ja="対応の結果", en="Resolution"),
    "done_assign": Text(ja="担当者を記録しました。", en="The handler was recorded."),
    "done_reply": Text(ja="回答を記録しました。", en="The reply was recorded."),
    "done_close": Text(ja="完了にしました。", en="The inquiry was closed."),
    "shredded": Text(ja="保存期間の経過等により内容は消去済み", en="Messages destroyed"),
}

KINDS: dict[str, Text] = {
    "purpose_notice": Text(ja="利用目的の通知", en="Purpose notice"),
    "disclosure": Text(ja="開示", en="Disclosure"),
    "provision_records": Text(ja="第三者提供記録の開示", en="Provision records"),
    "correction": Text(ja="訂正等", en="Correction"),
    "suspension": Text(ja="利用停止", en="Suspension of use"),
    "erasure": Text(ja="消去", en="Erasure"),
    "provision_stop": Text(ja="第三者提供の停止", en="Stop of third-party provision"),
    "portability": Text(ja="データポータビリティ（GDPR）", en="Portability (GDPR)"),
    "objection": Text(ja="異議（GDPR）", en="Objection (GDPR)"),
    "restriction": Text(ja="処理の制限（GDPR）", en="Restriction (GDPR)"),
    "consent_withdrawal": Text(ja="同意の撤回", en="Consent withdrawal"),
}

STATUSES: dict[str, Text] = {
    "received": Text(ja="受付", en="Received"),
    "verified": Text(ja="本人確認済み", en="Verified"),
    "in_progress": Text(ja="対応中", en="In progress"),
    "fulfilled": Text(ja="対応済み", en="Fulfilled"),
    "partially_fulfilled": Text(ja="一部対応", en="Partly fulfilled"),
    "refused": Text(ja="措置をとらない旨の決定", en="Refused"),
    "open": Text(ja="未対応", en="Open"),
    "assigned": Text(ja="担当者決定", en="Assigned"),
    "answered": Text(ja="回答済み", en="Answered"),
    "closed": Text(ja="完了", en="Closed"),
}

REGIMES: dict[str, Text] = {
    "appi": Text(ja="個人情報保護法", en="APPI"),
    "gdpr": Text(ja="GDPR", en="GDPR"),
}

GROUNDS: dict[str, Text] = {
    "harm_to_person_or_others": Text(
        ja="本人又は第三者の生命、身体、財産その他の権利利益を害するおそれ（第33条第2項第1号）",
        en="Harm to the person or others (APPI A33(2)(i))",
    ),
    "serious_business_hindrance": Text(
        ja="業務の適正な実施に著しい支障を及ぼすおそれ（第33条第2項第2号）",
        en="Serious hindrance to the business (A33(2)(ii))",
    ),
    "violation_of_other_laws": Text(
        ja="他の法令に違反することとなる（第33条第2項第3号）",
        en="Would violate other laws (A33(2)(iii))",
    ),
    "purpose_notice_exception": Text(
        ja="利用目的の通知を要しない場合（第32条第2項）",
        en="No purpose notice needed (A32(2))",
    ),
    "content_not_untrue": Text(
        ja="内容が事実でないとはいえない（第34条）", en="The content is not untrue (A34)"
    ),
    "no_statutory_ground": Text(
        ja="法定の理由が認められない（第35条）", en="No statutory ground (A35)"
    ),
    "alternative_measure": Text(
        ja="多額の費用を要する等のため代替措置をとる（第35条）",
        en="Alternative measure: compliance very costly or difficult (A35)",
    ),
    "data_not_held": Text(ja="保有個人データが存在しない", en="No such data held"),
    "identity_not_verified": Text(ja="本人確認ができない", en="Identity not verified"),
    "manifestly_unfounded": Text(
        ja="明らかに根拠がない（GDPR 第12条第5項）", en="Manifestly unfounded (GDPR Art. 12(5))"
    ),
    "excessive": Text(ja="過剰な請求（GDPR 第12条第5項）", en="Excessive (GDPR Art. 12(5))"),
}

A35_GROUNDS: dict[str, Text] = {
    "a18_beyond_purpose": Text(
        ja="利用目的の達成に必要な範囲を超えた取扱い（第18条）", en="Use beyond the purpose (A18)"
    ),
    "a19_improper_use": Text(ja="不適正な利用（第19条）", en="Improper use (A19)"),
    "a20_improper_acquisition": Text(
        ja="不正の手段による取得（第20条）", en="Improper acquisition (A20)"
    ),
    "a27_provision_without_consent": Text(
        ja="同意のない第三者提供（第27条）", en="Provision without consent (A27)"
    ),
    "a28_foreign_provision": Text(
        ja="外国にある第三者への違法な提供（第28条）", en="Unlawful foreign provision (A28)"
    ),
    "no_longer_needed": Text(
        ja="利用する必要がなくなった（第35条第5項）", en="No longer needed (A35(5))"
    ),
    "reportable_leak": Text(
        ja="報告対象となる漏えい等が生じた（第35条第5項）", en="A reportable leak (A35(5))"
    ),
    "rights_at_risk": Text(
        ja="本人の権利又は正当な利益が害されるおそれ（第35条第5項）",
        en="The person's rights at risk (A35(5))",
    ),
}

TICKET_KINDS: dict[str, Text] = {
    "question": Text(ja="問合せ", en="Question"),
    "complaint": Text(ja="苦情", en="Complaint"),
    "request": Text(ja="請求・依頼", en="Request"),
}


def pick(table: dict[str, Text], key: str, lang: Lang) -> str:
    """The word for ``key`` in ``lang``; an unknown key stands for itself."""
    text = table.get(key)
    return key if text is None else str(getattr(text, lang))


def words(lang: Lang) -> dict[str, str]:
    """Every label in one language, for a template."""
    return {key: str(getattr(text, lang)) for key, text in LABELS.items()}
