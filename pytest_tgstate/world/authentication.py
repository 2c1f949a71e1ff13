"""Authentication: turn a signed request into a `Caller` and its policies.

The store is moto: IAM users and their access keys, roles, and the sessions
STS created. Users' permissions boundaries, which moto does not keep, come
from the world's own registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from ..iam.policy import Policy, PolicyError, PolicyKind, parse_policy_text
from ..iam.principal import Caller
from . import moto_internals
from .http import HttpRequest
from .sigv4 import SignedCredential, presigned_expired, verify_signature

FailureKind = Literal[
    "unknown-key", "bad-signature", "expired", "request-expired", "bad-token", "missing"
]


class AuthenticationFailure(Exception):
    """A request whose credentials AWS would reject before any policy is read."""

    def __init__(self, kind: FailureKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Identity:
    """An authenticated caller and the policies that limit it."""

    caller: Caller
    identity_policies: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    session_policies: tuple[Policy, ...] = ()
    access_key_id: str | None = None


ANONYMOUS = Identity(Caller.anonymous())


def managed_policy_document(arn: str) -> str | None:
    """Return the default version of a managed policy stored in moto, or None."""
    account = arn.split(":")[4] if arn.count(":") >= 5 else ""
    backend = moto_internals.iam_backend(account or "aws")
    policy = backend.managed_policies.get(arn)
    if policy is None:
        return None
    for version in policy.versions:
        if version.is_default:
            return str(version.document)
    return None


def parse_stored_policy(text: Any, name: str, kind: PolicyKind) -> Policy | None:
    """Parse a policy document stored in moto; None when it is not valid."""
    if isinstance(text, Mapping):
        import json

        text = json.dumps(text)
    try:
        return parse_policy_text(str(text), name=name, kind=kind)
    except PolicyError:
        return None


def _inline(policies: Mapping[str, Any], kind: PolicyKind = "identity") -> list[Policy]:
    parsed = []
    for name, text in policies.items():
        policy = parse_stored_policy(text, name, kind)
        if policy is not None:
            parsed.append(policy)
    return parsed


def _managed(managed: Mapping[str, Any]) -> list[Policy]:
    parsed = []
    for arn, policy in managed.items():
        text = managed_policy_document(arn)
        if text is None:
            continue
        found = parse_stored_policy(text, str(policy.name), "identity")
        if found is not None:
            parsed.append(found)
    return parsed


def _boundary(arn: str | None) -> Policy | None:
    if not arn:
        return None
    text = managed_policy_document(arn)
    if text is None:
        return None
    return parse_stored_policy(text, arn.rsplit("/", 1)[-1], "boundary")


def authenticate(
    request: HttpRequest,
    credential: SignedCredential,
    *,
    now: datetime,
    user_boundaries: Mapping[str, str],
    session_policy_arns: Mapping[str, tuple[str, ...]],
) -> Identity:
    """Find the caller behind ``credential`` and check the request's signature.

    ``now`` is naive UTC, as moto stores session expiry. Raises
    `AuthenticationFailure` for an unknown or inactive key, a wrong or missing
    session token, an expired session or a bad signature.
    """
    found = moto_internals.find_access_key(credential.access_key_id)
    if found is None:
        raise AuthenticationFailure(
            "unknown-key",
            f"access key {credential.access_key_id} does not exist in the world",
        )
    account, key = found
    if key.status != "Active":
        raise AuthenticationFailure(
            "unknown-key", f"access key {credential.access_key_id} is inactive"
        )

    if key.user_name:
        if credential.session_token:
            raise AuthenticationFailure(
                "bad-token", "a session token was sent with a long-term access key"
            )
        _check_signature(request, credential, key.secret_access_key)
        return _user_identity(
            account, key.user_name, key.access_key_id, user_boundaries
        )

    session = moto_internals.find_session(credential.access_key_id)
    if session is None:
        raise AuthenticationFailure(
            "unknown-key",
            f"temporary access key {credential.access_key_id} has no session",
        )
    if credential.session_token != session.session_token:
        raise AuthenticationFailure(
            "bad-token", "the session token does not match the access key"
        )
    if session.expiration <= now:
        raise AuthenticationFailure(
            "expired",
            f"the session of {session.arn} expired at "
            f"{session.expiration.isoformat()}Z",
        )
    _check_signature(request, credential, session.secret_access_key)
    return _session_identity(
        session, session_policy_arns.get(session.access_key_id, ())
    )


def _check_signature(
    request: HttpRequest, credential: SignedCredential, secret_access_key: str
) -> None:
    if not verify_signature(request, credential, secret_access_key):
        raise AuthenticationFailure(
            "bad-signature", "the signature does not match the secret key"
        )
    # NOTE: clients sign with the machine's clock, so a presigned URL expires
    # on that clock; World.advance does not age it.
    if presigned_expired(credential, datetime.now(timezone.utc)):
        raise AuthenticationFailure(
            "request-expired",
            f"the presigned request expired {credential.expires} seconds after "
            f"{credential.timestamp}",
        )


def _user_identity(
    account: str, user_name: str, access_key_id: str, user_boundaries: Mapping[str, str]
) -> Identity:
    backend = moto_internals.iam_backend(account)
    user = backend.users[user_name]
    caller = Caller.user(account, user.name, path=user.path, user_id=user.id)
    policies = _inline(user.policies) + _managed(user.managed_policies)
    for group in backend.get_groups_for_user(user_name):
        policies += _inline(group.policies) + _managed(group.managed_policies)
    return Identity(
        caller=caller,
        identity_policies=tuple(policies),
        boundary=_boundary(user_boundaries.get(caller.arn)),
        access_key_id=access_key_id,
    )


def _session_identity(session: Any, policy_arns: tuple[str, ...]) -> Identity:
    role = moto_internals.find_role(session.role_arn)
    role_name = session.role_arn.rsplit("/", 1)[-1]
    role_path = "/"
    role_id = ""
    policies: list[Policy] = []
    boundary = None
    if role is not None:
        role_path = role.path
        role_id = role.id
        policies = _inline(role.policies) + _managed(role.managed_policies)
        boundary = _boundary(role.permissions_boundary_arn)
    caller = Caller.session(
        session.account_id,
        role_name,
        session.session_name,
        role_path=role_path,
        role_id=role_id,
    )
    session_policies: list[Policy] = []
    if session.policy:
        inline = parse_stored_policy(session.policy, "session policy", "session")
        if inline is not None:
            session_policies.append(inline)
    for arn in policy_arns:
        text = managed_policy_document(arn)
        if text is not None:
            managed = parse_stored_policy(text, arn.rsplit("/", 1)[-1], "session")
            if managed is not None:
                session_policies.append(managed)
    return Identity(
        caller=caller,
        identity_policies=tuple(policies),
        boundary=boundary,
        session_policies=tuple(session_policies),
        access_key_id=session.access_key_id,
    )
