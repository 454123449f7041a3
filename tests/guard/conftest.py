"""A small policy for guard tests, built from minimal dictionaries.

``build_policy`` fills every section the guard does not read with the least that validates,
so a test states only groups, categories, purposes, roles and minors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from hogo.guard import CompiledPolicy, compile_policy
from hogo.policy.model import Policy

PolicyBuilder = Callable[..., Policy]

GROUPS: dict[str, list[str]] = {
    "customer": ["name", "email", "address", "purchase"],
    "employee": ["name", "email", "payroll"],
    "applicant": ["name", "email", "cv"],
}
CATEGORIES: list[str] = ["name", "email", "address", "purchase", "payroll", "cv", "health"]
PURPOSES: dict[str, dict[str, Any]] = {
    "order_fulfilment": {
        "groups": ["customer"],
        "categories": ["name", "email", "address", "purchase"],
    },
    "marketing": {
        "groups": ["customer"],
        "categories": ["name", "email", "purchase"],
        "consent": "required",
        "consent_version": "v2",
    },
    "analytics": {"groups": ["customer"], "categories": ["purchase"], "consent": "opt_out"},
    "payroll": {"groups": ["employee"], "categories": ["name", "payroll"]},
    "recruiting": {
        "groups": ["applicant"],
        "categories": ["name", "email", "cv"],
        "consent": "required",
    },
}
ROLES: dict[str, dict[str, Any]] = {
    "admin": {"groups": "*", "categories": "*", "purposes": "*"},
    "support": {
        "groups": ["customer"],
        "categories": ["name", "email", "address", "purchase"],
        "purposes": ["order_fulfilment"],
    },
    "marketer": {
        "groups": ["customer"],
        "categories": ["name", "email", "purchase"],
        "purposes": ["marketing", "analytics"],
    },
    "hr": {
        "groups": ["employee", "applicant"],
        "categories": ["name", "email", "payroll", "cv"],
        "purposes": ["payroll", "recruiting"],
    },
}


def _text(en: str) -> dict[str, str]:
    return {"ja": en, "en": en}


def _purpose(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": _text(name),
        "description": _text(name),
        "section": "2",
        "legal_basis": {"appi": "A17(1)", "gdpr": "contract"},
        **spec,
    }


def _role(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"title": _text(name), **spec}


def build_policy(
    groups: dict[str, list[str]] | None = None,
    categories: list[str] | None = None,
    purposes: dict[str, dict[str, Any]] | None = None,
    roles: dict[str, dict[str, Any]] | None = None,
    thresholds: dict[str, int] | None = None,
    default_jurisdiction: str = "JP",
) -> Policy:
    """A valid policy from the parts the guard reads; defaults are the module's tables."""
    groups = GROUPS if groups is None else groups
    categories = CATEGORIES if categories is None else categories
    purposes = PURPOSES if purposes is None else purposes
    roles = ROLES if roles is None else roles
    person = {"name": _text("n"), "address": _text("a"), "representative": _text("r")}
    return Policy.model_validate(
        {
            "version": "1",
            "effective_from": dt.date(2024, 4, 1),
            "controller": person,
            "subject_groups": {
                g: {"title": _text(g), "section": "1", "collects": c} for g, c in groups.items()
            },
            "categories": {c: {"title": _text(c), "deid": "other"} for c in categories},
            "purposes": {name: _purpose(name, spec) for name, spec in purposes.items()},
            "recipients": {},
            "provision_exceptions": {},
            "storage_locations": [],
            "roles": {name: _role(name, spec) for name, spec in roles.items()},
            "rights": {"offered": ["disclosure"], "identity_check": ["id card"]},
            "inquiry_desk": {"name": _text("desk"), "form_url": "https://x", "channels": ["form"]},
            "retention": {},
            "cookies": {},
            "access_logs": {"categories": [], "uses": {}},
            "minors": {
                "thresholds": {"JP": 15, "EU": 16} if thresholds is None else thresholds,
                "default_jurisdiction": default_jurisdiction,
            },
        }
    )


@pytest.fixture
def make_policy() -> PolicyBuilder:
    return build_policy


@pytest.fixture(scope="session")
def guard() -> CompiledPolicy:
    return compile_policy(build_policy())
