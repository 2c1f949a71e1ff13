"""S3 addressing styles and anonymous requests on the loopback server."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from pytest_tgstate.world import Principal, World
from pytest_tgstate.world.server import LoopbackServer

BUCKET = "vhost-bucket"
OBJECTS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    ],
}


@pytest.fixture
def served() -> Iterator[tuple[World, LoopbackServer]]:
    with World() as world, LoopbackServer(world) as server:
        world.set_bucket_state(BUCKET, "bare")
        yield world, server


def send(
    server: LoopbackServer,
    method: str,
    path: str,
    *,
    host: str,
    principal: Principal | None = None,
    body: bytes = b"",
) -> tuple[int, bytes]:
    """Send one request to the server with ``host`` as its Host header."""
    headers = {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    if principal is not None:
        request = AWSRequest(
            method=method, url=f"http://{host}{path}", data=body, headers=headers
        )
        credentials = Credentials(principal.access_key_id, principal.secret_access_key)
        S3SigV4Auth(credentials, "s3", "us-east-1").add_auth(request)
        headers = dict(request.headers)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={**headers, "Host": host})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_virtual_host_names_bucket(served: tuple[World, LoopbackServer]) -> None:
    world, server = served
    user = world.create_user("writer", policy=OBJECTS_ONLY)
    host = f"{BUCKET}.localhost:{server.port}"
    status, _ = send(server, "PUT", "/dir/k.txt", host=host, principal=user, body=b"x")
    assert status == 200
    decision = world.journal[-1].decisions[0]
    assert decision.resource == f"arn:aws:s3:::{BUCKET}/dir/k.txt"


def test_virtual_host_listing_is_bucket(served: tuple[World, LoopbackServer]) -> None:
    world, server = served
    user = world.create_user("writer", policy=OBJECTS_ONLY)
    host = f"{BUCKET}.localhost:{server.port}"
    status, _ = send(server, "GET", "/?list-type=2", host=host, principal=user)
    assert status == 403
    denial = world.journal.first_denial()
    assert denial is not None
    assert denial.action == "s3:ListBucket"
    assert denial.resource == f"arn:aws:s3:::{BUCKET}"


def test_anonymous_path_style_denied(served: tuple[World, LoopbackServer]) -> None:
    world, server = served
    status, body = send(
        server, "GET", f"/{BUCKET}/k.txt", host=f"127.0.0.1:{server.port}"
    )
    assert status == 403
    assert b"AccessDenied" in body
    assert world.journal[-1].operation == "GetObject"
