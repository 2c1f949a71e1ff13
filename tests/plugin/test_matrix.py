"""``tgstate_matrix``: one test item per policy, each with its own expectation."""

from __future__ import annotations

import pytest

from .support import SUBPROCESS_TIMEOUT

DOCUMENTED_MATRIX = """
    import pytest

    pytestmark = pytest.mark.tgstate_world(bucket="bootstrapped", table="present")

    @pytest.mark.tgstate_matrix(
        full="succeeds",
        minimal="denied:s3:GetEncryptionConfiguration",
        external_bucket="denied",
    )
    def test_x(tgstate):
        tgstate.terragrunt.bootstrap()
"""


def test_matrix_ids_verbose(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_matrix=DOCUMENTED_MATRIX)
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(
        [
            "test_matrix.py::test_x[[]full[]] PASSED *",
            "test_matrix.py::test_x[[]minimal[]] PASSED *",
            "test_matrix.py::test_x[[]external-bucket[]] PASSED *",
        ]
    )
    result.assert_outcomes(passed=3)


def test_matrix_ids_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_matrix=DOCUMENTED_MATRIX)
    result = pytester.runpytest_subprocess("-v", timeout=SUBPROCESS_TIMEOUT)
    result.stdout.fnmatch_lines(
        [
            "test_matrix.py::test_x[[]full[]] PASSED *",
            "test_matrix.py::test_x[[]minimal[]] PASSED *",
            "test_matrix.py::test_x[[]external-bucket[]] PASSED *",
        ]
    )
    result.assert_outcomes(passed=3)


def test_matrix_select_with_k(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_matrix=DOCUMENTED_MATRIX)
    result = pytester.runpytest("-v", "-k", "minimal")
    result.stdout.fnmatch_lines(
        [
            "*collected 3 items / 2 deselected / 1 selected",
            "test_matrix.py::test_x[[]minimal[]] PASSED *",
        ]
    )
    result.assert_outcomes(passed=1, deselected=2)


def test_matrix_case_sets_policy(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_matrix="""
        import pytest

        @pytest.mark.tgstate_matrix(full="succeeds", minimal="denied")
        def test_x(tgstate):
            print("policy", tgstate.policy_name)
            tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(["policy full"])
    result.stdout.fnmatch_lines(["policy minimal"])
    result.assert_outcomes(passed=2)


def test_matrix_without_tgstate_argument(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_matrix="""
        import pytest

        @pytest.mark.tgstate_matrix(full="succeeds", minimal="denied")
        def test_x():
            pass
        """
    )
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(
        [
            "test_matrix.py::test_x[[]full[]] PASSED *",
            "test_matrix.py::test_x[[]minimal[]] FAILED *",
        ]
    )
    result.stdout.fnmatch_lines(["tgstate: expected denied, but the run succeeded"])
    result.assert_outcomes(passed=1, failed=1)


def test_matrix_broken_case_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_matrix="""
        import pytest

        @pytest.mark.tgstate_matrix(full="succeeds", minimal="succeeds")
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(
        [
            "test_matrix.py::test_x[[]full[]] PASSED *",
            "test_matrix.py::test_x[[]minimal[]] FAILED *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_x[[]minimal[]] _*",
            "tgstate: expected succeeds, but the run was denied",
        ]
    )
    result.assert_outcomes(passed=1, failed=1)


def test_matrix_dict_expectations(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_matrix="""
        import pytest

        pytestmark = pytest.mark.tgstate_world(bucket="bootstrapped", table="present")

        @pytest.mark.tgstate_matrix(
            full={"outcome": "succeeds", "no_denials": True},
            minimal={
                "outcome": "denied",
                "action": "s3:GetEncryption*",
                "step": "read bucket encryption",
            },
            external_bucket={
                "outcome": "denied", "resource": "arn:aws:s3:::terragrunt-*"
            },
        )
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()

        @pytest.mark.tgstate_matrix(
            minimal={"outcome": "denied", "step": "encrypt bucket"}
        )
        def test_wrong_step(tgstate):
            tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(
        [
            "test_matrix.py::test_x[[]full[]] PASSED *",
            "test_matrix.py::test_x[[]minimal[]] PASSED *",
            "test_matrix.py::test_x[[]external-bucket[]] PASSED *",
            "test_matrix.py::test_wrong_step[[]minimal[]] FAILED *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "tgstate: expected denied at step 'encrypt bucket', but the run was denied",
        ]
    )
    result.assert_outcomes(passed=3, failed=1)


def test_matrix_registered_policy(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def read_only(values):
            return {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Action": [
                        "s3:ListBucket", "s3:GetObject", "sts:GetCallerIdentity"
                    ],
                    "Resource": "*",
                }],
            }

        def pytest_tgstate_policies(config):
            return {"read-only": read_only}
        """
    )
    pytester.makepyfile(
        test_matrix="""
        import pytest

        @pytest.mark.tgstate_matrix(full="succeeds", read_only="denied:s3:CreateBucket")
        def test_x(tgstate):
            tgstate.terragrunt.bootstrap()

        @pytest.mark.tgstate_policy("read-only")
        @pytest.mark.tgstate_expect("denied:s3:CreateBucket")
        def test_marker(tgstate):
            print("policy", tgstate.policy_name)
            tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest("-v", "-rP")
    result.stdout.fnmatch_lines(
        [
            "test_matrix.py::test_x[[]full[]] PASSED *",
            "test_matrix.py::test_x[[]read-only[]] PASSED *",
            "test_matrix.py::test_marker PASSED *",
        ]
    )
    result.stdout.fnmatch_lines(["policy read-only"])
    result.assert_outcomes(passed=3)


def test_matrix_class_and_function_merge(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_matrix="""
        import pytest

        @pytest.mark.tgstate_matrix(full="succeeds", minimal="succeeds")
        class TestBootstrap:
            @pytest.mark.tgstate_matrix(minimal="denied")
            def test_x(self, tgstate):
                tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(
        [
            "test_matrix.py::TestBootstrap::test_x[[]full[]] PASSED *",
            "test_matrix.py::TestBootstrap::test_x[[]minimal[]] PASSED *",
        ]
    )
    result.assert_outcomes(passed=2)


def test_matrix_underscore_registered_name(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        STS_ONLY = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
        }

        def pytest_tgstate_policies(config):
            return {"sts_only": STS_ONLY}
        """
    )
    pytester.makepyfile(
        test_matrix="""
        import pytest

        @pytest.mark.tgstate_matrix(sts_only="denied:s3:ListBucket", full="succeeds")
        def test_x(tgstate):
            print("policy", tgstate.policy_name)
            tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest("-v", "-rP")
    result.stdout.fnmatch_lines(
        [
            "test_matrix.py::test_x[[]sts-only[]] PASSED *",
            "test_matrix.py::test_x[[]full[]] PASSED *",
        ]
    )
    result.stdout.fnmatch_lines(["policy sts_only"])
    result.assert_outcomes(passed=2)
