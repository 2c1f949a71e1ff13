"""Tests for the model of the Terraform S3 backend at run time.

Each test runs `run_terraform` against a bucket and lock table in the state
Terragrunt leaves them, and checks the recorded steps, as
``(step name, service:Operation)`` pairs, and what ends up in S3 and DynamoDB.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_tgstate.workflows.config import RemoteStateConfig
from pytest_tgstate.workflows.steps import WorkflowResult
from pytest_tgstate.workflows.terraform import run_terraform
from pytest_tgstate.world import Principal, World

BUCKET = "terragrunt-state"
TABLE = "terragrunt-locks"
KEY = "env/app/terraform.tfstate"
LOCK_FILE = f"{KEY}.tflock"
LOCK_ID = f"{BUCKET}/{KEY}"
DIGEST_ID = f"{BUCKET}/{KEY}-md5"
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b7b6c1e-3f7a-4d8e-9c53-1f2e3d4c5b6a"
HOLDER = json.dumps(
    {
        "ID": "5b0d7c1e-0000-4000-8000-000000000001",
        "Operation": "OperationTypeApply",
        "Who": "someone@elsewhere",
        "Version": "1.15.5",
        "Path": LOCK_ID,
    }
)

PERMISSIVE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:*", "dynamodb:*", "sts:*"],
            "Resource": "*",
        }
    ],
}

Pair = tuple[str, str]

CONFIGURE: list[Pair] = [
    ("validate credentials", "sts:GetCallerIdentity"),
    ("look up account id", "sts:GetCallerIdentity"),
]
LIST_WORKSPACES: list[Pair] = [("list workspaces", "s3:ListObjectsV2")]
READ_STATE: list[Pair] = [("read state metadata", "s3:HeadObject")]
READ_STATE_OBJECT: list[Pair] = [
    ("read state metadata", "s3:HeadObject"),
    ("read state", "s3:GetObject"),
]
READ_DIGEST: list[Pair] = [("read state digest", "dynamodb:GetItem")]
WRITE_STATE: list[Pair] = [("write state", "s3:PutObject")]
WRITE_DIGEST: list[Pair] = [("write state digest", "dynamodb:PutItem")]
TABLE_LOCK: list[Pair] = [("acquire lock", "dynamodb:PutItem")]
TABLE_UNLOCK: list[Pair] = [
    ("read lock", "dynamodb:GetItem"),
    ("release lock", "dynamodb:DeleteItem"),
]
FILE_LOCK: list[Pair] = [("acquire lock file", "s3:PutObject")]
FILE_UNLOCK: list[Pair] = [
    ("read lock file", "s3:GetObject"),
    ("release lock file", "s3:DeleteObject"),
]

LOCK_CONFIGS = {
    "dynamodb": {"dynamodb_table": TABLE},
    "lockfile": {"use_lockfile": True},
    "both": {"dynamodb_table": TABLE, "use_lockfile": True},
    "none": {},
}


def expected_sequence(command: str, lock: str) -> list[Pair]:
    """Return the steps of ``terraform <command>`` on a missing state."""
    table = lock in ("dynamodb", "both")
    locks = {
        "dynamodb": (TABLE_LOCK, TABLE_UNLOCK),
        "lockfile": (FILE_LOCK, FILE_UNLOCK),
        "both": ([*FILE_LOCK, *TABLE_LOCK], [*FILE_UNLOCK, *TABLE_UNLOCK]),
        "none": ([], []),
    }
    lock_steps, unlock_steps = locks[lock]
    read = [*READ_STATE, *(READ_DIGEST if table else [])]
    if command == "init":
        return [*CONFIGURE, *LIST_WORKSPACES, *LIST_WORKSPACES, *read]
    if command == "plan":
        return [*CONFIGURE, *LIST_WORKSPACES, *lock_steps, *read, *unlock_steps]
    return [
        *CONFIGURE,
        *LIST_WORKSPACES,
        *lock_steps,
        *read,
        *read,
        *WRITE_STATE,
        *(WRITE_DIGEST if table else []),
        *unlock_steps,
    ]


def pairs(result: WorkflowResult) -> list[Pair]:
    return [(step.name, step.operation) for step in result.steps]


def operations(result: WorkflowResult) -> list[str]:
    return [step.operation for step in result.steps]


def deny(*actions: str) -> dict[str, Any]:
    """Return the permissive policy plus an explicit Deny of ``actions``."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            *PERMISSIVE["Statement"],
            {"Effect": "Deny", "Action": list(actions), "Resource": "*"},
        ],
    }


