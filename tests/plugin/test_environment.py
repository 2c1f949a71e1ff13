"""Hermetic environment: a tgstate test never reads the caller's AWS configuration."""

from __future__ import annotations

import pytest

from .support import PRINCIPAL_ARN, SUBPROCESS_TIMEOUT

DECOY_KEY = "AKIADECOYDECOYDECOY1"

DECOY_CREDENTIALS = f"""\
[default]
aws_access_key_id = {DECOY_KEY}
aws_secret_access_key = decoy-secret

[decoy]
aws_access_key_id = {DECOY_KEY}
aws_secret_access_key = decoy-secret
"""

DECOY_CONFIG = """\
[default]
region = ap-south-1

[profile decoy]
region = ap-south-1
"""

INNER_TESTS = f"""
    import os

    import boto3

    SNAPSHOT = {{}}
    SAVED_SESSIONS = []

    def test_before():
        SNAPSHOT.update(os.environ)
        boto3.setup_default_session(
            aws_access_key_id="{DECOY_KEY}",
            aws_secret_access_key="decoy-secret",
            region_name="ap-south-1",
        )
        SAVED_SESSIONS.append(boto3.DEFAULT_SESSION)
        print("decoy key outside", os.environ["AWS_ACCESS_KEY_ID"])

    def test_inside(tgstate):
        print("default session cleared", boto3.DEFAULT_SESSION is None)
        identity = boto3.client("sts").get_caller_identity()
        print("identity", identity["Arn"])
        session = boto3.Session()
        print("key is principal key",
              session.get_credentials().access_key == tgstate.principal.access_key_id)
        print("region", session.region_name)
        print("profile variable", os.environ.get("AWS_PROFILE"))
        print("endpoint variable", os.environ.get("AWS_ENDPOINT_URL"))
        print("config file in test home",
              os.environ["AWS_CONFIG_FILE"].startswith(str(tgstate.home)))
        with open(os.environ["AWS_SHARED_CREDENTIALS_FILE"]) as file:
            print("credentials file empty", file.read() == "")

    def test_after():
        # pytest itself sets PYTEST_CURRENT_TEST to each test's name.
        changed = {{
            name for name in {{*os.environ, *SNAPSHOT}}
            if os.environ.get(name) != SNAPSHOT.get(name)
        }}
        print("changed variables", sorted(changed))
        print("default session restored", boto3.DEFAULT_SESSION is SAVED_SESSIONS[0])
"""

EXPECTED_LINES = [
    f"decoy key outside {DECOY_KEY}",
    "default session cleared True",
    f"identity {PRINCIPAL_ARN}",
    "key is principal key True",
    "region us-east-1",
    "profile variable None",
    "endpoint variable None",
    "config file in test home True",
    "credentials file empty True",
    "changed variables ['PYTEST_CURRENT_TEST']",
    "default session restored True",
]


@pytest.fixture
def decoys(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put decoy AWS variables and files where boto3 would find them.

    pytester sets ``HOME`` to its own folder, so the decoy ``~/.aws`` is
    that folder's ``.aws``. The endpoint is a closed loopback port.
    """
    aws = pytester.path / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text(DECOY_CREDENTIALS)
    (aws / "config").write_text(DECOY_CONFIG)
    decoy_config = pytester.path / "decoy-config"
    decoy_config.write_text(DECOY_CONFIG)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DECOY_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "decoy-secret")
    monkeypatch.setenv("AWS_PROFILE", "decoy")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(decoy_config))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


@pytest.mark.usefixtures("decoys")
def test_decoys_unused_inline(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(INNER_TESTS)
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(EXPECTED_LINES)
    result.assert_outcomes(passed=3)


@pytest.mark.usefixtures("decoys")
def test_decoys_unused_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(INNER_TESTS)
    result = pytester.runpytest_subprocess("-rP", timeout=SUBPROCESS_TIMEOUT)
    result.stdout.fnmatch_lines(EXPECTED_LINES)
    result.assert_outcomes(passed=3)


def test_missing_profile_no_setup_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "profile-nobody-defined")
    pytester.makepyfile(
        """
        def test_profile(tgstate):
            print("bootstrap", tgstate.terragrunt.bootstrap().outcome)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(["bootstrap succeeded"])
    result.assert_outcomes(passed=1)


def test_variables_restored_after_failure(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "decoy")
    pytester.makepyfile(
        """
        import os

        SNAPSHOT = {}

        def test_before():
            SNAPSHOT.update(os.environ)

        def test_failing(tgstate):
            os.environ["AWS_REGION"] = "changed-by-test"
            os.environ["TGSTATE_PROBE"] = "set-by-test"
            raise RuntimeError("the test body failed")

        def test_after():
            # pytest itself sets PYTEST_CURRENT_TEST to each test's name.
            changed = {
                name for name in {*os.environ, *SNAPSHOT}
                if os.environ.get(name) != SNAPSHOT.get(name)
            }
            print("changed variables", sorted(changed))
            print("profile", os.environ["AWS_PROFILE"])
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        ["changed variables ['PYTEST_CURRENT_TEST']", "profile decoy"]
    )
    result.assert_outcomes(passed=2, failed=1)
