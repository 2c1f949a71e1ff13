"""Measure the per-test cost of the ``tgstate`` fixture against a naive moto fixture.

Four variants of a generated test file, each with ``--tests`` tests whose
bodies are empty, so only fixture setup and teardown differ:

- empty: tests without fixtures, the baseline of pytest's own per-test work;
- tgstate missing/missing: ``def test(tgstate)`` with the default world;
- tgstate bootstrapped/present: the same under
  ``tgstate_world(bucket="bootstrapped", table="present")``;
- naive: a fixture that enters a new ``moto.mock_aws()`` per test, creates
  new boto3 S3 and DynamoDB clients, and calls CreateBucket and CreateTable.

Each variant runs through ``pytest.main`` in its own Python subprocess, so
one variant's moto state and imports cannot warm up another's. A timing
plugin in the subprocess records the wall-clock and CPU time of each test's
whole run protocol (setup, call, teardown and reporting) and of the session.
The variants alternate within each repetition so that machine noise falls
on all of them alike.

The report gives two figures per variant. The first is the mean time per
test over every test after the first ``--warmup`` ones, which pay one-time
costs such as loading botocore's service models. The second is the session
time divided by the test count, one-time costs included. The mean, not the
median, is used because per-test times are not unimodal: in trial runs of
the naive fixture, every second test took about twice as long as the
others, and garbage collection added tens of milliseconds to occasional
tests. Each figure is the median of the ``--repetitions`` sessions. The
fixture cost is a variant's figure minus the empty baseline's, and the
ratio divides each tgstate cost by the naive one; the target is at most
0.25.

Run it with ``python benchmarks/bench_fixture.py [--tests N] [--repetitions R]``.
Importing the module runs nothing. The subprocesses see no ``AWS_*``
variables, and name resolution and connections to anything but loopback
raise in them, so no request can leave the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from loopback_guard import loopback_only

#: Target for a tgstate fixture cost divided by the naive fixture cost.
TARGET_RATIO = 0.25

NAIVE_CONFTEST = """
import boto3
import pytest
from moto import mock_aws

CREDENTIALS = {
    "aws_access_key_id": "AKIABENCHMARK0000000",
    "aws_secret_access_key": "benchmark",
}


@pytest.fixture
def naive_aws():
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1", **CREDENTIALS)
        dynamodb = boto3.client("dynamodb", region_name="us-east-1", **CREDENTIALS)
        s3.create_bucket(Bucket="terragrunt-state")
        dynamodb.create_table(
            TableName="terragrunt-locks",
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield s3, dynamodb
"""


@dataclass(frozen=True)
class Variant:
    """One generated test file: its label, test signature, marker and conftest."""

    label: str
    arguments: str
    marker: str = ""
    conftest: str = ""

    def test_source(self, count: int) -> str:
        lines = ["import pytest", ""]
        for number in range(count):
            if self.marker:
                lines.append(self.marker)
            lines.append(f"def test_{number:04d}({self.arguments}):")
            lines.append("    pass")
            lines.append("")
        return "\n".join(lines)


VARIANTS = (
    Variant("empty", ""),
    Variant("tgstate missing/missing", "tgstate"),
    Variant(
        "tgstate bootstrapped/present",
        "tgstate",
        marker='@pytest.mark.tgstate_world(bucket="bootstrapped", table="present")',
    ),
    Variant("naive mock_aws", "naive_aws", conftest=NAIVE_CONFTEST),
)


# -- the subprocess side -----------------------------------------------------


class TimingPlugin:
    """Records each test's run protocol time and the session time."""

    def __init__(self) -> None:
        self.tests: list[tuple[float, float]] = []
        self.session: tuple[float, float] = (0.0, 0.0)
        self._session_start = (0.0, 0.0)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self) -> None:
        self._session_start = (time.perf_counter(), time.process_time())

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        wall, cpu = self._session_start
        self.session = (time.perf_counter() - wall, time.process_time() - cpu)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self) -> Generator[None, Any, Any]:
        wall = time.perf_counter()
        cpu = time.process_time()
        result = yield
        self.tests.append((time.perf_counter() - wall, time.process_time() - cpu))
        return result


def run_session(folder: Path, output: Path) -> int:
    """Run the tests in ``folder`` and write their timings to ``output``."""
    timer = TimingPlugin()
    with loopback_only():
        status = pytest.main(
            [str(folder), "-q", "-p", "no:cacheprovider", "--tgstate-summary", "no"],
            plugins=[timer],
        )
    document = {"status": int(status), "tests": timer.tests, "session": timer.session}
    output.write_text(json.dumps(document), encoding="utf-8")
    return int(status)


