"""Published versions of the policy, each with its classified changes (R-64, R-04; §15).

``publish`` stores a checked policy file as it was written (its text and sha256 digest), the
date it takes effect, and the changes against the latest published version, classified by
:func:`hogo.policy.diff.diff`; the first version published has no changes. A file that does
not pass ``hogo policy check``, a version already published, or an effective date before the
previous version's (or before the file's own ``effective_from``) is refused and nothing is
stored. A version with anything beyond wording changes cannot take effect before the day it
is published (Japan time): it must be announced first (APPI A21(3)).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, insert, select

from hogo.errors import Conflict, NotFound, PolicyError, ValidationFailed
from hogo.policy.diff import PolicyDiff, diff, first_version
from hogo.policy.load import load_policy_text
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record
from hogo.services.rights.deadlines import arrival_date
from hogo.store.tables import policy_versions

ACTION = "policy_published"


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    """A version of the policy as published: its text, when it takes effect, what changed."""

    id: int  # the register's row
    version: str
    effective_from: dt.date
    published_at: dt.datetime
    published_by: str
    digest: str
    source: str
    changes: PolicyDiff

    def policy(self) -> Policy:
        return load_policy_text(self.source, f"policy version {self.version}")


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_source(path: str | os.PathLike[str]) -> str:
    """The file's text; an unreadable file is a policy problem on its first line."""
    name = os.fspath(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError([f"{name}:1: <root>: cannot read the file: {error.strerror}"]) from None
    except UnicodeDecodeError as error:
        raise PolicyError([f"{name}:1: <root>: not UTF-8 text ({error.reason})"]) from None


def version_of_row(row: RowMapping) -> PublishedVersion:
    changes: Any = row["changes"]
    return PublishedVersion(
        id=row["id"],
        version=row["version"],
        effective_from=row["effective_from"],
        published_at=row["published_at"],
        published_by=row["published_by"],
        digest=row["digest"],
        source=row["source"],
        changes=PolicyDiff.from_json(changes),
    )


class PolicyVersions:
    """The register of published policy versions over one database."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock

    def publish(
        self, actor: Actor, path: str | os.PathLike[str], effective: dt.date
    ) -> PublishedVersion:
        """Check the file at ``path`` and publish it to take effect on ``effective``."""
        return self.publish_text(actor, read_source(path), os.fspath(path), effective)

    def publish_text(
        self, actor: Actor, text: str, name: str, effective: dt.date
    ) -> PublishedVersion:
        """Like :meth:`publish` for text in memory; ``name`` stands for the file in problems."""
        policy = load_policy_text(text, name)
        now = self._clock()
        with self._engine.begin() as connection:
            previous = self._latest(connection)
            changes = self._changes(previous, policy)
            if _exists(connection, policy.version):
                raise Conflict(f"policy version {policy.version!r} is already published")
            _check(policy, effective, previous, changes, now)
            values = {
                "version": policy.version,
                "effective_from": effective,
                "published_at": now,
                "published_by": actor.id,
                "digest": digest_of(text),
                "source": text,
                "changes": changes.to_json(),
            }
            inserted = connection.execute(insert(policy_versions).values(**values))
            record(connection, actor, ACTION, subject_id=None, at=now, detail=_audited(values))
        row_id = inserted.inserted_primary_key
        if row_id is None:
            raise RuntimeError("the database did not return the new version's id")
        return _version_of(int(row_id[0]), values, changes)

    def list(self) -> list[PublishedVersion]:
        """Every published version, the earliest in force first."""
        query = select(policy_versions).order_by(
            policy_versions.c.effective_from, policy_versions.c.id
        )
        with self._engine.connect() as connection:
            return [version_of_row(row) for row in connection.execute(query).mappings()]

    def get(self, version: str) -> PublishedVersion:
        query = select(policy_versions).where(policy_versions.c.version == version)
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            raise NotFound(f"no published policy version {version!r}")
        return version_of_row(row)

    def in_force(self, on: dt.date) -> PublishedVersion | None:
        """The version in force on ``on``: the latest to take effect on or before it."""
        query = (
            select(policy_versions)
            .where(policy_versions.c.effective_from <= on)
            .order_by(policy_versions.c.effective_from.desc(), policy_versions.c.id.desc())
            .limit(1)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else version_of_row(row)

    def current(self) -> PublishedVersion | None:
        """The version in force today (Japan time)."""
        return self.in_force(arrival_date(self._clock(), "appi"))

    def diff(self, old_version: str, new_version: str) -> PolicyDiff:
        """The classified changes between two published versions, from their stored text."""
        return diff(self.get(old_version).policy(), self.get(new_version).policy())

    def _latest(self, connection: Connection) -> PublishedVersion | None:
        query = select(policy_versions).order_by(policy_versions.c.id.desc()).limit(1)
        row = connection.execute(query).mappings().first()
        return None if row is None else version_of_row(row)

    @staticmethod
    def _changes(previous: PublishedVersion | None, policy: Policy) -> PolicyDiff:
        return first_version(policy) if previous is None else diff(previous.policy(), policy)


def _check(
    policy: Policy,
    effective: dt.date,
    previous: PublishedVersion | None,
    changes: PolicyDiff,
    now: dt.datetime,
) -> None:
    """Refuse an effective date the law or the register does not allow."""
    if effective < policy.effective_from:
        raise ValidationFailed(
            f"effective date {effective} is before the file's effective_from "
            f"{policy.effective_from}"
        )
    if previous is not None and effective < previous.effective_from:
        raise ValidationFailed(
            f"effective date {effective} is before {previous.effective_from}, when the "
            f"previous version {previous.version!r} took effect"
        )
    today = arrival_date(now, "appi")
    if changes.requires_notice and effective < today:
        raise ValidationFailed(
            f"effective date {effective} is before today ({today}): a version with "
            "substantive changes must be published before it takes effect (R-04, R-64)"
        )


def _exists(connection: Connection, version: str) -> bool:
    query = select(policy_versions.c.id).where(policy_versions.c.version == version)
    return connection.execute(query).first() is not None


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = values["changes"]
    counts: dict[str, int] = {}
    for change in changes["changes"]:
        counts[change["classification"]] = counts.get(change["classification"], 0) + 1
    return {
        "version": values["version"],
        "effective_from": values["effective_from"].isoformat(),
        "digest": values["digest"],
        "previous": changes["from"],
        "requires_consent": changes["requires_consent"],
        "changes": counts,
    }


def _version_of(row_id: int, values: dict[str, Any], changes: PolicyDiff) -> PublishedVersion:
    return PublishedVersion(
        id=row_id,
        version=values["version"],
        effective_from=values["effective_from"],
        published_at=values["published_at"],
        published_by=values["published_by"],
        digest=values["digest"],
        source=values["source"],
        changes=changes,
    )
