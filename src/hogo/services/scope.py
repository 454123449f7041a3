"""Whether a role's scope (§6: subject groups × categories × purposes) covers a write."""

from __future__ import annotations

from collections.abc import Iterable

from hogo.errors import Forbidden, ValidationFailed
from hogo.policy.model import Policy


def require_scope(
    policy: Policy,
    role: str,
    *,
    group: str,
    categories: Iterable[str] = (),
    purposes: Iterable[str] = (),
) -> None:
    """Raise :class:`Forbidden` naming what the role does not cover (R-16 deny by default)."""
    _require_declared(policy, group, categories, purposes)
    if role not in policy.roles:
        raise Forbidden(f"role {role!r} is not declared in the policy", role=role)
    outside = _outside(policy.role_groups(role), [group], "subject group")
    outside += _outside(policy.role_categories(role), categories, "category")
    outside += _outside(policy.role_purposes(role), purposes, "purpose")
    if outside:
        raise Forbidden(f"role {role!r} does not cover {', '.join(outside)}", role=role)


def _require_declared(
    policy: Policy, group: str, categories: Iterable[str], purposes: Iterable[str]
) -> None:
    """Names the policy does not declare are bad input (422), not a question of scope."""
    unknown = [f"subject group {group!r}"] if group not in policy.subject_groups else []
    unknown += [f"category {c!r}" for c in dict.fromkeys(categories) if c not in policy.categories]
    unknown += [f"purpose {p!r}" for p in dict.fromkeys(purposes) if p not in policy.purposes]
    if unknown:
        raise ValidationFailed(f"not declared in the policy: {', '.join(unknown)}")


def _outside(scope: Iterable[str], wanted: Iterable[str], kind: str) -> list[str]:
    covered = set(scope)
    return [f"{kind} {name!r}" for name in dict.fromkeys(wanted) if name not in covered]
