"""The seed's policy file, loaded once, and helpers to break a copy of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hogo.errors import PolicyError
from hogo.policy.load import load_policy, load_policy_text
from hogo.policy.model import Policy
from hogo.policy.normalise import normalise

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "policy.yaml"
NAME = "policy.yaml"


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(EXAMPLE)


@pytest.fixture(scope="session")
def shown(policy: Policy) -> dict[str, Any]:
    """The normalised JSON, each identifier-keyed list turned back into a dict by id."""
    data = normalise(policy)
    return {
        key: {item["id"]: item for item in value}
        if isinstance(value, list) and value and "id" in value[0]
        else value
        for key, value in data.items()
    }


Edit = Callable[[str, str, str, str], tuple[str, int]]
ProblemsOf = Callable[[str], list[str]]


def _edit(text: str, after: str, old: str, new: str) -> tuple[str, int]:
    """Replace the first ``old`` following ``after``; return the text and that line (1-based)."""
    start = text.index(after)
    position = text.index(old, start)
    line = text.count("\n", 0, position) + 1
    return text[:position] + new + text[position + len(old) :], line


def _problems_of(text: str) -> list[str]:
    """The problem lines of a policy text that must not load."""
    with pytest.raises(PolicyError) as caught:
        load_policy_text(text, NAME)
    return caught.value.problems


@pytest.fixture(scope="session")
def edit() -> Edit:
    return _edit


@pytest.fixture(scope="session")
def problems_of() -> ProblemsOf:
    return _problems_of
