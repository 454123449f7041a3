"""Card numbers: validated, kept only as a keyed token and the last four digits (PCI DSS)."""

from __future__ import annotations

import os

import pytest

from hogo.errors import ValidationFailed
from hogo.vault.cards import luhn_valid, normalise_pan, tokenise

KEY = os.urandom(32)
VISA = "4111111111111111"


@pytest.mark.parametrize(
    "number",
    [VISA, "4111 1111 1111 1111", "4111-1111-1111-1111", "４１１１　１１１１　１１１１　１１１１"],
)
def test_spellings_of_one_number_give_one_token(number: str) -> None:
    """PCI DSS 3.5.1 (a): a keyed hash of the whole PAN; the same card gives the same token."""
    card = tokenise(KEY, number, "card_number")
    assert card.token == tokenise(KEY, VISA, "card_number").token
    assert card.display == "************1111"


def test_display_shows_the_last_four_digits_only() -> None:
    """PCI DSS 3.4.1 and FAQ 1091: no more than the last four digits are shown."""
    card = tokenise(KEY, "5500 0000 0000 0004", "card_number")
    assert card.display == "************0004"
    assert sum(ch.isdigit() for ch in card.display) == 4


def test_token_is_keyed_and_hides_the_number() -> None:
    """PCI DSS 3.5.1: without the key, the token cannot be recomputed from a guessed PAN."""
    mine = tokenise(KEY, VISA, "card_number").token
    assert mine != tokenise(os.urandom(32), VISA, "card_number").token
    assert VISA.encode() not in mine
    assert len(mine) == 32


def test_luhn() -> None:
    assert luhn_valid(VISA)
    assert luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")


@pytest.mark.parametrize(
    "number",
    ["4111111111111112", "41111111111", "41111111111111111111", "4111-1111-abcd-1111", ""],
    ids=["luhn", "short", "long", "letters", "empty"],
)
def test_invalid_numbers_are_refused_without_echoing_them(number: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        normalise_pan(number, "card_number")
    assert "card_number" in str(raised.value)
    digits = "".join(ch for ch in number if ch.isdigit())
    assert not digits or digits not in str(raised.value)
