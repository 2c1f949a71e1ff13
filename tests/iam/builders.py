"""Policies, callers and requests shared by the IAM tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest_tgstate
from pytest_tgstate.iam import (
    AuthorizationRequest,
    Caller,
    Decision,
    Policy,
    PolicySet,
    evaluate,
    load_policy,
)
from pytest_tgstate.iam.policy import PolicyKind

ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"
ALICE = Caller.user(ACCOUNT, "alice")
BOB = Caller.user(ACCOUNT, "bob")
OUTSIDER = Caller.user(OTHER_ACCOUNT, "mallory")
DEPLOY_SESSION = Caller.session(ACCOUNT, "deploy", "ci-run")
ROOT = Caller.root(ACCOUNT)
ANONYMOUS = Caller.anonymous()

BUCKET = "arn:aws:s3:::terragrunt-state"
STATE_OBJECT = "arn:aws:s3:::terragrunt-state/env/app/terraform.tfstate"
DEPLOY_ROLE = f"arn:aws:iam::{ACCOUNT}:role/deploy"

#: The directory holding Terragrunt's documented policies, read without
#: importing ``pytest_tgstate.world`` (which imports moto).
DOCUMENTED_POLICIES = Path(pytest_tgstate.__file__).parent / "world" / "policies"


def policy(
    *statements: Mapping[str, Any],
    kind: PolicyKind = "identity",
    name: str = "test-policy",
    version: str | None = "2012-10-17",
) -> Policy:
    """Build a policy of ``kind`` from statement mappings."""
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return load_policy(document, name=name, kind=kind)


def allow(action: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def deny(action: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def decide(
    caller: Caller,
    action: str,
    resource: str,
    *,
    identity: Sequence[Policy] = (),
    resource_policy: Policy | None = None,
    trust: Policy | None = None,
    boundary: Policy | None = None,
    session: Sequence[Policy] = (),
    context: Mapping[str, Sequence[str]] | None = None,
    resource_account: str | None = None,
) -> Decision:
    """Evaluate one request; ``trust`` is the role trust policy for sts:AssumeRole."""
    policies = PolicySet(
        identity=tuple(identity),
        boundary=boundary,
        session=tuple(session),
        resource=trust if trust is not None else resource_policy,
        resource_kind="role trust policy"
        if trust is not None
        else "resource-based policy",
    )
    request = AuthorizationRequest(
        caller=caller,
        action=action,
        resource=resource,
        context=dict(context or {}),
        resource_account=resource_account,
    )
    return evaluate(request, policies)


def documented_text(name: str, replacements: Mapping[str, str] | None = None) -> str:
    """Return a documented policy's JSON with each placeholder replaced."""
    text = (DOCUMENTED_POLICIES / f"{name}.json").read_text(encoding="utf-8")
    for placeholder, value in (replacements or {}).items():
        text = text.replace(placeholder, value)
    return text


def documented(name: str, replacements: Mapping[str, str] | None = None) -> Policy:
    """Load a documented policy (``full``, ``minimal`` or ``external-bucket``)."""
    return load_policy(documented_text(name, replacements), name=name)
