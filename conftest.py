"""Repository-wide test configuration: a guard against any non-loopback traffic.

Every test runs with name resolution and socket connections limited to
loopback addresses. A client that tries to reach AWS, the instance metadata
address 169.254.169.254 or any other host in this process therefore fails at
once with `NonLoopbackTraffic` instead of sending a packet. (Subprocesses get
a dead proxy instead; the benchmark scripts install their own guard.)
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

#: The plugin tests run inner pytest sessions.
pytest_plugins = ["pytester"]

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NonLoopbackTraffic(RuntimeError):
    """A test tried to resolve or connect to an address other than loopback."""


def _is_loopback(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    text = str(host)
    if text in _LOOPBACK_NAMES or text.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def loopback_only() -> Iterator[None]:
    original_getaddrinfo = socket.getaddrinfo
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            raise NonLoopbackTraffic(
                f"test tried to resolve {host!r}; only loopback is allowed"
            )
        return original_getaddrinfo(host, *args, **kwargs)

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(
            address[0]
        ):
            raise NonLoopbackTraffic(
                f"test tried to connect to {address!r}; only loopback is allowed"
            )

    def guarded_connect(sock: socket.socket, address: Any) -> Any:
        check(sock, address)
        return original_connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> Any:
        check(sock, address)
        return original_connect_ex(sock, address)

    socket.getaddrinfo = guarded_getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.getaddrinfo = original_getaddrinfo  # type: ignore[assignment]
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
