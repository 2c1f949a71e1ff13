"""One policy against one starting state: build the world, run the workflows, report.

This is what ``tgstate check`` and ``tgstate matrix`` run. The principal
under test is the IAM user ``terragrunt`` holding the policy. When the
remote_state config assumes a role, the role holds the policy instead and the
user may only assume it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from botocore.loaders import create_loader
from botocore.regions import EndpointResolver

from ..iam.evaluation import Decision
from ..iam.policy import Policy, PolicyError, load_policy
from ..world.presets import BUCKET_STATES, TABLE_STATES
from ..world.templates import TEMPLATE_NAMES, TemplateValues, render_template
from ..world.world import DEFAULT_ACCOUNT, World
from .config import LOCK_MODES, ConfigError, LockMode, RemoteStateConfig
from .steps import RunOutcome, Step, WorkflowResult
from .terraform import run_terraform
from .terragrunt import TERRAGRUNT_BEHAVIOURS, TerragruntBehaviour, bootstrap

WorkflowChoice = Literal["bootstrap", "terraform", "all"]
WORKFLOW_CHOICES: tuple[str, ...] = ("bootstrap", "terraform", "all")
DEFAULT_TABLE = "terragrunt-locks"
PRINCIPAL_NAME = "terragrunt"
#: An IAM role ARN in the aws partition, the only one the world models.
_ROLE_ARN = re.compile(r"arn:aws:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}")


@dataclass(frozen=True)
class Scenario:
    """A policy, a starting state and a remote_state config to run the workflows on."""

    policy: str | Path | Mapping[str, Any] = "full"
    bucket_state: str = "missing"
    table_state: str = "missing"
    config: RemoteStateConfig = field(
        default_factory=lambda: RemoteStateConfig(
            encrypt=True, dynamodb_table=DEFAULT_TABLE
        )
    )
    workflow: WorkflowChoice = "all"
    terragrunt: TerragruntBehaviour = "current"
    name: str = ""
    account: str = DEFAULT_ACCOUNT

    def __post_init__(self) -> None:
        if self.bucket_state not in BUCKET_STATES:
            raise ConfigError(
                f"bucket state {self.bucket_state!r} is invalid; "
                f"use one of {', '.join(BUCKET_STATES)}"
            )
        if self.table_state not in TABLE_STATES:
            raise ConfigError(
                f"table state {self.table_state!r} is invalid; "
                f"use one of {', '.join(TABLE_STATES)}"
            )
        if self.workflow not in WORKFLOW_CHOICES:
            raise ConfigError(
                f"workflow {self.workflow!r} is invalid; "
                f"use one of {', '.join(WORKFLOW_CHOICES)}"
            )
        if self.terragrunt not in TERRAGRUNT_BEHAVIOURS:
            raise ConfigError(
                f"Terragrunt behaviour {self.terragrunt!r} is invalid; "
                "use current or legacy"
            )
        _check_config(self.config)

    @property
    def policy_label(self) -> str:
        if isinstance(self.policy, Mapping):
            return "inline policy"
        return str(self.policy)

    @property
    def table_name(self) -> str:
        return self.config.dynamodb_table or DEFAULT_TABLE

    def resolve_policy(self) -> Policy:
        """Load the scenario's policy: a documented name, a file path or a dict."""
        if isinstance(self.policy, str) and self.policy in TEMPLATE_NAMES:
            values = TemplateValues(
                self.account, self.config.bucket, self.table_name, self.config.key
            )
            return render_template(self.policy, values)
        if (
            isinstance(self.policy, str)
            and not Path(self.policy).suffix
            and not Path(self.policy).exists()
        ):
            raise PolicyError(
                f"unknown policy name {self.policy!r}; "
                f"use one of {', '.join(TEMPLATE_NAMES)} or a JSON file path"
            )
        return load_policy(self.policy, name=self.policy_label)


def _check_config(config: RemoteStateConfig) -> None:
    """Reject a config that Terragrunt rejects or that the world cannot set up."""
    for name in ("bucket", "key", "region"):
        if not getattr(config, name):
            raise ConfigError(
                f"remote_state config key {name} is missing; "
                "Terragrunt requires bucket, key and region"
            )
    if config.region not in _aws_regions():
        raise ConfigError(
            f"region {config.region!r} is invalid; use an AWS region such as us-east-1"
        )
    role = config.role_to_assume
    if role and not _ROLE_ARN.fullmatch(role):
        key = "assume_role.role_arn" if config.assume_role else "role_arn"
        raise ConfigError(
            f"{key} {role!r} is invalid; "
            "use a role ARN such as arn:aws:iam::123456789012:role/NAME"
        )