class RequestCapture:
    """Parameters of every request one client made, by operation name."""

    def __init__(self) -> None:
        self.requests: dict[str, list[dict[str, Any]]] = {}

    def record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.requests.setdefault(model.name, []).append(dict(params))


def capture_s3(world: World, principal: Principal) -> RequestCapture:
    """Record the S3 requests of the world's cached client for ``principal``."""
    recorded = RequestCapture()
    client = world.client("s3", principal)
    client.meta.events.register("provide-client-params", recorded.record)
    return recorded


@pytest.fixture
def world() -> Iterator[World]:
    with World() as running:
        running.set_bucket_state(BUCKET, "bootstrapped")
        running.set_table_state(TABLE, "present")
        yield running


@pytest.fixture
def user(world: World) -> Principal:
    return world.create_user("deployer", policy=PERMISSIVE)


@pytest.fixture
def admin_s3(world: World) -> Any:
    return world.admin_client("s3")


@pytest.fixture
def admin_dynamodb(world: World) -> Any:
    return world.admin_client("dynamodb")


def config(lock: str = "dynamodb", **changes: Any) -> RemoteStateConfig:
    return RemoteStateConfig(encrypt=True, **LOCK_CONFIGS[lock], **changes)


def read_state_document(admin_s3: Any) -> dict[str, Any]:
    body = admin_s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    document: dict[str, Any] = json.loads(body)
    return document


def table_ids(admin_dynamodb: Any) -> set[str]:
    items = admin_dynamodb.scan(TableName=TABLE)["Items"]
    return {item["LockID"]["S"] for item in items}


def head_status(admin_s3: Any, key: str) -> int:
    try:
        admin_s3.head_object(Bucket=BUCKET, Key=key)
    except ClientError as error:
        return int(error.response["ResponseMetadata"]["HTTPStatusCode"])
    return 200


# Call sequences


@pytest.mark.parametrize("lock", list(LOCK_CONFIGS))
@pytest.mark.parametrize("command", ["init", "plan", "apply"])
def test_command_sequence(
    world: World, user: Principal, command: Any, lock: str
) -> None:
    result = run_terraform(world, user, config(lock), command)
    assert pairs(result) == expected_sequence(command, lock)
    assert result.outcome == "succeeded"


def test_workflow_names(world: World, user: Principal) -> None:
    result = run_terraform(world, user, config(), "plan")
    assert result.workflow == "terraform plan"
    assert {step.workflow for step in result.steps} == {"terraform plan"}


def test_apply_existing_state_reads(world: World, user: Principal) -> None:
    run_terraform(world, user, config(), "apply")
    result = run_terraform(world, user, config(), "plan")
    assert pairs(result) == [
        *CONFIGURE,
        *LIST_WORKSPACES,
        *TABLE_LOCK,
        *READ_STATE_OBJECT,
        *READ_DIGEST,
        *TABLE_UNLOCK,
    ]


def test_plan_writes_nothing(world: World, user: Principal) -> None:
    result = run_terraform(world, user, config(), "plan")
    assert "s3:PutObject" not in operations(result)
    assert "dynamodb:PutItem" in operations(result)


