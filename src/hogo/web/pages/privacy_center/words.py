"""The privacy center's words in Japanese and English, in the terms of the APPI.

Every label is a :class:`~hogo.policy.model.Text`, as on the data map and the console;
:func:`words` picks one language for a template. The names of the rights, statuses and grounds
are in :mod:`.rights`, the messages for what went wrong in :mod:`.problems`.
"""

from __future__ import annotations

from typing import Literal

from hogo.policy.model import Text

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
LANG_NAMES: dict[Lang, str] = {"ja": "日本語", "en": "English"}

LABELS: dict[str, Text] = {
    "title": Text(ja="プライバシーセンター", en="Privacy center"),
    "language": Text(ja="言語", en="Language"),
    "data_map": Text(ja="個人データの取扱い一覧", en="Data map"),
    "lead": Text(
        ja="当社が保有するあなたの個人データについて、開示、訂正、利用停止などを請求できます。"
        "このページで請求を受け付け、当社に登録されているメールアドレスに送る確認コードで"
        "ご本人であることを確認します。",
        en="You can ask us about the personal data we hold about you: to see it, to correct "
        "it, to stop its use and more. Make your request on this page; we confirm that it is "
        "you with a code sent to the e-mail address we hold.",
    ),
    "rights_title": Text(ja="請求できること", en="What you can ask"),
    "rights_lead": Text(
        ja="個人情報保護法に基づく請求ができます。EU（欧州経済領域）にお住まいの方は、"
        "GDPR に基づく請求もできます。",
        en="You can make requests under Japan's Act on the Protection of Personal Information "
        "(APPI); if you live in the EU (the European Economic Area), also under the GDPR.",
    ),
    "col_right": Text(ja="請求", en="Request"),
    "col_what": Text(ja="内容", en="What it does"),
    "col_law": Text(ja="根拠条文", en="Law"),
    "gdpr_only": Text(ja="GDPR のみ", en="GDPR only"),
    "desk_title": Text(ja="お問い合わせ窓口", en="Inquiry desk"),
    "desk_lead": Text(
        ja="請求の手続、個人データの取扱いについてのご質問や苦情は、次の窓口で受け付けます。",
        en="Questions and complaints about these requests, or about how we handle personal "
        "data, go to:",
    ),
    "desk_days": Text(
        ja="原則として {days} 日以内に最初のお返事をします。",
        en="We aim to give a first answer within {days} days.",
    ),
    "desk_form": Text(ja="お問い合わせフォーム", en="Inquiry form"),
    "fee_title": Text(ja="手数料", en="Fee"),
    "fee_none": Text(ja="手数料はかかりません。", en="There is no fee."),
    "fee_some": Text(
        ja="次の請求には手数料がかかります（個人情報保護法第38条）。",
        en="These requests carry a fee (APPI A38):",
    ),
    "fee_gdpr": Text(
        ja="GDPR に基づく請求は無料です（GDPR 第12条第5項）。",
        en="Requests under the GDPR are free (GDPR Art. 12(5)).",
    ),
    "yen": Text(ja="{amount} 円", en="JPY {amount}"),
    "identity_title": Text(ja="ご本人であることの確認", en="How we check that it is you"),
    "identity_lead": Text(
        ja="このページからの請求では、当社に登録されているメールアドレスに 6 桁の確認コードを"
        "送ります。お名前、住所、身分証明書などはお尋ねしません（当社が保有している以上の情報は"
        "求めません）。",
        en="For a request made on this page we send a 6-digit code to the e-mail address we "
        "hold for you. We do not ask for your name, address or an identity document: nothing "
        "beyond what we already hold.",
    ),
    "identity_policy": Text(
        ja="当社のプライバシーポリシーでは、次の方法で確認することとしています。",
        en="Our privacy policy names these ways of checking:",
    ),
    "deadline_title": Text(ja="回答の期限", en="When we answer"),
    "deadline_appi": Text(
        ja="個人情報保護法に基づく請求には遅滞なく対応し、受付から {days} 日以内の回答を"
        "目標とします。請求が当社に到達した日から 2 週間を経過した後は、裁判所に訴えを"
        "提起することができます（第39条）。",
        en="We answer APPI requests without delay, aiming at {days} days from receipt. Two "
        "weeks after your request reaches us (the day it arrives not counted), you may take "
        "the matter to court (APPI A39).",
    ),
    "deadline_gdpr": Text(
        ja="GDPR に基づく請求には受付から 1 か月以内に回答します。複雑な請求などでは、"
        "最初の 1 か月のうちに理由をお知らせしたうえで、さらに 2 か月延長することがあります"
        "（第12条第3項）。",
        en="We answer GDPR requests within one month of receipt. For complex requests we may "
        "extend this by two more months, telling you why within the first month (Art. 12(3)).",
    ),
    "form_title": Text(ja="請求する", en="Make a request"),
    "kind_legend": Text(ja="請求の種類", en="What you ask for"),
    "regime_legend": Text(ja="適用される法律", en="Which law"),
    "regime_appi": Text(ja="個人情報保護法（日本）", en="APPI (Japan)"),
    "regime_gdpr": Text(ja="GDPR（EU にお住まいの方）", en="GDPR (if you live in the EU)"),
    "regime_help": Text(
        ja="通常は個人情報保護法を選んでください。EU（欧州経済領域）にお住まいの方は GDPR を"
        "選べます。データポータビリティと処理の制限は GDPR のみに定められた権利です。",
        en="Choose the APPI unless you live in the EU (the European Economic Area); then you "
        "may choose the GDPR. Portability and restriction are rights under the GDPR only.",
    ),
    "ground_label": Text(
        ja="請求の理由（利用停止・消去・第三者提供の停止）",
        en="Why you ask (suspension, erasure, stop of provision)",
    ),
    "ground_help": Text(
        ja="個人情報保護法第35条に定める理由から選んでください。GDPR に基づく請求では不要です。",
        en="Choose the ground of APPI A35 that applies. Not needed for a GDPR request.",
    ),
    "ground_group_use": Text(ja="利用停止・消去の理由", en="For suspension or erasure"),
    "ground_group_provision": Text(
        ja="第三者提供の停止の理由", en="For a stop of provision to third parties"
    ),
    "ground_group_2022": Text(
        ja="2022年4月施行の改正で加わった理由（第35条第5項、いずれの請求にも）",
        en="Added in April 2022 (A35(5), for each of these requests)",
    ),
    "choose": Text(ja="選択してください", en="Choose"),
    "method_legend": Text(
        ja="開示の方法（開示・第三者提供記録の開示）",
        en="How you want the disclosure (disclosure, provision records)",
    ),
    "method_electronic": Text(
        ja="電磁的記録：JSON・CSV と閲覧用のページをまとめた ZIP ファイル",
        en="Electronic: a zip file of JSON, CSV and a page to read",
    ),
    "method_paper": Text(ja="書面：印刷用のページ", en="Paper: a page to print"),
    "description_label": Text(
        ja="対象となるデータやご事情（任意）",
        en="Which data, and anything else we should know (optional)",
    ),
    "description_help": Text(
        ja="対象のサービスや時期などを書いていただくと、データを特定しやすくなります。",
        en="Naming the service or the period helps us find the data.",
    ),
    "email_label": Text(
        ja="当社に登録されているメールアドレス", en="The e-mail address we hold for you"
    ),
    "email_help": Text(
        ja="このアドレスに確認コードを送ります。ほかの情報はお尋ねしません。",
        en="We send the code to this address. We ask for nothing else.",
    ),
    "agent_legend": Text(ja="代理人による請求（任意）", en="If you are an agent (optional)"),
    "agent_help": Text(
        ja="未成年者・成年被後見人の法定代理人、又は委任を受けた代理人が請求する場合に記入して"
        "ください。メールアドレスはご本人のものを入力してください。代理権を証明する書類を"
        "確認してから手続を進めます。",
        en="Fill this in if you are the legal representative of a minor or adult ward, or an "
        "attorney with a power of attorney. Give the person's own e-mail address above. We go "
        "on once we have checked your proof of authority.",
    ),
    "agent_type_label": Text(ja="代理人の種類", en="Kind of agent"),
    "agent_none": Text(ja="代理人ではない", en="Not an agent"),
    "agent_name_label": Text(ja="代理人のお名前", en="Agent's name"),
    "proof_label": Text(
        ja="代理権を証明する書類（PDF・PNG・JPEG、5 MB まで）",
        en="Proof of authority (PDF, PNG or JPEG, at most 5 MB)",
    ),
    "proof_again": Text(
        ja="ファイルは保存されていません。もう一度選んでください。",
        en="The file was not kept: please choose it again.",
    ),
    "submit": Text(ja="確認コードを送る", en="Send me the code"),
    "problem_title": Text(ja="入力内容をご確認ください", en="Please check your request"),
    "sent_title": Text(ja="確認コードの入力", en="Enter your code"),
    "sent_lead": Text(
        ja="入力されたメールアドレスが当社に登録されている場合は、6 桁の確認コードを送りました。"
        "メールに記載されたコードを入力してください。",
        en="If the address you entered is one we hold, we have sent a 6-digit code to it. "
        "Enter the code from the mail.",
    ),
    "sent_until": Text(ja="コードの有効期限：{until}", en="The code is valid until {until}."),
    "sent_none": Text(
        ja="メールが届かない場合は、迷惑メールフォルダをご確認いただくか、当社に登録した"
        "アドレスで改めて請求してください。",
        en="No mail? Check your spam folder, or make the request again with the address you "
        "gave us.",
    ),
    "code_label": Text(ja="確認コード（6 桁の数字）", en="Code (6 digits)"),
    "verify_submit": Text(ja="確認する", en="Confirm"),
    "again": Text(ja="改めて請求する", en="Make the request again"),
    "verified_title": Text(ja="請求を受け付けました", en="Your request is confirmed"),
    "verified_lead": Text(
        ja="ご本人であることを確認しました。受け付けた請求：{count} 件",
        en="We have confirmed that it is you. Requests received: {count}",
    ),
    "keep_title": Text(ja="このリンクを保存してください", en="Keep this link"),
    "keep_link": Text(
        ja="次のリンクで請求の状況を確認し、回答を受け取れます。このリンクが表示されるのは"
        "今回だけです。ブックマークするか、コピーして大切に保管してください。リンクを知っている"
        "人は誰でも状況を見られますので、他の人に教えないでください。",
        en="This link shows the progress of your request and lets you download our answer. It "
        "is shown only this once: bookmark it, or copy it somewhere safe. Anyone with the link "
        "can see the progress, so do not share it.",
    ),
    "status_link": Text(ja="請求の状況を見る", en="See your requests"),
    "status_url": Text(ja="リンク（コピー用）", en="The link, to copy"),
    "agent_pending": Text(
        ja="代理人からの請求は、代理権を証明する書類を確認した後に手続を進めます。",
        en="A request from an agent goes ahead once we have checked the proof of authority.",
    ),
    "status_title": Text(ja="請求の状況", en="Your requests"),
    "status_lead": Text(
        ja="状態が変わると、登録されているメールアドレスにもお知らせします。",
        en="We also write to the e-mail address we hold whenever the status changes.",
    ),
    "kind": Text(ja="請求の種類", en="Request"),
    "regime": Text(ja="適用法令", en="Law"),
    "status": Text(ja="状態", en="Status"),
    "received": Text(ja="受付日", en="Received"),
    "due": Text(ja="回答期限", en="Due"),
    "extended": Text(ja="延長済み", en="extended"),
    "may_sue_from": Text(ja="訴えを提起できる日（第39条）", en="May go to court from (APPI A39)"),
    "closed": Text(ja="完了日", en="Closed"),
    "reason": Text(ja="理由", en="Reason"),
    "answer": Text(ja="回答", en="Answer"),
    "download": Text(ja="回答をダウンロード", en="Download the answer"),
    "remedies": Text(
        ja="この決定に不服がある場合は、お問い合わせ窓口にご相談ください。個人情報保護委員会に"
        "相談することや、裁判所に訴えを提起することもできます。GDPR に基づく請求では、"
        "監督機関に苦情を申し立て、裁判所に救済を求める権利があります（GDPR 第12条第4項）。",
        en="If you disagree with this decision, contact the inquiry desk. You may also consult "
        "the Personal Information Protection Commission or go to court. For a GDPR request you "
        "have the right to complain to a supervisory authority and to seek a judicial remedy "
        "(GDPR Art. 12(4)).",
    ),
    "back_home": Text(ja="プライバシーセンターへ戻る", en="Back to the privacy center"),
    "policy_link": Text(ja="プライバシーポリシー", en="Privacy policy"),
    "versions_link": Text(ja="改定履歴", en="Earlier versions"),
    "recipients_link": Text(
        ja="個人データの提供先と外国における取扱い", en="Recipients and foreign countries"
    ),
    "not_found_title": Text(ja="見つかりません", en="Not found"),
    "status_not_found": Text(
        ja="このリンクで確認できる請求はありません。リンクが正しいかご確認ください。",
        en="No request is followed by this link. Please check the link.",
    ),
    "answer_not_found": Text(
        ja="この請求にはダウンロードできる回答がありません。",
        en="There is no answer to download for this request.",
    ),
}


def words(lang: Lang) -> dict[str, str]:
    """Every label in one language, for a template."""
    return {key: str(getattr(text, lang)) for key, text in LABELS.items()}


def say(text: Text, lang: Lang) -> str:
    return str(getattr(text, lang))
