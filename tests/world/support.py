"""Names, policy builders and error readers shared by the world tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from botocore.exceptions import ClientError

BUCKET = "terragrunt-state"
TABLE = "terragrunt-locks"
STATE_KEY = "env/app/terraform.tfstate"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
OBJECTS_ARN = f"arn:aws:s3:::{BUCKET}/*"


def document(*statements: Mapping[str, Any]) -> dict[str, Any]:
    """Build a policy document from statement mappings."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(*actions: str, resource: str | list[str] = "*") -> dict[str, Any]:
    """Build an identity-based policy allowing ``actions`` on ``resource``."""
    return document({"Effect": "Allow", "Action": list(actions), "Resource": resource})


def client_error(call: Callable[[], object]) -> ClientError:
    """Run ``call`` and return the `ClientError` it raises."""
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value


def code_of(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


def message_of(error: ClientError) -> str:
    return str(error.response["Error"].get("Message", ""))


def status_of(error: ClientError) -> int:
    return int(error.response["ResponseMetadata"]["HTTPStatusCode"])
