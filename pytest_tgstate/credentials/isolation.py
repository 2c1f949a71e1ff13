"""Run code in this process as if on a machine with only a scenario's credentials.

botocore reads most of its configuration lazily from the environment, but
fixes the SSO token cache folder (and the credential cache of ``JSONFileCache``)
when it is imported, from the real home. `isolated_environment` therefore
patches those class attributes too, together with ``os.environ`` and boto3's
default session, and restores all of them on exit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import boto3
import botocore.credentials
import botocore.tokens
import botocore.utils

from ..clients.environment import prepare_home

_DROPPED_PREFIXES = ("AWS_", "BOTO_", "MOTO_")


def isolated_variables(
    home: Path, region: str, variables: Mapping[str, str], *, uses_metadata: bool
) -> dict[str, str]:
    """Return the AWS variables of an isolated process.

    They point at the AWS files under ``home``, set the region, disable the
    instance metadata service unless ``uses_metadata``, and end with
    ``variables``, which override the rest.
    """
    result = prepare_home(home)
    result.pop("TF_CLI_CONFIG_FILE", None)
    result.update({"AWS_DEFAULT_REGION": region, "AWS_REGION": region})
    if not uses_metadata:
        result["AWS_EC2_METADATA_DISABLED"] = "true"
    result.update(variables)
    return result


@contextmanager
def isolated_environment(
    home: Path,
    region: str,
    variables: Mapping[str, str],
    *,
    uses_metadata: bool = False,
    set_home: bool = True,
) -> Iterator[None]:
    """Replace every AWS setting of this process for the block, then restore it exactly.

    ``os.environ`` loses its ``AWS_*``, ``BOTO_*`` and ``MOTO_*`` variables
    and gains ``variables`` plus empty config files under ``home``; ``HOME``
    points at ``home`` unless ``set_home`` is False.
    """
    saved_environment = dict(os.environ)
    saved_session = boto3.DEFAULT_SESSION
    sso_cache = str(home / ".aws" / "sso" / "cache")
    saved_caches = (
        botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR,
        botocore.tokens.SSOTokenProvider._SSO_TOKEN_CACHE_DIR,
        botocore.utils.JSONFileCache.CACHE_DIR,
    )
    try:
        for name in list(os.environ):
            if name.startswith(_DROPPED_PREFIXES):
                del os.environ[name]
        os.environ.update(
            isolated_variables(home, region, variables, uses_metadata=uses_metadata)
        )
        if set_home:
            os.environ["HOME"] = str(home)
        botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR = sso_cache
        botocore.tokens.SSOTokenProvider._SSO_TOKEN_CACHE_DIR = sso_cache
        botocore.utils.JSONFileCache.CACHE_DIR = str(home / ".aws" / "boto" / "cache")
        boto3.DEFAULT_SESSION = None
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)
        (
            botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR,
            botocore.tokens.SSOTokenProvider._SSO_TOKEN_CACHE_DIR,
            botocore.utils.JSONFileCache.CACHE_DIR,
        ) = saved_caches
        boto3.DEFAULT_SESSION = saved_session