def test_unknown_command_rejected(world: World, user: Principal) -> None:
    with pytest.raises(ValueError, match="unknown Terraform command 'destroy'"):
        run_terraform(world, user, config(), "destroy")  # type: ignore[arg-type]


def test_workspace_listing_prefix(world: World, user: Principal) -> None:
    requests = capture_s3(world, user)
    run_terraform(world, user, config(), "init")
    listing = requests.requests["ListObjectsV2"][0]
    assert listing["Prefix"] == "env:/"
    assert listing["MaxKeys"] == 1000


def test_custom_workspace_prefix(world: World, user: Principal) -> None:
    requests = capture_s3(world, user)
    run_terraform(world, user, config(workspace_key_prefix="workspaces"), "init")
    assert requests.requests["ListObjectsV2"][0]["Prefix"] == "workspaces/"


def test_skip_credentials_validation(world: World, user: Principal) -> None:
    changes = {"skip_credentials_validation": True}
    result = run_terraform(world, user, config(**changes), "init")
    assert pairs(result)[:3] == [
        ("look up account id", "iam:GetUser"),
        ("look up account id", "sts:GetCallerIdentity"),
        *LIST_WORKSPACES,
    ]


def test_denied_get_user_tolerated(world: World, user: Principal) -> None:
    changes = {"skip_credentials_validation": True}
    result = run_terraform(world, user, config(**changes), "init")
    get_user = result.steps[0]
    assert get_user.outcome == "tolerated"
    assert get_user.denial_tolerated is True


def test_allowed_get_user_ends_lookup(world: World) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            *PERMISSIVE["Statement"],
            {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"},
        ],
    }
    principal = world.create_user("deployer", policy=policy)
    changes = {"skip_credentials_validation": True}
    result = run_terraform(world, principal, config(**changes), "init")
    assert pairs(result)[:2] == [
        ("look up account id", "iam:GetUser"),
        *LIST_WORKSPACES,
    ]


def test_skip_account_lookup_entirely(world: World, user: Principal) -> None:
    changes = {"skip_credentials_validation": True, "skip_requesting_account_id": True}
    result = run_terraform(world, user, config(**changes), "init")
    assert pairs(result)[:1] == LIST_WORKSPACES


# State object and digest


def test_state_encrypted_aes256(world: World, user: Principal, admin_s3: Any) -> None:
    run_terraform(world, user, config(), "apply")
    head = admin_s3.head_object(Bucket=BUCKET, Key=KEY)
    assert head["ServerSideEncryption"] == "AES256"


def test_state_request_headers(world: World, user: Principal) -> None:
    requests = capture_s3(world, user)
    run_terraform(world, user, config(), "apply")
    put = requests.requests["PutObject"][0]
    assert put["ServerSideEncryption"] == "AES256"
    assert put["ContentType"] == "application/json"
    assert put["ChecksumAlgorithm"] == "SHA256"


def test_unencrypted_state_request(world: World, user: Principal) -> None:
    requests = capture_s3(world, user)
    unencrypted = RemoteStateConfig(dynamodb_table=TABLE)
    run_terraform(world, user, unencrypted, "apply")
    assert "ServerSideEncryption" not in requests.requests["PutObject"][0]


def test_kms_key_state_request(world: World, user: Principal) -> None:
    requests = capture_s3(world, user)
    run_terraform(world, user, config(kms_key_id=KMS_KEY), "apply")
    put = requests.requests["PutObject"][0]
    assert put["ServerSideEncryption"] == "aws:kms"
    assert put["SSEKMSKeyId"] == KMS_KEY


def test_skip_s3_checksum_request(world: World, user: Principal) -> None:
    requests = capture_s3(world, user)
    run_terraform(world, user, config(skip_s3_checksum=True), "apply")
    assert "ChecksumAlgorithm" not in requests.requests["PutObject"][0]


