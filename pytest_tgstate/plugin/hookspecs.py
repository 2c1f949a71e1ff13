"""Hooks a ``conftest.py`` or plugin implements to extend pytest-tgstate.

Registered through ``pytest_addhooks``. Each registry hook returns a mapping;
the mappings of every implementation are merged, later ones winning on a
name clash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..credentials import CredentialSetup, ScenarioContext
    from ..workflows.steps import WorkflowResult
    from ..world.journal import JournalEntry
    from .handle import Tgstate


def pytest_tgstate_policies(config: pytest.Config) -> Mapping[str, Any] | None:
    """Register named policies for ``tgstate_policy``, ``tgstate_matrix`` and more.

    ``Tgstate.policy``, ``create_user`` and ``create_role`` accept the names too.

    A value is a policy document (dict, JSON text or file path) or a callable
    taking a ``TemplateValues`` (account, bucket, table, key) and returning
    one, for policies that name the world's resources.
    """


def pytest_tgstate_world_presets(
    config: pytest.Config,
) -> Mapping[str, Callable[[Tgstate], None]] | None:
    """Register named world presets, applied by ``tgstate_world(preset="name")``.

    A preset receives the test's `Tgstate` after the bucket and table states
    are applied and the test principal exists, and may create anything else.
    """


def pytest_tgstate_workflows(
    config: pytest.Config,
) -> Mapping[str, Callable[[Tgstate], WorkflowResult]] | None:
    """Register named workflows, run by ``Tgstate.run_workflow("name")``."""


def pytest_tgstate_credential_scenarios(
    config: pytest.Config,
) -> Mapping[str, Callable[[ScenarioContext], CredentialSetup]] | None:
    """Register named credential scenarios for ``tgstate_credentials``.

    A scenario receives a ``ScenarioContext`` (the world, its loopback
    server, the test home, the test user and its policy) and returns the
    ``CredentialSetup`` it prepared. The built-in scenarios in
    ``pytest_tgstate.credentials.scenarios`` show the shape.
    """


def pytest_tgstate_decision(entry: JournalEntry, item: pytest.Item) -> None:
    """Observe each request the gateway decided during ``item``, as it is recorded."""
