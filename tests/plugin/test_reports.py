"""Reporting: the header line, the summary section, JUnit XML properties."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from importlib import metadata

import pytest

from .support import SUBPROCESS_TIMEOUT

HEADER = (
    f"tgstate: pytest-tgstate 0.1.0, moto {metadata.version('moto')}, "
    f"boto3 {metadata.version('boto3')}; models Terragrunt 1.1.3 (current) and "
    "before 0.85 (legacy), Terraform 1.15.5; account 123456789012, region us-east-1"
)

SUMMARY_TESTS = """
    import pytest

    def test_a(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_policy("minimal")
    @pytest.mark.tgstate_expect("denied")
    def test_b(tgstate):
        tgstate.terragrunt.bootstrap()

    @pytest.mark.tgstate_world(bucket="bootstrapped", table="present")
    @pytest.mark.tgstate_matrix(minimal="denied:s3:GetEncryption*")
    def test_c(tgstate):
        tgstate.terragrunt.bootstrap()

    def test_no_world():
        pass
"""

#: Column widths of the summary of SUMMARY_TESTS: each is its longest cell.
SUMMARY_WIDTHS = (26, 7, 24, 9, 62, 49)


def summary_line(*cells: str) -> str:
    """Return a summary row as a pattern: cells padded to the widths, two apart."""
    padded = [
        cell.ljust(width) for cell, width in zip(cells, SUMMARY_WIDTHS, strict=True)
    ]
    text = "  ".join(padded).rstrip()
    return "".join(f"[{char}]" if char in "[]*?" else char for char in text)


STATE_ARN = "arn:aws:s3:::terragrunt-state"
IMPLICIT = "implicit deny, no identity-based policy allows it"

SUMMARY_LINES = [
    "*= tgstate =*",
    summary_line("test", "policy", "expected", "actual", "denied", "statement"),
    summary_line(*("-" * width for width in SUMMARY_WIDTHS)),
    summary_line("test_s.py::test_a", "full", "-", "succeeded", "-", "-"),
    summary_line(
        "test_s.py::test_b",
        "minimal",
        "denied",
        "denied",
        f"s3:PutBucketOwnershipControls on {STATE_ARN}",
        IMPLICIT,
    ),
    summary_line(
        "test_s.py::test_c[minimal]",
        "minimal",
        "denied s3:GetEncryption*",
        "denied",
        f"s3:GetEncryptionConfiguration on {STATE_ARN}",
        IMPLICIT,
    ),
]


def test_header_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines([HEADER])


def test_header_line_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess(timeout=SUBPROCESS_TIMEOUT)
    result.stdout.fnmatch_lines([HEADER])


def test_summary_rows(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_s=SUMMARY_TESTS)
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(SUMMARY_LINES, consecutive=True)
    result.stdout.no_fnmatch_line("*test_no_world*")
    result.assert_outcomes(passed=4)


def test_summary_rows_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_s=SUMMARY_TESTS)
    result = pytester.runpytest_subprocess("-v", timeout=SUBPROCESS_TIMEOUT)
    result.stdout.fnmatch_lines(SUMMARY_LINES, consecutive=True)
    result.assert_outcomes(passed=4)


def test_summary_absent_without_worlds(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest()
    result.stdout.no_fnmatch_line("*= tgstate =*")
    result.assert_outcomes(passed=1)


def junit_properties(path: str) -> dict[str, dict[str, str]]:
    """Return each test case's properties from a JUnit XML file, by test name."""
    tree = ElementTree.parse(path)
    cases: dict[str, dict[str, str]] = {}
    for case in tree.iter("testcase"):
        cases[str(case.get("name"))] = {
            str(item.get("name")): str(item.get("value"))
            for item in case.iter("property")
        }
    return cases


def test_junitxml_properties(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_s=SUMMARY_TESTS)
    result = pytester.runpytest("--junitxml", "junit.xml")
    result.assert_outcomes(passed=4)
    cases = junit_properties(str(pytester.path / "junit.xml"))
    assert cases["test_b"] == {
        "tgstate_policy": "minimal",
        "tgstate_expected": "denied",
        "tgstate_actual": "denied",
        "tgstate_denied_action": "s3:PutBucketOwnershipControls",
        "tgstate_denied_resource": "arn:aws:s3:::terragrunt-state",
        "tgstate_statement": "implicit deny, no identity-based policy allows it",
        "tgstate_step": "terragrunt bootstrap: create bucket",
    }
    assert cases["test_a"]["tgstate_actual"] == "succeeded"
    assert cases["test_a"]["tgstate_denied_action"] == ""
    assert cases["test_c[minimal]"]["tgstate_expected"] == ("denied s3:GetEncryption*")
    assert cases["test_no_world"] == {}


def test_junitxml_explicit_statement(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_s="""
        import pytest

        DENY_VERSIONING = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Sid": "NoVersioning", "Effect": "Deny",
                 "Action": "s3:PutBucketVersioning", "Resource": "*"},
            ],
        }

        @pytest.mark.tgstate_policy(DENY_VERSIONING)
        @pytest.mark.tgstate_expect("denied:s3:PutBucketVersioning")
        def test_explicit(tgstate):
            tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest_subprocess(
        "--junitxml", "junit.xml", timeout=SUBPROCESS_TIMEOUT
    )
    result.assert_outcomes(passed=1)
    properties = junit_properties(str(pytester.path / "junit.xml"))["test_explicit"]
    assert properties["tgstate_policy"] == "inline policy"
    assert properties["tgstate_statement"] == (
        'identity-based policy tgstate-user-policy, Sid "NoVersioning"'
    )
    assert properties["tgstate_step"] == "terragrunt bootstrap: enable versioning"


def test_nested_session_keeps_records(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_nest="""
        def test_nested_run(pytester):
            pytester.makepyfile("def test_inner(tgstate):\\n    pass\\n")
            pytester.runpytest().assert_outcomes(passed=1)

        def test_after_nested(tgstate):
            pass
        """
    )
    result = pytester.runpytest("-p", "pytester", "--tgstate-report", "report.json")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["test_nest.py::test_after_nested  full  *"])
    report = (pytester.path / "report.json").read_text()
    assert '"test": "test_nest.py::test_after_nested"' in report
    assert "test_inner" not in report
