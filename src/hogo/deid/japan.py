"""A built-in hierarchy for Japanese addresses: address → prefecture → region → 日本 → ``*``.

The eight regions are the usual ones of Japanese statistics (北海道, 東北, 関東, 中部, 近畿,
中国, 四国, 九州・沖縄). A value is a prefecture's name or an address that starts with one; a
value that starts with none is an error naming the value and the column.
"""

from __future__ import annotations

import polars as pl

from hogo.deid.errors import DeidError
from hogo.deid.hierarchies import TOP, Hierarchy

COUNTRY = "日本"
REGIONS: dict[str, tuple[str, ...]] = {
    "北海道": ("北海道",),
    "東北": ("青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"),
    "関東": ("茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県"),
    "中部": (
        "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県",
    ),
    "近畿": ("三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県"),
    "中国": ("鳥取県", "島根県", "岡山県", "広島県", "山口県"),
    "四国": ("徳島県", "香川県", "愛媛県", "高知県"),
    "九州・沖縄": (
        "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
    ),
}  # fmt: skip
REGION_OF = {prefecture: region for region, names in REGIONS.items() for prefecture in names}
# Longest names first, so that an address is matched by its whole prefecture's name.
PREFIXES = sorted(REGION_OF, key=len, reverse=True)


def japanese_addresses(values: pl.Series) -> Hierarchy:
    """Addresses or prefectures: the value, its prefecture, its region, 日本, ``"*"``."""
    distinct = values.cast(pl.String).drop_nulls().unique().sort()
    prefectures = [_prefecture(value, values.name) for value in distinct]
    levels = pl.DataFrame(
        {
            "0": distinct,
            "1": prefectures,
            "2": [REGION_OF[prefecture] for prefecture in prefectures],
            "3": [COUNTRY] * len(prefectures),
            "4": [TOP] * len(prefectures),
        }
    )
    return Hierarchy(levels, f"Japanese addresses of {values.name}")


def _prefecture(value: str, column: str) -> str:
    for prefix in PREFIXES:
        if value.startswith(prefix):
            return prefix
    raise DeidError(f"value {value!r} of column {column!r} names no Japanese prefecture")
