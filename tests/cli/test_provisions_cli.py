"""``hogo provide`` and ``hogo provisions`` (R-29, R-34, R-40): one line on refusal."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from pathlib import Path

import polars as pl
from typer.testing import CliRunner, Result

from hogo.cli.app import app
from hogo.runtime import open_hogo
from hogo.services.actor import Actor
from hogo.services.provision.recipients import FactsInput
from hogo.settings import Settings
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")


def setup(tmp_path: Path) -> tuple[dict[str, str], list[int]]:
    master = base64.b64encode(os.urandom(32)).decode()
    env = {
        "HOGO_DATABASE_URL": f"sqlite:///{tmp_path / 'hogo.db'}",
        "HOGO_MASTER_KEY": master,
        "HOGO_POLICY_PATH": str(POLICY),
        "HOGO_KEY_FILE": str(tmp_path / "hogo.key"),
        "HOGO_MAIL_URL": "memory://",
        "COLUMNS": "200",
    }
    settings = Settings(master_key=master, key_file=tmp_path / "hogo.key")
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as hogo:
        ids = []
        for n in range(2):
            subject_id = hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}")
            hogo.subjects.store(
                OFFICE, subject_id, [NewItem("name", f"顧客{n}", ["sale_provision"])]
            )
            ids.append(subject_id)
        hogo.recipients.record(
            OFFICE,
            "product_delivery",
            FactsInput(
                legal_name="配送株式会社",
                address="東京都港区1-1",
                representative="代表取締役 鈴木",
                contract_ref="C-1",
                security_terms="Annex 3",
                contract_items=tuple("abcdefgh"),
                supervised_on=dt.date.today(),
            ),
        )
    return env, ids


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def test_R34_provide_writes_the_file_and_the_records(tmp_path: Path) -> None:
    env, ids = setup(tmp_path)
    out = tmp_path / "delivery.csv"
    args = ["provide", "product_delivery", "--purpose", "sale_provision", "--category", "name"]
    args += ["--basis", "entrustment", "--format", "csv", "--out", str(out)]
    for subject_id in ids:
        args += ["--subject", str(subject_id)]
    done = run(env, *args)
    assert done.exit_code == 0, done.output
    assert "2 people to product_delivery" in done.output
    assert pl.read_csv(out)["name"].to_list() == ["顧客0", "顧客1"]

    listed = run(env, "provisions", "list", "--json", "--recipient", "product_delivery")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)[0]["people"] == 2
    records = run(env, "provisions", "records", str(ids[0]))
    assert json.loads(records.output)[0]["recipient_name"] == "配送株式会社"


def test_R29_a_refusal_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    env, ids = setup(tmp_path)
    out = tmp_path / "never.csv"
    refused = run(
        env,
        "provide",
        "product_delivery",
        "--purpose",
        "sale_provision",
        "--category",
        "card_number",
        "--basis",
        "entrustment",
        "--subject",
        str(ids[0]),
        "--out",
        str(out),
    )
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        "error: card_number is outside what recipient product_delivery covers (R-03, R-21)"
    ]
    assert "Traceback" not in refused.output
    assert not out.exists()
    unknown = run(
        env,
        "provide",
        "nobody",
        "--purpose",
        "sale_provision",
        "--category",
        "name",
        "--basis",
        "entrustment",
        "--subject",
        "1",
        "--out",
        str(out),
    )
    assert unknown.exit_code == 1
    assert "unknown recipient 'nobody'" in unknown.output
