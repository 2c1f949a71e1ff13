import re
import socket

import pytest


def test_guard_rejects_metadata_address() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(RuntimeError, match=re.escape("169.254.169.254")):
            sock.connect(("169.254.169.254", 80))
    finally:
        sock.close()


def test_guard_rejects_aws_hostname() -> None:
    with pytest.raises(RuntimeError, match=re.escape("s3.amazonaws.com")):
        socket.getaddrinfo("s3.amazonaws.com", 443)


def test_guard_allows_loopback() -> None:
    assert socket.getaddrinfo("127.0.0.1", 80)
