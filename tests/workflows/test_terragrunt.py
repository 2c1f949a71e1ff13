"""Tests for the model of Terragrunt's S3 remote-state bootstrap.

Each test runs `bootstrap` in a fresh world and compares the recorded steps,
as ``(step name, service:Operation)`` pairs, with the calls Terragrunt 1.1
makes (or, with ``behaviour="legacy"``, the calls of Terragrunt before 0.85).
The sequences are built from named segments, so a config key's effect shows
as the segments it removes or adds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_tgstate.workflows.config import AssumeRoleConfig, RemoteStateConfig
from pytest_tgstate.workflows.steps import WorkflowResult
from pytest_tgstate.workflows.terragrunt import bootstrap
from pytest_tgstate.world import Principal, World

BUCKET = "terragrunt-state"
LOG_BUCKET = "terragrunt-state-logs"
TABLE = "terragrunt-locks"
STATE_KEY = "env/app/terraform.tfstate"
ACCOUNT = "123456789012"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0b7b6c1e-3f7a-4d8e-9c53-1f2e3d4c5b6a"

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

GET_CALLER_IDENTITY = "sts:GetCallerIdentity"
HEAD_BUCKET = "s3:HeadBucket"
GET_BUCKET_POLICY = "s3:GetBucketPolicy"
PUT_BUCKET_POLICY = "s3:PutBucketPolicy"
DESCRIBE_TABLE = "dynamodb:DescribeTable"

# Client construction and the create path (bucket missing).
CHECK_CREDENTIALS: list[Pair] = [("check credentials", GET_CALLER_IDENTITY)]
BUCKET_MISSING: list[Pair] = [
    ("check bucket exists", HEAD_BUCKET),
    ("create bucket", "s3:CreateBucket"),
    ("wait for bucket", HEAD_BUCKET),
]
ROOT_ACCESS: list[Pair] = [
    ("look up account id", GET_CALLER_IDENTITY),
    ("look up partition", GET_CALLER_IDENTITY),
    ("read bucket policy (root access)", GET_BUCKET_POLICY),
    ("write bucket policy (root access)", PUT_BUCKET_POLICY),
]
ENFORCED_TLS: list[Pair] = [
    ("look up partition", GET_CALLER_IDENTITY),
    ("read bucket policy (TLS)", GET_BUCKET_POLICY),
    ("write bucket policy (TLS)", PUT_BUCKET_POLICY),
]
BLOCK_PUBLIC_ACCESS: list[Pair] = [("block public access", "s3:PutPublicAccessBlock")]
TAG_BUCKET: list[Pair] = [("tag bucket", "s3:PutBucketTagging")]
ENABLE_VERSIONING: list[Pair] = [("enable versioning", "s3:PutBucketVersioning")]
ENCRYPTION_LOOKUPS: list[Pair] = [
    ("look up account id for encryption", GET_CALLER_IDENTITY),
    ("look up partition for encryption", GET_CALLER_IDENTITY),
]
ENCRYPT_BUCKET: list[Pair] = [
    *ENCRYPTION_LOOKUPS,
    ("encrypt bucket", "s3:PutBucketEncryption"),
]

# The update check on an existing bucket: reads, then writes what is out of date.
BUCKET_EXISTS: list[Pair] = [("check bucket exists", HEAD_BUCKET)]
UPDATE_EXISTS: list[Pair] = [("check bucket exists (update)", HEAD_BUCKET)]
UPDATE_VERSIONING: list[Pair] = [
    ("check bucket exists (versioning)", HEAD_BUCKET),
    ("read versioning", "s3:GetBucketVersioning"),
]
UPDATE_ENCRYPTION: list[Pair] = [("read bucket encryption", "s3:GetBucketEncryption")]
UPDATE_ROOT_ACCESS: list[Pair] = [
    ("read bucket policy (root access check)", GET_BUCKET_POLICY)
]
UPDATE_TLS: list[Pair] = [("read bucket policy (TLS check)", GET_BUCKET_POLICY)]
UPDATE_LOGGING: list[Pair] = [("read access logging", "s3:GetBucketLogging")]
UPDATE_PUBLIC_ACCESS: list[Pair] = [
    ("read public access block", "s3:GetPublicAccessBlock")
]
UPDATE_READS: list[Pair] = [
    *UPDATE_EXISTS,
    *UPDATE_VERSIONING,
    *UPDATE_ENCRYPTION,
    *UPDATE_ROOT_ACCESS,
    *UPDATE_TLS,
    *UPDATE_PUBLIC_ACCESS,
]
WRITE_VERSIONING: list[Pair] = [("update: enable versioning", "s3:PutBucketVersioning")]
WRITE_ENCRYPTION: list[Pair] = [
    *ENCRYPTION_LOOKUPS,
    ("update: encrypt bucket", "s3:PutBucketEncryption"),
]
WRITE_PUBLIC_ACCESS: list[Pair] = [
    ("update: block public access", "s3:PutPublicAccessBlock")
]

# The versioning check that ends every bootstrap.
VERSIONING_CHECK: list[Pair] = [
    ("check bucket exists (versioning check)", HEAD_BUCKET),
    ("check versioning", "s3:GetBucketVersioning"),
]

# The lock table.
TABLE_PRESENT: list[Pair] = [("check lock table exists", DESCRIBE_TABLE)]
TABLE_MISSING: list[Pair] = [
    ("check lock table exists", DESCRIBE_TABLE),
    ("create lock table", "dynamodb:CreateTable"),
    ("wait for lock table", DESCRIBE_TABLE),
]
TAG_TABLE: list[Pair] = [("tag lock table", "dynamodb:TagResource")]

# The access-logging sub-sequence, for a log bucket that does not exist yet.
LOG_BUCKET_MISSING: list[Pair] = [
    ("check log bucket exists", HEAD_BUCKET),
    ("create log bucket", "s3:CreateBucket"),
    ("wait for log bucket", HEAD_BUCKET),
]
LOG_BUCKET_EXISTS: list[Pair] = [("check log bucket exists", HEAD_BUCKET)]
LOG_PUBLIC_ACCESS: list[Pair] = [
    ("block public access on log bucket", "s3:PutPublicAccessBlock")
]
LOG_ACL: list[Pair] = [
    ("grant log delivery on log bucket", "s3:PutBucketAcl"),
    ("wait for log delivery grants", "s3:GetBucketAcl"),
]
ENABLE_LOGGING: list[Pair] = [("enable access logging", "s3:PutBucketLogging")]
LOG_ENCRYPTION: list[Pair] = [
    *ENCRYPTION_LOOKUPS,
    ("encrypt log bucket", "s3:PutBucketEncryption"),
]
LOG_TLS: list[Pair] = [
    ("log bucket: look up partition", GET_CALLER_IDENTITY),
    ("log bucket: read bucket policy (TLS)", GET_BUCKET_POLICY),
    ("log bucket: write bucket policy (TLS)", PUT_BUCKET_POLICY),
]
LOG_VERSIONING: list[Pair] = [
    ("enable versioning on log bucket", "s3:PutBucketVersioning")
]
TAG_LOG_BUCKET: list[Pair] = [("tag log bucket", "s3:PutBucketTagging")]

CREATE_PATH: list[Pair] = [
    *BUCKET_MISSING,
    *ROOT_ACCESS,
    *ENFORCED_TLS,
    *BLOCK_PUBLIC_ACCESS,
    *ENABLE_VERSIONING,
    *ENCRYPT_BUCKET,
]
NEW_BUCKET: list[Pair] = [
    *CHECK_CREDENTIALS,
    *CREATE_PATH,
    *UPDATE_READS,
    *VERSIONING_CHECK,
]


def pairs(result: WorkflowResult) -> list[Pair]:
    return [(step.name, step.operation) for step in result.steps]


def operations(result: WorkflowResult) -> list[str]:
    return [step.operation for step in result.steps]


def step_named(result: WorkflowResult, name: str) -> Any:
    matches = [step for step in result.steps if step.name == name]
    assert len(matches) == 1, f"{len(matches)} steps named {name!r}"
    return matches[0]


def without(sequence: list[Pair], *segments: list[Pair]) -> list[Pair]:
    """Return ``sequence`` with each segment removed once, failing on a missing one."""
    remaining = list(sequence)
    for segment in segments:
        for start in range(len(remaining) - len(segment) + 1):
            if remaining[start : start + len(segment)] == segment:
                del remaining[start : start + len(segment)]
                break
        else:
            raise AssertionError(f"segment {segment} is not in the sequence")
    return remaining


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

    def first(self, operation: str) -> dict[str, Any]:
        return self.requests[operation][0]


def capture(world: World, service: str, principal: Principal, region: str) -> Any:
    """Record the parameters of requests made by the world's client for ``principal``.

    `World.client` returns one cached client per service, region and access
    key, so the bootstrap uses the client this hooks into.
    """
    recorded = RequestCapture()
    client = world.client(service, principal, region=region)
    client.meta.events.register("provide-client-params", recorded.record)
    return recorded


@pytest.fixture
def world() -> Iterator[World]:
    with World() as running:
        yield running


@pytest.fixture
def user(world: World) -> Principal:
    return world.create_user("deployer", policy=PERMISSIVE)


@pytest.fixture
def admin_s3(world: World) -> Any:
    return world.admin_client("s3")


# Starting states


def test_missing_bucket_sequence(world: World, user: Principal) -> None:
    result = bootstrap(world, user, RemoteStateConfig())
    assert pairs(result) == NEW_BUCKET
    assert result.outcome == "succeeded"


def test_missing_bucket_operations(world: World, user: Principal) -> None:
    result = bootstrap(world, user, RemoteStateConfig())
    assert operations(result)[:5] == [
        GET_CALLER_IDENTITY,
        HEAD_BUCKET,
        "s3:CreateBucket",
        HEAD_BUCKET,
        GET_CALLER_IDENTITY,
    ]
    assert operations(result)[-2:] == [HEAD_BUCKET, "s3:GetBucketVersioning"]


def test_missing_bucket_head_404(world: World, user: Principal) -> None:
    result = bootstrap(world, user, RemoteStateConfig())
    head = result.steps[1]
    assert head.status == 404
    assert head.outcome == "ok"


def test_up_to_date_bucket_sequence(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    result = bootstrap(world, user, RemoteStateConfig())
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *BUCKET_EXISTS,
        *UPDATE_READS,
        *VERSIONING_CHECK,
    ]
    assert result.warnings == []


def test_bare_bucket_update_writes(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bare")
    result = bootstrap(world, user, RemoteStateConfig())
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *BUCKET_EXISTS,
        *UPDATE_READS,
        *WRITE_VERSIONING,
        *WRITE_ENCRYPTION,
        *ROOT_ACCESS,
        *ENFORCED_TLS,
        *WRITE_PUBLIC_ACCESS,
        *VERSIONING_CHECK,
    ]


def test_bare_bucket_warning(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bare")
    result = bootstrap(world, user, RemoteStateConfig())
    expected = (
        f"remote state S3 bucket {BUCKET} is out of date: versioning, "
        "server-side encryption, root access policy, enforced TLS policy, "
        "public access block"
    )
    assert expected in result.warnings


def test_bare_bucket_ends_bootstrapped(
    world: World, user: Principal, admin_s3: Any
) -> None:
    world.set_bucket_state(BUCKET, "bare")
    bootstrap(world, user, RemoteStateConfig())
    encryption = admin_s3.get_bucket_encryption(Bucket=BUCKET)
    rule = encryption["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert admin_s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"


def test_second_bootstrap_changes_nothing(world: World, user: Principal) -> None:
    bootstrap(world, user, RemoteStateConfig())
    result = bootstrap(world, user, RemoteStateConfig())
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *BUCKET_EXISTS,
        *UPDATE_READS,
        *VERSIONING_CHECK,
    ]


def test_lock_table_missing_created(world: World, user: Principal) -> None:
    result = bootstrap(world, user, RemoteStateConfig(dynamodb_table=TABLE))
    assert pairs(result) == [*NEW_BUCKET, *TABLE_MISSING]


def test_lock_table_present_described(world: World, user: Principal) -> None:
    world.set_table_state(TABLE, "present")
    result = bootstrap(world, user, RemoteStateConfig(dynamodb_table=TABLE))
    assert pairs(result) == [*NEW_BUCKET, *TABLE_PRESENT]


def test_created_lock_table_schema(world: World, user: Principal) -> None:
    bootstrap(world, user, RemoteStateConfig(dynamodb_table=TABLE))
    table = world.admin_client("dynamodb").describe_table(TableName=TABLE)["Table"]
    assert table["KeySchema"] == [{"AttributeName": "LockID", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_wrong_key_table_not_checked(world: World, user: Principal) -> None:
    world.set_table_state(TABLE, "wrong-key")
    result = bootstrap(world, user, RemoteStateConfig(dynamodb_table=TABLE))
    assert pairs(result)[-1:] == TABLE_PRESENT
    assert result.outcome == "succeeded"


# The bucket Terragrunt creates


def test_created_bucket_versioning(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig())
    assert admin_s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"


def test_created_bucket_encryption(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig())
    response = admin_s3.get_bucket_encryption(Bucket=BUCKET)
    rule = response["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms"}
    assert rule["BucketKeyEnabled"] is True


def test_created_bucket_policy_sids(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig())
    policy = json.loads(admin_s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    sids = [statement["Sid"] for statement in policy["Statement"]]
    assert sids == ["EnforcedTLS", "RootAccess"]


def test_created_bucket_root_access_principal(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig())
    policy = json.loads(admin_s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    root_access = policy["Statement"][1]
    assert root_access["Principal"] == {"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]}
    assert root_access["Effect"] == "Allow"


def test_created_bucket_tls_condition(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig())
    policy = json.loads(admin_s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    enforced_tls = policy["Statement"][0]
    assert enforced_tls["Effect"] == "Deny"
    assert enforced_tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_created_bucket_public_access_block(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig())
    block = admin_s3.get_public_access_block(Bucket=BUCKET)
    assert block["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }


def test_created_bucket_object_ownership(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig())
    controls = admin_s3.get_bucket_ownership_controls(Bucket=BUCKET)
    rules = controls["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]


def test_create_bucket_needs_ownership_action(world: World, user: Principal) -> None:
    result = bootstrap(world, user, RemoteStateConfig())
    create = step_named(result, "create bucket")
    actions = [decision.action for decision in create.decisions]
    assert actions == ["s3:CreateBucket", "s3:PutBucketOwnershipControls"]


# Config keys: what each removes or adds


def test_skip_credentials_validation(world: World, user: Principal) -> None:
    config = RemoteStateConfig(skip_credentials_validation=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == without(NEW_BUCKET, CHECK_CREDENTIALS)


def test_skip_credentials_validation_keeps_lookups(
    world: World, user: Principal
) -> None:
    config = RemoteStateConfig(skip_credentials_validation=True)
    result = bootstrap(world, user, config)
    assert operations(result).count(GET_CALLER_IDENTITY) == 5


def test_skip_bucket_versioning_new_bucket(world: World, user: Principal) -> None:
    config = RemoteStateConfig(skip_bucket_versioning=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == without(
        NEW_BUCKET, ENABLE_VERSIONING, UPDATE_VERSIONING, VERSIONING_CHECK
    )


def test_skip_bucket_versioning_leaves_disabled(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig(skip_bucket_versioning=True))
    assert "Status" not in admin_s3.get_bucket_versioning(Bucket=BUCKET)


def test_skip_bucket_versioning_bare_bucket(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bare")
    config = RemoteStateConfig(skip_bucket_versioning=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *BUCKET_EXISTS,
        *without(UPDATE_READS, UPDATE_VERSIONING),
        *WRITE_ENCRYPTION,
        *ROOT_ACCESS,
        *ENFORCED_TLS,
        *WRITE_PUBLIC_ACCESS,
    ]


def test_skip_bucket_ssencryption(world: World, user: Principal) -> None:
    config = RemoteStateConfig(skip_bucket_ssencryption=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == without(NEW_BUCKET, ENCRYPT_BUCKET, UPDATE_ENCRYPTION)


def test_skip_bucket_ssencryption_bare_bucket(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bare")
    config = RemoteStateConfig(skip_bucket_ssencryption=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *BUCKET_EXISTS,
        *without(UPDATE_READS, UPDATE_ENCRYPTION),
        *WRITE_VERSIONING,
        *ROOT_ACCESS,
        *ENFORCED_TLS,
        *WRITE_PUBLIC_ACCESS,
        *VERSIONING_CHECK,
    ]


def test_skip_bucket_root_access(world: World, user: Principal) -> None:
    config = RemoteStateConfig(skip_bucket_root_access=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == without(NEW_BUCKET, ROOT_ACCESS, UPDATE_ROOT_ACCESS)


def test_skip_bucket_root_access_policy(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig(skip_bucket_root_access=True))
    policy = json.loads(admin_s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert [statement["Sid"] for statement in policy["Statement"]] == ["EnforcedTLS"]


def test_skip_bucket_enforced_tls(world: World, user: Principal) -> None:
    config = RemoteStateConfig(skip_bucket_enforced_tls=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == without(NEW_BUCKET, ENFORCED_TLS, UPDATE_TLS)


def test_skip_bucket_enforced_tls_policy(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, RemoteStateConfig(skip_bucket_enforced_tls=True))
    policy = json.loads(admin_s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert [statement["Sid"] for statement in policy["Statement"]] == ["RootAccess"]


def test_skip_public_access_blocking(world: World, user: Principal) -> None:
    config = RemoteStateConfig(skip_bucket_public_access_blocking=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == without(
        NEW_BUCKET, BLOCK_PUBLIC_ACCESS, UPDATE_PUBLIC_ACCESS
    )


def test_skip_bucket_accesslogging_warns(world: World, user: Principal) -> None:
    config = RemoteStateConfig(skip_bucket_accesslogging=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == NEW_BUCKET
    assert any("skip_bucket_accesslogging is deprecated" in w for w in result.warnings)


def test_skip_bucket_accesslogging_existing_bucket(
    world: World, user: Principal
) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    config = RemoteStateConfig(skip_bucket_accesslogging=True)
    result = bootstrap(world, user, config)
    assert result.warnings == []


def test_skip_bucket_accesslogging_suppresses_read(
    world: World, user: Principal
) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    config = RemoteStateConfig(
        skip_bucket_accesslogging=True, accesslogging_bucket_name=LOG_BUCKET
    )
    result = bootstrap(world, user, config)
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *BUCKET_EXISTS,
        *UPDATE_READS,
        *VERSIONING_CHECK,
    ]


def test_disable_bucket_update_new_bucket(world: World, user: Principal) -> None:
    config = RemoteStateConfig(disable_bucket_update=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == [*CHECK_CREDENTIALS, *CREATE_PATH, *VERSIONING_CHECK]


def test_disable_bucket_update_bare_bucket(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bare")
    config = RemoteStateConfig(disable_bucket_update=True)
    result = bootstrap(world, user, config)
    assert pairs(result) == [*CHECK_CREDENTIALS, *BUCKET_EXISTS, *VERSIONING_CHECK]


def test_disable_bucket_update_warns_versioning(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bare")
    config = RemoteStateConfig(disable_bucket_update=True)
    result = bootstrap(world, user, config)
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(
        f"versioning is not enabled for the remote state S3 bucket {BUCKET}"
    )


def test_disable_bucket_update_leaves_bucket(
    world: World, user: Principal, admin_s3: Any
) -> None:
    world.set_bucket_state(BUCKET, "bare")
    bootstrap(world, user, RemoteStateConfig(disable_bucket_update=True))
    assert "Status" not in admin_s3.get_bucket_versioning(Bucket=BUCKET)


# Tags


def test_bucket_tags_current_sequence(world: World, user: Principal) -> None:
    config = RemoteStateConfig(s3_bucket_tags={"owner": "platform"})
    result = bootstrap(world, user, config)
    expected_create = [
        *BUCKET_MISSING,
        *ROOT_ACCESS,
        *ENFORCED_TLS,
        *BLOCK_PUBLIC_ACCESS,
        *TAG_BUCKET,
        *ENABLE_VERSIONING,
        *ENCRYPT_BUCKET,
    ]
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *expected_create,
        *UPDATE_READS,
        *VERSIONING_CHECK,
    ]


def test_bucket_tags_in_create_current(world: World, user: Principal) -> None:
    requests = capture(world, "s3", user, "us-east-1")
    config = RemoteStateConfig(s3_bucket_tags={"owner": "platform"})
    bootstrap(world, user, config)
    create = requests.first("CreateBucket")
    expected = [{"Key": "owner", "Value": "platform"}]
    assert create["CreateBucketConfiguration"]["Tags"] == expected


def test_bucket_tags_need_tag_resource(world: World, user: Principal) -> None:
    config = RemoteStateConfig(s3_bucket_tags={"owner": "platform"})
    result = bootstrap(world, user, config)
    create = step_named(result, "create bucket")
    assert "s3:TagResource" in [decision.action for decision in create.decisions]


def test_bucket_tags_not_in_create_legacy(world: World, user: Principal) -> None:
    requests = capture(world, "s3", user, "us-east-1")
    config = RemoteStateConfig(s3_bucket_tags={"owner": "platform"})
    result = bootstrap(world, user, config, behaviour="legacy")
    assert "CreateBucketConfiguration" not in requests.first("CreateBucket")
    assert TAG_BUCKET[0] in pairs(result)


def test_bucket_tags_applied(world: World, user: Principal, admin_s3: Any) -> None:
    config = RemoteStateConfig(s3_bucket_tags={"owner": "platform"})
    bootstrap(world, user, config)
    tags = admin_s3.get_bucket_tagging(Bucket=BUCKET)["TagSet"]
    assert tags == [{"Key": "owner", "Value": "platform"}]


def test_bucket_tags_ignored_for_existing(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    config = RemoteStateConfig(s3_bucket_tags={"owner": "platform"})
    result = bootstrap(world, user, config)
    assert "s3:PutBucketTagging" not in operations(result)


def test_table_tags_current_sequence(world: World, user: Principal) -> None:
    config = RemoteStateConfig(
        dynamodb_table=TABLE, dynamodb_table_tags={"owner": "platform"}
    )
    result = bootstrap(world, user, config)
    assert pairs(result) == [*NEW_BUCKET, *TABLE_MISSING, *TAG_TABLE]


def test_table_tags_in_create_current(world: World, user: Principal) -> None:
    requests = capture(world, "dynamodb", user, "us-east-1")
    config = RemoteStateConfig(
        dynamodb_table=TABLE, dynamodb_table_tags={"owner": "platform"}
    )
    bootstrap(world, user, config)
    expected = [{"Key": "owner", "Value": "platform"}]
    assert requests.first("CreateTable")["Tags"] == expected
    assert requests.first("TagResource")["Tags"] == expected


def test_table_tags_need_tag_resource(world: World, user: Principal) -> None:
    config = RemoteStateConfig(
        dynamodb_table=TABLE, dynamodb_table_tags={"owner": "platform"}
    )
    result = bootstrap(world, user, config)
    create = step_named(result, "create lock table")
    actions = [decision.action for decision in create.decisions]
    assert actions == ["dynamodb:CreateTable", "dynamodb:TagResource"]


def test_table_tags_not_in_create_legacy(world: World, user: Principal) -> None:
    requests = capture(world, "dynamodb", user, "us-east-1")
    config = RemoteStateConfig(
        dynamodb_table=TABLE, dynamodb_table_tags={"owner": "platform"}
    )
    result = bootstrap(world, user, config, behaviour="legacy")
    assert "Tags" not in requests.first("CreateTable")
    assert pairs(result)[-1:] == TAG_TABLE


def test_table_tags_skipped_for_existing(world: World, user: Principal) -> None:
    world.set_table_state(TABLE, "present")
    config = RemoteStateConfig(
        dynamodb_table=TABLE, dynamodb_table_tags={"owner": "platform"}
    )
    result = bootstrap(world, user, config)
    assert "dynamodb:TagResource" not in operations(result)


# Lock table encryption


def test_lock_table_encryption_calls(world: World, user: Principal) -> None:
    world.set_table_state(TABLE, "present")
    config = RemoteStateConfig(
        dynamodb_table=TABLE, enable_lock_table_ssencryption=True
    )
    result = bootstrap(world, user, config)
    table_steps = pairs(result)[len(NEW_BUCKET) :]
    assert table_steps[:4] == [
        *TABLE_PRESENT,
        ("read lock table encryption", DESCRIBE_TABLE),
        ("enable lock table encryption", "dynamodb:UpdateTable"),
        ("wait for lock table encryption", DESCRIBE_TABLE),
    ]


def test_lock_table_encryption_request(world: World, user: Principal) -> None:
    requests = capture(world, "dynamodb", user, "us-east-1")
    world.set_table_state(TABLE, "present")
    config = RemoteStateConfig(
        dynamodb_table=TABLE, enable_lock_table_ssencryption=True
    )
    bootstrap(world, user, config)
    specification = requests.first("UpdateTable")["SSESpecification"]
    assert specification == {"Enabled": True, "SSEType": "KMS"}


def test_lock_table_encryption_poll_notes(world: World, user: Principal) -> None:
    world.set_table_state(TABLE, "present")
    config = RemoteStateConfig(
        dynamodb_table=TABLE, enable_lock_table_ssencryption=True
    )
    result = bootstrap(world, user, config)
    polls = [s for s in result.steps if s.name == "wait for lock table encryption"]
    assert polls[0].note == "poll 1 of 30, 20 s apart"


def test_lock_table_encryption_succeeds(world: World, user: Principal) -> None:
    world.set_table_state(TABLE, "present")
    config = RemoteStateConfig(
        dynamodb_table=TABLE, enable_lock_table_ssencryption=True
    )
    result = bootstrap(world, user, config)
    assert result.outcome == "succeeded"
    polls = [s for s in result.steps if s.name == "wait for lock table encryption"]
    assert len(polls) == 1


def test_encrypted_lock_table_not_updated(world: World, user: Principal) -> None:
    world.admin_client("dynamodb").create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
    )
    config = RemoteStateConfig(
        dynamodb_table=TABLE, enable_lock_table_ssencryption=True
    )
    result = bootstrap(world, user, config)
    assert pairs(result)[len(NEW_BUCKET) :] == [
        *TABLE_PRESENT,
        ("read lock table encryption", DESCRIBE_TABLE),
    ]


# Access logging


def logging_config(**changes: Any) -> RemoteStateConfig:
    return RemoteStateConfig(accesslogging_bucket_name=LOG_BUCKET, **changes)


LOGGING_SUBSEQUENCE: list[Pair] = [
    *LOG_BUCKET_MISSING,
    *LOG_PUBLIC_ACCESS,
    *LOG_ACL,
    *ENABLE_LOGGING,
    *LOG_ENCRYPTION,
    *LOG_TLS,
    *LOG_VERSIONING,
]
NEW_BUCKET_WITH_LOGGING: list[Pair] = [
    *CHECK_CREDENTIALS,
    *CREATE_PATH,
    *LOGGING_SUBSEQUENCE,
    *without(UPDATE_READS, UPDATE_PUBLIC_ACCESS),
    *UPDATE_LOGGING,
    *UPDATE_PUBLIC_ACCESS,
    *VERSIONING_CHECK,
]


def test_access_logging_sequence(world: World, user: Principal) -> None:
    result = bootstrap(world, user, logging_config())
    assert pairs(result) == NEW_BUCKET_WITH_LOGGING


def test_access_logging_default_prefix(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, logging_config())
    logging = admin_s3.get_bucket_logging(Bucket=BUCKET)["LoggingEnabled"]
    assert logging == {"TargetBucket": LOG_BUCKET, "TargetPrefix": "TFStateLogs/"}


def test_access_logging_custom_prefix(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, logging_config(accesslogging_target_prefix="logs/"))
    logging = admin_s3.get_bucket_logging(Bucket=BUCKET)["LoggingEnabled"]
    assert logging["TargetPrefix"] == "logs/"


def test_access_logging_partition_date_source(world: World, user: Principal) -> None:
    requests = capture(world, "s3", user, "us-east-1")
    config = logging_config(
        accesslogging_target_object_partition_date_source="EventTime"
    )
    bootstrap(world, user, config)
    target = requests.first("PutBucketLogging")["BucketLoggingStatus"]
    key_format = target["LoggingEnabled"]["TargetObjectKeyFormat"]
    assert key_format == {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}


def test_access_logging_without_date_source(world: World, user: Principal) -> None:
    requests = capture(world, "s3", user, "us-east-1")
    bootstrap(world, user, logging_config())
    target = requests.first("PutBucketLogging")["BucketLoggingStatus"]
    assert "TargetObjectKeyFormat" not in target["LoggingEnabled"]


def test_log_bucket_grants(world: World, user: Principal, admin_s3: Any) -> None:
    bootstrap(world, user, logging_config())
    grants = admin_s3.get_bucket_acl(Bucket=LOG_BUCKET)["Grants"]
    permissions = {
        grant["Permission"]
        for grant in grants
        if grant["Grantee"].get("URI") == LOG_DELIVERY
    }
    assert permissions == {"WRITE", "READ_ACP"}


def test_log_bucket_encryption_aes256(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, logging_config())
    response = admin_s3.get_bucket_encryption(Bucket=LOG_BUCKET)
    rule = response["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


def test_log_bucket_policy_tls_only(
    world: World, user: Principal, admin_s3: Any
) -> None:
    bootstrap(world, user, logging_config())
    policy = json.loads(admin_s3.get_bucket_policy(Bucket=LOG_BUCKET)["Policy"])
    assert [statement["Sid"] for statement in policy["Statement"]] == ["EnforcedTLS"]


def create_log_bucket_with_grants(admin_s3: Any) -> None:
    admin_s3.create_bucket(Bucket=LOG_BUCKET, ObjectOwnership="ObjectWriter")
    admin_s3.put_bucket_acl(
        Bucket=LOG_BUCKET,
        GrantWrite=f"uri={LOG_DELIVERY}",
        GrantReadACP=f"uri={LOG_DELIVERY}",
    )


def test_existing_log_bucket_not_created(
    world: World, user: Principal, admin_s3: Any
) -> None:
    create_log_bucket_with_grants(admin_s3)
    result = bootstrap(world, user, logging_config())
    expected = without(NEW_BUCKET_WITH_LOGGING, LOG_BUCKET_MISSING)
    index = NEW_BUCKET_WITH_LOGGING.index(LOG_BUCKET_MISSING[0])
    expected.insert(index, LOG_BUCKET_EXISTS[0])
    assert pairs(result) == expected


def test_skip_accesslogging_bucket_acl(
    world: World, user: Principal, admin_s3: Any
) -> None:
    create_log_bucket_with_grants(admin_s3)
    config = logging_config(skip_accesslogging_bucket_acl=True)
    result = bootstrap(world, user, config)
    assert "s3:PutBucketAcl" not in operations(result)
    assert "s3:GetBucketAcl" not in operations(result)


def test_log_acl_skip_needs_grants(world: World, user: Principal) -> None:
    config = logging_config(skip_accesslogging_bucket_acl=True)
    result = bootstrap(world, user, config)
    assert result.outcome == "failed"
    assert result.failed_step is not None
    assert result.failed_step.error_code == "InvalidTargetBucketForLogging"


@pytest.mark.parametrize(
    ("key", "segment"),
    [
        ("skip_accesslogging_bucket_enforced_tls", LOG_TLS),
        ("skip_accesslogging_bucket_public_access_blocking", LOG_PUBLIC_ACCESS),
        ("skip_accesslogging_bucket_ssencryption", LOG_ENCRYPTION),
    ],
    ids=["enforced-tls", "public-access-blocking", "ssencryption"],
)
def test_skip_accesslogging_bucket_setting(
    world: World, user: Principal, key: str, segment: list[Pair]
) -> None:
    result = bootstrap(world, user, logging_config(**{key: True}))
    assert pairs(result) == without(NEW_BUCKET_WITH_LOGGING, segment)


def test_skip_versioning_skips_log_versioning(world: World, user: Principal) -> None:
    result = bootstrap(world, user, logging_config(skip_bucket_versioning=True))
    assert LOG_VERSIONING[0] not in pairs(result)


def test_accesslogging_bucket_tags(world: World, user: Principal) -> None:
    requests = capture(world, "s3", user, "us-east-1")
    config = logging_config(accesslogging_bucket_tags={"purpose": "logs"})
    result = bootstrap(world, user, config)
    create_log = requests.requests["CreateBucket"][1]
    expected = [{"Key": "purpose", "Value": "logs"}]
    assert create_log["CreateBucketConfiguration"]["Tags"] == expected
    assert pairs(result)[: len(CREATE_PATH) + len(LOGGING_SUBSEQUENCE) + 2] == [
        *CHECK_CREDENTIALS,
        *CREATE_PATH,
        *LOGGING_SUBSEQUENCE,
        *TAG_LOG_BUCKET,
    ]


def test_log_bucket_tags_applied(world: World, user: Principal, admin_s3: Any) -> None:
    config = logging_config(accesslogging_bucket_tags={"purpose": "logs"})
    bootstrap(world, user, config)
    tags = admin_s3.get_bucket_tagging(Bucket=LOG_BUCKET)["TagSet"]
    assert tags == [{"Key": "purpose", "Value": "logs"}]


def test_log_bucket_tags_without_name(world: World, user: Principal) -> None:
    config = RemoteStateConfig(accesslogging_bucket_tags={"purpose": "logs"})
    result = bootstrap(world, user, config)
    assert result.outcome == "failed"
    assert result.failed_step is None
    assert result.error is not None
    assert "accesslogging_bucket_name is empty" in result.error


def test_access_logging_update_on_existing(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    result = bootstrap(world, user, logging_config())
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *BUCKET_EXISTS,
        *without(UPDATE_READS, UPDATE_PUBLIC_ACCESS),
        *UPDATE_LOGGING,
        *UPDATE_PUBLIC_ACCESS,
        *LOGGING_SUBSEQUENCE,
        *VERSIONING_CHECK,
    ]


# Bucket encryption settings


def test_sse_algorithm_aes256_on_create(
    world: World, user: Principal, admin_s3: Any
) -> None:
    config = RemoteStateConfig(
        bucket_sse_algorithm="AES256", bucket_sse_kms_key_id=KMS_KEY
    )
    bootstrap(world, user, config)
    response = admin_s3.get_bucket_encryption(Bucket=BUCKET)
    rule = response["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


def test_sse_algorithm_aes256_matches_bare(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bare")
    config = RemoteStateConfig(bucket_sse_algorithm="AES256")
    result = bootstrap(world, user, config)
    assert "s3:PutBucketEncryption" not in operations(result)


def test_sse_algorithm_mismatch_rewrites(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    config = RemoteStateConfig(bucket_sse_algorithm="AES256")
    result = bootstrap(world, user, config)
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *BUCKET_EXISTS,
        *UPDATE_READS,
        *WRITE_ENCRYPTION,
        *VERSIONING_CHECK,
    ]


def test_kms_key_id_on_create(world: World, user: Principal, admin_s3: Any) -> None:
    bootstrap(world, user, RemoteStateConfig(bucket_sse_kms_key_id=KMS_KEY))
    response = admin_s3.get_bucket_encryption(Bucket=BUCKET)
    rule = response["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": KMS_KEY,
    }


def test_kms_key_id_missing_rewrites(world: World, user: Principal) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    config = RemoteStateConfig(bucket_sse_kms_key_id=KMS_KEY)
    result = bootstrap(world, user, config)
    assert pairs(result) == [
        *CHECK_CREDENTIALS,
        *BUCKET_EXISTS,
        *UPDATE_READS,
        *WRITE_ENCRYPTION,
        *VERSIONING_CHECK,
    ]


def test_kms_key_id_matching_kept(world: World, user: Principal) -> None:
    config = RemoteStateConfig(bucket_sse_kms_key_id=KMS_KEY)
    bootstrap(world, user, config)
    result = bootstrap(world, user, config)
    assert "s3:PutBucketEncryption" not in operations(result)


def test_kms_key_id_other_key_rewrites(world: World, user: Principal) -> None:
    bootstrap(world, user, RemoteStateConfig(bucket_sse_kms_key_id=KMS_KEY))
    other = KMS_KEY.replace("0b7b6c1e", "ffffffff")
    result = bootstrap(world, user, RemoteStateConfig(bucket_sse_kms_key_id=other))
    assert "s3:PutBucketEncryption" in operations(result)


# Region


def test_region_location_constraint(world: World, user: Principal) -> None:
    requests = capture(world, "s3", user, "eu-west-1")
    bootstrap(world, user, RemoteStateConfig(region="eu-west-1"))
    configuration = requests.first("CreateBucket")["CreateBucketConfiguration"]
    assert configuration == {"LocationConstraint": "eu-west-1"}


def test_region_bucket_location(world: World, user: Principal) -> None:
    bootstrap(world, user, RemoteStateConfig(region="eu-west-1"))
    admin = world.admin_client("s3", region="eu-west-1")
    location = admin.get_bucket_location(Bucket=BUCKET)["LocationConstraint"]
    assert location == "eu-west-1"


def test_us_east_1_no_location(world: World, user: Principal) -> None:
    requests = capture(world, "s3", user, "us-east-1")
    bootstrap(world, user, RemoteStateConfig())
    assert "CreateBucketConfiguration" not in requests.first("CreateBucket")


def test_region_table_created_there(world: World, user: Principal) -> None:
    config = RemoteStateConfig(region="eu-west-1", dynamodb_table=TABLE)
    bootstrap(world, user, config)
    admin = world.admin_client("dynamodb", region="eu-west-1")
    assert admin.describe_table(TableName=TABLE)["Table"]["TableStatus"] == "ACTIVE"


# Assumed roles


def role_world(world: World, *, condition: dict[str, Any] | None = None) -> Principal:
    """Create a role holding the permissive policy; return a user that may assume it."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "sts:AssumeRole",
    }
    if condition is not None:
        statement["Condition"] = condition
    world.create_role(
        "state-admin",
        policy=PERMISSIVE,
        trust={"Version": "2012-10-17", "Statement": [statement]},
    )
    return world.create_user(
        "caller",
        policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
            ],
        },
    )


ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/state-admin"


