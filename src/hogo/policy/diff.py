"""What changed between two versions of a policy, and what each change requires (R-64, R-04).

:func:`diff` compares two :class:`~hogo.policy.model.Policy` objects entry by entry (a purpose,
a recipient, a storage location …) and gives each added, removed or changed entry one class:

- ``consent``: the change needs each person's consent, and the new processing waits for it
  (APPI A17(2), A18(1), A20(2), A27(1), A28(1), A31; GDPR Arts 6(1)(a), 7);
- ``notice``: the change must be announced before the version takes effect (APPI A21(3));
- ``editorial``: only titles, section numbers or the ``why`` of a retention rule changed.

The rules, kept simple on purpose and written down in ``docs/policy.md`` ("Versions and
changes"):

- A new purpose needs consent unless it is marked ``related`` (within what people can normally
  expect) and rests on neither GDPR consent nor ``consent: required``. A changed purpose whose
  description changed, or whose groups or categories widened, needs consent unless the new
  version gives it a new ``related`` rationale and its GDPR basis is not consent. A changed
  ``consent_version``, a GDPR basis that becomes ``consent`` and ``consent`` that becomes
  ``required`` need consent.
- A new recipient with basis ``consent``, a recipient that becomes a ``third_party`` or moves to
  basis ``consent``, or that receives more under basis ``consent``, needs consent; so does any
  recipient that newly gets a personally referable category, and any recipient in, or moved
  to, a country outside Japan without adequacy (the EU/EEA and the United Kingdom are adequate).
- A storage location that puts a group's data in a country without adequacy where that group's
  data was not stored before needs consent.
- A category that becomes (or is added as) special care-required needs consent.
- Joint use (R-31): wider jointly used items or another scope of users need consent.
- Everything else that changes is ``notice``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel

from hogo.policy.model import Policy, Purpose, Recipient, StorageLocation

ChangeClass = Literal["consent", "notice", "editorial"]
ChangeKind = Literal["added", "removed", "changed"]
RANK: dict[ChangeClass, int] = {"editorial": 0, "notice": 1, "consent": 2}

EU_EEA = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    }
)
# Japan itself, and the countries the PPC designates as equivalent (GL-X; R-33).
ADEQUATE = EU_EEA | {"JP", "GB"}
# Fields whose change is editorial: names, section numbers, a rule's explanation, and the
# ``related`` rationale, which speaks about a change and is no change itself.
EDITORIAL_FIELDS = frozenset({"title", "section", "why", "related"})
# Policy fields compared elsewhere, or not compared at all.
NOT_COMPARED = frozenset({"version", "effective_from"})

Finding = tuple[ChangeClass, str]
Entry = TypeVar("Entry", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Change:
    """One added, removed or changed entry of the policy, with its class and why."""

    path: str  # the key path, e.g. ``purposes.lookalike_advertising``
    kind: ChangeKind
    classification: ChangeClass
    reason: str
    fields: tuple[str, ...] = ()  # for a changed entry, the keys whose values changed

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "classification": self.classification,
            "reason": self.reason,
            "fields": list(self.fields),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Change:
        return cls(
            path=str(data["path"]),
            kind=cast(ChangeKind, data["kind"]),
            classification=cast(ChangeClass, data["classification"]),
            reason=str(data["reason"]),
            fields=tuple(str(field) for field in data.get("fields", ())),
        )


@dataclass(frozen=True, slots=True)
class PolicyDiff:
    """The changes from ``old_version`` to ``new_version``; ``old_version`` is ``None`` for the
    first version published, which has no changes."""

    old_version: str | None
    new_version: str
    changes: tuple[Change, ...]

    @property
    def requires_consent(self) -> bool:
        return any(change.classification == "consent" for change in self.changes)

    @property
    def requires_notice(self) -> bool:
        """Whether anything beyond wording changed: the version must be announced first."""
        return any(change.classification != "editorial" for change in self.changes)

    def of_class(self, classification: ChangeClass) -> list[Change]:
        return [change for change in self.changes if change.classification == classification]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.old_version,
            "to": self.new_version,
            "requires_consent": self.requires_consent,
            "requires_notice": self.requires_notice,
            "changes": [change.to_json() for change in self.changes],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PolicyDiff:
        old = data.get("from")
        return cls(
            old_version=None if old is None else str(old),
            new_version=str(data["to"]),
            changes=tuple(Change.from_json(change) for change in data.get("changes", ())),
        )


def first_version(policy: Policy) -> PolicyDiff:
    """The record of a first published version: nothing to compare it with."""
    return PolicyDiff(old_version=None, new_version=policy.version, changes=())


def diff(old: Policy, new: Policy) -> PolicyDiff:
    """Every change from ``old`` to ``new``, in the order of the file's sections."""
    changes: list[Change] = []
    for section in SECTIONS:
        changes.extend(section(old, new))
    handled = {name for _field, name in MAPPINGS} | set(SINGLE) | NOT_COMPARED
    handled |= {"purposes", "recipients", "categories", "storage_locations"}
    for name in Policy.model_fields:
        if name not in handled and getattr(old, name) != getattr(new, name):
            changes.append(Change(name, "changed", "notice", f"{name} changed", (name,)))
    return PolicyDiff(old_version=old.version, new_version=new.version, changes=tuple(changes))


