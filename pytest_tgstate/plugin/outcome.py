"""Checking a test's expectation against what its journal recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ..iam.evaluation import Decision
from ..iam.patterns import glob_match
from ..world.journal import JournalEntry
from .handle import Tgstate
from .markers import Expectation

#: Error codes with which AWS reports an authorization failure.
DENIAL_CODES = frozenset({"AccessDenied", "AccessDeniedException", "403", "Forbidden"})


@dataclass(frozen=True)
class Observation:
    """The observed result of one test: the actual outcome and the denial behind it."""

    actual: str  # succeeded, denied, failed or error
    denial: Decision | None
    denial_step: str | None
    failure: str | None
    missing: tuple[tuple[str, str], ...]

    def properties(
        self, policy: str, expectation: Expectation | None
    ) -> list[tuple[str, str]]:
        """Return the JUnit properties that describe this observation."""
        denial = self.denial
        return [
            ("tgstate_policy", policy),
            ("tgstate_expected", expectation.describe() if expectation else ""),
            ("tgstate_actual", self.actual),
            ("tgstate_denied_action", denial.action if denial else ""),
            ("tgstate_denied_resource", denial.resource if denial else ""),
            ("tgstate_statement", _statement(denial)),
            ("tgstate_step", self.denial_step or ""),
        ]


def is_denial_error(error: BaseException) -> bool:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "")) in DENIAL_CODES
    return False


def observe(handle: Tgstate, error: BaseException | None) -> Observation:
    """Derive a test's actual outcome from its journal, workflows and exception."""
    failed = handle.failed_results()
    unexpected = handle.unexpected_denials()
    denial: Decision | None = None
    denial_step: str | None = None
    failure: str | None = None
    for result in failed:
        if result.denial is not None:
            denial = result.denial
            step = result.failed_step
            denial_step = f"{step.workflow}: {step.name}" if step else None
            break
    if denial is None and unexpected:
        entry, denial = unexpected[0]
        denial_step = entry.step
    if error is not None and not is_denial_error(error):
        actual = "error"
        failure = f"{type(error).__name__}: {error}"
    elif denial is not None or (error is not None and is_denial_error(error)):
        actual = "denied"
    elif failed:
        actual = "failed"
        failure = failed[0].error
    else:
        actual = "succeeded"
    missing = tuple(
        dict.fromkeys(
            (decision.action, decision.resource) for decision in handle.denials()
        )
    )
    return Observation(actual, denial, denial_step, failure, missing)


def matching_denial(
    handle: Tgstate, expectation: Expectation
) -> tuple[JournalEntry, Decision] | None:
    for entry in handle.journal:
        for decision in entry.decisions:
            if decision.allowed:
                continue
            if expectation.action and not glob_match(
                expectation.action, decision.action, ignore_case=True
            ):
                continue
            if expectation.resource and not glob_match(
                expectation.resource, decision.resource
            ):
                continue
            if expectation.step and (
                entry.step is None or expectation.step not in entry.step
            ):
                continue
            return entry, decision
    return None


def check(
    handle: Tgstate,
    expectation: Expectation,
    observation: Observation,
    error: BaseException | None,
) -> str | None:
    """Return the failure message when ``observation`` breaks ``expectation``.

    Returns None when the expectation holds.
    """
    if expectation.outcome == "succeeds":
        if observation.actual in ("denied", "failed"):
            return _message(handle, expectation, observation, "")
        if expectation.no_denials and handle.denials():
            first = handle.denials()[0]
            return _message(
                handle,
                expectation,
                Observation(
                    "succeeded",
                    first,
                    _step_of(handle, first),
                    None,
                    observation.missing,
                ),
                "",
                actual_phrase="tolerated a denial",
            )
        return None
    if matching_denial(handle, expectation) is not None:
        return None
    if error is not None and not is_denial_error(error):
        return None  # the test's own error is reported as it is
    note = ""
    if handle.denials():
        shown = ", ".join(
            f"{decision.action} on {decision.resource}"
            for decision in handle.denials()[:3]
        )
        note = f"denials recorded, none matching: {shown}"
    return _message(handle, expectation, observation, note)


def _step_of(handle: Tgstate, decision: Decision) -> str | None:
    for entry in handle.journal:
        if decision in entry.decisions:
            return entry.step
    return None


def _statement(decision: Decision | None) -> str:
    if decision is None:
        return ""
    if decision.statement is None:
        return f"{decision.reason}, no {decision.policy_kind} allows it"
    return f"{decision.policy_kind} {decision.policy_name}, {decision.statement}"


def _message(
    handle: Tgstate,
    expectation: Expectation,
    observation: Observation,
    note: str,
    *,
    actual_phrase: str | None = None,
) -> str:
    phrase = actual_phrase or _actual_phrase(observation)
    lines = [f"tgstate: expected {expectation.describe()}, but the run {phrase}"]
    denial = observation.denial
    if denial is not None:
        lines.append(f"  denied: {denial.action} on {denial.resource}")
        if observation.denial_step:
            lines.append(f"  step: {observation.denial_step}")
        lines.append(f"  decided by: {_statement(denial)}")
        lines.append(f"  message: {denial.message}")
    if observation.failure:
        lines.append(f"  error: {observation.failure}")
    lines.append(f"  policy: {handle.policy_name}")
    lines.append(f"  principal: {handle.principal.arn}")
    if note:
        lines.append(f"  {note}")
    if observation.missing and expectation.outcome == "succeeds":
        lines.append("  permissions missing:")
        for action, resource in observation.missing:
            lines.append(f"    {action} on {resource}")
    return "\n".join(lines)


def _actual_phrase(observation: Observation) -> str:
    return {
        "succeeded": "succeeded",
        "denied": "was denied",
        "failed": "failed",
        "error": "raised an error",
    }[observation.actual]


def summary_row(nodeid: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "test": nodeid,
        "policy": properties.get("tgstate_policy", ""),
        "expected": properties.get("tgstate_expected", ""),
        "actual": properties.get("tgstate_actual", ""),
        "denied_action": properties.get("tgstate_denied_action", ""),
        "denied_resource": properties.get("tgstate_denied_resource", ""),
        "statement": properties.get("tgstate_statement", ""),
        "step": properties.get("tgstate_step", ""),
    }
