"""Generalisation hierarchies: ARX files, built-in ones, and their errors (R-54)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from hogo.deid.errors import DeidError
from hogo.deid.frame import encode
from hogo.deid.hierarchies import birth_dates, intervals, load_arx, masking
from hogo.deid.japan import REGION_OF, japanese_addresses


def test_R54_an_arx_file_with_crlf_lines_loads_one_column_per_level(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(b"Bachelors;Undergraduate;*\r\nMasters;Graduate;*\r\n")
    hierarchy = load_arx(path)
    assert hierarchy.height == 3
    assert hierarchy.leaves == 2
    assert hierarchy.column(1).to_list() == ["Undergraduate", "Graduate"]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("a;x;*\nb;*\n", 2, "2 levels where line 1 has 3"),
        ("a;x;*\nb;;*\n", 2, "empty level"),
        ("a;x;*\nb;y;*\na;y;*\n", 3, "'a' appears more than once"),
    ],
)
def test_R54_a_malformed_hierarchy_names_its_file_and_line(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DeidError, match=f"bad.csv:{line}: .*{reason}"):
        load_arx(path)


def test_R54_an_empty_hierarchy_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(DeidError, match=r"empty\.csv: empty hierarchy file"):
        load_arx(path)


def test_R54_integer_intervals_of_5_10_20_then_star() -> None:
    hierarchy = intervals(pl.Series("age", ["23", "39", "23"]))
    assert hierarchy.levels.rows() == [
        ("23", "20-24", "20-29", "20-39", "*"),
        ("39", "35-39", "30-39", "20-39", "*"),
    ]


def test_R54_intervals_refuse_values_that_are_not_numbers() -> None:
    with pytest.raises(DeidError, match="'age': intervals need whole numbers"):
        intervals(pl.Series("age", ["23", "old"]))


def test_R54_postal_codes_mask_one_more_trailing_digit_per_level() -> None:
    hierarchy = masking(pl.Series("zip", ["1500001", "1500002"]))
    assert hierarchy.height == 8
    assert hierarchy.levels.row(0) == (
        "1500001", "150000*", "15000**", "1500***", "150****", "15*****", "1******", "*",
    )  # fmt: skip


def test_R54_dates_of_birth_go_to_year_5_and_10_year_bands_then_star() -> None:
    hierarchy = birth_dates(pl.Series("born", ["1987-04-02"]))
    assert hierarchy.levels.row(0) == ("1987-04-02", "1987", "1985-1989", "1980-1989", "*")


def test_R54_a_value_missing_from_its_hierarchy_names_value_and_column(tmp_path: Path) -> None:
    path = tmp_path / "sex.csv"
    path.write_text("Male;*\nFemale;*\n")
    frame = pl.DataFrame({"sex": ["Male", "Other"]})
    with pytest.raises(DeidError, match="value 'Other' of column 'sex' is not in its hierarchy"):
        encode(frame, {"sex": load_arx(path)})


def test_R54_japanese_addresses_generalise_to_prefecture_region_country() -> None:
    """R-54 (5): an address or a prefecture → prefecture → region → 日本 → *."""
    values = pl.Series(
        "address", ["東京都千代田区千代田1-1", "北海道札幌市", "京都府", "神奈川県横浜市"]
    )
    hierarchy = japanese_addresses(values)
    rows = {row[0]: row[1:] for row in hierarchy.levels.iter_rows()}
    assert rows["東京都千代田区千代田1-1"] == ("東京都", "関東", "日本", "*")
    assert rows["北海道札幌市"] == ("北海道", "北海道", "日本", "*")
    assert rows["京都府"] == ("京都府", "近畿", "日本", "*")
    assert rows["神奈川県横浜市"] == ("神奈川県", "関東", "日本", "*")
    assert len(REGION_OF) == 47


def test_R54_an_address_without_a_prefecture_names_value_and_column() -> None:
    """R-54: a value no prefecture starts is one clear error naming it and its column."""
    with pytest.raises(DeidError, match="'Springfield' of column 'address' names no Japanese"):
        japanese_addresses(pl.Series("address", ["東京都港区", "Springfield"]))
