"""The policy compiled into lookup tables: one decision costs a few dictionary lookups.

:func:`compile_policy` runs once per policy version. Single decisions use three levels, each
filled from the one below on first use:

1. per (role, purpose, subject group, subject-wide reason), a map from category to a shared
   :class:`~hogo.guard.decision.Outcome`, combining the structural reasons (purpose not
   declared, outside the purpose, outside the role's scope) with the subject-wide one (status
   or consent; or retention expired, which holds per category);
2. per (role, purpose, group, status, consent state, minor), the two maps that apply: for
   categories in retention and for categories past it;
3. per (that, the categories asked for, those of them expired), the
   :class:`~hogo.guard.decision.Decision` itself, since it depends on nothing else. This cache
   is bounded (``decision_cache``) and emptied when full.

Levels 1 and 2 only keep names the policy declares, so neither grows with odd input.
Batches use the numpy tables of :mod:`hogo.guard.batch`; both paths are checked against each
other by a property test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from hogo.guard.batch import (
    N_STATES,
    BatchTables,
    Indices,
    Ranks,
    SubjectTable,
    build_subject_table,
    evaluate,
    to_rank,
)
from hogo.guard.decision import Decision, Outcome, make_decision
from hogo.guard.reasons import Reason
from hogo.guard.state import (
    STATUSES,
    ConsentEvent,
    ConsentState,
    SubjectState,
    age_on,
    fold_consents,
)
from hogo.policy.model import ConsentRule, Policy

_STATUS_REASON: Mapping[str, Reason] = {
    "active": Reason.ALLOWED,
    "suspended": Reason.SUSPENDED,
    "erased": Reason.ERASED,
}
MemoKey = tuple[str, str, str, str, int, bool]  # role, purpose, group, status, consent, minor
# MemoKey + the categories asked for + those of them that are expired (None: none)
DecisionKey = tuple[str, str, str, str, int, bool, tuple[str, ...], frozenset[str] | None]
Scope = tuple[frozenset[str], frozenset[str], frozenset[str]]
_NO_SCOPE: Scope = (frozenset(), frozenset(), frozenset())
_CONSENT_STATES = frozenset(ConsentState)


def consent_reason(rule: ConsentRule, state: int, minor: bool) -> Reason:
    """What a purpose's consent rule says of a subject's consent state (R-10, G-02, G-03, G-10).

    Under ``required`` a minor needs a guardian's consent: the minor's own grant, or no
    consent at all, gives ``GUARDIAN_CONSENT_REQUIRED``, which tells the caller whom to ask.
    A purpose restricted by a rights request is suspended whatever its rule.
    """
    if state == ConsentState.RESTRICTED:
        return Reason.SUSPENDED
    if rule == "required":
        if state == ConsentState.GRANTED_BY_GUARDIAN:
            return Reason.ALLOWED
        if minor:
            return Reason.GUARDIAN_CONSENT_REQUIRED
        return Reason.ALLOWED if state == ConsentState.GRANTED else Reason.NO_CONSENT
    if rule == "opt_out" and state == ConsentState.OPTED_OUT:
        return Reason.OPTED_OUT
    return Reason.ALLOWED


def first_reason(*reasons: Reason) -> Reason:
    """The denial that takes precedence (the lowest non-zero), or ALLOWED when there is none."""
    return min((reason for reason in reasons if reason), default=Reason.ALLOWED)


class OutcomeMap(dict[str, Outcome]):
    """Category -> outcome; a category the policy does not declare gets ``missing``."""

    __slots__ = ("missing",)

    def __init__(self, outcomes: Mapping[str, Outcome], missing: Reason) -> None:
        super().__init__(outcomes)
        self.missing = missing

    def __missing__(self, category: str) -> Outcome:
        return Outcome(category, False, self.missing)


class CompiledPolicy:
    """One policy version, ready to answer decisions."""

    def __init__(
        self,
        policy: Policy,
        *,
        decision_cache: int = 16_384,
        consent_since: Mapping[str, datetime] | None = None,
    ) -> None:
        self.policy = policy
        self.consent_since: Mapping[str, datetime] = MappingProxyType(dict(consent_since or {}))
        self._cache_size = decision_cache
        self.category_index = _index(policy.categories)
        self.purpose_index = _index(policy.purposes)
        self.group_index = _index(policy.subject_groups)
        self._versions = {name: p.consent_version for name, p in policy.purposes.items()}
        self._purpose_scope = {
            name: (frozenset(p.groups), frozenset(p.categories) & policy.categories.keys())
            for name, p in policy.purposes.items()
        }
        self._role_scope: dict[str, Scope] = {
            role: (
                frozenset(policy.role_groups(role)),
                frozenset(policy.role_categories(role)),
                frozenset(policy.role_purposes(role)),
            )
            for role in policy.roles
        }
        self._pool = {
            (category, reason): Outcome(category, reason is Reason.ALLOWED, reason)
            for category in policy.categories
            for reason in Reason
        }
        self._maps: dict[tuple[str | None, str | None, str | None, Reason], OutcomeMap] = {}
        self._memo: dict[MemoKey, tuple[OutcomeMap, OutcomeMap]] = {}
        self._decisions: dict[DecisionKey, Decision] = {}
        self._batch = self._batch_tables()
        self._static_rank: dict[str | None, Ranks] = {}

    # -- single decisions ------------------------------------------------------------------

    def decide(
        self, role: str, subject: SubjectState, categories: Sequence[str], purpose: str
    ) -> Decision:
        """Outcomes for ``categories`` of ``subject``, processed by ``role`` for ``purpose``."""
        asked = tuple(categories)
        expired = subject.expired
        key = (
            role,
            purpose,
            subject.group,
            subject.status,
            subject.consents.get(purpose, 0),
            subject.minor,
            asked,
            (expired.intersection(asked) or None) if expired else None,
        )
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._remember(key)
        return decision

    def _remember(self, key: DecisionKey) -> Decision:
        """Decide afresh and keep the decision; the cache is emptied when it is full."""
        memo_key = key[:6]
        maps = self._memo.get(memo_key) or self._prepare(memo_key)
        asked, expired = key[6], key[7]
        if expired is None:
            outcomes = tuple(map(maps[0].__getitem__, asked))
        else:
            outcomes = tuple([(maps[1] if c in expired else maps[0])[c] for c in asked])
        decision = make_decision(key[1], key[0], outcomes)
        if self._cache_size:
            if len(self._decisions) >= self._cache_size:
                self._decisions.clear()
            self._decisions[key] = decision
        return decision

    def _prepare(self, key: MemoKey) -> tuple[OutcomeMap, OutcomeMap]:
        role, purpose, group, status, state, minor = key
        known_role = role if role in self._role_scope else None
        known_purpose = purpose if purpose in self._purpose_scope else None
        known_group = group if group in self.group_index else None
        if known_purpose is None:
            dynamic = Reason.ALLOWED
        else:
            rule = self.policy.purposes[known_purpose].consent
            dynamic = first_reason(_STATUS_REASON[status], consent_reason(rule, state, minor))
        base = (known_role, known_purpose, known_group)
        maps = (
            self._outcome_map(*base, dynamic),
            self._outcome_map(*base, first_reason(dynamic, Reason.RETENTION_EXPIRED)),
        )
        if base == (role, purpose, group) and state in _CONSENT_STATES:
            self._memo[key] = maps  # only declared values, so the memo stays bounded
        return maps

    def _outcome_map(
        self, role: str | None, purpose: str | None, group: str | None, dynamic: Reason
    ) -> OutcomeMap:
        found = self._maps.get((role, purpose, group, dynamic))
        if found is not None:
            return found
        missing = Reason.OUTSIDE_PURPOSE if purpose else Reason.PURPOSE_NOT_DECLARED
        outcomes = {
            category: self._pool[category, first_reason(structural, dynamic)]
            for category, structural in self._structural(role, purpose, group).items()
        }
        made = self._maps[role, purpose, group, dynamic] = OutcomeMap(outcomes, missing)
        return made

    def _structural(
        self, role: str | None, purpose: str | None, group: str | None
    ) -> dict[str, Reason]:
        """Per declared category, the reason that does not depend on the subject's state."""
        if purpose is None:
            return dict.fromkeys(self.category_index, Reason.PURPOSE_NOT_DECLARED)
        groups, categories = self._purpose_scope[purpose]
        scope = self._role_scope.get(role, _NO_SCOPE) if role else _NO_SCOPE
        role_groups, role_categories, role_purposes = scope
        in_role = group in role_groups and purpose in role_purposes
        return {
            category: Reason.OUTSIDE_PURPOSE
            if group not in groups or category not in categories
            else Reason.ALLOWED
            if in_role and category in role_categories
            else Reason.ROLE_SCOPE
            for category in self.category_index
        }

    # -- batches ---------------------------------------------------------------------------

    def subject_table(self, states: Sequence[SubjectState]) -> SubjectTable:
        """Column form of ``states`` for :meth:`decide_batch`."""
        return build_subject_table(
            states, self.group_index, self.purpose_index, self.category_index
        )

    def decide_batch(
        self,
        role: str,
        subjects: SubjectTable,
        subject_idx: Indices,
        category_idx: Indices,
        purpose_idx: Indices,
    ) -> npt.NDArray[np.uint8]:
        """The :class:`Reason` (as ``uint8``) of each (subject, category, purpose) triple."""
        static = self._static_rank.get(role)
        if static is None:
            static = self._role_static_rank(role)
        return evaluate(static, self._batch, subjects, subject_idx, category_idx, purpose_idx)

    def _role_static_rank(self, role: str) -> Ranks:
        """Structural reasons of ``role`` flat over (purpose, group + 1, category), in rank form."""
        known = role if role in self._role_scope else None
        n_groups = len(self.group_index) + 1
        table = np.zeros((len(self.purpose_index), n_groups, len(self.category_index)), np.uint8)
        groups: list[str | None] = [*self.group_index, None]
        for p, purpose in enumerate(self.purpose_index):
            for g, group in enumerate(groups):
                table[p, g] = list(self._structural(known, purpose, group).values())
        ranks = to_rank(table).reshape(-1)
        ranks.flags.writeable = False
        if known is not None:
            self._static_rank[role] = ranks
        return ranks

    def _batch_tables(self) -> BatchTables:
        consent = np.zeros((len(self.purpose_index), N_STATES, 2), dtype=np.uint8)
        for p, purpose in enumerate(self.policy.purposes.values()):
            for state in ConsentState:
                for minor in (False, True):
                    consent[p, state, int(minor)] = consent_reason(purpose.consent, state, minor)
        return BatchTables(
            n_groups=len(self.group_index) + 1,
            n_categories=len(self.category_index),
            n_purposes=len(self.purpose_index),
            status_rank=to_rank([_STATUS_REASON[status] for status in STATUSES]),
            expired_rank=to_rank([Reason.ALLOWED, Reason.RETENTION_EXPIRED]),
            consent_rank=to_rank(consent.reshape(-1)),
        )

    # -- snapshots -------------------------------------------------------------------------

    def snapshot(
        self,
        *,
        group: str,
        status: str,
        birth_date: date | None,
        jurisdiction: str | None,
        consent_events: Iterable[ConsentEvent],
        retain_until: Mapping[str, datetime | None],
        now: datetime,
        restricted: Iterable[str | None] = (),
    ) -> SubjectState:
        """The subject's state at ``now``, from its row, consent ledger and items.

        ``retain_until`` maps a category to the latest retain-until of the subject's active
        items of it (``None``: kept without a deadline). An unknown birth date is not a minor.
        ``restricted`` names the purposes whose use a rights request has stopped (R-42, G-08,
        G-10); ``None`` among them stops every purpose, as a suspended subject.
        """
        threshold = self.age_threshold(jurisdiction)
        minor = birth_date is not None and age_on(birth_date, now.date()) < threshold
        expired = frozenset(
            category
            for category, until in retain_until.items()
            if until is not None and until <= now
        )
        consents = fold_consents(consent_events, self._versions, self.consent_since)
        for purpose in restricted:
            if purpose is None:
                status = "suspended" if status == "active" else status
            elif purpose in self._versions:
                consents[purpose] = ConsentState.RESTRICTED
        return SubjectState(group, status, minor, consents, expired)

    def age_threshold(self, jurisdiction: str | None) -> int:
        """Age below which a guardian must consent (R-10, G-03).

        ``None`` or a jurisdiction without a threshold uses the policy's default jurisdiction;
        if even that has none, the highest threshold of the policy applies.
        """
        minors = self.policy.minors
        fallback = minors.thresholds.get(
            minors.default_jurisdiction, max(minors.thresholds.values(), default=0)
        )
        return minors.thresholds.get(jurisdiction or minors.default_jurisdiction, fallback)


def compile_policy(
    policy: Policy,
    *,
    decision_cache: int = 16_384,
    consent_since: Mapping[str, datetime] | None = None,
) -> CompiledPolicy:
    """Compile ``policy`` once; the result is immutable in behaviour and safe to share.

    ``decision_cache`` bounds how many decisions are kept for reuse (a few hundred bytes
    each); 0 turns reuse off. ``consent_since`` maps a purpose to its last consent-requiring
    change (R-64): grants recorded before it no longer count.
    """
    return CompiledPolicy(policy, decision_cache=decision_cache, consent_since=consent_since)


def _index(names: Iterable[str]) -> Mapping[str, int]:
    return MappingProxyType({name: position for position, name in enumerate(names)})
