"""The scenarios of ``tgstate matrix``: each documented policy against each state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..workflows.config import LockMode, RemoteStateConfig
from ..workflows.scenario import Scenario, WorkflowChoice, with_lock_mode
from ..workflows.terragrunt import TerragruntBehaviour
from ..world.templates import TEMPLATE_NAMES


@dataclass(frozen=True)
class MatrixRow:
    """A starting state and config that every documented policy is run against."""

    name: str
    bucket_state: str
    table_state: str
    lock: LockMode
    settings: tuple[tuple[str, Any], ...] = ()
    terragrunt: TerragruntBehaviour = "current"
    description: str = ""
    workflow: WorkflowChoice = "all"


MATRIX_ROWS: tuple[MatrixRow, ...] = (
    MatrixRow(
        "new-state",
        "missing",
        "missing",
        "dynamodb",
        description="first run: Terragrunt creates the bucket and the lock table",
    ),
    MatrixRow(
        "existing-state",
        "bootstrapped",
        "present",
        "dynamodb",
        description="bucket and table as Terragrunt left them; "
        "the update check reads the bucket",
    ),
    MatrixRow(
        "existing-no-update-check",
        "bootstrapped",
        "present",
        "dynamodb",
        (("disable_bucket_update", True),),
        description="as existing-state with disable_bucket_update = true",
    ),
    MatrixRow(
        "aws-default-bucket",
        "bare",
        "present",
        "dynamodb",
        description="a bucket made outside Terragrunt (SSE-S3, no versioning): "
        "the update check rewrites it",
    ),
    MatrixRow(
        "lockfile-only",
        "bootstrapped",
        "missing",
        "lockfile",
        description="use_lockfile = true and no lock table",
    ),
    MatrixRow(
        "external-bucket",
        "foreign",
        "missing",
        "lockfile",
        (("skip_bucket_versioning", True),),
        description="another account's bucket, as the docs page prescribes "
        "(skip_bucket_versioning)",
    ),
    MatrixRow(
        "external-bucket-no-update-check",
        "foreign",
        "missing",
        "lockfile",
        (("skip_bucket_versioning", True), ("disable_bucket_update", True)),
        description="another account's bucket with the update check disabled too",
    ),
    MatrixRow(
        "tagged-new-state",
        "missing",
        "missing",
        "dynamodb",
        (
            ("s3_bucket_tags", {"owner": "platform"}),
            ("dynamodb_table_tags", {"owner": "platform"}),
        ),
        description="first run with s3_bucket_tags and dynamodb_table_tags "
        "(tag-on-create)",
    ),
    MatrixRow(
        "wrong-lock-table-key",
        "bootstrapped",
        "wrong-key",
        "dynamodb",
        (("disable_bucket_update", True),),
        description="an existing lock table whose hash key is not LockID",
    ),
    MatrixRow(
        "legacy-terragrunt-new-state",
        "missing",
        "missing",
        "dynamodb",
        terragrunt="legacy",
        description="first run with Terragrunt before 0.85 (AWS SDK for Go v1)",
    ),
    MatrixRow(
        "terraform-only",
        "bootstrapped",
        "present",
        "dynamodb",
        workflow="terraform",
        description="Terragrunt without --backend-bootstrap (the default since 0.87): "
        "only Terraform's init and apply touch the state",
    ),
    MatrixRow(
        "terraform-only-external-bucket",
        "foreign",
        "missing",
        "lockfile",
        workflow="terraform",
        description="another account's bucket, lock file, no bootstrap",
    ),
)


def matrix_scenarios(base: RemoteStateConfig | None = None) -> list[Scenario]:
    """Return one scenario per documented policy and matrix row."""
    base = base or RemoteStateConfig(encrypt=True)
    scenarios = []
    for row in MATRIX_ROWS:
        config = with_lock_mode(base.replace(**dict(row.settings)), row.lock)
        for policy in TEMPLATE_NAMES:
            scenarios.append(
                Scenario(
                    policy=policy,
                    bucket_state=row.bucket_state,
                    table_state=row.table_state,
                    config=config,
                    terragrunt=row.terragrunt,
                    workflow=row.workflow,
                    name=row.name,
                )
            )
    return scenarios
