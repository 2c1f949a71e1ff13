"""The plugin's hooks, implemented in an inner run's ``conftest.py``."""

from __future__ import annotations

import pytest

from .support import SUBPROCESS_TIMEOUT


def test_policies_hook_dict(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        STS_ONLY = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
        }

        def pytest_tgstate_policies(config):
            return {"sts-only": STS_ONLY}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_policy("sts-only")
        @pytest.mark.tgstate_expect("denied:s3:ListBucket")
        def test_marker(tgstate):
            print("policy", tgstate.policy_name)
            tgstate.terragrunt.bootstrap()

        def test_handle(tgstate):
            policy = tgstate.policy("sts-only")
            print("statements", len(policy.statements), policy.statements[0].actions)
            reader = tgstate.create_user("reader", policy="sts-only")
            arn = tgstate.client("sts", reader).get_caller_identity()["Arn"]
            print("reader", arn)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(["policy sts-only"])
    result.stdout.fnmatch_lines(
        [
            "statements 1 ('sts:*',)",
            "reader arn:aws:iam::123456789012:user/reader",
        ]
    )
    result.assert_outcomes(passed=2)


def test_policies_hook_callable(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        SEEN = []

        def state_bucket_only(values):
            SEEN.append(values)
            table = f"arn:aws:dynamodb:*:{values.account}:table/{values.table}"
            return {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:GetCallerIdentity",
                     "Resource": "*"},
                    {"Effect": "Allow", "Action": "s3:*",
                     "Resource": [f"arn:aws:s3:::{values.bucket}",
                                  f"arn:aws:s3:::{values.bucket}/*"]},
                    {"Effect": "Allow", "Action": "dynamodb:*",
                     "Resource": table},
                ],
            }

        def pytest_tgstate_policies(config):
            return {"state-bucket-only": state_bucket_only}
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from conftest import SEEN

        @pytest.mark.tgstate_world(
            account="444455556666",
            config={"bucket": "team-state", "key": "team/tf.tfstate",
                    "dynamodb_table": "team-locks"},
        )
        @pytest.mark.tgstate_policy("state-bucket-only")
        @pytest.mark.tgstate_expect("succeeds", no_denials=True)
        def test_callable(tgstate):
            values = SEEN[-1]
            print("values", values.account, values.bucket, values.table, values.key)
            tgstate.terragrunt.bootstrap()
            tgstate.terraform.apply()
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        ["values 444455556666 team-state team-locks team/tf.tfstate"]
    )
    result.assert_outcomes(passed=1)


def test_policies_hook_later_wins(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def policy(action):
            return {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
            }

        def pytest_tgstate_policies(config):
            return {"shared": policy("s3:GetObject"), "root-only": policy("sts:*")}
        """
    )
    sub = pytester.mkpydir("sub")
    (sub / "conftest.py").write_text(
        "from conftest import policy\n"
        "\n"
        "def pytest_tgstate_policies(config):\n"
        '    return {"shared": policy("s3:PutObject")}\n'
    )
    (sub / "test_names.py").write_text(
        "def test_names(tgstate):\n"
        '    print("shared", tgstate.policy("shared").statements[0].actions)\n'
        '    print("root-only", tgstate.policy("root-only").statements[0].actions)\n'
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(["shared ('s3:PutObject',)", "root-only ('sts:*',)"])
    result.assert_outcomes(passed=1)


def test_presets_hook_runs_last(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIADECOYDECOYDECOY1")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "decoy-secret")
    pytester.makeconftest(
        """
        import boto3

        def seed_state(tgstate):
            print("preset sees bucket", tgstate.bucket().exists)
            print("preset sees principal", tgstate.principal.arn)
            identity = boto3.client("sts").get_caller_identity()["Arn"]
            print("preset boto3 identity", identity)
            admin = tgstate.world.admin_client("s3")
            admin.put_object(Bucket="terragrunt-state", Key="env/app/terraform.tfstate",
                             Body=b"{}")

        def pytest_tgstate_world_presets(config):
            return {"seeded": seed_state}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(preset="seeded", bucket="bootstrapped")
        def test_seeded(tgstate):
            print("state object", tgstate.bucket().keys)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "preset sees bucket True",
            "preset sees principal arn:aws:iam::123456789012:user/tgstate-user",
            "preset boto3 identity arn:aws:iam::123456789012:user/tgstate-user",
            "state object ('env/app/terraform.tfstate',)",
        ]
    )
    result.assert_outcomes(passed=1)


WORKFLOW_CONFTEST = """
    from pytest_tgstate.workflows.steps import run_workflow

    def list_state(tgstate):
        s3 = tgstate.client("s3")

        def body(record):
            record.call("list state objects", s3, "list_objects_v2",
                        Bucket=tgstate.config.bucket)

        return run_workflow(tgstate.world, "list state", body)

    def pytest_tgstate_workflows(config):
        return {"list-state": list_state}
"""


def test_workflows_hook(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(WORKFLOW_CONFTEST)
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.tgstate_world(bucket="bootstrapped")

        def test_run(tgstate):
            result = tgstate.run_workflow("list-state")
            print("outcome", result.outcome, [step.name for step in result.steps])
            print("kept", tgstate.results == [result])

        STS_ONLY = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
        }

        @pytest.mark.tgstate_policy(STS_ONLY)
        @pytest.mark.tgstate_expect("denied:s3:ListBucket", step="list state objects")
        def test_denied(tgstate):
            tgstate.run_workflow("list-state")

        def test_unknown(tgstate):
            with pytest.raises(KeyError) as raised:
                tgstate.run_workflow("apply-everything")
            print("error", raised.value.args[0])
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        ["outcome succeeded ['list state objects']", "kept True"]
    )
    result.stdout.fnmatch_lines(
        [
            "error unknown workflow 'apply-everything'; "
            "registered workflows: list-state",
        ]
    )
    result.assert_outcomes(passed=3)


def test_workflows_hook_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(WORKFLOW_CONFTEST)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(bucket="bootstrapped")
        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("succeeds")
        def test_run(tgstate):
            tgstate.run_workflow("list-state")
        """
    )
    result = pytester.runpytest_subprocess(timeout=SUBPROCESS_TIMEOUT)
    result.assert_outcomes(passed=1)


DECISION_CONFTEST = """
    CALLS = []

    def pytest_tgstate_decision(entry, item):
        CALLS.append((item.name, entry.sequence, entry.operation, entry.allowed))
"""

DECISION_TESTS = """
    import pytest
    from botocore.exceptions import ClientError
    from conftest import CALLS

    def test_first(tgstate):
        tgstate.client("sts").get_caller_identity()
        try:
            tgstate.client("s3").list_buckets()
        except ClientError:
            pass

    def test_second(tgstate):
        tgstate.client("sts").get_caller_identity()

    def test_report():
        for call in CALLS:
            print("call", *call)
        print("calls", len(CALLS))
"""


def test_decision_hook_once_per_request(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(DECISION_CONFTEST)
    pytester.makepyfile(DECISION_TESTS)
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "call test_first 1 GetCallerIdentity True",
            "call test_first 2 ListBuckets False",
            "call test_second 1 GetCallerIdentity True",
            "calls 3",
        ],
        consecutive=True,
    )
    result.assert_outcomes(passed=3)


def test_decision_hook_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(DECISION_CONFTEST)
    pytester.makepyfile(DECISION_TESTS)
    result = pytester.runpytest_subprocess("-rP", timeout=SUBPROCESS_TIMEOUT)
    result.stdout.fnmatch_lines(["calls 3"])
    result.assert_outcomes(passed=3)
