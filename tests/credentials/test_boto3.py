"""Every credential scenario resolved by boto3 in this process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import boto3
import botocore.exceptions
import pytest

from pytest_tgstate.credentials import (
    FAILURE_SCENARIOS,
    WORKING_SCENARIOS,
    CredentialSetup,
    ScenarioContext,
    ScenarioOptions,
    isolated_environment,
)

Prepare = Callable[..., tuple[ScenarioContext, CredentialSetup]]


def caller_arn(context: ScenarioContext, setup: CredentialSetup) -> str:
    with isolated_environment(
        context.files.home, context.region, setup.env, uses_metadata=setup.uses_metadata
    ):
        session = boto3.Session(profile_name=setup.profile)
        return str(session.client("sts").get_caller_identity()["Arn"])


def resolution_error(context: ScenarioContext, setup: CredentialSetup) -> Exception:
    with isolated_environment(
        context.files.home, context.region, setup.env, uses_metadata=setup.uses_metadata
    ):
        try:
            session = boto3.Session(profile_name=setup.profile)
            session.client("sts").get_caller_identity()
        except Exception as error:  # the scenario's own failure is the result
            return error
    raise AssertionError(f"scenario {setup.name} resolved credentials; it should fail")


@pytest.mark.parametrize("name", sorted(WORKING_SCENARIOS))
def test_scenario_resolves_principal(prepare: Prepare, name: str) -> None:
    context, setup = prepare(name)
    assert caller_arn(context, setup) == setup.expected_arn


@pytest.mark.parametrize("name", sorted(FAILURE_SCENARIOS))
def test_failure_raises_sdk_error(prepare: Prepare, name: str) -> None:
    context, setup = prepare(name)
    assert setup.failure is not None
    error = resolution_error(context, setup)
    assert type(error).__name__ == setup.failure.boto3_exception
    assert setup.failure.boto3_message in str(error)


@pytest.mark.parametrize(
    "name",
    [
        "expired-session",
        "unknown-key",
        "wrong-secret",
        "assume-role-denied-trust",
        "assume-role-denied-policy",
    ],
)
def test_service_errors_carry_codes(prepare: Prepare, name: str) -> None:
    context, setup = prepare(name)
    assert setup.failure is not None
    error = resolution_error(context, setup)
    assert isinstance(error, botocore.exceptions.ClientError)
    assert error.response["Error"]["Code"] == setup.failure.error_code


@pytest.mark.parametrize(
    "name",
    ["sso", "assume-role-source-profile", "web-identity-env", "metadata", "container"],
)
def test_scenario_policy_enforced(prepare: Prepare, name: str) -> None:
    context, setup = prepare(name, policy="minimal")
    with isolated_environment(
        context.files.home, context.region, setup.env, uses_metadata=setup.uses_metadata
    ):
        s3 = boto3.Session(profile_name=setup.profile).client("s3")
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            s3.create_bucket(Bucket="terragrunt-state", ObjectOwnership="ObjectWriter")
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    assert "s3:PutBucketOwnershipControls" in str(raised.value)


def test_denied_decision_journaled(prepare: Prepare) -> None:
    context, setup = prepare("sso", policy="minimal")
    with isolated_environment(context.files.home, context.region, setup.env):
        s3 = boto3.Session(profile_name=setup.profile).client("s3")
        with pytest.raises(botocore.exceptions.ClientError):
            s3.get_bucket_encryption(Bucket="terragrunt-state")
    denial = context.world.journal.first_denial()
    assert denial is not None
    assert denial.principal == setup.expected_arn
    assert denial.action == "s3:GetEncryptionConfiguration"


def test_container_short_expiry_refetches(prepare: Prepare) -> None:
    # Temporary credentials with less than 15 minutes left are refreshed
    # before use, so each call fetches again.
    context, setup = prepare("container", options=ScenarioOptions(expires_in=300))
    with isolated_environment(context.files.home, context.region, setup.env):
        sts = boto3.Session().client("sts")
        sts.get_caller_identity()
        sts.get_caller_identity()
    assert setup.logs["container"].count() >= 2


def test_metadata_long_expiry_fetches_once(prepare: Prepare) -> None:
    context, setup = prepare("metadata", options=ScenarioOptions(expires_in=3600))
    with isolated_environment(
        context.files.home, context.region, setup.env, uses_metadata=True
    ):
        sts = boto3.Session().client("sts")
        sts.get_caller_identity()
        sts.get_caller_identity()
    fetches = setup.logs["metadata"].count(
        "/latest/meta-data/iam/security-credentials/tgstate-role"
    )
    assert fetches == 1


def test_metadata_token_requested(prepare: Prepare) -> None:
    context, setup = prepare("metadata")
    caller_arn(context, setup)
    assert setup.logs["metadata"].count("/latest/api/token") == 1


def test_metadata_v1_only_resolves(prepare: Prepare) -> None:
    context, setup = prepare("metadata", options=ScenarioOptions(imds_v1_only=True))
    assert caller_arn(context, setup) == setup.expected_arn
    assert not any(
        "x-aws-ec2-metadata-token" in entry.headers
        for entry in setup.logs["metadata"].entries[1:]
    )


def test_metadata_slow_still_resolves(prepare: Prepare) -> None:
    context, setup = prepare("metadata", options=ScenarioOptions(delay=0.2))
    assert caller_arn(context, setup) == setup.expected_arn


def test_metadata_failing_means_no_credentials(prepare: Prepare) -> None:
    context, setup = prepare("metadata", options=ScenarioOptions(fail=True))
    error = resolution_error(context, setup)
    assert isinstance(error, botocore.exceptions.NoCredentialsError)


def test_container_token_file_resolves(prepare: Prepare) -> None:
    context, setup = prepare("container", options=ScenarioOptions(token_from_file=True))
    assert "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" in setup.env
    assert caller_arn(context, setup) == setup.expected_arn
    assert (
        setup.logs["container"].entries[0].headers["authorization"]
        == "Bearer tgstate-container-token"
    )


def test_container_failure_reported(prepare: Prepare) -> None:
    context, setup = prepare("container", options=ScenarioOptions(fail=True))
    error = resolution_error(context, setup)
    assert type(error).__name__ == "CredentialRetrievalError"


def test_sso_portal_sees_request(prepare: Prepare) -> None:
    context, setup = prepare("sso")
    caller_arn(context, setup)
    request = setup.logs["sso"].entries[0]
    assert request.headers["x-amz-sso_bearer_token"] == "tgstate-sso-access-token"
    assert "role_name=tgstate-role" in request.query


def test_credential_process_fetch_counted(prepare: Prepare) -> None:
    context, setup = prepare("credential-process")
    caller_arn(context, setup)
    assert setup.process_log is not None
    assert len(setup.process_log.read_text().splitlines()) == 1


def test_default_profile_variable_honoured(prepare: Prepare) -> None:
    context, setup = prepare(
        "profile-config-file",
        options=ScenarioOptions(profile_variable="AWS_DEFAULT_PROFILE"),
    )
    assert "AWS_PROFILE" not in setup.env
    assert caller_arn(context, setup) == setup.expected_arn


def test_profile_variable_wins_in_botocore(prepare: Prepare) -> None:
    # botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE, and the Go SDK reads
    # them the other way round.
    context, setup = prepare("profile-config-file")
    variables = {**setup.env, "AWS_DEFAULT_PROFILE": "missing"}
    with (
        isolated_environment(context.files.home, context.region, variables),
        pytest.raises(botocore.exceptions.ProfileNotFound),
    ):
        boto3.Session()


def test_env_keys_beat_profile_variable(prepare: Prepare) -> None:
    context, setup = prepare("assume-role-environment")
    variables = {**setup.env, "AWS_PROFILE": "deploy"}
    with isolated_environment(context.files.home, context.region, variables):
        arn = boto3.Session().client("sts").get_caller_identity()["Arn"]
    assert arn == context.user.arn


def test_web_identity_trust_conditions_checked(prepare: Prepare) -> None:
    context, setup = prepare("web-identity-env")
    token_file = Path(setup.env["AWS_WEB_IDENTITY_TOKEN_FILE"])
    from datetime import timedelta

    from pytest_tgstate.credentials.files import web_identity_token

    token_file.write_text(
        web_identity_token(
            "https://token.actions.githubusercontent.com",
            "repo:another-org/app:ref:refs/heads/main",
            "sts.amazonaws.com",
            lifetime=timedelta(hours=1),
        )
    )
    error = resolution_error(context, setup)
    assert isinstance(error, botocore.exceptions.ClientError)
    assert error.response["Error"]["Code"] == "AccessDenied"
