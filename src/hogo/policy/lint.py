"""Cross-reference checks on a policy whose shape is already valid.

The schema (:mod:`hogo.policy.model`) checks each value on its own; this module checks that the
values agree with each other: every name points at something declared, every purpose has data
and people, every category is used, kept for a stated time and provided only on a basis the law
allows. Each problem is a ``(path, message)`` pair; the path is the key of the policy file the
problem is about, so :mod:`hogo.policy.load` can name the file and line.

Decisions written down here, and in ``docs/policy.md``:

- A category stored ``never`` (a card security code, a password) may be collected and named by
  purposes and recipients: the value passes through in transit, e.g. to the payment processor,
  and is not kept. It therefore needs no retention rule, and a retention rule that names it is a
  mistake. It cannot have a ``lookup`` either: a blind index is a stored derivative.
- Every (purpose, category) pair whose category is stored must be covered by a retention rule,
  either one that names the purpose or one that names no purposes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import combinations

from hogo.policy.model import (
    ISO_DURATION,
    ConsentRule,
    Policy,
    Purpose,
    Recipient,
    RetentionRule,
    Scope,
)
from hogo.policy.retention import CLOCK_EVENTS

PathPart = str | int
KeyPath = tuple[PathPart, ...]
Problem = tuple[KeyPath, str]

# APPI A38: a fee may be charged only for these requests.
FEE_ALLOWED = frozenset({"purpose_notice", "disclosure", "provision_records"})
# Which provision bases each kind of recipient may rest on (APPI A27(1), A27(5); GL-G 3-6-1).
ALLOWED_BASES: dict[str, frozenset[str]] = {
    "processor": frozenset({"entrustment"}),
    "joint_user": frozenset({"joint_use"}),
    "group_company": frozenset({"consent", "exception"}),
    "third_party": frozenset({"consent", "exception", "succession"}),
}
CONSENT_RANK: dict[ConsentRule, int] = {"not_required": 0, "opt_out": 1, "required": 2}
DAYS_PER_MONTH = 30.436875


def lint(policy: Policy) -> list[Problem]:
    """Every cross-reference problem of ``policy``; an empty list when it is consistent."""
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(policy))
    return problems


def refs(
    path: KeyPath, values: Sequence[str], known: Iterable[str], what: str
) -> Iterator[Problem]:
    """Unknown and repeated names in the list at ``path``."""
    declared = set(known)
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value not in declared:
            yield (*path, index), f"unknown {what} {value!r}"
        elif value in seen:
            yield (*path, index), f"{what} {value!r} is listed twice"
        seen.add(value)


def scope_refs(path: KeyPath, scope: Scope, known: Iterable[str], what: str) -> Iterator[Problem]:
    if scope != "*":
        yield from refs(path, scope, known, what)


def collected_by(policy: Policy, groups: Iterable[str]) -> set[str]:
    """The categories that any of ``groups`` collects (unknown groups are ignored)."""
    found: set[str] = set()
    for group in groups:
        if group in policy.subject_groups:
            found.update(policy.subject_groups[group].collects)
    return found


def stored(policy: Policy, category: str) -> bool:
    declared = policy.categories.get(category)
    return declared is not None and declared.storage != "never"


def check_subject_groups(policy: Policy) -> Iterator[Problem]:
    """Collected categories exist and each is used by some purpose of the same group."""
    for gid, group in policy.subject_groups.items():
        path: KeyPath = ("subject_groups", gid, "collects")
        yield from refs(path, group.collects, policy.categories, "category")
        used = {c for p in policy.purposes.values() if gid in p.groups for c in p.categories}
        for index, category in enumerate(group.collects):
            if category in policy.categories and category not in used:
                yield (*path, index), f"{category!r} is collected but no purpose of {gid!r} uses it"


def check_categories(policy: Policy) -> Iterator[Problem]:
    collected = collected_by(policy, policy.subject_groups)
    for cid, category in policy.categories.items():
        path: KeyPath = ("categories", cid)
        if cid not in collected:
            yield path, "no subject group collects this category"
        if category.storage == "never" and category.lookup is not None:
            yield (*path, "lookup"), "a category stored 'never' cannot have a lookup index"
        yield from refs((*path, "required_for"), category.required_for, policy.purposes, "purpose")
        for index, pid in enumerate(category.required_for):
            if pid in policy.purposes and cid not in policy.purposes[pid].categories:
                yield (*path, "required_for", index), f"purpose {pid!r} does not list {cid!r}"


def check_purposes(policy: Policy) -> Iterator[Problem]:
    for pid, purpose in policy.purposes.items():
        path: KeyPath = ("purposes", pid)
        if not purpose.groups:
            yield (*path, "groups"), "the purpose names no subject group"
        if not purpose.categories:
            yield (*path, "categories"), "the purpose names no category"
        yield from refs((*path, "groups"), purpose.groups, policy.subject_groups, "subject group")
        yield from refs((*path, "categories"), purpose.categories, policy.categories, "category")
        yield from purpose_data(policy, path, purpose)
        yield from purpose_basis(path, purpose)


def purpose_data(policy: Policy, path: KeyPath, purpose: Purpose) -> Iterator[Problem]:
    """Categories a purpose lists must be collected from its groups; special care needs consent."""
    collected = collected_by(policy, purpose.groups)
    groups_known = bool(purpose.groups) and set(purpose.groups) <= set(policy.subject_groups)
    for index, cid in enumerate(purpose.categories):
        category = policy.categories.get(cid)
        if category is None:
            continue
        if groups_known and cid not in collected:
            yield (*path, "categories", index), f"none of the purpose's groups collects {cid!r}"
        exempt = purpose.legal_basis.gdpr in {"legal_obligation", "vital_interests"}
        if category.special_care and purpose.consent != "required" and not exempt:
            message = f"{cid!r} is special-care data: the purpose needs consent (APPI A20(2))"
            yield (*path, "categories", index), message


def purpose_basis(path: KeyPath, purpose: Purpose) -> Iterator[Problem]:
    """Consent version, legitimate-interests assessment and the GDPR basis agree."""
    basis = purpose.legal_basis
    if purpose.consent == "required" and not purpose.consent_version:
        yield (*path, "consent"), "consent is required but consent_version is not set"
    if basis.gdpr == "legitimate_interests" and not basis.lia:
        yield (*path, "legal_basis", "gdpr"), "legitimate_interests needs an 'lia' reference"
    if basis.lia and basis.gdpr != "legitimate_interests":
        yield (*path, "legal_basis", "lia"), "an 'lia' is only for legitimate_interests"
    if basis.gdpr == "consent" and purpose.consent == "not_required":
        yield (*path, "consent"), "the GDPR basis is consent but consent is 'not_required'"


def check_recipients(policy: Policy) -> Iterator[Problem]:
    for rid, recipient in policy.recipients.items():
        path: KeyPath = ("recipients", rid)
        yield from refs((*path, "groups"), recipient.groups, policy.subject_groups, "subject group")
        yield from refs((*path, "purposes"), recipient.purposes, policy.purposes, "purpose")
        yield from refs((*path, "categories"), recipient.categories, policy.categories, "category")
        yield from recipient_basis(path, recipient)
        yield from recipient_scope(policy, path, recipient)
        yield from joint_use(policy, path, recipient)


def recipient_basis(path: KeyPath, recipient: Recipient) -> Iterator[Problem]:
    allowed = ALLOWED_BASES[recipient.kind]
    if recipient.basis not in allowed:
        names = ", ".join(sorted(allowed))
        message = f"a {recipient.kind} cannot receive data on basis {recipient.basis!r} ({names})"
        yield (*path, "basis"), message
    if recipient.basis == "joint_use" and recipient.joint_use is None:
        yield (*path, "joint_use"), "joint use needs the five published items in 'joint_use'"
    if recipient.joint_use is not None and recipient.basis != "joint_use":
        yield (*path, "joint_use"), "'joint_use' is only for a recipient with basis joint_use"


def recipient_scope(policy: Policy, path: KeyPath, recipient: Recipient) -> Iterator[Problem]:
    """What a recipient may receive lies within its groups and its purposes."""
    collected = collected_by(policy, recipient.groups)
    groups_known = set(recipient.groups) <= set(policy.subject_groups)
    by_purposes: set[str] = set()
    for index, pid in enumerate(recipient.purposes):
        purpose = policy.purposes.get(pid)
        if purpose is None:
            continue
        by_purposes.update(purpose.categories)
        if not set(purpose.groups) & set(recipient.groups):
            yield (*path, "purposes", index), f"purpose {pid!r} covers none of its groups"
    for index, cid in enumerate(recipient.categories):
        if cid not in policy.categories:
            continue
        if groups_known and cid not in collected:
            yield (*path, "categories", index), f"none of its groups collects {cid!r}"
        elif cid not in by_purposes:
            yield (*path, "categories", index), f"none of its purposes uses {cid!r}"


def joint_use(policy: Policy, path: KeyPath, recipient: Recipient) -> Iterator[Problem]:
    """The jointly used items and purposes are declared and within the recipient's scope."""
    if recipient.joint_use is None:
        return
    base: KeyPath = (*path, "joint_use")
    items = recipient.joint_use
    yield from refs((*base, "categories"), items.categories, policy.categories, "category")
    yield from refs((*base, "purposes"), items.purposes, policy.purposes, "purpose")
    for index, cid in enumerate(items.categories):
        if cid in policy.categories and cid not in recipient.categories:
            yield (*base, "categories", index), f"{cid!r} is not among the recipient's categories"
    for index, pid in enumerate(items.purposes):
        if pid in policy.purposes and pid not in recipient.purposes:
            yield (*base, "purposes", index), f"{pid!r} is not among the recipient's purposes"