def test_assume_role_first(world: World) -> None:
    caller = role_world(world)
    config = RemoteStateConfig(assume_role=AssumeRoleConfig(role_arn=ROLE_ARN))
    result = bootstrap(world, caller, config)
    assert pairs(result) == [("assume backend role", "sts:AssumeRole"), *NEW_BUCKET]
    assert result.outcome == "succeeded"


def test_assume_role_calls_as_session(world: World) -> None:
    caller = role_world(world)
    config = RemoteStateConfig(
        assume_role=AssumeRoleConfig(role_arn=ROLE_ARN, session_name="ci")
    )
    result = bootstrap(world, caller, config)
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/state-admin/ci"
    principals = {d.principal for step in result.steps[1:] for d in step.decisions}
    assert principals == {session}


def test_assume_role_caller_makes_assume(world: World) -> None:
    caller = role_world(world)
    config = RemoteStateConfig(assume_role=AssumeRoleConfig(role_arn=ROLE_ARN))
    result = bootstrap(world, caller, config)
    principals = {decision.principal for decision in result.steps[0].decisions}
    assert principals == {caller.arn}


def test_assume_role_default_session_name(world: World) -> None:
    caller = role_world(world)
    config = RemoteStateConfig(assume_role=AssumeRoleConfig(role_arn=ROLE_ARN))
    result = bootstrap(world, caller, config)
    session_name = result.steps[1].decisions[0].principal.rsplit("/", 1)[-1]
    assert session_name.isdigit()


