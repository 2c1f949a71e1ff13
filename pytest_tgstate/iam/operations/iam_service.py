"""IAM API operations and the IAM actions they need."""

from __future__ import annotations

from collections.abc import Callable

from .model import Operation, Requirement, Resolver, Rule
from .query_params import member_list, member_tags

_USER_OPERATIONS = (
    "GetUser",
    "DeleteUser",
    "CreateAccessKey",
    "ListAccessKeys",
    "DeleteAccessKey",
    "UpdateAccessKey",
    "PutUserPolicy",
    "GetUserPolicy",
    "DeleteUserPolicy",
    "ListUserPolicies",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "ListAttachedUserPolicies",
    "ListGroupsForUser",
    "ListUserTags",
    "TagUser",
    "UntagUser",
    "PutUserPermissionsBoundary",
    "DeleteUserPermissionsBoundary",
)
_ROLE_OPERATIONS = (
    "GetRole",
    "DeleteRole",
    "PutRolePolicy",
    "GetRolePolicy",
    "DeleteRolePolicy",
    "ListRolePolicies",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "ListAttachedRolePolicies",
    "UpdateAssumeRolePolicy",
    "ListRoleTags",
    "TagRole",
    "UntagRole",
    "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary",
    "UpdateRole",
)
_POLICY_OPERATIONS = (
    "GetPolicy",
    "DeletePolicy",
    "GetPolicyVersion",
    "ListPolicyVersions",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
)
_ACCOUNT_OPERATIONS = (
    "ListUsers",
    "ListRoles",
    "ListPolicies",
    "ListGroups",
    "GetAccountSummary",
    "ListAccountAliases",
    "GetAccountAuthorizationDetails",
    "GetAccountPasswordPolicy",
)


def _request_context(operation: Operation) -> dict[str, tuple[str, ...]]:
    """Return the request's tag keys, iam:PolicyARN and iam:PermissionsBoundary."""
    context: dict[str, tuple[str, ...]] = {}
    tags = member_tags(operation.params)
    tag_keys = [key for key, _ in tags] or member_list(operation.params, "TagKeys")
    if tag_keys:
        context["aws:tagkeys"] = tuple(tag_keys)
    for key, value in tags:
        context[f"aws:requesttag/{key.lower()}"] = (value,)
    if "PolicyArn" in operation.params:
        context["iam:policyarn"] = (str(operation.params["PolicyArn"]),)
    if "PermissionsBoundary" in operation.params:
        context["iam:permissionsboundary"] = (
            str(operation.params["PermissionsBoundary"]),
        )
    return context


def _user_rule(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        name = operation.params.get("UserName")
        # Without UserName, user operations act on the caller itself.
        resource = (
            resolver.user_arn(str(name)) if name else (resolver.caller_arn or "*")
        )
        return [Requirement(action, resource, _request_context(operation))]

    return rule


def _role_rule(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        resource = resolver.role_arn(str(operation.params.get("RoleName", "")))
        return [Requirement(action, resource, _request_context(operation))]

    return rule


def _policy_rule(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        return [Requirement(action, str(operation.params.get("PolicyArn", "*")))]

    return rule


def _star(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        return [Requirement(action, "*")]

    return rule


def _create(kind: str, arn: Callable[[Resolver, str, str], str]) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        name = str(operation.params.get(f"{kind}Name", ""))
        path = str(operation.params.get("Path", "/"))
        resource = arn(resolver, name, path)
        context = _request_context(operation)
        requirements = [Requirement(f"iam:Create{kind}", resource, context)]
        if member_tags(operation.params):
            requirements.append(
                Requirement(
                    f"iam:Tag{kind}",
                    resource,
                    context,
                    reason=f"Create{kind} sets tags",
                )
            )
        if "PermissionsBoundary" in operation.params:
            # NOTE: AWS documents iam:PermissionsBoundary as a condition key of
            # CreateUser and CreateRole but does not say whether a boundary also
            # needs iam:Put*PermissionsBoundary. This table requires it.
            requirements.append(
                Requirement(
                    f"iam:Put{kind}PermissionsBoundary",
                    resource,
                    context,
                    reason=f"Create{kind} sets a permissions boundary",
                )
            )
        return requirements

    return rule


def _user_arn(resolver: Resolver, name: str, path: str) -> str:
    return f"arn:{resolver.partition}:iam::{resolver.account}:user{path}{name}"


def _role_arn(resolver: Resolver, name: str, path: str) -> str:
    return f"arn:{resolver.partition}:iam::{resolver.account}:role{path}{name}"


def _create_policy(operation: Operation, resolver: Resolver) -> list[Requirement]:
    name = str(operation.params.get("PolicyName", ""))
    path = str(operation.params.get("Path", "/"))
    return [Requirement("iam:CreatePolicy", resolver.policy_arn(name, path))]


IAM_RULES: dict[str, Rule] = {
    name: _user_rule(f"iam:{name}") for name in _USER_OPERATIONS
}
IAM_RULES.update({name: _role_rule(f"iam:{name}") for name in _ROLE_OPERATIONS})
IAM_RULES.update({name: _policy_rule(f"iam:{name}") for name in _POLICY_OPERATIONS})
IAM_RULES.update({name: _star(f"iam:{name}") for name in _ACCOUNT_OPERATIONS})
IAM_RULES.update(
    {
        "CreateUser": _create("User", _user_arn),
        "CreateRole": _create("Role", _role_arn),
        "CreatePolicy": _create_policy,
    }
)