# -- the controlling side ----------------------------------------------------


@dataclass
class Timings:
    """What one variant's runs measured, in seconds."""

    mean_wall: list[float]
    mean_cpu: list[float]
    session_wall: list[float]

    def summary(self) -> tuple[float, float, float]:
        """Return the medians over sessions: wall and CPU per test, session per test."""
        return (
            statistics.median(self.mean_wall),
            statistics.median(self.mean_cpu),
            statistics.median(self.session_wall),
        )


def _subprocess_env() -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "BOTO_", "MOTO_"))
    }
    environment["AWS_CONFIG_FILE"] = os.devnull
    environment["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    environment["AWS_EC2_METADATA_DISABLED"] = "true"
    environment.pop("PYTEST_ADDOPTS", None)
    return environment


def run_variant(variant: Variant, count: int, warmup: int) -> tuple[float, ...]:
    """Run one variant in a subprocess; return its per-test and session figures."""
    with tempfile.TemporaryDirectory(prefix="bench-fixture-") as directory:
        folder = Path(directory)
        (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        (folder / "conftest.py").write_text(variant.conftest, encoding="utf-8")
        (folder / "test_generated.py").write_text(
            variant.test_source(count), encoding="utf-8"
        )
        output = folder / "timings.json"
        completed = subprocess.run(
            [sys.executable, __file__, "--run", str(folder), str(output)],
            env=_subprocess_env(),
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0 or not output.exists():
            raise RuntimeError(
                f"the {variant.label} session failed "
                f"(exit status {completed.returncode}):\n{completed.stdout}"
                f"{completed.stderr}"
            )
        document = json.loads(output.read_text(encoding="utf-8"))
    tests = document["tests"][warmup:]
    if not tests:
        raise ValueError(f"--tests {count} leaves no test after --warmup {warmup}")
    return (
        statistics.fmean(wall for wall, _ in tests),
        statistics.fmean(cpu for _, cpu in tests),
        document["session"][0] / count,
    )


def measure(count: int, repetitions: int, warmup: int) -> dict[str, Timings]:
    results = {variant.label: Timings([], [], []) for variant in VARIANTS}
    for _ in range(repetitions):
        for variant in VARIANTS:
            wall, cpu, session = run_variant(variant, count, warmup)
            timings = results[variant.label]
            timings.mean_wall.append(wall)
            timings.mean_cpu.append(cpu)
            timings.session_wall.append(session)
    return results


def report(results: dict[str, Timings], count: int, repetitions: int) -> None:
    print(
        f"{count} tests per session, {repetitions} sessions per variant; "
        "ms per test, medians over the sessions"
    )
    header = ("variant", "wall", "cpu", "session", "wall - empty", "session - empty")
    print(f"{header[0]:<30}" + "".join(f"{title:>16}" for title in header[1:]))
    empty = results["empty"].summary()
    costs: dict[str, tuple[float, float]] = {}
    for label, timings in results.items():
        wall, cpu, session = timings.summary()
        costs[label] = (wall - empty[0], session - empty[2])
        cells = (wall, cpu, session, *costs[label])
        print(f"{label:<30}" + "".join(f"{cell * 1000:>16.2f}" for cell in cells))
    naive_wall, naive_session = costs["naive mock_aws"]
    for label in ("tgstate missing/missing", "tgstate bootstrapped/present"):
        wall_ratio = costs[label][0] / naive_wall
        session_ratio = costs[label][1] / naive_session
        verdict = "within" if wall_ratio <= TARGET_RATIO else "above"
        print(
            f"{label} / naive: {wall_ratio:.2f} per warm test, "
            f"{session_ratio:.2f} per session test "
            f"({verdict} the target of {TARGET_RATIO:.2f})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tests", type=int, default=40, help="tests per session (default 40)"
    )
    parser.add_argument(
        "--repetitions",
        type=int,
        default=3,
        help="sessions per variant; figures are their medians (default 3)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=5,
        help="first tests of a session left out of the per-test mean (default 5)",
    )
    parser.add_argument(
        "--run",
        nargs=2,
        metavar=("FOLDER", "OUTPUT"),
        help=argparse.SUPPRESS,  # the subprocess side
    )
    arguments = parser.parse_args(argv)
    if arguments.run:
        folder, output = arguments.run
        return run_session(Path(folder), Path(output))
    if arguments.tests <= arguments.warmup:
        parser.error("--tests must be greater than --warmup")
    results = measure(arguments.tests, arguments.repetitions, arguments.warmup)
    report(results, arguments.tests, arguments.repetitions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
