"""Authentication failures, as botocore parses them, per service."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from pytest_tgstate.world import Principal, World

from .support import BUCKET, client_error, code_of, status_of

#: One cheap call per service that any authenticated caller may make.
CALLS: dict[str, Callable[[Any], object]] = {
    "s3": lambda client: client.list_objects_v2(Bucket=BUCKET),
    "dynamodb": lambda client: client.list_tables(),
    "sts": lambda client: client.get_caller_identity(),
}
ALL_SERVICES = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:*", "dynamodb:*", "sts:AssumeRole"],
            "Resource": "*",
        }
    ],
}


def _failure(
    world: World, service: str, principal: Principal | None
) -> tuple[str, int]:
    client = world.client(service, principal)
    error = client_error(lambda: CALLS[service](client))
    return code_of(error), status_of(error)


def _session(world: World) -> Principal:
    user = world.create_user("alice", policy=ALL_SERVICES)
    role = world.create_role("deploy", policy=ALL_SERVICES)
    return world.assume_role(user, role)


@pytest.fixture
def bucket(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")


@pytest.mark.usefixtures("bucket")
@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("s3", "InvalidAccessKeyId", 403),
        ("dynamodb", "UnrecognizedClientException", 400),
        ("sts", "InvalidClientTokenId", 403),
    ],
)
def test_unknown_access_key(world: World, service: str, code: str, status: int) -> None:
    assert _failure(world, service, None) == (code, status)


@pytest.mark.usefixtures("bucket")
@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("s3", "SignatureDoesNotMatch", 403),
        ("dynamodb", "InvalidSignatureException", 400),
        ("sts", "SignatureDoesNotMatch", 403),
    ],
)
def test_wrong_secret_key(world: World, service: str, code: str, status: int) -> None:
    user = world.create_user("alice", policy=ALL_SERVICES)
    world.client(service, user)
    impostor = dataclasses.replace(user, secret_access_key="not-the-secret")
    assert _failure(world, service, impostor) == (code, status)


@pytest.mark.usefixtures("bucket")
@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("s3", "SignatureDoesNotMatch", 403),
        ("dynamodb", "InvalidSignatureException", 400),
        ("sts", "SignatureDoesNotMatch", 403),
    ],
)
def test_session_wrong_secret(
    world: World, service: str, code: str, status: int
) -> None:
    session = _session(world)
    impostor = dataclasses.replace(session, secret_access_key="not-the-secret")
    assert _failure(world, service, impostor) == (code, status)


@pytest.mark.usefixtures("bucket")
@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("s3", "ExpiredToken", 400),
        ("dynamodb", "ExpiredTokenException", 400),
        ("sts", "ExpiredToken", 403),
    ],
)
def test_expired_role_session(
    world: World, service: str, code: str, status: int
) -> None:
    session = _session(world)
    world.advance(3601)
    assert _failure(world, service, session) == (code, status)


@pytest.mark.usefixtures("bucket")
@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("s3", "InvalidToken", 400),
        ("dynamodb", "UnrecognizedClientException", 400),
        ("sts", "InvalidClientTokenId", 403),
    ],
)
def test_wrong_session_token(
    world: World, service: str, code: str, status: int
) -> None:
    session = _session(world)
    world.client(service, session)
    forged = dataclasses.replace(session, session_token="forged-token")
    assert _failure(world, service, forged) == (code, status)


@pytest.mark.usefixtures("bucket")
@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("s3", "InvalidToken", 400),
        ("dynamodb", "UnrecognizedClientException", 400),
        ("sts", "InvalidClientTokenId", 403),
    ],
)
def test_token_with_user_key(
    world: World, service: str, code: str, status: int
) -> None:
    user = world.create_user("alice", policy=ALL_SERVICES)
    with_token = dataclasses.replace(user, session_token="unexpected-token")
    assert _failure(world, service, with_token) == (code, status)


@pytest.mark.usefixtures("bucket")
@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("s3", "InvalidAccessKeyId", 403),
        ("dynamodb", "UnrecognizedClientException", 400),
        ("sts", "InvalidClientTokenId", 403),
    ],
)
def test_inactive_access_key(
    world: World, service: str, code: str, status: int
) -> None:
    user = world.create_user("alice", policy=ALL_SERVICES)
    world.admin_client("iam").update_access_key(
        UserName="alice", AccessKeyId=user.access_key_id, Status="Inactive"
    )
    assert _failure(world, service, user) == (code, status)


def test_valid_user_authenticates(world: World) -> None:
    user = world.create_user("alice", policy=ALL_SERVICES)
    identity = world.client("sts", user).get_caller_identity()
    assert identity["Arn"] == user.arn


def test_valid_session_authenticates(world: World) -> None:
    session = _session(world)
    identity = world.client("sts", session).get_caller_identity()
    assert identity["Arn"] == session.arn


def test_failure_recorded_in_journal(world: World) -> None:
    user = world.create_user("alice", policy=ALL_SERVICES)
    impostor = dataclasses.replace(user, secret_access_key="not-the-secret")
    _failure(world, "sts", impostor)
    entry = world.journal[-1]
    assert entry.operation == "GetCallerIdentity"
    assert entry.principal is None
    assert entry.status == 403
    assert entry.error_code == "SignatureDoesNotMatch"
    assert not entry.forwarded
    assert entry.error_message == "the signature does not match the secret key"


def test_head_failure_has_no_body(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    error = client_error(lambda: world.client("s3").head_bucket(Bucket=BUCKET))
    assert code_of(error) == "403"
    assert status_of(error) == 403
