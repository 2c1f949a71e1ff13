"""The environment a test and its subprocesses see: no real AWS configuration.

Inside a test, every ``AWS_*``, ``BOTO_*`` and ``MOTO_*`` variable of the
caller's environment is removed; the test principal's keys, the region and
empty config and credentials files in the test's own home take their place.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3  # type: ignore[import-untyped]

from ..world.principals import Principal

_REMOVED_PREFIXES = ("AWS_", "BOTO_", "MOTO_")


def prepare_home(home: Path) -> tuple[Path, Path]:
    """Create empty AWS config and credentials files under ``home``."""
    aws = home / ".aws"
    aws.mkdir(parents=True, exist_ok=True)
    config = aws / "config"
    credentials = aws / "credentials"
    config.touch()
    credentials.touch()
    return config, credentials


def aws_variables(
    home: Path, principal: Principal | None, region: str
) -> dict[str, str]:
    """Return the AWS variables a test process runs with.

    Without a principal there are no credential variables.
    """
    config, credentials = prepare_home(home)
    variables = {
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if principal is not None:
        variables.update(principal.env())
    return variables


def subprocess_env(home: Path, principal: Principal, region: str) -> dict[str, str]:
    """Return a full environment for a subprocess acting as ``principal``."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_REMOVED_PREFIXES)
    }
    environment.update(aws_variables(home, principal, region))
    environment["HOME"] = str(home)
    environment["CHECKPOINT_DISABLE"] = "1"
    return environment


@contextmanager
def hermetic_environment(home: Path, region: str) -> Iterator[None]:
    """Run the block without the caller's AWS variables, then restore ``os.environ``.

    ``os.environ`` is restored exactly, whatever the block changed.

    The block starts with the region and the empty config and credentials
    files of ``home``, so setting up a world reads nothing of the caller's
    AWS configuration (an ``AWS_PROFILE`` naming a missing profile would
    break client creation). `use_principal` then adds a principal's keys.
    boto3's default session caches credentials, so it is cleared on entry
    and restored on exit.
    """
    saved = dict(os.environ)
    saved_session = boto3.DEFAULT_SESSION
    try:
        for name in list(os.environ):
            if name.startswith(_REMOVED_PREFIXES):
                del os.environ[name]
        os.environ.update(aws_variables(home, None, region))
        boto3.DEFAULT_SESSION = None
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        boto3.DEFAULT_SESSION = saved_session


def use_principal(principal: Principal) -> None:
    """Put ``principal``'s keys into ``os.environ``, inside `hermetic_environment`."""
    os.environ.update(principal.env())
