"""What the policy says about access logs, reduced to what parsing and storing need.

- Addresses are cut to ``access_logs.ipv4_prefix`` / ``ipv6_prefix`` (R-61).
- A line is linked to a member only when ``access_logs.member_cookie`` names the field that
  carries the member's reference AND a use named ``member_linkage`` is declared; the member
  must be a subject of a group of that use's purposes (R-61, R-62). Otherwise no line is linked.
- Lines are kept for the retention rule with clock ``collected_at`` that covers the
  access-log categories (``web_logs`` in the example): line time plus its duration (R-12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hogo.policy.durations import add_duration
from hogo.policy.model import ISO_DURATION, Policy, RetentionRule

LINKAGE_USE = "member_linkage"
REFERENCE_DAY = dt.date(2001, 1, 31)  # to compare durations: the one reaching further wins


@dataclass(frozen=True, slots=True)
class LogRules:
    """Prefixes, the member field, the groups a line may link to and the retention."""

    ipv4_prefix: int = 24
    ipv6_prefix: int = 48
    member_cookie: str | None = None
    member_groups: tuple[str, ...] = ()
    retention: str | None = None  # ISO 8601 duration from the line's time, e.g. ``P13M``
    retention_rule: str | None = None

    @property
    def linkage(self) -> bool:
        """Whether any line may be linked to a member (R-61)."""
        return self.member_cookie is not None and bool(self.member_groups)

    @property
    def retention_offset(self) -> str | None:
        """The retention as a Polars ``dt.offset_by`` text (``P1Y1M2W3D`` → ``1y1mo2w3d``)."""
        return None if self.retention is None else polars_offset(self.retention)


def log_rules(policy: Policy) -> LogRules:
    logs = policy.access_logs
    use = logs.uses.get(LINKAGE_USE)
    groups: list[str] = []
    for pid in use.purposes if use is not None else []:
        purpose = policy.purposes.get(pid)
        groups.extend(g for g in (purpose.groups if purpose else []) if g not in groups)
    name, rule = _retention_rule(policy)
    return LogRules(
        ipv4_prefix=logs.ipv4_prefix,
        ipv6_prefix=logs.ipv6_prefix,
        member_cookie=logs.member_cookie,
        member_groups=tuple(groups),
        retention=rule.duration if rule else None,
        retention_rule=name,
    )


def _retention_rule(policy: Policy) -> tuple[str | None, RetentionRule | None]:
    """The collected-at rule over access-log categories that keeps lines longest."""
    wanted = set(policy.access_logs.categories)
    found = [
        (name, rule)
        for name, rule in policy.retention.items()
        if rule.clock == "collected_at" and wanted & set(rule.categories)
    ]
    if not found:
        return None, None
    return max(found, key=lambda pair: add_duration(REFERENCE_DAY, pair[1].duration))


def polars_offset(duration: str) -> str:
    match = ISO_DURATION.match(duration)
    if match is None or duration == "P":
        raise ValueError(f"{duration!r} is not an ISO 8601 duration such as P3Y, P6M or P30D")
    units = ("y", "mo", "w", "d")
    text = "".join(f"{n}{unit}" for n, unit in zip(match.groups(), units, strict=True) if n)
    return text or "0d"
