"""The words of the console's retention page, in Japanese and English (R-12, D18, D31).

:func:`retention_labels` gives a template every console label plus these in one language.
"""

from __future__ import annotations

from hogo.policy.model import Text
from hogo.services.retention.report import CARD_ITEMS_OVERDUE, NO_SWEEP, SWEEP_TOO_OLD
from hogo.web.pages.console.i18n import Lang, words

LABELS: dict[str, Text] = {
    "retention_lead": Text(
        ja="保存期間の経過により消去する保有個人データの予定、期限を過ぎて残っているもの、"
        "訴訟等のために保存を続けているもの、消去の実行記録を示します。件数は保存期間の規定"
        "（retention rule）ごとです。",
        en="What ends soon, what is past its retention and still here, what legal holds keep, "
        "and the sweeps that deleted what was due; counted per retention rule.",
    ),
    "as_of": Text(ja="基準日時", en="As of"),
    "card_check": Text(
        ja="クレジットカード情報の消去の確認（PCI DSS 3.2.1）",
        en="Card data purge check (PCI DSS 3.2.1)",
    ),
    "card_ok": Text(ja="適合", en="ok"),
    "card_overdue": Text(ja="要対応", en="overdue"),
    "card_ok_reason": Text(
        ja="{limit}日以内に消去が実行され、保存期間を過ぎたカード情報はありません。",
        en="A sweep finished within {limit} days and no card item is past its retention.",
    ),
    "card_categories": Text(ja="カード情報とする項目", en="Card data categories"),
    "card_overdue_items": Text(
        ja="保存期間を過ぎたカード情報（件）", en="Card items past retention"
    ),
    "last_sweep": Text(ja="直近に完了した消去", en="Last finished sweep"),
    "days_ago": Text(ja="日前", en="days ago"),
    "upcoming": Text(
        ja="今後{days}日以内に保存期間が終わるもの", en="Ending in the next {days} days"
    ),
    "overdue_items": Text(
        ja="保存期間を1日以上過ぎて残っているもの（保存の指示なし）",
        en="Past retention by more than a day, under no legal hold",
    ),
    "overdue_lead": Text(
        ja="消去が定期的に実行されていれば0件です。",
        en="None once sweeps run.",
    ),
    "held_items": Text(
        ja="保存期間を過ぎたが、訴訟等による保存の指示（リーガルホールド）で残しているもの",
        en="Past retention, kept by a legal hold",
    ),
    "waiting_items": Text(
        ja="保存期間の起算となる事由を待っているもの（期限未定）",
        en="Waiting for the event that starts the clock (no end yet)",
    ),
    "sweeps": Text(ja="消去の実行記録（直近）", en="Latest sweeps"),
    "rule": Text(ja="保存期間の規定", en="Retention rule"),
    "method": Text(ja="期間経過後の措置", en="Method"),
    "item_count": Text(ja="件数", en="Items"),
    "people": Text(ja="人数", en="People"),
    "no_rule": Text(ja="（規定なし）", en="(none)"),
    "nothing": Text(ja="該当はありません。", en="None."),
    "run": Text(ja="実行番号", en="Run"),
    "started": Text(ja="開始", en="Started"),
    "finished": Text(ja="完了", en="Finished"),
    "interrupted": Text(ja="中断", en="interrupted"),
    "run_by": Text(ja="実行者", en="Run by"),
    "no_sweeps": Text(ja="消去はまだ実行されていません。", en="No sweep has run yet."),
}

METHODS: dict[str, Text] = {
    "delete": Text(ja="消去", en="delete"),
    "anonymise": Text(ja="匿名加工", en="anonymise"),
}

PROBLEMS: dict[str, Text] = {
    NO_SWEEP: Text(ja="消去が一度も完了していません。", en="No sweep has finished."),
    SWEEP_TOO_OLD: Text(
        ja="直近の消去の完了から{limit}日を超えています。",
        en="The last sweep finished more than {limit} days ago.",
    ),
    CARD_ITEMS_OVERDUE: Text(
        ja="保存期間を過ぎたカード情報が残っています（保存の指示なし）。",
        en="Card items are past their retention and under no legal hold.",
    ),
}


def retention_labels(lang: Lang) -> dict[str, str]:
    """Every console label and the retention page's own, in one language."""
    own = {key: str(getattr(text, lang)) for key, text in LABELS.items()}
    return {**words(lang), **own}
