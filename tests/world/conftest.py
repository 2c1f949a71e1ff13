"""Fixtures for the world tests: a running world per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_tgstate.world import World


@pytest.fixture
def world() -> Iterator[World]:
    """A running world with the default accounts and region."""
    with World() as running:
        yield running
