"""Publishing policy versions with their classified changes (R-64, R-04; seed §15)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from hogo.errors import Conflict, NotFound, PolicyError, ValidationFailed
from hogo.services.actor import Actor
from hogo.services.policy_versions import PolicyVersions
from hogo.store.tables import audit_log, policy_versions

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "policy.yaml"
NOW = dt.datetime(2030, 1, 10, 3, 0, tzinfo=dt.UTC)  # 12:00 in Japan
OFFICE = Actor(id="cli:office", role="privacy_office")
THIRD_PARTY = """\
  research_partner:
    title: {ja: 共同研究先, en: Research partner}
    kind: third_party
    basis: consent
    groups: [customers]
    purposes: [product_development_analysis]
    categories: [birth_date, gender]
"""


def version_of(text: str, version: str) -> str:
    return text.replace('version: "2022-04-01"', f'version: "{version}"', 1)


@pytest.fixture
def seed_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def register(engine: Engine) -> PolicyVersions:
    return PolicyVersions(engine, clock=lambda: NOW)


def stored_rows(engine: Engine) -> tuple[int, int]:
    """How many versions are stored, and how many were audited as published."""
    with engine.connect() as connection:
        versions = connection.execute(select(func.count()).select_from(policy_versions))
        audited = connection.execute(
            select(func.count())
            .select_from(audit_log)
            .where(audit_log.c.action == "policy_published")
        )
        return int(versions.scalar_one()), int(audited.scalar_one())


def publish_two(register: PolicyVersions, tmp_path: Path, seed_text: str) -> None:
    register.publish(OFFICE, EXAMPLE, dt.date(2022, 4, 1))
    newer = version_of(seed_text, "2030-02-01")
    newer = newer.replace("\nrecipients:\n", "\nrecipients:\n" + THIRD_PARTY, 1)
    path = tmp_path / "2030.yaml"
    path.write_text(newer, encoding="utf-8")
    register.publish(OFFICE, path, dt.date(2030, 2, 1))


def test_r64_first_version_is_stored_with_its_text_and_digest(
    register: PolicyVersions, engine: Engine, seed_text: str
) -> None:
    """R-64: the policy as published, its digest and its date are kept; the act is audited."""
    published = register.publish(OFFICE, EXAMPLE, dt.date(2022, 4, 1))
    assert published.version == "2022-04-01"
    assert published.effective_from == dt.date(2022, 4, 1)
    assert published.digest == hashlib.sha256(seed_text.encode()).hexdigest()
    assert published.changes.old_version is None
    assert published.changes.changes == ()
    assert published.published_by == "cli:office"
    stored = register.get("2022-04-01")
    assert stored.source == seed_text
    assert stored.published_at == NOW
    assert stored.changes == published.changes
    assert stored_rows(engine) == (1, 1)
    with engine.connect() as connection:
        body = connection.execute(
            select(audit_log.c.body).where(audit_log.c.action == "policy_published")
        ).scalar_one()
    detail = json.loads(body)["detail"]
    assert detail["version"] == "2022-04-01"
    assert detail["digest"] == published.digest


def test_r64_next_version_records_its_classified_changes(
    register: PolicyVersions, tmp_path: Path, seed_text: str
) -> None:
    """R-64: a new third party is recorded as needing consent, against the version before."""
    publish_two(register, tmp_path, seed_text)
    newer = register.get("2030-02-01")
    assert newer.changes.old_version == "2022-04-01"
    assert newer.changes.requires_consent
    assert [(c.path, c.classification) for c in newer.changes.changes] == [
        ("recipients.research_partner", "consent")
    ]
    assert register.diff("2022-04-01", "2030-02-01") == newer.changes
    assert [v.version for v in register.list()] == ["2022-04-01", "2030-02-01"]


def test_r04_the_version_in_force_on_a_date(
    register: PolicyVersions, tmp_path: Path, seed_text: str
) -> None:
    """R-04: until its effective date, the earlier version is the one in force."""
    publish_two(register, tmp_path, seed_text)
    assert register.in_force(dt.date(2022, 3, 31)) is None
    in_force = register.in_force(dt.date(2030, 1, 31))
    assert in_force is not None
    assert in_force.version == "2022-04-01"
    in_force = register.in_force(dt.date(2030, 2, 1))
    assert in_force is not None
    assert in_force.version == "2030-02-01"
    current = register.current()  # 2030-01-10 in Japan
    assert current is not None
    assert current.version == "2022-04-01"


def test_r64_a_file_that_fails_the_check_is_refused_and_nothing_stored(
    register: PolicyVersions, engine: Engine, tmp_path: Path, seed_text: str
) -> None:
    """R-64: the refusal names FILE:LINE: key; no version and no audit entry is stored."""
    broken = seed_text.replace("delivery_info]\n    legal_basis", "phnoe]\n    legal_basis", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        register.publish(OFFICE, path, dt.date(2030, 2, 1))
    problem = caught.value.problems[0]
    assert problem.startswith(f"{path}:")
    assert ": purposes.order_confirmation.categories[" in problem
    assert stored_rows(engine) == (0, 0)


def test_r64_an_unreadable_file_is_refused(register: PolicyVersions, tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read the file"):
        register.publish(OFFICE, tmp_path / "missing.yaml", dt.date(2030, 2, 1))


def test_r64_a_version_is_published_once(
    register: PolicyVersions, engine: Engine, tmp_path: Path, seed_text: str
) -> None:
    """R-64: the same version string cannot be published twice, even with another text."""
    register.publish(OFFICE, EXAMPLE, dt.date(2022, 4, 1))
    changed = seed_text.replace("en: Confirming orders", "en: Confirming your orders", 1)
    path = tmp_path / "same-version.yaml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(Conflict, match="already published"):
        register.publish(OFFICE, path, dt.date(2030, 2, 1))
    assert stored_rows(engine) == (1, 1)


def test_r04_effective_date_before_the_previous_version_is_refused(
    register: PolicyVersions, engine: Engine, tmp_path: Path, seed_text: str
) -> None:
    """R-04: versions take effect in the order they are published."""
    register.publish(OFFICE, EXAMPLE, dt.date(2030, 3, 1))
    path = tmp_path / "later.yaml"
    path.write_text(version_of(seed_text, "2030-02-01"), encoding="utf-8")
    with pytest.raises(ValidationFailed, match="previous version"):
        register.publish(OFFICE, path, dt.date(2030, 2, 1))
    assert stored_rows(engine) == (1, 1)


def test_r04_substantive_changes_cannot_take_effect_before_publication(
    register: PolicyVersions, engine: Engine, tmp_path: Path, seed_text: str
) -> None:
    """R-04, R-64: a change to announce is published on or before its effective date."""
    register.publish(OFFICE, EXAMPLE, dt.date(2022, 4, 1))
    longer = version_of(seed_text, "2030-01-01").replace("duration: P30D", "duration: P60D", 1)
    path = tmp_path / "longer.yaml"
    path.write_text(longer, encoding="utf-8")
    with pytest.raises(ValidationFailed, match="before today"):
        register.publish(OFFICE, path, dt.date(2030, 1, 9))
    assert stored_rows(engine) == (1, 1)
    published = register.publish(OFFICE, path, dt.date(2030, 1, 10))
    assert [c.classification for c in published.changes.changes] == ["notice"]


def test_r64_wording_only_may_take_effect_at_once(
    register: PolicyVersions, tmp_path: Path, seed_text: str
) -> None:
    """R-64: an editorial version needs no announcement before it takes effect."""
    register.publish(OFFICE, EXAMPLE, dt.date(2022, 4, 1))
    reworded = version_of(seed_text, "2022-04-02").replace(
        "en: Confirming orders", "en: Confirming your orders", 1
    )
    path = tmp_path / "reworded.yaml"
    path.write_text(reworded, encoding="utf-8")
    published = register.publish(OFFICE, path, dt.date(2022, 4, 2))
    assert not published.changes.requires_notice


def test_effective_date_before_the_file_says_is_refused(register: PolicyVersions) -> None:
    with pytest.raises(ValidationFailed, match="effective_from"):
        register.publish(OFFICE, EXAMPLE, dt.date(2022, 3, 31))


def test_unknown_versions_are_not_found(register: PolicyVersions) -> None:
    with pytest.raises(NotFound):
        register.get("1999-01-01")
    with pytest.raises(NotFound):
        register.diff("1999-01-01", "2000-01-01")
    assert register.list() == []
    assert register.current() is None
