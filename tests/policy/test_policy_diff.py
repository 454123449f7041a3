"""The classified diff between two policy versions (R-64, R-04; seed §15).

Each case edits a copy of the seed's policy file, writes it to a temporary file, loads it the
way ``hogo policy check`` does and compares it with the seed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hogo.policy.diff import ADEQUATE, Change, PolicyDiff, diff, first_version
from hogo.policy.load import load_policy
from hogo.policy.model import Policy, Text

Compare = Callable[[str], PolicyDiff]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "policy.yaml"

THIRD_PARTY = """\
  research_partner:
    title: {ja: 共同研究先, en: Research partner}
    kind: third_party
    basis: consent
    groups: [customers]
    purposes: [product_development_analysis]
    categories: [birth_date, gender]
"""
PROCESSOR = """\
  mailing_house:
    title: {ja: 発送代行, en: Mailing house}
    kind: processor
    basis: entrustment
    groups: [customers]
    purposes: [prize_delivery]
    categories: [name, address]
"""
COOKIE_PROCESSOR = """\
  tag_manager:
    title: {ja: タグ管理, en: Tag manager}
    kind: processor
    basis: entrustment
    groups: [customers]
    purposes: [cookie_statistics]
    categories: [cookie_activity]
"""
STORAGE = """\
  - system: backup
    country: {country}
    groups: [customers]
    regime_notes:
      ja: 海外で保管しています。
      en: Stored abroad.
    reviewed_at: 2022-04-01
