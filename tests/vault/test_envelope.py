"""Envelope encryption (R-18): per-subject data keys, wrapped; values bound to their category."""

from __future__ import annotations

import os

import pytest

from hogo.errors import KeyMismatch
from hogo.vault.envelope import (
    ValueCipher,
    new_data_keys,
    nonces,
    subject_aad,
    unwrap_data_key,
    wrap_data_key,
)
from hogo.vault.keys import KeyRing


@pytest.fixture
def keyring() -> KeyRing:
    return KeyRing(os.urandom(32))


def test_data_keys_and_nonces_are_distinct() -> None:
    keys = new_data_keys(1000)
    assert len(set(keys)) == 1000
    assert {len(key) for key in keys} == {32}
    assert {len(nonce) for nonce in nonces(10)} == {12}


def test_wrapped_key_round_trip(keyring: KeyRing) -> None:
    data_key = new_data_keys(1)[0]
    wrapped = wrap_data_key(keyring, data_key, subject_aad("customers", "c-1"), nonces(1)[0])
    assert data_key not in wrapped
    assert unwrap_data_key(keyring, wrapped, "customers", "c-1") == data_key


@pytest.mark.parametrize(("group", "ref"), [("customers", "c-2"), ("applicants", "c-1")])
def test_wrapped_key_moved_to_another_subject_does_not_open(
    keyring: KeyRing, group: str, ref: str
) -> None:
    wrapped = wrap_data_key(
        keyring, os.urandom(32), subject_aad("customers", "c-1"), os.urandom(12)
    )
    with pytest.raises(KeyMismatch):
        unwrap_data_key(keyring, wrapped, group, ref)


def test_wrapped_key_under_another_master_key_does_not_open(keyring: KeyRing) -> None:
    wrapped = wrap_data_key(
        keyring, os.urandom(32), subject_aad("customers", "c-1"), os.urandom(12)
    )
    with pytest.raises(KeyMismatch):
        unwrap_data_key(KeyRing(os.urandom(32)), wrapped, "customers", "c-1")


def test_value_round_trip_and_fresh_nonce_each_time() -> None:
    cipher = ValueCipher(os.urandom(32))
    first = cipher.seal(os.urandom(12), "山田 花子", b"name")
    second = cipher.seal(os.urandom(12), "山田 花子", b"name")
    assert first != second
    assert cipher.open(first, "name", 1) == "山田 花子"
    assert "山田".encode() not in first


def test_value_moved_to_another_category_does_not_decrypt() -> None:
    cipher = ValueCipher(os.urandom(32))
    stored = cipher.seal(os.urandom(12), "hanako@example.jp", b"email")
    with pytest.raises(KeyMismatch) as raised:
        cipher.open(stored, "name", 7)
    assert "item 7" in str(raised.value)
