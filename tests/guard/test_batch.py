"""Vectorised decisions agree with single decisions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hogo.errors import ValidationFailed
from hogo.guard import CompiledPolicy, ConsentState, Reason, SubjectState
from hogo.guard.state import STATUSES


@st.composite
def subject_states(draw: st.DrawFn, guard: CompiledPolicy) -> SubjectState:
    policy = guard.policy
    purposes = [*policy.purposes, "lottery"]
    return SubjectState(
        group=draw(st.sampled_from([*policy.subject_groups, "visitor"])),
        status=draw(st.sampled_from(STATUSES)),
        minor=draw(st.booleans()),
        consents=draw(st.dictionaries(st.sampled_from(purposes), st.sampled_from(ConsentState))),
        expired=draw(st.frozensets(st.sampled_from([*policy.categories, "shoe_size"]))),
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_batch_agrees_with_single_decisions(guard: CompiledPolicy, data: st.DataObject) -> None:
    """Property: for random states and triples, decide_batch == decide, reason for reason."""
    states = data.draw(st.lists(subject_states(guard), min_size=1, max_size=6))
    role = data.draw(st.sampled_from([*guard.policy.roles, "intruder"]))
    triples = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, len(states) - 1),
                st.sampled_from(list(guard.category_index)),
                st.sampled_from(list(guard.purpose_index)),
            ),
            max_size=40,
        )
    )
    subjects = np.array([s for s, _, _ in triples], dtype=np.int64)
    categories = np.array([guard.category_index[c] for _, c, _ in triples], dtype=np.int32)
    purposes = np.array([guard.purpose_index[p] for _, _, p in triples], dtype=np.int64)
    result = guard.decide_batch(role, guard.subject_table(states), subjects, categories, purposes)
    expected = [guard.decide(role, states[s], [c], p).outcomes[0].reason for s, c, p in triples]
    assert result.dtype == np.uint8
    assert [Reason(r) for r in result] == expected


def test_batch_reports_each_reason(guard: CompiledPolicy) -> None:
    """R-03, R-16, R-42, R-12, R-10, G-02, G-10 in one batch."""
    states = [
        SubjectState("customer", "active", False, {"marketing": ConsentState.GRANTED}),
        SubjectState("customer", "erased"),
        SubjectState("customer", "suspended"),
        SubjectState("customer", "active", True, {}, frozenset({"purchase"})),
        SubjectState("customer", "active", False, {"analytics": ConsentState.OPTED_OUT}),
    ]
    ci, pi = guard.category_index, guard.purpose_index
    rows = [
        (0, "name", "marketing", Reason.ALLOWED),
        (0, "address", "marketing", Reason.OUTSIDE_PURPOSE),
        (0, "name", "payroll", Reason.OUTSIDE_PURPOSE),
        (0, "name", "order_fulfilment", Reason.ROLE_SCOPE),
        (1, "name", "marketing", Reason.ERASED),
        (2, "name", "marketing", Reason.SUSPENDED),
        (3, "purchase", "analytics", Reason.RETENTION_EXPIRED),
        (3, "name", "marketing", Reason.GUARDIAN_CONSENT_REQUIRED),
        (4, "name", "marketing", Reason.NO_CONSENT),
        (4, "purchase", "analytics", Reason.OPTED_OUT),
    ]
    result = guard.decide_batch(
        "marketer",
        guard.subject_table(states),
        np.array([r[0] for r in rows]),
        np.array([ci[r[1]] for r in rows]),
        np.array([pi[r[2]] for r in rows]),
    )
    assert [Reason(r) for r in result] == [r[3] for r in rows]


def test_subject_table_columns(guard: CompiledPolicy) -> None:
    states = [
        SubjectState("employee", "suspended", True, {"payroll": ConsentState.OPTED_OUT}),
        SubjectState(
            "visitor", "erased", False, {"lottery": ConsentState.GRANTED}, frozenset({"cv"})
        ),
    ]
    table = guard.subject_table(states)
    assert len(table) == 2
    assert table.group_idx.tolist() == [guard.group_index["employee"], len(guard.group_index)]
    assert table.status.tolist() == [1, 2]
    assert table.minor.tolist() == [True, False]
    assert table.consent.shape == (2, len(guard.purpose_index))
    assert table.consent[0, guard.purpose_index["payroll"]] == ConsentState.OPTED_OUT
    assert not table.consent[1].any()
    assert table.expired[1].tolist() == [c == "cv" for c in guard.category_index]
    with pytest.raises(ValueError, match="read-only"):
        table.expired[0, 0] = True


def test_empty_batch(guard: CompiledPolicy) -> None:
    table = guard.subject_table([SubjectState("customer", "active")])
    empty = np.array([], dtype=np.int64)
    assert guard.decide_batch("admin", table, empty, empty, empty).shape == (0,)


@pytest.mark.parametrize(
    ("subject", "category", "purpose", "message"),
    [
        ([1], [0], [0], "subject index out of range"),
        ([0], [-1], [0], "category index out of range"),
        ([0], [0], [99], "purpose index out of range"),
        ([0, 0], [0], [0], "equal length"),
    ],
)
def test_batch_refuses_bad_indices(
    guard: CompiledPolicy, subject: list[int], category: list[int], purpose: list[int], message: str
) -> None:
    table = guard.subject_table([SubjectState("customer", "active")])
    with pytest.raises(ValidationFailed, match=message):
        guard.decide_batch("admin", table, np.array(subject), np.array(category), np.array(purpose))


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_many_categories_decide_like_one_at_a_time(
    guard: CompiledPolicy, data: st.DataObject
) -> None:
    """Property: a decision on several categories is the decisions on each, in order."""
    state = data.draw(subject_states(guard))
    role = data.draw(st.sampled_from([*guard.policy.roles, "intruder"]))
    purpose = data.draw(st.sampled_from([*guard.policy.purposes, "lottery"]))
    categories = data.draw(
        st.lists(st.sampled_from([*guard.policy.categories, "shoe_size"]), max_size=6)
    )
    together = guard.decide(role, state, categories, purpose).outcomes
    alone = tuple(guard.decide(role, state, [c], purpose).outcomes[0] for c in categories)
    assert together == alone
