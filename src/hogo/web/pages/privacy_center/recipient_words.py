"""The words of the recipients page (:mod:`.recipients`), in Japanese and English.

The Japanese follows the APPI: 委託先, 共同利用, 外国にある第三者, 個人情報の保護に関する制度,
相当措置 (A28; PPC Rules Arts. 15–18).
"""

from __future__ import annotations

from hogo.policy.model import RecipientKind, Text
from hogo.web.pages.privacy_center.words import Lang, say

WORDS: dict[str, Text] = {
    "title": Text(
        ja="個人データの提供先と外国における取扱い", en="Recipients and foreign countries"
    ),
    "lead": Text(
        ja="当社が個人データを提供する先の種類（プライバシーポリシー「5.」）と、個人データを"
        "保管し又は提供する外国、その国の個人情報の保護に関する制度、提供先が講ずる個人情報の"
        "保護のための措置（同「6.」）を、対象となる方の区分ごとにお知らせします"
        "（個人情報保護法第28条第2項、第32条第1項）。",
        en="For each group of people whose personal data we hold: the types of recipients we "
        "provide it to (privacy policy §5), and the foreign countries where it is stored or "
        "received, with each country's personal information protection regime and the "
        "recipient's measures to protect it (§6; APPI Arts. 28(2), 32(1)).",
    ),
    "all_countries": Text(
        ja="個人データを保管し又は提供する外国: {list}",
        en="Foreign countries where personal data is stored or received: {list}",
    ),
    "no_countries": Text(
        ja="個人データを保管し又は提供する外国はありません。個人データは日本国内でのみ保管し、"
        "日本国内の提供先にのみ提供しています。",
        en="No personal data leaves Japan: it is stored in Japan only, and all its recipients "
        "are in Japan.",
    ),
    "recipients": Text(ja="提供先の種類", en="Types of recipients"),
    "no_recipients": Text(
        ja="この区分の個人データは、下記「その他の提供」の場合を除き、第三者に提供しません。",
        en="This data is not provided to anyone, except in the cases under “Other provision” "
        "below.",
    ),
    "users_scope": Text(ja="共同して利用する者の範囲", en="Joint users"),
    "responsible": Text(ja="管理について責任を有する者", en="Responsible"),
    "abroad": Text(ja="外国における取扱い", en="Foreign countries"),
    "stays_home": Text(
        ja="この区分の個人データは日本国内でのみ保管しており、外国にある提供先もありません。",
        en="This data does not leave Japan: it is stored in Japan only, and none of its "
        "recipients is outside Japan.",
    ),
    "regime": Text(
        ja="当該国の個人情報の保護に関する制度", en="The country's personal information regime"
    ),
    "reviewed": Text(ja="確認日", en="Reviewed on"),
    "regime_pending": Text(
        ja="この国の個人情報の保護に関する制度についての情報は、当社が確認を進めているところで、"
        "まだお示しできるものがありません。確認が済み次第、このページに掲載します。",
        en="We are still gathering information on this country's personal information "
        "protection regime: our review is not finished, so there is nothing we can show yet. "
        "We will publish it on this page once it is.",
    ),
    "designated": Text(
        ja="個人情報保護委員会が、個人の権利利益を保護する上で我が国と同等の水準にあると認められる"
        "個人情報の保護に関する制度を有している外国として定める国（EU・EEA 加盟国及び英国）です"
        "（個人情報保護法第28条第1項、施行規則第15条）。",
        en="A country the Personal Information Protection Commission designates as having a "
        "regime that protects individuals' rights and interests at a level equivalent to Japan's "
        "(the EU/EEA member states and the United Kingdom; APPI Art. 28(1), PPC Rules Art. 15).",
    ),
    "stored": Text(ja="この国で保管しているシステム", en="Stored in this country by"),
    "recipient": Text(ja="提供先", en="Recipient"),
    "basis": Text(ja="外国にある第三者への提供の根拠", en="Basis of the provision abroad"),
    "measures": Text(
        ja="提供先が講ずる個人情報の保護のための措置",
        en="The recipient's measures to protect personal information",
    ),
    "measures_unknown": Text(
        ja="この提供先が講ずる個人情報の保護のための措置についての情報は、提供先に確認している"
        "ところで、まだ当社の記録にありません。確認が済み次第、このページに掲載します。",
        en="We do not hold information on this recipient's measures yet: we are still asking "
        "the recipient for it. We will publish it on this page once we have it.",
    ),
    "others": Text(ja="その他の提供", en="Other provision"),
    "ask": Text(
        ja="外国における個人データの取扱いについて詳しくお知りになりたい場合は、"
        "お問い合わせ窓口までお問い合わせください。",
        en="For more about how personal data is handled in foreign countries, please contact "
        "the inquiry desk.",
    ),
    "ask_link": Text(ja="お問い合わせフォーム", en="Inquiry form"),
}

BASES: dict[str, Text] = {
    "consent": Text(
        ja="あらかじめ、外国にある第三者への提供を認める旨のご本人の同意を得て提供します"
        "（個人情報保護法第28条第1項）。",
        en="We provide it only with the person's prior consent to provision to a third party "
        "in a foreign country (APPI Art. 28(1)).",
    ),
    "system": Text(
        ja="提供先は、個人情報保護委員会規則で定める基準に適合する体制（相当措置を継続的に講ずる"
        "ために必要な体制）を整備しています。当社は、相当措置の実施状況とその実施に影響を及ぼす"
        "おそれのある外国の制度を定期的に確認しています（同法第28条第1項・第3項、施行規則"
        "第16条、第18条）。",
        en="The recipient has set up a system that meets the standards of the PPC Rules for "
        "taking equivalent measures continuously. We check periodically how those measures are "
        "carried out and any foreign rules that could affect them (APPI Art. 28(1),(3); PPC "
        "Rules Arts. 16, 18).",
    ),
    "adequate": Text(
        ja="提供先は、個人情報保護委員会が定める国にあります（同法第28条第1項、施行規則第15条）。",
        en="The recipient is in a country designated by the Personal Information Protection "
        "Commission (APPI Art. 28(1); PPC Rules Art. 15).",
    ),
    "pending": Text(
        ja="外国にある第三者への提供の根拠（ご本人の同意又は相当措置の体制）を確認しています。"
        "確認が済むまで、この提供先には提供しません。",
        en="We are still establishing the basis of this provision abroad (the person's "
        "consent, or a system of equivalent measures). Until we have, we provide nothing to "
        "this recipient.",
    ),
}

KIND_TITLES: dict[RecipientKind, Text] = {
    "processor": Text(
        ja="委託先（業務の委託に伴う提供、サービスの種類ごと）",
        en="Contractors (processors), by type of service",
    ),
    "group_company": Text(ja="当社グループ会社", en="The Company's group companies"),
    "joint_user": Text(ja="共同利用", en="Joint use"),
    "third_party": Text(ja="その他の第三者", en="Other third parties"),
}


def page_words(lang: Lang) -> dict[str, str]:
    return {key: say(text, lang) for key, text in WORDS.items()}
