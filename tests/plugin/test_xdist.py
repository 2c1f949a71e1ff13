"""pytest-xdist: workers give the results of a serial run, each with its own world."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .support import SUBPROCESS_TIMEOUT

#: Eight tgstate tests; each writes its worker, process and world object id.
XDIST_TESTS = """
    import os
    from pathlib import Path

    import pytest

    from conftest import WORKER

    def record_world(tgstate):
        worker = WORKER["id"]
        line = f"{worker} {os.getpid()} {id(tgstate.world)}\\n"
        path = Path(__file__).parent / "worlds" / f"{os.getpid()}.txt"
        with path.open("a", encoding="utf-8") as file:
            file.write(line)

    @pytest.mark.tgstate_world(bucket="bootstrapped", table="present")
    @pytest.mark.tgstate_matrix(
        full="succeeds",
        minimal="denied:s3:GetEncryptionConfiguration",
        external_bucket="denied",
    )
    def test_matrix(tgstate):
        record_world(tgstate)
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_expect("succeeds", no_denials=True)
    def test_fresh_bootstrap(tgstate):
        record_world(tgstate)
        tgstate.terragrunt.bootstrap()
        tgstate.terraform.apply()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied", step="create bucket")
    def test_minimal_new_bucket(tgstate):
        record_world(tgstate)
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("succeeds")
    def test_minimal_broken(tgstate):
        record_world(tgstate)
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_world(bucket="foreign")
    @pytest.mark.tgstate_expect("denied:s3:GetBucketVersioning")
    def test_foreign_bucket(tgstate):
        record_world(tgstate)
        tgstate.terragrunt.bootstrap()

    def test_state_absent(tgstate):
        record_world(tgstate)
        assert not tgstate.bucket().exists
        assert len(tgstate.journal) == 0
        tgstate.terragrunt.bootstrap()
"""


#: Records the worker id from the config: PYTEST_XDIST_WORKER cannot tell,
#: because an outer pytest-xdist run sets it for the whole subprocess.
XDIST_CONFTEST = """
    WORKER = {}

    def pytest_configure(config):
        worker_input = getattr(config, "workerinput", {})
        WORKER["id"] = worker_input.get("workerid", "serial")
"""


def report_rows(path: Path) -> list[dict[str, Any]]:
    """Return the report's rows sorted by test id: workers finish in any order."""
    document = json.loads(path.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = document["tests"]
    return sorted(rows, key=lambda row: str(row["test"]))


def worlds_seen(folder: Path) -> list[tuple[str, str, str]]:
    """Return the (worker, process id, world id) lines the inner tests wrote."""
    seen = set()
    for path in folder.iterdir():
        for line in path.read_text(encoding="utf-8").splitlines():
            worker, pid, world = line.split()
            seen.add((worker, pid, world))
    return sorted(seen)


def test_xdist_matches_serial(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(XDIST_CONFTEST)
    pytester.makepyfile(test_parallel=XDIST_TESTS)
    worlds = pytester.mkdir("worlds")

    serial = pytester.runpytest_subprocess(
        "--tgstate-report", "serial.json", timeout=SUBPROCESS_TIMEOUT
    )
    serial.assert_outcomes(passed=7, failed=1)
    serial_worlds = worlds_seen(worlds)
    for path in worlds.iterdir():
        path.unlink()

    parallel = pytester.runpytest_subprocess(
        "-n", "2", "--tgstate-report", "parallel.json", timeout=SUBPROCESS_TIMEOUT
    )
    parallel.assert_outcomes(passed=7, failed=1)
    parallel.stdout.fnmatch_lines(["*= tgstate =*"])
    parallel_worlds = worlds_seen(worlds)

    serial_rows = report_rows(pytester.path / "serial.json")
    parallel_rows = report_rows(pytester.path / "parallel.json")
    assert len(serial_rows) == 8
    assert parallel_rows == serial_rows

    assert {worker for worker, _, _ in serial_worlds} == {"serial"}
    assert len(serial_worlds) == 1
    assert {worker for worker, _, _ in parallel_worlds} == {"gw0", "gw1"}
    assert len(parallel_worlds) == 2
    assert len({pid for _, pid, _ in parallel_worlds}) == 2
