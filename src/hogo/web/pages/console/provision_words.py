"""The words of the console's provision pages, in the terms of the APPI (A27–A30).

Recipients, the provision log, one person's records and the joint-use notice share these;
:func:`provision_labels` gives a template every console label plus these in one language.
"""

from __future__ import annotations

from hogo.policy.model import Text
from hogo.web.pages.console.i18n import Lang, words

LABELS: dict[str, Text] = {
    "recipients_lead": Text(
        ja="プライバシーポリシーに定める提供先ごとに、委託先の監督・外国にある第三者への提供の"
        "条件を満たしているか（提供可否）を示します。",
        en="Each recipient of the policy, and whether it may receive today: the processor's "
        "contract and supervision, the basis for a recipient in a foreign country.",
    ),
    "recipient": Text(ja="提供先", en="Recipient"),
    "recipient_kind": Text(ja="提供先の種類", en="Kind"),
    "basis": Text(ja="提供の根拠", en="Basis"),
    "country": Text(ja="所在国", en="Country"),
    "foreign": Text(ja="外国にある第三者（第28条）", en="foreign third party (APPI A28)"),
    "legal_name": Text(ja="名称", en="Legal name"),
    "address": Text(ja="住所", en="Address"),
    "representative": Text(ja="代表者", en="Representative"),
    "readiness": Text(ja="提供可否", en="May receive"),
    "ready": Text(ja="提供可", en="ready"),
    "not_ready": Text(ja="提供不可", en="not ready"),
    "problems": Text(ja="提供できない理由", en="Why it cannot receive"),
    "no_problems": Text(ja="提供できない理由はありません。", en="Nothing stops a provision."),
    "supervision_due": Text(
        ja="委託先の監督（次回の確認期限）", en="Supervision check due (APPI A25)"
    ),
    "system_check_due": Text(
        ja="相当措置の定期確認期限（規則第18条）", en="System check due (PPC Rules Art. 18)"
    ),
    "due_soon": Text(ja="期限間近", en="due soon"),
    "never": Text(ja="未記録", en="none on record"),
    "declared": Text(ja="ポリシーでの定め", en="As the policy declares"),
    "current_facts": Text(ja="現在の登録内容", en="Current facts"),
    "no_facts": Text(
        ja="名称・住所・代表者が未登録です。",
        en="No facts recorded: name, address, representative.",
    ),
    "history": Text(ja="登録の履歴", en="Facts history"),
    "recorded_at": Text(ja="登録日時", en="Recorded"),
    "recorded_by": Text(ja="登録者", en="By"),
    "groups": Text(ja="本人の区分", en="Subject groups"),
    "purposes_of": Text(ja="利用目的", en="Purposes"),
    "categories": Text(ja="個人データの項目", en="Items"),
    "contract": Text(ja="委託契約", en="Contract"),
    "contract_ref": Text(ja="委託契約の番号", en="Contract reference"),
    "contract_from": Text(ja="契約の開始日", en="Contract from"),
    "contract_until": Text(ja="契約の終了日", en="Contract until"),
    "security_terms": Text(ja="安全管理措置に関する条項", en="Security terms"),
    "contract_items": Text(
        ja="契約に定める事項（GDPR 第28条第3項）", en="Contract items (GDPR Art. 28(3))"
    ),
    "sub_processors": Text(ja="再委託先", en="Sub-processors"),
    "sub_processors_hint": Text(
        ja="1行に1社:「名称, 国コード, approved（承認済み）| pending（未承認）」",
        en="One a line: “name, country code, approved | pending”",
    ),
    "approved": Text(ja="承認済み", en="approved"),
    "pending": Text(ja="未承認", en="pending"),
    "supervised_on": Text(ja="直近の監督（確認）日", en="Last supervision check"),
    "supervision_days": Text(ja="監督の間隔（日）", en="Check every (days)"),
    "foreign_basis": Text(
        ja="外国にある第三者への提供の根拠（第28条）", en="Basis of foreign provision (APPI A28)"
    ),
    "foreign_system": Text(
        ja="相当措置を継続的に講ずるための体制（規則第16条）",
        en="Equivalent-measures system (PPC Rules Art. 16)",
    ),
    "system_checked_on": Text(ja="体制の直近の確認日", en="System last checked"),
    "measures": Text(ja="提供先が講ずる個人情報の保護のための措置", en="Recipient's measures"),
    "public_key": Text(ja="暗号化用の公開鍵（age）", en="Public key (age)"),
    "record_facts": Text(ja="登録内容を記録する", en="Record facts"),
    "record_facts_lead": Text(
        ja="記録のたびに全項目を新しい行として追加します。過去の記録は変更されません。",
        en="Each record appends all the facts as a new row; earlier rows never change.",
    ),
    "done_facts": Text(ja="登録内容を記録しました。", en="The facts were recorded."),
    "none_chosen": Text(ja="なし", en="none"),
    "yes": Text(ja="あり", en="yes"),
    "no": Text(ja="なし", en="no"),
    "provisions_lead": Text(
        ja="第三者提供・委託等による提供の記録です。日付は日本時間で指定します。",
        en="Every provision of personal data, the latest first. Dates are in Japan time.",
    ),
    "filter": Text(ja="絞り込む", en="Filter"),
    "all": Text(ja="すべて", en="all"),
    "subject_id": Text(ja="本人（番号）", en="Subject id"),
    "since": Text(ja="この日から", en="Since"),
    "until": Text(ja="この日まで", en="Until"),
    "limit": Text(ja="表示件数", en="Limit"),
    "provided_at": Text(ja="提供日時", en="Provided"),
    "purpose": Text(ja="利用目的", en="Purpose"),
    "people": Text(ja="人数", en="People"),
    "method": Text(ja="記録の作成方法", en="Record method"),
    "record_kind": Text(ja="記録の種類", en="Record"),
    "statutory": Text(ja="提供記録（第29条）", en="statutory record (APPI A29)"),
    "log_only": Text(ja="記録（法定外）", en="log"),
    "retain_until": Text(ja="保存期限", en="Retain until"),
    "file_hash": Text(ja="ファイル（SHA-256）", en="File (SHA-256)"),
    "none_provided": Text(ja="該当する提供はありません。", en="No provisions match."),
    "person_records": Text(
        ja="この本人の提供記録・受領記録", en="This person's provision and receipt records"
    ),
    "subject_records": Text(ja="提供記録・受領記録", en="Provision and receipt records"),
    "subject_records_lead": Text(
        ja="第三者提供記録の開示（第33条第5項）の対象となる記録です。",
        en="The records a disclosure of provision records covers (APPI A33(5)).",
    ),
    "provision_records": Text(ja="提供の記録", en="Records of provision"),
    "receipt_records": Text(ja="受領記録（第30条）", en="Records of receipt (APPI A30)"),
    "no_records": Text(ja="記録はありません。", en="No records."),
    "consent_event": Text(ja="本人の同意（記録番号）", en="Consent (event id)"),
    "exception": Text(ja="例外の根拠", en="Exception"),
    "received_at": Text(ja="受領日時", en="Received"),
    "provider": Text(ja="提供者", en="Provider"),
    "acquisition": Text(ja="提供者による取得の経緯", en="How the provider acquired it"),
    "consent_confirmed": Text(ja="本人の同意の確認", en="Consent confirmed"),
    "ppc_published": Text(ja="個人情報保護委員会による公表", en="Published by the PPC"),
    "joint_use_lead": Text(
        ja="共同利用（第27条第5項第3号）について、あらかじめ本人が容易に知り得る状態に置いている"
        "5つの事項を、公表しているとおりに示します。",
        en="The five items made known before joint use (APPI A27(5)(iii)), as published.",
    ),
    "published": Text(ja="公表済み", en="published"),
    "not_yet_published": Text(
        ja="公表日前のため、共同利用としての提供はできません",
        en="not yet published: no provision as joint use",
    ),
    "no_joint_use": Text(ja="共同利用の定めはありません。", en="The policy has no joint use."),
    "bad_filter": Text(ja="絞り込みの条件が正しくありません", en="The filter is not valid"),
}

