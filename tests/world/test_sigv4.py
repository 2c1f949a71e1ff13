"""SigV4 verification against requests signed by botocore's own signer."""

from __future__ import annotations

import dataclasses

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from pytest_tgstate.world.http import HttpRequest
from pytest_tgstate.world.sigv4 import (
    MalformedSignature,
    SignedCredential,
    UnsupportedSignature,
    read_credential,
    verify_signature,
)

ACCESS_KEY = "AKIAEXAMPLEKEY000000"
SECRET = "example-secret"

#: (service, method, URL, body, extra headers): paths, queries and headers
#: whose canonical form differs from what was sent.
SIGNED_REQUESTS: list[tuple[str, str, str, bytes, dict[str, str]]] = [
    ("s3", "GET", "https://state.s3.amazonaws.com/env/a%20b%2Bc~d.tfstate", b"", {}),
    ("s3", "GET", "https://s3.amazonaws.com/state/dir/../x//y", b"", {}),
    (
        "s3",
        "GET",
        "https://state.s3.amazonaws.com/?list-type=2&prefix=env%2F&delimiter=%2F",
        b"",
        {},
    ),
    ("s3", "GET", "https://state.s3.amazonaws.com/?versioning", b"", {}),
    (
        "s3",
        "PUT",
        "https://state.s3.amazonaws.com/env/state",
        b'{"version": 4}',
        {"x-amz-meta-note": "  two   spaces  ", "content-type": "application/json"},
    ),
    (
        "dynamodb",
        "POST",
        "https://dynamodb.us-east-1.amazonaws.com/",
        b'{"TableName": "locks"}',
        {
            "x-amz-target": "DynamoDB_20120810.DescribeTable",
            "content-type": "application/x-amz-json-1.0",
        },
    ),
    (
        "sts",
        "POST",
        "https://sts.amazonaws.com/",
        b"Action=GetCallerIdentity&Version=2011-06-15",
        {"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    ),
    ("sts", "GET", "https://sts.amazonaws.com/?b=1&a=2&a=1&Action=X", b"", {}),
    (
        "lambda",
        "GET",
        "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/a%3Ab/./policy",
        b"",
        {},
    ),
]
REQUEST_IDS = [f"{case[0]}-{index}" for index, case in enumerate(SIGNED_REQUESTS)]


def _signed(
    service: str, method: str, url: str, body: bytes, headers: dict[str, str]
) -> HttpRequest:
    """Sign a request with botocore's signer; return it as the gateway receives it."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(Credentials(ACCESS_KEY, SECRET), service, "us-east-1").add_auth(request)
    sent = {name: str(value) for name, value in request.headers.items()}
    return HttpRequest.from_url(method, url, sent, body)


def _credential(request: HttpRequest) -> SignedCredential:
    credential = read_credential(request)
    assert credential is not None
    return credential


@pytest.mark.parametrize(
    ("service", "method", "url", "body", "headers"), SIGNED_REQUESTS, ids=REQUEST_IDS
)
def test_botocore_signature_verifies(
    service: str, method: str, url: str, body: bytes, headers: dict[str, str]
) -> None:
    request = _signed(service, method, url, body, headers)
    assert verify_signature(request, _credential(request), SECRET)


@pytest.mark.parametrize(
    ("service", "method", "url", "body", "headers"), SIGNED_REQUESTS, ids=REQUEST_IDS
)
def test_wrong_secret_fails(
    service: str, method: str, url: str, body: bytes, headers: dict[str, str]
) -> None:
    request = _signed(service, method, url, body, headers)
    assert not verify_signature(request, _credential(request), "another-secret")


@pytest.mark.parametrize(
    ("service", "method", "url", "body", "headers"), SIGNED_REQUESTS, ids=REQUEST_IDS
)
def test_changed_path_fails(
    service: str, method: str, url: str, body: bytes, headers: dict[str, str]
) -> None:
    request = _signed(service, method, url, body, headers)
    changed = dataclasses.replace(request, raw_path=request.raw_path + "x")
    assert not verify_signature(changed, _credential(request), SECRET)


def test_changed_body_fails() -> None:
    service, method, url, body, headers = SIGNED_REQUESTS[5]
    request = _signed(service, method, url, body, headers)
    changed = dataclasses.replace(request, body=b'{"TableName": "other"}')
    assert not verify_signature(changed, _credential(request), SECRET)


def test_changed_signed_header_fails() -> None:
    service, method, url, body, headers = SIGNED_REQUESTS[5]
    request = _signed(service, method, url, body, headers)
    changed_headers = {
        **request.headers,
        "x-amz-target": "DynamoDB_20120810.DeleteTable",
    }
    changed = dataclasses.replace(request, headers=changed_headers)
    assert not verify_signature(changed, _credential(request), SECRET)


def test_unsigned_header_change_passes() -> None:
    service, method, url, body, headers = SIGNED_REQUESTS[5]
    request = _signed(service, method, url, body, headers)
    changed_headers = {**request.headers, "user-agent": "another-agent"}
    changed = dataclasses.replace(request, headers=changed_headers)
    assert verify_signature(changed, _credential(request), SECRET)


def test_unavailable_body_fails_outside_s3() -> None:
    service, method, url, body, headers = SIGNED_REQUESTS[5]
    request = _signed(service, method, url, body, headers)
    streamed = dataclasses.replace(request, body=b"", body_available=False)
    assert not verify_signature(streamed, _credential(request), SECRET)


def test_credential_scope_read() -> None:
    service, method, url, body, headers = SIGNED_REQUESTS[5]
    credential = _credential(_signed(service, method, url, body, headers))
    assert credential.access_key_id == ACCESS_KEY
    assert credential.region == "us-east-1"
    assert credential.service == "dynamodb"
    assert "x-amz-target" in credential.signed_headers
    assert not credential.presigned


def test_sigv2_header_unsupported() -> None:
    request = HttpRequest.from_url(
        "GET",
        "https://state.s3.amazonaws.com/",
        {"Authorization": f"AWS {ACCESS_KEY}:c2lnbmF0dXJl"},
    )
    with pytest.raises(UnsupportedSignature):
        read_credential(request)


def test_invalid_scope_malformed() -> None:
    request = HttpRequest.from_url(
        "GET",
        "https://state.s3.amazonaws.com/",
        {
            "Authorization": "AWS4-HMAC-SHA256 Credential=KEY/20260101/us-east-1, "
            "SignedHeaders=host, Signature=abcdef"
        },
    )
    with pytest.raises(MalformedSignature, match="invalid credential scope"):
        read_credential(request)


def test_invalid_expires_malformed() -> None:
    query = (
        "X-Amz-Credential=KEY%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Signature=abcdef&X-Amz-Expires=soon"
    )
    request = HttpRequest.from_url(
        "GET", f"https://state.s3.amazonaws.com/k?{query}", {}
    )
    with pytest.raises(MalformedSignature, match="X-Amz-Expires"):
        read_credential(request)
