"""The one private botocore attribute this project touches.

Creating a botocore client costs several milliseconds, so a world reuses a
principal's clients after a reset and only swaps their credentials. The
swap writes the request signer's private ``_credentials``; when a botocore
release renames it, `set_client_credentials` returns False and the world
creates a new client instead.
"""

from __future__ import annotations

from typing import Any

from botocore.credentials import Credentials


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
    current = signer._credentials
    if (
        current is not None
        and current.access_key == aws_access_key_id
        and current.secret_key == aws_secret_access_key
        and current.token == aws_session_token
    ):
        return True
    signer._credentials = Credentials(aws_access_key_id, aws_secret_access_key, aws_session_token)
    return True
