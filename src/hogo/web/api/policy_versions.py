"""Published policy versions and their classified changes (R-64, R-04): read with any key.

``GET /v1/policy/versions`` lists the versions, ``GET /v1/policy/versions/{version}`` gives one
with its changes against the version before, and ``GET /v1/policy/diff?from=A&to=B`` compares
two published versions from their stored text. Publishing is done with ``hogo policy publish``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from hogo.policy.diff import Change, PolicyDiff
from hogo.services.policy_versions import PublishedVersion
from hogo.web.api.deps import ActorDep, HogoDep

router = APIRouter(prefix="/v1/policy", tags=["policy"])


class ChangeOut(BaseModel):
    path: str
    kind: Literal["added", "removed", "changed"]
    classification: Literal["consent", "notice", "editorial"]
    reason: str
    fields: list[str]


class DiffOut(BaseModel):
    from_version: str | None
    to_version: str
    requires_consent: bool
    requires_notice: bool
    changes: list[ChangeOut]


class VersionOut(BaseModel):
    version: str
    effective_from: dt.date
    published_at: dt.datetime
    published_by: str
    digest: str
    in_force: bool
    requires_consent: bool
    requires_notice: bool


class VersionList(BaseModel):
    versions: list[VersionOut]


class VersionDetail(VersionOut):
    changes: DiffOut


def _change(change: Change) -> ChangeOut:
    return ChangeOut(
        path=change.path,
        kind=change.kind,
        classification=change.classification,
        reason=change.reason,
        fields=list(change.fields),
    )


def _diff(changes: PolicyDiff) -> DiffOut:
    return DiffOut(
        from_version=changes.old_version,
        to_version=changes.new_version,
        requires_consent=changes.requires_consent,
        requires_notice=changes.requires_notice,
        changes=[_change(change) for change in changes.changes],
    )


def _version(version: PublishedVersion, current: PublishedVersion | None) -> VersionOut:
    return VersionOut(
        version=version.version,
        effective_from=version.effective_from,
        published_at=version.published_at,
        published_by=version.published_by,
        digest=version.digest,
        in_force=current is not None and current.version == version.version,
        requires_consent=version.changes.requires_consent,
        requires_notice=version.changes.requires_notice,
    )


@router.get("/versions")
def list_policy_versions(hogo: HogoDep, _actor: ActorDep) -> VersionList:
    """Every published version, the earliest to take effect first; which one is in force."""
    current = hogo.policy_versions.current()
    versions = hogo.policy_versions.list()
    return VersionList(versions=[_version(version, current) for version in versions])


@router.get("/versions/{version}")
def get_policy_version(version: str, hogo: HogoDep, _actor: ActorDep) -> VersionDetail:
    """One published version with its classified changes against the version before it."""
    published = hogo.policy_versions.get(version)
    summary = _version(published, hogo.policy_versions.current())
    return VersionDetail(**summary.model_dump(), changes=_diff(published.changes))


@router.get("/diff")
def diff_policy_versions(
    hogo: HogoDep,
    _actor: ActorDep,
    from_version: Annotated[str, Query(alias="from", description="The earlier version.")],
    to_version: Annotated[str, Query(alias="to", description="The later version.")],
) -> DiffOut:
    """The classified changes between two published versions, from their stored text."""
    return _diff(hogo.policy_versions.diff(from_version, to_version))