"""
PURPOSE = """\
  call_quality:
    title: {{ja: 通話品質の改善, en: Improving call quality}}
    description:
      ja: 通話の品質を改善するため
      en: To improve the quality of calls
    section: "2.customers.(6)"
    groups: [customers]
    categories: [call_recordings]
    legal_basis: {{appi: "A17(1), A21(1)", gdpr: {gdpr}}}
{extra}"""


def write(tmp_path: Path, text: str, name: str = "new.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def insert_after(text: str, anchor: str, block: str) -> str:
    position = text.index(anchor) + len(anchor)
    return text[:position] + block + text[position:]


def replace_after(text: str, anchor: str, old: str, new: str) -> str:
    position = text.index(old, text.index(anchor))
    return text[:position] + new + text[position + len(old) :]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed() -> Policy:
    return load_policy(EXAMPLE)


@pytest.fixture
def changes_to(seed: Policy, tmp_path: Path) -> Compare:
    def compare(text: str) -> PolicyDiff:
        return diff(seed, load_policy(write(tmp_path, text)))

    return compare


def only(changes: PolicyDiff) -> Change:
    assert len(changes.changes) == 1, changes.changes
    return changes.changes[0]


def test_r64_identical_files_have_no_changes(seed: Policy, seed_text: str, tmp_path: Path) -> None:
    """R-64: the same policy written again is no change at all."""
    changes = diff(seed, load_policy(write(tmp_path, seed_text)))
    assert changes.changes == ()
    assert not changes.requires_consent
    assert not changes.requires_notice


def test_r64_new_third_party_provision_needs_consent(seed_text: str, changes_to: Compare) -> None:
    """R-64: a new third party on consent blocks the provision until consent exists."""
    text = insert_after(seed_text, "\nrecipients:\n", THIRD_PARTY)
    changes = changes_to(text)
    change = only(changes)
    assert (change.path, change.kind, change.classification) == (
        "recipients.research_partner",
        "added",
        "consent",
    )
    assert "A27(1)" in change.reason
    assert changes.requires_consent


def test_r64_new_processor_needs_notice(seed_text: str, changes_to: Compare) -> None:
    """R-64: a new processor in Japan is announced, not consented to."""
    change = only(changes_to(insert_after(seed_text, "\nrecipients:\n", PROCESSOR)))
    assert (change.path, change.classification) == ("recipients.mailing_house", "notice")


def test_r64_recipient_in_a_foreign_country_without_adequacy_needs_consent(
    seed_text: str, changes_to: Compare
) -> None:
    """R-64, R-33: a processor in the US is a foreign third party (A28(1))."""
    block = PROCESSOR + "    country: US\n"
    change = only(changes_to(insert_after(seed_text, "\nrecipients:\n", block)))
    assert change.classification == "consent"
    assert "US" in change.reason


def test_r64_recipient_in_the_eu_needs_notice(seed_text: str, changes_to: Compare) -> None:
    """R-64, R-33: the EU/EEA and the UK are adequate; a processor there is announced."""
    block = PROCESSOR + "    country: DE\n"
    change = only(changes_to(insert_after(seed_text, "\nrecipients:\n", block)))
    assert change.classification == "notice"
    assert {"DE", "FR", "GB", "NO", "JP"} <= ADEQUATE
    assert "US" not in ADEQUATE


def test_r64_personally_referable_information_to_a_new_recipient_needs_consent(
    seed_text: str, changes_to: Compare
) -> None:
    """R-64, R-36: a recipient newly given cookie data (個人関連情報) needs consent (A31)."""
    change = only(changes_to(insert_after(seed_text, "\nrecipients:\n", COOKIE_PROCESSOR)))
    assert change.classification == "consent"
    assert "cookie_activity" in change.reason
    assert "A31" in change.reason


def test_r64_recipient_becoming_a_third_party_needs_consent(
    seed_text: str, changes_to: Compare
) -> None:
    """R-64: a group company provided to on consent that becomes a third party."""
    text = replace_after(
        seed_text, "  group_companies:", "kind: group_company", "kind: third_party"
    )
    change = only(changes_to(text))
    assert (change.path, change.kind) == ("recipients.group_companies", "changed")
    assert change.classification == "consent"
    assert change.fields == ("kind",)


@pytest.mark.parametrize(("country", "expected"), [("US", "consent"), ("DE", "notice")])
def test_r64_storage_location_abroad(
    seed_text: str, changes_to: Compare, country: str, expected: str
) -> None:
    """R-64, R-22, R-33: data newly kept in the US needs consent; in Germany, notice."""
    text = insert_after(seed_text, "\nstorage_locations:\n", STORAGE.format(country=country))
    change = only(changes_to(text))
    assert (change.path, change.kind, change.classification) == (
        "storage_locations.backup",
        "added",
        expected,
    )


def test_r64_new_purpose_based_on_consent_needs_consent(
    seed_text: str, changes_to: Compare
) -> None:
    """R-64: an EU consent-based purpose needs consent even when marked related."""
    extra = '    consent: required\n    consent_version: "2030-01-01"\n    related: same calls\n'
    block = PURPOSE.format(gdpr="consent", extra=extra)
    change = only(changes_to(insert_after(seed_text, "\npurposes:\n", block)))
    assert (change.path, change.kind, change.classification) == (
        "purposes.call_quality",
        "added",
        "consent",
    )
    assert "GDPR" in change.reason


def test_r04_new_purpose_not_marked_related_needs_consent(
    seed_text: str, changes_to: Compare
) -> None:
    """R-04: a new purpose is unrelated unless marked related, and needs consent (A18(1))."""
    block = PURPOSE.format(gdpr="legitimate_interests, lia: LIA-2030", extra="")
    change = only(changes_to(insert_after(seed_text, "\npurposes:\n", block)))
    assert change.classification == "consent"
    assert "not marked related" in change.reason


def test_r04_new_purpose_marked_related_needs_notice(seed_text: str, changes_to: Compare) -> None:
    """R-04: a related new purpose is published before the effective date (A21(3))."""
    extra = "    related: the calls are already recorded to confirm what was said\n"
    block = PURPOSE.format(gdpr="legitimate_interests, lia: LIA-2030", extra=extra)
    change = only(changes_to(insert_after(seed_text, "\npurposes:\n", block)))
    assert change.classification == "notice"
    assert "already recorded" in change.reason


def test_r04_widened_purpose_needs_consent_unless_marked_related(
    seed_text: str, changes_to: Compare
) -> None:
    """R-04: a purpose given more categories needs consent; with a new rationale, notice."""
    old = "categories: [name, address, phone, email, delivery_info, social_media_username]"
    new = "categories: [name, address, phone, email, delivery_info, social_media_username, gender]"
    wider = replace_after(seed_text, "  prize_delivery:", old, new)
    change = only(changes_to(wider))
    assert (change.path, change.classification) == ("purposes.prize_delivery", "consent")
    assert "gender" in change.reason
    related = replace_after(
        wider,
        "  prize_delivery:",
        "    legal_basis:",
        "    related: the gender only chooses the size of a prize\n    legal_basis:",
    )
    change = only(changes_to(related))
    assert (change.path, change.classification) == ("purposes.prize_delivery", "notice")


def test_r64_changed_consent_version_needs_consent(seed_text: str, changes_to: Compare) -> None:
    """R-64: consents given for the old text no longer count."""
    text = replace_after(
        seed_text,
        "  lookalike_advertising:",
        'consent_version: "2022-04-01"',
        'consent_version: "2030-01-01"',
    )
    change = only(changes_to(text))
    assert (change.path, change.classification) == ("purposes.lookalike_advertising", "consent")
    assert change.fields == ("consent_version",)


def test_r64_title_only_is_editorial(seed_text: str, changes_to: Compare) -> None:
    """R-64: a new title is wording; nothing to announce or consent to."""
    text = replace_after(
        seed_text, "  order_confirmation:", "en: Confirming orders", "en: Confirming your orders"
    )
    changes = changes_to(text)
    change = only(changes)
    assert (change.path, change.classification) == ("purposes.order_confirmation", "editorial")
    assert change.fields == ("title",)
    assert not changes.requires_notice
    assert not changes.requires_consent


def test_r64_retention_and_contact_changes_need_notice(seed_text: str, changes_to: Compare) -> None:
    """R-64: a longer retention period and a new inquiry channel are announced."""
    text = replace_after(seed_text, "  recordings:", "duration: P1Y", "duration: P2Y")
    text = replace_after(
        text, "inquiry_desk:", "channels: [inquiry_form]", "channels: [inquiry_form, phone]"
    )
    changes = changes_to(text)
    by_path = {change.path: change for change in changes.changes}
    assert set(by_path) == {"retention.recordings", "inquiry_desk.channels"}
    assert {change.classification for change in changes.changes} == {"notice"}
    assert by_path["retention.recordings"].fields == ("duration",)
    assert changes.requires_notice
    assert not changes.requires_consent


def test_r64_diff_round_trips_through_json(seed_text: str, changes_to: Compare) -> None:
    text = insert_after(seed_text, "\nrecipients:\n", THIRD_PARTY)
    text = replace_after(text, "  recordings:", "duration: P1Y", "duration: P2Y")
    changes = changes_to(text)
    data = changes.to_json()
    assert data["from"] == "2022-04-01"
    assert data["requires_consent"] is True
    assert [c["classification"] for c in data["changes"]] == ["consent", "notice"]
    assert PolicyDiff.from_json(data) == changes


def test_first_version_has_no_changes(seed: Policy) -> None:
    first = first_version(seed)
    assert first.old_version is None
    assert first.changes == ()
    assert PolicyDiff.from_json(first.to_json()) == first


# --- properties --------------------------------------------------------------------------

TEXTS = st.builds(
    Text,
    ja=st.text(min_size=1, max_size=8).filter(str.strip),
    en=st.text(min_size=1, max_size=8).filter(str.strip),
)


@st.composite
def variants(draw: st.DrawFn, seed: Policy) -> Policy:
    """The seed with some purposes and recipients left out and some titles rewritten."""
    purposes = draw(st.sets(st.sampled_from(sorted(seed.purposes))))
    recipients = draw(st.sets(st.sampled_from(sorted(seed.recipients))))
    retitled = draw(st.sets(st.sampled_from(sorted(purposes)))) if purposes else set()
    titled = {pid: seed.purposes[pid].model_copy(update={"title": draw(TEXTS)}) for pid in retitled}
    return seed.model_copy(
        update={
            "purposes": {pid: titled.get(pid, seed.purposes[pid]) for pid in sorted(purposes)},
            "recipients": {rid: seed.recipients[rid] for rid in sorted(recipients)},
        }
    )


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_r64_a_policy_diffed_with_itself_has_no_changes(seed: Policy, data: st.DataObject) -> None:
    """R-64: whatever the policy, comparing it with itself (or a deep copy) finds nothing."""
    policy = data.draw(variants(seed))
    assert diff(policy, policy).changes == ()
    assert diff(policy, policy.model_copy(deep=True)).changes == ()


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_r64_new_titles_alone_are_editorial(seed: Policy, data: st.DataObject) -> None:
    """R-64: rewriting titles of purposes is never more than editorial."""
    pids = data.draw(st.sets(st.sampled_from(sorted(seed.purposes)), min_size=1, max_size=5))
    purposes = dict(seed.purposes)
    for pid in pids:
        purposes[pid] = purposes[pid].model_copy(update={"title": data.draw(TEXTS)})
    changes = diff(seed, seed.model_copy(update={"purposes": purposes}))
    assert {change.classification for change in changes.changes} <= {"editorial"}
    assert {change.path for change in changes.changes} <= {f"purposes.{pid}" for pid in pids}
