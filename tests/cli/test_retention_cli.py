"""``hogo retention report`` (R-12, D18, D31): tables, JSON, Japan time, roles."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner, Result

from hogo.cli.app import app
from hogo.policy.retention import after
from hogo.runtime import open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings
from hogo.store.engine import make_engine
from hogo.store.tables import items
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
AS_OF = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=10)
NOW = AS_OF.strftime("%Y-%m-%dT%H:%M:%S%z")
DAY = dt.timedelta(days=1)


def setup(tmp_path: Path) -> dict[str, str]:
    """Two people: two inquiries ending in five days, and one a sweep should have taken."""
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
        stored = []
        for n in range(2):
            subject_id = hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}")
            item = NewItem("inquiry_details", f"問い合わせ{n}", ["inquiry_handling"])
            stored += hogo.subjects.store(OFFICE, subject_id, [item, item])
        with hogo.engine.begin() as connection:
            soon = items.c.id.in_(stored[:3])
            connection.execute(update(items).where(soon).values(retain_until=AS_OF + 5 * DAY))
            late = items.c.id == stored[3]
            connection.execute(update(items).where(late).values(retain_until=AS_OF - 3 * DAY))
    return env


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def test_R12_D31_the_report_prints_its_tables_and_the_card_check(tmp_path: Path) -> None:
    """R-12: upcoming, overdue, held, waiting and sweeps as tables; D31: overdue until a sweep
    has finished, ok after one."""
    env = setup(tmp_path)
    done = run(env, "retention", "report", "--now", NOW)
    assert done.exit_code == 0, done.output
    for title in ("next 30 days", "next 90 days", "overdue", "held", "waiting", "latest sweeps"):
        assert title in done.output
    assert "inquiries" in done.output
    assert "card data (PCI DSS 3.2.1): overdue: no sweep has finished" in done.output

    assert run(env, "sweep", "--now", NOW).exit_code == 0
    after = run(env, "retention", "report", "--now", NOW)
    assert after.exit_code == 0, after.output
    assert "card data (PCI DSS 3.2.1): ok" in after.output
    assert "cli:" in after.output  # the sweep, by whom


def test_R12_D31_json_output_parses(tmp_path: Path) -> None:
    """R-12, D31: --json prints the report as one JSON document."""
    env = setup(tmp_path)
    done = run(env, "retention", "report", "--now", NOW, "--json")
    assert done.exit_code == 0, done.output
    found = json.loads(done.output)
    assert found["as_of"] == AS_OF.isoformat()
    assert [window["days"] for window in found["upcoming"]] == [30, 90]
    assert found["upcoming"][0]["rules"] == [
        {"rule": "inquiries", "method": "delete", "items": 3, "subjects": 2}
    ]
    assert found["overdue"] == [
        {"rule": "inquiries", "method": "delete", "items": 1, "subjects": 1}
    ]
    assert found["held"] == []
    assert found["sweeps"] == []
    assert found["card_data"]["status"] == "overdue"
    assert found["card_data"]["problems"] == ["no_sweep"]


def test_R12_a_moment_without_a_zone_is_japan_time(tmp_path: Path) -> None:
    env = setup(tmp_path)
    done = run(env, "retention", "report", "--now", "2031-01-01", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["as_of"] == "2031-01-01T00:00:00+09:00"


def test_R12_another_role_is_refused_in_one_line(tmp_path: Path) -> None:
    env = setup(tmp_path)
    refused = run(env, "retention", "report", "--role", "marketing")
    assert refused.exit_code != 0
    assert refused.output.strip().count("\n") == 0
    assert "may not read the retention report" in refused.output


def shortened(tmp_path: Path) -> tuple[dict[str, str], list[int]]:
    """Two inquiries stored under the example policy; then the policy keeps inquiries a year."""
    env = setup(tmp_path)
    settings = Settings(master_key=env["HOGO_MASTER_KEY"], key_file=Path(env["HOGO_KEY_FILE"]))
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as hogo:
        subject_id = hogo.subjects.create(OFFICE, group="customers", ref="c-new")
        item = NewItem("inquiry_details", "返品の相談", ["inquiry_handling"])
        stored = hogo.subjects.store(OFFICE, subject_id, [item, item])
    rule = "purposes: [inquiry_handling]\n    clock: collected_at\n    duration: P3Y"
    text = POLICY.read_text(encoding="utf-8").replace(rule, rule.replace("P3Y", "P1Y"))
    (tmp_path / "shorter.yaml").write_text(text, encoding="utf-8")
    return {**env, "HOGO_POLICY_PATH": str(tmp_path / "shorter.yaml")}, stored


def ends_of(env: dict[str, str], ids: list[int]) -> list[tuple[dt.datetime, dt.datetime]]:
    query = select(items.c.collected_at, items.c.retain_until).where(items.c.id.in_(ids))
    engine = make_engine(env["HOGO_DATABASE_URL"])
    with engine.connect() as connection:
        found = [(row.collected_at, row.retain_until) for row in connection.execute(query)]
    engine.dispose()
    return found


def test_R12_R13_recompute_dry_run_then_run(tmp_path: Path) -> None:
    """R-12, R-13: the dry run prints the counts and changes nothing; the run moves the two
    inquiries' ends two years earlier; a second run changes nothing."""
    env, stored = shortened(tmp_path)
    before = ends_of(env, stored)

    planned = run(env, "retention", "recompute", "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert "2 of 6 items of 3 people would change (2 earlier, 0 later, 0 to none)" in planned.output
    assert "nothing was changed" in planned.output
    assert ends_of(env, stored) == before

    done = run(env, "retention", "recompute", "--chunk", "1")
    assert done.exit_code == 0, done.output
    assert "inquiries" in done.output
    assert "2 of 6 items of 3 people changed (2 earlier, 0 later, 0 to none)" in done.output
    assert [until for _, until in ends_of(env, stored)] == [
        after(collected, "P1Y") for collected, _ in before
    ]

    again = run(env, "retention", "recompute")
    assert again.exit_code == 0, again.output
    assert "0 of 6 items of 3 people changed" in again.output


def test_R12_recompute_refuses_another_role_in_one_line(tmp_path: Path) -> None:
    env, stored = shortened(tmp_path)
    before = ends_of(env, stored)
    refused = run(env, "retention", "recompute", "--role", "marketing")
    assert refused.exit_code != 0
    assert refused.output.strip().count("\n") == 0
    assert "may not recompute retention" in refused.output
    assert ends_of(env, stored) == before