def test_canned_acl_request(world: World, user: Principal) -> None:
    requests = capture_s3(world, user)
    run_terraform(world, user, config(acl="bucket-owner-full-control"), "apply")
    assert requests.requests["PutObject"][0]["ACL"] == "bucket-owner-full-control"


def test_lock_file_uses_if_none_match(world: World, user: Principal) -> None:
    requests = capture_s3(world, user)
    run_terraform(world, user, config("lockfile"), "apply")
    lock = requests.requests["PutObject"][0]
    assert lock["Key"] == LOCK_FILE
    assert lock["IfNoneMatch"] == "*"
    assert lock["ServerSideEncryption"] == "AES256"


def test_state_document_written(world: World, user: Principal, admin_s3: Any) -> None:
    run_terraform(world, user, config(), "apply")
    document = read_state_document(admin_s3)
    assert document["version"] == 4
    assert document["serial"] == 1
    assert document["terraform_version"] == "1.15.5"


def test_digest_item_written(
    world: World, user: Principal, admin_s3: Any, admin_dynamodb: Any
) -> None:
    run_terraform(world, user, config(), "apply")
    body = admin_s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    item = admin_dynamodb.get_item(TableName=TABLE, Key={"LockID": {"S": DIGEST_ID}})
    assert item["Item"]["Digest"]["S"] == hashlib.md5(body).hexdigest()


def test_second_apply_increments_serial(
    world: World, user: Principal, admin_s3: Any
) -> None:
    run_terraform(world, user, config(), "apply")
    first = read_state_document(admin_s3)
    run_terraform(world, user, config(), "apply")
    second = read_state_document(admin_s3)
    assert second["serial"] == first["serial"] + 1
    assert second["lineage"] == first["lineage"]


def test_second_apply_updates_digest(
    world: World, user: Principal, admin_s3: Any, admin_dynamodb: Any
) -> None:
    run_terraform(world, user, config(), "apply")
    result = run_terraform(world, user, config(), "apply")
    body = admin_s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    item = admin_dynamodb.get_item(TableName=TABLE, Key={"LockID": {"S": DIGEST_ID}})
    assert item["Item"]["Digest"]["S"] == hashlib.md5(body).hexdigest()
    assert result.outcome == "succeeded"


def test_digest_mismatch_fails(
    world: World, user: Principal, admin_dynamodb: Any
) -> None:
    run_terraform(world, user, config(), "apply")
    admin_dynamodb.put_item(
        TableName=TABLE,
        Item={"LockID": {"S": DIGEST_ID}, "Digest": {"S": "0" * 32}},
    )
    result = run_terraform(world, user, config(), "plan")
    assert result.outcome == "failed"
    assert result.error is not None
    assert "does not have the expected content" in result.error


def test_digest_without_state_fails(
    world: World, user: Principal, admin_dynamodb: Any
) -> None:
    # Terraform compares the digest with the MD5 of an empty payload when the
    # state object is missing, so a left-over digest fails the read.
    admin_dynamodb.put_item(
        TableName=TABLE,
        Item={"LockID": {"S": DIGEST_ID}, "Digest": {"S": "0" * 32}},
    )
    result = run_terraform(world, user, config(), "plan")
    assert result.outcome == "failed"
    assert result.error is not None
    assert "does not have the expected content" in result.error


def test_digest_read_denial_tolerated(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("dynamodb:GetItem"))
    result = run_terraform(world, principal, config(), "init")
    digest = result.steps[-1]
    assert digest.name == "read state digest"
    assert digest.outcome == "tolerated"
    assert result.outcome == "succeeded"


def test_digest_write_denial_tolerated(world: World, user: Principal) -> None:
    result = run_terraform(world, user, config(), "apply")
    write = [step for step in result.steps if step.name == "write state digest"]
    assert write[0].denial_tolerated is True
    assert write[0].note == "a failure is only logged"


# Locking


