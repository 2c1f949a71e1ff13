"""Classify an HTTP request into an `Operation`: service, API name and parameters.

S3 requests are matched against the HTTP bindings of botocore's S3 model
(method, path shape, literal query keys, required query members and headers),
picking the most specific operation. DynamoDB reads ``X-Amz-Target``; query
protocol services (STS, IAM) read the ``Action`` form field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, unquote

import botocore.session

from ..iam.operations import Operation
from .http import HttpRequest, service_protocol
from .sigv4 import SignedCredential

_S3_VIRTUAL_HOST = re.compile(
    r"^(?P<bucket>.+?)\.s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?::\d+)?$"
)
#: Virtual-host addressing on a loopback server: ``<bucket>.localhost:<port>``.
_LOOPBACK_VIRTUAL_HOST = re.compile(r"^(?P<bucket>.+)\.localhost(?::\d+)?$")
_S3_HOST = re.compile(
    r"^s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?::\d+)?$"
)
_SERVICE_HOST = re.compile(
    r"^(?P<service>[a-z0-9-]+)(?:\.(?P<region>[a-z0-9-]+))?\.amazonaws\.com"
)
#: Operations whose HTTP bindings are identical; the first of each pair wins.
_PREFERRED = {
    "ListDirectoryBuckets": "ListBuckets",
    "GetBucketLifecycle": "GetBucketLifecycleConfiguration",
    "PutBucketLifecycle": "PutBucketLifecycleConfiguration",
    "GetBucketNotification": "GetBucketNotificationConfiguration",
    "PutBucketNotification": "PutBucketNotificationConfiguration",
}
#: Unsigned STS calls: the token or assertion in the body is the credential.
UNSIGNED_OPERATIONS = frozenset({"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"})


class UnclassifiedRequest(ValueError):
    """A request that matches no operation of its service's model."""


@dataclass(frozen=True)
class _S3Binding:
    name: str
    method: str
    shape: str  # "root", "bucket", "object" or a literal path
    literals: tuple[tuple[str, str | None], ...]
    required_query: tuple[str, ...]
    required_headers: tuple[str, ...]

    @property
    def score(self) -> int:
        return (
            10 * len(self.literals)
            + len(self.required_query)
            + len(self.required_headers)
        )


@lru_cache(maxsize=1)
def _botocore_session() -> botocore.session.Session:
    return botocore.session.get_session()


@lru_cache(maxsize=1)
def _s3_bindings() -> dict[tuple[str, str], list[_S3Binding]]:
    model = _botocore_session().get_service_model("s3")
    bindings: dict[tuple[str, str], list[_S3Binding]] = {}
    for name in model.operation_names:
        if name in _PREFERRED:
            continue
        operation = model.operation_model(name)
        method = operation.http["method"]
        uri = operation.http["requestUri"]
        path, _, query = uri.partition("?")
        if path == "/":
            shape = "root"
        elif path == "/{Bucket}":
            shape = "bucket"
        elif path.startswith("/{Bucket}/{Key+}"):
            shape = "object"
        else:
            shape = path
        literals = []
        for part in query.split("&") if query else []:
            key, sep, value = part.partition("=")
            literals.append((key, value if sep else None))
        required_query: list[str] = []
        required_headers: list[str] = []
        input_shape = operation.input_shape
        if input_shape is not None:
            for member_name in input_shape.required_members:
                serialization = input_shape.members[member_name].serialization
                location = serialization.get("location")
                if location == "querystring":
                    required_query.append(serialization["name"])
                elif location == "header":
                    required_headers.append(serialization["name"].lower())
        binding = _S3Binding(
            name,
            method,
            shape,
            tuple(literals),
            tuple(required_query),
            tuple(required_headers),
        )
        bindings.setdefault((method, shape), []).append(binding)
    for candidates in bindings.values():
        candidates.sort(key=lambda binding: -binding.score)
    return bindings


def service_of(request: HttpRequest, credential: SignedCredential | None) -> str | None:
    """Return the botocore service name a request is for, or None if unknown."""
    if credential is not None:
        return (
            "s3"
            if credential.service == "s3"
            else _signing_to_service(credential.service)
        )
    target = request.header("x-amz-target")
    if target.startswith("DynamoDB_"):
        return "dynamodb"
    host = request.host.lower()
    if _S3_VIRTUAL_HOST.match(host) or _S3_HOST.match(host):
        return "s3"
    found = _SERVICE_HOST.match(host)
    if found:
        return _signing_to_service(found.group("service"))
    if request.method == "POST" and b"Action=AssumeRoleWith" in request.body:
        return "sts"
    if _LOOPBACK_VIRTUAL_HOST.match(host) or _is_loopback_host(host):
        # An unsigned request to the loopback server that names no other
        # service is an anonymous S3 request, as moto's server treats it too.
        return "s3"
    return None


def _is_loopback_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.strip("[]")
    return name in ("127.0.0.1", "localhost", "::1") or name.startswith("127.")


def _signing_to_service(name: str) -> str:
    return {"execute-api": "apigateway"}.get(name, name)


