"""``hogo policy check`` and ``show``, and the normalised JSON they print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from hogo.cli.policy import policy_app
from hogo.policy.load import load_policy_text
from hogo.policy.model import Policy
from hogo.policy.normalise import TOP_LEVEL, normalise

runner = CliRunner()
IDENTIFIED = [
    "subject_groups",
    "categories",
    "purposes",
    "recipients",
    "provision_exceptions",
    "roles",
    "retention",
    "cookies",
]


def test_check_accepts_the_example(example_path: Path) -> None:
    result = runner.invoke(policy_app, ["check", str(example_path)])
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith(f"{example_path}: OK (version 2022-04-01")
    assert result.stderr == ""


def test_check_prints_each_problem_on_stderr_and_exits_1(example_text: str, tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(example_text.replace("  k: 5", "  k: 1").replace("P30D", "30 days"))
    result = runner.invoke(policy_app, ["check", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{path}:") for line in lines)
    assert "retention.security_video.duration: Value error, '30 days' is not" in lines[0]
    assert lines[1].endswith("deid.k: Input should be greater than or equal to 2 (got 1)")


def test_check_a_missing_file_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(policy_app, ["check", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1
    assert "cannot read the file" in result.stderr
    assert "Traceback" not in result.output


def test_check_a_syntax_error_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("version: [\n")
    result = runner.invoke(policy_app, ["check", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:2: <root>: YAML syntax error")


def test_show_json_prints_the_normalised_policy(example_path: Path, policy: Policy) -> None:
    result = runner.invoke(policy_app, ["show", str(example_path), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == normalise(policy)
    assert "シチズン・システムズ株式会社" in result.stdout  # not escaped


def test_show_summarises_without_json(example_path: Path) -> None:
    result = runner.invoke(policy_app, ["show", str(example_path)])
    assert result.exit_code == 0
    assert "Purposes" in result.stdout
    assert "order_confirmation" in result.stdout


def test_show_an_invalid_policy_exits_1(example_text: str, tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(example_text.replace("  k: 5", "  k: 1"))
    result = runner.invoke(policy_app, ["show", str(path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""


def test_normalised_top_level_keys_in_order(policy: Policy) -> None:
    data = normalise(policy)
    assert tuple(data) == TOP_LEVEL
    assert json.loads(json.dumps(data)) == data


def test_normalised_mappings_are_lists_sorted_by_id_with_id_first(policy: Policy) -> None:
    data = normalise(policy)
    lists: list[list[dict[str, Any]]] = [data[key] for key in IDENTIFIED]
    lists += [data["access_logs"]["uses"], data["minors"]["thresholds"], data["rights"]["fees_jpy"]]
    for items in lists:
        ids = [item["id"] for item in items]
        assert ids == sorted(ids)
        assert all(next(iter(item)) == "id" for item in items)


def test_normalised_roles_have_explicit_scopes(policy: Policy) -> None:
    for role in normalise(policy)["roles"]:
        for key in ("groups", "categories", "purposes"):
            assert isinstance(role[key], list)
            assert role[key]


def test_normalised_defaults_and_dates(policy: Policy) -> None:
    data = normalise(policy)
    categories = {item["id"]: item for item in data["categories"]}
    assert categories["name"]["storage"] == "encrypt"
    assert categories["name"]["lookup"] is None
    assert data["effective_from"] == "2022-04-01"
    assert data["storage_locations"][0]["reviewed_at"] == "2022-04-01"
    assert data["minors"]["thresholds"] == [{"id": "EU", "age": 16}, {"id": "JP", "age": 15}]


def test_normalised_form_ignores_key_order(example_text: str, policy: Policy) -> None:
    """The same policy with its sections in another order normalises to the same data."""
    start = example_text.index("\n# §9–10")
    moved = example_text[start:] + example_text[:start]
    assert normalise(load_policy_text(moved, "moved.yaml")) == normalise(policy)