def test_assume_role_external_id(world: World) -> None:
    caller = role_world(world, condition={"StringEquals": {"sts:ExternalId": "x-1"}})
    role = AssumeRoleConfig(role_arn=ROLE_ARN, external_id="x-1")
    result = bootstrap(world, caller, RemoteStateConfig(assume_role=role))
    assert result.outcome == "succeeded"


def test_assume_role_external_id_mismatch(world: World) -> None:
    caller = role_world(world, condition={"StringEquals": {"sts:ExternalId": "x-1"}})
    role = AssumeRoleConfig(role_arn=ROLE_ARN, external_id="other")
    result = bootstrap(world, caller, RemoteStateConfig(assume_role=role))
    assert result.outcome == "denied"
    assert pairs(result) == [("assume backend role", "sts:AssumeRole")]


def test_legacy_role_arn_key(world: World) -> None:
    caller = role_world(
        world,
        condition={
            "StringEquals": {"sts:ExternalId": "x-2", "sts:RoleSessionName": "old"}
        },
    )
    config = RemoteStateConfig(role_arn=ROLE_ARN, external_id="x-2", session_name="old")
    result = bootstrap(world, caller, config)
    assert pairs(result)[0] == ("assume backend role", "sts:AssumeRole")
    assert result.outcome == "succeeded"


