"""Pseudonymisation (R-48, R-49, R-50, R-52/R-53 marker): tokens, deletions, key file, marker."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

import polars as pl
import pytest
import typer
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.cmac import CMAC
from polars.testing import assert_frame_equal
from typer.testing import CliRunner, Result

from hogo.cli.deid_pseudonymise import pseudonymise as pseudonymise_command
from hogo.deid.keyfile import load_deid_key
from hogo.deid.marking import KIND, is_pseudonymised, sidecar_path
from hogo.deid.pseudonymise import pseudonymise
from hogo.deid.tokens import token_key, tokenise
from hogo.errors import KeyMissing, ValidationFailed

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
SECRET = bytes(range(32))
NAMES = ["山田 太郎", "佐藤 花子", "山田 太郎", "ｽｽﾞｷ ｲﾁﾛｳ"]
MEMBER_IDS = ["M-000123", "M-000456", "M-000123", "M-000789"]
CARDS = ["4111111111111111", "5500000000000004", "4111111111111111", "340000000000009"]
ROLES = {
    "name": "direct_identifier",
    "email": "direct_identifier",
    "member_id": "identification_code",
    "card_number": "property_damage",
    "age": "quasi_identifier",
    "amount": "other",
}


def customers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name": NAMES,
            "email": ["taro@example.jp", "hanako@example.jp", "taro@example.jp", None],
            "member_id": MEMBER_IDS,
            "card_number": CARDS,
            "age": ["34", "28", "34", "51"],
            "amount": ["1200", "800", "450", "3000"],
        }
    )


def cells(frame: pl.DataFrame) -> set[str]:
    return {str(v) for column in frame.columns for v in frame.get_column(column).to_list()}


def test_R48_no_name_code_or_card_value_in_the_output() -> None:
    out, report = pseudonymise(customers(), ROLES, SECRET)
    assert out.columns == ["name", "email", "age", "amount"]
    assert not cells(out) & set(NAMES + MEMBER_IDS + CARDS + ["taro@example.jp"])
    assert report.tokenised == ("name", "email")
    assert report.removed == ("member_id", "card_number")
    assert report.kept == ("age", "amount")


def test_R48_tokens_are_stable_for_a_value_and_differ_between_values() -> None:
    out, _ = pseudonymise(customers(), ROLES, SECRET)
    names = out.get_column("name").to_list()
    assert names[0] == names[2]  # the same person joins to the same token
    assert len({names[0], names[1], names[3]}) == 3
    assert out.get_column("email").to_list()[3] is None  # a missing value stays missing
    again, _ = pseudonymise(customers(), ROLES, SECRET)
    assert again.get_column("name").to_list() == names


def test_R48_a_different_key_gives_different_tokens() -> None:
    one, _ = pseudonymise(customers(), ROLES, SECRET)
    other, _ = pseudonymise(customers(), ROLES, os.urandom(32))
    assert not set(one.get_column("name")) & set(other.get_column("name"))


def test_R48_tokens_are_keyed_not_a_plain_hash_of_the_value() -> None:
    out, _ = pseudonymise(customers(), ROLES, SECRET)
    token = out.get_column("name")[0]
    for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
        assert digest(NAMES[0].encode()).hexdigest()[: len(token)] != token
    reference = CMAC(algorithms.AES(token_key(SECRET)))
    reference.update(NAMES[0].encode())
    assert token == reference.finalize().hex()  # AES-CMAC under the derived key


@pytest.mark.parametrize(
    "value",
    ["", "a", "x" * 15, "x" * 16, "x" * 17, "x" * 32, "東京都千代田区千代田1-1", "😀" * 9],
)
def test_R48_tokens_match_aes_cmac_at_every_block_boundary(value: str) -> None:
    key = token_key(SECRET)
    series = pl.Series("v", ["pad", value, "z" * 40])  # neighbours of other lengths
    reference = CMAC(algorithms.AES(key))
    reference.update(value.encode())
    assert tokenise(series, key)[1] == reference.finalize().hex()


def test_R48_drop_identifiers_deletes_them_and_the_callers_frame_is_untouched() -> None:
    frame = customers()
    before = frame.clone()
    out, report = pseudonymise(frame, ROLES, SECRET, drop_identifiers=True)
    assert out.columns == ["age", "amount"]
    assert report.tokenised == ()
    assert report.removed == ("name", "email", "member_id", "card_number")
    assert_frame_equal(frame, before)


def test_R48_unknown_role_and_column_without_role_are_errors() -> None:
    with pytest.raises(ValidationFailed, match="unknown de-identification role name=secret"):
        pseudonymise(customers(), {**ROLES, "name": "secret"}, SECRET)
    partial = {k: v for k, v in ROLES.items() if k != "amount"}
    with pytest.raises(ValidationFailed, match="no de-identification role for column amount"):
        pseudonymise(customers(), partial, SECRET)


def test_R49_the_key_file_is_made_owner_only_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "hogo.deid"
    path.parent.mkdir()
    key = load_deid_key(path)
    assert len(key) == 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_deid_key(path) == key  # the same key next time


def test_R49_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hogo.deid"
    path.write_text(base64.b64encode(os.urandom(32)).decode())
    path.chmod(0o644)
    with pytest.raises(KeyMissing, match="readable by its owner only"):
        load_deid_key(path)
    with pytest.raises(KeyMissing, match="does not exist"):
        load_deid_key(tmp_path / "absent.deid", create=False)


# --- the command ---------------------------------------------------------------------------


def other() -> None:
    """A second command."""


def run(tmp_path: Path, *args: str) -> Result:
    app = typer.Typer()
    app.command()(pseudonymise_command)
    app.command("other")(other)  # two commands, so the command's name is given as in hogo
    env = {
        "HOGO_POLICY_PATH": str(POLICY),
        "HOGO_KEY_FILE": str(tmp_path / "keys" / "hogo.key"),
    }
    (tmp_path / "keys").mkdir(exist_ok=True)
    return CliRunner().invoke(app, ["pseudonymise", *args], env=env)


def write_csv(path: Path, separator: str = ",") -> Path:
    frame = customers().rename({"amount": "product_number"}).drop("age")
    frame.write_csv(path, separator=separator)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_R52_the_output_is_marked_and_is_pseudonymised_sees_it(tmp_path: Path, suffix: str) -> None:
    source = write_csv(tmp_path / "customers.csv", separator=";")
    out = tmp_path / f"out{suffix}"
    done = run(
        tmp_path, str(source), "--out", str(out), "--purpose", "product_development_analysis"
    )
    assert done.exit_code == 0, done.output
    assert "tokenised: name, email" in done.output
    assert "removed: member_id, card_number" in done.output
    record = json.loads(sidecar_path(out).read_text(encoding="utf-8"))
    assert record["kind"] == KIND
    assert record["purposes"] == ["product_development_analysis"]
    assert record["columns"]["card_number"] == {"role": "property_damage", "treatment": "removed"}
    text = sidecar_path(out).read_text(encoding="utf-8")
    assert "hogo.deid" not in text  # the key file is never named beside the data
    assert str(tmp_path) not in text
    assert is_pseudonymised(out)
    data = pl.read_parquet(out) if suffix == ".parquet" else pl.read_csv(out, infer_schema=False)
    assert not cells(data) & set(NAMES + MEMBER_IDS + CARDS)
    assert (tmp_path / "keys" / "hogo.deid").stat().st_mode & 0o777 == 0o600
    sidecar_path(out).unlink()
    assert is_pseudonymised(out) == (suffix == ".parquet")  # Parquet carries its own mark
    assert not is_pseudonymised(source)


def test_R48_category_map_and_column_roles_name_the_roles(tmp_path: Path) -> None:
    source = customers().rename({"name": "customer", "amount": "spent"})
    source.write_parquet(tmp_path / "in.parquet")
    (tmp_path / "map.yaml").write_text("customer: name\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    args = [str(tmp_path / "in.parquet"), "--out", str(out), "--drop-identifiers"]
    args += ["--category-map", str(tmp_path / "map.yaml"), "--column", "spent=other"]
    args += ["--column", "age=quasi_identifier"]
    done = run(tmp_path, *args)
    assert done.exit_code == 0, done.output
    assert pl.read_parquet(out).columns == ["age", "spent"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--column", "product_number=public"], "unknown de-identification role"),
        (["--purpose", "selling_lists"], "purpose selling_lists is not published"),
        (["--column", "nonsense"], "is not NAME=ROLE"),
        (["--category-map", "absent.yaml"], "cannot read the category map"),
    ],
)
def test_R48_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    source = write_csv(tmp_path / "customers.csv")
    out = tmp_path / "out.csv"
    done = run(tmp_path, str(source), "--out", str(out), *extra)
    assert done.exit_code == 1
    assert message in done.output
    assert len(done.output.strip().splitlines()) == 1
    assert not out.exists()
    assert not sidecar_path(out).exists()


def test_R48_a_column_without_a_role_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    source = customers().with_columns(pl.lit("x").alias("notes"))
    source.write_csv(tmp_path / "in.csv")
    out = tmp_path / "out.parquet"
    done = run(tmp_path, str(tmp_path / "in.csv"), "--out", str(out))
    assert done.exit_code == 1
    assert "error: no de-identification role for column age, amount, notes" in done.output
    assert not out.exists()
    assert list(tmp_path.glob("out*")) == []
    assert not (tmp_path / "keys" / "hogo.deid").exists()  # not even the key is made


def test_R48_repeated_and_unique_columns_give_the_same_tokens() -> None:
    key = token_key(SECRET)
    repeated = pl.Series("v", [*NAMES, None] * 500)  # tokenised once per distinct value
    unique = pl.Series("v", [*NAMES[:2], NAMES[3], None])  # tokenised value by value
    tokens = tokenise(repeated, key).to_list()
    direct = tokenise(unique, key).to_list()
    assert tokens[:5] == [direct[0], direct[1], direct[0], direct[2], None]
    assert tokenise(pl.Series("n", [7, 7, 8] * 10), key)[0] == tokenise(pl.Series(["7"]), key)[0]
