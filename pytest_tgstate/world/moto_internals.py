"""Every private moto symbol this project touches, in one place.

moto is pinned to the 5.2 series (``pyproject.toml``) because these names are
not public API. `check_integration_points` fails with a message naming the
missing symbol the day a moto release moves one of them; the test suite calls
it first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import moto
import moto.core.models as _core_models
import moto.settings as _settings
from moto import mock_aws
from moto.core.base_backend import BackendDict
from moto.dynamodb.models import dynamodb_backends
from moto.iam.access_control import PermissionResult
from moto.iam.models import iam_backends
from moto.s3.models import FakeBucket, s3_backends
from moto.sts.models import sts_backends

PARTITION = "aws"

#: Symbol name -> how to reach it; checked by `check_integration_points`.
_REQUIRED: dict[str, Callable[[], Any]] = {
    "moto.core.models.botocore_stubber.process_request": lambda: (
        _core_models.botocore_stubber.process_request
    ),
    "moto.s3.models.FakeBucket.get_permission": lambda: FakeBucket.get_permission,
    "moto.s3.models.s3_backends.bucket_accounts": lambda: s3_backends.bucket_accounts,
    "moto.core.base_backend.BackendDict.reset": lambda: BackendDict.reset,
    "moto.settings.INITIAL_NO_AUTH_ACTION_COUNT": lambda: (
        _settings.INITIAL_NO_AUTH_ACTION_COUNT
    ),
    "moto.iam.models.IAMBackend.access_keys": lambda: (
        iam_backends["123456789012"][PARTITION].access_keys
    ),
    "moto.sts.models.STSBackend.assumed_roles": lambda: (
        sts_backends["123456789012"][PARTITION].assumed_roles
    ),
}


class MotoIntegrationError(RuntimeError):
    """The installed moto no longer has a symbol this project hooks into."""


def check_integration_points() -> None:
    """Raise `MotoIntegrationError` naming any hook point moto no longer has."""
    for name, reach in _REQUIRED.items():
        try:
            reach()
        except (AttributeError, KeyError) as error:
            raise MotoIntegrationError(
                f"moto {moto.__version__} no longer provides {name} ({error}); "
                "pytest-tgstate supports moto 5.2.x: install moto>=5.2.5,<5.3"
            ) from None


@contextmanager
def moto_store(gate: Callable[[Any, Callable[[Any], Any]], Any]) -> Iterator[None]:
    """Run moto in-process, with its own authorization switched off.

    ``gate(request, forward)`` replaces moto's request entry point for boto3
    clients: it receives botocore's prepared request and a function that hands
    it to moto, and returns ``(status, headers, body)`` or None.
    """
    stubber = _core_models.botocore_stubber
    original = stubber.process_request

    def gated(request: Any) -> Any:
        return gate(request, original)

    config = {"core": {"mock_credentials": False, "reset_boto3_session": False}}
    with (
        mock.patch.object(_settings, "INITIAL_NO_AUTH_ACTION_COUNT", float("inf")),
        # moto evaluates bucket policies on object requests with conditions
        # ignored, so Terragrunt's EnforcedTLS statement would deny every
        # state read. The gateway evaluates bucket policies itself, so moto
        # gets PERMITTED for every request: with NEUTRAL, moto still rejects
        # unsigned reads of objects without a public-read ACL.
        mock.patch.object(FakeBucket, "get_permission", _permitted),
        mock_aws(config=config),  # type: ignore[call-overload]
        mock.patch.object(stubber, "process_request", gated),
    ):
        yield


def _permitted(bucket: Any, action: str, resource: str) -> Any:
    # A plain function: an autospec mock costs tens of microseconds per call.
    return PermissionResult.PERMITTED


def reset_backends() -> None:
    """Clear every moto backend of every account and region."""
    BackendDict.reset()


def iam_backend(account: str) -> Any:
    return iam_backends[account][PARTITION]


def sts_backend(account: str) -> Any:
    return sts_backends[account][PARTITION]


def s3_backend(account: str) -> Any:
    return s3_backends[account][PARTITION]


def dynamodb_backend(account: str, region: str) -> Any:
    return dynamodb_backends[account][region]


def bucket_owner(bucket: str) -> str | None:
    """Return the account that owns ``bucket``, or None when it does not exist."""
    entry = s3_backends.bucket_accounts.get(bucket)
    return entry[1] if entry else None


def find_bucket(bucket: str) -> Any | None:
    owner = bucket_owner(bucket)
    if owner is None:
        return None
    return s3_backend(owner).buckets.get(bucket)


def find_access_key(access_key_id: str) -> tuple[str, Any] | None:
    """Return ``(account, moto AccessKey)`` for an access key id, or None."""
    for account in list(iam_backends.keys()):
        key = iam_backends[account][PARTITION].access_keys.get(access_key_id)
        if key is not None:
            return account, key
    return None


def find_session(access_key_id: str) -> Any | None:
    """Return moto's AssumedRole for a temporary access key id, or None."""
    for account in list(sts_backends.keys()):
        for session in sts_backends[account][PARTITION].assumed_roles:
            if session.access_key_id == access_key_id:
                return session
    return None


def find_role(role_arn: str) -> Any | None:
    parts = role_arn.split(":", 5)
    if len(parts) != 6:
        return None
    account = parts[4]
    if account not in iam_backends:
        return None
    for role in iam_backend(account).roles.values():
        if role.arn == role_arn:
            return role
    return None


def known_accounts() -> list[str]:
    return list(iam_backends.keys())


def set_table_encryption(
    account: str, region: str, table: str, *, enabled: bool, kms_key: str | None
) -> None:
    """Apply an UpdateTable SSESpecification to a moto table, which moto skips."""
    found = dynamodb_backend(account, region).tables.get(table)
    if found is None:
        return
    if not enabled:
        found.sse_specification = None
        return
    key = kms_key or f"arn:aws:kms:{region}:{account}:alias/aws/dynamodb"
    found.sse_specification = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
