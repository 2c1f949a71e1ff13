"""Files credential scenarios write into a test's own home directory."""

from __future__ import annotations

import base64
import configparser
import hashlib
import json
import os
import stat
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path


class AwsFiles:
    """The ``~/.aws`` tree of one test home: config, credentials and caches."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.aws = home / ".aws"
        self.config = self.aws / "config"
        self.credentials = self.aws / "credentials"
        self.sso_cache = self.aws / "sso" / "cache"
        self.login_cache = self.aws / "login" / "cache"
        self.boto_config = home / ".boto"
        self.bin = home / "bin"

    def create(self) -> AwsFiles:
        """Create the tree with empty config and credentials files."""
        for folder in (self.aws, self.sso_cache, self.login_cache, self.bin):
            folder.mkdir(parents=True, exist_ok=True)
        for file in (self.config, self.credentials, self.boto_config):
            if not file.exists():
                file.write_text("")
        return self

    def add_profile(
        self, name: str, values: Mapping[str, str], *, in_config: bool = True
    ) -> None:
        """Add ``[profile name]`` to the config file (or ``[name]`` to credentials)."""
        if in_config:
            section = name if name == "default" else f"profile {name}"
            self._add_section(self.config, section, values)
        else:
            self._add_section(self.credentials, name, values)

    def add_sso_session(self, name: str, values: Mapping[str, str]) -> None:
        self._add_section(self.config, f"sso-session {name}", values)

    def _add_section(self, path: Path, section: str, values: Mapping[str, str]) -> None:
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(path)
        parser[section] = dict(values)
        with path.open("w") as handle:
            parser.write(handle)

    def write_sso_token(
        self,
        cache_key: str,
        *,
        start_url: str,
        region: str,
        access_token: str,
        expires_at: datetime,
    ) -> Path:
        """Write the cached SSO token, named by the SHA-1 of ``cache_key``.

        botocore and the Go SDK look the token up under that name.
        """
        path = self.sso_cache / f"{hashlib.sha1(cache_key.encode()).hexdigest()}.json"
        path.write_text(
            json.dumps(
                {
                    "startUrl": start_url,
                    "region": region,
                    "accessToken": access_token,
                    "expiresAt": expires_at.astimezone(timezone.utc).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"
                    ),
                }
            )
        )
        return path

    def write_text(self, name: str, text: str) -> Path:
        path = self.home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path


def web_identity_token(
    issuer: str, subject: str, audience: str, *, lifetime: timedelta
) -> str:
    """Return an unsigned-looking JWT with the claims AssumeRoleWithWebIdentity reads.

    The signature part is a placeholder: nothing in the world verifies it.
    """
    now = datetime.now(timezone.utc)

    def encode(document: object) -> str:
        return (
            base64.urlsafe_b64encode(json.dumps(document).encode())
            .rstrip(b"=")
            .decode()
        )

    header = {"alg": "RS256", "typ": "JWT", "kid": "tgstate"}
    claims = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    return f"{encode(header)}.{encode(claims)}.dGdzdGF0ZQ"


_PROCESS_SCRIPT = '''\
"""credential_process for a pytest-tgstate scenario.

Prints the credentials in {document}.
"""
import pathlib
import sys

log = pathlib.Path({log!r})
with log.open("a") as handle:
    handle.write("fetch\\n")
document = pathlib.Path({document!r})
if not document.exists():
    sys.stderr.write({failure!r} + "\\n")
    sys.exit({exit_code})
sys.stdout.write(document.read_text())
'''


def write_credential_process(
    files: AwsFiles,
    document: Mapping[str, object] | None,
    *,
    failure: str = "credentials unavailable",
    exit_code: int = 3,
) -> tuple[str, Path]:
    """Write a credential_process program; return its command line and its call log.

    With ``document`` None the program prints ``failure`` to standard error
    and exits with ``exit_code``.
    """
    document_path = files.home / "credential-process.json"
    log_path = files.home / "credential-process.log"
    if document is not None:
        document_path.write_text(json.dumps(document))
    elif document_path.exists():
        document_path.unlink()
    script = files.bin / "credential-process.py"
    script.write_text(
        _PROCESS_SCRIPT.format(
            document=str(document_path),
            log=str(log_path),
            failure=failure,
            exit_code=exit_code,
        )
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    command = f"{_quote(sys.executable)} {_quote(str(script))}"
    return command, log_path


def _quote(path: str) -> str:
    # The SDKs split the command line like a shell; quote paths with spaces.
    return f'"{path}"' if " " in path or "\t" in path else path


def fetch_count(log_path: Path) -> int:
    """Return how many times a credential_process program ran."""
    if not log_path.exists():
        return 0
    return sum(1 for line in log_path.read_text().splitlines() if line)


def closed_loopback_port() -> int:
    """Return a loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ensure_private(path: Path) -> None:
    os.chmod(path, 0o600)
