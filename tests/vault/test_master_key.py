"""The master key (R-18 key management): where it comes from, its file, the database's check."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from hogo.errors import KeyMismatch, KeyMissing
from hogo.store.tables import keyring as keyring_table
from hogo.vault.keys import KeyRing, create_key_file, ensure_keyring, load_master_key


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_environment_value_wins_over_the_key_file(tmp_path: Path) -> None:
    from_file, from_env = os.urandom(32), os.urandom(32)
    key_file = tmp_path / "hogo.key"
    key_file.write_text(_b64(from_file) + "\n")
    assert load_master_key(_b64(from_env), key_file) == from_env
    assert load_master_key(None, key_file) == from_file
    assert load_master_key("", key_file) == from_file


def test_missing_key_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(KeyMissing) as raised:
        load_master_key(None, tmp_path / "absent.key")
    message = str(raised.value)
    assert "hogo init" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("not base64 at all!", "not valid base64"),
        (_b64(os.urandom(16)), "16 bytes, not 32"),
        (_b64(os.urandom(33)), "33 bytes, not 32"),
    ],
    ids=["invalid-base64", "short", "long"],
)
def test_malformed_key_is_refused_in_one_line(tmp_path: Path, value: str, problem: str) -> None:
    with pytest.raises(KeyMissing) as raised:
        load_master_key(value, tmp_path / "unused.key")
    assert problem in str(raised.value)
    assert "HOGO_MASTER_KEY" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_keyring_refuses_a_key_of_the_wrong_length() -> None:
    with pytest.raises(KeyMissing):
        KeyRing(b"short")


def test_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "hogo.key"
    assert create_key_file(path) is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_bytes()
    assert len(load_master_key(None, path)) == 32

    assert create_key_file(path) is False
    assert path.read_bytes() == first


def test_two_key_files_hold_different_keys(tmp_path: Path) -> None:
    create_key_file(tmp_path / "a.key")
    create_key_file(tmp_path / "b.key")
    assert load_master_key(None, tmp_path / "a.key") != load_master_key(None, tmp_path / "b.key")


def test_subkeys_are_separate_and_hidden_from_repr() -> None:
    keyring = KeyRing(os.urandom(32))
    assert len({keyring.index_key, keyring.card_key, keyring.check_key}) == 3
    assert repr(keyring) == "KeyRing(<hidden>)"
    assert keyring.index_key.hex() not in repr(keyring)


def test_first_use_stores_a_check_value_then_the_same_key_passes(engine: Engine) -> None:
    master = os.urandom(32)
    with engine.begin() as connection:
        ensure_keyring(connection, KeyRing(master))
    with engine.begin() as connection:
        ensure_keyring(connection, KeyRing(master))
        rows = connection.execute(select(keyring_table.c.check_value)).all()
    assert len(rows) == 1
    assert master not in bytes(rows[0].check_value)


def test_a_different_master_key_is_a_one_line_mismatch(engine: Engine) -> None:
    with engine.begin() as connection:
        ensure_keyring(connection, KeyRing(os.urandom(32)))
    with engine.begin() as connection, pytest.raises(KeyMismatch) as raised:
        ensure_keyring(connection, KeyRing(os.urandom(32)))
    assert str(raised.value) == (
        "the master key does not match the one this database was created with"
    )
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__ or raised.value.__context__ is None
