"""The one private botocore attribute this project touches.

Creating a botocore client costs several milliseconds, so a world reuses a
principal's clients after a reset and only swaps their credentials. The
swap writes the request signer's private ``_credentials``, and the world
reads it to check that a cached client signs with a principal's exact
credentials. When a botocore release renames it, both functions return False
and the world creates a new client instead.
"""

from __future__ import annotations

from typing import Any

from botocore.credentials import Credentials


def has_client_credentials(
    client: Any,
    aws_access_key_id: str | None,
    aws_secret_access_key: str | None,
    aws_session_token: str | None = None,
) -> bool:
    """Return whether ``client`` signs with exactly these static credentials.

    Returns False when the signer's private attribute is missing.
    """
    signer = getattr(client, "_request_signer", None)
    current = getattr(signer, "_credentials", None)
    return (
        current is not None
        and current.access_key == aws_access_key_id
        and current.secret_key == aws_secret_access_key
        and current.token == aws_session_token
    )


def set_client_credentials(
    client: Any,
    aws_access_key_id: str | None,
    aws_secret_access_key: str | None,
    aws_session_token: str | None = None,
) -> bool:
    """Point ``client`` at new static credentials; return whether that worked."""
    signer = getattr(client, "_request_signer", None)
    if signer is None or not hasattr(signer, "_credentials"):
        return False
    if has_client_credentials(
        client, aws_access_key_id, aws_secret_access_key, aws_session_token
    ):
        return True
    signer._credentials = Credentials(
        aws_access_key_id, aws_secret_access_key, aws_session_token
    )
    return True
