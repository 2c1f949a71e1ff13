"""Command-line options and their ini twins, and their usage errors."""

from __future__ import annotations

import json

import pytest

from .support import SUBPROCESS_TIMEOUT

SHOW_WORLD = """
    def test_world(tgstate):
        print("world", tgstate.account, tgstate.region, tgstate.principal.arn)
        print("config region", tgstate.config.region)
"""


def test_region_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SHOW_WORLD)
    result = pytester.runpytest("-rP", "--tgstate-region", "eu-west-3")
    result.stdout.fnmatch_lines(
        [
            "tgstate: pytest-tgstate *; account 123456789012, region eu-west-3",
            "world 123456789012 eu-west-3 *",
            "config region eu-west-3",
        ]
    )
    result.assert_outcomes(passed=1)


def test_region_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntgstate_region = ap-northeast-1\n")
    pytester.makepyfile(SHOW_WORLD)
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        ["world 123456789012 ap-northeast-1 *", "config region ap-northeast-1"]
    )
    result.assert_outcomes(passed=1)


def test_region_option_beats_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntgstate_region = ap-northeast-1\n")
    pytester.makepyfile(SHOW_WORLD)
    result = pytester.runpytest("-rP", "--tgstate-region", "eu-north-1")
    result.stdout.fnmatch_lines(["world 123456789012 eu-north-1 *"])
    result.assert_outcomes(passed=1)


def test_region_default_with_config_dict(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(config={"bucket": "terragrunt-other"})
        def test_dict(tgstate):
            print("regions", tgstate.region, tgstate.config.region)
        """
    )
    result = pytester.runpytest("-rP", "--tgstate-region", "eu-west-3")
    result.stdout.fnmatch_lines(["regions eu-west-3 eu-west-3"])
    result.assert_outcomes(passed=1)


def test_account_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SHOW_WORLD)
    result = pytester.runpytest("-rP", "--tgstate-account", "111122223333")
    result.stdout.fnmatch_lines(
        [
            "tgstate: pytest-tgstate *; account 111122223333, region us-east-1",
            "world 111122223333 us-east-1 arn:aws:iam::111122223333:user/tgstate-user",
        ]
    )
    result.assert_outcomes(passed=1)


def test_account_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntgstate_account = 444455556666\n")
    pytester.makepyfile(SHOW_WORLD)
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        ["world 444455556666 us-east-1 arn:aws:iam::444455556666:user/tgstate-user"]
    )
    result.assert_outcomes(passed=1)


def test_account_foreign_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_foreign(tgstate):
            print("accounts", tgstate.account, tgstate.foreign_account)
        """
    )
    result = pytester.runpytest("-rP", "--tgstate-account", "210987654321")
    result.stdout.fnmatch_lines(["accounts 210987654321 111122223333"])
    result.assert_outcomes(passed=1)


REPORTED_TESTS = """
    import pytest

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied:s3:PutBucketOwnershipControls")
    def test_denied(tgstate):
        tgstate.terragrunt.bootstrap()

    def test_plain(tgstate):
        pass

    def test_no_world():
        pass
"""


