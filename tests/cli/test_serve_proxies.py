"""``hogo serve`` believes forwarded client addresses only from named proxies.

The public endpoints' rate limits key on the client's address; if any caller could set it with
``X-Forwarded-For``, the limits would mean nothing.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest

from hogo.cli import serve
from hogo.runtime import open_hogo
from hogo.settings import Settings

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"


@pytest.mark.parametrize(
    ("allowed", "expected"),
    [(None, (False, None)), ("10.0.0.5", (True, "10.0.0.5"))],
)
def test_forwarded_addresses_are_believed_only_from_named_proxies(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    allowed: str | None,
    expected: tuple[bool, str | None],
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(serve.uvicorn, "run", lambda app, **options: seen.update(options))
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), forwarded_allow_ips=allowed
    )
    hogo = open_hogo(f"sqlite:///{tmp_path / 'hogo.db'}", POLICY, settings=settings)
    serve.run_server(hogo, "127.0.0.1", 8000, settings)
    assert (seen["proxy_headers"], seen["forwarded_allow_ips"]) == expected
