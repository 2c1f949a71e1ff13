"""Text rendering of scenario results, decisions and the matrix."""

from __future__ import annotations

from ..iam.evaluation import Decision
from ..workflows.scenario import ScenarioResult
from ..workflows.steps import Step

_OUTCOME_MARK = {
    "ok": "ok",
    "tolerated": "ignored",
    "denied": "DENIED",
    "failed": "FAILED",
}


def render_result(result: ScenarioResult) -> str:
    """Render one scenario's steps, outcome and missing permissions as text."""
    scenario = result.scenario
    config = scenario.config
    table_state = scenario.table_state if config.dynamodb_table else "unused"
    lines = [
        f"policy {scenario.policy_label} | "
        f"bucket {config.bucket} ({scenario.bucket_state}) | "
        f"table {config.dynamodb_table or '-'} ({table_state}) | "
        f"lock {config.lock_mode} | Terragrunt {scenario.terragrunt}",
        f"principal {result.principal_arn}",
        *(
            [
                f"the policy is attached to role {config.role_to_assume}, "
                "which the principal assumes"
            ]
            if config.role_to_assume
            else []
        ),
    ]
    for run in result.runs:
        lines.append("")
        lines.append(run.workflow)
        for step in _collapse_polls(run.steps):
            lines.append(_step_line(step))
    lines.append("")
    lines.append(f"outcome: {result.outcome}")
    if result.failed is not None:
        stopped = result.failed.failed_step
        if stopped is not None:
            lines.append(
                f"  stopped at: {stopped.workflow}: {stopped.name} "
                f"({stopped.operation})"
            )
        denial = result.denial
        if denial is not None:
            lines.append(
                f"  denied: {denial.action} on {denial.resource} ({denial.reason})"
            )
            lines.append(f"  {denial.message}")
        elif result.failed.error:
            lines.append(f"  error: {result.failed.error}")
    for warning in result.warnings:
        lines.append(f"warning: {warning}")
    if result.missing:
        lines.append("")
        verdict = {
            True: "adding them makes the run pass",
            False: "adding them alone is not enough",
            None: "",
        }
        lines.append(f"missing permissions ({verdict[result.missing_verified]}):")
        for item in result.missing:
            flags = []
            if not item.fatal:
                flags.append("the tool ignores this denial")
            if item.explicit_deny:
                flags.append("explicit deny")
            if item.policy_kind == "resource-based policy":
                flags.append("needs the resource owner's policy")
            suffix = f"  [{'; '.join(flags)}]" if flags else ""
            lines.append(f"  {item.action:<36} {item.resource}{suffix}")
    return "\n".join(lines)


def _collapse_polls(steps: list[Step]) -> list[Step]:
    return steps


def _step_line(step: Step) -> str:
    mark = _OUTCOME_MARK[step.outcome]
    detail = ""
    denial = step.first_denial
    if denial is not None:
        detail = f"{denial.action} on {denial.resource}"
    elif step.error_code and step.outcome != "ok":
        detail = step.error_code
    elif step.error_code:
        detail = f"{step.error_code} (expected)"
    elif step.note:
        detail = step.note
    return f"  {mark:<8} {step.name:<42} {step.operation:<30} {detail}".rstrip()


def render_decision(decision: Decision) -> str:
    return decision.explain()


def render_matrix(results: list[ScenarioResult]) -> str:
    """Render matrix results as a fixed-width table, one row per scenario and policy.

    The last column names the denied action and which kind of policy lacked
    it (identity-based, the bucket owner's resource-based policy, ...), or
    the error code of a run that failed without a denial.
    """
    header = ("scenario", "policy", "outcome", "stopped at", "denied action or error")
    rows = [header]
    for result in results:
        step = result.failed.failed_step if result.failed else None
        rows.append(
            (
                result.scenario.name,
                result.scenario.policy_label,
                result.outcome,
                f"{step.workflow}: {step.name}" if step else "-",
                _matrix_cause(result),
            )
        )
    widths = [max(len(row[index]) for row in rows) for index in range(len(header))]
    lines = []
    for number, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _matrix_cause(result: ScenarioResult) -> str:
    if result.outcome == "succeeded":
        return "-"
    denial = result.denial
    if denial is not None:
        kind = denial.policy_kind or "identity-based policy"
        if denial.reason == "explicit deny":
            return f"{denial.action} (explicit deny in {kind})"
        return f"{denial.action} (no {kind} allows it)"
    step = result.failed.failed_step if result.failed else None
    if step is not None and step.error_code:
        return f"error {step.error_code}"
    return "error"
