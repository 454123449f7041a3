"""Fixtures of the access-log tests: the example policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from hogo.policy.load import load_policy
from hogo.policy.model import Policy

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"


@pytest.fixture(scope="session")
def example_policy() -> Policy:
    return load_policy(POLICY)
