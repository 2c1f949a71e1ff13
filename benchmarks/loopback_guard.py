"""A guard the benchmark scripts share: no lookup of, or connection to, a remote host.

The scripts run as ``python benchmarks/<name>.py``, so this module is found
next to them. Inside `loopback_only`, resolving or connecting to anything but
a loopback address raises `ConnectionError`, so no benchmark request can
leave the machine.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def is_loopback(host: Any) -> bool:
    """Return whether ``host`` (a name or an address) is a loopback host."""
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


@contextmanager
def loopback_only() -> Iterator[None]:
    """Raise `ConnectionError` on any lookup of, or connection to, a remote host."""
    original_getaddrinfo = socket.getaddrinfo
    original_connect = socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(host):
            raise ConnectionError(
                f"lookup of {host!r} blocked: only loopback is allowed"
            )
        return original_getaddrinfo(host, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> Any:
        remote = sock.family in (socket.AF_INET, socket.AF_INET6)
        if remote and not is_loopback(address[0]):
            raise ConnectionError(
                f"connection to {address!r} blocked: only loopback is allowed"
            )
        return original_connect(sock, address)

    with (
        mock.patch.object(socket, "getaddrinfo", getaddrinfo),
        mock.patch.object(socket.socket, "connect", connect),
    ):
        yield
