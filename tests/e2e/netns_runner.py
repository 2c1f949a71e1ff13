"""Run a command in a loopback-only network namespace and record its DNS queries.

Start it as root inside new network and mount namespaces::

    unshare --net --mount python netns_runner.py RESOLV_CONF -- COMMAND...

It brings the namespace's loopback interface up, bind-mounts RESOLV_CONF
(which names 127.0.0.1 as the only nameserver) over /etc/resolv.conf, answers
every DNS query on 127.0.0.1:53 with REFUSED and records its name, then runs
COMMAND with the inherited environment. It prints one JSON object: the
command's exit status, output, elapsed seconds and the queried names. It
exits with status 2 before any of that unless loopback is the namespace's
only interface, so nothing the command sends can leave the machine. The bind
mount stays inside the namespace, because ``unshare --mount`` makes mounts
private by default.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

#: DNS header flags of the answer: QR (response), RD and RA set, RCODE 5 (REFUSED).
_REFUSED_FLAGS = 0x8185


def question_name(message: bytes) -> tuple[str, int]:
    """Return the first question's name of a DNS message and the offset after it."""
    labels = []
    offset = 12
    while offset < len(message):
        length = message[offset]
        offset += 1
        if length == 0:
            break
        labels.append(message[offset : offset + length].decode("ascii", "replace"))
        offset += length
    return ".".join(labels), offset + 4  # QTYPE and QCLASS follow the name


def refused_answer(query: bytes) -> bytes:
    """Build a REFUSED answer to ``query`` that repeats its question only."""
    _, end = question_name(query)
    header = struct.pack(
        "!HHHHHH", struct.unpack("!H", query[:2])[0], _REFUSED_FLAGS, 1, 0, 0, 0
    )
    return header + query[12:end]


class DnsRecorder:
    """A nameserver on 127.0.0.1:53 (UDP and TCP) that refuses and records queries."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._lock = threading.Lock()
        self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._udp.bind(("127.0.0.1", 53))
        self._tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._tcp.bind(("127.0.0.1", 53))
        self._tcp.listen(8)
        for target in (self._serve_udp, self._serve_tcp):
            threading.Thread(target=target, daemon=True).start()

    def queried_names(self) -> list[str]:
        with self._lock:
            return list(self.names)

    def _record(self, query: bytes) -> bytes:
        name, _ = question_name(query)
        with self._lock:
            self.names.append(name)
        return refused_answer(query)

    def _serve_udp(self) -> None:
        while True:
            query, address = self._udp.recvfrom(4096)
            if len(query) >= 12:
                self._udp.sendto(self._record(query), address)

    def _serve_tcp(self) -> None:
        while True:
            connection, _ = self._tcp.accept()
            with connection:
                prefix = connection.recv(2)
                if len(prefix) < 2:
                    continue
                query = connection.recv(struct.unpack("!H", prefix)[0])
                if len(query) >= 12:
                    answer = self._record(query)
                    connection.sendall(struct.pack("!H", len(answer)) + answer)


def main(arguments: Sequence[str]) -> int:
    if len(arguments) < 3 or arguments[1] != "--":
        print("usage: netns_runner.py RESOLV_CONF -- COMMAND...", file=sys.stderr)
        return 2
    resolv_conf, command = arguments[0], list(arguments[2:])
    interfaces = [name for _, name in socket.if_nameindex()]
    if interfaces != ["lo"]:
        print(
            f"not in a loopback-only network namespace (interfaces: {interfaces}); "
            "start this script with: unshare --net --mount",
            file=sys.stderr,
        )
        return 2

    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["mount", "--bind", resolv_conf, "/etc/resolv.conf"], check=True)
    recorder = DnsRecorder()

    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - started
    time.sleep(0.05)  # let a query sent just before the exit be recorded
    names = recorder.queried_names()

    report = {
        "exit_status": completed.returncode,
        "stdout": completed.stdout,
        "stderr": completed.stderr,
        "elapsed": elapsed,
        "dns_queries": names,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
