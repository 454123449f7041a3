"""The README's Python example runs as written, against a fresh database."""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_has_a_python_example() -> None:
    assert python_blocks()


@pytest.mark.parametrize("block", python_blocks())
def test_readme_python_example_runs(
    block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "policy.yaml", tmp_path / "examples" / "policy.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOGO_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "hogo.db").exists()
    result = namespace.get("result")
    if result is not None:  # the access example: the read was allowed and returned the value
        assert result.decision.denied == {}
        assert [item.value for item in result.items] == ["taro@example.jp"]
