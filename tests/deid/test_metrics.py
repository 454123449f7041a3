"""Metrics, models and the full-domain search on a frame small enough to work by hand (R-54)."""

from __future__ import annotations

import math

import polars as pl
import pytest

from hogo.deid.errors import DeidError
from hogo.deid.frame import encode
from hogo.deid.fulldomain import anonymise, evaluate, exhaustive, search
from hogo.deid.hierarchies import Hierarchy
from hogo.deid.lattice import classes
from hogo.deid.metrics import measure
from hogo.deid.models import PrivacyModel

A = Hierarchy(
    pl.DataFrame({"0": ["x1", "x2", "y1", "y2"], "1": ["X", "X", "Y", "Y"], "2": ["*"] * 4}), "a"
)
B = Hierarchy(pl.DataFrame({"0": ["1", "2"], "1": ["*", "*"]}), "b")
FRAME = pl.DataFrame(
    {
        "a": ["x1", "x2", "y1", "y1", "y2", "y1"],
        "b": [1, 1, 2, 2, 2, 1],
        "s": ["p", "q", "p", "p", "p", "q"],
    }
)


def test_R54_metrics_of_a_node_match_the_hand_computation() -> None:
    """Node (a=1, b=0), k=2: classes (X,1)=2, (Y,2)=3, (Y,1)=1 suppressed.

    GCP = (5 rows x 1/3 + 1 suppressed row x 2 cells) / 12 cells = 11/36.
    """
    encoded = encode(FRAME, {"a": A, "b": B})
    metrics = measure(classes(encoded, (1, 0), PrivacyModel(2)), 6, 2)
    assert metrics.gcp == pytest.approx(11 / 36)
    assert metrics.discernibility == 4 + 9 + 1 * 6
    assert metrics.average_class_size == pytest.approx(2.5)
    assert metrics.suppressed == 1
    assert metrics.highest_risk == pytest.approx(1 / 2)
    assert metrics.average_risk == pytest.approx(2 / 5)


def test_R54_k_anonymity_with_suppression_finds_the_hand_optimum() -> None:
    original = FRAME.clone()
    result = anonymise(FRAME, {"a": A, "b": B}, PrivacyModel(2), limit=0.2)
    assert result.node == {"a": 1, "b": 0}
    assert result.metrics.gcp == pytest.approx(11 / 36)
    assert result.frame.select("a", "b").rows() == [
        ("X", "1"), ("X", "1"), ("Y", "2"), ("Y", "2"), ("Y", "2"), ("*", "*"),
    ]  # fmt: skip
    assert FRAME.equals(original)


def test_R54_without_suppression_the_search_meets_the_exhaustive_optimum() -> None:
    encoded = encode(FRAME, {"a": A, "b": B})
    best, _evaluated = search(encoded, PrivacyModel(2), 0.0)
    assert best.node == exhaustive(encoded, PrivacyModel(2), 0.0).node == (2, 0)
    assert best.gcp == pytest.approx(0.5)


def test_R54_distinct_l_diversity_suppresses_a_homogeneous_class() -> None:
    encoded = encode(FRAME, {"a": A, "b": B}, ["s"])
    table = classes(encoded, (1, 0), PrivacyModel(1, l=2)).sort("size")
    assert table.select("size", "ok").rows() == [(1, False), (2, True), (3, False)]


def test_R54_entropy_l_diversity_needs_the_entropy_of_l_equal_values() -> None:
    encoded = encode(FRAME, {"a": A, "b": B}, ["s"])
    table = classes(encoded, (2, 1), PrivacyModel(1, l=2, diversity="entropy"))
    assert table.get_column("ok").to_list() == [False]  # shares 4/6, 2/6: entropy < ln 2
    table = classes(encoded, (1, 1), PrivacyModel(1, l=2, diversity="entropy"))
    assert sorted(table.get_column("ok").to_list()) == [False, True]


@pytest.mark.parametrize("distance", ["equal", "ordered"])
def test_R54_t_closeness_compares_each_class_with_the_whole_table(distance: str) -> None:
    """Overall p: 4/6, q: 2/6. Class (*,1) has 1/3, 2/3: distance 1/3 (either distance)."""
    encoded = encode(FRAME, {"a": A, "b": B}, ["s"])
    model = PrivacyModel(1, t=0.34, distance=distance)  # type: ignore[arg-type]
    assert classes(encoded, (2, 0), model).get_column("ok").all()
    model = PrivacyModel(1, t=0.33, distance=distance)  # type: ignore[arg-type]
    assert not classes(encoded, (2, 0), model).get_column("ok").all()


def test_R54_k_larger_than_the_rows_is_an_error() -> None:
    with pytest.raises(DeidError, match="k = 7 is larger than the 6 rows"):
        anonymise(FRAME, {"a": A, "b": B}, PrivacyModel(7))


def test_R54_a_model_no_node_meets_is_an_error() -> None:
    with pytest.raises(DeidError, match="no generalisation meets the model"):
        anonymise(FRAME, {"a": A}, PrivacyModel(2, l=3), sensitive=["s"])


def test_R54_an_evaluation_counts_unsatisfied_when_suppression_exceeds_the_limit() -> None:
    encoded = encode(FRAME, {"a": A, "b": B})
    assert not evaluate(encoded, (1, 0), PrivacyModel(2), 0.1).satisfied
    assert evaluate(encoded, (1, 0), PrivacyModel(2), 1 / 6).satisfied
    assert math.isclose(evaluate(encoded, (2, 2 - 1), PrivacyModel(2), 0).gcp, 1.0)
