"""Reading a policy file: YAML, then the schema, then the cross-reference checks.

Any problem, at any stage, raises one :class:`~hogo.errors.PolicyError` whose ``problems`` are
lines of the form ``FILE:LINE: key.path: message``: the file as it was named, the 1-based line
of the key or list item concerned (or of its nearest parent present in the file), the dotted
key path (``purposes.order_confirmation.categories[2]``; ``<root>`` for the whole document)
and what is wrong. YAML is composed into nodes first so that every key keeps its line; the
nodes are then constructed with PyYAML's safe constructor. A key that appears twice in one
mapping is an error, not "the last one wins".
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hogo.errors import PolicyError
from hogo.policy.lint import KeyPath, PathPart, lint
from hogo.policy.model import IDENTIFIER, Policy

ROOT = "<root>"
Located = tuple[int, KeyPath, str]
# A part of a pydantic error location that names a union member, not a key of the file.
FIELD_NAME = re.compile(IDENTIFIER.pattern)
MESSAGES = {
    "extra_forbidden": "unknown key (not part of the policy schema)",
    "missing": "required key is missing",
}
MAX_SHOWN = 40


try:
    from yaml import CSafeLoader as SafeLoader  # libyaml: the same result, ten times faster
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]


class PolicyLoader(SafeLoader):
    """The safe loader, reporting a value it cannot construct (``2022-02-30``) with its line."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError) as error:
            message = f"cannot read {node.value!r}: {error}"
            raise ConstructorError(None, None, message, node.start_mark) from None


def load_policy(path: str | os.PathLike[str]) -> Policy:
    """Read, validate and lint the policy file at ``path``; raise :class:`PolicyError` if bad."""
    name = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        raise PolicyError([f"{name}:1: {ROOT}: cannot read the file: {reason}"]) from None
    except UnicodeDecodeError as error:
        raise PolicyError([f"{name}:1: {ROOT}: not UTF-8 text ({error.reason})"]) from None
    return load_policy_text(text, name)


def load_policy_text(text: str, name: str = "<policy>") -> Policy:
    """Like :func:`load_policy` for text in memory; ``name`` stands for the file in messages."""
    root, data = parse(text, name)
    duplicates = duplicate_keys(root)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        located = [(locate(root, path), path, msg) for path, msg in schema_problems(error, data)]
        raise PolicyError(format_problems(name, duplicates + located)) from None
    located = [(locate(root, path), path, message) for path, message in lint(policy)]
    if duplicates or located:
        raise PolicyError(format_problems(name, duplicates + located))
    return policy


def parse(text: str, name: str) -> tuple[Node, Any]:
    """The document's root node and the plain Python data constructed from it."""
    loader = PolicyLoader(text)
    try:
        root = compose(loader, name)
        try:
            data = loader.construct_document(root)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark is not None else 1
            path = path_at_line(root, line)
            what = error.problem or error.context or "cannot be read"
            raise PolicyError([f"{name}:{line}: {dotted(path)}: {what}"]) from None
    finally:
        loader.dispose()
    return root, data


def compose(loader: PolicyLoader, name: str) -> Node:
    """The root node of the only document in the text; syntax errors as one problem."""
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise PolicyError([syntax_problem(name, error)]) from None
    except yaml.YAMLError as error:
        raise PolicyError([f"{name}:1: {ROOT}: YAML error: {error}"]) from None
    if root is None:
        raise PolicyError([f"{name}:1: {ROOT}: the file is empty"])
    return root


