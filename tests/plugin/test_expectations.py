"""``tgstate_expect``: met expectations pass, broken ones fail with plain messages."""

from __future__ import annotations

import pytest

from .support import (
    PRINCIPAL_ARN,
    SUBPROCESS_TIMEOUT,
    assert_no_plugin_frames,
)

STATE_ARN = "arn:aws:s3:::terragrunt-state"

#: A policy that allows everything except reading bucket policies, with a Sid.
NO_POLICY_READ = (
    '{"Version": "2012-10-17", "Statement": ['
    '{"Effect": "Allow", "Action": "*", "Resource": "*"}, '
    '{"Sid": "NoPolicyRead", "Effect": "Deny", "Action": "s3:GetBucketPolicy", '
    '"Resource": "*"}]}'
)


def denial_message(action: str, resource: str = STATE_ARN) -> str:
    """Return the AWS message of an implicit deny of ``action`` on ``resource``."""
    return (
        f"User: {PRINCIPAL_ARN} is not authorized to perform: {action} on "
        f'resource: "{resource}" because no identity-based policy allows the '
        f"{action} action"
    )


MET_EXPECTATIONS = f"""
    import boto3
    import pytest
    from botocore.exceptions import ClientError

    NO_POLICY_READ = {NO_POLICY_READ}

    @pytest.mark.tgstate_expect("succeeds")
    def test_succeeds(tgstate):
        tgstate.terragrunt.bootstrap()
        tgstate.terraform.apply()

    @pytest.mark.tgstate_expect("succeeds", no_denials=True)
    def test_succeeds_without_denials(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy(NO_POLICY_READ)
    @pytest.mark.tgstate_world(config={{"disable_bucket_update": True}})
    @pytest.mark.tgstate_expect("succeeds")
    def test_succeeds_despite_tolerated_denial(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied")
    def test_denied(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied:s3:PutBucketOwnershipControls")
    def test_denied_action(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied", action="s3:PutBucket*")
    def test_denied_action_wildcard(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied", action="S3:*OWNERSHIP*")
    def test_denied_action_any_case(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied", resource="arn:aws:s3:::terragrunt-*")
    def test_denied_resource(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied", step="create bucket")
    def test_denied_step(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy(NO_POLICY_READ)
    @pytest.mark.tgstate_world(config={{"disable_bucket_update": True}})
    @pytest.mark.tgstate_expect("denied:s3:GetBucketPolicy")
    def test_denied_tolerated_counts(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied:s3:ListAllMyBuckets")
    def test_denied_swallowed(tgstate):
        try:
            boto3.client("s3").list_buckets()
        except ClientError:
            pass

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied:s3:ListAllMyBuckets")
    def test_denied_raised(tgstate):
        boto3.client("s3").list_buckets()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied", action="dynamodb:ListTables")
    def test_denied_raised_dynamodb(tgstate):
        boto3.client("dynamodb").list_tables()
"""


def test_met_expectations_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(MET_EXPECTATIONS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=13)


def test_met_expectations_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(MET_EXPECTATIONS)
    result = pytester.runpytest_subprocess(timeout=SUBPROCESS_TIMEOUT)
    result.assert_outcomes(passed=13)


def run_broken(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    """Run one inner test that breaks its expectation and check the common parts."""
    pytester.makepyfile(test_broken=source)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert_no_plugin_frames(result)
    return result


def test_succeeds_broken_by_denial(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester,
        """
        import pytest

        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("succeeds")
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()
        """,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected succeeds, but the run was denied",
            f"  denied: s3:PutBucketOwnershipControls on {STATE_ARN}",
            "  step: terragrunt bootstrap: create bucket",
            "  decided by: implicit deny, no identity-based policy allows it",
            f"  message: {denial_message('s3:PutBucketOwnershipControls')}",
            "  policy: minimal",
            f"  principal: {PRINCIPAL_ARN}",
            "  permissions missing:",
            f"    s3:PutBucketOwnershipControls on {STATE_ARN}",
            "*= tgstate =*",
        ],
        consecutive=True,
    )


