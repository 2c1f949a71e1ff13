"""Credential-chain scenarios: files, variables and loopback endpoints.

Knows nothing about pytest or the workflows; the plugin and plain scripts
share it.
"""

from __future__ import annotations

from .isolation import isolated_environment
from .scenarios import (
    FAILURE_SCENARIOS,
    SCENARIOS,
    WORKING_SCENARIOS,
    CredentialSetup,
    ExpectedFailure,
    ScenarioContext,
    ScenarioOptions,
    apply_scenario,
)

__all__ = [
    "FAILURE_SCENARIOS",
    "SCENARIOS",
    "WORKING_SCENARIOS",
    "CredentialSetup",
    "ExpectedFailure",
    "ScenarioContext",
    "ScenarioOptions",
    "apply_scenario",
    "isolated_environment",
]
