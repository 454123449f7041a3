"""A small policy with every storage rule the vault knows, and a vault over it.

Two subject groups: customers (contact data, a card number, a card security code that is
never stored, special-care health data) and applicants (a school, collected by no customer
purpose). Sections the vault does not read hold the least that validates.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from hogo.policy.model import Policy
from hogo.store.tables import items, subjects
from hogo.vault.keys import KeyRing
from hogo.vault.vault import Vault

Counts = Callable[[Engine], tuple[int, int]]

CATEGORIES: dict[str, dict[str, Any]] = {
    "name": {"deid": "direct_identifier"},
    "email": {"deid": "direct_identifier", "lookup": "email"},
    "phone": {"deid": "direct_identifier", "lookup": "phone"},
    "note": {"deid": "other"},
    "card_number": {"deid": "property_damage", "storage": "token"},
    "card_security_code": {"deid": "property_damage", "storage": "never"},
    "health": {"deid": "sensitive", "special_care": True},
    "school": {"deid": "quasi_identifier"},
}
GROUPS: dict[str, list[str]] = {
    "customers": ["name", "email", "phone", "note", "card_number", "card_security_code", "health"],
    "applicants": ["name", "email", "school"],
}
PURPOSES: dict[str, dict[str, Any]] = {
    "orders": {
        "groups": ["customers"],
        "categories": ["name", "email", "phone", "note", "card_number", "card_security_code"],
    },
    "newsletter": {
        "groups": ["customers"],
        "categories": ["name", "email"],
        "consent": "required",
        "consent_version": "v1",
    },
    "care": {
        "groups": ["customers"],
        "categories": ["health"],
        "consent": "required",
        "consent_version": "v2",
    },
    "hiring": {"groups": ["applicants"], "categories": ["name", "email", "school"]},
}


def _text(en: str) -> dict[str, str]:
    return {"ja": en, "en": en}


def build_policy() -> Policy:
    person = {"name": _text("n"), "address": _text("a"), "representative": _text("r")}
    return Policy.model_validate(
        {
            "version": "1",
            "effective_from": dt.date(2025, 4, 1),
            "controller": person,
            "subject_groups": {
                name: {"title": _text(name), "section": "1", "collects": collects}
                for name, collects in GROUPS.items()
            },
            "categories": {
                name: {"title": _text(name), **spec} for name, spec in CATEGORIES.items()
            },
            "purposes": {
                name: {
                    "title": _text(name),
                    "description": _text(name),
                    "section": "2",
                    "legal_basis": {"appi": "A17(1)", "gdpr": "contract"},
                    **spec,
                }
                for name, spec in PURPOSES.items()
            },
            "recipients": {},
            "provision_exceptions": {},
            "storage_locations": [],
            "roles": {},
            "rights": {"offered": ["disclosure"], "identity_check": ["id card"]},
            "inquiry_desk": {"name": _text("desk"), "form_url": "https://x", "channels": ["form"]},
            "retention": {},
            "cookies": {},
            "access_logs": {"categories": [], "uses": {}},
            "minors": {"thresholds": {"JP": 18}, "default_jurisdiction": "JP"},
        }
    )


@pytest.fixture(scope="session")
def policy() -> Policy:
    return build_policy()


@pytest.fixture
def master_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def keyring(master_key: bytes) -> KeyRing:
    return KeyRing(master_key)


@pytest.fixture
def vault(policy: Policy, keyring: KeyRing) -> Vault:
    return Vault(policy, keyring)


@pytest.fixture
def now() -> dt.datetime:
    return dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        subject_count = connection.execute(select(func.count()).select_from(subjects)).scalar_one()
        item_count = connection.execute(select(func.count()).select_from(items)).scalar_one()
        return int(subject_count), int(item_count)


@pytest.fixture
def counts() -> Counts:
    """(subjects, items) stored in a database."""
    return _counts
