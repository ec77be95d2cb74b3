"""The suite's network guard (tests/conftest.py): loopback only, so that no test silently needs the internet."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import NetworkBlocked


def test_a_connection_beyond_loopback_is_refused() -> None:
    for address in (("192.0.2.1", 80), ("2001:db8::1", 443, 0, 0), ("pypi.org", 443)):
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock, pytest.raises(NetworkBlocked):
            sock.connect(address)


def test_loopback_stays_open() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5) as client:
            assert client.getpeername() == server.getsockname()
