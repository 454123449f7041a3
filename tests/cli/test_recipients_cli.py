"""``hogo recipients`` and ``hogo receipts`` from the terminal (R-21, R-33, R-35, G-13, D14).

Bad input prints one line, exits non-zero and writes nothing. SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hogo.cli.app import app
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings
from hogo.store.tables import receipts, recipient_facts

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
PROCESSOR = "store_management"
CHECKED = dt.date.today() - dt.timedelta(days=30)
NAMES = ["--legal-name", "株式会社ストア", "--address", "東京都港区1-1", "--representative", "山田"]
CONTRACT = [
    "--contract-ref",
    "C-2025-17",
    "--security-terms",
    "別紙2",
    *[arg for item in "abcdefgh" for arg in ("--contract-item", item)],
    "--supervised-on",
    CHECKED.isoformat(),
]


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {
        "HOGO_DATABASE_URL": database_url,
        "HOGO_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        "HOGO_POLICY_PATH": str(POLICY),
        "COLUMNS": "250",
    }


@pytest.fixture
def hogo(env: dict[str, str]) -> Iterator[Hogo]:
    settings = Settings(master_key=env["HOGO_MASTER_KEY"])
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as opened:
        yield opened


def run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def fails(env: dict[str, str], *args: str) -> str:
    """The one line a refused command prints, after checking it exited non-zero."""
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    return lines[0]


def facts_rows(hogo: Hogo) -> int:
    with hogo.engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(recipient_facts)).scalar_one()
        )


def test_R21_list_shows_every_recipient_with_its_first_problem(
    env: dict[str, str], hogo: Hogo
) -> None:
    output = run(env, "recipients", "list")
    for recipient in hogo.policy.recipients:
        assert recipient in output
    assert "no facts recorded" in output
    listed = json.loads(run(env, "recipients", "list", "--json"))
    assert [entry["id"] for entry in listed] == list(hogo.policy.recipients)
    assert all(not entry["ready"] for entry in listed)


def test_R21_G13_set_prints_each_problem_then_ready_once_fixed(
    env: dict[str, str], hogo: Hogo
) -> None:
    output = run(
        env,
        "recipients",
        "set",
        PROCESSOR,
        *NAMES,
        "--contract-ref",
        "C-1",
        "--contract-until",
        "2020-03-31",
        "--sub-processor",
        "Acme, Inc.,us,pending",
        "--supervised-on",
        "2019-01-01",
    )
    assert "status: not ready" in output
    for named in (
        "no entrustment contract with security terms",
        "the contract ended on 2020-03-31",
        "lacks GDPR Art 28(3) items a, b, c, d, e, f, g, h (G-13)",
        "sub-processor Acme, Inc. (US) is not approved",
        "the supervision check was due on 2020-01-01",
    ):
        assert named in output
    fixed = run(
        env,
        "recipients",
        "set",
        PROCESSOR,
        *NAMES,
        *CONTRACT,
        "--sub-processor",
        "Acme,US,approved",
    )
    assert "status: ready" in fixed
    assert hogo.recipients.status(PROCESSOR).ready
    listed = run(env, "recipients", "list")
    assert "株式会社ストア" in listed
    due = CHECKED + dt.timedelta(days=365)
    assert due.isoformat() in listed  # the next supervision check is due a year on


def test_R33_D14_show_gives_declared_facts_and_problems(env: dict[str, str], hogo: Hogo) -> None:
    run(
        env,
        "recipients",
        "set",
        "group_companies",
        *NAMES,
        "--country",
        "US",
        "--foreign-basis",
        "system",
        "--foreign-system",
        "APEC CBPR",
        "--system-checked-on",
        "2020-02-01",
    )
    shown = run(env, "recipients", "show", "group_companies")
    assert "The Company's group companies / 当社グループ会社" in shown
    assert "foreign system: APEC CBPR" in shown
    assert "the equivalent-measures system's check was due on 2021-01-31" in shown
    data = json.loads(run(env, "recipients", "show", "group_companies", "--json"))
    assert data["declared"]["kind"] == "group_company"
    assert data["facts"]["country"] == "US"
    assert data["foreign"] is True
    assert data["system_check_due"] == "2021-01-31"
    assert data["problems"][0].startswith("the register puts it in US, the policy in JP")
    assert len(data["problems"]) == 2


def test_R21_history_lists_every_row_recorded(env: dict[str, str], hogo: Hogo) -> None:
    run(env, "recipients", "set", PROCESSOR, *NAMES)
    run(env, "recipients", "set", PROCESSOR, *NAMES, *CONTRACT)
    output = run(env, "recipients", "history", PROCESSOR)
    assert "C-2025-17" in output
    rows = json.loads(run(env, "recipients", "history", PROCESSOR, "--json"))
    assert [row["contract_ref"] for row in rows] == [None, "C-2025-17"]


def test_R21_public_key_is_read_from_a_file(
    env: dict[str, str], hogo: Hogo, tmp_path: Path
) -> None:
    key = tmp_path / "recipient.pub"
    key.write_text("age1examplepublickey\n", encoding="utf-8")
    run(env, "recipients", "set", PROCESSOR, *NAMES, "--public-key-file", str(key))
    facts = hogo.recipients.status(PROCESSOR).facts
    assert facts is not None
    assert facts.public_key == "age1examplepublickey"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--contract-from", "2025-13-01"], "--contract-from: '2025-13-01' is not a day"),
        (["--sub-processor", "Acme,US"], "expected name,CC,approved"),
        (["--sub-processor", "Acme,US,maybe"], "expected name,CC,approved"),
        (["--foreign-basis", "treaty"], "unknown foreign basis 'treaty'"),
        (["--country", "USA"], "not an ISO 3166"),
        (["--contract-item", "z"], "unknown contract items"),
        (["--public-key-file", "/nonexistent/key.pub"], "--public-key-file"),
        (["--role", "marketing"], "may not record recipients' facts"),
    ],
)
def test_R21_bad_input_is_one_line_and_writes_nothing(
    env: dict[str, str], hogo: Hogo, args: list[str], message: str
) -> None:
    assert message in fails(env, "recipients", "set", PROCESSOR, *NAMES, *args)
    assert facts_rows(hogo) == 0


def test_R21_an_unknown_recipient_is_one_line(env: dict[str, str], hogo: Hogo) -> None:
    assert "unknown recipient 'nobody'" in fails(env, "recipients", "show", "nobody")
    assert "unknown recipient" in fails(env, "recipients", "set", "nobody", *NAMES)
    assert facts_rows(hogo) == 0


def test_R21_a_missing_database_is_not_created(tmp_path: Path) -> None:
    env = {
        "HOGO_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}",
        "HOGO_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        "HOGO_POLICY_PATH": str(POLICY),
    }
    assert "no database at" in fails(env, "recipients", "list")
    assert not (tmp_path / "none.db").exists()


RECEIPT = [
    "--provider-name",
    "株式会社リスト提供",
    "--provider-address",
    "大阪府大阪市北区梅田1-1",
    "--provider-representative",
    "佐藤 花子",
    "--acquisition",
    "会員登録フォームで本人から取得",
    "--category",
    "name",
    "--category",
    "email",
]


def receipt_rows(hogo: Hogo) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(receipts)).scalar_one())


def test_R35_receipts_add_and_list(env: dict[str, str], hogo: Hogo) -> None:
    people = [hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}") for n in range(2)]
    subjects = [arg for person in people for arg in ("--subject", str(person))]
    output = run(
        env,
        "receipts",
        "add",
        *subjects,
        *RECEIPT,
        "--basis",
        "opt_out",
        "--ppc-published",
        "--method",
        "contract_substitute",
        "--received-at",
        "2025-01-05",
    )
    assert "2 receipts recorded; kept until" in output
    listed = run(env, "receipts", "list", "--subject", str(people[0]))
    assert "株式会社リスト提供" in listed
    assert "2025-01-05" in listed
    assert "opt_out" in listed
    (entry,) = json.loads(run(env, "receipts", "list", "--subject", str(people[1]), "--json"))
    assert entry["categories"] == ["name", "email"]
    assert entry["ppc_published"] is True
    assert entry["received_at"] == "2025-01-04T15:00:00+00:00"  # midnight in Japan
    nobody_else = hogo.subjects.create(OFFICE, group="customers", ref="c-9")
    assert "No receipts" in run(env, "receipts", "list", "--subject", str(nobody_else))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--basis", "consent", "--method", "bulk"], "needs the person's consent confirmed"),
        (["--basis", "opt_out", "--method", "bulk"], "needs the PPC's publication"),
        (["--basis", "individual", "--method", "weekly"], "unknown record method"),
        (
            ["--basis", "individual", "--method", "bulk", "--received-at", "soon"],
            "--received-at: 'soon' is not a day",
        ),
        (
            ["--basis", "individual", "--method", "bulk", "--subject", "987654"],
            "no such subject: 987654",
        ),
    ],
)
def test_R35_refused_receipts_are_one_line_and_write_nothing(
    env: dict[str, str], hogo: Hogo, args: list[str], message: str
) -> None:
    person = hogo.subjects.create(OFFICE, group="customers", ref="c-1")
    line = fails(env, "receipts", "add", "--subject", str(person), *RECEIPT, *args)
    assert message in line
    assert receipt_rows(hogo) == 0


def test_R35_receipts_of_an_unknown_subject_is_one_line(env: dict[str, str], hogo: Hogo) -> None:
    assert "subject 987654 not found" in fails(env, "receipts", "list", "--subject", "987654")
