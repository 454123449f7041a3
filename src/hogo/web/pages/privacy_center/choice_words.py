"""The words of the choices page (:mod:`.choices`), in Japanese and English."""

from __future__ import annotations

from hogo.guard.state import ConsentAction
from hogo.policy.model import Text
from hogo.services.choices import Standing
from hogo.web.pages.privacy_center.words import Lang, say

WORDS: dict[str, Text] = {
    "title": Text(ja="同意と選択の確認・変更", en="Your consents and choices"),
    "lead": Text(
        ja="当社があなたの個人データを利用する目的と、それぞれについてのあなたの同意・選択の"
        "状態です。同意の撤回や利用停止は、ボタンを 1 回押すだけでできます。",
        en="These are the purposes we use your personal data for, and where your consent or "
        "choice stands for each. Withdrawing consent or stopping a use takes one click.",
    ),
    "policy_version": Text(
        ja="現在のプライバシーポリシー：版 {version}",
        en="The privacy policy in force: version {version}",
    ),
    "required": Text(ja="同意をいただいて利用する目的", en="Uses that need your consent"),
    "opt_out": Text(ja="停止を求めることができる利用", en="Uses you can stop"),
    "not_required": Text(ja="同意を必要としない利用", en="Uses that do not need your consent"),
    "not_required_lead": Text(
        ja="次の目的には、契約の履行や当社の正当な利益など、同意以外の法的根拠があります。"
        "利用停止や消去を求めるときは、プライバシーセンターの請求フォームをご利用ください。",
        en="These purposes rest on a legal basis other than consent, such as a contract or our "
        "legitimate interests. To ask us to stop a use or to erase your data, use the request "
        "form of the privacy center.",
    ),
    "basis": Text(ja="法的根拠", en="Legal basis"),
    "appi": Text(ja="個人情報保護法", en="APPI"),
    "gdpr": Text(ja="GDPR 第6条第1項", en="GDPR Art. 6(1)"),
    "state": Text(ja="現在の状態", en="Where it stands"),
    "last": Text(ja="最後の記録：{when}", en="Last recorded: {when}"),
    "version": Text(
        ja="同意いただく内容の版：{version}", en="Version of what you consent to: {version}"
    ),
    "earlier": Text(
        ja="以前に同意いただいた内容の版：{old}。現在の版：{new}",
        en="You consented to version {old}; the current version is {new}.",
    ),
    "reopened": Text(
        ja="この目的に関わるプライバシーポリシーの変更（{when}から施行）により、改めて同意を"
        "お願いしています。変更点は改定履歴でご確認いただけます。",
        en="The privacy policy changed for this purpose (in force from {when}), so we ask for "
        "your consent again. The versions page shows what changed.",
    ),
    "guardian": Text(
        ja="この目的への同意は、保護者の方（親権者などの法定代理人）からいただく必要があります。"
        "保護者の方からお問い合わせ窓口にご連絡ください。",
        en="Consent for this must come from your parent or other legal representative. Please "
        "ask them to contact our inquiry desk.",
    ),
    "minor": Text(
        ja="未成年の方は、同意が必要な利用目的について保護者の方の同意が必要です。"
        "同意の撤回や利用停止は、ご自身でもできます。",
        en="As you are a minor, consent to a use that needs it must come from your parent or "
        "guardian. You can withdraw consent or stop a use yourself.",
    ),
    "suspended": Text(
        ja="ご請求により、あなたの個人データの利用をすべて停止しています。",
        en="At your request, we have stopped every use of your personal data.",
    ),
    "invalid_title": Text(ja="リンクが無効です", en="This link does not work"),
    "invalid": Text(
        ja="このリンクは正しくないか、有効期限が切れています。会員ページにログインして、"
        "もう一度開いてください。",
        en="This link is wrong or has expired. Sign in to your member page and open it again.",
    ),
    "erased_title": Text(ja="個人データは消去されています", en="Your personal data is erased"),
    "erased": Text(
        ja="あなたの個人データは消去済みのため、表示できる同意や選択はありません。",
        en="Your personal data has been erased, so there are no consents or choices to show.",
    ),
}

STANDINGS: dict[Standing, Text] = {
    "granted": Text(ja="同意しています。", en="You have consented."),
    "granted_by_guardian": Text(
        ja="保護者の方が同意しています。", en="Your parent or guardian has consented."
    ),
    "not_granted": Text(
        ja="同意していません。同意がない限り、この目的では利用しません。",
        en="You have not consented. We do not use your data for this without your consent.",
    ),
    "withdrawn": Text(
        ja="同意を撤回しています。この目的では利用しません。",
        en="You have withdrawn your consent. We do not use your data for this.",
    ),
    "asked_again": Text(
        ja="同意いただいた内容が変わったため、以前の同意は効力を失いました。改めて同意いただく"
        "まで、この目的では利用しません。",
        en="What you consented to has changed, so your earlier consent no longer counts. We do "
        "not use your data for this until you consent again.",
    ),
    "in_use": Text(
        ja="利用しています。いつでも利用停止を求めることができます。",
        en="In use. You can stop it at any time.",
    ),
    "opted_out": Text(ja="ご希望により利用を停止しています。", en="Stopped at your request."),
    "restricted": Text(
        ja="ご請求（利用停止・処理の制限）により利用を停止しています。",
        en="Stopped by your request (suspension or restriction).",
    ),
    "not_required": Text(ja="同意は不要です。", en="No consent is needed."),
}

BUTTONS: dict[ConsentAction, Text] = {
    "grant": Text(ja="同意する", en="Give consent"),
    "withdraw": Text(ja="同意を撤回する", en="Withdraw consent"),
    "opt_out": Text(ja="利用を停止する", en="Stop this use"),
    "opt_in": Text(ja="利用を再開する", en="Allow again"),
}

DONE: dict[ConsentAction, Text] = {
    "grant": Text(
        ja="「{title}」への同意を記録しました（{when}）。",
        en="Your consent to “{title}” is recorded ({when}).",
    ),
    "withdraw": Text(
        ja="「{title}」への同意を撤回しました（{when}）。この時点から、この目的では利用しません。",
        en="You have withdrawn your consent to “{title}” ({when}). From now on, your data is "
        "not used for it.",
    ),
    "opt_out": Text(
        ja="「{title}」の利用を停止しました（{when}）。",
        en="We have stopped using your data for “{title}” ({when}).",
    ),
    "opt_in": Text(
        ja="「{title}」の利用を再開しました（{when}）。",
        en="“{title}” is allowed again ({when}).",
    ),
}

REFUSED: dict[str, Text] = {
    "invalid": Text(
        ja="その変更は記録できませんでした。何も記録していません。",
        en="That change could not be recorded. Nothing was recorded.",
    ),
    "purpose_not_declared": Text(
        ja="その利用目的は、あなたの個人データには当てはまりません。何も記録していません。",
        en="That purpose does not apply to your data. Nothing was recorded.",
    ),
    "not_offered": Text(
        ja="この利用目的では、その操作はできません。何も記録していません。",
        en="That choice is not offered for this purpose. Nothing was recorded.",
    ),
    "guardian_consent_required": Text(
        ja="未成年の方の同意は、保護者の方（親権者などの法定代理人）からいただく必要があります。"
        "保護者の方からお問い合わせ窓口にご連絡ください。何も記録していません。",
        en="A minor's consent must come from a parent or other legal representative. Please "
        "ask them to contact our inquiry desk. Nothing was recorded.",
    ),
}


def page_words(lang: Lang) -> dict[str, str]:
    return {key: say(text, lang) for key, text in WORDS.items()}
