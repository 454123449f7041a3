"""Fixtures for the service tests: the example policy and a stored subject."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from hogo.policy.load import load_policy
from hogo.policy.model import Policy
from hogo.store.tables import subjects

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"


@pytest.fixture(scope="session")
def example_policy() -> Policy:
    return load_policy(POLICY)


@pytest.fixture
def subject_id(engine: Engine) -> int:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with engine.begin() as connection:
        inserted = insert(subjects).values(
            subject_group="customers",
            ref="r-1",
            jurisdiction="JP",
            status="active",
            wrapped_key=b"k",
            created_at=now,
            updated_at=now,
        )
        return int(connection.execute(inserted.returning(subjects.c.id)).scalar_one())
