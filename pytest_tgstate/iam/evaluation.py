"""IAM policy evaluation for one request, following AWS's documented logic.

Order of evaluation: an explicit Deny in any policy wins; then the request
needs an Allow. Within one account an Allow in the identity-based policies
(limited by a permissions boundary and session policies when present) or in
the resource-based policy suffices. Across accounts both the caller's
identity-based policies and the resource owner's resource-based policy must
allow. Without an Allow the request is implicitly denied.
``sts:GetCallerIdentity`` needs no permission and is always allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .arn import account_root_arn
from .patterns import compile_patterns, glob_match, glob_to_regex
from .policy import Policy, Statement
from .principal import Caller
from .variables import PolicyVariableMissing, has_variables, substitute_variables

Reason = Literal["allowed", "implicit deny", "explicit deny", "no permission needed"]
ResourceKind = Literal["resource-based policy", "role trust policy"]

#: Actions AWS authorises without any policy.
ALWAYS_ALLOWED = frozenset({"sts:getcalleridentity"})

_IDENTITY = "identity-based policy"
_RESOURCE = "resource-based policy"
_BOUNDARY = "permissions boundary"
_SESSION = "session policy"
_ARTICLES = {_IDENTITY: "an", _RESOURCE: "a", _BOUNDARY: "a", _SESSION: "a"}


@dataclass(frozen=True)
class AuthorizationRequest:
    """One IAM action on one resource by one caller, with its condition context.

    ``context`` maps condition keys (in any case) to their values, and a
    single string counts as one value. `evaluate` adds the caller's own keys
    (``aws:PrincipalArn``, ``aws:username`` and so on). ``resource_account``
    is the account owning the resource, or None when it is the caller's own
    account.
    """

    caller: Caller
    action: str
    resource: str
    context: Mapping[str, Sequence[str]] = field(default_factory=dict)
    resource_account: str | None = None

    @property
    def cross_account(self) -> bool:
        return (
            bool(self.resource_account)
            and self.caller.kind != "anonymous"
            and self.resource_account != self.caller.account
        )


@dataclass(frozen=True)
class PolicySet:
    """The policies that apply to a request.

    ``identity`` are the caller's identity-based policies (inline, managed and
    group), ``boundary`` its permissions boundary, ``session`` the session
    policies passed to AssumeRole, and ``resource`` the resource's own policy
    (a bucket policy, or a role's trust policy for ``sts:AssumeRole``).
    """

    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    session: tuple[Policy, ...] = ()
    resource: Policy | None = None
    resource_kind: ResourceKind = "resource-based policy"


@dataclass(frozen=True)
class Decision:
    """The outcome of evaluating one request, with what decided it."""

    allowed: bool
    action: str
    resource: str
    principal: str
    reason: Reason
    policy_kind: str | None = None
    policy_name: str | None = None
    statement: str | None = None
    message: str = ""

    @property
    def explicit(self) -> bool:
        return self.reason == "explicit deny"

    @property
    def deciding_statement(self) -> str | None:
        """``<policy name> <statement label>``, or None for an implicit deny."""
        if self.statement is None:
            return None
        return f"{self.policy_name} {self.statement}"

    def explain(self) -> str:
        """Return a short, human-readable account of the decision."""
        verdict = "ALLOWED" if self.allowed else "DENIED"
        lines = [f"{verdict} ({self.reason}): {self.action} on {self.resource}"]
        lines.append(f"  principal: {self.principal}")
        if self.statement is not None:
            lines.append(
                f"  decided by: {self.policy_kind} {self.policy_name}, {self.statement}"
            )
        if self.message:
            lines.append(f"  message: {self.message}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Match:
    policy: Policy
    statement: Statement
    kind: str
    principal_match: str = ""


def evaluate(request: AuthorizationRequest, policies: PolicySet) -> Decision:
    """Decide whether ``request`` is allowed under ``policies``."""
    action_key = request.action.lower()
    if action_key in ALWAYS_ALLOWED:
        return _decision(request, True, "no permission needed")

    context: dict[str, Sequence[str]] = dict(request.caller.context())
    for key, values in request.context.items():
        # Condition keys are case-insensitive, and a bare string is one value
        # rather than a sequence of one-character values.
        context[key.lower()] = (values,) if isinstance(values, str) else values
    if request.resource_account and "aws:resourceaccount" not in context:
        context["aws:resourceaccount"] = (request.resource_account,)

    groups: list[tuple[str, Sequence[Policy]]] = [
        (_IDENTITY, policies.identity),
        (_RESOURCE, (policies.resource,) if policies.resource else ()),
        (_BOUNDARY, (policies.boundary,) if policies.boundary else ()),
        (_SESSION, policies.session),
    ]
    for kind, group in groups:
        deny = _first_match(group, "Deny", kind, request, context)
        if deny is not None:
            return _decision(request, False, "explicit deny", deny)

    if request.caller.kind == "root" and policies.resource_kind == "role trust policy":
        # STS rejects AssumeRole with root credentials regardless of policies.
        return _decision(
            request,
            False,
            "implicit deny",
            kind=_RESOURCE,
            message="Roles may not be assumed by root accounts",
        )

    identity = _first_match(policies.identity, "Allow", _IDENTITY, request, context)
    resource = (
        _first_match((policies.resource,), "Allow", _RESOURCE, request, context)
        if policies.resource
        else None
    )
    boundary_ok = policies.boundary is None or (
        _first_match((policies.boundary,), "Allow", _BOUNDARY, request, context)
        is not None
    )
    session_ok = not policies.session or (
        _first_match(policies.session, "Allow", _SESSION, request, context) is not None
    )
    # Root has every permission that identity-based policies could grant, so
    # only a resource owner in another account can still deny it.
    identity_ok = request.caller.kind == "root" or (
        identity is not None and boundary_ok and session_ok
    )

    if policies.resource_kind == "role trust policy":
        return _decide_trust(
            request, identity, identity_ok, resource, boundary_ok, session_ok
        )
    if request.caller.kind == "anonymous":
        if resource is not None and resource.principal_match == "everyone":
            return _decision(request, True, "allowed", resource)
        return _decision(request, False, "implicit deny", kind=_RESOURCE)

    if request.cross_account:
        if identity_ok and resource is not None:
            return _decision(request, True, "allowed", identity)
        if not identity_ok:
            return _implicit(request, identity, boundary_ok)
        return _decision(request, False, "implicit deny", kind=_RESOURCE)

    if identity_ok:
        return _decision(request, True, "allowed", identity)
    if resource is not None:
        # A grant naming the caller itself (or everyone) is not limited by a
        # boundary or session policy; a grant naming the caller's role is.
        # NOTE: AWS documents the exemption for grants naming the user or
        # session ARN; applying it to a Principal "*" grant is an assumption.
        if resource.principal_match in ("direct", "everyone"):
            return _decision(request, True, "allowed", resource)
        if resource.principal_match == "role" and boundary_ok and session_ok:
            return _decision(request, True, "allowed", resource)
    return _implicit(request, identity, boundary_ok)


def _decide_trust(
    request: AuthorizationRequest,
    identity: _Match | None,
    identity_ok: bool,
    trust: _Match | None,
    boundary_ok: bool,
    session_ok: bool,
) -> Decision:
    # The trust policy must always allow. Within one account a trust policy
    # that names the caller itself is enough, and one that names the
    # caller's role is enough within its boundary and session policies. One
    # that names the account delegates to the caller's identity-based policies.
    if trust is None:
        return _decision(request, False, "implicit deny", kind=_RESOURCE)
    names_caller = trust.principal_match in ("direct", "everyone") or (
        trust.principal_match == "role" and boundary_ok and session_ok
    )
    if not request.cross_account and names_caller:
        return _decision(request, True, "allowed", trust)
    if identity_ok:
        return _decision(request, True, "allowed", identity)
    return _implicit(request, identity, boundary_ok)


def _implicit(
    request: AuthorizationRequest, identity: _Match | None, boundary_ok: bool
) -> Decision:
    if identity is None:
        kind = _IDENTITY
    elif not boundary_ok:
        kind = _BOUNDARY
    else:
        kind = _SESSION
    return _decision(request, False, "implicit deny", kind=kind)


def _decision(
    request: AuthorizationRequest,
    allowed: bool,
    reason: Reason,
    match: _Match | None = None,
    *,
    kind: str | None = None,
    message: str = "",
) -> Decision:
    policy_kind = match.kind if match else kind
    if not allowed and not message:
        message = denial_message(
            request.caller.arn,
            request.action,
            request.resource,
            reason,
            policy_kind or _IDENTITY,
        )
    return Decision(
        allowed=allowed,
        action=request.action,
        resource=request.resource,
        principal=request.caller.arn,
        reason=reason,
        policy_kind=policy_kind,
        policy_name=match.policy.name if match else None,
        statement=match.statement.label if match else None,
        message=message,
    )


def denial_message(
    principal: str, action: str, resource: str, reason: Reason, policy_kind: str
) -> str:
    """Return the text AWS prints for a denied request, in its current form."""
    shown = f'"{resource}"' if action.lower().startswith("s3:") else resource
    who = "Anonymous" if principal == "anonymous" else f"User: {principal}"
    head = f"{who} is not authorized to perform: {action} on resource: {shown}"
    if reason == "explicit deny":
        article = _ARTICLES.get(policy_kind, "a")
        return f"{head} with an explicit deny in {article} {policy_kind}"
    return f"{head} because no {policy_kind} allows the {action} action"


def _first_match(
    policies: Sequence[Policy],
    effect: str,
    kind: str,
    request: AuthorizationRequest,
    context: Mapping[str, Sequence[str]],
) -> _Match | None:
    for policy in policies:
        for statement in policy.statements:
            if statement.effect != effect:
                continue
            principal_match = ""
            if statement.principal is not None or statement.not_principal is not None:
                found = _principal_match(statement, request.caller)
                if found is None:
                    continue
                principal_match = found
            if not _action_matches(statement, request.action):
                continue
            if not _resource_matches(
                statement, request.resource, context, policy.uses_variables
            ):
                continue
            if not all(
                condition.matches(context, use_variables=policy.uses_variables)
                for condition in statement.conditions
            ):
                continue
            return _Match(policy, statement, kind, principal_match)
    return None


def _action_matches(statement: Statement, action: str) -> bool:
    if statement.actions is not None:
        return compile_patterns(statement.actions, True).matches(action)
    assert statement.not_actions is not None
    return not compile_patterns(statement.not_actions, True).matches(action)


def _resource_matches(
    statement: Statement,
    resource: str,
    context: Mapping[str, Sequence[str]],
    use_variables: bool,
) -> bool:
    if statement.resources is not None:
        return _any_resource_matches(
            statement.resources, resource, context, use_variables
        )
    if statement.not_resources is not None:
        return not _any_resource_matches(
            statement.not_resources, resource, context, use_variables
        )
    return True  # a trust policy statement has no resource element


def _any_resource_matches(
    patterns: tuple[str, ...],
    resource: str,
    context: Mapping[str, Sequence[str]],
    use_variables: bool,
) -> bool:
    if use_variables and any(has_variables(pattern) for pattern in patterns):
        return any(
            _variable_pattern_matches(pattern, resource, context)
            for pattern in patterns
        )
    return compile_patterns(patterns).matches(resource)


def _variable_pattern_matches(
    pattern: str, resource: str, context: Mapping[str, Sequence[str]]
) -> bool:
    if not has_variables(pattern):
        return glob_match(pattern, resource)
    try:
        regex = substitute_variables(
            pattern, context, escape=re.escape, literal=glob_to_regex
        )
    except PolicyVariableMissing:
        return False
    return re.fullmatch(regex, resource, re.DOTALL) is not None


def _principal_match(statement: Statement, caller: Caller) -> str | None:
    if statement.principal is not None:
        return match_principal(statement.principal, caller)
    assert statement.not_principal is not None
    if match_principal(statement.not_principal, caller) is None:
        return "everyone"
    return None


def match_principal(
    principal: Mapping[str, Sequence[str]], caller: Caller
) -> str | None:
    """Return how a Principal element names ``caller``, or None when it does not.

    ``direct`` means the caller's own ARN, ``role`` the role behind a role
    session, ``account`` the caller's account (by id or root ARN) and
    ``everyone`` a ``*``.
    """
    best: str | None = None
    for principal_type, values in principal.items():
        if principal_type == "*":
            return "everyone"
        if principal_type == "Service":
            if caller.kind == "service" and caller.name in values:
                return "direct"
            continue
        if principal_type == "Federated":
            if caller.kind == "web-identity" and caller.arn in values:
                return "direct"
            continue
        if principal_type != "AWS":
            continue
        for value in values:
            if value == "*":
                return "everyone"
            if caller.kind in ("anonymous", "service", "web-identity"):
                continue
            if value == caller.arn:
                return "direct"
            if caller.role_arn is not None and value == caller.role_arn:
                best = "role"
            elif value in (
                caller.account,
                account_root_arn(caller.account, caller.partition),
            ):
                best = best or "account"
    return best
