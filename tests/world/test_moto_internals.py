"""The private moto symbols the world hooks into."""

from __future__ import annotations

import moto.settings
import pytest

from pytest_tgstate.world import World
from pytest_tgstate.world.moto_internals import (
    MotoIntegrationError,
    check_integration_points,
)


def test_integration_points_present() -> None:
    check_integration_points()


def test_missing_symbol_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT")
    with pytest.raises(MotoIntegrationError) as caught:
        check_integration_points()
    assert "moto.settings.INITIAL_NO_AUTH_ACTION_COUNT" in str(caught.value)
    assert "moto>=5.2.5,<5.3" in str(caught.value)


def test_missing_symbol_stops_world_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT")
    world = World()
    with pytest.raises(MotoIntegrationError):
        world.start()
    assert not world.running
