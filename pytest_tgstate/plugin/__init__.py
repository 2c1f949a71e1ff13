"""The pytest plugin (``pytest11`` entry point ``tgstate``).

It registers the tgstate markers, options and hooks, provides the
``tgstate`` and ``tgstate_principal`` fixtures, checks each test's
expectation against its journal, and reports per test and policy.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from importlib import metadata
from typing import Any

import pytest

from .. import TERRAGRUNT_MODEL_VERSION, __version__
from ..workflows.terraform import TERRAFORM_VERSION
from . import hookspecs
from .fixtures import (
    EXPECTATION_KEY,
    HANDLE_KEY,
    _tgstate_markers,
    _tgstate_matrix_case,
    tgstate,
    tgstate_credentials,
    tgstate_principal,
    tgstate_server,
)
from .handle import Tgstate
from .markers import (
    MARKERS,
    MarkerError,
    marker_help,
    matrix_case_id,
    merged_marker,
)
from .outcome import check, is_denial_error, observe, summary_row
from .state import STATE_KEY, PluginState, read_options

__all__ = [
    "Tgstate",
    "_tgstate_markers",
    "_tgstate_matrix_case",
    "tgstate",
    "tgstate_credentials",
    "tgstate_principal",
    "tgstate_server",
]


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(
        "tgstate", "pytest-tgstate: IAM policies against Terraform state workflows"
    )
    group.addoption(
        "--tgstate-region",
        dest="tgstate_region",
        metavar="REGION",
        help="default AWS region of each test's world "
        "(ini tgstate_region; default us-east-1)",
    )
    group.addoption(
        "--tgstate-account",
        dest="tgstate_account",
        metavar="ACCOUNT",
        help="default 12-digit account id of each test's world "
        "(ini tgstate_account; default 123456789012)",
    )
    group.addoption(
        "--tgstate-report",
        dest="tgstate_report",
        metavar="PATH",
        help="write a JSON report of every tgstate test to PATH (ini tgstate_report)",
    )
    group.addoption(
        "--tgstate-summary",
        dest="tgstate_summary",
        choices=("yes", "no"),
        help="print the tgstate summary section at the end "
        "(ini tgstate_summary; default yes)",
    )
    parser.addini(
        "tgstate_region", "default AWS region of each test's world", default=""
    )
    parser.addini(
        "tgstate_account", "default account id of each test's world", default=""
    )
    parser.addini(
        "tgstate_report", "path of the JSON report of tgstate tests", default=""
    )
    parser.addini(
        "tgstate_summary",
        "print the tgstate summary section",
        type="bool",
        default=True,
    )


_RECORDER_NAME = "tgstate-recorder"


def pytest_configure(config: pytest.Config) -> None:
    for name in MARKERS:
        config.addinivalue_line("markers", marker_help(name))
    state = read_options(config)
    config.stash[STATE_KEY] = state
    config.pluginmanager.register(_Recorder(state), _RECORDER_NAME)


def pytest_unconfigure(config: pytest.Config) -> None:
    recorder = config.pluginmanager.get_plugin(_RECORDER_NAME)
    if recorder is not None:
        config.pluginmanager.unregister(recorder)
    state = config.stash.get(STATE_KEY, None)
    if state is not None and state.world is not None:
        state.world.stop()


def pytest_report_header(config: pytest.Config) -> str:
    state = config.stash[STATE_KEY]
    return (
        f"tgstate: pytest-tgstate {__version__}, moto {metadata.version('moto')}, "
        f"boto3 {metadata.version('boto3')}; "
        f"models Terragrunt {TERRAGRUNT_MODEL_VERSION} (current) and before 0.85 "
        f"(legacy), Terraform {TERRAFORM_VERSION}; "
        f"account {state.account}, region {state.region}"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("tgstate_matrix") is None:
        return
    try:
        cases = merged_marker(metafunc.definition, "tgstate_matrix")
    except MarkerError:
        # Left unparametrized, the test fails at setup with the marker's
        # error, and the rest of the session still runs.
        return
    assert cases is not None
    metafunc.parametrize(
        "_tgstate_matrix_case",
        list(cases.items()),
        ids=[matrix_case_id(keyword) for keyword in cases],
        indirect=True,
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    error: BaseException | None = None
    try:
        result = yield
    except BaseException as raised:  # re-raised below unless it was the expected denial
        error = raised
        result = None
    handle = item.stash.get(HANDLE_KEY, None)
    if handle is None:
        if error is not None:
            raise error
        return result
    expectation = item.stash.get(EXPECTATION_KEY, None)
    observation = observe(handle, error if isinstance(error, Exception) else None)
    item.user_properties.extend(observation.properties(handle.policy_name, expectation))
    if error is not None and not isinstance(error, Exception):
        # pytest.skip, pytest.xfail, pytest.exit and KeyboardInterrupt keep
        # their meaning whatever the journal holds.
        raise error
    if expectation is None:
        if error is not None:
            raise error
        return result
    message = check(handle, expectation, observation, error)
    if message is not None:
        pytest.fail(message, pytrace=False)
    if error is not None and not (
        expectation.outcome == "denied" and is_denial_error(error)
    ):
        raise error
    return result


class _Recorder:
    """Collects the tgstate properties of each test report into the session's records.

    Registered per config, so a pytest run inside a test (pytester) keeps
    its own records. Under pytest-xdist it runs in the controller, on the
    reports the workers send.
    """

    def __init__(self, state: PluginState) -> None:
        self._state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        properties = {
            name: value
            for name, value in report.user_properties
            if str(name).startswith("tgstate_")
        }
        if not properties:
            return
        row = summary_row(report.nodeid, properties)
        row["result"] = report.outcome
        self._state.records.append(row)


def pytest_terminal_summary(
    terminalreporter: Any, exitstatus: int, config: pytest.Config
) -> None:
    state = config.stash[STATE_KEY]
    if not state.summary or not state.records:
        return
    # In verbose mode the reporter still owes a line break for the last test
    # line, and would write it between the section title and the table.
    terminalreporter.ensure_newline()
    terminalreporter.section("tgstate")
    header = ("test", "policy", "expected", "actual", "denied", "statement")
    rows = [header]
    for record in state.records:
        denied = (
            f"{record['denied_action']} on {record['denied_resource']}"
            if record["denied_action"]
            else "-"
        )
        rows.append(
            (
                record["test"],
                record["policy"],
                record["expected"] or "-",
                record["actual"],
                denied,
                record["statement"] or "-",
            )
        )
    widths = [max(len(str(row[index])) for row in rows) for index in range(len(header))]
    for number, row in enumerate(rows):
        terminalreporter.write_line(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )
        if number == 0:
            terminalreporter.write_line("  ".join("-" * width for width in widths))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        return  # pytest-xdist workers: the controller writes the report
    state = config.stash.get(STATE_KEY, None)
    if state is None or state.report_path is None:
        return
    document = {
        "plugin": f"pytest-tgstate {__version__}",
        "terragrunt_model": TERRAGRUNT_MODEL_VERSION,
        "terraform_model": TERRAFORM_VERSION,
        "tests": state.records,
    }
    state.report_path.write_text(
        json.dumps(document, indent=2) + "\n", encoding="utf-8"
    )
