"""AWS Signature Version 4: reading the credential and verifying the signature.

Verification recomputes the signature with botocore's own signer from the
path exactly as sent, the signed headers only and the stored secret, and
compares it in constant time.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from .http import HttpRequest

_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]+)"
)


@dataclass(frozen=True)
class SignedCredential:
    """The credential part of a SigV4 signature."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    session_token: str | None
    presigned: bool = False


class MalformedSignature(ValueError):
    """An Authorization header or presigned query that is not valid SigV4."""


def read_credential(request: HttpRequest) -> SignedCredential | None:
    """Return the request's SigV4 credential, or None for an anonymous request."""
    header = request.header("authorization")
    if header:
        match = _AUTHORIZATION.search(header)
        if match is None:
            raise MalformedSignature(f"unsupported Authorization header {header[:40]!r}")
        scope = match.group("credential").split("/")
        if len(scope) != 5:
            raise MalformedSignature(f"invalid credential scope {match.group('credential')!r}")
        return SignedCredential(
            access_key_id=scope[0],
            date=scope[1],
            region=scope[2],
            service=scope[3],
            signed_headers=tuple(match.group("signed").split(";")),
            signature=match.group("signature"),
            session_token=request.header("x-amz-security-token") or None,
        )
    query = dict(request.query_pairs)
    if "X-Amz-Credential" in query and "X-Amz-Signature" in query:
        scope = query["X-Amz-Credential"].split("/")
        if len(scope) != 5:
            raise MalformedSignature(f"invalid credential scope {query['X-Amz-Credential']!r}")
        return SignedCredential(
            access_key_id=scope[0],
            date=scope[1],
            region=scope[2],
            service=scope[3],
            signed_headers=tuple(query.get("X-Amz-SignedHeaders", "host").split(";")),
            signature=query["X-Amz-Signature"],
            session_token=query.get("X-Amz-Security-Token"),
            presigned=True,
        )
    return None


def verify_signature(
    request: HttpRequest, credential: SignedCredential, secret_access_key: str
) -> bool:
    """Return whether ``request`` was signed with ``secret_access_key``."""
    headers = {name: request.header(name) for name in credential.signed_headers}
    credentials = Credentials(credential.access_key_id, secret_access_key, credential.session_token)
    if credential.presigned:
        return _verify_presigned(request, credential, credentials, headers)

    url = f"https://{request.host}{request.raw_path}"
    if request.query:
        url = f"{url}?{request.query}"
    aws_request = AWSRequest(method=request.method, url=url, data=request.body, headers=headers)
    aws_request.context["timestamp"] = request.header("x-amz-date")
    auth_class = S3SigV4Auth if credential.service == "s3" else SigV4Auth
    auth = auth_class(credentials, credential.service, credential.region)
    if credential.service != "s3" and not request.body_available:
        return False
    canonical = auth.canonical_request(aws_request)
    expected = auth.signature(auth.string_to_sign(aws_request, canonical), aws_request)
    return hmac.compare_digest(expected, credential.signature)


def _verify_presigned(
    request: HttpRequest,
    credential: SignedCredential,
    credentials: Credentials,
    headers: dict[str, str],
) -> bool:
    kept = [(name, value) for name, value in request.query_pairs if name != "X-Amz-Signature"]
    query = "&".join(f"{quote(name, safe='-_.~')}={quote(value, safe='-_.~')}" for name, value in kept)
    url = f"https://{request.host}{request.raw_path}?{query}"
    aws_request = AWSRequest(method=request.method, url=url, headers=headers)
    timestamp = dict(request.query_pairs).get("X-Amz-Date", "")
    aws_request.context["timestamp"] = timestamp
    auth_class = S3SigV4QueryAuth if credential.service == "s3" else SigV4Auth
    auth = auth_class(credentials, credential.service, credential.region)
    canonical = auth.canonical_request(aws_request)
    expected = auth.signature(auth.string_to_sign(aws_request, canonical), aws_request)
    return hmac.compare_digest(expected, credential.signature)
