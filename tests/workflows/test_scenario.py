"""Tests for scenarios: a policy and a starting state run through the workflows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_tgstate.iam.policy import PolicyError
from pytest_tgstate.workflows.config import (
    AssumeRoleConfig,
    ConfigError,
    RemoteStateConfig,
)
from pytest_tgstate.workflows.scenario import (
    DEFAULT_TABLE,
    Scenario,
    ScenarioResult,
    run_scenario,
    with_lock_mode,
)
from pytest_tgstate.world import World

BUCKET_ARN = "arn:aws:s3:::terragrunt-state"
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/terragrunt-locks"

PERMISSIVE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:*", "dynamodb:*", "sts:*"],
            "Resource": "*",
        }
    ],
}


def base_config(lock: Any = "dynamodb", **changes: Any) -> RemoteStateConfig:
    return with_lock_mode(RemoteStateConfig(encrypt=True, **changes), lock)


def deny(*actions: str) -> dict[str, Any]:
    """Return the permissive policy plus an explicit Deny of ``actions``."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            *PERMISSIVE["Statement"],
            {"Effect": "Deny", "Action": list(actions), "Resource": "*"},
        ],
    }


def allow_except(*actions: str) -> dict[str, Any]:
    """Return a policy allowing S3, DynamoDB and STS except ``actions``."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "NotAction": list(actions),
                "Resource": "*",
            }
        ],
    }


def missing_actions(result: ScenarioResult) -> list[str]:
    return [item.action for item in result.missing]


# The acceptance table: documented policies against starting states

ACCEPTANCE = [
    pytest.param(
        "full", "missing", "missing", base_config(), "succeeded", None,
        id="full-new-state",
    ),
    pytest.param(
        "full", "bootstrapped", "present", base_config(), "succeeded", None,
        id="full-existing-state",
    ),
    pytest.param(
        "minimal", "missing", "missing", base_config(), "denied",
        "s3:PutBucketOwnershipControls",
        id="minimal-new-state",
    ),
    pytest.param(
        "minimal", "bootstrapped", "present", base_config(), "denied",
        "s3:GetEncryptionConfiguration",
        id="minimal-existing-state",
    ),
    pytest.param(
        "minimal", "bootstrapped", "present",
        base_config(disable_bucket_update=True), "succeeded", None,
        id="minimal-no-update-check",
    ),
    pytest.param(
        "external-bucket", "foreign", "missing",
        base_config("lockfile", skip_bucket_versioning=True), "denied",
        "s3:GetEncryptionConfiguration",
        id="external-bucket-docs-config",
    ),
    pytest.param(
        "external-bucket", "foreign", "missing",
        base_config(
            "lockfile", skip_bucket_versioning=True, disable_bucket_update=True
        ),
        "succeeded", None,
        id="external-bucket-no-update-check",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("policy", "bucket_state", "table_state", "config", "outcome", "action"),
    ACCEPTANCE,
)
def test_acceptance_outcome(
    policy: str,
    bucket_state: str,
    table_state: str,
    config: RemoteStateConfig,
    outcome: str,
    action: str | None,
) -> None:
    scenario = Scenario(
        policy=policy,
        bucket_state=bucket_state,
        table_state=table_state,
        config=config,
    )
    result = run_scenario(scenario, verify_missing=False)
    denied_action = result.denial.action if result.denial else None
    assert result.outcome == outcome
    assert denied_action == action


def test_full_policy_runs_every_workflow() -> None:
    result = run_scenario(Scenario())
    workflows = [run.workflow for run in result.runs]
    assert workflows == ["terragrunt bootstrap", "terraform init", "terraform apply"]


def test_denied_bootstrap_skips_terraform() -> None:
    result = run_scenario(Scenario(policy="minimal"), find_missing=False)
    assert [run.workflow for run in result.runs] == ["terragrunt bootstrap"]


def test_failed_step_of_denial() -> None:
    scenario = Scenario(
        policy="minimal", bucket_state="bootstrapped", table_state="present"
    )
    result = run_scenario(scenario, find_missing=False)
    assert result.failed is not None
    assert result.failed.failed_step is not None
    assert result.failed.failed_step.name == "read bucket encryption"


def test_wrong_key_table_failed() -> None:
    scenario = Scenario(
        bucket_state="bootstrapped",
        table_state="wrong-key",
        config=base_config(disable_bucket_update=True),
    )
    result = run_scenario(scenario)
    assert result.outcome == "failed"
    assert result.denial is None
    assert result.missing == []


def test_bootstrap_workflow_only() -> None:
    result = run_scenario(Scenario(workflow="bootstrap"))
    assert [run.workflow for run in result.runs] == ["terragrunt bootstrap"]


def test_terraform_workflow_only() -> None:
    scenario = Scenario(
        workflow="terraform", bucket_state="bootstrapped", table_state="present"
    )
    result = run_scenario(scenario)
    assert [run.workflow for run in result.runs] == [
        "terraform init",
        "terraform apply",
    ]
    assert result.outcome == "succeeded"


def test_legacy_terragrunt_scenario() -> None:
    scenario = Scenario(policy=deny("s3:ListBucket"), terragrunt="legacy")
    result = run_scenario(scenario, find_missing=False)
    operations = [step.operation for step in result.runs[0].steps]
    assert "s3:CreateBucket" in operations


def test_inline_policy_label() -> None:
    result = run_scenario(Scenario(policy=PERMISSIVE))
    assert result.scenario.policy_label == "inline policy"
    assert result.outcome == "succeeded"


def test_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(PERMISSIVE))
    result = run_scenario(Scenario(policy=path))
    assert result.outcome == "succeeded"


def test_principal_is_terragrunt_user() -> None:
    result = run_scenario(Scenario())
    assert result.principal_arn == "arn:aws:iam::123456789012:user/terragrunt"


def test_assumed_role_holds_policy() -> None:
    role = "arn:aws:iam::123456789012:role/terragrunt-deployer"
    config = base_config(assume_role=AssumeRoleConfig(role_arn=role))
    result = run_scenario(Scenario(config=config))
    first = result.runs[0].steps[0]
    assert first.operation == "sts:AssumeRole"
    assert result.outcome == "succeeded"


def test_assumed_role_denial_names_session() -> None:
    role = "arn:aws:iam::123456789012:role/terragrunt-deployer"
    config = base_config(assume_role=AssumeRoleConfig(role_arn=role))
    scenario = Scenario(
        policy="minimal",
        bucket_state="bootstrapped",
        table_state="present",
        config=config,
    )
    result = run_scenario(scenario)
    assert result.denial is not None
    assert ":assumed-role/terragrunt-deployer/" in result.denial.principal
    assert result.missing_verified is True


def test_scenario_uses_given_world() -> None:
    with World() as world:
        result = run_scenario(Scenario(), world=world)
        assert result.outcome == "succeeded"
        assert world.admin_client("s3").head_bucket(Bucket="terragrunt-state")


def test_denied_scenario_resets_world() -> None:
    with World() as world:
        run_scenario(Scenario(policy="minimal"), world=world)
        assert len(world.journal) == 0
        assert world.admin_client("s3").list_buckets()["Buckets"] == []


# Missing permissions


def test_minimal_new_state_missing() -> None:
    result = run_scenario(Scenario(policy="minimal"))
    assert missing_actions(result) == [
        "s3:PutBucketOwnershipControls",
        "s3:GetBucketPolicy",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketPublicAccessBlock",
    ]
    assert {item.resource for item in result.missing} == {BUCKET_ARN}
    assert result.missing_verified is True


def test_minimal_existing_state_missing() -> None:
    scenario = Scenario(
        policy="minimal", bucket_state="bootstrapped", table_state="present"
    )
    result = run_scenario(scenario)
    assert missing_actions(result) == [
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketPolicy",
        "s3:GetBucketPublicAccessBlock",
    ]
    assert result.missing_verified is True


def test_missing_entry_fields() -> None:
    scenario = Scenario(
        policy="minimal", bucket_state="bootstrapped", table_state="present"
    )
    result = run_scenario(scenario)
    first = result.missing[0]
    assert first.step == "terragrunt bootstrap: read bucket encryption"
    assert first.fatal is True
    assert first.explicit_deny is False
    assert first.policy_kind == "identity-based policy"


def test_fatal_wins_over_tolerated() -> None:
    result = run_scenario(Scenario(policy="minimal"))
    policy_read = [i for i in result.missing if i.action == "s3:GetBucketPolicy"]
    assert len(policy_read) == 1
    assert policy_read[0].fatal is True


def test_tolerated_denial_not_fatal() -> None:
    config = base_config(disable_bucket_update=True)
    policy = allow_except("s3:GetBucketPolicy", "dynamodb:CreateTable")
    result = run_scenario(Scenario(policy=policy, config=config))
    fatal = {item.action: item.fatal for item in result.missing}
    assert fatal == {"s3:GetBucketPolicy": False, "dynamodb:CreateTable": True}


def test_tolerated_denial_step() -> None:
    config = base_config(disable_bucket_update=True)
    policy = allow_except("s3:GetBucketPolicy", "dynamodb:CreateTable")
    result = run_scenario(Scenario(policy=policy, config=config))
    entry = result.missing[0]
    assert entry.step == "terragrunt bootstrap: read bucket policy (root access)"
    assert entry.resource == BUCKET_ARN


def test_missing_table_permission_resource() -> None:
    config = base_config(disable_bucket_update=True)
    policy = allow_except("dynamodb:CreateTable")
    result = run_scenario(Scenario(policy=policy, config=config))
    assert [(i.action, i.resource) for i in result.missing] == [
        ("dynamodb:CreateTable", TABLE_ARN)
    ]
    assert result.missing_verified is True


def test_explicit_deny_not_verified() -> None:
    result = run_scenario(Scenario(policy=deny("s3:CreateBucket")))
    assert missing_actions(result) == ["s3:CreateBucket"]
    assert result.missing[0].explicit_deny is True
    assert result.missing_verified is False


def test_foreign_bucket_not_verified() -> None:
    scenario = Scenario(
        policy="full",
        bucket_state="foreign",
        config=base_config("lockfile", skip_bucket_versioning=True),
    )
    result = run_scenario(scenario)
    kinds = {item.policy_kind for item in result.missing}
    assert "resource-based policy" in kinds
    assert result.missing_verified is False


def test_external_bucket_missing() -> None:
    scenario = Scenario(
        policy="external-bucket",
        bucket_state="foreign",
        config=base_config("lockfile", skip_bucket_versioning=True),
    )
    result = run_scenario(scenario)
    assert missing_actions(result)[0] == "s3:GetEncryptionConfiguration"
    assert result.missing_verified is False


def test_succeeded_has_no_missing() -> None:
    result = run_scenario(Scenario())
    assert result.missing == []
    assert result.missing_verified is None


def test_find_missing_disabled() -> None:
    result = run_scenario(Scenario(policy="minimal"), find_missing=False)
    assert result.missing == []
    assert result.missing_verified is None


def test_verify_missing_disabled() -> None:
    result = run_scenario(Scenario(policy="minimal"), verify_missing=False)
    assert len(result.missing) == 4
    assert result.missing_verified is None


def test_lockfile_minimal_missing() -> None:
    scenario = Scenario(
        policy="minimal",
        bucket_state="bootstrapped",
        config=base_config("lockfile", disable_bucket_update=True),
    )
    result = run_scenario(scenario)
    resources = {item.resource for item in result.missing}
    assert f"{BUCKET_ARN}/env/app/terraform.tfstate.tflock" in resources
    assert result.missing_verified is True


# with_lock_mode


@pytest.mark.parametrize(
    ("lock", "table", "use_lockfile"),
    [
        ("dynamodb", DEFAULT_TABLE, False),
        ("lockfile", "", True),
        ("both", DEFAULT_TABLE, True),
        ("none", "", False),
    ],
    ids=["dynamodb", "lockfile", "both", "none"],
)
def test_with_lock_mode(lock: Any, table: str, use_lockfile: bool) -> None:
    config = with_lock_mode(RemoteStateConfig(), lock)
    assert config.dynamodb_table == table
    assert config.use_lockfile is use_lockfile
    assert config.lock_mode == lock


def test_with_lock_mode_keeps_table() -> None:
    config = with_lock_mode(RemoteStateConfig(dynamodb_table="locks"), "both")
    assert config.dynamodb_table == "locks"


def test_with_lock_mode_keeps_other_keys() -> None:
    original = RemoteStateConfig(encrypt=True, skip_bucket_versioning=True)
    config = with_lock_mode(original, "lockfile")
    assert config.encrypt is True
    assert config.skip_bucket_versioning is True


def test_with_lock_mode_rejects_unknown() -> None:
    with pytest.raises(ConfigError, match="lock mode 'table' is invalid; use one of"):
        with_lock_mode(RemoteStateConfig(), "table")  # type: ignore[arg-type]


# Scenario validation


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bucket_state", "gone", "bucket state 'gone' is invalid; use one of missing"),
        ("table_state", "old", "table state 'old' is invalid; use one of missing"),
        ("workflow", "deploy", "workflow 'deploy' is invalid; use one of bootstrap"),
        (
            "terragrunt",
            "0.50",
            "Terragrunt behaviour '0.50' is invalid; use current or legacy",
        ),
    ],
    ids=["bucket-state", "table-state", "workflow", "terragrunt"],
)
def test_scenario_rejects_value(field: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Scenario(**{field: value})
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bucket": ""}, "remote_state config key bucket is missing"),
        ({"key": ""}, "remote_state config key key is missing"),
        ({"region": ""}, "remote_state config key region is missing"),
        ({"region": "mars-1"}, "region 'mars-1' is invalid; use an AWS region"),
        ({"role_arn": "deployer"}, "role_arn 'deployer' is invalid; use a role ARN"),
        (
            {"assume_role": {"role_arn": "arn:aws:iam::123:role/x"}},
            "assume_role.role_arn 'arn:aws:iam::123:role/x' is invalid",
        ),
    ],
    ids=[
        "empty-bucket",
        "empty-key",
        "empty-region",
        "unknown-region",
        "role-not-arn",
        "role-short-account",
    ],
)
def test_scenario_rejects_config(changes: dict[str, Any], message: str) -> None:
    config = RemoteStateConfig().replace(**changes)
    with pytest.raises(ConfigError) as raised:
        Scenario(config=config)
    assert str(raised.value).startswith(message)


def test_scenario_accepts_other_region() -> None:
    scenario = Scenario(config=base_config(region="ap-southeast-2"))
    assert scenario.config.region == "ap-southeast-2"


def test_unknown_policy_name() -> None:
    with pytest.raises(PolicyError, match="unknown policy name 'admin'; use one of"):
        Scenario(policy="admin").resolve_policy()


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="not found"):
        Scenario(policy=str(tmp_path / "absent.json")).resolve_policy()


def test_documented_policy_uses_config_names() -> None:
    config = base_config(bucket="team-state", key="a/b.tfstate")
    policy = Scenario(policy="minimal", config=config).resolve_policy()
    assert "arn:aws:s3:::team-state/a/b.tfstate" in policy.to_json()


def test_documented_policy_uses_account() -> None:
    policy = Scenario(policy="full", account="111122223333").resolve_policy()
    assert "arn:aws:dynamodb:*:111122223333:table/terragrunt*" in policy.to_json()


# to_dict


def test_to_dict_keys() -> None:
    result = run_scenario(Scenario(name="first-run"))
    assert list(result.to_dict()) == [
        "scenario",
        "policy",
        "bucket_state",
        "table_state",
        "lock",
        "workflow",
        "terragrunt",
        "principal",
        "config",
        "outcome",
        "failed_step",
        "error",
        "denied",
        "missing_permissions",
        "missing_permissions_verified",
        "warnings",
        "steps",
    ]


def test_to_dict_succeeded_values() -> None:
    result = run_scenario(Scenario(name="first-run"))
    data = result.to_dict()
    assert data["scenario"] == "first-run"
    assert data["outcome"] == "succeeded"
    assert data["denied"] is None
    assert data["failed_step"] is None


def test_to_dict_denied_values() -> None:
    result = run_scenario(Scenario(policy="minimal"))
    data = result.to_dict()
    assert data["scenario"] is None
    assert data["failed_step"] == {
        "workflow": "terragrunt bootstrap",
        "name": "create bucket",
        "operation": "s3:CreateBucket",
    }
    assert set(data["denied"]) == {
        "action",
        "resource",
        "reason",
        "policy_kind",
        "statement",
        "message",
    }
    assert data["denied"]["action"] == "s3:PutBucketOwnershipControls"


def test_to_dict_is_json() -> None:
    result = run_scenario(Scenario(policy="minimal"))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["missing_permissions"][0]["action"] == "s3:PutBucketOwnershipControls"
    assert data["missing_permissions_verified"] is True


def test_to_dict_step_keys() -> None:
    result = run_scenario(Scenario())
    step = result.to_dict()["steps"][0]
    assert set(step) == {
        "workflow",
        "name",
        "operation",
        "outcome",
        "status",
        "error_code",
        "error",
        "note",
        "denial_tolerated",
        "decisions",
    }


def test_exhausted_poll_denial_fatal() -> None:
    # Terragrunt before 0.85 ignores a denied HeadBucket and creates the bucket,
    # but then polls HeadBucket until it gives up, so s3:ListBucket is needed.
    scenario = Scenario(
        policy=allow_except("s3:ListBucket"),
        terragrunt="legacy",
        workflow="bootstrap",
        config=RemoteStateConfig(
            skip_bucket_versioning=True, disable_bucket_update=True
        ),
    )
    result = run_scenario(scenario)
    assert [(item.action, item.fatal) for item in result.missing] == [
        ("s3:ListBucket", True)
    ]
    assert result.outcome == "denied"