def check_roles(policy: Policy) -> Iterator[Problem]:
    for rid, role in policy.roles.items():
        path: KeyPath = ("roles", rid)
        yield from scope_refs(
            (*path, "groups"), role.groups, policy.subject_groups, "subject group"
        )
        yield from scope_refs((*path, "categories"), role.categories, policy.categories, "category")
        yield from scope_refs((*path, "purposes"), role.purposes, policy.purposes, "purpose")


def check_storage_locations(policy: Policy) -> Iterator[Problem]:
    for index, location in enumerate(policy.storage_locations):
        path: KeyPath = ("storage_locations", index, "groups")
        yield from refs(path, location.groups, policy.subject_groups, "subject group")


def months(duration: str) -> float:
    """An ISO 8601 duration in (average) months, to compare two durations."""
    match = ISO_DURATION.match(duration)
    if match is None:
        return 0.0
    years, month_count, weeks, days = (int(part or 0) for part in match.groups())
    return years * 12 + month_count + (weeks * 7 + days) / DAYS_PER_MONTH


def check_retention(policy: Policy) -> Iterator[Problem]:
    for rid, rule in policy.retention.items():
        path: KeyPath = ("retention", rid)
        yield from refs((*path, "categories"), rule.categories, policy.categories, "category")
        yield from refs((*path, "purposes"), rule.purposes, policy.purposes, "purpose")
        groups = rule.subject_groups
        yield from refs((*path, "subject_groups"), groups, policy.subject_groups, "subject group")
        for index, cid in enumerate(rule.categories):
            category = policy.categories.get(cid)
            if category is not None and category.storage == "never":
                yield (
                    (*path, "categories", index),
                    f"{cid!r} is stored 'never': it has no retention",
                )
        if rule.clock == "event" and rule.event is None:
            yield (*path, "clock"), "clock 'event' needs the 'event' that starts it"
        if rule.event is not None and rule.clock != "event":
            yield (*path, "event"), "'event' is only for clock 'event'"
        elif rule.event is not None and rule.event not in policy.events:
            yield (*path, "event"), f"unknown event {rule.event!r}: declare it under 'events'"
        if rule.legal_minimum and months(rule.duration) < months(rule.legal_minimum):
            message = f"duration {rule.duration} is shorter than the legal minimum"
            yield (*path, "duration"), f"{message} {rule.legal_minimum} (R-13)"