def test_dynamodb_lock_released(
    world: World, user: Principal, admin_dynamodb: Any
) -> None:
    run_terraform(world, user, config(), "apply")
    assert table_ids(admin_dynamodb) == {DIGEST_ID}


def test_lock_file_released(world: World, user: Principal, admin_s3: Any) -> None:
    run_terraform(world, user, config("lockfile"), "apply")
    assert head_status(admin_s3, LOCK_FILE) == 404


def test_lock_item_contents(world: World, user: Principal) -> None:
    captured: list[dict[str, Any]] = []
    client = world.client("dynamodb", user)
    client.meta.events.register(
        "provide-client-params.dynamodb.PutItem",
        lambda params, **_: captured.append(dict(params)),
    )
    run_terraform(world, user, config(), "plan", who="ci@runner")
    lock = captured[0]
    info = json.loads(lock["Item"]["Info"]["S"])
    assert lock["Item"]["LockID"]["S"] == LOCK_ID
    assert lock["ConditionExpression"] == "attribute_not_exists(LockID)"
    assert info["Who"] == "ci@runner"
    assert info["Path"] == LOCK_ID


def test_table_lock_contention(
    world: World, user: Principal, admin_dynamodb: Any
) -> None:
    admin_dynamodb.put_item(
        TableName=TABLE,
        Item={"LockID": {"S": LOCK_ID}, "Info": {"S": HOLDER}},
    )
    result = run_terraform(world, user, config(), "apply")
    assert result.outcome == "failed"
    assert result.error is not None
    assert "Error acquiring the state lock" in result.error
    assert "someone@elsewhere" in result.error


def test_table_lock_contention_steps(
    world: World, user: Principal, admin_dynamodb: Any
) -> None:
    admin_dynamodb.put_item(
        TableName=TABLE,
        Item={"LockID": {"S": LOCK_ID}, "Info": {"S": HOLDER}},
    )
    result = run_terraform(world, user, config(), "apply")
    assert pairs(result) == [
        *CONFIGURE,
        *LIST_WORKSPACES,
        *TABLE_LOCK,
        ("read lock holder", "dynamodb:GetItem"),
    ]
    assert result.failed_step is not None
    assert result.failed_step.name == "acquire lock"
    assert result.failed_step.outcome == "failed"


def test_table_lock_contention_keeps_holder(
    world: World, user: Principal, admin_dynamodb: Any
) -> None:
    admin_dynamodb.put_item(
        TableName=TABLE,
        Item={"LockID": {"S": LOCK_ID}, "Info": {"S": HOLDER}},
    )
    run_terraform(world, user, config(), "apply")
    item = admin_dynamodb.get_item(TableName=TABLE, Key={"LockID": {"S": LOCK_ID}})
    assert item["Item"]["Info"]["S"] == HOLDER


def test_file_lock_contention(world: World, user: Principal, admin_s3: Any) -> None:
    admin_s3.put_object(Bucket=BUCKET, Key=LOCK_FILE, Body=HOLDER.encode())
    result = run_terraform(world, user, config("lockfile"), "apply")
    assert result.outcome == "failed"
    assert result.error is not None
    assert "Error acquiring the state lock" in result.error
    assert "someone@elsewhere" in result.error


def test_file_lock_contention_steps(
    world: World, user: Principal, admin_s3: Any
) -> None:
    admin_s3.put_object(Bucket=BUCKET, Key=LOCK_FILE, Body=HOLDER.encode())
    result = run_terraform(world, user, config("lockfile"), "apply")
    assert pairs(result) == [
        *CONFIGURE,
        *LIST_WORKSPACES,
        *FILE_LOCK,
        ("read lock holder", "s3:GetObject"),
    ]
    assert result.steps[-2].error_code == "PreconditionFailed"


