"""The tgstate markers: their signatures, parsing and closest-wins merging.

Each marker's arguments are bound to one keyword-only signature (a function
below), so a wrong argument fails with Python's own message. Markers on the
test, its class and its module merge per argument, the closest winning.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..workflows.config import LOCK_MODES
from ..world.presets import BUCKET_STATES, TABLE_STATES

PolicySpec = str | Path | Mapping[str, Any]


@dataclass(frozen=True)
class WorldSpec:
    """The parsed ``tgstate_world`` marker."""

    bucket: str = "missing"
    table: str = "missing"
    region: str | None = None
    account: str | None = None
    foreign_account: str | None = None
    lock: str | None = None
    config: Mapping[str, Any] | str | Path | None = None
    terragrunt: str = "current"
    secure_transport: bool = True
    preset: str | None = None
    credentials: str | None = None


@dataclass(frozen=True)
class PolicyMarkerSpec:
    """The parsed ``tgstate_policy`` marker."""

    policy: PolicySpec = "full"
    boundary: PolicySpec | None = None
    principals: Mapping[str, PolicySpec] = field(default_factory=dict)


@dataclass(frozen=True)
class Expectation:
    """What a test expects of its run: success, or a denial (optionally narrowed).

    ``action`` and ``resource`` accept IAM wildcards; ``step`` matches a
    substring of the workflow step name.
    """

    outcome: str
    action: str | None = None
    resource: str | None = None
    step: str | None = None
    no_denials: bool = False

    def describe(self) -> str:
        if self.outcome == "succeeds":
            return "succeeds with no denial at all" if self.no_denials else "succeeds"
        parts = ["denied"]
        if self.action:
            parts.append(self.action)
        if self.resource:
            parts.append(f"on {self.resource}")
        if self.step:
            parts.append(f"at step {self.step!r}")
        return " ".join(parts)


def tgstate_world(
    *,
    bucket: str = "missing",
    table: str = "missing",
    region: str | None = None,
    account: str | None = None,
    foreign_account: str | None = None,
    lock: str | None = None,
    config: Mapping[str, Any] | str | Path | None = None,
    terragrunt: str = "current",
    secure_transport: bool = True,
    preset: str | None = None,
    credentials: str | None = None,
) -> WorldSpec:
    """Describe the starting state: bucket and table, accounts, region and config."""
    if bucket not in BUCKET_STATES:
        raise ValueError(
            f"bucket={bucket!r} is invalid; use one of {', '.join(BUCKET_STATES)}"
        )
    if table not in TABLE_STATES:
        raise ValueError(
            f"table={table!r} is invalid; use one of {', '.join(TABLE_STATES)}"
        )
    if lock is not None and lock not in LOCK_MODES:
        raise ValueError(
            f"lock={lock!r} is invalid; use one of {', '.join(LOCK_MODES)}"
        )
    if terragrunt not in ("current", "legacy"):
        raise ValueError(
            f"terragrunt={terragrunt!r} is invalid; use 'current' or 'legacy'"
        )
    for label, value in (("account", account), ("foreign_account", foreign_account)):
        if value is not None and (len(value) != 12 or not value.isdigit()):
            raise ValueError(
                f"{label}={value!r} is invalid; an AWS account id is 12 digits"
            )
    if account is not None and account == foreign_account:
        raise ValueError(
            f"account and foreign_account are both {account!r}; they must differ"
        )
    if credentials is not None and not isinstance(credentials, str):
        raise ValueError(
            f"credentials={credentials!r} is invalid; name a credential scenario "
            "such as 'sso' or 'metadata'"
        )
    if config is not None and not isinstance(config, (Mapping, str, Path)):
        raise ValueError(
            f"config={config!r} is invalid; "
            "pass a dict of remote_state keys or a terragrunt.hcl path"
        )
    return WorldSpec(
        bucket,
        table,
        region,
        account,
        foreign_account,
        lock,
        config,
        terragrunt,
        secure_transport,
        preset,
        credentials,
    )


def tgstate_policy(
    policy: PolicySpec = "full",
    *,
    boundary: PolicySpec | None = None,
    principals: Mapping[str, PolicySpec] | None = None,
) -> PolicyMarkerSpec:
    """Give the test principal a policy: a policy name, a dict or a JSON file path."""
    _check_policy_spec("policy", policy)
    if boundary is not None:
        _check_policy_spec("boundary", boundary)
    for name, spec in (principals or {}).items():
        _check_policy_spec(f"principals[{name!r}]", spec)
    return PolicyMarkerSpec(policy, boundary, dict(principals or {}))


def tgstate_expect(
    outcome: str,
    *,
    action: str | None = None,
    resource: str | None = None,
    step: str | None = None,
    no_denials: bool = False,
) -> Expectation:
    """State the expected outcome: ``"succeeds"``, ``"denied"`` or ``"denied:s3:X"``."""
    return parse_expectation(
        outcome, action=action, resource=resource, step=step, no_denials=no_denials
    )


def tgstate_matrix(**expectations: str | Mapping[str, Any]) -> dict[str, Expectation]:
    """Run the test once per policy, each keyword naming a policy and its expectation.

    For example ``tgstate_matrix(full="succeeds", minimal="denied:s3:X")``.

    A keyword names a documented or registered policy, ``_`` standing for
    ``-`` (``external_bucket``) unless the keyword itself is a registered
    name. Its value is an expectation string or a dict of `tgstate_expect`
    arguments. The returned cases are keyed by keyword.
    """
    if not expectations:
        raise ValueError(
            "tgstate_matrix needs at least one policy=expectation argument"
        )
    cases: dict[str, Expectation] = {}
    for keyword, value in expectations.items():
        if isinstance(value, Mapping):
            arguments = dict(value)
            cases[keyword] = parse_expectation(
                arguments.pop("outcome", "succeeds"), **arguments
            )
        else:
            cases[keyword] = parse_expectation(value)
    return cases


def matrix_case_id(keyword: str) -> str:
    """Return the test id of a ``tgstate_matrix`` keyword, with ``-`` for ``_``."""
    return keyword.replace("_", "-")


def parse_expectation(
    outcome: str,
    *,
    action: str | None = None,
    resource: str | None = None,
    step: str | None = None,
    no_denials: bool = False,
) -> Expectation:
    head, _, rest = str(outcome).partition(":")
    if head == "succeeds":
        if rest or action or resource or step:
            raise ValueError(
                f"expectation {outcome!r} is invalid; "
                "'succeeds' takes no action, resource or step"
            )
        return Expectation("succeeds", no_denials=no_denials)
    if head == "denied":
        if no_denials:
            raise ValueError("no_denials=True only goes with 'succeeds'")
        if rest and action:
            raise ValueError(
                f"expectation {outcome!r} names the action twice; drop action="
            )
        return Expectation(
            "denied", action=rest or action, resource=resource, step=step
        )
    raise ValueError(
        f"expectation {outcome!r} is invalid; "
        "use 'succeeds' or 'denied' (optionally 'denied:s3:GetObject')"
    )


def _check_policy_spec(label: str, spec: Any) -> None:
    if not isinstance(spec, (str, Path, Mapping)):
        raise ValueError(
            f"{label}={spec!r} is invalid; "
            "pass a policy name, a dict or a JSON file path"
        )


#: Marker name -> the function whose signature parses it.
MARKERS: dict[str, Callable[..., Any]] = {
    "tgstate_world": tgstate_world,
    "tgstate_policy": tgstate_policy,
    "tgstate_expect": tgstate_expect,
    "tgstate_matrix": tgstate_matrix,
}


def marker_help(name: str) -> str:
    """Return the ``markers`` ini line for ``name``: its full signature and summary.

    The signature is shown without annotations, as a call would be written.
    """
    function = MARKERS[name]
    signature = inspect.signature(function)
    bare = signature.replace(
        parameters=[
            parameter.replace(annotation=inspect.Parameter.empty)
            for parameter in signature.parameters.values()
        ],
        return_annotation=inspect.Signature.empty,
    )
    summary = (function.__doc__ or "").strip().splitlines()[0]
    return f"{name}{bare}: {summary}"


class MarkerError(Exception):
    """A tgstate marker with arguments its signature rejects."""


#: Markers whose closest level replaces the others whole instead of per argument:
#: a test's expectation does not inherit an action or step from its module's.
_CLOSEST_ONLY = frozenset({"tgstate_expect"})


def merged_marker(item: pytest.Item, name: str) -> Any | None:
    """Parse ``name`` from ``item``'s markers, merging module, class and test levels.

    Returns None when no level carries the marker; raises `MarkerError`
    naming the marker and the problem.
    """
    markers = list(item.iter_markers(name))
    if not markers:
        return None
    if name in _CLOSEST_ONLY:
        markers = markers[:1]
    function = MARKERS[name]
    signature = inspect.signature(function)
    merged: dict[str, Any] = {}
    for marker in reversed(markers):  # farthest first, so closer levels overwrite
        try:
            bound = signature.bind(*marker.args, **marker.kwargs)
        except TypeError as error:
            raise MarkerError(
                f"@pytest.mark.{name}{_call_text(marker)}: {error}"
            ) from None
        if name == "tgstate_matrix":
            merged.update(bound.arguments.get("expectations", {}))
        else:
            merged.update(bound.arguments)
    try:
        return function(**merged)
    except (TypeError, ValueError) as error:
        raise MarkerError(f"@pytest.mark.{name}: {error}") from None


def _call_text(marker: pytest.Mark) -> str:
    parts = [repr(arg) for arg in marker.args] + [
        f"{key}={value!r}" for key, value in marker.kwargs.items()
    ]
    return f"({', '.join(parts)})"
