"""The environment a test and its subprocesses see: no real AWS configuration.

Inside a test, every ``AWS_*``, ``BOTO_*`` and ``MOTO_*`` variable of the
caller's environment is removed. The test principal's keys, the region and
empty config and credentials files in the test's own home take their place.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import boto3

from ..credentials.isolation import isolated_environment
from ..world.principals import Principal


@contextmanager
def hermetic_environment(home: Path, region: str) -> Iterator[None]:
    """Run the block without the caller's AWS settings, then restore them exactly.

    The block starts with the region, the empty AWS files of ``home`` and
    ``HOME`` pointing at ``home``. botocore fixes its SSO token cache folder
    from the real home at import, so that folder is redirected there too.
    Setting up a world therefore reads nothing of the caller's configuration.
    `use_principal` or `use_credentials` then add credentials. boto3's default
    session caches credentials, so it is cleared on entry and restored on
    exit.
    """
    with isolated_environment(home, region, {}):
        yield


def use_principal(principal: Principal) -> None:
    """Put ``principal``'s keys into ``os.environ``, inside `hermetic_environment`."""
    use_credentials(principal.env(), uses_metadata=False)


#: Variables that select credentials; a new choice removes all of them first.
_CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
)


def use_credentials(variables: Mapping[str, str], *, uses_metadata: bool) -> None:
    """Replace the credential variables of ``os.environ`` with ``variables``.

    Only valid inside `hermetic_environment`, which restores everything.
    Instance metadata stays disabled unless ``uses_metadata``.
    """
    for name in _CREDENTIAL_VARIABLES:
        os.environ.pop(name, None)
    if uses_metadata:
        os.environ.pop("AWS_EC2_METADATA_DISABLED", None)
    else:
        os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ.update(variables)
    boto3.DEFAULT_SESSION = None
