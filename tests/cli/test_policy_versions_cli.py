"""``hogo policy diff | publish | versions``: classified changes from the terminal (R-64, R-04)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from hogo.cli.app import app
from hogo.store.tables import policy_versions

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
THIRD_PARTY = """\
  research_partner:
    title: {ja: 共同研究先, en: Research partner}
    kind: third_party
    basis: consent
    groups: [customers]
    purposes: [product_development_analysis]
    categories: [birth_date, gender]
"""


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, ["policy", *args], env={"COLUMNS": "200", **(env or {})})


@pytest.fixture
def newer(tmp_path: Path) -> Path:
    """The seed with a new third party on consent, as version 2030-02-01."""
    text = POLICY.read_text(encoding="utf-8")
    text = text.replace('version: "2022-04-01"', 'version: "2030-02-01"', 1)
    text = text.replace("\nrecipients:\n", "\nrecipients:\n" + THIRD_PARTY, 1)
    path = tmp_path / "newer.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    text = POLICY.read_text(encoding="utf-8")
    text = text.replace("delivery_info]\n    legal_basis", "phnoe]\n    legal_basis", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def stored(engine: Engine) -> int:
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(policy_versions))
        return int(count.scalar_one())


def test_r64_diff_prints_the_classified_changes(newer: Path) -> None:
    """R-64: the table names the path, its class and why; the verdict says consent is needed."""
    result = invoke("diff", str(POLICY), str(newer))
    assert result.exit_code == 0, result.output
    assert "recipients.research_partner" in result.stdout
    assert "consent" in result.stdout
    assert "consent is required before the new processing" in result.stdout


def test_r64_diff_json(newer: Path) -> None:
    result = invoke("diff", str(POLICY), str(newer), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["from"] == "2022-04-01"
    assert data["to"] == "2030-02-01"
    assert data["requires_consent"] is True
    assert data["changes"] == [
        {
            "path": "recipients.research_partner",
            "kind": "added",
            "classification": "consent",
            "reason": data["changes"][0]["reason"],
            "fields": [],
        }
    ]


def test_r64_diff_of_a_file_with_itself_is_no_change() -> None:
    result = invoke("diff", str(POLICY), str(POLICY))
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout


def test_r64_diff_refuses_a_failing_file_in_one_line(broken: Path) -> None:
    """R-64: either file failing the check: exit 1, one line naming FILE:LINE: key."""
    result = invoke("diff", str(POLICY), str(broken))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"{broken}:" in lines[0]
    assert "purposes.order_confirmation.categories[" in lines[0]
    assert result.stdout == ""


def test_r64_publish_then_list_versions(database_url: str, engine: Engine, newer: Path) -> None:
    """R-64, R-04: publish two versions; the second shows its classified changes."""
    env = {"HOGO_DATABASE_URL": database_url}
    first = invoke("publish", str(POLICY), "--effective", "2022-04-01", env=env)
    assert first.exit_code == 0, first.output
    assert "policy version 2022-04-01 published (the first)" in first.stdout
    second = invoke("publish", str(newer), "--effective", "2099-02-01", env=env)
    assert second.exit_code == 0, second.output
    assert "recipients.research_partner" in second.stdout
    assert "version 2030-02-01 takes effect on 2099-02-01" in second.stdout
    listed = invoke("versions", env=env)
    assert listed.exit_code == 0, listed.output
    assert "2022-04-01" in listed.stdout
    assert "2030-02-01" in listed.stdout
    assert "1/0/0" in listed.stdout  # one consent change, no notice, no editorial
    rows = json.loads(invoke("versions", "--json", env=env).stdout)
    assert [row["version"] for row in rows] == ["2022-04-01", "2030-02-01"]
    assert rows[1]["changes"]["requires_consent"] is True
    assert stored(engine) == 2


def test_r64_publish_refuses_a_failing_file_and_stores_nothing(
    database_url: str, engine: Engine, broken: Path
) -> None:
    """R-64: the refusal is one line naming FILE:LINE: key; the register stays empty."""
    result = invoke(
        "publish", str(broken), "--effective", "2030-02-01", "--database-url", database_url
    )
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"{broken}:" in lines[0]
    assert "purposes.order_confirmation.categories[" in lines[0]
    assert stored(engine) == 0


def test_r64_publish_refuses_a_version_already_published(database_url: str, engine: Engine) -> None:
    env = {"HOGO_DATABASE_URL": database_url}
    assert invoke("publish", str(POLICY), "--effective", "2022-04-01", env=env).exit_code == 0
    again = invoke("publish", str(POLICY), "--effective", "2022-05-01", env=env)
    assert again.exit_code == 1
    assert "already published" in again.stderr
    assert stored(engine) == 1


def test_versions_of_an_empty_register(database_url: str, engine: Engine) -> None:
    result = invoke("versions", "--database-url", database_url)
    assert result.exit_code == 0, result.output
    assert "No policy version is published." in result.stdout