# --- helpers -----------------------------------------------------------------------------


def changed_fields(old: BaseModel, new: BaseModel) -> list[str]:
    return [name for name in type(new).model_fields if getattr(old, name) != getattr(new, name)]


def settle(path: str, fields: list[str], findings: Iterable[Finding]) -> Change | None:
    """One change for a changed entry: the highest class found, with the reasons of that class."""
    found = list(findings)
    substantive = [field for field in fields if field not in EDITORIAL_FIELDS]
    if substantive:
        found.append(("notice", f"changed: {', '.join(substantive)}"))
    elif fields:
        found.append(("editorial", f"wording only: {', '.join(fields)}"))
    if not found:
        return None
    top = max(RANK[classification] for classification, _reason in found)
    reasons = [reason for classification, reason in found if RANK[classification] == top]
    classification = next(c for c, _reason in found if RANK[c] == top)
    return Change(path, "changed", classification, "; ".join(reasons), tuple(fields))


def added_change(path: str, findings: list[Finding], default: str) -> Change:
    consent = [reason for classification, reason in findings if classification == "consent"]
    if consent:
        return Change(path, "added", "consent", "; ".join(consent))
    notices = [reason for classification, reason in findings if classification == "notice"]
    return Change(path, "added", "notice", "; ".join(notices) or default)


def compare(
    prefix: str,
    old: Mapping[str, Entry],
    new: Mapping[str, Entry],
    added: Callable[[str], list[Finding]],
    changed: Callable[[str, list[str]], list[Finding]],
    what: str,
) -> Iterator[Change]:
    """Changes of an identifier-keyed section: new keys first in file order, then the rest."""
    for key in new:
        path = f"{prefix}.{key}"
        if key not in old:
            yield added_change(path, added(key), f"a new {what} to announce")
            continue
        fields = changed_fields(old[key], new[key])
        change = settle(path, fields, changed(key, fields))
        if change is not None:
            yield change
    for key in old:
        if key not in new:
            yield Change(f"{prefix}.{key}", "removed", "notice", f"the {what} is withdrawn")


def nothing(*_args: object) -> list[Finding]:
    return []


def widened(old: Iterable[str], new: Iterable[str]) -> list[str]:
    before = set(old)
    return [value for value in new if value not in before]


def foreign(country: str) -> bool:
    return country not in ADEQUATE


# --- purposes (R-04) ---------------------------------------------------------------------


def consent_based(purpose: Purpose) -> bool:
    return purpose.legal_basis.gdpr == "consent" or purpose.consent == "required"


