"""A world with its loopback server, and a scenario context per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pytest_tgstate.credentials import (
    CredentialSetup,
    ScenarioContext,
    ScenarioOptions,
    apply_scenario,
)
from pytest_tgstate.world import World
from pytest_tgstate.world.server import LoopbackServer

FULL_POLICY_NAMES = {
    "bucket": "terragrunt-state",
    "table": "terragrunt-locks",
    "key": "env/app/terraform.tfstate",
}


@pytest.fixture(scope="module")
def served_world() -> Iterator[tuple[World, LoopbackServer]]:
    world = World().start()
    server = LoopbackServer(world).start()
    try:
        yield world, server
    finally:
        server.stop()
        world.stop()


ContextFactory = Callable[..., ScenarioContext]


@pytest.fixture
def make_context(
    served_world: tuple[World, LoopbackServer], tmp_path: Path
) -> Iterator[ContextFactory]:
    world, server = served_world
    world.reset()
    server.routes.clear()

    def make(
        policy: str = "full", options: ScenarioOptions | None = None
    ) -> ScenarioContext:
        rendered = world.policy_template(policy, **FULL_POLICY_NAMES)
        user = world.create_user("tgstate-user", policy=rendered)
        return ScenarioContext(
            world, server, tmp_path / "home", user, rendered, options
        )

    yield make
    server.routes.clear()


@pytest.fixture
def prepare(
    make_context: ContextFactory,
) -> Callable[..., tuple[ScenarioContext, CredentialSetup]]:
    def run(
        name: str, policy: str = "full", options: ScenarioOptions | None = None
    ) -> tuple[ScenarioContext, CredentialSetup]:
        context = make_context(policy, options)
        return context, apply_scenario(name, context)

    return run
