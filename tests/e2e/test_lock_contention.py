"""Real Terraform meeting a state lock that another run holds, or cannot release.

A second ``terraform apply`` must stop with Terraform's lock error and name
the holder from the lock's JSON info, for a DynamoDB lock item and for an S3
lock file (``use_lockfile``, a conditional PutObject that fails with 412
PreconditionFailed). The model must stop the same way.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_tgstate.workflows.config import LockMode, RemoteStateConfig
from pytest_tgstate.workflows.scenario import with_lock_mode
from pytest_tgstate.workflows.terraform import run_terraform
from pytest_tgstate.world import World
from pytest_tgstate.world.server import LoopbackServer

from .support import BUCKET, LOCK_ID, LOCKFILE_KEY, STATE_KEY, TABLE, ServedWorld

pytestmark = pytest.mark.real_clients

HOLDER_ID = "0b5a6c0e-5d1c-4e55-9a43-2f3c1d7e8f90"
HOLDER_WHO = "alice@build-agent-7"
HOLDER_INFO = json.dumps(
    {
        "ID": HOLDER_ID,
        "Operation": "OperationTypeApply",
        "Info": "",
        "Who": HOLDER_WHO,
        "Version": "1.15.5",
        "Created": "2026-01-01T00:00:00Z",
        "Path": LOCK_ID,
    }
)


@pytest.fixture
def served() -> Iterator[ServedWorld]:
    """A world and its loopback server for one test."""
    with World() as world, LoopbackServer(world) as server:
        yield ServedWorld(world, server)


def config_for(lock: LockMode) -> RemoteStateConfig:
    return with_lock_mode(RemoteStateConfig(encrypt=True), lock)


def test_dynamodb_lock_blocks_apply(served: ServedWorld, tmp_path: Path) -> None:
    user = served.prepare("full")
    config = config_for("dynamodb")
    workspace = served.workspace(tmp_path, config, user)
    assert workspace.init().succeeded
    dynamodb = served.world.admin_client("dynamodb")
    dynamodb.put_item(
        TableName=TABLE,
        Item={"LockID": {"S": LOCK_ID}, "Info": {"S": HOLDER_INFO}},
    )

    run = workspace.apply()
    model = run_terraform(served.world, user, config, "apply")
    item = dynamodb.get_item(TableName=TABLE, Key={"LockID": {"S": LOCK_ID}})

    assert run.exit_status == 1
    assert "Error acquiring the state lock" in run.stderr
    assert "ConditionalCheckFailedException" in run.stderr
    assert HOLDER_WHO in run.stderr
    assert HOLDER_ID in run.stderr
    assert not any(entry.operation == "PutObject" for entry in run.entries)
    assert item["Item"]["Info"]["S"] == HOLDER_INFO
    assert model.outcome == "failed"
    assert "Error acquiring the state lock" in (model.error or "")
    assert HOLDER_WHO in (model.error or "")


def test_lockfile_blocks_apply(served: ServedWorld, tmp_path: Path) -> None:
    user = served.prepare("full")
    config = config_for("lockfile")
    workspace = served.workspace(tmp_path, config, user)
    assert workspace.init().succeeded
    s3 = served.world.admin_client("s3")
    s3.put_object(Bucket=BUCKET, Key=LOCKFILE_KEY, Body=HOLDER_INFO.encode())

    run = workspace.apply()
    model = run_terraform(served.world, user, config, "apply")
    lock_file = s3.get_object(Bucket=BUCKET, Key=LOCKFILE_KEY)["Body"].read()
    state_writes = [
        entry
        for entry in run.entries
        if entry.operation == "PutObject" and entry.status == 200
    ]

    assert run.exit_status == 1
    assert "Error acquiring the state lock" in run.stderr
    assert "StatusCode: 412" in run.stderr
    assert "PreconditionFailed" in run.stderr
    assert HOLDER_WHO in run.stderr
    assert HOLDER_ID in run.stderr
    assert state_writes == []
    assert lock_file == HOLDER_INFO.encode()
    assert model.outcome == "failed"
    assert "PreconditionFailed" in (model.error or "")
    assert HOLDER_WHO in (model.error or "")


def test_lockfile_release_needs_delete(served: ServedWorld, tmp_path: Path) -> None:
    # The policy may delete the state object but not the lock file next to it.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{BUCKET}",
            },
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            },
            {
                "Effect": "Allow",
                "Action": "s3:DeleteObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/{STATE_KEY}",
            },
        ],
    }
    user = served.prepare(policy)
    config = config_for("lockfile")
    workspace = served.workspace(tmp_path, config, user)
    assert workspace.init().succeeded

    run = workspace.apply()
    denial = run.first_denial
    listing = served.world.admin_client("s3").list_objects_v2(
        Bucket=BUCKET, Prefix=LOCKFILE_KEY
    )
    # The failed release left the lock file behind, so the model starts over.
    user = served.prepare(policy)
    model = run_terraform(served.world, user, config, "apply")
    model_denial = model.denial

    assert run.exit_status == 1
    assert "Error releasing the state lock" in run.stderr
    assert "s3:DeleteObject" in run.stderr
    assert "Lock Info:" in run.stderr
    assert denial is not None
    assert denial.action == "s3:DeleteObject"
    assert denial.resource == f"arn:aws:s3:::{BUCKET}/{LOCKFILE_KEY}"
    assert listing["KeyCount"] == 1
    assert model.outcome == "denied"
    assert (model.error or "").startswith("Error releasing the state lock")
    assert model_denial is not None
    assert model_denial.action == "s3:DeleteObject"


def test_server_stop_leaves_no_threads(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    with World() as world, LoopbackServer(world) as server:
        served = ServedWorld(world, server)
        user = served.prepare("full")
        workspace = served.workspace(tmp_path, config_for("dynamodb"), user)
        init = workspace.init()
        apply = workspace.apply()
    leftover = [thread.name for thread in set(threading.enumerate()) - before]

    assert init.succeeded
    assert apply.succeeded
    assert leftover == []
