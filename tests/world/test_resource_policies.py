"""Bucket policies end to end: cross-account access, grants, denies and TLS."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_tgstate.world import Principal, World

from .support import (
    BUCKET,
    BUCKET_ARN,
    OBJECTS_ARN,
    STATE_KEY,
    allow,
    client_error,
    code_of,
    document,
    message_of,
    status_of,
)

STATE_ACCESS = allow(
    "s3:ListBucket",
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    resource=[BUCKET_ARN, OBJECTS_ARN],
)


def _put_bucket_policy(world: World, policy: dict[str, Any], account: str) -> None:
    world.admin_client("s3", account=account).put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps(policy)
    )


# -- another account's bucket ------------------------------------------------


@pytest.fixture
def foreign(world: World) -> None:
    world.set_bucket_state(BUCKET, "foreign")


@pytest.mark.usefixtures("foreign")
def test_foreign_bucket_writable(world: World) -> None:
    s3 = world.client("s3", world.create_user("alice", policy=STATE_ACCESS))
    s3.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b"{}")
    assert s3.get_object(Bucket=BUCKET, Key=STATE_KEY)["Body"].read() == b"{}"


@pytest.mark.usefixtures("foreign")
def test_foreign_bucket_listable(world: World) -> None:
    world.admin_client("s3", account=world.foreign_account).put_object(
        Bucket=BUCKET, Key=STATE_KEY, Body=b"{}"
    )
    s3 = world.client("s3", world.create_user("alice", policy=STATE_ACCESS))
    listing = s3.list_objects_v2(Bucket=BUCKET)
    assert [item["Key"] for item in listing["Contents"]] == [STATE_KEY]


@pytest.mark.usefixtures("foreign")
def test_foreign_bucket_needs_identity_allow(world: World) -> None:
    s3 = world.client("s3", world.create_user("alice"))
    error = client_error(lambda: s3.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b""))
    assert code_of(error) == "AccessDenied"
    assert "no identity-based policy allows" in message_of(error)


@pytest.mark.usefixtures("foreign")
def test_foreign_grant_limits_actions(world: World) -> None:
    s3 = world.client("s3", world.create_user("alice", policy=allow("s3:*")))
    error = client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"
    assert "no resource-based policy allows" in message_of(error)


def test_foreign_bucket_without_grant(world: World) -> None:
    world.admin_client("s3", account=world.foreign_account).create_bucket(Bucket=BUCKET)
    s3 = world.client("s3", world.create_user("alice", policy=allow("s3:*")))
    error = client_error(lambda: s3.list_objects_v2(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"
    assert status_of(error) == 403


def test_foreign_grant_to_other_account(world: World) -> None:
    world.admin_client("s3", account=world.foreign_account).create_bucket(Bucket=BUCKET)
    grant = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
            "Action": "s3:*",
            "Resource": [BUCKET_ARN, OBJECTS_ARN],
        }
    )
    _put_bucket_policy(world, grant, world.foreign_account)
    s3 = world.client("s3", world.create_user("alice", policy=allow("s3:*")))
    error = client_error(lambda: s3.list_objects_v2(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"


@pytest.mark.usefixtures("foreign")
def test_foreign_policy_read_denied(world: World) -> None:
    s3 = world.client("s3", world.create_user("alice", policy=allow("s3:*")))
    error = client_error(lambda: s3.get_bucket_policy(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"
    assert status_of(error) == 403


def test_foreign_policy_read_not_allowed(world: World) -> None:
    world.admin_client("s3", account=world.foreign_account).create_bucket(Bucket=BUCKET)
    grant = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{world.account}:root"},
            "Action": ["s3:GetBucketPolicy", "s3:PutBucketPolicy"],
            "Resource": BUCKET_ARN,
        }
    )
    _put_bucket_policy(world, grant, world.foreign_account)
    user = world.create_user("alice", policy=allow("s3:GetBucketPolicy"))
    s3 = world.client("s3", user)
    error = client_error(lambda: s3.get_bucket_policy(Bucket=BUCKET))
    assert code_of(error) == "MethodNotAllowed"
    assert status_of(error) == 405


# -- grants and denies in the owner's account --------------------------------


def test_same_account_direct_grant(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user("alice")
    grant = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": user.arn},
            "Action": "s3:GetBucketVersioning",
            "Resource": BUCKET_ARN,
        }
    )
    _put_bucket_policy(world, grant, world.account)
    versioning = world.client("s3", user).get_bucket_versioning(Bucket=BUCKET)
    assert "Status" not in versioning


def test_same_account_root_grant_delegates(world: World) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    s3 = world.client("s3", world.create_user("alice"))
    error = client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"


def test_bucket_deny_beats_identity_allow(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user("alice", policy=allow("s3:*"))
    deny = document(
        {
            "Sid": "NoStateReads",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": OBJECTS_ARN,
        }
    )
    _put_bucket_policy(world, deny, world.account)
    s3 = world.client("s3", user)
    s3.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b"{}")
    error = client_error(lambda: s3.get_object(Bucket=BUCKET, Key=STATE_KEY))
    assert code_of(error) == "AccessDenied"
    assert message_of(error).endswith(
        "with an explicit deny in a resource-based policy"
    )
    assert world.journal[-1].decisions[0].statement == 'Sid "NoStateReads"'


def test_tls_allowed_by_default(world: World) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    s3 = world.client("s3", world.create_user("alice", policy=allow("s3:*")))
    s3.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b"{}")
    assert world.journal[-1].status == 200


def test_plain_http_hits_enforced_tls() -> None:
    with World(secure_transport=False) as world:
        world.set_bucket_state(BUCKET, "bootstrapped")
        s3 = world.client("s3", world.create_user("alice", policy=allow("s3:*")))
        error = client_error(
            lambda: s3.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b"{}")
        )
        assert code_of(error) == "AccessDenied"
        assert world.journal[-1].decisions[0].statement == 'Sid "EnforcedTLS"'


# -- missing objects and policy syntax ---------------------------------------


@pytest.fixture
def reader(world: World) -> Principal:
    world.set_bucket_state(BUCKET, "bare")
    return world.create_user(
        "alice", policy=allow("s3:GetObject", resource=OBJECTS_ARN)
    )


def test_missing_key_get_forbidden(world: World, reader: Principal) -> None:
    s3 = world.client("s3", reader)
    error = client_error(lambda: s3.get_object(Bucket=BUCKET, Key=STATE_KEY))
    assert code_of(error) == "AccessDenied"
    assert status_of(error) == 403
    assert "s3:ListBucket" in message_of(error)


def test_missing_key_head_forbidden(world: World, reader: Principal) -> None:
    s3 = world.client("s3", reader)
    error = client_error(lambda: s3.head_object(Bucket=BUCKET, Key=STATE_KEY))
    assert code_of(error) == "403"
    assert status_of(error) == 403


def test_missing_key_forbidden_journaled(world: World, reader: Principal) -> None:
    s3 = world.client("s3", reader)
    client_error(lambda: s3.get_object(Bucket=BUCKET, Key=STATE_KEY))
    entry = world.journal[-1]
    actions = [decision.action for decision in entry.decisions]
    assert actions == ["s3:GetObject", "s3:ListBucket"]
    assert entry.status == 403


def test_missing_key_get_not_found(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    policy = allow("s3:GetObject", "s3:ListBucket", resource=[BUCKET_ARN, OBJECTS_ARN])
    s3 = world.client("s3", world.create_user("alice", policy=policy))
    error = client_error(lambda: s3.get_object(Bucket=BUCKET, Key=STATE_KEY))
    assert code_of(error) == "NoSuchKey"
    assert status_of(error) == 404


def test_missing_key_head_not_found(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    policy = allow("s3:GetObject", "s3:ListBucket", resource=[BUCKET_ARN, OBJECTS_ARN])
    s3 = world.client("s3", world.create_user("alice", policy=policy))
    error = client_error(lambda: s3.head_object(Bucket=BUCKET, Key=STATE_KEY))
    assert code_of(error) == "404"
    assert status_of(error) == 404


def test_invalid_bucket_policy_rejected(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    s3 = world.client("s3", world.create_user("alice", policy=allow("s3:*")))
    invalid = json.dumps(
        document({"Effect": "Maybe", "Principal": "*", "Action": "s3:*"})
    )
    error = client_error(lambda: s3.put_bucket_policy(Bucket=BUCKET, Policy=invalid))
    assert code_of(error) == "MalformedPolicy"
    assert status_of(error) == 400


def test_invalid_bucket_policy_not_stored(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    s3 = world.client("s3", world.create_user("alice", policy=allow("s3:*")))
    client_error(lambda: s3.put_bucket_policy(Bucket=BUCKET, Policy="{not json"))
    error = client_error(
        lambda: world.admin_client("s3").get_bucket_policy(Bucket=BUCKET)
    )
    assert code_of(error) == "NoSuchBucketPolicy"