RECIPIENT_KINDS: dict[str, Text] = {
    "processor": Text(ja="委託先", en="processor"),
    "group_company": Text(ja="グループ会社（第三者）", en="group company (third party)"),
    "joint_user": Text(ja="共同利用者", en="joint user"),
    "third_party": Text(ja="第三者", en="third party"),
}

BASES: dict[str, Text] = {
    "entrustment": Text(ja="委託（第27条第5項第1号）", en="entrustment (A27(5)(i))"),
    "succession": Text(ja="事業の承継（第27条第5項第2号）", en="succession (A27(5)(ii))"),
    "joint_use": Text(ja="共同利用（第27条第5項第3号）", en="joint use (A27(5)(iii))"),
    "consent": Text(ja="本人の同意（第27条第1項）", en="the person's consent (A27(1))"),
    "exception": Text(ja="法令に基づく場合等（第27条第1項各号）", en="exception (A27(1)(i)–(vii))"),
}

FOREIGN_BASES: dict[str, Text] = {
    "consent": Text(
        ja="外国にある第三者への提供に対する本人の同意（第28条第1項）",
        en="the person's consent to foreign provision (A28(1))",
    ),
    "system": Text(
        ja="基準に適合する体制（規則第16条）", en="equivalent-measures system (PPC Rules Art. 16)"
    ),
    "adequate": Text(
        ja="個人の権利利益を保護する上で我が国と同等の水準にある国（EU・英国）",
        en="a country with adequacy (EU/EEA, UK)",
    ),
}