def purpose_added(new: Purpose) -> list[Finding]:
    if new.legal_basis.gdpr == "consent":
        return [("consent", "a new purpose based on consent (GDPR Arts 6(1)(a), 7)")]
    if new.consent == "required":
        return [("consent", "a new purpose that needs consent (consent: required)")]
    if new.related is None:
        return [("consent", "a new purpose not marked related: consent (APPI A17(2), A18(1))")]
    return [("notice", f"a new purpose related to the existing ones: {new.related}")]


def purpose_changed(old: Purpose, new: Purpose, fields: list[str]) -> list[Finding]:
    found: list[Finding] = []
    if "consent_version" in fields:
        found.append(("consent", "the consent text's version changed; earlier consents lapse"))
    if old.legal_basis.gdpr != "consent" and new.legal_basis.gdpr == "consent":
        found.append(("consent", "now based on consent (GDPR Arts 6(1)(a), 7)"))
    if old.consent != "required" and new.consent == "required":
        found.append(("consent", "now needs consent (consent: required)"))
    wider = widened(old.groups, new.groups) + widened(old.categories, new.categories)
    if "description" in fields or wider:
        what = f"widened by {', '.join(wider)}" if wider else "description changed"
        marked = new.related is not None and new.related != old.related
        if marked and new.legal_basis.gdpr != "consent":
            found.append(("notice", f"{what}, marked related: {new.related}"))
        else:
            found.append(("consent", f"{what}, not marked related: consent (APPI A17(2))"))
    return found


def purposes(old: Policy, new: Policy) -> Iterator[Change]:
    yield from compare(
        "purposes",
        old.purposes,
        new.purposes,
        lambda pid: purpose_added(new.purposes[pid]),
        lambda pid, fields: purpose_changed(old.purposes[pid], new.purposes[pid], fields),
        "purpose",
    )


# --- recipients (R-30, R-31, R-33, R-36) -------------------------------------------------


def referable(policy: Policy, recipient: Recipient) -> list[str]:
    """The personally referable categories the recipient receives (R-36, R-61)."""
    kinds = policy.categories
    return [c for c in recipient.categories if c in kinds and kinds[c].personally_referable]


def recipient_added(policy: Policy, new: Recipient) -> list[Finding]:
    found: list[Finding] = []
    if new.basis == "consent":
        found.append(("consent", "a new provision to a third party on consent (APPI A27(1))"))
    if foreign(new.country):
        found.append(("consent", f"a new provision to {new.country}, without adequacy (A28(1))"))
    pri = referable(policy, new)
    if pri:
        found.append(("consent", f"personally referable {', '.join(pri)} provided (APPI A31)"))
    if new.joint_use is not None:
        found.append(("notice", "joint use: the five items published before sharing (A27(5)(iii))"))
    found.append(("notice", f"a new recipient ({new.kind}, {new.basis}) to announce"))
    return found


def recipient_changed(
    old_policy: Policy, new_policy: Policy, old: Recipient, new: Recipient
) -> list[Finding]:
    found: list[Finding] = []
    if old.kind != "third_party" and new.kind == "third_party":
        found.append(("consent", "now a third party (APPI A27(1))"))
    if old.basis != "consent" and new.basis == "consent":
        found.append(("consent", "now provided on consent (APPI A27(1))"))
    wider = widened(old.groups, new.groups) + widened(old.purposes, new.purposes)
    wider += widened(old.categories, new.categories)
    if new.basis == "consent" and old.basis == "consent" and wider:
        found.append(("consent", f"more provided on consent: {', '.join(wider)} (A27(1))"))
    if old.country != new.country and foreign(new.country):
        found.append(("consent", f"moved to {new.country}, without adequacy (APPI A28(1))"))
    pri = widened(referable(old_policy, old), referable(new_policy, new))
    if pri:
        found.append(("consent", f"personally referable {', '.join(pri)} provided (APPI A31)"))
    found.extend(joint_use_changed(old, new))
    return found


