"""Shared fixtures: real databases, never mocks.

``engine`` runs each test that asks for it twice: on a fresh SQLite file, and on a fresh schema
of the PostgreSQL server named by ``HOGO_TEST_POSTGRES_URL`` (``make test`` sets it to the local
server; without it the PostgreSQL runs are skipped). Both are migrated with hogo's own Alembic
migrations, so every test also exercises them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from hogo.store import migrate
from hogo.store.engine import make_engine

POSTGRES_URL = os.environ.get("HOGO_TEST_POSTGRES_URL")

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="HOGO_TEST_POSTGRES_URL is not set"),
        ],
    ),
]


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty, unmigrated database (SQLite file or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hogo.db'}"
        return
    assert POSTGRES_URL is not None
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database on SQLite and on PostgreSQL."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _mail_stays_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes mail to the working directory: the default sender keeps it in memory."""
    monkeypatch.setenv("HOGO_MAIL_URL", "memory://")
