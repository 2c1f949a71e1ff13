"""The HTTP request the gateway decides, and AWS-shaped error responses per protocol."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

import botocore.exceptions
import botocore.session

#: ``(status, headers, body)``, the shape moto's request handlers return.
RawResponse = tuple[int, dict[str, str], bytes]

_QUERY_NAMESPACES = {
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
}


@dataclass
class HttpRequest:
    """One signed (or anonymous) AWS request as it arrived.

    ``raw_path`` is the path exactly as sent, still percent-encoded, because
    SigV4 signs that form. ``host`` is the Host header value (with any
    non-default port). ``secure`` is whether the request counts as sent
    over TLS for ``aws:SecureTransport``.
    """

    method: str
    host: str
    raw_path: str
    query: str
    headers: Mapping[str, str]
    body: bytes = b""
    secure: bool = True
    body_available: bool = True
    source_ip: str = "127.0.0.1"
    _query_pairs: list[tuple[str, str]] | None = field(default=None, repr=False)

    @classmethod
    def from_url(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes = b"",
        *,
        secure: bool | None = None,
        body_available: bool = True,
    ) -> HttpRequest:
        parts = urlsplit(url)
        host = parts.hostname or ""
        default_port = 443 if parts.scheme == "https" else 80
        if parts.port and parts.port != default_port:
            host = f"{host}:{parts.port}"
        lowered = {name.lower(): value for name, value in headers.items()}
        lowered.setdefault("host", host)
        return cls(
            method=method.upper(),
            host=lowered["host"],
            raw_path=parts.path or "/",
            query=parts.query,
            headers=lowered,
            body=body,
            secure=(parts.scheme == "https") if secure is None else secure,
            body_available=body_available,
        )

    @property
    def query_pairs(self) -> list[tuple[str, str]]:
        if self._query_pairs is None:
            self._query_pairs = parse_qsl(self.query, keep_blank_values=True)
        return self._query_pairs

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)


def _request_id() -> str:
    return uuid.uuid4().hex[:16].upper()


def s3_error(
    status: int, code: str, message: str, *, head: bool = False, **fields: str
) -> RawResponse:
    """Build an S3 REST-XML error; HEAD responses carry no body, as on S3."""
    request_id = _request_id()
    headers = {"x-amz-request-id": request_id, "Content-Type": "application/xml"}
    if head:
        return status, headers, b""
    extra = "".join(
        f"<{name}>{escape(value)}</{name}>" for name, value in fields.items()
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"{extra}<RequestId>{request_id}</RequestId><HostId>tgstate</HostId></Error>"
    )
    return status, headers, body.encode()


def json_error(status: int, code: str, message: str) -> RawResponse:
    """Build a JSON-protocol error (DynamoDB, SQS) the way AWS's front end sends it."""
    body = json.dumps(
        {"__type": f"com.amazon.coral.service#{code}", "Message": message}
    )
    headers = {
        "x-amzn-RequestId": _request_id(),
        "Content-Type": "application/x-amz-json-1.0",
    }
    return status, headers, body.encode()


def query_error(service: str, status: int, code: str, message: str) -> RawResponse:
    """Build a query-protocol XML error (STS, IAM)."""
    namespace = _QUERY_NAMESPACES.get(service, f"https://{service}.amazonaws.com/doc/")
    request_id = str(uuid.uuid4())
    body = (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return (
        status,
        {"x-amzn-RequestId": request_id, "Content-Type": "text/xml"},
        body.encode(),
    )


#: (status, code, message) per error format (`protocol_family`) for
#: authentication failures.
AUTH_ERRORS: Mapping[str, Mapping[str, tuple[int, str, str]]] = {
    "s3": {
        "unknown-key": (
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
        ),
        "bad-signature": (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature "
            "you provided. "
            "Check your key and signing method.",
        ),
        "expired": (400, "ExpiredToken", "The provided token has expired."),
        "request-expired": (403, "AccessDenied", "Request has expired"),
        "bad-token": (
            400,
            "InvalidToken",
            "The provided token is malformed or otherwise invalid.",
        ),
        "missing": (403, "AccessDenied", "Access Denied"),
    },
    "json": {
        "unknown-key": (
            400,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ),
        "bad-signature": (
            400,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature "
            "you provided. "
            "Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details.",
        ),
        "expired": (
            400,
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ),
        "request-expired": (400, "InvalidSignatureException", "Signature expired"),
        "bad-token": (
            400,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ),
        "missing": (
            400,
            "MissingAuthenticationTokenException",
            "Request is missing Authentication Token",
        ),
    },
    "query": {
        "unknown-key": (
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        "bad-signature": (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature "
            "you provided. "
            "Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details.",
        ),
        "expired": (
            403,
            "ExpiredToken",
            "The security token included in the request is expired",
        ),
        "request-expired": (403, "SignatureDoesNotMatch", "Signature expired"),
        "bad-token": (
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        "missing": (
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        ),
    },
}


@lru_cache(maxsize=1)
def _botocore_session() -> botocore.session.Session:
    return botocore.session.get_session()


@lru_cache(maxsize=64)
def service_protocol(service: str) -> str:
    """Return the wire protocol of ``service`` in botocore's model, or "unknown"."""
    try:
        model = _botocore_session().get_service_model(service)
    except botocore.exceptions.UnknownServiceError:
        return "unknown"
    return str(model.metadata.get("protocol", "unknown"))


def protocol_family(service: str) -> str:
    """Return the error format of ``service``: ``s3``, ``json`` or ``query``."""
    if service == "s3":
        return "s3"
    if service_protocol(service) in ("json", "rest-json"):
        return "json"
    return "query"


def error_response(
    service: str, status: int, code: str, message: str, *, head: bool = False
) -> RawResponse:
    """Build the error ``service`` returns, in that service's wire protocol."""
    family = protocol_family(service)
    if family == "s3":
        return s3_error(status, code, message, head=head)
    if family == "json":
        return json_error(status, code, message)
    return query_error(service, status, code, message)


def auth_error(service: str, kind: str, *, head: bool = False) -> RawResponse:
    status, code, message = AUTH_ERRORS[protocol_family(service)][kind]
    return error_response(service, status, code, message, head=head)


def access_denied(service: str, message: str, *, head: bool = False) -> RawResponse:
    """Build the AccessDenied error of ``service`` carrying ``message``."""
    family = protocol_family(service)
    if family == "s3":
        return s3_error(403, "AccessDenied", message, head=head)
    if family == "json":
        # JSON services (DynamoDB, KMS) return 400; REST JSON ones (Lambda) 403.
        status = 403 if service_protocol(service) == "rest-json" else 400
        return json_error(status, "AccessDeniedException", message)
    return query_error(service, 403, "AccessDenied", message)
