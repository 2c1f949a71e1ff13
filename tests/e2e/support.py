"""Helpers shared by the end-to-end tests: a served world, its users and clients."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_tgstate.clients import TerraformWorkspace, subprocess_environment
from pytest_tgstate.iam.policy import Policy
from pytest_tgstate.workflows.config import RemoteStateConfig
from pytest_tgstate.world import World
from pytest_tgstate.world.http import RawResponse
from pytest_tgstate.world.journal import JournalEntry
from pytest_tgstate.world.principals import Principal
from pytest_tgstate.world.server import LoopbackServer, RouteRequest

BUCKET = "terragrunt-state"
TABLE = "terragrunt-locks"
STATE_KEY = "env/app/terraform.tfstate"
LOCK_ID = f"{BUCKET}/{STATE_KEY}"
LOCKFILE_KEY = f"{STATE_KEY}.tflock"
REGION = "us-east-1"
USER_NAME = "terragrunt"
DOCUMENTED_POLICIES = ("full", "minimal", "external-bucket")


@dataclass
class AttemptLog:
    """A route that serves nothing and records each request's SDK attempt number.

    AWS SDKs send ``amz-sdk-request: attempt=N; max=M``. A retry repeats a
    request the server already saw, so comparing call sequences needs the
    first attempts only. Requests without the header count as attempt 1.
    """

    attempts: list[int] = field(default_factory=list)

    def matches(self, request: RouteRequest) -> bool:
        self.attempts.append(_attempt_number(request.headers.get("amz-sdk-request")))
        return False

    def handle(self, request: RouteRequest) -> RawResponse:
        raise AssertionError("AttemptLog matches no request")


def _attempt_number(header: str | None) -> int:
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "attempt" and value.isdigit():
            return int(value)
    return 1


@dataclass
class ServedWorld:
    """A running world with its loopback server, reset for each case."""

    world: World
    server: LoopbackServer
    attempts: AttemptLog = field(default_factory=AttemptLog)

    def prepare(
        self,
        policy: str | Policy | Mapping[str, Any] | None,
        *,
        bucket_state: str = "bootstrapped",
        table_state: str = "present",
    ) -> Principal:
        """Reset the world, set the starting states, and create the user.

        ``policy`` is a documented policy name, a policy document, or None
        for a user without any policy.
        """
        world = self.world
        world.reset()
        self.server.routes.clear()
        self.attempts = AttemptLog()
        self.server.mount(self.attempts)
        world.set_bucket_state(BUCKET, bucket_state)
        world.set_table_state(TABLE, table_state)
        if isinstance(policy, str):
            policy = world.policy_template(
                policy, bucket=BUCKET, table=TABLE, key=STATE_KEY
            )
        return world.create_user(USER_NAME, policy=policy)

    def environment(
        self,
        home: Path,
        user: Principal,
        endpoints: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """Return a client subprocess environment signing as ``user``."""
        return subprocess_environment(
            home,
            region=REGION,
            credentials=user.env(),
            endpoints=self.server.endpoint_env() if endpoints is None else endpoints,
        )

    def workspace(
        self, directory: Path, config: RemoteStateConfig, user: Principal
    ) -> TerraformWorkspace:
        """Return a Terraform working directory that runs as ``user``."""
        return TerraformWorkspace(
            directory / "tf",
            config,
            self.environment(directory / "home", user),
            self.world.journal,
        )

    def first_attempts(self, entries: Sequence[JournalEntry]) -> list[JournalEntry]:
        """Return the journal ``entries`` that were not SDK retries.

        ``entries`` must be every entry recorded since `prepare`, in order.
        """
        attempts = self.attempts.attempts
        if len(attempts) != len(entries):
            raise AssertionError(
                f"{len(entries)} journal entries but {len(attempts)} requests "
                "reached the server; the sequences cannot be paired"
            )
        return [
            entry
            for entry, attempt in zip(entries, attempts, strict=True)
            if attempt == 1
        ]


def call_signature(entry: JournalEntry) -> str:
    """Describe a request as operation, status and error code."""
    return f"{entry.label} {entry.status} {entry.error_code or '-'}"


def aws_cli_command() -> list[str]:
    """Return the aws CLI command of this Python environment."""
    installed = shutil.which("aws", path=str(Path(sys.executable).parent))
    if installed:
        return [installed]
    return [sys.executable, "-m", "awscli"]


def run_aws_cli(
    arguments: Sequence[str], environment: Mapping[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``aws <arguments>`` with ``environment`` and capture its output."""
    return subprocess.run(
        [*aws_cli_command(), *arguments],
        env=dict(environment),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
