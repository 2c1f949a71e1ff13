"""The request and requirement types shared by the operation tables."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Operation:
    """One AWS API call, as classified from its HTTP request.

    ``params`` contains the decoded request parameters: the JSON body for
    DynamoDB, the form fields for query-protocol services such as STS and
    IAM, and the query string for S3. ``headers`` has lower-case names.
    """

    service: str
    name: str
    region: str = "us-east-1"
    bucket: str | None = None
    key: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def label(self) -> str:
        return f"{self.service}:{self.name}"


@dataclass(frozen=True)
class Requirement:
    """One IAM action on one resource that an operation needs.

    ``context`` contains the request-specific condition keys (lower-case names),
    ``reason`` explains why a secondary action is needed, ``derived`` marks an
    action guessed from the operation name because the operation is not in
    the table, and ``resource_account`` names the account that owns the
    resource when it is known to differ from the caller's (None otherwise).
    """

    action: str
    resource: str
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    reason: str = ""
    derived: bool = False
    resource_account: str | None = None


class Resolver:
    """Looks up what the request alone does not contain: account, paths, owners.

    The gateway passes a subclass bound to the world; the defaults describe a
    caller in account ``account`` whose users and roles have the path ``/``.
    """

    def __init__(
        self, account: str, partition: str = "aws", caller_arn: str = ""
    ) -> None:
        self.account = account
        self.partition = partition
        self.caller_arn = caller_arn

    def user_arn(self, name: str) -> str:
        return f"arn:{self.partition}:iam::{self.account}:user/{name}"

    def role_arn(self, name: str) -> str:
        return f"arn:{self.partition}:iam::{self.account}:role/{name}"

    def policy_arn(self, name: str, path: str = "/") -> str:
        return f"arn:{self.partition}:iam::{self.account}:policy{path}{name}"

    def group_arn(self, name: str) -> str:
        return f"arn:{self.partition}:iam::{self.account}:group/{name}"


Rule = Callable[[Operation, Resolver], list[Requirement]]


class UnknownOperationError(LookupError):
    """An operation that neither the table nor the generic rule can map."""