def test_succeeds_broken_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_broken="""
        import pytest

        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("succeeds")
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest_subprocess(timeout=SUBPROCESS_TIMEOUT)
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected succeeds, but the run was denied",
            f"  denied: s3:PutBucketOwnershipControls on {STATE_ARN}",
            "  step: terragrunt bootstrap: create bucket",
            "  decided by: implicit deny, no identity-based policy allows it",
        ],
        consecutive=True,
    )
    result.assert_outcomes(failed=1)
    assert_no_plugin_frames(result)


def test_no_denials_broken_by_tolerated(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester,
        f"""
        import pytest

        @pytest.mark.tgstate_policy({NO_POLICY_READ})
        @pytest.mark.tgstate_world(config={{"disable_bucket_update": True}})
        @pytest.mark.tgstate_expect("succeeds", no_denials=True)
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()
        """,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected succeeds with no denial at all, "
            "but the run tolerated a denial",
            f"  denied: s3:GetBucketPolicy on {STATE_ARN}",
            "  step: terragrunt bootstrap: read bucket policy (root access)",
            "  decided by: identity-based policy tgstate-user-policy, "
            'Sid "NoPolicyRead"',
            "  message: *explicit deny*",
            "  policy: inline policy",
            f"  principal: {PRINCIPAL_ARN}",
            "  permissions missing:",
            f"    s3:GetBucketPolicy on {STATE_ARN}",
            "*= tgstate =*",
        ],
        consecutive=True,
    )


def test_denied_broken_by_success(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester,
        """
        import pytest

        @pytest.mark.tgstate_expect("denied")
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()
        """,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected denied, but the run succeeded",
            "  policy: full",
            f"  principal: {PRINCIPAL_ARN}",
            "*= tgstate =*",
        ],
        consecutive=True,
    )


def test_denied_action_broken_by_other(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester,
        """
        import pytest

        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("denied:s3:GetEncryptionConfiguration")
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()
        """,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected denied s3:GetEncryptionConfiguration, "
            "but the run was denied",
            f"  denied: s3:PutBucketOwnershipControls on {STATE_ARN}",
            "  step: terragrunt bootstrap: create bucket",
            "  decided by: implicit deny, no identity-based policy allows it",
            f"  message: {denial_message('s3:PutBucketOwnershipControls')}",
            "  policy: minimal",
            f"  principal: {PRINCIPAL_ARN}",
            "  denials recorded, none matching: "
            f"s3:PutBucketOwnershipControls on {STATE_ARN}",
            "*= tgstate =*",
        ],
        consecutive=True,
    )


def test_denied_resource_broken(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester,
        """
        import pytest

        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("denied", resource="arn:aws:s3:::other-*")
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()
        """,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected denied on arn:aws:s3:::other-[*], "
            "but the run was denied",
            f"  denied: s3:PutBucketOwnershipControls on {STATE_ARN}",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "  denials recorded, none matching: "
            f"s3:PutBucketOwnershipControls on {STATE_ARN}",
        ]
    )


def test_denied_step_broken(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester,
        """
        import pytest

        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("denied", step="encrypt bucket")
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()
        """,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected denied at step 'encrypt bucket', but the run was denied",
            f"  denied: s3:PutBucketOwnershipControls on {STATE_ARN}",
            "  step: terragrunt bootstrap: create bucket",
        ],
        consecutive=True,
    )


def test_denied_broken_without_denials(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester,
        """
        import pytest

        @pytest.mark.tgstate_expect("denied:s3:GetObject")
        def test_x(tgstate):
            pass
        """,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected denied s3:GetObject, but the run succeeded",
            "  policy: full",
            f"  principal: {PRINCIPAL_ARN}",
            "*= tgstate =*",
        ],
        consecutive=True,
    )


def test_succeeds_broken_by_raised_denial(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester,
        """
        import boto3
        import pytest

        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("succeeds")
        def test_x(tgstate):
            boto3.client("s3").list_buckets()
        """,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected succeeds, but the run was denied",
            "  denied: s3:ListAllMyBuckets on *",
            "  decided by: implicit deny, no identity-based policy allows it",
            f"  message: {denial_message('s3:ListAllMyBuckets', '*')}",
            "  policy: minimal",
            f"  principal: {PRINCIPAL_ARN}",
            "  permissions missing:",
            "    s3:ListAllMyBuckets on *",
            "*= tgstate =*",
        ],
        consecutive=True,
    )


def test_succeeds_broken_by_failure(pytester: pytest.Pytester) -> None:
    result = run_broken(
        pytester,
        """
        import pytest

        @pytest.mark.tgstate_world(bucket="bootstrapped", table="wrong-key")
        @pytest.mark.tgstate_expect("succeeds")
        def test_x(tgstate):
            tgstate.terraform.apply()
        """,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x _*",
            "tgstate: expected succeeds, but the run failed",
            "  error: Error acquiring the state lock: An error occurred "
            "(ValidationException) when calling the PutItem operation: *",
            "  policy: full",
            f"  principal: {PRINCIPAL_ARN}",
            "*= tgstate =*",
        ],
        consecutive=True,
    )


def test_other_error_reported_as_itself(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_broken="""
        import pytest

        @pytest.mark.tgstate_expect("denied")
        def test_denied_expected(tgstate):
            raise RuntimeError("the test body broke")

        @pytest.mark.tgstate_expect("succeeds")
        def test_success_expected(tgstate):
            tgstate.terragrunt.bootstrap()
            raise KeyError("missing-key")
        """
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*_ test_denied_expected _*",
            "*",
            "tgstate = <Tgstate account=123456789012 region=us-east-1 "
            f"principal={PRINCIPAL_ARN}>",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            '>       raise RuntimeError("the test body broke")',
            "E       RuntimeError: the test body broke",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            '>       raise KeyError("missing-key")',
            "E       KeyError: 'missing-key'",
        ]
    )
    result.stdout.no_fnmatch_line("tgstate: expected*")
    result.assert_outcomes(failed=2)
    assert_no_plugin_frames(result)


def test_assertion_after_denial_kept(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_broken="""
        import pytest

        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("denied")
        def test_x(tgstate):
            result = tgstate.terragrunt.bootstrap()
            assert result.outcome == "succeeded"
        """
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        ["E       AssertionError: assert 'denied' == 'succeeded'"]
    )
    result.assert_outcomes(failed=1)
    assert_no_plugin_frames(result)


def test_skip_after_denial_kept(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("succeeds")
        def test_skipped_after_denial(tgstate):
            tgstate.terragrunt.bootstrap()
            pytest.skip("not ready")
        """
    )
    result = pytester.runpytest("-rs")
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] *: not ready"])
    result.assert_outcomes(skipped=1)