def test_file_lock_contention_keeps_file(
    world: World, user: Principal, admin_s3: Any
) -> None:
    admin_s3.put_object(Bucket=BUCKET, Key=LOCK_FILE, Body=HOLDER.encode())
    run_terraform(world, user, config("lockfile"), "apply")
    body = admin_s3.get_object(Bucket=BUCKET, Key=LOCK_FILE)["Body"].read()
    assert body.decode() == HOLDER


def test_both_table_contention_releases_file(
    world: World, user: Principal, admin_s3: Any, admin_dynamodb: Any
) -> None:
    admin_dynamodb.put_item(
        TableName=TABLE,
        Item={"LockID": {"S": LOCK_ID}, "Info": {"S": HOLDER}},
    )
    result = run_terraform(world, user, config("both"), "apply")
    assert pairs(result)[len(CONFIGURE) + 1 :] == [
        *FILE_LOCK,
        *TABLE_LOCK,
        ("read lock holder", "dynamodb:GetItem"),
        *FILE_UNLOCK,
    ]
    assert head_status(admin_s3, LOCK_FILE) == 404


def test_both_file_contention_skips_table(
    world: World, user: Principal, admin_s3: Any
) -> None:
    admin_s3.put_object(Bucket=BUCKET, Key=LOCK_FILE, Body=HOLDER.encode())
    result = run_terraform(world, user, config("both"), "apply")
    assert "dynamodb:PutItem" not in operations(result)


def test_denied_lock_reads_holder(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("dynamodb:PutItem"))
    result = run_terraform(world, principal, config(), "apply")
    assert pairs(result)[-2:] == [
        *TABLE_LOCK,
        ("read lock holder", "dynamodb:GetItem"),
    ]
    assert result.outcome == "denied"
    assert result.error is not None
    assert result.error.startswith("Error acquiring the state lock")


def test_denied_lock_is_fatal(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("dynamodb:PutItem"))
    result = run_terraform(world, principal, config(), "apply")
    assert result.failed_step is not None
    assert result.failed_step.name == "acquire lock"
    assert result.failed_step.denial_tolerated is False


