"""Audit mode, unsigned requests and presigned URLs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore
import botocore.auth
import pytest
import requests
from botocore.config import Config

from pytest_tgstate.world import World
from pytest_tgstate.world.world import _shared_botocore_session

from .support import (
    BUCKET,
    OBJECTS_ARN,
    STATE_KEY,
    allow,
    client_error,
    code_of,
    document,
    message_of,
    status_of,
)

PUBLIC_READ = document(
    {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": OBJECTS_ARN,
    }
)


# -- audit mode --------------------------------------------------------------


def test_audit_lets_denied_call_through(world: World) -> None:
    s3 = world.client("s3", world.create_user("alice"))
    with world.mode("audit"):
        s3.create_bucket(Bucket=BUCKET)
    names = [
        bucket["Name"] for bucket in world.admin_client("s3").list_buckets()["Buckets"]
    ]
    assert names == [BUCKET]


def test_audit_entry_marked(world: World) -> None:
    s3 = world.client("s3", world.create_user("alice"))
    with world.mode("audit"):
        s3.create_bucket(Bucket=BUCKET)
    entry = world.journal[-1]
    assert entry.audit_only
    assert entry.forwarded
    assert entry.status == 200
    assert entry.denied
    assert [decision.allowed for decision in entry.decisions] == [False]


def test_audit_allowed_entry_unmarked(world: World) -> None:
    s3 = world.client("s3", world.create_user("alice", policy=allow("s3:*")))
    with world.mode("audit"):
        s3.create_bucket(Bucket=BUCKET)
    assert not world.journal[-1].audit_only


def test_audit_ends_with_block(world: World) -> None:
    s3 = world.client("s3", world.create_user("alice"))
    with world.mode("audit"):
        s3.create_bucket(Bucket=BUCKET)
    error = client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    assert code_of(error) == "AccessDenied"
    assert world.settings.mode == "enforce"


def test_audit_keeps_authentication(world: World) -> None:
    with world.mode("audit"):
        error = client_error(lambda: world.client("sts").get_caller_identity())
    assert code_of(error) == "InvalidClientTokenId"


def test_audit_missing_key_stays_404(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user(
        "alice", policy=allow("s3:GetObject", resource=OBJECTS_ARN)
    )
    s3 = world.client("s3", user)
    with world.mode("audit"):
        error = client_error(lambda: s3.get_object(Bucket=BUCKET, Key=STATE_KEY))
    assert code_of(error) == "NoSuchKey"


# -- unsigned requests -------------------------------------------------------


def _anonymous_s3() -> Any:
    config = Config(signature_version=botocore.UNSIGNED)
    return _shared_botocore_session().create_client("s3", config=config)


@pytest.fixture
def state_object(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    world.admin_client("s3").put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b"{}")


@pytest.mark.usefixtures("state_object")
def test_anonymous_read_denied(world: World) -> None:
    s3 = _anonymous_s3()
    error = client_error(lambda: s3.get_object(Bucket=BUCKET, Key=STATE_KEY))
    assert code_of(error) == "AccessDenied"
    assert status_of(error) == 403
    assert message_of(error).startswith("Anonymous is not authorized to perform")


@pytest.mark.usefixtures("state_object")
def test_anonymous_read_public_policy(world: World) -> None:
    world.admin_client("s3").put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ)
    )
    body = _anonymous_s3().get_object(Bucket=BUCKET, Key=STATE_KEY)["Body"].read()
    assert body == b"{}"
    assert world.journal[-1].principal is None


@pytest.mark.usefixtures("state_object")
def test_anonymous_write_still_denied(world: World) -> None:
    world.admin_client("s3").put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ)
    )
    s3 = _anonymous_s3()
    error = client_error(lambda: s3.put_object(Bucket=BUCKET, Key="other", Body=b""))
    assert code_of(error) == "AccessDenied"


def test_unsigned_dynamodb_rejected(world: World) -> None:
    config = Config(signature_version=botocore.UNSIGNED)
    dynamodb = _shared_botocore_session().create_client("dynamodb", config=config)
    error = client_error(lambda: dynamodb.list_tables())
    assert code_of(error) == "MissingAuthenticationTokenException"
    assert status_of(error) == 400


# -- presigned URLs ----------------------------------------------------------


def _presigned_get(world: World, policy: dict[str, Any] | None) -> requests.Response:
    user = world.create_user("alice", policy=policy)
    url = world.client("s3", user).generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": STATE_KEY}, ExpiresIn=300
    )
    return requests.get(url, timeout=5)


@pytest.mark.usefixtures("state_object")
def test_presigned_get_allowed(world: World) -> None:
    response = _presigned_get(world, allow("s3:GetObject", resource=OBJECTS_ARN))
    assert response.status_code == 200
    assert response.content == b"{}"
    assert world.journal[-1].principal == "arn:aws:iam::123456789012:user/alice"


@pytest.mark.usefixtures("state_object")
def test_presigned_get_denied(world: World) -> None:
    response = _presigned_get(world, allow("s3:ListBucket"))
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code>" in response.content


@pytest.mark.usefixtures("state_object")
def test_presigned_tampered_key_rejected(world: World) -> None:
    user = world.create_user(
        "alice", policy=allow("s3:GetObject", resource=OBJECTS_ARN)
    )
    url = world.client("s3", user).generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": STATE_KEY}, ExpiresIn=300
    )
    response = requests.get(
        url.replace("terraform.tfstate", "other.tfstate"), timeout=5
    )
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.content


def _presign_at(
    world: World, monkeypatch: pytest.MonkeyPatch, age: timedelta
) -> requests.Response:
    """Presign a state read as if signed ``age`` ago, then fetch it now."""
    user = world.create_user(
        "alice", policy=allow("s3:GetObject", resource=OBJECTS_ARN)
    )
    signing_time = datetime.now(timezone.utc).replace(tzinfo=None) - age
    with monkeypatch.context() as patched:
        patched.setattr(botocore.auth, "get_current_datetime", lambda: signing_time)
        url = world.client("s3", user).generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": STATE_KEY}, ExpiresIn=3600
        )
    return requests.get(url, timeout=5)


@pytest.mark.usefixtures("state_object")
def test_presigned_within_expiry(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    response = _presign_at(world, monkeypatch, timedelta(minutes=59))
    assert response.status_code == 200


@pytest.mark.usefixtures("state_object")
def test_presigned_expired_rejected(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = _presign_at(world, monkeypatch, timedelta(minutes=61))
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code>" in response.content
    assert b"Request has expired" in response.content


def _sigv2_s3(world: World) -> Any:
    """Return an S3 client that signs with Signature Version 2."""
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user("alice", policy=allow("s3:*"))
    config = Config(signature_version="s3")
    session = _shared_botocore_session()
    return session.create_client("s3", config=config, **user.client_kwargs())


def test_sigv2_header_rejected(world: World) -> None:
    s3 = _sigv2_s3(world)
    error = client_error(lambda: s3.list_objects_v2(Bucket=BUCKET))
    assert code_of(error) == "InvalidRequest"
    assert status_of(error) == 400
    assert "AWS4-HMAC-SHA256" in message_of(error)


def test_sigv2_presigned_rejected(world: World) -> None:
    s3 = _sigv2_s3(world)
    url = s3.generate_presigned_url("list_objects_v2", Params={"Bucket": BUCKET})
    response = requests.get(url, timeout=5)
    assert response.status_code == 400
    assert b"<Code>InvalidRequest</Code>" in response.content