@lru_cache(maxsize=1)
def _aws_regions() -> frozenset[str]:
    """Return the aws-partition regions that have both S3 and DynamoDB.

    The list comes from botocore's bundled endpoint data, read without a
    session, so the user's AWS profile and config files play no part.
    """
    resolver = EndpointResolver(create_loader().load_data("endpoints"))
    return frozenset(resolver.get_available_endpoints("s3")) & frozenset(
        resolver.get_available_endpoints("dynamodb")
    )


def with_lock_mode(config: RemoteStateConfig, lock: LockMode) -> RemoteStateConfig:
    """Return ``config`` locking with ``lock``, naming the default table when needed."""
    if lock not in LOCK_MODES:
        raise ConfigError(
            f"lock mode {lock!r} is invalid; use one of {', '.join(LOCK_MODES)}"
        )
    table = config.dynamodb_table or DEFAULT_TABLE
    if lock == "dynamodb":
        return replace(config, dynamodb_table=table, use_lockfile=False)
    if lock == "lockfile":
        return replace(config, dynamodb_table="", use_lockfile=True)
    if lock == "both":
        return replace(config, dynamodb_table=table, use_lockfile=True)
    return replace(config, dynamodb_table="", use_lockfile=False)


@dataclass(frozen=True)
class MissingPermission:
    """An action on a resource the policy lacks, found by re-running in audit mode."""

    action: str
    resource: str
    step: str
    fatal: bool
    explicit_deny: bool
    policy_kind: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "resource": self.resource,
            "step": self.step,
            "fatal": self.fatal,
            "explicit_deny": self.explicit_deny,
            "policy_kind": self.policy_kind,
        }


@dataclass
class ScenarioResult:
    """The outcome of a scenario: its workflow runs and what the policy lacks."""

    scenario: Scenario
    runs: list[WorkflowResult]
    outcome: RunOutcome
    failed: WorkflowResult | None
    missing: list[MissingPermission]
    missing_verified: bool | None
    principal_arn: str

    @property
    def steps(self) -> list[Step]:
        return [step for run in self.runs for step in run.steps]

    @property
    def denial(self) -> Decision | None:
        return self.failed.denial if self.failed else None

    @property
    def warnings(self) -> list[str]:
        return [warning for run in self.runs for warning in run.warnings]

    def to_dict(self) -> dict[str, Any]:
        denial = self.denial
        failed_step = self.failed.failed_step if self.failed else None
        return {
            "scenario": self.scenario.name or None,
            "policy": self.scenario.policy_label,
            "bucket_state": self.scenario.bucket_state,
            "table_state": self.scenario.table_state,
            "lock": self.scenario.config.lock_mode,
            "workflow": self.scenario.workflow,
            "terragrunt": self.scenario.terragrunt,
            "principal": self.principal_arn,
            "config": self.scenario.config.to_dict(),
            "outcome": self.outcome,
            "failed_step": (
                {
                    "workflow": failed_step.workflow,
                    "name": failed_step.name,
                    "operation": failed_step.operation,
                }
                if failed_step
                else None
            ),
            "error": self.failed.error if self.failed else None,
            "denied": (
                {
                    "action": denial.action,
                    "resource": denial.resource,
                    "reason": denial.reason,
                    "policy_kind": denial.policy_kind,
                    "statement": denial.deciding_statement,
                    "message": denial.message,
                }
                if denial
                else None
            ),
            "missing_permissions": [item.to_dict() for item in self.missing],
            "missing_permissions_verified": self.missing_verified,
            "warnings": self.warnings,
            "steps": [step.to_dict() for step in self.steps],
        }


