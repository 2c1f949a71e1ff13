"""The authorization gateway in front of moto.

For each request the gateway reads the SigV4 credential, classifies the
request into an operation, authenticates the caller, computes the IAM
actions it needs and evaluates them. It records the decisions in the journal,
then either returns the error AWS would return or hands the request to moto.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Literal

from ..iam.arn import parse_arn
from ..iam.evaluation import AuthorizationRequest, Decision, PolicySet, evaluate
from ..iam.operations import (
    OWNER_ONLY_OPERATIONS,
    Operation,
    Requirement,
    Resolver,
    requirements_for,
)
from ..iam.policy import Policy, PolicyError, parse_policy_text
from ..iam.principal import Caller
from . import moto_internals
from .authentication import (
    ANONYMOUS,
    AuthenticationFailure,
    Identity,
    authenticate,
    parse_stored_policy,
)
from .classify import UNSIGNED_OPERATIONS, UnclassifiedRequest, classify, service_of
from .http import HttpRequest, RawResponse, access_denied, auth_error, error_response
from .journal import Journal, JournalEntry
from .sigv4 import MalformedSignature, read_credential

logger = logging.getLogger("pytest_tgstate")

Mode = Literal["enforce", "audit"]
DecisionObserver = Callable[[JournalEntry], None]


@dataclass
class GatewaySettings:
    """The world settings the gateway reads, beyond moto itself."""

    region: str = "us-east-1"
    secure_transport: bool = True
    mode: Mode = "enforce"
    clock_offset: timedelta = timedelta(0)
    user_boundaries: dict[str, str] = field(default_factory=dict)
    session_policy_arns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    observers: list[DecisionObserver] = field(default_factory=list)

    def now(self) -> datetime:
        """Return the world's current time, timezone-aware UTC."""
        return datetime.now(timezone.utc) + self.clock_offset


class _WorldResolver(Resolver):
    def __init__(self, caller: Caller) -> None:
        super().__init__(caller.account or "000000000000", caller.partition, caller.arn)

    def user_arn(self, name: str) -> str:
        user = moto_internals.iam_backend(self.account).users.get(name)
        return str(user.arn) if user is not None else super().user_arn(name)

    def role_arn(self, name: str) -> str:
        for role in moto_internals.iam_backend(self.account).roles.values():
            if role.name == name:
                return str(role.arn)
        return super().role_arn(name)


_ERROR_CODE = re.compile(rb"<Code>([^<]+)</Code>")
_ERROR_MESSAGE = re.compile(rb"<Message>([^<]*)</Message>")


