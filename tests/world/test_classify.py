"""Classifying raw HTTP requests into operations, and malformed signatures."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_tgstate.world import World
from pytest_tgstate.world.classify import UnclassifiedRequest, classify
from pytest_tgstate.world.http import HttpRequest

from .support import BUCKET, allow, client_error, code_of, status_of


def _request(method: str, url: str, **headers: str) -> HttpRequest:
    return HttpRequest.from_url(method, url, headers)


@pytest.mark.parametrize(
    ("method", "url", "name"),
    [
        ("HEAD", f"https://{BUCKET}.s3.amazonaws.com/", "HeadBucket"),
        (
            "GET",
            f"https://{BUCKET}.s3.amazonaws.com/?versioning",
            "GetBucketVersioning",
        ),
        (
            "GET",
            f"https://{BUCKET}.s3.amazonaws.com/?encryption",
            "GetBucketEncryption",
        ),
        ("GET", f"https://{BUCKET}.s3.amazonaws.com/?list-type=2", "ListObjectsV2"),
        ("GET", f"https://{BUCKET}.s3.amazonaws.com/", "ListObjects"),
        ("PUT", f"https://{BUCKET}.s3.amazonaws.com/", "CreateBucket"),
        ("GET", f"https://{BUCKET}.s3.amazonaws.com/env/state", "GetObject"),
        ("GET", f"https://s3.amazonaws.com/{BUCKET}/env/state", "GetObject"),
        ("POST", f"https://{BUCKET}.s3.amazonaws.com/?delete", "DeleteObjects"),
        ("GET", "https://s3.amazonaws.com/", "ListBuckets"),
        (
            "GET",
            "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions",
            "ListFunctions",
        ),
        (
            "GET",
            "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/f",
            "GetFunction",
        ),
    ],
)
def test_operation_from_http_form(method: str, url: str, name: str) -> None:
    service = "lambda" if "lambda" in url else "s3"
    assert classify(_request(method, url), service, "us-east-1").name == name


def test_s3_target_split() -> None:
    operation = classify(
        _request("GET", f"https://s3.amazonaws.com/{BUCKET}/env/a%20b"),
        "s3",
        "us-east-1",
    )
    assert operation.bucket == BUCKET
    assert operation.key == "env/a b"


def test_dynamodb_target_header() -> None:
    request = HttpRequest.from_url(
        "POST",
        "https://dynamodb.us-east-1.amazonaws.com/",
        {"X-Amz-Target": "DynamoDB_20120810.DescribeTable"},
        b'{"TableName": "locks"}',
    )
    operation = classify(request, "dynamodb", "us-east-1")
    assert operation.name == "DescribeTable"
    assert operation.params == {"TableName": "locks"}


def test_query_action_field() -> None:
    request = HttpRequest.from_url(
        "POST",
        "https://sts.amazonaws.com/",
        {},
        b"Action=GetCallerIdentity&Version=2011-06-15",
    )
    assert classify(request, "sts", "us-east-1").name == "GetCallerIdentity"


def test_query_without_action_raises() -> None:
    request = HttpRequest.from_url(
        "POST", "https://sts.amazonaws.com/", {}, b"Version=1"
    )
    with pytest.raises(UnclassifiedRequest, match="no Action field"):
        classify(request, "sts", "us-east-1")


def test_unknown_rest_path_raises() -> None:
    request = _request("GET", "https://lambda.us-east-1.amazonaws.com/nothing/here")
    with pytest.raises(UnclassifiedRequest, match="matches no lambda operation"):
        classify(request, "lambda", "us-east-1")


def _corrupt_authorization(request: Any, **_: Any) -> None:
    request.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=broken"


def test_malformed_authorization_rejected(world: World) -> None:
    world.set_bucket_state(BUCKET, "bare")
    user = world.create_user("alice", policy=allow("s3:*"))
    s3 = world.client("s3", user)
    s3.meta.events.register_last("before-send.s3", _corrupt_authorization)
    try:
        error = client_error(lambda: s3.list_objects_v2(Bucket=BUCKET))
    finally:
        s3.meta.events.unregister("before-send.s3", _corrupt_authorization)
    assert code_of(error) == "IncompleteSignature"
    assert status_of(error) == 400


def test_copy_source_header_selects_copy() -> None:
    url = f"https://{BUCKET}.s3.amazonaws.com/env/copy"
    copy = _request("PUT", url, **{"x-amz-copy-source": f"{BUCKET}/env/state"})
    assert classify(copy, "s3", "us-east-1").name == "CopyObject"
    assert classify(_request("PUT", url), "s3", "us-east-1").name == "PutObject"


def test_list_type_value_checked() -> None:
    url = f"https://{BUCKET}.s3.amazonaws.com/"
    version_two = _request("GET", f"{url}?list-type=2")
    other_value = _request("GET", f"{url}?list-type=3")
    assert classify(version_two, "s3", "us-east-1").name == "ListObjectsV2"
    assert classify(other_value, "s3", "us-east-1").name == "ListObjects"