def check_events(policy: Policy) -> Iterator[Problem]:
    """The two built-in clock events are not declared again under another meaning."""
    for event in policy.events:
        if event in CLOCK_EVENTS.values():
            yield ("events", event), f"{event!r} is built in; it needs no declaration"


def check_retention_conflicts(policy: Policy) -> Iterator[Problem]:
    """No two rules cover the same group, purpose and category on different terms."""
    for (first, a), (second, b) in combinations(policy.retention.items(), 2):
        overlap = _overlap(a, b)
        if overlap is not None and _terms(a) != _terms(b):
            message = f"contradicts rule {first!r}: both cover {overlap}, on other terms"
            yield ("retention", second), message


def _overlap(a: RetentionRule, b: RetentionRule) -> str | None:
    """What both rules cover as equally specific rules, described; ``None`` if nothing."""
    groups = _meet(a.subject_groups, b.subject_groups)
    categories = [c for c in a.categories if c in b.categories]
    if groups is None or not categories or bool(a.purposes) != bool(b.purposes):
        return None
    purposes = [p for p in a.purposes if p in b.purposes]
    if a.purposes and not purposes:
        return None
    what = f"{categories[0]!r}"
    if purposes:
        what += f" for {purposes[0]!r}"
    return what + (f" of {groups[0]!r}" if groups else "")


