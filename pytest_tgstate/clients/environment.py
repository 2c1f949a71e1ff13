"""The environment of a client subprocess: the world's endpoints and nothing real.

Every ``AWS_*``, ``BOTO_*`` and ``MOTO_*`` variable of the caller is dropped.
The subprocess gets a private ``HOME`` with empty AWS files, the server's
endpoint variables and ``CHECKPOINT_DISABLE=1`` for Terraform. Its proxy
variables point at a closed loopback port, so any attempt to reach a host
other than 127.0.0.1 or localhost fails at once instead of leaving the machine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

#: A loopback port nothing listens on (TCP discard); proxied requests fail there.
DEAD_PROXY = "http://127.0.0.1:9"
_DROPPED_PREFIXES = ("AWS_", "BOTO_", "MOTO_")
_DROPPED = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
)


def prepare_home(home: Path) -> dict[str, str]:
    """Create the empty AWS and Terraform files of ``home``; return their variables."""
    aws = home / ".aws"
    (aws / "sso" / "cache").mkdir(parents=True, exist_ok=True)
    (aws / "login" / "cache").mkdir(parents=True, exist_ok=True)
    files = {
        "AWS_CONFIG_FILE": aws / "config",
        "AWS_SHARED_CREDENTIALS_FILE": aws / "credentials",
        "BOTO_CONFIG": home / ".boto",
        "TF_CLI_CONFIG_FILE": home / ".terraformrc",
    }
    for path in files.values():
        if not path.exists():
            path.write_text("")
    variables = {name: str(path) for name, path in files.items()}
    variables["AWS_LOGIN_CACHE_DIRECTORY"] = str(aws / "login" / "cache")
    return variables


def subprocess_environment(
    home: Path,
    *,
    region: str,
    credentials: Mapping[str, str],
    endpoints: Mapping[str, str] | None = None,
    uses_metadata: bool = False,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return a complete environment for a client subprocess.

    ``credentials`` contains the credential variables (keys, a profile, a
    token file, ...), ``endpoints`` the server's ``AWS_ENDPOINT_URL*``
    variables. Instance metadata stays disabled unless ``uses_metadata``.
    """
    source = os.environ if base is None else base
    environment = {
        name: value
        for name, value in source.items()
        if not name.startswith(_DROPPED_PREFIXES) and name not in _DROPPED
    }
    environment.update(prepare_home(home))
    environment.update(
        {
            "HOME": str(home),
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "CHECKPOINT_DISABLE": "1",
            "HTTP_PROXY": DEAD_PROXY,
            "HTTPS_PROXY": DEAD_PROXY,
            "http_proxy": DEAD_PROXY,
            "https_proxy": DEAD_PROXY,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    if not uses_metadata:
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
    if endpoints:
        environment.update(endpoints)
    environment.update(credentials)
    return environment