class Gateway:
    """Decides every request before moto runs it; a world has one gateway."""

    def __init__(self, journal: Journal, settings: GatewaySettings) -> None:
        self.journal = journal
        self.settings = settings

    def process(
        self, request: HttpRequest, forward: Callable[[], RawResponse | None]
    ) -> RawResponse | None:
        """Decide ``request``; return the response, calling ``forward`` when allowed."""
        try:
            credential = read_credential(request)
        except MalformedSignature as error:
            target = service_of(request, None) or "s3"
            return self._reject(request, target, "?", 400, error.code, str(error))

        service = service_of(request, credential)
        if service is None:
            return error_response(
                "s3",
                400,
                "InvalidRequest",
                "pytest-tgstate cannot tell which AWS service "
                f"{request.host}{request.raw_path} is for",
            )
        region = credential.region if credential else self.settings.region
        try:
            operation = classify(request, service, region)
        except UnclassifiedRequest as error:
            return self._reject(
                request, service, "?", 400, "InvalidRequest", f"pytest-tgstate: {error}"
            )

        head = request.method == "HEAD"
        response: RawResponse | None
        try:
            identity = self._identify(request, credential, service, operation)
        except _StsRejection as rejection:
            response = error_response("sts", 400, rejection.code, rejection.message)
            self._record(
                operation,
                None,
                (),
                (),
                response,
                request,
                forwarded=False,
                message=rejection.message,
            )
            return response
        except AuthenticationFailure as failure:
            response = auth_error(service, failure.kind, head=head)
            self._record(
                operation,
                None,
                (),
                (),
                response,
                request,
                forwarded=False,
                message=failure.detail,
            )
            logger.debug(
                "authentication failed for %s: %s", operation.label, failure.detail
            )
            return response

        requirements = requirements_for(operation, _WorldResolver(identity.caller))
        request_context = self._request_context(request, operation.region)
        decisions = tuple(
            self._decide(identity, requirement, request_context)
            for requirement in requirements
        )
        denial = next(
            (decision for decision in decisions if not decision.allowed), None
        )
        audit = self.settings.mode == "audit"

        if denial is not None and not audit:
            response = access_denied(service, denial.message, head=head)
            self._record(
                operation,
                identity,
                requirements,
                decisions,
                response,
                request,
                forwarded=False,
            )
            return response

        early = self._service_rules(operation, identity)
        if early is not None:
            self._record(
                operation,
                identity,
                requirements,
                decisions,
                early,
                request,
                forwarded=False,
            )
            return early

        response = forward()
        if response is not None:
            self._after(operation, identity, response)
            hidden = self._hide_missing_object(operation, identity, request, response)
            if hidden is not None:
                list_decision, response = hidden
                decisions = (*decisions, list_decision)
        self._record(
            operation,
            identity,
            requirements,
            decisions,
            response,
            request,
            forwarded=True,
            audit_only=audit and denial is not None,
        )
        return response

    # -- steps ---------------------------------------------------------------

    def _identify(
        self,
        request: HttpRequest,
        credential: object,
        service: str,
        operation: Operation,
    ) -> Identity:
        if credential is None:
            if service == "sts" and operation.name == "AssumeRoleWithWebIdentity":
                return self._web_identity(operation)
            if service == "s3" or (
                service == "sts" and operation.name in UNSIGNED_OPERATIONS
            ):
                return ANONYMOUS
            raise AuthenticationFailure("missing", "the request is not signed")
        now = self.settings.now().replace(tzinfo=None)
        return authenticate(
            request,
            credential,  # type: ignore[arg-type]
            now=now,
            user_boundaries=self.settings.user_boundaries,
            session_policy_arns=self.settings.session_policy_arns,
        )

    def _web_identity(self, operation: Operation) -> Identity:
        """Read the caller of AssumeRoleWithWebIdentity from its OpenID Connect token.

        The token's signature is not checked, because there is no identity
        provider to check it against. As STS requires, its issuer must be an
        OIDC provider of the role's account and its ``exp`` must lie ahead.
        """
        claims = _jwt_claims(str(operation.params.get("WebIdentityToken", "")))
        if claims is None:
            raise _StsRejection(
                "InvalidIdentityToken", "Token is not a valid JSON Web Token"
            )
        issuer = str(claims.get("iss", "")).removeprefix("https://")
        role_arn = str(operation.params.get("RoleArn", ""))
        account = _arn_account(role_arn) or ""
        provider_arn = f"arn:aws:iam::{account}:oidc-provider/{issuer}"
        providers = (
            moto_internals.iam_backend(account).open_id_providers if account else {}
        )
        if provider_arn not in providers:
            raise _StsRejection(
                "InvalidIdentityToken",
                f"No OpenIDConnect provider found in your account for https://{issuer}",
            )
        expires = claims.get("exp")
        if (
            isinstance(expires, (int, float))
            and expires <= self.settings.now().timestamp()
        ):
            raise _StsRejection(
                "ExpiredTokenException",
                "Token expired: the token's exp claim is in the past",
            )
        pairs: list[tuple[str, str]] = []
        for claim, value in claims.items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                    pairs.append((str(claim), str(item)))
        return Identity(Caller.web_identity(provider_arn, account, tuple(pairs)))

    def _decide(
        self,
        identity: Identity,
        requirement: Requirement,
        request_context: Mapping[str, tuple[str, ...]],
    ) -> Decision:
        resource_policy, resource_kind, owner = self._resource_policy(requirement)
        context = dict(request_context)
        context.update(requirement.context)
        if owner is not None:
            context.setdefault("s3:resourceaccount", (owner,))
        policies = PolicySet(
            identity=identity.identity_policies,
            boundary=identity.boundary,
            session=identity.session_policies,
            resource=resource_policy,
            resource_kind=resource_kind,
        )
        authorization = AuthorizationRequest(
            caller=identity.caller,
            action=requirement.action,
            resource=requirement.resource,
            context=context,
            resource_account=requirement.resource_account or owner,
        )
        return evaluate(authorization, policies)

    def _resource_policy(
        self, requirement: Requirement
    ) -> tuple[
        Policy | None, Literal["resource-based policy", "role trust policy"], str | None
    ]:
        resource = requirement.resource
        if resource.startswith("arn:aws:s3:::"):
            bucket_name = resource[len("arn:aws:s3:::") :].split("/", 1)[0]
            bucket = moto_internals.find_bucket(bucket_name)
            if bucket is None:
                return None, "resource-based policy", None
            owner: str | None = str(bucket.account_id)
            policy = None
            if bucket.policy:
                policy = parse_stored_policy(
                    bucket.policy.decode()
                    if isinstance(bucket.policy, bytes)
                    else bucket.policy,
                    f"bucket policy of {bucket_name}",
                    "resource",
                )
            return policy, "resource-based policy", owner
        if requirement.action.lower() in _TRUST_ACTIONS:
            role = moto_internals.find_role(resource)
            owner = _arn_account(resource)
            if role is None:
                return None, "role trust policy", owner
            trust = parse_stored_policy(
                role.assume_role_policy_document,
                f"trust policy of {role.name}",
                "trust",
            )
            return trust, "role trust policy", owner
        return None, "resource-based policy", _arn_account(resource)

    def _request_context(
        self, request: HttpRequest, region: str
    ) -> dict[str, tuple[str, ...]]:
        """Return the global condition keys that are the same for every requirement.

        ``aws:RequestedRegion`` is the region the request was signed for, which
        is the region of the endpoint it was sent to.
        """
        now = self.settings.now()
        return {
            "aws:requestedregion": (region,),
            "aws:securetransport": (
                "true"
                if request.secure and self.settings.secure_transport
                else "false",
            ),
            "aws:currenttime": (now.strftime("%Y-%m-%dT%H:%M:%SZ"),),
            "aws:epochtime": (str(int(now.timestamp())),),
            "aws:sourceip": (request.source_ip,),
            "aws:useragent": (request.header("user-agent"),),
        }

    def _service_rules(
        self, operation: Operation, identity: Identity
    ) -> RawResponse | None:
        """Apply the S3 rules that are not IAM decisions.

        These are the owner-only calls and the bucket policy syntax.
        """
        if operation.service != "s3" or not operation.bucket:
            return None
        if operation.name in OWNER_ONLY_OPERATIONS:
            owner = moto_internals.bucket_owner(operation.bucket)
            if owner is not None and owner != identity.caller.account:
                return error_response(
                    "s3",
                    405,
                    "MethodNotAllowed",
                    "The specified method is not allowed against this resource.",
                )
        if operation.name == "PutBucketPolicy":
            try:
                parse_policy_text(
                    operation.body.decode("utf-8", "replace"),
                    name="bucket policy",
                    kind="resource",
                )
            except PolicyError as error:
                return error_response("s3", 400, "MalformedPolicy", str(error))
        return None

    def _hide_missing_object(
        self,
        operation: Operation,
        identity: Identity,
        request: HttpRequest,
        response: RawResponse,
    ) -> tuple[Decision, RawResponse] | None:
        """Turn a 404 for a missing object into S3's 403 when the caller may not list.

        S3 returns NoSuchKey only to a caller with ``s3:ListBucket`` on the
        bucket. Any other caller gets AccessDenied.
        """
        if operation.service != "s3" or operation.name not in (
            "GetObject",
            "HeadObject",
        ):
            return None
        if response[0] != 404 or not operation.bucket:
            return None
        requirement = Requirement("s3:ListBucket", f"arn:aws:s3:::{operation.bucket}")
        context = self._request_context(request, operation.region)
        decision = self._decide(identity, requirement, context)
        if decision.allowed or self.settings.mode == "audit":
            return None
        return decision, access_denied(
            "s3", decision.message, head=request.method == "HEAD"
        )

    def _after(
        self, operation: Operation, identity: Identity, response: RawResponse
    ) -> None:
        if response[0] != 200:
            return
        if operation.service == "sts" and operation.name in (
            "AssumeRole",
            "AssumeRoleWithWebIdentity",
        ):
            self._adopt_session(operation, response[2])
        if operation.service == "dynamodb" and operation.name == "UpdateTable":
            specification = operation.params.get("SSESpecification")
            if isinstance(specification, dict) and "Enabled" in specification:
                # moto 5.2 ignores SSESpecification in UpdateTable; AWS applies it.
                moto_internals.set_table_encryption(
                    identity.caller.account,
                    operation.region,
                    str(operation.params.get("TableName", "")),
                    enabled=bool(specification["Enabled"]),
                    kms_key=specification.get("KMSMasterKeyId"),
                )

    def _adopt_session(self, operation: Operation, body: bytes) -> None:
        # moto dates the session with the real clock; the world's clock may be
        # moved, so the expiry is recomputed from the world's time.
        found = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", body)
        if found is None:
            return
        key = found.group(1).decode()
        session = moto_internals.find_session(key)
        if session is None:
            return
        duration = int(operation.params.get("DurationSeconds", 3600))
        session.expiration = self.settings.now().replace(tzinfo=None) + timedelta(
            seconds=duration
        )
        arns = []
        index = 1
        while f"PolicyArns.member.{index}.arn" in operation.params:
            arns.append(str(operation.params[f"PolicyArns.member.{index}.arn"]))
            index += 1
        if arns:
            self.settings.session_policy_arns[key] = tuple(arns)

    # -- journal -------------------------------------------------------------

    def _reject(
        self,
        request: HttpRequest,
        service: str,
        name: str,
        status: int,
        code: str,
        message: str,
    ) -> RawResponse:
        response = error_response(
            service, status, code, message, head=request.method == "HEAD"
        )
        operation = Operation(service, name)
        self._record(
            operation, None, (), (), response, request, forwarded=False, message=message
        )
        return response

    def _record(
        self,
        operation: Operation,
        identity: Identity | None,
        requirements: tuple[Requirement, ...] | list[Requirement],
        decisions: tuple[Decision, ...],
        response: RawResponse | None,
        request: HttpRequest,
        *,
        forwarded: bool,
        audit_only: bool = False,
        message: str | None = None,
    ) -> None:
        status = response[0] if response else 0
        code, text = _error_of(response) if response and status >= 300 else (None, None)
        entry = JournalEntry(
            sequence=self.journal.next_sequence(),
            time=self.settings.now(),
            service=operation.service,
            operation=operation.name,
            principal=identity.caller.arn
            if identity and identity.caller.kind != "anonymous"
            else None,
            requirements=tuple(requirements),
            decisions=decisions,
            status=status,
            error_code=code,
            error_message=message or text,
            step=self.journal.current_step,
            forwarded=forwarded,
            audit_only=audit_only,
        )
        self.journal.append(entry)
        for observer in list(self.settings.observers):
            observer(entry)


#: Actions a role's trust policy must allow: assuming it, and tagging or
#: naming the source identity of the session being created.
_TRUST_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
    }
)


class _StsRejection(Exception):
    """A web identity token STS rejects before evaluating the trust policy."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _jwt_claims(token: str) -> dict[str, object] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error):
        return None
    return claims if isinstance(claims, dict) else None


def _arn_account(resource: str) -> str | None:
    try:
        account = parse_arn(resource).account
    except ValueError:
        return None
    return account or None


def _error_of(response: RawResponse) -> tuple[str | None, str | None]:
    status, headers, body = response
    if not body:
        return str(status), None
    content_type = {name.lower(): value for name, value in headers.items()}.get(
        "content-type", ""
    )
    if "json" in content_type or body.lstrip().startswith(b"{"):
        try:
            document = json.loads(body)
        except ValueError:
            return str(status), None
        if isinstance(document, Mapping):
            kind = str(document.get("__type", "")).rsplit("#", 1)[-1] or None
            return kind, document.get("Message") or document.get("message")
        return str(status), None
    code = _ERROR_CODE.search(body)
    message = _ERROR_MESSAGE.search(body)
    return (
        code.group(1).decode() if code else str(status),
        message.group(1).decode() if message else None,
    )