def _meet(a: list[str], b: list[str]) -> list[str] | None:
    """The groups two rules share ([] for every group); ``None`` when they share none."""
    if not a or not b:
        return a or b
    shared = [g for g in a if g in b]
    return shared or None


def _terms(rule: RetentionRule) -> tuple[object, ...]:
    return (rule.clock, rule.event, rule.duration, rule.then, rule.legal_minimum)


def check_retention_coverage(policy: Policy) -> Iterator[Problem]:
    """Every stored category, and every stored category of every purpose, has a retention rule."""
    general = {c for r in policy.retention.values() if not r.purposes for c in r.categories}
    specific = {(p, c) for r in policy.retention.values() for p in r.purposes for c in r.categories}
    anywhere = general | {c for _, c in specific}
    uncovered: set[str] = set()
    for cid in policy.categories:
        if stored(policy, cid) and cid not in anywhere:
            uncovered.add(cid)
            yield ("categories", cid), "no retention rule covers this category"
    for pid, purpose in policy.purposes.items():
        for index, cid in enumerate(purpose.categories):
            if not stored(policy, cid) or cid in uncovered or cid in general:
                continue
            if (pid, cid) not in specific:
                message = f"no retention rule covers {cid!r} for this purpose"
                yield ("purposes", pid, "categories", index), message


def check_cookies(policy: Policy) -> Iterator[Problem]:
    """Cookie purposes exist, and a cookie's consent gate is no weaker than its purposes'."""
    for cid, cookie in policy.cookies.items():
        path: KeyPath = ("cookies", cid)
        yield from refs((*path, "purposes"), cookie.purposes, policy.purposes, "purpose")
        known = [policy.purposes[p] for p in cookie.purposes if p in policy.purposes]
        strictest = max((CONSENT_RANK[p.consent] for p in known), default=0)
        for key, rule in (("consent_eu", cookie.consent_eu), ("consent_jp", cookie.consent_jp)):
            if CONSENT_RANK[rule] < strictest:
                yield (*path, key), f"{rule!r} is weaker than the consent its purposes need"


def check_access_logs(policy: Policy) -> Iterator[Problem]:
    """Access-log items serve only the uses declared for access logs (R-62)."""
    logs = policy.access_logs
    yield from refs(("access_logs", "categories"), logs.categories, policy.categories, "category")
    for uid, use in logs.uses.items():
        path: KeyPath = ("access_logs", "uses", uid, "purposes")
        yield from refs(path, use.purposes, policy.purposes, "purpose")
    allowed = {pid for use in logs.uses.values() for pid in use.purposes}
    for pid, purpose in policy.purposes.items():
        if pid in allowed:
            continue
        for index, cid in enumerate(purpose.categories):
            if cid in logs.categories:
                message = f"access-log item {cid!r} used outside the uses of access_logs (R-62)"
                yield ("purposes", pid, "categories", index), message


def check_rights(policy: Policy) -> Iterator[Problem]:
    for right in policy.rights.fees_jpy:
        path: KeyPath = ("rights", "fees_jpy", right)
        if right not in FEE_ALLOWED:
            yield path, f"APPI A38 allows no fee for {right!r}"
        elif right not in policy.rights.offered:
            yield path, f"a fee for {right!r}, which is not offered"
    duplicates = [r for r, n in Counter(policy.rights.offered).items() if n > 1]
    for right in duplicates:
        yield ("rights", "offered"), f"{right!r} is listed twice"


def check_inquiry_desk(policy: Policy) -> Iterator[Problem]:
    """A closed ticket is kept for a while: the record of how it was handled (R-47)."""
    if months(policy.inquiry_desk.retention) == 0:
        message = "a closed ticket must be kept for some time as the record of its handling (R-47)"
        yield ("inquiry_desk", "retention"), message


def check_minors(policy: Policy) -> Iterator[Problem]:
    minors = policy.minors
    if minors.default_jurisdiction not in minors.thresholds:
        message = f"{minors.default_jurisdiction!r} has no threshold in 'thresholds'"
        yield ("minors", "default_jurisdiction"), message


CHECKS: tuple[Callable[[Policy], Iterable[Problem]], ...] = (
    check_subject_groups,
    check_categories,
    check_purposes,
    check_recipients,
    check_roles,
    check_storage_locations,
    check_retention,
    check_events,
    check_retention_conflicts,
    check_retention_coverage,
    check_cookies,
    check_access_logs,
    check_rights,
    check_inquiry_desk,
    check_minors,
)
