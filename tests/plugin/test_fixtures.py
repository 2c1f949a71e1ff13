"""The ``tgstate`` and ``tgstate_principal`` fixtures, seen from inner test runs."""

from __future__ import annotations

import pytest

from .support import ALLOW_ALL, PRINCIPAL_ARN, SUBPROCESS_TIMEOUT

WORLD_FACTS = """
    def test_facts(tgstate, tgstate_principal):
        print("account", tgstate.account)
        print("foreign_account", tgstate.foreign_account)
        print("region", tgstate.region)
        print("principal", tgstate.principal.arn)
        same = tgstate_principal is tgstate.principal
        print("fixture principal is handle principal", same)
        print("policy", tgstate.policy_name)
"""

WORLD_FACT_LINES = [
    "account 123456789012",
    "foreign_account 210987654321",
    "region us-east-1",
    f"principal {PRINCIPAL_ARN}",
    "fixture principal is handle principal True",
    "policy full",
]


def test_world_facts_inline(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(WORLD_FACTS)
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(WORLD_FACT_LINES)
    result.assert_outcomes(passed=1)


def test_world_facts_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(WORLD_FACTS)
    result = pytester.runpytest_subprocess("-rP", timeout=SUBPROCESS_TIMEOUT)
    result.stdout.fnmatch_lines(WORLD_FACT_LINES)
    result.assert_outcomes(passed=1)


def test_client_and_session_sign_as_principal(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_identities(tgstate):
            client = tgstate.client("sts")
            session = tgstate.session()
            print("client", client.get_caller_identity()["Arn"])
            print("session", session.client("sts").get_caller_identity()["Arn"])
            key = session.get_credentials().access_key
            same = key == tgstate.principal.access_key_id
            print("session key is principal key", same)
            print("client region", client.meta.region_name)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            f"client {PRINCIPAL_ARN}",
            f"session {PRINCIPAL_ARN}",
            "session key is principal key True",
            "client region us-east-1",
        ]
    )
    result.assert_outcomes(passed=1)


