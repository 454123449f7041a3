"""The keyed blind index finds a subject by e-mail or phone without decrypting (R-18)."""

from __future__ import annotations

import os

import pytest

from hogo.errors import ValidationFailed
from hogo.vault.blind_index import INDEX_BYTES, blind_index, normalise_email, normalise_phone
from hogo.vault.items import LookupKind

KEY = os.urandom(32)

SAME_EMAIL = [
    "Hanako.Yamada@Example.JP",
    "  hanako.yamada@example.jp ",
    "ｈａｎａｋｏ.yamada@ｅｘａｍｐｌｅ.jp",
]
SAME_PHONE = [
    "03-1234-5678",
    "0312345678",
    "(03) 1234-5678",
    "+81 3 1234 5678",
    "+81-3-1234-5678",
    "+81 (0)3 1234 5678",
    "０３－１２３４－５６７８",
    "＋８１　３　１２３４　５６７８",
    "010-81-3-1234-5678",
]


@pytest.mark.parametrize("spelling", SAME_EMAIL)
def test_email_spellings_meet(spelling: str) -> None:
    assert normalise_email(spelling) == "hanako.yamada@example.jp"
    assert blind_index(KEY, "email", spelling) == blind_index(KEY, "email", SAME_EMAIL[0])


@pytest.mark.parametrize("spelling", SAME_PHONE)
def test_japanese_phone_formats_meet(spelling: str) -> None:
    """National, international, full-width and (0)-trunk spellings of one number."""
    assert normalise_phone(spelling) == "+81312345678"
    assert blind_index(KEY, "phone", spelling) == blind_index(KEY, "phone", SAME_PHONE[0])


def test_mobile_and_foreign_numbers() -> None:
    assert normalise_phone("090-1234-5678") == "+819012345678"
    assert normalise_phone("+1 (212) 555-0100") == "+12125550100"
    assert normalise_phone("555 0100") == "5550100"


def test_digits_of_other_scripts_count() -> None:
    assert normalise_phone("٠٣-١٢٣٤-٥٦٧٨") == "+81312345678"


def test_different_values_do_not_collide() -> None:
    emails = [f"user{n}@example.jp" for n in range(2000)]
    phones = [f"090-{n:04d}-{n * 7 % 10000:04d}" for n in range(2000)]
    indexes = [blind_index(KEY, "email", e) for e in emails]
    indexes += [blind_index(KEY, "phone", p) for p in phones]
    assert len(set(indexes)) == len(indexes)
    assert all(len(index) == INDEX_BYTES for index in indexes)


def test_kind_is_part_of_the_index() -> None:
    assert blind_index(KEY, "email", "0312345678") != blind_index(KEY, "phone", "0312345678")


def test_index_depends_on_the_key() -> None:
    other = os.urandom(32)
    assert blind_index(KEY, "email", "a@example.jp") != blind_index(other, "email", "a@example.jp")


@pytest.mark.parametrize(("kind", "value"), [("email", "   "), ("phone", "なし"), ("phone", "")])
def test_values_that_cannot_be_indexed_are_refused(kind: LookupKind, value: str) -> None:
    with pytest.raises(ValidationFailed):
        blind_index(KEY, kind, value)