def joint_use_changed(old: Recipient, new: Recipient) -> list[Finding]:
    """R-31: wider items or another scope of users need consent; the rest is published."""
    if old.joint_use is None or new.joint_use is None or old.joint_use == new.joint_use:
        return []
    before, after = old.joint_use, new.joint_use
    if widened(before.categories, after.categories) or before.users_scope != after.users_scope:
        return [("consent", "joint use: wider items or other joint users (A27(6); R-31)")]
    return [("notice", "joint use: purposes or the person responsible changed (A27(6))")]


def recipients(old: Policy, new: Policy) -> Iterator[Change]:
    def changed(rid: str, _fields: list[str]) -> list[Finding]:
        return recipient_changed(old, new, old.recipients[rid], new.recipients[rid])

    yield from compare(
        "recipients",
        old.recipients,
        new.recipients,
        lambda rid: recipient_added(new, new.recipients[rid]),
        changed,
        "recipient",
    )


# --- categories, storage locations (R-08, R-22, R-33) ------------------------------------


def categories(old: Policy, new: Policy) -> Iterator[Change]:
    def added(cid: str) -> list[Finding]:
        if new.categories[cid].special_care:
            return [("consent", "special care-required data needs consent (APPI A20(2))")]
        return []

    def changed(cid: str, _fields: list[str]) -> list[Finding]:
        if new.categories[cid].special_care and not old.categories[cid].special_care:
            return [("consent", "now special care-required: consent (APPI A20(2))")]
        return []

    yield from compare("categories", old.categories, new.categories, added, changed, "category")


def by_system(locations: list[StorageLocation]) -> dict[str, StorageLocation]:
    """Storage locations keyed by system; a repeated system gets ``#2``, ``#3`` …"""
    keyed: dict[str, StorageLocation] = {}
    for location in locations:
        key, number = location.system, 1
        while key in keyed:
            number += 1
            key = f"{location.system}#{number}"
        keyed[key] = location
    return keyed


def storage_locations(old: Policy, new: Policy) -> Iterator[Change]:
    stored = {(g, loc.country) for loc in old.storage_locations for g in loc.groups}

    def transfers(location: StorageLocation) -> list[Finding]:
        if not foreign(location.country):
            return []
        groups = [g for g in location.groups if (g, location.country) not in stored]
        if not groups:
            return []
        reason = f"data of {', '.join(groups)} newly kept in {location.country}, without adequacy"
        return [("consent", f"{reason} (APPI A28(1); R-33)")]

    old_locations, new_locations = (
        by_system(old.storage_locations),
        by_system(new.storage_locations),
    )
    yield from compare(
        "storage_locations",
        old_locations,
        new_locations,
        lambda key: transfers(new_locations[key]),
        lambda key, _fields: transfers(new_locations[key]),
        "storage location",
    )


# --- the other sections ------------------------------------------------------------------

MAPPINGS: tuple[tuple[str, str], ...] = (
    ("subject group", "subject_groups"),
    ("provision exception", "provision_exceptions"),
    ("role", "roles"),
    ("retention rule", "retention"),
    ("retention event", "events"),
    ("cookie category", "cookies"),
)
SINGLE = ("controller", "rights", "inquiry_desk", "access_logs", "minors", "deid")


def plain_mappings(old: Policy, new: Policy) -> Iterator[Change]:
    for what, name in MAPPINGS:
        before = cast(Mapping[str, BaseModel], getattr(old, name))
        after = cast(Mapping[str, BaseModel], getattr(new, name))
        yield from compare(name, before, after, nothing, nothing, what)


def single_sections(old: Policy, new: Policy) -> Iterator[Change]:
    """Sections that are one object: one change per key that changed."""
    for name in SINGLE:
        before = cast(BaseModel, getattr(old, name))
        after = cast(BaseModel, getattr(new, name))
        for field in changed_fields(before, after):
            change = settle(f"{name}.{field}", [field], [])
            if change is not None:
                yield change


SECTIONS: tuple[Callable[[Policy, Policy], Iterable[Change]], ...] = (
    single_sections,
    categories,
    purposes,
    recipients,
    storage_locations,
    plain_mappings,
)
