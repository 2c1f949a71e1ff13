"""Tests for the ``tgstate`` command, run as a subprocess and in process.

The subprocess tests start ``python -m pytest_tgstate.cli.main`` (and once the
installed ``tgstate`` script) to check exit statuses and what reaches the real
standard error. The in-process tests call `main` and read the output with
capsys.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_tgstate.cli.main import main
from pytest_tgstate.cli.matrix import MATRIX_ROWS

DATA = Path(__file__).resolve().parents[1] / "data" / "terragrunt"
HCL_FILES = sorted(DATA.glob("*/terragrunt.hcl"))
POLICIES = ("full", "minimal", "external-bucket")
USER = "arn:aws:iam::123456789012:user/terragrunt"


def run_command(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``tgstate`` with ``arguments`` in a new Python process."""
    return subprocess.run(
        [sys.executable, "-m", "pytest_tgstate.cli.main", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_main(
    capsys: pytest.CaptureFixture[str], *arguments: str
) -> tuple[int, str, str]:
    """Run `main` in this process and return its exit status, stdout and stderr."""
    try:
        status = main(list(arguments))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write_policy(path: Path, statement: dict[str, Any]) -> str:
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    return str(path)


# check: the acceptance table, through a real process

ACCEPTANCE = [
    pytest.param(
        "full", "missing", "missing", "dynamodb", [], "succeeded", None,
        id="full-new-state",
    ),
    pytest.param(
        "full", "bootstrapped", "present", "dynamodb", [], "succeeded", None,
        id="full-existing-state",
    ),
    pytest.param(
        "minimal", "missing", "missing", "dynamodb", [], "denied",
        "s3:PutBucketOwnershipControls",
        id="minimal-new-state",
    ),
    pytest.param(
        "minimal", "bootstrapped", "present", "dynamodb", [], "denied",
        "s3:GetEncryptionConfiguration",
        id="minimal-existing-state",
    ),
    pytest.param(
        "minimal", "bootstrapped", "present", "dynamodb",
        ["disable_bucket_update=true"], "succeeded", None,
        id="minimal-no-update-check",
    ),
    pytest.param(
        "external-bucket", "foreign", "missing", "lockfile",
        ["skip_bucket_versioning=true"], "denied",
        "s3:GetEncryptionConfiguration",
        id="external-bucket-docs-config",
    ),
    pytest.param(
        "external-bucket", "foreign", "missing", "lockfile",
        ["skip_bucket_versioning=true", "disable_bucket_update=true"],
        "succeeded", None,
        id="external-bucket-no-update-check",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("policy", "bucket_state", "table_state", "lock", "settings", "outcome", "action"),
    ACCEPTANCE,
)
def test_check_acceptance(
    policy: str,
    bucket_state: str,
    table_state: str,
    lock: str,
    settings: list[str],
    outcome: str,
    action: str | None,
) -> None:
    arguments = [
        "check",
        "--policy",
        policy,
        "--bucket-state",
        bucket_state,
        "--table-state",
        table_state,
        "--lock",
        lock,
        "--format",
        "json",
    ]
    for setting in settings:
        arguments += ["--set", setting]
    completed = run_command(*arguments)
    report = json.loads(completed.stdout)
    denied_action = report["denied"]["action"] if report["denied"] else None
    assert completed.returncode == (0 if outcome == "succeeded" else 1)
    assert report["outcome"] == outcome
    assert denied_action == action
    assert completed.stderr == ""


def test_installed_script_runs() -> None:
    script = Path(sys.executable).with_name("tgstate")
    completed = subprocess.run(
        [str(script), "check", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0
    assert json.loads(completed.stdout)["outcome"] == "succeeded"


def test_version_option() -> None:
    completed = run_command("--version")
    assert completed.stdout.strip() == "tgstate 0.1.0"
    assert completed.returncode == 0


# check: in process


def test_check_text_denied(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(
        capsys,
        "check",
        "--policy",
        "minimal",
        "--bucket-state",
        "bootstrapped",
        "--table-state",
        "present",
    )
    assert status == 1
    assert "outcome: denied" in out
    assert (
        "  stopped at: terragrunt bootstrap: read bucket encryption "
        "(s3:GetBucketEncryption)"
    ) in out
    assert "missing permissions (adding them makes the run pass):" in out


def test_check_text_header(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(capsys, "check")
    first, second = out.splitlines()[:2]
    assert status == 0
    assert first == (
        "policy full | bucket terragrunt-state (missing) | "
        "table terragrunt-locks (missing) | lock dynamodb | Terragrunt current"
    )
    assert second == f"principal {USER}"


def test_check_text_lockfile_header(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(capsys, "check", "--lock", "lockfile")
    assert "| table - (unused) | lock lockfile |" in out.splitlines()[0]


def test_check_json_principal(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(capsys, "check", "--format", "json")
    report = json.loads(out)
    assert report["principal"] == USER
    assert report["lock"] == "dynamodb"
    assert report["config"]["dynamodb_table"] == "terragrunt-locks"


def test_check_json_steps(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(capsys, "check", "--format", "json")
    steps = json.loads(out)["steps"]
    workflows = sorted({step["workflow"] for step in steps})
    assert workflows == ["terraform apply", "terraform init", "terragrunt bootstrap"]
    assert steps[0]["decisions"][0]["action"] == "sts:GetCallerIdentity"


def test_check_bootstrap_only(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(capsys, "check", "--workflow", "bootstrap", "--format", "json")
    steps = json.loads(out)["steps"]
    assert {step["workflow"] for step in steps} == {"terragrunt bootstrap"}


def test_check_legacy_terragrunt(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(
        capsys, "check", "--terragrunt", "legacy", "--format", "json"
    )
    assert status == 0
    assert json.loads(out)["terragrunt"] == "legacy"


def test_check_policy_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_policy(
        tmp_path / "policy.json",
        {"Effect": "Allow", "Action": ["s3:*", "dynamodb:*"], "Resource": "*"},
    )
    status, out, _ = run_main(capsys, "check", "--policy", path, "--format", "json")
    assert status == 0
    assert json.loads(out)["policy"] == path


def test_check_failed_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(
        capsys,
        "check",
        "--bucket-state",
        "bootstrapped",
        "--table-state",
        "wrong-key",
        "--format",
        "json",
    )
    report = json.loads(out)
    assert status == 1
    assert report["outcome"] == "failed"
    assert report["failed_step"]["name"] == "acquire lock"


def test_check_set_tags_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(
        capsys,
        "check",
        "--set",
        's3_bucket_tags={"owner": "platform"}',
        "--format",
        "json",
    )
    assert status == 0
    assert json.loads(out)["config"]["s3_bucket_tags"] == {"owner": "platform"}


# Bad input: exit 2, one line on standard error, no traceback


def bad_policy_files(tmp_path: Path) -> dict[str, str]:
    not_json = tmp_path / "not-json.json"
    not_json.write_text("{not json")
    return {
        "not-json": str(not_json),
        "bad-effect": write_policy(
            tmp_path / "effect.json",
            {"Effect": "Maybe", "Action": "s3:*", "Resource": "*"},
        ),
        "bad-arn": write_policy(
            tmp_path / "arn.json",
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3"},
        ),
        "bad-operator": write_policy(
            tmp_path / "operator.json",
            {
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"StringEqualz": {"aws:username": "x"}},
            },
        ),
    }


BAD_POLICIES = [
    pytest.param("not-json", ["not valid JSON"], id="not-json"),
    pytest.param(
        "bad-effect", ["Effect 'Maybe' is invalid", 'use "Allow" or "Deny"'],
        id="bad-effect",
    ),
    pytest.param(
        "bad-arn", ["'arn:aws:s3' is not a valid ARN", "write arn:"], id="bad-arn"
    ),
    pytest.param(
        "bad-operator",
        ["Condition operator 'StringEqualz' is unknown", "StringEquals"],
        id="bad-operator",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), BAD_POLICIES)
def test_bad_policy_file(tmp_path: Path, name: str, expected: list[str]) -> None:
    path = bad_policy_files(tmp_path)[name]
    completed = run_command("check", "--policy", path)
    lines = completed.stderr.splitlines()
    assert completed.returncode == 2
    assert len(lines) == 1
    assert lines[0].startswith("tgstate: error: ")
    assert path in lines[0]
    for text in expected:
        assert text in lines[0]
    assert completed.stdout == ""


def test_missing_policy_file(tmp_path: Path) -> None:
    path = str(tmp_path / "absent.json")
    completed = run_command("check", "--policy", path)
    assert completed.returncode == 2
    assert completed.stderr == (
        f"tgstate: error: policy file {path!r} not found; check the path\n"
    )


BAD_ARGUMENTS = [
    pytest.param(
        ["check", "--policy", "admin"],
        "unknown policy name 'admin'; use one of full, minimal, external-bucket",
        id="unknown-policy-name",
    ),
    pytest.param(
        ["check", "--set", "disable_bucket_updates=true"],
        "unknown remote_state config key 'disable_bucket_updates'; "
        "did you mean 'disable_bucket_update'?",
        id="unknown-config-key",
    ),
    pytest.param(
        ["check", "--set", "disable_bucket_update"],
        "--set 'disable_bucket_update' is invalid; write KEY=VALUE",
        id="set-without-equals",
    ),
    pytest.param(
        ["check", "--set", "disable_bucket_update=maybe"],
        "disable_bucket_update = 'maybe' is invalid; use true or false",
        id="set-bad-boolean",
    ),
    pytest.param(
        ["check", "--set", "s3_bucket_tags={owner"],
        "s3_bucket_tags = '{owner' is invalid JSON",
        id="set-bad-json",
    ),
    pytest.param(
        ["matrix", "--set", "novalue"],
        "--set 'novalue' is invalid; write KEY=VALUE",
        id="matrix-set-without-equals",
    ),
    pytest.param(
        ["policy", "minimal", "--set", "buckett=x"],
        "unknown remote_state config key 'buckett'; did you mean 'bucket'?",
        id="policy-unknown-key",
    ),
    pytest.param(
        ["explain", "--action", "s3:GetObject", "--resource", "*",
         "--context", "aws:SecureTransport"],
        "--context 'aws:SecureTransport' is invalid; write KEY=VALUE",
        id="context-without-equals",
    ),
    pytest.param(
        ["explain", "--action", "s3:GetObject", "--resource", "*",
         "--principal", "terragrunt"],
        "--principal 'terragrunt' is invalid; give a user or assumed-role ARN",
        id="principal-not-arn",
    ),
    pytest.param(
        ["explain", "--action", "s3:GetObject", "--resource", "*",
         "--principal", "arn:aws:ec2:us-east-1:123456789012:instance/i-1"],
        "--principal 'arn:aws:ec2:us-east-1:123456789012:instance/i-1' is invalid",
        id="principal-other-arn",
    ),
    pytest.param(
        ["explain", "--action", "GetObject", "--resource", "*"],
        "--action 'GetObject' is invalid; write SERVICE:ACTION",
        id="action-without-service",
    ),
    pytest.param(
        ["explain", "--action", "s3:GetObject", "--resource", "my-bucket"],
        "--resource 'my-bucket' is invalid; write an ARN",
        id="resource-not-arn",
    ),
    pytest.param(
        ["explain", "--action", "s3:GetObject", "--resource", "*",
         "--resource-account", "12"],
        "--resource-account '12' is invalid; an AWS account id is 12 digits",
        id="resource-account-short",
    ),
    pytest.param(
        ["explain", "--policy", "admin", "--action", "s3:GetObject",
         "--resource", "*"],
        "unknown policy name 'admin'; use one of full, minimal, external-bucket",
        id="explain-unknown-policy-name",
    ),
    pytest.param(
        ["check", "--set", "bucket="],
        "bucket is missing",
        id="empty-bucket",
    ),
    pytest.param(
        ["check", "--set", "key="],
        "key is missing",
        id="empty-key",
    ),
    pytest.param(
        ["check", "--set", "region="],
        "region is missing",
        id="empty-region",
    ),
    pytest.param(
        ["check", "--set", "region=mars-1"],
        "region 'mars-1' is invalid; use an AWS region such as us-east-1",
        id="unknown-region",
    ),
    pytest.param(
        ["check", "--set", "role_arn=deployer"],
        "role_arn 'deployer' is invalid; "
        "use a role ARN such as arn:aws:iam::123456789012:role/NAME",
        id="role-arn-not-arn",
    ),
    pytest.param(
        ["check", "--set", 'assume_role={"role_arn": "arn:aws:iam::1:role/x"}'],
        "role_arn 'arn:aws:iam::1:role/x' is invalid",
        id="assume-role-bad-account",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("arguments", "expected"), BAD_ARGUMENTS)
def test_bad_argument(
    capsys: pytest.CaptureFixture[str], arguments: list[str], expected: str
) -> None:
    status, out, err = run_main(capsys, *arguments)
    lines = err.splitlines()
    assert status == 2
    assert len(lines) == 1
    assert lines[0].startswith("tgstate: error: ")
    assert expected in lines[0]
    assert out == ""


def test_bad_set_in_subprocess() -> None:
    completed = run_command("check", "--set", "region=")
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.splitlines()) == 1


def test_missing_config_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "absent.hcl"
    status, _, err = run_main(capsys, "check", "--config", str(path))
    assert status == 2
    assert err.startswith(f"tgstate: error: {path}: file not found;")
    assert len(err.splitlines()) == 1


# matrix


@pytest.fixture(scope="module")
def matrix_report() -> list[dict[str, Any]]:
    completed = run_command("matrix", "--format", "json")
    assert completed.returncode == 0, completed.stderr
    report: list[dict[str, Any]] = json.loads(completed.stdout)
    return report


def test_matrix_is_list(matrix_report: list[dict[str, Any]]) -> None:
    assert isinstance(matrix_report, list)
    assert len(matrix_report) == len(MATRIX_ROWS) * len(POLICIES)


def test_matrix_scenario_names(matrix_report: list[dict[str, Any]]) -> None:
    names = [entry["scenario"] for entry in matrix_report]
    assert all(names)
    assert sorted(set(names)) == sorted(row.name for row in MATRIX_ROWS)


def test_matrix_covers_policies(matrix_report: list[dict[str, Any]]) -> None:
    for row in MATRIX_ROWS:
        policies = [e["policy"] for e in matrix_report if e["scenario"] == row.name]
        assert policies == list(POLICIES), row.name


def test_matrix_full_existing_state(matrix_report: list[dict[str, Any]]) -> None:
    entry = next(
        e
        for e in matrix_report
        if e["scenario"] == "existing-state" and e["policy"] == "full"
    )
    assert entry["outcome"] == "succeeded"


def test_matrix_minimal_new_state(matrix_report: list[dict[str, Any]]) -> None:
    entry = next(
        e
        for e in matrix_report
        if e["scenario"] == "new-state" and e["policy"] == "minimal"
    )
    assert entry["denied"]["action"] == "s3:PutBucketOwnershipControls"
    assert entry["missing_permissions"] != []


def test_matrix_text_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(capsys, "matrix")
    lines = out.splitlines()
    assert status == 0
    assert lines[0].split() == [
        "scenario",
        "policy",
        "outcome",
        "stopped",
        "at",
        "denied",
        "action",
        "or",
        "error",
    ]
    assert len(lines) == 2 + len(MATRIX_ROWS) * len(POLICIES)


def test_matrix_names_resource_policy(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(capsys, "matrix")
    row = next(
        line.split()
        for line in out.splitlines()
        if line.split()[:2] == ["external-bucket", "full"]
    )
    assert "resource-based" in row


def test_matrix_set_changes_rows(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(
        capsys, "matrix", "--set", "bucket=terragrunt-other", "--format", "json"
    )
    buckets = {entry["config"]["bucket"] for entry in json.loads(out)}
    assert buckets == {"terragrunt-other"}


# explain


def test_explain_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(
        capsys,
        "explain",
        "--policy",
        "minimal",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::terragrunt-state/env/app/terraform.tfstate",
    )
    assert status == 0
    assert out.startswith(
        "ALLOWED (allowed): s3:GetObject on "
        "arn:aws:s3:::terragrunt-state/env/app/terraform.tfstate"
    )


def test_explain_denied(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(
        capsys,
        "explain",
        "--policy",
        "minimal",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::terragrunt-state/other/key",
    )
    message = (
        f"User: {USER} is not authorized to perform: s3:GetObject on resource: "
        '"arn:aws:s3:::terragrunt-state/other/key" because no identity-based '
        "policy allows the s3:GetObject action"
    )
    assert status == 1
    assert out.startswith("DENIED (implicit deny): s3:GetObject on ")
    assert f"  message: {message}" in out.splitlines()


def test_explain_denied_subprocess() -> None:
    completed = run_command(
        "explain",
        "--policy",
        "minimal",
        "--action",
        "s3:GetEncryptionConfiguration",
        "--resource",
        "arn:aws:s3:::terragrunt-state",
        "--format",
        "json",
    )
    decision = json.loads(completed.stdout)
    assert completed.returncode == 1
    assert decision["allowed"] is False
    assert decision["reason"] == "implicit deny"
    assert (
        "is not authorized to perform: s3:GetEncryptionConfiguration"
        in (decision["message"])
    )


def test_explain_explicit_deny_context(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bucket_policy = tmp_path / "bucket.json"
    bucket_policy.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "EnforcedTLS",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": "arn:aws:s3:::terragrunt-state/*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        )
    )
    status, out, _ = run_main(
        capsys,
        "explain",
        "--policy",
        "full",
        "--resource-policy",
        str(bucket_policy),
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::terragrunt-state/env/app/terraform.tfstate",
        "--context",
        "aws:SecureTransport=false",
        "--format",
        "json",
    )
    decision = json.loads(out)
    assert status == 1
    assert decision["reason"] == "explicit deny"


def test_explain_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(
        capsys,
        "explain",
        "--policy",
        "full",
        "--action",
        "s3:ListBucket",
        "--resource",
        "arn:aws:s3:::terragrunt-state",
        "--format",
        "json",
    )
    assert list(json.loads(out)) == [
        "allowed",
        "action",
        "resource",
        "principal",
        "reason",
        "policy_kind",
        "policy",
        "statement",
        "message",
    ]


# policy


def test_policy_renders_names(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(capsys, "policy", "minimal")
    document = json.loads(out)
    resources = [statement["Resource"] for statement in document["Statement"]]
    assert status == 0
    assert resources == [
        "arn:aws:s3:::terragrunt-state",
        "arn:aws:s3:::terragrunt-state/env/app/terraform.tfstate",
        "arn:aws:dynamodb:*:*:table/terragrunt-locks",
    ]


def test_policy_set_names(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(
        capsys,
        "policy",
        "minimal",
        "--set",
        "bucket=team-state",
        "--set",
        "key=a/b.tfstate",
        "--set",
        "dynamodb_table=team-locks",
    )
    text = out
    assert "arn:aws:s3:::team-state/a/b.tfstate" in text
    assert "table/team-locks" in text


def test_policy_account(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(capsys, "policy", "full", "--account", "111122223333")
    assert "arn:aws:dynamodb:*:111122223333:table/terragrunt*" in out
    assert "1234567890:" not in out


def test_policy_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(capsys, "policy", "minimal", "--verbatim")
    assert status == 0
    assert "arn:aws:s3:::BUCKET_NAME/some/path/here" in out
    assert "TABLE_NAME" in out


def test_policy_verbatim_matches_docs(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(capsys, "policy", "external-bucket", "--verbatim")
    docs = DATA.parent / "terragrunt-docs" / "external-bucket.json"
    assert json.loads(out) == json.loads(docs.read_text())


def test_policy_unknown_name() -> None:
    completed = run_command("policy", "admin")
    assert completed.returncode == 2
    assert "invalid choice: 'admin'" in completed.stderr


# --config with the example terragrunt.hcl files


def test_example_files_present() -> None:
    assert [path.parent.name for path in HCL_FILES] == [
        "classic-dynamodb",
        "external-bucket",
        "generated-backend",
        "lockfile-only",
        "tagged-with-logging",
    ]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("path", HCL_FILES, ids=[p.parent.name for p in HCL_FILES])
def test_check_example_config(
    capsys: pytest.CaptureFixture[str], path: Path, policy: str
) -> None:
    status, out, err = run_main(
        capsys, "check", "--config", str(path), "--policy", policy, "--format", "json"
    )
    report = json.loads(out)
    assert status in (0, 1)
    assert status == (0 if report["outcome"] == "succeeded" else 1)
    assert report["policy"] == policy
    assert err == ""


def test_generated_backend_resolves() -> None:
    path = DATA / "generated-backend" / "terragrunt.hcl"
    completed = run_command("check", "--config", str(path), "--format", "json")
    config = json.loads(completed.stdout)["config"]
    assert completed.returncode == 0
    assert config["bucket"] == "terragrunt-state-staging"
    assert config["region"] == "us-west-2"
    assert config["assume_role"]["role_arn"] == (
        "arn:aws:iam::123456789012:role/terragrunt-deployer"
    )
    assert "Traceback" not in completed.stderr


def test_generated_backend_assumes_role(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "generated-backend" / "terragrunt.hcl"
    _, out, _ = run_main(capsys, "check", "--config", str(path), "--format", "json")
    first = json.loads(out)["steps"][0]
    assert first["operation"] == "sts:AssumeRole"


def test_config_lock_from_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "lockfile-only" / "terragrunt.hcl"
    _, out, _ = run_main(capsys, "check", "--config", str(path), "--format", "json")
    assert json.loads(out)["lock"] == "lockfile"


def test_config_lock_overridden(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "lockfile-only" / "terragrunt.hcl"
    _, out, _ = run_main(
        capsys, "check", "--config", str(path), "--lock", "both", "--format", "json"
    )
    report = json.loads(out)
    assert report["lock"] == "both"
    assert report["config"]["dynamodb_table"] == "terragrunt-locks"


def test_config_directory_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    directory = DATA / "classic-dynamodb"
    status, out, _ = run_main(
        capsys, "check", "--config", str(directory), "--format", "json"
    )
    assert status == 0
    assert json.loads(out)["config"]["bucket"] == "terragrunt-state-prod-eu"


def test_missing_include_warns_and_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = tmp_path / "services" / "api"
    unit.mkdir(parents=True)
    shutil.copy(DATA / "generated-backend" / "terragrunt.hcl", unit)
    status, out, err = run_main(
        capsys, "check", "--config", str(unit / "terragrunt.hcl"), "--format", "json"
    )
    assert status == 0
    assert json.loads(out)["outcome"] == "succeeded"
    assert err.startswith("tgstate: warning: ")
    assert "found no root.hcl" in err
