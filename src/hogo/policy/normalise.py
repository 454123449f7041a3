"""The policy as stable, plain JSON data (``hogo policy show --json``).

The shape is documented in ``docs/policy.md`` ("Normalised JSON") and is meant for other
programs: every mapping of the file keyed by an identifier becomes a list of objects whose first
key is ``id``, sorted by ``id``; a role's ``"*"`` scope is expanded to the explicit, sorted list
of ids it stands for; dates are ISO 8601 strings. Lists of references keep the order written in
the file. Two files that differ only in key order or in YAML style normalise to the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from hogo.policy.model import Policy, Role

Key = TypeVar("Key", bound=str)

TOP_LEVEL = (
    "version",
    "effective_from",
    "controller",
    "subject_groups",
    "categories",
    "purposes",
    "recipients",
    "provision_exceptions",
    "roles",
    "retention",
    "cookies",
    "access_logs",
    "minors",
    "rights",
    "inquiry_desk",
    "storage_locations",
    "deid",
)


def dump(model: BaseModel) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json")
    return data


def listed(mapping: Mapping[Key, BaseModel]) -> list[dict[str, Any]]:
    """``{id: object}`` → ``[{"id": id, **object}]`` sorted by id."""
    return [{"id": key, **dump(mapping[key])} for key in sorted(mapping)]


def expanded_role(policy: Policy, rid: str, role: Role) -> dict[str, Any]:
    return {
        "id": rid,
        "title": dump(role.title),
        "groups": sorted(policy.role_groups(rid)) if role.groups == "*" else role.groups,
        "categories": sorted(policy.role_categories(rid))
        if role.categories == "*"
        else role.categories,
        "purposes": sorted(policy.role_purposes(rid)) if role.purposes == "*" else role.purposes,
    }


def normalise(policy: Policy) -> dict[str, Any]:
    """The JSON-ready form of ``policy``; its top-level keys are :data:`TOP_LEVEL`, in order."""
    access_logs = dump(policy.access_logs)
    access_logs["uses"] = listed(policy.access_logs.uses)
    minors = dump(policy.minors)
    minors["thresholds"] = [
        {"id": key, "age": age} for key, age in sorted(policy.minors.thresholds.items())
    ]
    rights = dump(policy.rights)
    rights["fees_jpy"] = [
        {"id": key, "amount": fee} for key, fee in sorted(policy.rights.fees_jpy.items())
    ]
    data: dict[str, Any] = {
        "version": policy.version,
        "effective_from": policy.effective_from.isoformat(),
        "controller": dump(policy.controller),
        "subject_groups": listed(policy.subject_groups),
        "categories": listed(policy.categories),
        "purposes": listed(policy.purposes),
        "recipients": listed(policy.recipients),
        "provision_exceptions": listed(policy.provision_exceptions),
        "roles": [expanded_role(policy, rid, r) for rid, r in sorted(policy.roles.items())],
        "retention": listed(policy.retention),
        "cookies": listed(policy.cookies),
        "access_logs": access_logs,
        "minors": minors,
        "rights": rights,
        "inquiry_desk": dump(policy.inquiry_desk),
        "storage_locations": [dump(location) for location in policy.storage_locations],
        "deid": dump(policy.deid),
    }
    return data