def classify(request: HttpRequest, service: str, region: str) -> Operation:
    """Build the `Operation` for ``request``.

    Raises `UnclassifiedRequest` when no operation of the service fits.
    """
    if service == "s3":
        return _classify_s3(request, region)
    protocol = service_protocol(service)
    if protocol in ("json", "rest-json") and request.header("x-amz-target"):
        name = request.header("x-amz-target").rsplit(".", 1)[-1]
        try:
            params: Any = json.loads(request.body or b"{}")
        except ValueError:
            params = {}
        return Operation(
            service,
            name,
            region,
            params=params if isinstance(params, dict) else {},
            headers=request.headers,
            body=request.body,
        )
    if protocol in ("query", "ec2"):
        fields = dict(request.query_pairs)
        if request.body:
            fields.update(
                parse_qsl(
                    request.body.decode("utf-8", "replace"), keep_blank_values=True
                )
            )
        action = fields.get("Action")
        if not action:
            raise UnclassifiedRequest(f"{service} request has no Action field")
        return Operation(
            service,
            action,
            region,
            params=fields,
            headers=request.headers,
            body=request.body,
        )
    if protocol in ("rest-json", "rest-xml"):
        return _classify_rest(request, service, region)
    raise UnclassifiedRequest(
        f"requests to {service} ({protocol} protocol) are not supported"
    )


@dataclass(frozen=True)
class _RestBinding:
    name: str
    path: re.Pattern[str]
    literals: tuple[tuple[str, str | None], ...]
    #: Literal path characters; the longest literal path is the most specific.
    literal_length: int


@lru_cache(maxsize=32)
def _rest_bindings(service: str) -> dict[str, list[_RestBinding]]:
    """Return the HTTP bindings of a REST service's operations, by method."""
    model = _botocore_session().get_service_model(service)
    bindings: dict[str, list[_RestBinding]] = {}
    for name in model.operation_names:
        http = model.operation_model(name).http
        path, _, query = http["requestUri"].partition("?")
        pattern = ""
        literal_length = 0
        for piece in re.split(r"(\{[^}]+\})", path):
            if piece.startswith("{"):
                pattern += ".+" if piece.endswith("+}") else "[^/]+"
            else:
                pattern += re.escape(piece)
                literal_length += len(piece)
        literals = []
        for part in query.split("&") if query else []:
            key, sep, value = part.partition("=")
            literals.append((key, value if sep else None))
        binding = _RestBinding(
            name, re.compile(pattern), tuple(literals), literal_length
        )
        bindings.setdefault(http["method"], []).append(binding)
    for candidates in bindings.values():
        candidates.sort(
            key=lambda binding: (-len(binding.literals), -binding.literal_length)
        )
    return bindings


def _classify_rest(request: HttpRequest, service: str, region: str) -> Operation:
    query = dict(request.query_pairs)
    for binding in _rest_bindings(service).get(request.method, []):
        if binding.path.fullmatch(request.raw_path) and all(
            name in query and (value is None or query[name] == value)
            for name, value in binding.literals
        ):
            return Operation(
                service,
                binding.name,
                region,
                params=query,
                headers=request.headers,
                body=request.body,
            )
    raise UnclassifiedRequest(
        f"{service} request {request.method} {request.raw_path} "
        f"matches no {service} operation"
    )


def split_s3_target(request: HttpRequest) -> tuple[str | None, str | None]:
    """Return the bucket and key a request addresses, virtual-host or path style."""
    path = unquote(request.raw_path)
    host = request.host.lower()
    virtual = _S3_VIRTUAL_HOST.match(host) or _LOOPBACK_VIRTUAL_HOST.match(host)
    if virtual:
        bucket: str | None = virtual.group("bucket")
        key = path[1:] if path.startswith("/") else path
    else:
        trimmed = path[1:] if path.startswith("/") else path
        bucket_part, _, key = trimmed.partition("/")
        bucket = bucket_part or None
    return bucket, (key or None)


def _classify_s3(request: HttpRequest, region: str) -> Operation:
    bucket, key = split_s3_target(request)
    if bucket is None:
        shape = "root"
    elif key is None:
        shape = "bucket"
    else:
        shape = "object"
    query = dict(request.query_pairs)
    valued, headers = _s3_match_inputs()
    name = _match_s3_binding(
        request.method,
        shape,
        frozenset(query),
        tuple((literal, query[literal]) for literal in valued if literal in query),
        frozenset(header for header in headers if header in request.headers),
    )
    if name is not None:
        return Operation(
            "s3",
            name,
            region,
            bucket=bucket,
            key=key,
            params=query,
            headers=request.headers,
            body=request.body,
        )
    raise UnclassifiedRequest(
        f"S3 request {request.method} {request.raw_path}"
        + (f"?{request.query}" if request.query else "")
        + " matches no S3 operation"
    )


@lru_cache(maxsize=1)
def _s3_match_inputs() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the query keys whose value a binding checks, and its required headers."""
    valued: set[str] = set()
    headers: set[str] = set()
    for candidates in _s3_bindings().values():
        for binding in candidates:
            valued.update(name for name, value in binding.literals if value is not None)
            headers.update(binding.required_headers)
    return tuple(sorted(valued)), tuple(sorted(headers))


@lru_cache(maxsize=1024)
def _match_s3_binding(
    method: str,
    shape: str,
    query_names: frozenset[str],
    literal_values: tuple[tuple[str, str], ...],
    headers: frozenset[str],
) -> str | None:
    """Return the most specific S3 operation for a request's form, or None.

    The arguments are everything a binding checks, so the result is cached:
    the query's key names, the values of keys that some binding requires
    with a value (``list-type=2``) and which of the checked headers are sent.
    """
    values = dict(literal_values)
    for binding in _s3_bindings().get((method, shape), []):
        if (
            all(
                name in query_names and (value is None or values.get(name) == value)
                for name, value in binding.literals
            )
            and all(name in query_names for name in binding.required_query)
            and all(name in headers for name in binding.required_headers)
        ):
            return binding.name
    return None