def read_report(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    tests: list[dict[str, str]] = document["tests"]
    return tests


def test_report_option_writes_json(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_reported=REPORTED_TESTS)
    (pytester.path / "out").mkdir()
    result = pytester.runpytest("--tgstate-report", "out/tgstate.json")
    result.assert_outcomes(passed=3)
    rows = read_report(str(pytester.path / "out" / "tgstate.json"))
    assert rows == [
        {
            "test": "test_reported.py::test_denied",
            "policy": "minimal",
            "expected": "denied s3:PutBucketOwnershipControls",
            "actual": "denied",
            "denied_action": "s3:PutBucketOwnershipControls",
            "denied_resource": "arn:aws:s3:::terragrunt-state",
            "statement": "implicit deny, no identity-based policy allows it",
            "step": "terragrunt bootstrap: create bucket",
            "result": "passed",
        },
        {
            "test": "test_reported.py::test_plain",
            "policy": "full",
            "expected": "",
            "actual": "succeeded",
            "denied_action": "",
            "denied_resource": "",
            "statement": "",
            "step": "",
            "result": "passed",
        },
    ]


def test_report_document_fields(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_reported=REPORTED_TESTS)
    result = pytester.runpytest("--tgstate-report", "tgstate.json")
    result.assert_outcomes(passed=3)
    with open(pytester.path / "tgstate.json", encoding="utf-8") as file:
        document = json.load(file)
    assert document["plugin"] == "pytest-tgstate 0.1.0"
    assert document["terragrunt_model"] == "1.1.3"
    assert document["terraform_model"] == "1.15.5"
    assert len(document["tests"]) == 2


def test_report_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntgstate_report = from-ini.json\n")
    pytester.makepyfile(test_reported=REPORTED_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)
    rows = read_report(str(pytester.path / "from-ini.json"))
    assert [row["test"] for row in rows] == [
        "test_reported.py::test_denied",
        "test_reported.py::test_plain",
    ]


def test_report_option_beats_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntgstate_report = from-ini.json\n")
    pytester.makepyfile(test_reported=REPORTED_TESTS)
    result = pytester.runpytest("--tgstate-report", "from-option.json")
    result.assert_outcomes(passed=3)
    assert (pytester.path / "from-option.json").is_file()
    assert not (pytester.path / "from-ini.json").exists()


def test_report_records_failures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_reported="""
        import pytest

        @pytest.mark.tgstate_policy("minimal")
        @pytest.mark.tgstate_expect("succeeds")
        def test_broken(tgstate):
            tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest_subprocess(
        "--tgstate-report", "tgstate.json", timeout=SUBPROCESS_TIMEOUT
    )
    result.assert_outcomes(failed=1)
    (row,) = read_report(str(pytester.path / "tgstate.json"))
    assert row["result"] == "failed"
    assert row["expected"] == "succeeds"
    assert row["actual"] == "denied"
    assert row["denied_action"] == "s3:PutBucketOwnershipControls"


def test_summary_option_no(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_reported=REPORTED_TESTS)
    shown = pytester.runpytest()
    shown.stdout.fnmatch_lines(["*= tgstate =*"])
    hidden = pytester.runpytest("--tgstate-summary", "no")
    hidden.stdout.no_fnmatch_line("*= tgstate =*")
    hidden.assert_outcomes(passed=3)


def test_summary_ini_false(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntgstate_summary = false\n")
    pytester.makepyfile(test_reported=REPORTED_TESTS)
    hidden = pytester.runpytest()
    hidden.stdout.no_fnmatch_line("*= tgstate =*")
    hidden.assert_outcomes(passed=3)
    shown = pytester.runpytest("--tgstate-summary", "yes")
    shown.stdout.fnmatch_lines(["*= tgstate =*"])


def test_summary_option_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_reported=REPORTED_TESTS)
    result = pytester.runpytest_subprocess(
        "--tgstate-summary", "no", timeout=SUBPROCESS_TIMEOUT
    )
    result.stdout.no_fnmatch_line("*= tgstate =*")
    result.assert_outcomes(passed=3)


#: (command-line arguments, ini text, standard error line)
USAGE_ERRORS = {
    "region option": (
        ["--tgstate-region", "moon-1"],
        "",
        "ERROR: --tgstate-region (ini tgstate_region): 'moon-1' is not an AWS "
        "region; write it like us-east-1 or eu-central-1",
    ),
    "region ini": (
        [],
        "tgstate_region = moon-1",
        "ERROR: --tgstate-region (ini tgstate_region): 'moon-1' is not an AWS "
        "region; write it like us-east-1 or eu-central-1",
    ),
    "account option": (
        ["--tgstate-account", "123"],
        "",
        "ERROR: --tgstate-account (ini tgstate_account): '123' is invalid; "
        "an AWS account id is 12 digits",
    ),
    "account ini": (
        [],
        "tgstate_account = 12345678901x",
        "ERROR: --tgstate-account (ini tgstate_account): '12345678901x' is "
        "invalid; an AWS account id is 12 digits",
    ),
    "report directory": (
        ["--tgstate-report", "reports"],
        "",
        "ERROR: --tgstate-report (ini tgstate_report): 'reports' is a directory; "
        "give a file path such as tgstate.json",
    ),
    "report missing folder option": (
        ["--tgstate-report", "missing/tgstate.json"],
        "",
        "ERROR: --tgstate-report (ini tgstate_report): the folder of "
        "'missing/tgstate.json' does not exist; create it first",
    ),
    "report missing folder ini": (
        [],
        "tgstate_report = missing/tgstate.json",
        "ERROR: --tgstate-report (ini tgstate_report): the folder of "
        "'missing/tgstate.json' does not exist; create it first",
    ),
}


@pytest.mark.parametrize(
    ("arguments", "ini", "message"),
    list(USAGE_ERRORS.values()),
    ids=list(USAGE_ERRORS),
)
def test_bad_value_usage_error(
    pytester: pytest.Pytester, arguments: list[str], ini: str, message: str
) -> None:
    pytester.mkdir("reports")
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(SHOW_WORLD)
    result = pytester.runpytest(*arguments)
    result.stderr.fnmatch_lines([message])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_bad_value_usage_error_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SHOW_WORLD)
    result = pytester.runpytest_subprocess(
        "--tgstate-region", "moon-1", timeout=SUBPROCESS_TIMEOUT
    )
    result.stderr.fnmatch_lines(
        [
            "ERROR: --tgstate-region (ini tgstate_region): 'moon-1' is not an AWS "
            "region; write it like us-east-1 or eu-central-1",
        ]
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_summary_bad_choice(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SHOW_WORLD)
    result = pytester.runpytest("--tgstate-summary", "maybe")
    result.stderr.fnmatch_lines(
        ["*--tgstate-summary: invalid choice: 'maybe' (choose from *yes*no*)"]
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
