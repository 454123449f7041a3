"""The words and building blocks of the published policy (:mod:`hogo.policy.render`).

:class:`Words` gives the fixed wording of ``templates/phrases.yaml`` and the policy's own texts
in one language; :class:`Block` and :class:`Section` are what a section is made of before the
templates lay it out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.resources import files
from typing import Any

import yaml

from hogo.policy.model import ISO_DURATION, Text


class Lang(StrEnum):
    ja = "ja"
    en = "en"


class Format(StrEnum):
    md = "md"
    html = "html"


COUNTRIES = {
    "JP": ("日本", "Japan"),
    "US": ("アメリカ合衆国", "United States"),
    "GB": ("英国", "United Kingdom"),
    "DE": ("ドイツ", "Germany"),
    "FR": ("フランス", "France"),
    "IE": ("アイルランド", "Ireland"),
    "NL": ("オランダ", "Netherlands"),
    "SG": ("シンガポール", "Singapore"),
    "CN": ("中華人民共和国", "China"),
    "KR": ("大韓民国", "Republic of Korea"),
    "TW": ("台湾", "Taiwan"),
    "IN": ("インド", "India"),
    "AU": ("オーストラリア", "Australia"),
    "CA": ("カナダ", "Canada"),
    "EU": ("EU", "EU"),
    # the other EU/EEA member states, which may appear as adequate countries
    "AT": ("オーストリア", "Austria"),
    "BE": ("ベルギー", "Belgium"),
    "BG": ("ブルガリア", "Bulgaria"),
    "HR": ("クロアチア", "Croatia"),
    "CY": ("キプロス", "Cyprus"),
    "CZ": ("チェコ", "Czechia"),
    "DK": ("デンマーク", "Denmark"),
    "EE": ("エストニア", "Estonia"),
    "FI": ("フィンランド", "Finland"),
    "GR": ("ギリシャ", "Greece"),
    "IT": ("イタリア", "Italy"),
    "LV": ("ラトビア", "Latvia"),
    "LT": ("リトアニア", "Lithuania"),
    "LU": ("ルクセンブルク", "Luxembourg"),
    "MT": ("マルタ", "Malta"),
    "PL": ("ポーランド", "Poland"),
    "PT": ("ポルトガル", "Portugal"),
    "RO": ("ルーマニア", "Romania"),
    "SK": ("スロバキア", "Slovakia"),
    "SI": ("スロベニア", "Slovenia"),
    "ES": ("スペイン", "Spain"),
    "SE": ("スウェーデン", "Sweden"),
    "IS": ("アイスランド", "Iceland"),
    "LI": ("リヒテンシュタイン", "Liechtenstein"),
    "NO": ("ノルウェー", "Norway"),
    # other countries where service providers commonly store or process data
    "CH": ("スイス", "Switzerland"),
    "HK": ("香港", "Hong Kong"),
    "VN": ("ベトナム", "Viet Nam"),
    "TH": ("タイ", "Thailand"),
    "PH": ("フィリピン", "Philippines"),
    "ID": ("インドネシア", "Indonesia"),
    "MY": ("マレーシア", "Malaysia"),
    "NZ": ("ニュージーランド", "New Zealand"),
    "BR": ("ブラジル", "Brazil"),
    "MX": ("メキシコ", "Mexico"),
}
FEE_RIGHTS = ("purpose_notice", "disclosure", "provision_records")


@dataclass(frozen=True)
class Item:
    text: str
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """One paragraph (``p``), sub-heading (``h3``), list (``ul``), table or link."""

    kind: str
    text: str = ""
    items: tuple[Item, ...] = ()
    head: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    url: str = ""


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    blocks: list[Block] = field(default_factory=list)


def p(text: str) -> Block:
    return Block("p", text=text)


def h3(text: str) -> Block:
    return Block("h3", text=text)


def ul(items: Iterable[str | Item]) -> Block:
    return Block("ul", items=tuple(i if isinstance(i, Item) else Item(i) for i in items))


def table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> Block:
    return Block("table", head=tuple(head), rows=tuple(tuple(row) for row in rows))


@functools.cache
def _phrases() -> dict[str, Any]:
    text = files("hogo.policy").joinpath("templates/phrases.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


class Words:
    """The fixed wording in one language, and the policy's own texts in it."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.data = _phrases()

    def __call__(self, key: str, **values: object) -> str:
        text: str = self.data[key][self.lang.value]
        return text.format(**values) if values else text

    def many(self, key: str, **values: object) -> list[str]:
        return [str(text).format(**values) for text in self.data[key][self.lang.value]]

    def of(self, key: str, choice: str, **values: object) -> str:
        text: str = self.data[key][choice][self.lang.value]
        return text.format(**values) if values else text

    def text(self, text: Text) -> str:
        return text.ja if self.lang is Lang.ja else text.en

    def join(self, texts: Iterable[str]) -> str:
        return ("、" if self.lang is Lang.ja else ", ").join(texts)

    def date(self, day: dt.date) -> str:
        if self.lang is Lang.ja:
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{calendar.month_name[day.month]} {day.day}, {day.year}"

    def country(self, code: str) -> str:
        names = COUNTRIES.get(code)
        return code if names is None else names[0 if self.lang is Lang.ja else 1]

    def channel(self, channel: str) -> str:
        names: dict[str, dict[str, str]] = self.data["channel"]
        return names[channel][self.lang.value] if channel in names else channel

    def duration(self, value: str) -> str:
        match = ISO_DURATION.match(value)
        if match is None:
            return value
        parts = zip("YMWD", match.groups(), strict=True)
        return " ".join(f"{n}{self.of('unit', unit)}" for unit, n in parts if n)