METHODS: dict[str, Text] = {
    "individual": Text(ja="提供の都度", en="per provision"),
    "bulk": Text(ja="一括して作成（規則第19条第2項）", en="in bulk (PPC Rules Art. 19(2))"),
    "contract_substitute": Text(
        ja="契約書等による代替（規則第19条第3項）",
        en="contract substitute (PPC Rules Art. 19(3))",
    ),
}

RECEIPT_BASES: dict[str, Text] = {
    "consent": Text(ja="本人の同意による提供", en="provided with consent"),
    "opt_out": Text(ja="オプトアウトによる提供（第27条第2項）", en="opt-out (A27(2))"),
    "referable": Text(ja="個人関連情報の提供（第31条）", en="personally referable (A31)"),
    "individual": Text(ja="個人からの提供", en="from a private individual"),
}

CONTRACT_ITEMS: dict[str, Text] = {
    "a": Text(
        ja="管理者の文書化された指示によってのみ処理する（第三国への移転を含む）",
        en="processes only on the controller's documented instructions, transfers included",
    ),
    "b": Text(
        ja="処理を認められた者が守秘義務を負う",
        en="people authorised to process are bound to confidentiality",
    ),
    "c": Text(ja="GDPR 第32条の安全管理措置を講ずる", en="takes the security measures of Art. 32"),
    "d": Text(
        ja="再委託（他の処理者の利用）の条件を守る",
        en="engages another processor only on the agreed conditions",
    ),
    "e": Text(
        ja="データ主体の権利行使への対応を支援する",
        en="assists with the data subject's rights requests",
    ),
    "f": Text(
        ja="第32条〜第36条（安全管理、侵害の通知、影響評価、事前協議）の遵守を支援する",
        en="assists with Arts 32–36: security, breach notices, DPIA, prior consultation",
    ),
    "g": Text(
        ja="委託終了時に個人データを削除又は返却する",
        en="deletes or returns the personal data when the service ends",
    ),
    "h": Text(
        ja="遵守を示す情報を提供し、監査・検査に協力する",
        en="makes compliance information available and allows audits and inspections",
    ),
}


def pick_text(table: dict[str, Text], key: str | None, lang: Lang) -> str:
    """The word for ``key`` in ``lang``; an unknown key stands for itself, none is a dash."""
    if not key:
        return "—"
    text = table.get(key)
    return key if text is None else str(getattr(text, lang))


def provision_labels(lang: Lang) -> dict[str, str]:
    """Every console label and the provision pages' own, in one language."""
    own = {key: str(getattr(text, lang)) for key, text in LABELS.items()}
    return {**words(lang), **own}
