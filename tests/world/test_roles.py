"""Roles, trust policies, session policies, boundaries and session expiry."""

from __future__ import annotations

import dataclasses

import pytest

from pytest_tgstate.world import Principal, World

from .support import BUCKET, allow, client_error, code_of, document, message_of

ASSUME = allow("sts:AssumeRole")
ALL_S3 = allow("s3:*")
LIST_ONLY = allow("s3:ListBucket")


@pytest.fixture
def alice(world: World) -> Principal:
    world.set_bucket_state(BUCKET, "bare")
    return world.create_user("alice", policy=ASSUME)


def test_default_trust_allows_account(world: World, alice: Principal) -> None:
    role = world.create_role("deploy", policy=ALL_S3)
    session = world.assume_role(alice, role, session_name="ci")
    assert session.arn == "arn:aws:sts::123456789012:assumed-role/deploy/ci"
    assert session.role_arn == role.arn
    assert session.kind == "role-session"


def test_session_uses_role_policy(world: World, alice: Principal) -> None:
    role = world.create_role("deploy", policy=ALL_S3)
    session = world.assume_role(alice, role)
    versioning = world.client("s3", session).get_bucket_versioning(Bucket=BUCKET)
    assert "Status" not in versioning


def test_default_trust_needs_identity_allow(world: World) -> None:
    role = world.create_role("deploy")
    user = world.create_user("bob")
    error = client_error(lambda: world.assume_role(user, role))
    assert code_of(error) == "AccessDenied"
    assert "sts:AssumeRole" in message_of(error)


def test_trust_naming_other_principal(world: World, alice: Principal) -> None:
    world.create_user("bob")
    trust = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:user/bob"},
            "Action": "sts:AssumeRole",
        }
    )
    role = world.create_role("deploy", trust=trust)
    error = client_error(lambda: world.assume_role(alice, role))
    assert code_of(error) == "AccessDenied"


def test_trust_naming_caller_directly(world: World) -> None:
    bob = world.create_user("bob")
    trust = document(
        {"Effect": "Allow", "Principal": {"AWS": bob.arn}, "Action": "sts:AssumeRole"}
    )
    role = world.create_role("deploy", trust=trust)
    session = world.assume_role(bob, role)
    assert session.arn.endswith(":assumed-role/deploy/tgstate-session")


def test_session_policy_intersects(world: World, alice: Principal) -> None:
    role = world.create_role("deploy", policy=ALL_S3)
    session = world.assume_role(alice, role, policy=LIST_ONLY)
    s3 = world.client("s3", session)
    s3.head_bucket(Bucket=BUCKET)
    error = client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"
    assert "no session policy allows" in message_of(error)


def test_managed_session_policy_intersects(world: World, alice: Principal) -> None:
    role = world.create_role("deploy", policy=ALL_S3)
    arn = world.create_managed_policy("list-only", LIST_ONLY)
    session = world.assume_role(alice, role, policy_arns=(arn,))
    s3 = world.client("s3", session)
    s3.head_bucket(Bucket=BUCKET)
    error = client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"


def test_role_boundary_intersects(world: World, alice: Principal) -> None:
    role = world.create_role("deploy", policy=ALL_S3, boundary=LIST_ONLY)
    s3 = world.client("s3", world.assume_role(alice, role))
    s3.head_bucket(Bucket=BUCKET)
    error = client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"
    assert "no permissions boundary allows" in message_of(error)


def test_user_boundary_intersects(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user("carol", policy=ALL_S3, boundary=LIST_ONLY)
    s3 = world.client("s3", user)
    s3.head_bucket(Bucket=BUCKET)
    error = client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"
    assert "no permissions boundary allows" in message_of(error)


def test_boundary_alone_grants_nothing(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user("carol", boundary=ALL_S3)
    s3 = world.client("s3", user)
    error = client_error(lambda: s3.head_bucket(Bucket=BUCKET))
    assert code_of(error) == "403"


def test_session_expiry_follows_world_clock(world: World, alice: Principal) -> None:
    role = world.create_role("deploy", policy=ALL_S3)
    world.advance(7200)
    session = world.assume_role(alice, role, duration=900)
    sts = world.client("sts", session)
    assert sts.get_caller_identity()["Arn"] == session.arn
    world.advance(899)
    assert sts.get_caller_identity()["Arn"] == session.arn
    world.advance(2)
    error = client_error(lambda: sts.get_caller_identity())
    assert code_of(error) == "ExpiredToken"


def test_principal_repr_hides_secret(world: World, alice: Principal) -> None:
    role = world.create_role("deploy", policy=ALL_S3)
    session = world.assume_role(alice, role)
    for principal in (alice, session):
        text = repr(principal)
        assert principal.secret_access_key not in text
        assert principal.access_key_id in text
    assert session.session_token is not None
    assert session.session_token not in repr(session)


def test_principal_env_variables(world: World, alice: Principal) -> None:
    role = world.create_role("deploy", policy=ALL_S3)
    session = world.assume_role(alice, role)
    assert session.env() == {
        "AWS_ACCESS_KEY_ID": session.access_key_id,
        "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
        "AWS_SESSION_TOKEN": session.session_token,
    }
    assert "AWS_SESSION_TOKEN" not in alice.env()


def test_replaced_principal_keeps_repr_safe(alice: Principal) -> None:
    copy = dataclasses.replace(alice, secret_access_key="another-secret")
    assert "another-secret" not in repr(copy)
