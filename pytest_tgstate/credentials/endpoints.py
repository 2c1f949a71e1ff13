"""Credential endpoints served on the world's loopback server.

- `MetadataService`: EC2 instance metadata (IMDSv2 token, role name and role
  credentials), optionally IMDSv1 only, slow or failing.
- `ContainerCredentials`: the ECS/EKS container credential endpoint reached
  through ``AWS_CONTAINER_CREDENTIALS_FULL_URI``, with its authorization
  token.
- `SsoPortal`: the IAM Identity Center portal's GetRoleCredentials.

Each issues credentials of a world role session on every fetch and keeps a
`RequestLog`, so a test can count how often a client fetched credentials.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qs

from ..world.http import RawResponse
from ..world.server import RequestLog, RouteRequest


@dataclass(frozen=True)
class IssuedCredentials:
    """Temporary credentials an endpoint hands out."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime
    role_arn: str

    @property
    def expiration_text(self) -> str:
        return self.expiration.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


Issuer = Callable[[], IssuedCredentials]

CONTAINER_PATH = "/_tgstate/container-credentials"
_JSON = {"Content-Type": "application/json"}
_TEXT = {"Content-Type": "text/plain"}


def _json(status: int, document: object) -> RawResponse:
    return status, dict(_JSON), json.dumps(document).encode()


class MetadataService:
    """EC2 instance metadata for one instance profile role.

    ``imds_v1_only`` rejects token requests, so clients fall back to IMDSv1;
    real EC2 always offers IMDSv2, so this emulates an old or broken endpoint.
    ``delay`` (seconds) slows every response. ``fail`` turns the credential
    document into a 500 error.
    """

    TOKEN_PATH = "/latest/api/token"
    ROLE_PATH = "/latest/meta-data/iam/security-credentials/"

    def __init__(
        self,
        role_name: str,
        issue: Issuer,
        *,
        account: str,
        region: str,
        imds_v1_only: bool = False,
        delay: float = 0.0,
        fail: bool = False,
    ) -> None:
        self.role_name = role_name
        self.issue = issue
        self.account = account
        self.region = region
        self.imds_v1_only = imds_v1_only
        self.delay = delay
        self.fail = fail
        self.log = RequestLog()
        self._tokens: set[str] = set()

    def matches(self, request: RouteRequest) -> bool:
        # Signed AWS requests to a bucket called "latest" still reach the gateway.
        return (
            request.path.startswith("/latest/")
            and "authorization" not in request.headers
        )

    def handle(self, request: RouteRequest) -> RawResponse:
        self.log.record(request)
        if self.delay:
            time.sleep(self.delay)
        if request.path == self.TOKEN_PATH:
            if request.method != "PUT":
                return 405, dict(_TEXT), b""
            if self.imds_v1_only:
                return 403, dict(_TEXT), b"IMDSv2 is disabled on this instance"
            new_token = secrets.token_urlsafe(24)
            self._tokens.add(new_token)
            ttl = request.headers.get("x-aws-ec2-metadata-token-ttl-seconds", "21600")
            return (
                200,
                {**_TEXT, "X-Aws-Ec2-Metadata-Token-Ttl-Seconds": ttl},
                new_token.encode(),
            )
        token = request.headers.get("x-aws-ec2-metadata-token")
        if token is not None and token not in self._tokens:
            return 401, dict(_TEXT), b""
        if not self.imds_v1_only and token is None and not self._tokens:
            # IMDSv1 is allowed too (the EC2 default of "optional" tokens).
            pass
        if request.path in (self.ROLE_PATH, self.ROLE_PATH.rstrip("/")):
            return 200, dict(_TEXT), self.role_name.encode()
        if request.path == self.ROLE_PATH + self.role_name:
            if self.fail:
                return 500, dict(_TEXT), b"internal error"
            issued = self.issue()
            return _json(
                200,
                {
                    "Code": "Success",
                    "LastUpdated": datetime.now(timezone.utc).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"
                    ),
                    "Type": "AWS-HMAC",
                    "AccessKeyId": issued.access_key_id,
                    "SecretAccessKey": issued.secret_access_key,
                    "Token": issued.session_token,
                    "Expiration": issued.expiration_text,
                },
            )
        if request.path == "/latest/meta-data/iam/info":
            return _json(
                200,
                {
                    "Code": "Success",
                    "InstanceProfileArn": (
                        f"arn:aws:iam::{self.account}:instance-profile/{self.role_name}"
                    ),
                    "InstanceProfileId": "AIPATGSTATEINSTANCE01",
                },
            )
        if request.path == "/latest/meta-data/placement/region":
            return 200, dict(_TEXT), self.region.encode()
        if request.path == "/latest/dynamic/instance-identity/document":
            return _json(
                200,
                {
                    "accountId": self.account,
                    "region": self.region,
                    "instanceId": "i-0tgstate",
                },
            )
        return 404, dict(_TEXT), b""


class ContainerCredentials:
    """The container credential endpoint, checking the ``Authorization`` header."""

    def __init__(
        self, issue: Issuer, *, token: str, delay: float = 0.0, fail: bool = False
    ) -> None:
        self.issue = issue
        self.token = token
        self.delay = delay
        self.fail = fail
        self.log = RequestLog()

    def matches(self, request: RouteRequest) -> bool:
        return request.path == CONTAINER_PATH

    def handle(self, request: RouteRequest) -> RawResponse:
        self.log.record(request)
        if self.delay:
            time.sleep(self.delay)
        if request.headers.get("authorization") != self.token:
            return _json(
                401, {"code": "AccessDenied", "message": "invalid authorization token"}
            )
        if self.fail:
            return _json(
                500, {"code": "InternalError", "message": "credentials unavailable"}
            )
        issued = self.issue()
        return _json(
            200,
            {
                "AccessKeyId": issued.access_key_id,
                "SecretAccessKey": issued.secret_access_key,
                "Token": issued.session_token,
                "Expiration": issued.expiration_text,
                "RoleArn": issued.role_arn,
            },
        )


class SsoPortal:
    """The SSO portal: GetRoleCredentials for one account and permission set role."""

    PATH = "/federation/credentials"

    def __init__(
        self, issue: Issuer, *, access_token: str, account: str, role_name: str
    ) -> None:
        self.issue = issue
        self.access_token = access_token
        self.account = account
        self.role_name = role_name
        self.log = RequestLog()

    def matches(self, request: RouteRequest) -> bool:
        return request.path == self.PATH and "authorization" not in request.headers

    def handle(self, request: RouteRequest) -> RawResponse:
        self.log.record(request)
        if request.headers.get("x-amz-sso_bearer_token") != self.access_token:
            return _json(
                401,
                {
                    "__type": "com.amazonaws.switchboard.portal#UnauthorizedException",
                    "message": "Session token not found or invalid",
                },
            )
        query = {name: values[0] for name, values in parse_qs(request.query).items()}
        if (
            query.get("account_id") != self.account
            or query.get("role_name") != self.role_name
        ):
            return _json(
                403,
                {
                    "__type": "com.amazonaws.switchboard.portal#ForbiddenException",
                    "message": "No access",
                },
            )
        issued = self.issue()
        return _json(
            200,
            {
                "roleCredentials": {
                    "accessKeyId": issued.access_key_id,
                    "secretAccessKey": issued.secret_access_key,
                    "sessionToken": issued.session_token,
                    "expiration": int(issued.expiration.timestamp() * 1000),
                }
            },
        )
