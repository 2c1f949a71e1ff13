"""Principals of a world: IAM users, roles and role sessions with their credentials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal


@dataclass(frozen=True)
class Principal:
    """A caller with credentials: an IAM user's access key or a role session.

    Tests pass it to `World.client` to make requests as this caller, or take
    its `env` for a subprocess.
    """

    kind: Literal["user", "role-session"]
    name: str
    arn: str
    account: str
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    expiration: datetime | None = None
    role_arn: str | None = None

    def client_kwargs(self) -> dict[str, str | None]:
        """Return the credential arguments for ``boto3.client``."""
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "aws_session_token": self.session_token,
        }

    def env(self) -> dict[str, str]:
        """Return the ``AWS_*`` credential variables for a subprocess."""
        variables = {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
        }
        if self.session_token:
            variables["AWS_SESSION_TOKEN"] = self.session_token
        return variables

    def __repr__(self) -> str:
        # The secret and token stay out of reprs, logs and assertion messages.
        return (
            f"Principal({self.kind}, {self.arn!r}, "
            f"access_key_id={self.access_key_id!r})"
        )


@dataclass(frozen=True)
class Role:
    """An IAM role of a world."""

    name: str
    arn: str
    account: str
