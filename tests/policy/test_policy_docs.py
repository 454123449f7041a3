"""docs/policy.md documents every key of the policy file and the error format."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel

from hogo.policy.model import Policy, Text
from hogo.policy.normalise import TOP_LEVEL

DOC = Path(__file__).resolve().parents[2] / "docs" / "policy.md"
Edit = Callable[[str, str, str, str], tuple[str, int]]
ProblemsOf = Callable[[str], list[str]]


def nested(annotation: object) -> tuple[type[BaseModel] | None, str]:
    """The model inside an annotation, and how the path reaches it (``.<id>``, ``[]``)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, ""
    if origin is typing.Annotated:
        return nested(typing.get_args(annotation)[0])
    if origin is list:
        model, suffix = nested(typing.get_args(annotation)[0])
        return model, "[]" + suffix
    if origin is dict:
        model, suffix = nested(typing.get_args(annotation)[1])
        return model, ".<id>" + suffix
    if origin in (typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            model, suffix = nested(argument)
            if model is not None:
                return model, suffix
    return None, ""


def key_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every key of the file as the docs write it; texts (``ja``/``en``) are not descended."""
    for name, field in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        yield path
        inner, suffix = nested(field.annotation)
        if inner is not None and inner is not Text:
            yield from key_paths(inner, path + suffix)


def test_docs_mention_every_key_of_the_policy_file() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [path for path in key_paths(Policy) if f"`{path}`" not in text]
    assert missing == []
    assert "`ja`" in text
    assert "`en`" in text


def test_docs_describe_the_normalised_top_level_keys() -> None:
    text = DOC.read_text(encoding="utf-8")
    listed = ", ".join(f"`{key}`" for key in TOP_LEVEL)
    assert listed in " ".join(text.split())


def test_docs_error_example_is_what_check_prints(
    example_text: str, edit: Edit, problems_of: ProblemsOf
) -> None:
    example = next(
        line for line in DOC.read_text(encoding="utf-8").splitlines() if "'phnoe'" in line
    )
    broken, _ = edit(example_text, "  order_confirmation:", "phone", "phnoe")
    assert problems_of(broken) == [example.replace("examples/policy.yaml", "policy.yaml")]
