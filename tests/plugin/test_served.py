"""The loopback server and credential scenarios through the plugin's fixtures."""

from __future__ import annotations

import pytest

from .support import PRINCIPAL_ARN


def test_server_env_points_at_loopback(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_served(tgstate, tgstate_server):
            env = tgstate.env
            assert env["AWS_ENDPOINT_URL"] == tgstate_server.url
            assert env["AWS_ENDPOINT_URL_STS"].startswith("http://127.0.0.1:")
            sts = boto3.client("sts", endpoint_url=tgstate_server.url)
            assert sts.get_caller_identity()["Account"] == "123456789012"
            assert tgstate.journal[-1].operation == "GetCallerIdentity"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_server_stops_after_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import socket

        PORTS = []

        def test_first(tgstate_server):
            PORTS.append(tgstate_server.port)

        def test_second(tgstate):
            assert tgstate.server is None
            with socket.socket() as probe:
                assert probe.connect_ex(("127.0.0.1", PORTS[0])) != 0
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)


def test_env_without_server_has_no_endpoints(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_plain(tgstate):
            env = tgstate.env
            assert "AWS_ENDPOINT_URL" not in env
            assert env["HTTPS_PROXY"] == "http://127.0.0.1:9"
            assert env["CHECKPOINT_DISABLE"] == "1"
            assert env["AWS_EC2_METADATA_DISABLED"] == "true"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_credentials_parametrized_indirectly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.parametrize(
            "tgstate_credentials",
            ["sso", "metadata", "credential-process"],
            indirect=True,
        )
        def test_resolves(tgstate_credentials):
            arn = boto3.client("sts").get_caller_identity()["Arn"]
            assert arn == tgstate_credentials.expected_arn
        """
    )
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(
        [
            "*test_resolves[[]sso[]] PASSED*",
            "*test_resolves[[]metadata[]] PASSED*",
            "*test_resolves[[]credential-process[]] PASSED*",
        ]
    )


def test_credentials_default_env_keys(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        def test_default(tgstate_credentials):
            assert tgstate_credentials.name == "env-keys"
            assert tgstate_credentials.expected_arn == "{PRINCIPAL_ARN}"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_world_marker_credentials(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.tgstate_world(credentials="assume-role-source-profile")
        def test_marked(tgstate):
            arn = boto3.client("sts").get_caller_identity()["Arn"]
            assert arn == tgstate.credentials.expected_arn
            assert tgstate.env["AWS_PROFILE"] == "deploy"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_scenario_policy_enforced(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.tgstate_world(credentials="sso", bucket="bootstrapped")
        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("denied", action="s3:GetEncryptionConfiguration")
        def test_denied(tgstate):
            boto3.client("s3").get_bucket_encryption(Bucket="terragrunt-state")
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_failure_scenario_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import botocore.exceptions
        import pytest

        @pytest.mark.parametrize(
            "tgstate_credentials", ["no-credentials"], indirect=True
        )
        def test_fails(tgstate_credentials):
            with pytest.raises(botocore.exceptions.NoCredentialsError):
                boto3.client("sts").get_caller_identity()
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_unknown_scenario_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(credentials="carrier-pigeon")
        def test_bad(tgstate):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*test_bad: @pytest.mark.tgstate_world: "
            "unknown credential scenario 'carrier-pigeon'; known scenarios: *"
        ]
    )


def test_registered_scenario_used(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        from pytest_tgstate.credentials import CredentialSetup

        def pytest_tgstate_credential_scenarios(config):
            def static(context):
                return CredentialSetup(
                    "static", dict(context.user.env()), context.user.arn, context.user
                )

            return {"static": static}
        """
    )
    pytester.makepyfile(
        f"""
        import boto3
        import pytest

        @pytest.mark.parametrize("tgstate_credentials", ["static"], indirect=True)
        def test_static(tgstate_credentials):
            arn = boto3.client("sts").get_caller_identity()["Arn"]
            assert arn == "{PRINCIPAL_ARN}"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


@pytest.mark.real_clients
def test_aws_cli_through_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(bucket="bootstrapped")
        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("denied", action="s3:GetBucketPolicy")
        def test_cli(tgstate):
            result = tgstate.aws_cli(
                "s3api", "get-bucket-policy", "--bucket", "terragrunt-state"
            )
            assert result.returncode == 255
            assert "AccessDenied" in result.stderr
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


@pytest.mark.real_clients
def test_terraform_through_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(bucket="bootstrapped", table="present")
        @pytest.mark.tgstate_matrix(
            full="succeeds", external_bucket="denied:dynamodb:PutItem"
        )
        def test_apply(tgstate, tgstate_server):
            workspace = tgstate.terraform_workspace()
            assert workspace.init().succeeded
            workspace.apply()
        """
    )
    result = pytester.runpytest_subprocess("-v")
    result.stdout.fnmatch_lines(
        ["*test_apply[[]full[]] PASSED*", "*test_apply[[]external-bucket[]] PASSED*"]
    )
