"""What a person can ask for, in plain words: each right with its law, the A35 grounds, the
disclosure methods, the kinds of agent and the states a request goes through.

A right is named by its APPI term (利用目的の通知, 開示 …) and, where the GDPR has a
counterpart, by the GDPR term as well; the GDPR-only rights by their GDPR term.
"""

from __future__ import annotations

from dataclasses import dataclass

from hogo.policy.model import Policy, Text
from hogo.services.rights.kinds import (
    A35_2022_GROUNDS,
    A35_GROUNDS,
    ALWAYS_OFFERED,
    GDPR_ONLY_KINDS,
    REQUEST_KINDS,
)
from hogo.web.pages.privacy_center.words import Lang, say

METHOD_KINDS = ("disclosure", "provision_records")  # APPI A33(1), (5): the person chooses


@dataclass(frozen=True, slots=True)
class Right:
    """One kind of request: its name, the GDPR counterpart, what it does, and the law."""

    name: Text
    gdpr: Text | None
    explains: Text
    law: Text


def _t(ja: str, en: str) -> Text:
    return Text(ja=ja, en=en)


RIGHTS: dict[str, Right] = {
    "purpose_notice": Right(
        _t("利用目的の通知", "Notice of the purposes of use"),
        _t("情報を受ける権利", "right to be informed"),
        _t(
            "当社があなたの個人データを何のために利用しているかをお知らせします。",
            "We tell you what we use your personal data for.",
        ),
        _t("個人情報保護法第32条第2項、GDPR 第15条第1項(a)", "APPI A32(2); GDPR Art. 15(1)(a)"),
    ),
    "disclosure": Right(
        _t("開示", "Disclosure"),
        _t("アクセス権", "right of access"),
        _t(
            "当社が保有するあなたの個人データを、利用目的、提供先、保存期間などとともに、"
            "ご希望の方法でお渡しします。",
            "We give you the personal data we hold about you, with its purposes, recipients "
            "and retention, in the form you choose.",
        ),
        _t("個人情報保護法第33条第1項、GDPR 第15条", "APPI A33(1); GDPR Art. 15"),
    ),
    "provision_records": Right(
        _t("第三者提供記録の開示", "Disclosure of third-party provision records"),
        _t("提供先についての情報", "the recipients of your data"),
        _t(
            "あなたの個人データを第三者に提供した記録や、第三者から受け取った記録をお見せします。",
            "We show you our records of providing your data to third parties, or of receiving "
            "it from them.",
        ),
        _t("個人情報保護法第33条第5項、GDPR 第15条第1項(c)", "APPI A33(5); GDPR Art. 15(1)(c)"),
    ),
    "correction": Right(
        _t("訂正・追加・削除", "Correction, addition or deletion"),
        _t("訂正の権利", "right to rectification"),
        _t(
            "事実でない個人データを調べて、訂正・追加・削除し、その結果をお知らせします。",
            "If data we hold about you is untrue, we look into it, correct, complete or delete "
            "it, and tell you the result.",
        ),
        _t("個人情報保護法第34条、GDPR 第16条", "APPI A34; GDPR Art. 16"),
    ),
    "suspension": Right(
        _t("利用停止", "Suspension of use"),
        None,
        _t(
            "目的外の利用、不適正な利用や取得があった場合、利用する必要がなくなった場合などに、"
            "個人データの利用を停止します。",
            "We stop using your data when it is used beyond its purpose or improperly, was "
            "obtained improperly, is no longer needed, or in the other cases of the law.",
        ),
        _t("個人情報保護法第35条第1項・第5項", "APPI A35(1), (5)"),
    ),
    "erasure": Right(
        _t("消去", "Erasure"),
        _t("消去の権利", "right to erasure"),
        _t(
            "同じ場合に、個人データを消去します。法令で保存が義務付けられている記録は、"
            "その期間が終わるまで利用を止めて保存することがあります。",
            "In the same cases we erase your data. Records the law makes us keep are set aside, "
            "unused, until that period ends.",
        ),
        _t("個人情報保護法第35条第1項・第5項、GDPR 第17条", "APPI A35(1), (5); GDPR Art. 17"),
    ),
    "provision_stop": Right(
        _t("第三者提供の停止", "Stop of provision to third parties"),
        None,
        _t(
            "同意のない第三者提供や外国にある第三者への違法な提供があった場合などに、"
            "第三者への提供を停止します。",
            "We stop providing your data to third parties when that happens without your "
            "consent, unlawfully abroad, or in the other cases of the law.",
        ),
        _t("個人情報保護法第35条第3項・第5項", "APPI A35(3), (5)"),
    ),
    "portability": Right(
        _t("データポータビリティ", "Data portability"),
        None,
        _t(
            "あなたが当社に提供したデータを、機械で読み取れる形式（JSON・CSV）でお渡しします。",
            "We give you the data you provided to us in a machine-readable form (JSON, CSV).",
        ),
        _t("GDPR 第20条", "GDPR Art. 20"),
    ),
    "objection": Right(
        _t("処理への異議", "Objection to processing"),
        None,
        _t(
            "正当な利益などを根拠とする処理に異議を述べられます。ダイレクトマーケティングの"
            "ための利用は必ず停止します。",
            "You may object to processing based on our legitimate interests; use for direct "
            "marketing always stops.",
        ),
        _t("GDPR 第21条", "GDPR Art. 21"),
    ),
    "restriction": Right(
        _t("処理の制限", "Restriction of processing"),
        None,
        _t(
            "データの正確性を争っている間などに、保存以外の処理を止めます。",
            "While, for example, you contest the accuracy of your data, we only store it and "
            "do nothing else with it.",
        ),
        _t("GDPR 第18条", "GDPR Art. 18"),
    ),
    "consent_withdrawal": Right(
        _t("同意の撤回", "Withdrawal of consent"),
        None,
        _t(
            "同意に基づく利用について、いつでも同意を撤回できます。撤回は同意と同じように"
            "簡単にできます。",
            "You may withdraw a consent you gave at any time, as easily as you gave it.",
        ),
        _t("GDPR 第7条第3項", "GDPR Art. 7(3)"),
    ),
}

