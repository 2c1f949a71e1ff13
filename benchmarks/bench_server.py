"""Measure the loopback server: start and stop time, and cost per call over HTTP.

Two figures, from one run:

- Starting and stopping `LoopbackServer` on a running world, 20 times by
  default; the report gives the median of each. The target for a start is
  under 0.2 s, so a test can start a server per test.
- Four calls a Terraform run makes: S3 GetObject, S3 PutObject of 1 KiB,
  DynamoDB GetItem and STS GetCallerIdentity. A boto3 client sends them as
  HTTP to the server (``endpoint_url=server.url``), and the world's
  in-process client (`World.client`) makes them too, both as one IAM user
  with Terragrunt's documented ``full`` policy. Both go through the gateway,
  so the difference is the HTTP round trip and the WSGI server. Each call is
  warmed up and then timed 50 times by default. The report gives the medians
  and their ratio.

Times are wall-clock (``time.perf_counter``), because an HTTP call waits on
the server thread. Other processes on the machine raise them. The server
(werkzeug 3.1) closes the connection after every response, so each HTTP call
includes a new TCP connection. Stopping waits for the serving loop's next
poll, which comes every 20 ms.

Run it with ``python benchmarks/bench_server.py [--starts N] [--calls N]``.
Importing the module runs nothing. Name resolution and connections to
anything but loopback raise while it runs, so no request can leave the
machine.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.config import Config
from loopback_guard import loopback_only

from pytest_tgstate.world import World
from pytest_tgstate.world.principals import Principal
from pytest_tgstate.world.server import LoopbackServer

BUCKET = "terragrunt-state"
TABLE = "terragrunt-locks"
STATE_KEY = "env/app/terraform.tfstate"
START_TARGET_SECONDS = 0.2
#: Untimed calls before the timed ones: the first calls build botocore's
#: models and open connections.
WARMUP_CALLS = 5
#: One attempt and no proxy from the environment: a retry would hide a
#: failure in the timings, and a proxy would take the loopback requests.
HTTP_CLIENT_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"}, proxies={})
PAYLOAD = b"x" * 1024


@dataclass(frozen=True)
class CallTiming:
    """Median seconds of one call, in process and over HTTP."""

    name: str
    in_process: float
    http: float

    @property
    def ratio(self) -> float:
        return self.http / self.in_process


@dataclass(frozen=True)
class LifecycleTiming:
    """Median seconds to start and to stop the loopback server."""

    starts: int
    start: float
    stop: float


def measure_lifecycle(world: World, starts: int) -> LifecycleTiming:
    """Start and stop a server on ``world`` ``starts`` times."""
    start_times = []
    stop_times = []
    for _ in range(starts):
        began = time.perf_counter()
        server = LoopbackServer(world).start()
        started = time.perf_counter()
        server.stop()
        stopped = time.perf_counter()
        start_times.append(started - began)
        stop_times.append(stopped - started)
    return LifecycleTiming(
        starts, statistics.median(start_times), statistics.median(stop_times)
    )


def prepare(world: World) -> Principal:
    """Create the state bucket, lock table, state object and lock item, and a user."""
    world.set_bucket_state(BUCKET, "bootstrapped")
    world.set_table_state(TABLE, "present")
    world.admin_client("s3").put_object(Bucket=BUCKET, Key=STATE_KEY, Body=PAYLOAD)
    world.admin_client("dynamodb").put_item(
        TableName=TABLE,
        Item={"LockID": {"S": f"{BUCKET}/{STATE_KEY}-md5"}, "Digest": {"S": "0" * 32}},
    )
    policy = world.policy_template("full", bucket=BUCKET, table=TABLE, key=STATE_KEY)
    return world.create_user("terragrunt", policy=policy)


def calls(clients: Callable[[str], Any]) -> dict[str, Callable[[], object]]:
    """Return the timed calls, made with the clients ``clients`` returns."""
    s3 = clients("s3")
    dynamodb = clients("dynamodb")
    sts = clients("sts")
    key = {"LockID": {"S": f"{BUCKET}/{STATE_KEY}-md5"}}

    def get_object() -> bytes:
        response = s3.get_object(Bucket=BUCKET, Key=STATE_KEY)
        return bytes(response["Body"].read())

    def put_object() -> object:
        return s3.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=PAYLOAD)

    def get_item() -> object:
        return dynamodb.get_item(TableName=TABLE, Key=key)

    def get_caller_identity() -> object:
        return sts.get_caller_identity()

    return {
        "s3 GetObject": get_object,
        "s3 PutObject 1 KiB": put_object,
        "dynamodb GetItem": get_item,
        "sts GetCallerIdentity": get_caller_identity,
    }


def median_seconds(call: Callable[[], object], count: int) -> float:
    """Return the median wall-clock time of ``call`` over ``count`` timed runs."""
    for _ in range(WARMUP_CALLS):
        call()
    times = []
    for _ in range(count):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure_calls(world: World, user: Principal, count: int) -> list[CallTiming]:
    """Time each call ``count`` times in process and over HTTP."""
    session = world.boto3_session(user)
    with LoopbackServer(world) as server:

        def http_client(service: str) -> Any:
            return session.client(
                service, endpoint_url=server.url, config=HTTP_CLIENT_CONFIG
            )

        in_process = calls(lambda service: world.client(service, user))
        over_http = calls(http_client)
        timings = []
        for name, call in in_process.items():
            timings.append(
                CallTiming(
                    name,
                    median_seconds(call, count),
                    median_seconds(over_http[name], count),
                )
            )
    return timings


def format_report(lifecycle: LifecycleTiming, timings: Sequence[CallTiming]) -> str:
    verdict = "met" if lifecycle.start < START_TARGET_SECONDS else "MISSED"
    lines = [
        f"server start: median {lifecycle.start * 1000:.1f} ms of {lifecycle.starts} "
        f"(target under {START_TARGET_SECONDS * 1000:.0f} ms: {verdict})",
        f"server stop:  median {lifecycle.stop * 1000:.1f} ms of {lifecycle.starts}",
        "",
        f"{'call':<24} {'in-process':>11} {'HTTP':>9} {'HTTP/in-process':>16}",
    ]
    for timing in timings:
        lines.append(
            f"{timing.name:<24} {timing.in_process * 1000:>8.2f} ms "
            f"{timing.http * 1000:>6.2f} ms {timing.ratio:>15.2f}x"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--starts",
        type=int,
        default=20,
        help="server starts and stops to time (default: 20)",
    )
    parser.add_argument(
        "--calls",
        type=int,
        default=50,
        help=f"timed runs of each call after {WARMUP_CALLS} warm-up runs (default: 50)",
    )
    arguments = parser.parse_args(argv)
    if arguments.starts < 1 or arguments.calls < 1:
        parser.error("--starts and --calls must be at least 1")
    with loopback_only(), World() as world:
        user = prepare(world)
        lifecycle = measure_lifecycle(world, arguments.starts)
        timings = measure_calls(world, user, arguments.calls)
    print(format_report(lifecycle, timings))


if __name__ == "__main__":
    main()
