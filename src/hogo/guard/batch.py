"""Vectorised decisions over many (subject, category, purpose) triples.

Subjects are held column-wise in a :class:`SubjectTable`. The policy side is a handful of
small lookup arrays built once by :mod:`hogo.guard.compile`. Evaluation is a few gathers and
element-wise minima, with no Python loop per triple.

Reasons are combined in *rank* form, ``(reason - 1) mod 256`` as ``uint8``: allowed becomes
255 and every denial keeps its order, so the reason that takes precedence is the minimum of
the ranks of all checks, and adding 1 back (wrapping 255 to 0) gives the :class:`Reason`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hogo.errors import ValidationFailed
from hogo.guard.state import STATUSES, ConsentState, SubjectState

Ranks = npt.NDArray[np.uint8]
Indices = npt.NDArray[np.integer]

N_STATES = len(ConsentState)


def to_rank(reasons: npt.ArrayLike) -> Ranks:
    """Reasons to ranks: ``(reason - 1) mod 256``, so ALLOWED sorts after every denial."""
    return (np.asarray(reasons, dtype=np.uint8) - np.uint8(1)).astype(np.uint8)


@dataclass(frozen=True, slots=True)
class SubjectTable:
    """Subject states as columns; row ``i`` is the ``i``-th state given to the builder."""

    group_idx: npt.NDArray[np.int16]  # [n]; len(groups) for a group the policy lacks
    status: npt.NDArray[np.int8]  # [n]; position in STATUSES
    minor: npt.NDArray[np.bool_]  # [n]
    consent: npt.NDArray[np.int8]  # [n, n_purposes]; ConsentState
    expired: npt.NDArray[np.bool_]  # [n, n_categories]

    def __len__(self) -> int:
        return len(self.group_idx)


def build_subject_table(
    states: Sequence[SubjectState],
    groups: Mapping[str, int],
    purposes: Mapping[str, int],
    categories: Mapping[str, int],
) -> SubjectTable:
    """Columns for ``states``; consents and expiries naming undeclared things are dropped."""
    n = len(states)
    consent = np.zeros((n, len(purposes)), dtype=np.int8)
    expired = np.zeros((n, len(categories)), dtype=np.bool_)
    for row, state in enumerate(states):
        for purpose, consent_state in state.consents.items():
            if purpose in purposes:
                consent[row, purposes[purpose]] = consent_state
        for category in state.expired:
            if category in categories:
                expired[row, categories[category]] = True
    table = SubjectTable(
        group_idx=np.array([groups.get(s.group, len(groups)) for s in states], dtype=np.int16),
        status=np.array([STATUSES.index(s.status) for s in states], dtype=np.int8),
        minor=np.array([s.minor for s in states], dtype=np.bool_),
        consent=consent,
        expired=expired,
    )
    for column in (table.group_idx, table.status, table.minor, consent, expired):
        column.flags.writeable = False
    return table


@dataclass(frozen=True, slots=True)
class BatchTables:
    """The role-independent lookup arrays of one compiled policy, in rank form."""

    n_groups: int  # declared groups + 1 for "not declared"
    n_categories: int
    n_purposes: int
    status_rank: Ranks  # [len(STATUSES)]
    expired_rank: Ranks  # [2]
    consent_rank: Ranks  # [n_purposes * N_STATES * 2], by (purpose, state, minor)


def evaluate(
    static_rank: Ranks,
    tables: BatchTables,
    subjects: SubjectTable,
    subject_idx: Indices,
    category_idx: Indices,
    purpose_idx: Indices,
) -> npt.NDArray[np.uint8]:
    """The :class:`Reason` of each triple, as ``uint8``.

    ``static_rank`` is the role's structural table, flat over (purpose, group, category).
    """
    s, c, p = _checked(tables, len(subjects), subject_idx, category_idx, purpose_idx)
    group = subjects.group_idx.take(s).astype(np.intp)
    result = static_rank.take((p * tables.n_groups + group) * tables.n_categories + c)
    np.minimum(result, tables.status_rank.take(subjects.status.take(s)), out=result)
    expired = subjects.expired.reshape(-1).take(s * tables.n_categories + c)
    np.minimum(result, tables.expired_rank.take(expired.view(np.uint8)), out=result)
    state = subjects.consent.reshape(-1).take(s * tables.n_purposes + p).astype(np.intp)
    consent_at = (p * N_STATES + state) * 2 + subjects.minor.take(s)
    np.minimum(result, tables.consent_rank.take(consent_at), out=result)
    result += np.uint8(1)
    return result


def _checked(
    tables: BatchTables, n_subjects: int, *indices: Indices
) -> tuple[npt.NDArray[np.intp], ...]:
    bounds = (n_subjects, tables.n_categories, tables.n_purposes)
    names = ("subject", "category", "purpose")
    arrays = tuple(np.asarray(index, dtype=np.intp) for index in indices)
    if len({a.shape for a in arrays}) != 1 or arrays[0].ndim != 1:
        raise ValidationFailed("subject, category and purpose indices must be 1-d and equal length")
    for array, bound, name in zip(arrays, bounds, names, strict=True):
        if array.size and (array.min() < 0 or array.max() >= bound):
            raise ValidationFailed(f"{name} index out of range 0..{bound - 1}")
    return arrays
