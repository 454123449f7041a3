"""Synthetic demo subjects are valid under the example policy, and ``hogo demo`` reuses data."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from hogo.cli.app import app
from hogo.runtime import open_hogo
from hogo.services.actor import Actor
from hogo.services.populate import count_subjects, populate
from hogo.services.synthetic import SyntheticPeople
from hogo.settings import Settings
from hogo.store.tables import audit_log, consent_events, items

ROOT = Path(__file__).parents[2]
POLICY = ROOT / "examples" / "policy.yaml"


def test_synthetic_subjects_cover_every_group_and_are_stored(database_url: str) -> None:
    """Every generated item passes the vault's checks (R-02 purposes, never-stored rule)."""
    settings = Settings(master_key=base64.b64encode(os.urandom(32)).decode())
    with open_hogo(database_url, POLICY, settings=settings) as hogo:
        people = SyntheticPeople(hogo.policy, seed=7)
        batches = list(people.batches(400, 200))
        groups = {subject.group for batch in batches for subject in batch.subjects}
        assert groups == set(hogo.policy.subject_groups)
        never = {c for c, spec in hogo.policy.categories.items() if spec.storage == "never"}
        generated = {i.category for b in batches for s in b.subjects for i in s.items}
        assert not generated & never
        for batch in batches:
            populate(hogo.engine, hogo.vault, Actor("demo", "privacy_office"), batch)
        assert count_subjects(hogo.engine) == 400
        with hogo.engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(items)).scalar_one()
            consents = connection.execute(select(func.count()).select_from(consent_events))
            audited = connection.execute(select(func.count()).select_from(audit_log))
            assert stored == sum(len(s.items) for b in batches for s in b.subjects)
            assert consents.scalar_one() > 0
            assert audited.scalar_one() == len(batches)


def test_demo_creates_then_reuses_its_database(tmp_path: Path) -> None:
    runner = CliRunner()
    args = [
        "demo",
        "--subjects",
        "60",
        "--database",
        str(tmp_path / "demo.db"),
        "--key-file",
        str(tmp_path / "demo.key"),
        "--policy",
        str(POLICY),
        "--no-serve",
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "hogo_" in first.output
    assert "Published policy version 2022-04-01" in first.output  # the register starts
    assert "Recorded demo facts for the" in first.output  # provision works out of the box
    assert (tmp_path / "demo.key").stat().st_mode & 0o777 == 0o600
    key = (tmp_path / "demo.key").read_bytes()
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "Reusing the 60 subjects" in second.output
    assert "Published policy version" not in second.output
    assert "Recorded demo facts" not in second.output
    assert (tmp_path / "demo.key").read_bytes() == key