def test_env_for_subprocesses(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "decoy")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "decoy-token")
    pytester.makepyfile(
        """
        import json
        import subprocess
        import sys
        from pathlib import Path

        SHOW = (
            "import json, os; "
            "print(json.dumps({k: v for k, v in os.environ.items() "
            "if k.startswith('AWS_') or k == 'HOME'}))"
        )

        def test_env(tgstate):
            output = subprocess.run(
                [sys.executable, "-c", SHOW], env=tgstate.env,
                capture_output=True, text=True, check=True,
            ).stdout
            seen = json.loads(output)
            home = Path(tgstate.home)
            print("key is principal key",
                  seen["AWS_ACCESS_KEY_ID"] == tgstate.principal.access_key_id)
            print("secret is principal secret",
                  seen["AWS_SECRET_ACCESS_KEY"] == tgstate.principal.secret_access_key)
            print("config file in test home",
                  Path(seen["AWS_CONFIG_FILE"]).parent.parent == home)
            print("credentials file in test home",
                  Path(seen["AWS_SHARED_CREDENTIALS_FILE"]).parent.parent == home)
            print("HOME is test home", Path(seen["HOME"]) == home)
            print("region", seen["AWS_REGION"], seen["AWS_DEFAULT_REGION"])
            print("inherited", sorted(set(seen) & {"AWS_PROFILE", "AWS_SESSION_TOKEN"}))
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "key is principal key True",
            "secret is principal secret True",
            "config file in test home True",
            "credentials file in test home True",
            "HOME is test home True",
            "region us-east-1 us-east-1",
            "inherited []",
        ]
    )
    result.assert_outcomes(passed=1)


def test_terragrunt_then_terraform(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_workflows(tgstate):
            print("bootstrap", tgstate.terragrunt.bootstrap().outcome)
            print("init", tgstate.terraform.init().outcome)
            print("plan", tgstate.terraform.plan().outcome)
            print("apply", tgstate.terraform.apply().outcome)
            bucket = tgstate.bucket()
            print("versioning", bucket.versioning)
            print("state object", bucket.keys)
            print("lock table", tgstate.table().exists, tgstate.table().hash_key)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "bootstrap succeeded",
            "init succeeded",
            "plan succeeded",
            "apply succeeded",
            "versioning Enabled",
            "state object ('env/app/terraform.tfstate',)",
            "lock table True LockID",
        ]
    )
    result.assert_outcomes(passed=1)


def test_create_user_signs_as_user(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_user(tgstate):
            reader = tgstate.create_user("reader", policy="minimal")
            arn = tgstate.client("sts", reader).get_caller_identity()["Arn"]
            print("reader", arn)
            region = tgstate.client("s3", reader).meta.region_name
            print("region of reader's client", region)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "reader arn:aws:iam::123456789012:user/reader",
            "region of reader's client us-east-1",
        ]
    )
    result.assert_outcomes(passed=1)


def test_assume_role_enforces_trust(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import pytest
        from botocore.exceptions import ClientError

        @pytest.mark.tgstate_policy({ALLOW_ALL})
        def test_trust(tgstate):
            trusted = tgstate.create_user("trusted", policy={ALLOW_ALL})
            trust = {{
                "Version": "2012-10-17",
                "Statement": [{{
                    "Effect": "Allow",
                    "Principal": {{"AWS": trusted.arn}},
                    "Action": "sts:AssumeRole",
                }}],
            }}
            role = tgstate.create_role("deployer", trust=trust, policy="full")
            try:
                tgstate.assume_role(role)
            except ClientError as error:
                print("untrusted", error.response["Error"]["Code"])
            denial = tgstate.denials()[-1]
            print("decided by", denial.policy_kind, denial.reason)
            session = tgstate.assume_role(role, principal=trusted)
            print("trusted", session.arn)
            identity = tgstate.client("sts", session).get_caller_identity()["Arn"]
            print("session identity", identity)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "untrusted AccessDenied",
            "decided by resource-based policy implicit deny",
            "trusted arn:aws:sts::123456789012:assumed-role/deployer/tgstate-session",
            "session identity "
            "arn:aws:sts::123456789012:assumed-role/deployer/tgstate-session",
        ]
    )
    result.assert_outcomes(passed=1)


def test_set_states_and_views(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_states(tgstate):
            print("before", tgstate.bucket().exists, tgstate.table().exists)
            tgstate.set_bucket_state("bootstrapped")
            tgstate.set_table_state("wrong-key")
            tgstate.set_bucket_state("foreign", bucket="shared-state")
            bucket = tgstate.bucket()
            print("bucket", bucket.exists, bucket.versioning, bucket.encryption)
            print("sids", bucket.policy_sids)
            print("public access blocked", bucket.blocks_public_access)
            print("table", tgstate.table().exists, tgstate.table().hash_key)
            print("foreign owner", tgstate.bucket("shared-state").owner)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "before False False",
            "bucket True Enabled aws:kms",
            "sids ['EnforcedTLS', 'RootAccess']",
            "public access blocked True",
            "table True id",
            "foreign owner 210987654321",
        ]
    )
    result.assert_outcomes(passed=1)


def test_policy_renders_world_names(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import json
        import pytest

        @pytest.mark.tgstate_world(
            account="111122223333",
            config={"bucket": "app-state", "dynamodb_table": "app-locks"},
        )
        def test_render(tgstate):
            minimal = json.dumps(tgstate.policy("minimal").to_json())
            full = json.dumps(tgstate.policy("full").to_json())
            print("bucket named", "arn:aws:s3:::app-state" in minimal)
            state_object = "arn:aws:s3:::app-state/env/app/terraform.tfstate"
            print("state key named", state_object in minimal)
            print("table named", "table/app-locks" in minimal)
            print("account named", "dynamodb:*:111122223333:table" in full)
            left = "BUCKET_NAME" in minimal or "TABLE_NAME" in minimal
            print("placeholder left", left)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "bucket named True",
            "state key named True",
            "table named True",
            "account named True",
            "placeholder left False",
        ]
    )
    result.assert_outcomes(passed=1)


def test_policy_unknown_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_unknown(tgstate):
            try:
                tgstate.policy("fulll")
            except KeyError as error:
                print("error", error.args[0])
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "error unknown policy name 'fulll'; "
            "known names: external-bucket, full, minimal",
        ]
    )
    result.assert_outcomes(passed=1)


def test_denials_lists_denied_decisions(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from botocore.exceptions import ClientError

        @pytest.mark.tgstate_policy("minimal")
        def test_denials(tgstate):
            print("at start", tgstate.denials())
            try:
                tgstate.client("s3").list_buckets()
            except ClientError as error:
                print("error", error.response["Error"]["Code"])
            print("denied", [(d.action, d.resource) for d in tgstate.denials()])
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "at start []",
            "error AccessDenied",
            "denied [('s3:ListAllMyBuckets', '*')]",
        ]
    )
    result.assert_outcomes(passed=1)


def test_fixtures_listing_shows_docstrings(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(
        [
            "tgstate -- *fixtures.py:*",
            "    The test's AWS world on moto, with IAM decided by "
            "pytest-tgstate's gateway.",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "tgstate_principal -- *fixtures.py:*",
            "    The IAM user the test runs as, holding the ``tgstate_policy`` policy.",
        ]
    )
