"""STS operations and the IAM actions they need."""

from __future__ import annotations

from .model import Operation, Requirement, Resolver, Rule
from .query_params import member_list, member_tags


def _assume_role_context(operation: Operation) -> dict[str, tuple[str, ...]]:
    params = operation.params
    context: dict[str, tuple[str, ...]] = {}
    if "RoleSessionName" in params:
        context["sts:rolesessionname"] = (str(params["RoleSessionName"]),)
    if "ExternalId" in params:
        context["sts:externalid"] = (str(params["ExternalId"]),)
    if "SourceIdentity" in params:
        context["sts:sourceidentity"] = (str(params["SourceIdentity"]),)
    if "DurationSeconds" in params:
        context["sts:durationseconds"] = (str(params["DurationSeconds"]),)
    transitive = member_list(params, "TransitiveTagKeys")
    if transitive:
        context["sts:transitivetagkeys"] = tuple(transitive)
    tags = member_tags(operation.params)
    if tags:
        context["aws:tagkeys"] = tuple(key for key, _ in tags)
        for key, value in tags:
            context[f"aws:requesttag/{key.lower()}"] = (value,)
    return context


def _assume_role(operation: Operation, resolver: Resolver) -> list[Requirement]:
    role = str(operation.params.get("RoleArn", ""))
    context = _assume_role_context(operation)
    requirements = [Requirement("sts:AssumeRole", role, context)]
    if member_tags(operation.params):
        requirements.append(
            Requirement(
                "sts:TagSession", role, context, reason="AssumeRole passes session tags"
            )
        )
    if "SourceIdentity" in operation.params:
        requirements.append(
            Requirement(
                "sts:SetSourceIdentity",
                role,
                context,
                reason="AssumeRole sets a source identity",
            )
        )
    return requirements


def _assume_role_with_web_identity(
    operation: Operation, resolver: Resolver
) -> list[Requirement]:
    role = str(operation.params.get("RoleArn", ""))
    return [
        Requirement(
            "sts:AssumeRoleWithWebIdentity", role, _assume_role_context(operation)
        )
    ]


def _star(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        return [Requirement(action, "*")]

    return rule


def _federation_token(operation: Operation, resolver: Resolver) -> list[Requirement]:
    name = str(operation.params.get("Name", ""))
    resource = f"arn:{resolver.partition}:sts::{resolver.account}:federated-user/{name}"
    return [Requirement("sts:GetFederationToken", resource)]


STS_RULES: dict[str, Rule] = {
    "GetCallerIdentity": _star("sts:GetCallerIdentity"),
    "AssumeRole": _assume_role,
    "AssumeRoleWithWebIdentity": _assume_role_with_web_identity,
    "GetSessionToken": _star("sts:GetSessionToken"),
    "GetAccessKeyInfo": _star("sts:GetAccessKeyInfo"),
    "DecodeAuthorizationMessage": _star("sts:DecodeAuthorizationMessage"),
    "GetFederationToken": _federation_token,
}