STATUSES: dict[str, Text] = {
    "received": _t("受付済み（確認待ち）", "Received (being checked)"),
    "verified": _t("本人確認済み", "Identity confirmed"),
    "in_progress": _t("対応中", "In progress"),
    "fulfilled": _t("対応済み", "Done"),
    "partially_fulfilled": _t("一部対応", "Partly done"),
    "refused": _t("措置をとらない旨の決定", "Refused"),
}

REGIMES: dict[str, Text] = {
    "appi": _t("個人情報保護法", "APPI"),
    "gdpr": _t("GDPR", "GDPR"),
}

GROUNDS: dict[str, Text] = {
    "a18_beyond_purpose": _t(
        "利用目的の範囲を超えて利用されている（第18条）", "Used beyond its purpose (A18)"
    ),
    "a19_improper_use": _t(
        "違法・不当な行為を助長するおそれがある方法などで利用されている（第19条）",
        "Used improperly, e.g. in a way that may encourage unlawful acts (A19)",
    ),
    "a20_improper_acquisition": _t(
        "偽りその他不正の手段により取得された（第20条）",
        "Obtained by deception or other improper means (A20)",
    ),
    "a27_provision_without_consent": _t(
        "本人の同意なく第三者に提供されている（第27条第1項）",
        "Provided to a third party without my consent (A27(1))",
    ),
    "a28_foreign_provision": _t(
        "外国にある第三者に違法に提供されている（第28条）",
        "Provided unlawfully to a third party abroad (A28)",
    ),
    "no_longer_needed": _t(
        "当社が利用する必要がなくなった（第35条第5項）",
        "You no longer need my data (A35(5))",
    ),
    "reportable_leak": _t(
        "私のデータについて報告対象となる漏えい等が生じた（第35条第5項）",
        "A leak of my data that must be reported to the regulator (A35(5))",
    ),
    "rights_at_risk": _t(
        "その他、私の権利又は正当な利益が害されるおそれがある（第35条第5項）",
        "Another risk to my rights or legitimate interests (A35(5))",
    ),
}

METHODS: dict[str, str] = {"electronic": "method_electronic", "paper": "method_paper"}

AGENTS: dict[str, Text] = {
    "legal_representative": _t(
        "法定代理人（未成年者・成年被後見人の）", "Legal representative (of a minor or adult ward)"
    ),
    "attorney": _t("任意代理人（委任状による）", "Attorney (with a power of attorney)"),
}


def offered(policy: Policy) -> list[str]:
    """The kinds of request the policy offers, in the law's order."""
    return [k for k in REQUEST_KINDS if k in policy.rights.offered or k in ALWAYS_OFFERED]


def takes_ground(kind: str, regime: str) -> bool:
    """R-42: an APPI suspension, erasure or provision stop names its A35 ground."""
    return regime == "appi" and kind in A35_GROUNDS


def grounds_for(kind: str) -> tuple[str, ...]:
    return (*A35_GROUNDS.get(kind, ()), *A35_2022_GROUNDS)


def is_gdpr_only(kind: str) -> bool:
    return kind in GDPR_ONLY_KINDS


def label(kind: str, lang: Lang) -> str:
    """The right's name, with its GDPR counterpart: 開示（GDPR: アクセス権）."""
    right = RIGHTS.get(kind)
    if right is None:
        return kind
    name = say(right.name, lang)
    if right.gdpr is None:
        return name
    counterpart = say(right.gdpr, lang)
    return f"{name}（GDPR: {counterpart}）" if lang == "ja" else f"{name} (GDPR: {counterpart})"


def pick(table: dict[str, Text], key: str, lang: Lang) -> str:
    """The word for ``key`` in ``lang``; an unknown key stands for itself."""
    text = table.get(key)
    return key if text is None else say(text, lang)
