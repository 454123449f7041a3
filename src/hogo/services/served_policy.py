"""The policy hogo enforces: the published version in force, else the policy file (R-04, R-64).

Once a version is published (``hogo policy publish``), the register decides: hogo serves and
enforces the latest version whose effective date has come (Japan time), so a purpose added
by a version announced for a later day is not declared, and is denied, until that day
(R-04). Until anything is in force, the file is the policy.

Every consent-requiring change of the versions in force up to the served one reopens the
purposes it touches (:mod:`hogo.policy.reconsent`): a grant recorded before the day that
version took effect no longer counts (R-64).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from hogo.policy.model import Policy
from hogo.policy.reconsent import reopened_purposes
from hogo.services.cookie_notice import EarlierNotice, banner_config
from hogo.services.policy_versions import PublishedVersion, version_of_row
from hogo.services.rights.deadlines import JAPAN
from hogo.store.tables import policy_versions

NOTICE_GRACE = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ServedPolicy:
    """The policy to enforce, where it came from, and when each purpose last needed consent."""

    policy: Policy
    published: PublishedVersion | None  # None: nothing is in force, the file is served
    consent_since: Mapping[str, dt.datetime] = field(default_factory=dict)
    previous: PublishedVersion | None = None  # the version in force before this one

    @property
    def register_id(self) -> int | None:
        """The register's row of the served version: it changes exactly when a reload is due."""
        return None if self.published is None else self.published.id


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight in Japan on ``day``, in UTC: when a version with that effective date begins."""
    return dt.datetime.combine(day, dt.time(), JAPAN).astimezone(dt.UTC)


def in_force_id(connection: Connection, today: dt.date) -> int | None:
    """The register row in force on ``today`` (Japan time), or ``None``."""
    query = (
        select(policy_versions.c.id)
        .where(policy_versions.c.effective_from <= today)
        .order_by(policy_versions.c.effective_from.desc(), policy_versions.c.id.desc())
        .limit(1)
    )
    return connection.execute(query).scalar()


def served_policy(connection: Connection, file_policy: Policy, today: dt.date) -> ServedPolicy:
    """What to enforce on ``today``: the version in force with its re-consent moments."""
    query = (
        select(policy_versions)
        .where(policy_versions.c.effective_from <= today)
        .order_by(policy_versions.c.effective_from, policy_versions.c.id)
    )
    in_force = [version_of_row(row) for row in connection.execute(query).mappings()]
    if not in_force:
        return ServedPolicy(file_policy, None)
    previous = in_force[-2] if len(in_force) > 1 else None
    return ServedPolicy(in_force[-1].policy(), in_force[-1], consent_since(in_force), previous)


def earlier_notice(served: ServedPolicy) -> EarlierNotice | None:
    """The banner notice of the version before the served one, accepted for
    :data:`NOTICE_GRACE` after the switch (a banner opened just before it)."""
    if served.published is None or served.previous is None:
        return None
    switched = max(start_of_day(served.published.effective_from), served.published.published_at)
    before = served.previous.policy()
    notice = str(banner_config(before)["notice_version"])
    return EarlierNotice(before.version, notice, switched + NOTICE_GRACE)


def consent_since(in_force: list[PublishedVersion]) -> dict[str, dt.datetime]:
    """Per purpose, the start of the last version in force whose change needed consent."""
    since: dict[str, dt.datetime] = {}
    for version in in_force:
        if not version.changes.requires_consent:
            continue
        policy = version.policy()
        began = start_of_day(version.effective_from)
        for change in version.changes.changes:
            for purpose in reopened_purposes(change, policy):
                since[purpose] = began
    served = in_force[-1].policy().purposes
    return {purpose: moment for purpose, moment in since.items() if purpose in served}