def run_scenario(
    scenario: Scenario,
    *,
    world: World | None = None,
    find_missing: bool = True,
    verify_missing: bool = True,
) -> ScenarioResult:
    """Run ``scenario`` on ``world`` (a new one when None) and explain any denial.

    When the run is denied and ``find_missing`` is set, the scenario runs
    again in audit mode to list every permission it lacks, and, with
    ``verify_missing``, a third time with those permissions granted to check
    that they suffice. The world is reset between runs and after the last.
    """
    policy = scenario.resolve_policy()
    if world is None:
        with World(account=scenario.account, region=scenario.config.region) as fresh:
            return _run_with_missing(
                scenario, policy, fresh, find_missing, verify_missing
            )
    return _run_with_missing(scenario, policy, world, find_missing, verify_missing)


def _run_with_missing(
    scenario: Scenario,
    policy: Policy,
    world: World,
    find_missing: bool,
    verify_missing: bool,
) -> ScenarioResult:
    runs, principal_arn = _run_once(scenario, policy, world, extra=None)
    outcome, failed = _summarise(runs)
    missing: list[MissingPermission] = []
    verified: bool | None = None
    if outcome == "denied" and find_missing:
        world.reset()
        with world.mode("audit"):
            audit_runs, _ = _run_once(scenario, policy, world, extra=None)
        missing = _missing_from_journal(world, audit_runs)
        fixable = [
            item
            for item in missing
            if not item.explicit_deny and item.policy_kind != "resource-based policy"
        ]
        if not verify_missing:
            verified = None
        elif fixable and len(fixable) == len(missing):
            world.reset()
            rerun, _ = _run_once(scenario, policy, world, extra=_grant(fixable))
            verified = _summarise(rerun)[0] == "succeeded"
        else:
            verified = False
        world.reset()
    return ScenarioResult(
        scenario, runs, outcome, failed, missing, verified, principal_arn
    )


def _summarise(runs: list[WorkflowResult]) -> tuple[RunOutcome, WorkflowResult | None]:
    for run in runs:
        if not run.succeeded:
            return run.outcome, run
    return "succeeded", None


def _grant(missing: list[MissingPermission]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": item.action, "Resource": item.resource}
            for item in missing
        ],
    }


def _missing_from_journal(
    world: World, runs: list[WorkflowResult]
) -> list[MissingPermission]:
    tolerant = {
        f"{step.workflow}: {step.name}": step.denial_tolerated
        for run in runs
        for step in run.steps
    }
    found: dict[tuple[str, str], MissingPermission] = {}
    for entry in world.journal:
        for decision in entry.decisions:
            if decision.allowed:
                continue
            key = (decision.action, decision.resource)
            step = entry.step or entry.label
            fatal = not tolerant.get(step, False)
            if key in found and (found[key].fatal or not fatal):
                continue
            found[key] = MissingPermission(
                action=decision.action,
                resource=decision.resource,
                step=step,
                fatal=fatal,
                explicit_deny=decision.explicit,
                policy_kind=decision.policy_kind,
            )
    return list(found.values())


def _run_once(
    scenario: Scenario, policy: Policy, world: World, *, extra: dict[str, Any] | None
) -> tuple[list[WorkflowResult], str]:
    config = scenario.config
    region = config.region
    world.set_bucket_state(config.bucket, scenario.bucket_state, region=region)
    if config.dynamodb_table:
        world.set_table_state(
            config.dynamodb_table, scenario.table_state, region=region
        )
    policies: dict[str, Any] = {}
    role_arn = config.role_to_assume
    if role_arn:
        role_account = role_arn.split(":")[4]
        role_policies: dict[str, Any] = {"policy-under-test": policy}
        if extra:
            role_policies["missing-permissions"] = extra
        world.create_role(
            role_arn.rsplit("/", 1)[-1],
            account=role_account,
            policies=role_policies,
            trust={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{world.account}:root"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
        )
        policies["assume-backend-role"] = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}
            ],
        }
    else:
        policies["policy-under-test"] = policy
        if extra:
            policies["missing-permissions"] = extra
    principal = world.create_user(PRINCIPAL_NAME, policies=policies)

    runs: list[WorkflowResult] = []
    if scenario.workflow in ("bootstrap", "all"):
        runs.append(bootstrap(world, principal, config, behaviour=scenario.terragrunt))
    if scenario.workflow in ("terraform", "all") and all(run.succeeded for run in runs):
        runs.append(run_terraform(world, principal, config, "init"))
        if runs[-1].succeeded:
            runs.append(run_terraform(world, principal, config, "apply"))
    return runs, principal.arn