def syntax_problem(name: str, error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    what = " ".join(part for part in (error.context, error.problem) if part)
    return f"{name}:{line}: {ROOT}: YAML syntax error: {what or 'invalid YAML'}"


def duplicate_keys(root: Node) -> list[Located]:
    """Keys that appear twice in one mapping, at the line of the second one."""
    found: list[Located] = []
    stack: list[tuple[Node, KeyPath]] = [(root, ())]
    visited: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in visited:  # an alias: its anchor was walked already
            continue
        visited.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend((item, (*path, index)) for index, item in enumerate(node.value))
        if not isinstance(node, MappingNode):
            continue
        first: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.value == "<<":
                continue
            line = key.start_mark.line + 1
            if key.value in first:
                message = f"duplicate key (first at line {first[key.value]})"
                found.append((line, (*path, key.value), message))
            first.setdefault(key.value, line)
            stack.append((value, (*path, key.value)))
    return found


def child(node: Node, part: PathPart) -> tuple[int, Node] | None:
    """The line and node of ``part`` under ``node``, if the file has it."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == str(part):
                return key.start_mark.line + 1, value
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: Node = node.value[part]
        return item.start_mark.line + 1, item
    return None


def path_at_line(root: Node, line: int) -> KeyPath:
    """The deepest key or list item that starts on ``line``; the root if none does."""
    best: KeyPath = ()
    stack: list[tuple[Node, KeyPath]] = [(root, ())]
    visited: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, MappingNode):
            pairs = [
                (key.start_mark.line + 1, key.value, value)
                for key, value in node.value
                if isinstance(key, ScalarNode)
            ]
        elif isinstance(node, SequenceNode):
            pairs = [
                (item.start_mark.line + 1, index, item) for index, item in enumerate(node.value)
            ]
        else:
            continue
        for start, part, value in pairs:
            if start == line and len(path) + 1 > len(best):
                best = (*path, part)
            stack.append((value, (*path, part)))
    return best


def locate(root: Node, path: KeyPath) -> int:
    """The line of ``path``, or of its nearest parent present in the file."""
    line: int = root.start_mark.line + 1
    node = root
    for part in path:
        found = child(node, part)
        if found is None:
            break
        line, node = found
    return line


def holds(data: Any, part: int | str) -> bool:
    """Whether the constructed ``data`` has the key or index ``part``."""
    if isinstance(data, dict):
        return part in data
    return isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)


def clean_location(data: Any, loc: tuple[int | str, ...]) -> tuple[KeyPath, bool, bool]:
    """A pydantic error location as a path of the file: (path, about a key, inside a union).

    Pydantic adds the names of union members (``list[constrained-str]``) and ``[key]`` (the
    error is about a mapping key, not its value) to locations; neither is a key of the file.
    """
    path: list[PathPart] = []
    current: Any = data
    about_key = in_union = False
    for position, part in enumerate(loc):
        if part == "[key]":
            about_key = True
        elif holds(current, part):
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and position == len(loc) - 1 and FIELD_NAME.match(str(part)):
            path.append(part)  # a required key that is missing
        else:
            in_union = True
    return tuple(path), about_key, in_union


def describe(detail: ErrorDetails) -> str:
    """The message of one pydantic error, with the offending value when it is short."""
    kind = detail["type"]
    if kind in MESSAGES:
        return MESSAGES[kind]
    message = detail["msg"]
    value = detail.get("input")
    if kind == "string_type" and isinstance(value, dt.date):
        return f"{message} (got the date {value.isoformat()}; write it in quotes)"
    if isinstance(value, str | int | float | bool) and len(repr(value)) <= MAX_SHOWN:
        message = f"{message} (got {value!r})"
    return message


def schema_problems(error: ValidationError, data: Any) -> list[tuple[KeyPath, str]]:
    """One problem per key from a pydantic error, union alternatives merged."""
    merged: dict[KeyPath, list[str]] = {}
    union_paths: set[KeyPath] = set()
    for detail in error.errors(include_url=False):
        path, about_key, in_union = clean_location(data, detail["loc"])
        message = describe(detail)
        if about_key:
            message = f"invalid key: {message}"
        if in_union:
            union_paths.add(path)
        messages = merged.setdefault(path, [])
        if message not in messages:
            messages.append(message)
    # Of a union's alternatives, keep the one that got furthest into the value.
    shadowed = {p for p in union_paths for q in union_paths if len(q) > len(p) and q[: len(p)] == p}
    return [(path, "; ".join(msgs)) for path, msgs in merged.items() if path not in shadowed]


def dotted(path: KeyPath) -> str:
    """``("purposes", "x", "categories", 2)`` → ``purposes.x.categories[2]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or ROOT


def format_problems(name: str, located: list[Located]) -> list[str]:
    ordered = sorted(located, key=lambda item: (item[0], dotted(item[1]), item[2]))
    return [f"{name}:{line}: {dotted(path)}: {message}" for line, path, message in ordered]
