"""Steps and results of a workflow run, and the recorder that makes them.

A workflow model makes its AWS calls through `StepRecorder.call`, which
labels the journal entries with the step name and turns what came back into
a `Step`: the decisions taken, the outcome and the error.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import ClientError

from ..iam.evaluation import Decision
from ..world.world import World

StepOutcome = Literal["ok", "denied", "failed", "tolerated"]
RunOutcome = Literal["succeeded", "denied", "failed"]


@dataclass(frozen=True)
class Step:
    """One AWS call of a workflow, with the decisions the gateway took for it.

    ``outcome`` is ``ok``, ``denied`` or ``failed`` when the call failed and
    the workflow stopped, or ``tolerated`` when the call failed and the tool
    carried on (as Terragrunt does when GetBucketPolicy is denied).
    """

    workflow: str
    name: str
    operation: str
    outcome: StepOutcome
    decisions: tuple[Decision, ...] = ()
    status: int = 200
    error_code: str | None = None
    error: str | None = None
    note: str = ""
    denial_tolerated: bool = False

    @property
    def first_denial(self) -> Decision | None:
        return next(
            (decision for decision in self.decisions if not decision.allowed), None
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow,
            "name": self.name,
            "operation": self.operation,
            "outcome": self.outcome,
            "status": self.status,
            "error_code": self.error_code,
            "error": self.error,
            "note": self.note,
            "denial_tolerated": self.denial_tolerated,
            "decisions": [decision_to_dict(decision) for decision in self.decisions],
        }


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    return {
        "action": decision.action,
        "resource": decision.resource,
        "allowed": decision.allowed,
        "reason": decision.reason,
        "policy_kind": decision.policy_kind,
        "statement": decision.deciding_statement,
    }


class WorkflowFailed(Exception):
    """Raised inside a workflow model when the modelled tool would stop."""

    def __init__(self, step: Step | None, message: str) -> None:
        super().__init__(message)
        self.step = step
        self.message = message


@dataclass(frozen=True)
class CallResult:
    response: dict[str, Any] | None
    error: ClientError | None
    step: Step

    @property
    def code(self) -> str | None:
        if self.error is None:
            return None
        return str(self.error.response.get("Error", {}).get("Code", ""))


@dataclass
class WorkflowResult:
    """The steps of one workflow run and how it ended."""

    workflow: str
    steps: list[Step] = field(default_factory=list)
    outcome: RunOutcome = "succeeded"
    failed_step: Step | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def denial(self) -> Decision | None:
        """The denial that stopped the run, or None when it did not stop on one."""
        if self.failed_step is None:
            return None
        return self.failed_step.first_denial

    @property
    def succeeded(self) -> bool:
        return self.outcome == "succeeded"


class StepRecorder:
    """Makes a workflow's AWS calls and records each as a `Step`."""

    def __init__(self, world: World, workflow: str, result: WorkflowResult) -> None:
        self.world = world
        self.workflow = workflow
        self.result = result

    def call(
        self,
        name: str,
        client: Any,
        method: str,
        *,
        tolerate: Collection[str] | Callable[[ClientError], bool] = (),
        expect: Collection[str] = (),
        note: str = "",
        denial_tolerated: bool | None = None,
        **parameters: Any,
    ) -> CallResult:
        """Call ``client.<method>(**parameters)`` as step ``name``.

        Error codes in ``expect`` are answers the tool handles (a 404 that
        means "missing"); codes in ``tolerate`` (or for which it returns True)
        are failures the tool ignores. Any other error raises `WorkflowFailed`.
        ``denial_tolerated`` overrides whether the tool carries on when the
        call is denied, which is otherwise derived from the two.
        """
        service = client.meta.service_model.service_name
        operation = f"{service}:{client.meta.method_to_api_mapping[method]}"
        mark = self.world.journal.mark()
        response: dict[str, Any] | None = None
        error: ClientError | None = None
        with self.world.journal.step(f"{self.workflow}: {name}"):
            try:
                response = getattr(client, method)(**parameters)
            except ClientError as raised:
                error = raised
        entries = self.world.journal.since(mark)
        decisions = tuple(decision for entry in entries for decision in entry.decisions)
        status = 200
        code = None
        message = None
        if error is not None:
            status = int(
                error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            )
            code = str(error.response.get("Error", {}).get("Code", ""))
            message = str(error)
        denied = any(not decision.allowed for decision in decisions)

        if error is None or code in expect:
            outcome: StepOutcome = "ok"
        elif (callable(tolerate) and tolerate(error)) or (
            not callable(tolerate) and code in tolerate
        ):
            outcome = "tolerated"
        else:
            outcome = "denied" if denied else "failed"
        if denial_tolerated is None:
            denial_tolerated = _tolerates_denial(self.world, tolerate, expect)
        step = Step(
            denial_tolerated=denial_tolerated,
            workflow=self.workflow,
            name=name,
            operation=operation,
            outcome=outcome,
            decisions=decisions,
            status=status,
            error_code=code,
            error=message,
            note=note,
        )
        self.result.steps.append(step)
        if outcome in ("denied", "failed"):
            raise WorkflowFailed(step, message or name)
        return CallResult(response, error, step)

    def fail(self, message: str, step: Step | None = None) -> None:
        raise WorkflowFailed(
            step or (self.result.steps[-1] if self.result.steps else None), message
        )

    def warn(self, message: str) -> None:
        self.result.warnings.append(message)


_DENIALS = tuple(
    ClientError({"Error": {"Code": code, "Message": "denied"}}, "probe")
    for code in ("AccessDenied", "AccessDeniedException", "403")
)


def _tolerates_denial(
    world: World,
    tolerate: Collection[str] | Callable[[ClientError], bool],
    expect: Collection[str],
) -> bool:
    """Return whether the tool carries on when this call is denied."""
    for denial in _DENIALS:
        code = denial.response["Error"]["Code"]
        if code in expect:
            return True
        if callable(tolerate) and tolerate(denial):
            return True
        if not callable(tolerate) and code in tolerate:
            return True
    return False


def run_workflow(
    world: World, workflow: str, body: Callable[[StepRecorder], None]
) -> WorkflowResult:
    """Run a workflow model and turn how it ended into a `WorkflowResult`."""
    result = WorkflowResult(workflow)
    recorder = StepRecorder(world, workflow, result)
    try:
        body(recorder)
    except WorkflowFailed as failure:
        result.failed_step = failure.step
        result.error = failure.message
        denied = failure.step is not None and failure.step.first_denial is not None
        result.outcome = "denied" if denied else "failed"
        if failure.step is not None and failure.step.outcome == "ok":
            # The call itself worked; the tool stopped on what it returned.
            result.outcome = "failed"
    return result
