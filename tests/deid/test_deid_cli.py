"""``hogo deid anonymise`` and ``check`` end to end; bad input writes nothing (R-54, R-56)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from hogo.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
ADULT = ROOT / "tests" / "data" / "adult"
QUASI = "age,sex,race,marital-status,education,native-country,workclass,occupation"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def small(tmp_path: Path, config: str, data: str = "zip,sex,salary\n") -> tuple[Path, Path]:
    rows = "".join(f"15000{i % 3},{'MF'[i % 2]},{i}\n" for i in range(12))
    (tmp_path / "data.csv").write_text(data + rows if data.endswith("\n") else data)
    (tmp_path / "sex.csv").write_text("M;*\r\nF;*\r\n")
    (tmp_path / "anon.yaml").write_text(config)
    return tmp_path / "data.csv", tmp_path / "anon.yaml"


CONFIG = """\
quasi_identifiers:
  zip: {type: mask}
  sex: sex.csv
insensitive: [salary]
model: {k: 2}
"""


def test_R54_R56_anonymise_writes_the_release_and_its_notice(tmp_path: Path) -> None:
    data, config = small(tmp_path, CONFIG)
    out = tmp_path / "out" / "release.parquet"
    out.parent.mkdir()
    result = run("deid", "anonymise", str(data), "--config", str(config), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "node: zip=0, sex=0" in result.output
    assert "GCP: 0.0000" in result.output
    assert "prosecutor risk: highest 0.5000" in result.output
    notice = json.loads((tmp_path / "out" / "release.parquet.notice.json").read_text())
    assert notice["categories"] == ["zip", "sex", "salary"]
    assert notice["made_at"]
    checked = run("deid", "check", str(out), "--k", "2", "--quasi", "zip,sex")
    assert checked.exit_code == 0, checked.output
    refused = run("deid", "check", str(out), "--k", "3", "--quasi", "zip,sex")
    assert refused.exit_code == 1
    assert "not 3-anonymous: the smallest class has 2 rows" in refused.output


@pytest.mark.parametrize(
    ("config", "data", "message"),
    [
        (CONFIG, "zip,sex,salary\n150000,X,1\n150001,M,2\n", "value 'X' of column 'sex'"),
        (CONFIG.replace("zip: {type: mask}", "town: {type: mask}"), "zip,sex,salary\n",
         "quasi-identifier 'town' is not a column"),
        (CONFIG.replace("k: 2", "k: 20"), "zip,sex,salary\n", "k = 20 is larger than the 12 rows"),
        (CONFIG.replace("sex: sex.csv", "sex: broken.csv"), "zip,sex,salary\n", "broken.csv:2: "),
        (CONFIG.replace("k: 2", "k: 2, l: 30"), "zip,sex,salary\n",
         "need a sensitive attribute"),
        (CONFIG + "algorithm: mondrian\n", "zip,sex,salary\n", "algorithm"),
    ],
)  # fmt: skip
def test_R54_bad_input_is_one_clear_line_and_nothing_written(
    tmp_path: Path, config: str, data: str, message: str
) -> None:
    data_path, config_path = small(tmp_path, config, data)
    (tmp_path / "broken.csv").write_text("M;*\nF\n")
    out = tmp_path / "release.csv"
    result = run(
        "deid", "anonymise", str(data_path), "--config", str(config_path), "--out", str(out)
    )
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
    assert not (tmp_path / "release.csv.notice.json").exists()


@pytest.mark.slow
def test_R54_R56_the_adult_example_config_releases_a_5_anonymous_table(tmp_path: Path) -> None:
    out = tmp_path / "adult-5.csv"
    config = ROOT / "examples" / "anon-adult.yaml"
    result = run(
        "deid", "anonymise", str(ADULT / "adult.csv"), "--config", str(config), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "GCP: 0.6608" in result.output
    assert "suppressed rows: 0" in result.output
    assert (tmp_path / "adult-5.csv.notice.json").is_file()
    checked = run("deid", "check", str(out), "--k", "5", "--quasi", QUASI)
    assert checked.exit_code == 0, checked.output


def test_R54_customers_by_prefecture_and_age_band(tmp_path: Path) -> None:
    """R-54 (5): addresses generalised to the prefecture or region, birth dates to bands, until
    every class holds k people."""
    towns = ["東京都千代田区", "東京都港区", "神奈川県横浜市", "大阪府大阪市", "京都府京都市"]
    rows = "".join(
        f"{towns[i % 5]}{i}-1,19{70 + i % 20}-0{1 + i % 9}-1{i % 10},{i * 100}\n" for i in range(60)
    )
    (tmp_path / "customers.csv").write_text("address,birth_date,spent\n" + rows)
    (tmp_path / "anon.yaml").write_text(
        "quasi_identifiers:\n"
        "  address: {type: jp_address}\n"
        "  birth_date: {type: birth_date}\n"
        "insensitive: [spent]\n"
        "model: {k: 5}\n"
    )
    out = tmp_path / "release.csv"
    result = run(
        "deid", "anonymise", str(tmp_path / "customers.csv"),
        "--config", str(tmp_path / "anon.yaml"), "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    released = out.read_text(encoding="utf-8")
    assert "千代田区" not in released
    assert "関東" in released or "東京都" in released
    checked = run("deid", "check", str(out), "--k", "5", "--quasi", "address,birth_date")
    assert checked.exit_code == 0, checked.output
