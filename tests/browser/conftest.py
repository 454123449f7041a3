"""A real server and a real Chromium: the pages as a person sees them.

The server is uvicorn in a background thread on a free port of 127.0.0.1, over a fresh SQLite
database and the example policy. The browser is Debian's Chromium (``apt-get install chromium
fonts-noto-cjk``) driven by Playwright; Playwright's own browser download is not used, so the
tests run with no network beyond localhost. Without /usr/bin/chromium they are skipped.
"""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Playwright, sync_playwright

from hogo.auth.keys import KeyVerifier
from hogo.policy.load import load_policy
from hogo.policy.model import Policy
from hogo.runtime import Hogo, open_hogo
from hogo.settings import Settings
from hogo.web.app import create_app

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 20.0


def _wait_for_health(base_url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the server thread stopped while starting")
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    raise RuntimeError(f"no answer from {base_url}/health within {STARTUP_SECONDS:.0f} s")


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(POLICY)


@pytest.fixture(scope="session")
def server_hogo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hogo]:
    """The hogo the server runs on, for tests that set up data (keys, requests) first."""
    folder = tmp_path_factory.mktemp("server")
    master = base64.b64encode(os.urandom(32)).decode()
    # Mail (the privacy center's codes) stays in memory: tests read it from server_hogo.mailer.
    settings = Settings(master_key=master, key_file=folder / "unused.key", mail_url="memory://")
    hogo = open_hogo(f"sqlite:///{folder / 'hogo.db'}", POLICY, settings=settings)
    yield hogo
    hogo.close()


@contextlib.contextmanager
def serving(hogo: Hogo) -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of a server over ``hogo``, running until the block ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))  # the port is ours from here on: no race for a free port
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_app(hogo, KeyVerifier(hogo.engine)), log_level="warning", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, thread)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()
    assert not thread.is_alive(), "the server did not stop"


@pytest.fixture(scope="session")
def base_url(server_hogo: Hogo) -> Iterator[str]:
    """The session's running server; stopped at the end."""
    with serving(server_hogo) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as started:
        yield started


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One Chromium for the session; each test opens its own context (cookies, cache)."""
    launched = _launch(playwright)
    yield launched
    launched.close()


@pytest.fixture
def fresh_browser(playwright: Playwright) -> Iterator[Browser]:
    """A Chromium of the test's own, for what a browser remembers across contexts (such as
    a site icon that failed to load, which it asks for, and reports, only once)."""
    launched = _launch(playwright)
    yield launched
    launched.close()
