"""Credential resolution time per scenario, in this process, with boto3.

Run: ``python benchmarks/bench_credentials.py [REPETITIONS]``

For each scenario the timer covers a fresh ``boto3.Session`` and
``get_credentials().get_frozen_credentials()``, the work every new client
does; scenario preparation is outside the timer. The metadata scenarios
must stay near the others: the scenarios set a 1-second metadata timeout
and one attempt, and a working endpoint responds at once, so no SDK timeout
is ever paid. The figures are medians on whatever machine runs this.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import boto3
from loopback_guard import loopback_only

from pytest_tgstate.credentials import (
    WORKING_SCENARIOS,
    ScenarioContext,
    apply_scenario,
    isolated_environment,
)
from pytest_tgstate.world import World
from pytest_tgstate.world.server import LoopbackServer

NAMES = {
    "bucket": "terragrunt-state",
    "table": "terragrunt-locks",
    "key": "env/app/terraform.tfstate",
}


def time_scenario(
    world: World, server: LoopbackServer, name: str, repetitions: int
) -> list[float]:
    timings = []
    for _ in range(repetitions):
        world.reset()
        server.routes.clear()
        policy = world.policy_template("full", **NAMES)
        user = world.create_user("tgstate-user", policy=policy)
        with tempfile.TemporaryDirectory() as home:
            context = ScenarioContext(world, server, Path(home), user, policy)
            setup = apply_scenario(name, context)
            with isolated_environment(
                Path(home), world.region, setup.env, uses_metadata=setup.uses_metadata
            ):
                start = time.perf_counter()
                credentials = boto3.Session(
                    profile_name=setup.profile
                ).get_credentials()
                assert credentials is not None, name
                credentials.get_frozen_credentials()
                timings.append(time.perf_counter() - start)
    return timings


def main(repetitions: int = 10) -> None:
    with loopback_only(), World() as world, LoopbackServer(world) as server:
        rows = []
        for name in sorted(WORKING_SCENARIOS):
            timings = time_scenario(world, server, name, repetitions)
            rows.append((name, statistics.median(timings) * 1000, max(timings) * 1000))
    baseline = next(median for name, median, _ in rows if name == "env-keys")
    print(f"{'scenario':<28} {'median ms':>10} {'max ms':>9} {'x env-keys':>11}")
    for name, median, longest in rows:
        print(f"{name:<28} {median:>10.1f} {longest:>9.1f} {median / baseline:>11.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
