"""An open hogo over the example policy, its API in-process, and API keys per role."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from hogo.auth.keys import KeyVerifier, create_key
from hogo.runtime import Hogo, open_hogo
from hogo.settings import Settings
from hogo.web.app import create_app

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    master = base64.b64encode(os.urandom(32)).decode()
    return Settings(master_key=master, key_file=tmp_path / "unused.key")


@pytest.fixture
def hogo(database_url: str, settings: Settings) -> Iterator[Hogo]:
    opened = open_hogo(database_url, POLICY, settings=settings)
    yield opened
    opened.close()


@pytest.fixture
def client(hogo: Hogo) -> Iterator[TestClient]:
    app = create_app(hogo, KeyVerifier(hogo.engine, hasher=CHEAP_HASHER))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def key_for(hogo: Hogo) -> Callable[[str], dict[str, str]]:
    """Headers carrying a fresh API key for a role of the policy."""

    def make(role: str) -> dict[str, str]:
        with hogo.engine.begin() as connection:
            key = create_key(
                connection,
                role,
                roles_known=list(hogo.policy.roles),
                now=dt.datetime.now(dt.UTC),
                hasher=CHEAP_HASHER,
            )
        return {"Authorization": f"Bearer {key}"}

    return make