def test_denied_lock_file_reads_holder(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:PutObject"))
    result = run_terraform(world, principal, config("lockfile"), "apply")
    assert pairs(result)[-2:] == [
        *FILE_LOCK,
        ("read lock holder", "s3:GetObject"),
    ]
    assert result.failed_step is not None
    assert result.failed_step.name == "acquire lock file"
    assert result.outcome == "denied"


def test_lockfile_without_delete_fails(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:DeleteObject"))
    result = run_terraform(world, principal, config("lockfile"), "apply")
    assert result.outcome == "denied"
    assert result.error is not None
    assert result.error.startswith("Error releasing the state lock")
    assert result.failed_step is not None
    assert result.failed_step.name == "release lock file"


def test_lockfile_without_delete_leaves_lock(world: World, admin_s3: Any) -> None:
    principal = world.create_user("deployer", policy=deny("s3:DeleteObject"))
    run_terraform(world, principal, config("lockfile"), "apply")
    assert head_status(admin_s3, LOCK_FILE) == 200


def test_lockfile_without_delete_writes_state(world: World, admin_s3: Any) -> None:
    principal = world.create_user("deployer", policy=deny("s3:DeleteObject"))
    run_terraform(world, principal, config("lockfile"), "apply")
    assert head_status(admin_s3, KEY) == 200


def test_both_without_delete_releases_table(world: World, admin_dynamodb: Any) -> None:
    principal = world.create_user("deployer", policy=deny("s3:DeleteObject"))
    result = run_terraform(world, principal, config("both"), "apply")
    assert pairs(result)[-4:] == [*FILE_UNLOCK, *TABLE_UNLOCK]
    assert table_ids(admin_dynamodb) == {DIGEST_ID}
    assert result.error is not None
    assert result.error.startswith("Error releasing the state lock")


def test_failed_write_releases_lock(world: World, admin_dynamodb: Any) -> None:
    policy: dict[str, Any] = deny("s3:PutObject")
    policy["Statement"][1]["Resource"] = f"arn:aws:s3:::{BUCKET}/{KEY}"
    principal = world.create_user("deployer", policy=policy)
    result = run_terraform(world, principal, config(), "apply")
    assert result.failed_step is not None
    assert result.failed_step.name == "write state"
    assert pairs(result)[-2:] == TABLE_UNLOCK
    assert table_ids(admin_dynamodb) == set()


# Workspace listing denied


def test_default_prefix_denial_tolerated(world: World, admin_s3: Any) -> None:
    admin_s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"{}")
    principal = world.create_user("deployer", policy=deny("s3:ListBucket"))
    result = run_terraform(world, principal, config(), "init")
    listings = [step for step in result.steps if step.name == "list workspaces"]
    assert [step.outcome for step in listings] == ["tolerated", "tolerated"]
    assert result.outcome == "succeeded"


def test_custom_prefix_denial_fatal(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:ListBucket"))
    prefixed = config(workspace_key_prefix="workspaces")
    result = run_terraform(world, principal, prefixed, "init")
    assert result.outcome == "denied"
    assert result.failed_step is not None
    assert result.failed_step.name == "list workspaces"


def test_missing_state_without_listing(world: World) -> None:
    # Without s3:ListBucket, S3 returns 403 for a missing object, which
    # Terraform reports as "Unable to access object".
    principal = world.create_user("deployer", policy=deny("s3:ListBucket"))
    result = run_terraform(world, principal, config(), "init")
    assert result.failed_step is not None
    assert result.failed_step.name == "read state metadata"
    assert result.failed_step.status == 403


def test_missing_bucket_fails(world: World, user: Principal) -> None:
    missing = config(bucket="terragrunt-missing")
    result = run_terraform(world, user, missing, "init")
    assert result.outcome == "failed"
    assert result.failed_step is not None
    assert result.failed_step.name == "list workspaces"
    assert result.error == "S3 bucket 'terragrunt-missing' does not exist"


# Lock table with the wrong key


def test_wrong_key_table_fails(world: World, user: Principal) -> None:
    wrong = RemoteStateConfig(encrypt=True, dynamodb_table="wrong-key-locks")
    world.set_table_state("wrong-key-locks", "wrong-key")
    result = run_terraform(world, user, wrong, "apply")
    assert result.outcome == "failed"
    assert result.failed_step is not None
    assert result.failed_step.name == "acquire lock"
    assert result.failed_step.error_code == "ValidationException"


def test_wrong_key_table_not_denied(world: World, user: Principal) -> None:
    wrong = RemoteStateConfig(encrypt=True, dynamodb_table="wrong-key-locks")
    world.set_table_state("wrong-key-locks", "wrong-key")
    result = run_terraform(world, user, wrong, "apply")
    assert result.denial is None


def test_wrong_key_table_init_passes(world: World, user: Principal) -> None:
    wrong = RemoteStateConfig(encrypt=True, dynamodb_table="wrong-key-locks")
    world.set_table_state("wrong-key-locks", "wrong-key")
    result = run_terraform(world, user, wrong, "init")
    assert result.steps[-1].error_code == "ValidationException"
    assert result.outcome == "succeeded"


# Assumed role


def test_assume_role_first(world: World) -> None:
    world.create_role("state-admin", policy=PERMISSIVE)
    caller = world.create_user(
        "caller",
        policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
            ],
        },
    )
    role = "arn:aws:iam::123456789012:role/state-admin"
    result = run_terraform(world, caller, config(role_arn=role), "apply")
    assert pairs(result)[0] == ("assume backend role", "sts:AssumeRole")
    assert result.outcome == "succeeded"
    session = result.steps[1].decisions[0].principal
    prefix = "arn:aws:sts::123456789012:assumed-role/state-admin/aws-go-sdk-"
    assert session.startswith(prefix)
    assert session.removeprefix(prefix).isdigit()
