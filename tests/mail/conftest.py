"""A real SMTP server on loopback (aiosmtpd), and a self-signed certificate for TLS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from .smtp_support import Certificate, Inbox, Server, StartServer, free_port, make_certificate


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_server() -> Iterator[StartServer]:
    """Starts an aiosmtpd server on 127.0.0.1 with the given options; stopped after the test."""
    started: list[Controller] = []

    def start(**options: Any) -> Server:
        inbox = Inbox()
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return Server(inbox, port)

    yield start
    for controller in started:
        controller.stop()