def test_assume_role_duration(world: World) -> None:
    caller = role_world(world)
    requests = capture(world, "sts", caller, "us-east-1")
    config = RemoteStateConfig(assume_role=AssumeRoleConfig(role_arn=ROLE_ARN))
    bootstrap(world, caller, config)
    assert requests.first("AssumeRole")["DurationSeconds"] == 3600


# Denials: current against legacy


def test_current_stops_on_denied_headbucket(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:ListBucket"))
    result = bootstrap(world, principal, RemoteStateConfig())
    assert pairs(result) == [*CHECK_CREDENTIALS, ("check bucket exists", HEAD_BUCKET)]
    assert result.outcome == "denied"


def test_current_leaves_bucket_uncreated(world: World, admin_s3: Any) -> None:
    principal = world.create_user("deployer", policy=deny("s3:ListBucket"))
    bootstrap(world, principal, RemoteStateConfig())
    buckets = admin_s3.list_buckets()["Buckets"]
    assert buckets == []


def test_legacy_creates_after_denied_headbucket(world: World, admin_s3: Any) -> None:
    principal = world.create_user("deployer", policy=deny("s3:ListBucket"))
    result = bootstrap(world, principal, RemoteStateConfig(), behaviour="legacy")
    assert operations(result)[:3] == [
        GET_CALLER_IDENTITY,
        HEAD_BUCKET,
        "s3:CreateBucket",
    ]
    assert [bucket["Name"] for bucket in admin_s3.list_buckets()["Buckets"]] == [BUCKET]


def test_legacy_denied_headbucket_tolerated(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:ListBucket"))
    result = bootstrap(world, principal, RemoteStateConfig(), behaviour="legacy")
    head = result.steps[1]
    assert head.outcome == "tolerated"
    assert head.status == 403


def test_legacy_polls_denied_bucket(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:ListBucket"))
    result = bootstrap(world, principal, RemoteStateConfig(), behaviour="legacy")
    notes = [step.note for step in result.steps if step.name == "wait for bucket"]
    assert notes == [f"poll {n} of 12, 5 s apart" for n in range(1, 13)]
    assert result.outcome == "denied"


def test_legacy_existing_bucket_us_east_1(world: World) -> None:
    # In us-east-1 CreateBucket returns 200 for a bucket the caller owns, so
    # Terragrunt goes on to wait for a bucket it cannot see.
    world.set_bucket_state(BUCKET, "bootstrapped")
    principal = world.create_user("deployer", policy=deny("s3:ListBucket"))
    result = bootstrap(world, principal, RemoteStateConfig(), behaviour="legacy")
    assert step_named(result, "create bucket").outcome == "ok"
    assert result.failed_step is not None
    assert result.failed_step.name == "wait for bucket"


def test_legacy_denied_probe_stops(world: World) -> None:
    policy = deny("s3:CreateBucket", "s3:GetObject")
    principal = world.create_user("deployer", policy=policy)
    result = bootstrap(world, principal, RemoteStateConfig(), behaviour="legacy")
    assert result.failed_step is not None
    assert result.failed_step.name == "probe state object after failed create"
    assert result.outcome == "denied"


def test_current_denied_probe_reports_create(world: World) -> None:
    policy = deny("s3:CreateBucket", "s3:GetObject")
    principal = world.create_user("deployer", policy=policy)
    result = bootstrap(world, principal, RemoteStateConfig())
    assert result.failed_step is not None
    assert result.failed_step.name == "create bucket"
    assert step_named(result, "probe state object after failed create").outcome == (
        "tolerated"
    )


REGION = "eu-west-1"


def create_concurrently(
    world: World, principal: Principal, *, state: bytes | None = None
) -> None:
    """Create the bucket (and a state object) just before the bootstrap's CreateBucket.

    This is what Terragrunt sees when another process creates the bucket
    between its HeadBucket and its CreateBucket.
    """
    admin = world.admin_client("s3", region=REGION)

    def create_first(**_: Any) -> None:
        admin.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        if state is not None:
            admin.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=state)

    client = world.client("s3", principal, region=REGION)
    client.meta.events.register("before-call.s3.CreateBucket", create_first)


def test_legacy_concurrent_creation_waits(world: World, user: Principal) -> None:
    create_concurrently(world, user)
    config = RemoteStateConfig(region=REGION)
    result = bootstrap(world, user, config, behaviour="legacy")
    assert pairs(result)[:5] == [
        *CHECK_CREDENTIALS,
        ("check bucket exists", HEAD_BUCKET),
        ("create bucket", "s3:CreateBucket"),
        ("probe state object after failed create", "s3:GetObject"),
        ("wait for bucket", HEAD_BUCKET),
    ]
    assert pairs(result)[5] == UPDATE_EXISTS[0]
    assert result.outcome == "succeeded"


def test_legacy_concurrent_create_tolerated(world: World, user: Principal) -> None:
    create_concurrently(world, user)
    config = RemoteStateConfig(region=REGION)
    result = bootstrap(world, user, config, behaviour="legacy")
    create = step_named(result, "create bucket")
    assert create.error_code == "BucketAlreadyOwnedByYou"
    assert create.outcome == "tolerated"


def test_current_concurrent_creation_fails(world: World, user: Principal) -> None:
    create_concurrently(world, user)
    result = bootstrap(world, user, RemoteStateConfig(region=REGION))
    assert result.outcome == "failed"
    assert result.failed_step is not None
    assert result.failed_step.name == "create bucket"
    assert result.error is not None
    assert "BucketAlreadyOwnedByYou" in result.error
    assert "NoSuchKey" in result.error


def test_current_concurrent_creation_with_state(world: World, user: Principal) -> None:
    create_concurrently(world, user, state=b"{}")
    result = bootstrap(world, user, RemoteStateConfig(region=REGION))
    assert pairs(result)[3:5] == [
        ("probe state object after failed create", "s3:GetObject"),
        ("wait for bucket", HEAD_BUCKET),
    ]
    assert result.outcome == "succeeded"


def test_legacy_failed_create_probes_state(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:CreateBucket"))
    result = bootstrap(world, principal, RemoteStateConfig(), behaviour="legacy")
    assert pairs(result)[-2:] == [
        ("create bucket", "s3:CreateBucket"),
        ("probe state object after failed create", "s3:GetObject"),
    ]


def test_failed_create_reports_create_step(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:CreateBucket"))
    result = bootstrap(world, principal, RemoteStateConfig())
    assert result.failed_step is not None
    assert result.failed_step.name == "create bucket"
    assert result.outcome == "denied"


def test_unknown_behaviour_rejected(world: World, user: Principal) -> None:
    with pytest.raises(ValueError, match="unknown Terragrunt behaviour 'future'"):
        bootstrap(world, user, RemoteStateConfig(), behaviour="future")  # type: ignore[arg-type]


# Polling


def test_bucket_poll_note(world: World, user: Principal) -> None:
    result = bootstrap(world, user, RemoteStateConfig())
    assert step_named(result, "wait for bucket").note == "poll 1 of 12, 5 s apart"


def test_table_poll_note(world: World, user: Principal) -> None:
    result = bootstrap(world, user, RemoteStateConfig(dynamodb_table=TABLE))
    poll = step_named(result, "wait for lock table")
    assert poll.note == "poll 1 of 30, 10 s apart"


def test_log_grant_poll_note(world: World, user: Principal) -> None:
    result = bootstrap(world, user, logging_config())
    poll = step_named(result, "wait for log delivery grants")
    assert poll.note == "poll 1 of 10, 5 s apart"


def test_denied_table_poll_stops(world: World) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            *PERMISSIVE["Statement"],
            {
                "Effect": "Deny",
                "Action": "dynamodb:DescribeTable",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            },
        ],
    }
    principal = world.create_user("deployer", policy=policy)
    result = bootstrap(world, principal, RemoteStateConfig(dynamodb_table=TABLE))
    assert result.outcome == "denied"
    assert pairs(result)[-1] == ("check lock table exists", DESCRIBE_TABLE)


# GetBucketPolicy denied while creating


def test_denied_policy_read_tolerated(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:GetBucketPolicy"))
    result = bootstrap(world, principal, RemoteStateConfig())
    read = step_named(result, "read bucket policy (root access)")
    assert read.outcome == "tolerated"
    assert read.denial_tolerated is True


def test_denied_policy_read_loses_root_access(world: World, admin_s3: Any) -> None:
    principal = world.create_user("deployer", policy=deny("s3:GetBucketPolicy"))
    bootstrap(world, principal, RemoteStateConfig())
    policy = json.loads(admin_s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert [statement["Sid"] for statement in policy["Statement"]] == ["EnforcedTLS"]


def test_denied_policy_read_fatal_in_update(world: World) -> None:
    principal = world.create_user("deployer", policy=deny("s3:GetBucketPolicy"))
    result = bootstrap(world, principal, RemoteStateConfig())
    assert result.outcome == "denied"
    assert result.failed_step is not None
    assert result.failed_step.name == "read bucket policy (root access check)"
    assert result.failed_step.denial_tolerated is False


def test_denied_update_read_stops(world: World) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    principal = world.create_user(
        "deployer", policy=deny("s3:GetEncryptionConfiguration")
    )
    result = bootstrap(world, principal, RemoteStateConfig())
    assert pairs(result)[-1] == ("read bucket encryption", "s3:GetBucketEncryption")
    assert result.denial is not None
    assert result.denial.action == "s3:GetEncryptionConfiguration"
