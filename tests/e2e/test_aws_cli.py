"""The aws CLI v1 as a subprocess against the served world, compared with boto3.

For each documented policy, and a user with no policy, the CLI makes
GetCallerIdentity, HeadBucket and DescribeTable calls over HTTP, and an
in-process boto3 client (`World.client`) makes the same calls through the
gateway. Both must be allowed or denied alike, and a denied CLI call must
exit with status 255 and the error text AWS clients print.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_tgstate.world.journal import JournalEntry

from .support import BUCKET, DOCUMENTED_POLICIES, TABLE, ServedWorld, run_aws_cli

pytestmark = pytest.mark.real_clients


@dataclass(frozen=True)
class Call:
    """One API call, as aws CLI arguments and as a boto3 call."""

    name: str
    service: str
    cli_arguments: tuple[str, ...]
    invoke: Callable[[Any], Any]
    #: Texts the CLI prints on standard error when the call is denied.
    denied_texts: tuple[str, ...]


CALLS = (
    Call(
        "get-caller-identity",
        "sts",
        ("sts", "get-caller-identity"),
        lambda client: client.get_caller_identity(),
        ("(AccessDenied)",),
    ),
    Call(
        "head-bucket",
        "s3",
        ("s3api", "head-bucket", "--bucket", BUCKET),
        lambda client: client.head_bucket(Bucket=BUCKET),
        # A HEAD response has no body, so the CLI only has the status.
        ("(403)", "Forbidden"),
    ),
    Call(
        "describe-table",
        "dynamodb",
        ("dynamodb", "describe-table", "--table-name", TABLE),
        lambda client: client.describe_table(TableName=TABLE),
        ("(AccessDeniedException)", "dynamodb:DescribeTable"),
    ),
)
POLICIES = (*DOCUMENTED_POLICIES, "none")
#: Calls the policies deny: external-bucket grants no DynamoDB action, and
#: GetCallerIdentity needs no permission.
DENIED = {
    ("external-bucket", "describe-table"),
    ("none", "head-bucket"),
    ("none", "describe-table"),
}


def first_denied_action(entries: list[JournalEntry]) -> str | None:
    for entry in entries:
        denial = entry.first_denial
        if denial is not None:
            return denial.action
    return None


@pytest.mark.parametrize("call", CALLS, ids=lambda call: call.name)
@pytest.mark.parametrize("policy", POLICIES)
def test_cli_matches_boto3(
    served_world: ServedWorld, tmp_path: Path, policy: str, call: Call
) -> None:
    user = served_world.prepare(None if policy == "none" else policy)
    journal = served_world.world.journal
    environment = served_world.environment(tmp_path / "home", user)

    mark = journal.mark()
    completed = run_aws_cli(call.cli_arguments, environment)
    cli_entries = journal.since(mark)
    mark = journal.mark()
    try:
        call.invoke(served_world.world.client(call.service, user))
    except ClientError:
        boto3_allowed = False
    else:
        boto3_allowed = True
    boto3_entries = journal.since(mark)
    expected_allowed = (policy, call.name) not in DENIED

    assert len(cli_entries) == 1
    assert (completed.returncode == 0) == boto3_allowed, completed.stderr
    assert boto3_allowed == expected_allowed
    assert first_denied_action(cli_entries) == first_denied_action(boto3_entries)
    if expected_allowed:
        assert completed.returncode == 0
        return
    assert completed.returncode == 255
    for text in call.denied_texts:
        assert text in completed.stderr


def test_cli_identity_is_user(served_world: ServedWorld, tmp_path: Path) -> None:
    user = served_world.prepare("minimal")
    environment = served_world.environment(tmp_path / "home", user)

    completed = run_aws_cli(("sts", "get-caller-identity"), environment)
    identity = json.loads(completed.stdout)

    assert completed.returncode == 0, completed.stderr
    assert identity["Arn"] == user.arn
    assert identity["Account"] == user.account
