"""Every credential scenario resolved by the aws CLI as a subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable

import pytest

from pytest_tgstate.clients import subprocess_environment
from pytest_tgstate.credentials import (
    FAILURE_SCENARIOS,
    WORKING_SCENARIOS,
    CredentialSetup,
    ScenarioContext,
)

pytestmark = pytest.mark.real_clients

Prepare = Callable[..., tuple[ScenarioContext, CredentialSetup]]


def aws_command() -> list[str]:
    found = shutil.which(
        "aws", path=str(__import__("pathlib").Path(sys.executable).parent)
    )
    if found is None:
        pytest.skip("the aws CLI (awscli package) is not installed next to this Python")
    return [found]


def run_cli(
    context: ScenarioContext, setup: CredentialSetup, *arguments: str
) -> subprocess.CompletedProcess[str]:
    environment = subprocess_environment(
        context.files.home,
        region=context.region,
        credentials=setup.env,
        endpoints=context.server.endpoint_env(),
        uses_metadata=setup.uses_metadata,
    )
    return subprocess.run(
        [*aws_command(), *arguments, *setup.cli_arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("name", sorted(WORKING_SCENARIOS))
def test_cli_resolves_principal(prepare: Prepare, name: str) -> None:
    context, setup = prepare(name)
    result = run_cli(
        context,
        setup,
        "sts",
        "get-caller-identity",
        "--query",
        "Arn",
        "--output",
        "text",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == setup.expected_arn


@pytest.mark.parametrize("name", sorted(FAILURE_SCENARIOS))
def test_cli_reports_failure(prepare: Prepare, name: str) -> None:
    context, setup = prepare(name)
    assert setup.failure is not None
    result = run_cli(context, setup, "sts", "get-caller-identity")
    assert result.returncode != 0
    assert setup.failure.cli_message in result.stderr


def test_cli_policy_enforced(prepare: Prepare) -> None:
    context, setup = prepare("assume-role-source-profile", policy="minimal")
    result = run_cli(
        context, setup, "s3api", "get-bucket-encryption", "--bucket", "terragrunt-state"
    )
    assert result.returncode == 255
    assert "AccessDenied" in result.stderr
    assert "s3:GetEncryptionConfiguration" in result.stderr


def test_cli_writes_only_test_home(prepare: Prepare) -> None:
    context, setup = prepare("assume-role-source-profile")
    run_cli(context, setup, "sts", "get-caller-identity")
    cache = context.files.home / ".aws" / "cli" / "cache"
    assert cache.is_dir()
    assert any(cache.iterdir())
