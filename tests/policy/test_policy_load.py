"""Reading a policy file: YAML and schema problems as ``FILE:LINE: key.path: message``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from hogo.errors import PolicyError
from hogo.policy.load import load_policy, load_policy_text

Edit = Callable[[str, str, str, str], tuple[str, int]]
ProblemsOf = Callable[[str], list[str]]
PROBLEM = re.compile(r"^policy\.yaml:\d+: \S+: .+$")


def test_load_policy_reads_a_path_or_a_string(example_path: Path) -> None:
    assert load_policy(example_path) == load_policy(str(example_path))


@pytest.mark.parametrize(
    ("after", "old", "new", "problem"),
    [
        pytest.param(
            "  recordings:\n",
            "duration: P1Y",
            "duration: P-1Y",
            "retention.recordings.duration: Value error, 'P-1Y' is not an ISO 8601 duration such"
            " as P3Y, P6M or P30D (got 'P-1Y')",
            id="R-12 negative retention duration",
        ),
        pytest.param(
            "  recordings:\n",
            "duration: P1Y",
            "duration: one year",
            "retention.recordings.duration: Value error, 'one year' is not an ISO 8601 duration"
            " such as P3Y, P6M or P30D (got 'one year')",
            id="R-12 unparseable retention duration",
        ),
        pytest.param(
            "\ndeid:\n",
            "  k: 5",
            "  kk: 3\n  k: 5",
            "deid.kk: unknown key (not part of the policy schema)",
            id="unknown key",
        ),
        pytest.param(
            "\ndeid:\n",
            "k: 5",
            "k: five",
            "deid.k: Input should be a valid integer, unable to parse string as an integer"
            " (got 'five')",
            id="wrong type",
        ),
        pytest.param(
            "\ndeid:\n",
            "k: 5",
            "k: 1",
            "deid.k: Input should be greater than or equal to 2 (got 1)",
            id="out of range",
        ),
        pytest.param(
            "  order_confirmation:",
            "gdpr: contract",
            "gdpr: contrat",
            "purposes.order_confirmation.legal_basis.gdpr: Input should be 'consent', 'contract',"
            " 'legal_obligation', 'vital_interests', 'public_task' or 'legitimate_interests'"
            " (got 'contrat')",
            id="value not allowed",
        ),
        pytest.param(
            "  order_confirmation:",
            "phone",
            "Phone",
            "purposes.order_confirmation.categories[2]: String should match pattern"
            " '^[a-z][a-z0-9_]*$' (got 'Phone')",
            id="identifier spelling",
        ),
        pytest.param(
            "purposes:\n",
            "  order_confirmation:",
            "  Order-Confirmation:",
            "purposes.Order-Confirmation: invalid key: String should match pattern"
            " '^[a-z][a-z0-9_]*$' (got 'Order-Confirmation')",
            id="identifier key spelling",
        ),
        pytest.param(
            "cookies:\n",
            "  continuity:",
            "  continuty:",
            "cookies.continuty: invalid key: Input should be 'continuity', 'statistics' or"
            " 'advertising' (got 'continuty')",
            id="cookie category key",
        ),
        pytest.param(
            "  privacy_office:",
            'groups: "*"',
            "groups: all",
            "roles.privacy_office.groups: Input should be a valid list (got 'all');"
            " Input should be '*' (got 'all')",
            id="role scope neither list nor star",
        ),
        pytest.param(
            "",
            'version: "2022-04-01"',
            "version: 2022-04-01",
            "version: Input should be a valid string (got the date 2022-04-01; write it in quotes)",
            id="unquoted date for a text",
        ),
        pytest.param(
            "",
            "effective_from: 2022-04-01",
            "effective_from: 2022-02-30",
            "effective_from: cannot read '2022-02-30': day is out of range for month",
            id="impossible date",
        ),
        pytest.param(
            "\ndeid:\n",
            "  k: 5",
            "  k: 5\n  k: 6",
            "deid.k: duplicate key (first at line {first})",
            id="duplicate key",
        ),
    ],
)
def test_schema_problem_names_file_line_and_key(
    example_text: str,
    edit: Edit,
    problems_of: ProblemsOf,
    after: str,
    old: str,
    new: str,
    problem: str,
) -> None:
    broken, line = edit(example_text, after, old, new)
    if "duplicate" in problem:
        problem, line = problem.format(first=line), line + 1
    assert problems_of(broken) == [f"policy.yaml:{line}: {problem}"]


def test_misspelt_key_is_unknown_and_the_right_one_missing(
    example_text: str, edit: Edit, problems_of: ProblemsOf
) -> None:
    broken, line = edit(example_text, "  order_confirmation:", "    section:", "    sektion:")
    parent = broken.count("\n", 0, broken.index("  order_confirmation:")) + 1
    assert problems_of(broken) == [
        f"policy.yaml:{parent}: purposes.order_confirmation.section: required key is missing",
        f"policy.yaml:{line}: purposes.order_confirmation.sektion: unknown key (not part of the"
        " policy schema)",
    ]


def test_missing_key_is_reported_at_its_parent(
    example_text: str, edit: Edit, problems_of: ProblemsOf
) -> None:
    broken, _ = edit(
        example_text, "  security_video:\n    categories", "    why: Security", "    #"
    )
    line = broken.count("\n", 0, broken.index("  security_video:\n    categories")) + 1
    assert problems_of(broken) == [
        f"policy.yaml:{line}: retention.security_video.why: required key is missing"
    ]


def test_missing_section_is_reported_at_the_root(
    example_text: str, problems_of: ProblemsOf
) -> None:
    start = example_text.index("\nminors:")
    broken = example_text[:start] + example_text[example_text.index("\n# §9–10") :]
    assert problems_of(broken) == ["policy.yaml:7: minors: required key is missing"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("version: [1\n", "policy.yaml:2: <root>: YAML syntax error:", id="flow"),
        pytest.param("a: b\n  c: d\n", "policy.yaml:2: <root>: YAML syntax error:", id="indent"),
        pytest.param("a: 1\n---\nb: 2\n", "policy.yaml:2: <root>: YAML syntax error:", id="docs"),
        pytest.param("a: *nowhere\n", "policy.yaml:1: <root>: YAML syntax error:", id="alias"),
        pytest.param("a: !!python/name:os.system\n", "policy.yaml:1: a:", id="python tag"),
        pytest.param("", "policy.yaml:1: <root>: the file is empty", id="empty"),
        pytest.param("# nothing\n", "policy.yaml:1: <root>: the file is empty", id="comment"),
        pytest.param(
            "- a\n", "policy.yaml:1: <root>: Input should be a valid dictionary", id="list"
        ),
    ],
)
def test_yaml_problem_is_one_line(text: str, problem: str, problems_of: ProblemsOf) -> None:
    problems = problems_of(text)
    assert len(problems) == 1
    assert problems[0].startswith(problem)


def test_syntax_error_in_the_example_names_its_line(
    example_text: str, edit: Edit, problems_of: ProblemsOf
) -> None:
    broken, line = edit(example_text, "  office_security:", "    groups:", "\tgroups:")
    (problem,) = problems_of(broken)
    assert re.match(rf"^policy\.yaml:{line}: <root>: YAML syntax error: .+", problem)


def test_every_problem_has_the_same_shape(example_text: str, problems_of: ProblemsOf) -> None:
    broken = (
        example_text.replace("deid: other", "deid: others")
        .replace("clock: collected_at", "clock: collection")
        .replace("  k: 5", "  k: 5\n  k: 6")
    )
    problems = problems_of(broken)
    assert len(problems) > 10
    assert all(PROBLEM.match(problem) for problem in problems), problems
    lines = [int(problem.split(":")[1]) for problem in problems]
    assert lines == sorted(lines)


def test_unreadable_file_is_a_policy_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(missing)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{missing}:1: <root>: cannot read the file")


def test_non_utf8_file_is_a_policy_error(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes("version: 氏名\n".encode("shift_jis"))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.problems[0].startswith(f"{path}:1: <root>: not UTF-8 text")


def test_policy_error_carries_the_problems(example_text: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy_text(example_text.replace("  k: 5", "  k: 1"), "policy.yaml")
    assert caught.value.code == "policy_invalid"
    assert caught.value.extensions["problems"] == caught.value.problems
    assert str(caught.value) == caught.value.problems[0]
