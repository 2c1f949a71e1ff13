"""The operation table: IAM actions, resources and context per AWS API call."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_tgstate.iam.operations import (
    RULES,
    Operation,
    Requirement,
    Resolver,
    UnknownOperationError,
    is_known,
    requirements_for,
)

ACCOUNT = "123456789012"
REGION = "eu-west-1"
CALLER = f"arn:aws:iam::{ACCOUNT}:user/alice"
RESOLVER = Resolver(ACCOUNT, caller_arn=CALLER)

BUCKET_NAME = "terragrunt-state"
KEY = "env/app/terraform.tfstate"
BUCKET = f"arn:aws:s3:::{BUCKET_NAME}"
OBJECT = f"{BUCKET}/{KEY}"
TABLE_NAME = "terragrunt-locks"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE_NAME}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/deploy"
USER = f"arn:aws:iam::{ACCOUNT}:user/bob"
MANAGED_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/terragrunt"


def _requirements(operation: Operation) -> list[Requirement]:
    return requirements_for(operation, RESOLVER)


def _pairs(operation: Operation) -> list[tuple[str, str]]:
    return [(item.action, item.resource) for item in _requirements(operation)]


def _s3_bucket(name: str, **kwargs: Any) -> Operation:
    return Operation("s3", name, region=REGION, bucket=BUCKET_NAME, **kwargs)


def _s3_object(name: str, **kwargs: Any) -> Operation:
    return Operation("s3", name, region=REGION, bucket=BUCKET_NAME, key=KEY, **kwargs)


def _dynamodb(name: str, **params: Any) -> Operation:
    return Operation("dynamodb", name, region=REGION, params=params)


def _delete_body(*objects: tuple[str, str | None]) -> bytes:
    parts = ['<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">']
    for key, version in objects:
        version_xml = f"<VersionId>{version}</VersionId>" if version else ""
        parts.append(f"<Object><Key>{key}</Key>{version_xml}</Object>")
    parts.append("<Quiet>true</Quiet></Delete>")
    return "".join(parts).encode()


# -- every rule in the table --------------------------------------------------

#: S3 calls on a bucket and the single action each needs on the bucket ARN.
S3_BUCKET_ACTIONS = {
    "DeleteBucket": "s3:DeleteBucket",
    "HeadBucket": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "GetBucketLocation": "s3:GetBucketLocation",
    "GetBucketVersioning": "s3:GetBucketVersioning",
    "PutBucketVersioning": "s3:PutBucketVersioning",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "GetBucketPolicy": "s3:GetBucketPolicy",
    "PutBucketPolicy": "s3:PutBucketPolicy",
    "DeleteBucketPolicy": "s3:DeleteBucketPolicy",
    "GetBucketPolicyStatus": "s3:GetBucketPolicyStatus",
    "GetBucketTagging": "s3:GetBucketTagging",
    "PutBucketTagging": "s3:PutBucketTagging",
    "DeleteBucketTagging": "s3:PutBucketTagging",
    "GetBucketAcl": "s3:GetBucketAcl",
    "PutBucketAcl": "s3:PutBucketAcl",
    "GetBucketLogging": "s3:GetBucketLogging",
    "PutBucketLogging": "s3:PutBucketLogging",
    "GetBucketOwnershipControls": "s3:GetBucketOwnershipControls",
    "PutBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "GetBucketLifecycle": "s3:GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "PutBucketLifecycle": "s3:PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
    "GetBucketCors": "s3:GetBucketCORS",
    "PutBucketCors": "s3:PutBucketCORS",
    "DeleteBucketCors": "s3:PutBucketCORS",
    "GetBucketReplication": "s3:GetReplicationConfiguration",
    "PutBucketReplication": "s3:PutReplicationConfiguration",
    "DeleteBucketReplication": "s3:PutReplicationConfiguration",
    "GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
    "GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "GetBucketNotification": "s3:GetBucketNotification",
    "PutBucketNotificationConfiguration": "s3:PutBucketNotification",
    "PutBucketNotification": "s3:PutBucketNotification",
    "GetBucketWebsite": "s3:GetBucketWebsite",
    "PutBucketWebsite": "s3:PutBucketWebsite",
    "DeleteBucketWebsite": "s3:DeleteBucketWebsite",
    "GetBucketRequestPayment": "s3:GetBucketRequestPayment",
    "PutBucketRequestPayment": "s3:PutBucketRequestPayment",
    "GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
    "PutBucketAccelerateConfiguration": "s3:PutAccelerateConfiguration",
    "CreateBucket": "s3:CreateBucket",
}

#: S3 calls on an object and the single action each needs on the object ARN.
S3_OBJECT_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListParts": "s3:ListMultipartUploadParts",
    "GetObjectTagging": "s3:GetObjectTagging",
    "PutObjectTagging": "s3:PutObjectTagging",
    "DeleteObjectTagging": "s3:DeleteObjectTagging",
    "GetObjectAcl": "s3:GetObjectAcl",
    "PutObjectAcl": "s3:PutObjectAcl",
    "RestoreObject": "s3:RestoreObject",
    "GetObjectRetention": "s3:GetObjectRetention",
    "PutObjectRetention": "s3:PutObjectRetention",
    "GetObjectLegalHold": "s3:GetObjectLegalHold",
    "PutObjectLegalHold": "s3:PutObjectLegalHold",
}

#: S3 calls that need more than one action or a resource other than their own.
S3_OTHER: dict[str, tuple[Operation, list[tuple[str, str]]]] = {
    "ListBuckets": (Operation("s3", "ListBuckets"), [("s3:ListAllMyBuckets", "*")]),
    "GetObjectAttributes": (
        _s3_object("GetObjectAttributes"),
        [("s3:GetObject", OBJECT), ("s3:GetObjectAttributes", OBJECT)],
    ),
    "CopyObject": (
        _s3_object("CopyObject", headers={"x-amz-copy-source": "/source/a%20b.json"}),
        [("s3:GetObject", "arn:aws:s3:::source/a b.json"), ("s3:PutObject", OBJECT)],
    ),
    "UploadPartCopy": (
        _s3_object("UploadPartCopy", headers={"x-amz-copy-source": "source/part"}),
        [("s3:GetObject", "arn:aws:s3:::source/part"), ("s3:PutObject", OBJECT)],
    ),
    "DeleteObjects": (
        _s3_bucket("DeleteObjects", body=_delete_body(("a.tfstate", None))),
        [("s3:DeleteObject", f"{BUCKET}/a.tfstate")],
    ),
}

#: DynamoDB calls checked as the named action on the request's table ARN.
DYNAMODB_TABLE_ACTIONS = {
    name: f"dynamodb:{name}"
    for name in (
        "CreateTable",
        "DescribeTable",
        "DeleteTable",
        "UpdateTable",
        "PutItem",
        "GetItem",
        "DeleteItem",
        "UpdateItem",
        "Query",
        "Scan",
        "DescribeTimeToLive",
        "UpdateTimeToLive",
        "DescribeContinuousBackups",
        "UpdateContinuousBackups",
        "CreateBackup",
        "DescribeKinesisStreamingDestination",
        "DescribeTableReplicaAutoScaling",
        "DescribeContributorInsights",
    )
}

#: DynamoDB calls that name no resource and are checked on ``*``.
DYNAMODB_ACCOUNT_ACTIONS = {
    name: f"dynamodb:{name}"
    for name in (
        "ListTables",
        "DescribeLimits",
        "DescribeEndpoints",
        "ListBackups",
        "ListGlobalTables",
    )
}

DYNAMODB_OTHER: dict[str, tuple[Operation, list[tuple[str, str]]]] = {
    "TagResource": (
        _dynamodb("TagResource", ResourceArn=TABLE, Tags=[{"Key": "a", "Value": "b"}]),
        [("dynamodb:TagResource", TABLE)],
    ),
    "UntagResource": (
        _dynamodb("UntagResource", ResourceArn=TABLE, TagKeys=["a"]),
        [("dynamodb:UntagResource", TABLE)],
    ),
    "ListTagsOfResource": (
        _dynamodb("ListTagsOfResource", ResourceArn=TABLE),
        [("dynamodb:ListTagsOfResource", TABLE)],
    ),
    "BatchGetItem": (
        _dynamodb("BatchGetItem", RequestItems={TABLE_NAME: {}, "audit": {}}),
        [
            ("dynamodb:BatchGetItem", TABLE),
            ("dynamodb:BatchGetItem", TABLE.replace(TABLE_NAME, "audit")),
        ],
    ),
    "BatchWriteItem": (
        _dynamodb("BatchWriteItem", RequestItems={TABLE_NAME: []}),
        [("dynamodb:BatchWriteItem", TABLE)],
    ),
    "TransactWriteItems": (
        _dynamodb(
            "TransactWriteItems",
            TransactItems=[
                {"Put": {"TableName": TABLE_NAME}},
                {"Delete": {"TableName": TABLE_NAME}},
                {"ConditionCheck": {"TableName": TABLE_NAME}},
                {"Update": {"TableName": TABLE_NAME}},
                {"Put": {"TableName": TABLE_NAME}},
            ],
        ),
        [
            ("dynamodb:PutItem", TABLE),
            ("dynamodb:DeleteItem", TABLE),
            ("dynamodb:ConditionCheckItem", TABLE),
            ("dynamodb:UpdateItem", TABLE),
        ],
    ),
    "TransactGetItems": (
        _dynamodb(
            "TransactGetItems", TransactItems=[{"Get": {"TableName": TABLE_NAME}}]
        ),
        [("dynamodb:GetItem", TABLE)],
    ),
}

STS_CASES: dict[str, tuple[Operation, list[tuple[str, str]]]] = {
    "GetCallerIdentity": (
        Operation("sts", "GetCallerIdentity"),
        [("sts:GetCallerIdentity", "*")],
    ),
    "AssumeRole": (
        Operation(
            "sts", "AssumeRole", params={"RoleArn": ROLE, "RoleSessionName": "s"}
        ),
        [("sts:AssumeRole", ROLE)],
    ),
    "AssumeRoleWithWebIdentity": (
        Operation("sts", "AssumeRoleWithWebIdentity", params={"RoleArn": ROLE}),
        [("sts:AssumeRoleWithWebIdentity", ROLE)],
    ),
    "GetSessionToken": (
        Operation("sts", "GetSessionToken"),
        [("sts:GetSessionToken", "*")],
    ),
    "GetAccessKeyInfo": (
        Operation("sts", "GetAccessKeyInfo"),
        [("sts:GetAccessKeyInfo", "*")],
    ),
    "DecodeAuthorizationMessage": (
        Operation("sts", "DecodeAuthorizationMessage"),
        [("sts:DecodeAuthorizationMessage", "*")],
    ),
    "GetFederationToken": (
        Operation("sts", "GetFederationToken", params={"Name": "ci"}),
        [("sts:GetFederationToken", f"arn:aws:sts::{ACCOUNT}:federated-user/ci")],
    ),
}

IAM_USER_OPERATIONS = (
    "CreateUser",
    "GetUser",
    "DeleteUser",
    "CreateAccessKey",
    "ListAccessKeys",
    "DeleteAccessKey",
    "UpdateAccessKey",
    "PutUserPolicy",
    "GetUserPolicy",
    "DeleteUserPolicy",
    "ListUserPolicies",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "ListAttachedUserPolicies",
    "ListGroupsForUser",
    "ListUserTags",
    "TagUser",
    "UntagUser",
    "PutUserPermissionsBoundary",
    "DeleteUserPermissionsBoundary",
)
IAM_ROLE_OPERATIONS = (
    "CreateRole",
    "GetRole",
    "DeleteRole",
    "PutRolePolicy",
    "GetRolePolicy",
    "DeleteRolePolicy",
    "ListRolePolicies",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "ListAttachedRolePolicies",
    "UpdateAssumeRolePolicy",
    "ListRoleTags",
    "TagRole",
    "UntagRole",
    "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary",
    "UpdateRole",
)
IAM_POLICY_OPERATIONS = (
    "CreatePolicy",
    "GetPolicy",
    "DeletePolicy",
    "GetPolicyVersion",
    "ListPolicyVersions",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
)
IAM_ACCOUNT_OPERATIONS = (
    "ListUsers",
    "ListRoles",
    "ListPolicies",
    "ListGroups",
    "GetAccountSummary",
    "ListAccountAliases",
    "GetAccountAuthorizationDetails",
    "GetAccountPasswordPolicy",
)


def _all_cases() -> dict[str, tuple[Operation, list[tuple[str, str]]]]:
    cases: dict[str, tuple[Operation, list[tuple[str, str]]]] = {}
    for name, action in S3_BUCKET_ACTIONS.items():
        cases[f"s3:{name}"] = (_s3_bucket(name), [(action, BUCKET)])
    for name, action in S3_OBJECT_ACTIONS.items():
        cases[f"s3:{name}"] = (_s3_object(name), [(action, OBJECT)])
    for name, (operation, expected) in S3_OTHER.items():
        cases[f"s3:{name}"] = (operation, expected)

    for name, action in DYNAMODB_TABLE_ACTIONS.items():
        cases[f"dynamodb:{name}"] = (
            _dynamodb(name, TableName=TABLE_NAME),
            [(action, TABLE)],
        )
    for name, action in DYNAMODB_ACCOUNT_ACTIONS.items():
        cases[f"dynamodb:{name}"] = (_dynamodb(name), [(action, "*")])
    for name, (operation, expected) in DYNAMODB_OTHER.items():
        cases[f"dynamodb:{name}"] = (operation, expected)

    for name, (operation, expected) in STS_CASES.items():
        cases[f"sts:{name}"] = (operation, expected)

    for name in IAM_USER_OPERATIONS:
        operation = Operation("iam", name, params={"UserName": "bob"})
        cases[f"iam:{name}"] = (operation, [(f"iam:{name}", USER)])
    for name in IAM_ROLE_OPERATIONS:
        operation = Operation("iam", name, params={"RoleName": "deploy"})
        cases[f"iam:{name}"] = (operation, [(f"iam:{name}", ROLE)])
    for name in IAM_POLICY_OPERATIONS:
        params = {"PolicyArn": MANAGED_POLICY, "PolicyName": "terragrunt"}
        operation = Operation("iam", name, params=params)
        cases[f"iam:{name}"] = (operation, [(f"iam:{name}", MANAGED_POLICY)])
    for name in IAM_ACCOUNT_OPERATIONS:
        cases[f"iam:{name}"] = (Operation("iam", name), [(f"iam:{name}", "*")])

    return cases


ALL_CASES = _all_cases()


@pytest.mark.parametrize(
    ("operation", "expected"), list(ALL_CASES.values()), ids=list(ALL_CASES)
)
def test_operation_requirements(
    operation: Operation, expected: list[tuple[str, str]]
) -> None:
    assert _pairs(operation) == expected


@pytest.mark.parametrize("service", sorted(RULES))
def test_every_rule_has_expectation(service: str) -> None:
    expected = {
        label.split(":", 1)[1] for label in ALL_CASES if label.startswith(f"{service}:")
    }
    assert set(RULES[service]) == expected


def test_table_covers_four_services() -> None:
    assert set(RULES) == {"s3", "dynamodb", "sts", "iam"}


@pytest.mark.parametrize(
    ("operation", "expected"), list(ALL_CASES.values()), ids=list(ALL_CASES)
)
def test_table_requirements_not_derived(
    operation: Operation, expected: list[tuple[str, str]]
) -> None:
    assert not any(item.derived for item in _requirements(operation))


# -- S3 versions --------------------------------------------------------------

#: Object calls given ``?versionId=`` and the action each then needs.
S3_VERSIONED = {
    "GetObject": "s3:GetObjectVersion",
    "HeadObject": "s3:GetObjectVersion",
    "DeleteObject": "s3:DeleteObjectVersion",
    "GetObjectAcl": "s3:GetObjectVersionAcl",
    "PutObjectAcl": "s3:PutObjectVersionAcl",
    "GetObjectTagging": "s3:GetObjectVersionTagging",
    "PutObjectTagging": "s3:PutObjectVersionTagging",
    "DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
}


@pytest.mark.parametrize(
    ("name", "action"), list(S3_VERSIONED.items()), ids=list(S3_VERSIONED)
)
def test_version_id_selects_version_action(name: str, action: str) -> None:
    operation = _s3_object(name, params={"versionId": "v1"})
    requirements = _requirements(operation)
    assert [item.action for item in requirements] == [action]
    assert requirements[0].context["s3:versionid"] == ("v1",)


def test_get_object_attributes_version() -> None:
    operation = _s3_object("GetObjectAttributes", params={"versionId": "v1"})
    assert [item.action for item in _requirements(operation)] == [
        "s3:GetObjectVersion",
        "s3:GetObjectVersionAttributes",
    ]


# -- S3 secondary actions -----------------------------------------------------

TAGGED_BUCKET = (
    b'<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<LocationConstraint>eu-west-1</LocationConstraint>"
    b"<Tags><Tag><Key>Team</Key><Value>platform</Value></Tag>"
    b"<Tag><Key>env</Key><Value>prod</Value></Tag></Tags>"
    b"</CreateBucketConfiguration>"
)


def test_create_bucket_plain() -> None:
    assert _pairs(_s3_bucket("CreateBucket")) == [("s3:CreateBucket", BUCKET)]


def test_create_bucket_ownership_header() -> None:
    operation = _s3_bucket(
        "CreateBucket", headers={"x-amz-object-ownership": "ObjectWriter"}
    )
    requirements = _requirements(operation)
    assert [item.action for item in requirements] == [
        "s3:CreateBucket",
        "s3:PutBucketOwnershipControls",
    ]
    assert requirements[1].resource == BUCKET
    assert requirements[1].context["s3:x-amz-object-ownership"] == ("ObjectWriter",)
    assert "x-amz-object-ownership" in requirements[1].reason


def test_create_bucket_tags_need_tag_resource() -> None:
    operation = _s3_bucket("CreateBucket", body=TAGGED_BUCKET)
    requirements = _requirements(operation)
    assert [item.action for item in requirements] == [
        "s3:CreateBucket",
        "s3:TagResource",
    ]
    assert requirements[1].resource == BUCKET


def test_create_bucket_tag_context() -> None:
    context = _requirements(_s3_bucket("CreateBucket", body=TAGGED_BUCKET))[0].context
    assert context["aws:tagkeys"] == ("Team", "env")
    assert context["aws:requesttag/team"] == ("platform",)
    assert context["aws:requesttag/env"] == ("prod",)
    assert context["s3:locationconstraint"] == ("eu-west-1",)


def test_create_bucket_without_tags_no_tag_context() -> None:
    body = (
        b"<CreateBucketConfiguration>"
        b"<LocationConstraint>eu-west-1</LocationConstraint>"
        b"</CreateBucketConfiguration>"
    )
    context = _requirements(_s3_bucket("CreateBucket", body=body))[0].context
    assert "aws:tagkeys" not in context
    assert context["s3:locationconstraint"] == ("eu-west-1",)


def test_create_bucket_unreadable_body() -> None:
    operation = _s3_bucket("CreateBucket", body=b"<CreateBucketConfiguration>")
    assert _pairs(operation) == [("s3:CreateBucket", BUCKET)]


@pytest.mark.parametrize(
    "header",
    [
        "x-amz-acl",
        "x-amz-grant-full-control",
        "x-amz-grant-read",
        "x-amz-grant-read-acp",
        "x-amz-grant-write",
        "x-amz-grant-write-acp",
    ],
)
def test_create_bucket_acl_header(header: str) -> None:
    operation = _s3_bucket("CreateBucket", headers={header: "private"})
    requirements = _requirements(operation)
    assert [item.action for item in requirements] == [
        "s3:CreateBucket",
        "s3:PutBucketAcl",
    ]
    assert requirements[0].context[f"s3:{header}"] == ("private",)


def test_create_bucket_object_lock() -> None:
    operation = _s3_bucket(
        "CreateBucket", headers={"x-amz-bucket-object-lock-enabled": "True"}
    )
    assert [item.action for item in _requirements(operation)] == [
        "s3:CreateBucket",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutBucketVersioning",
    ]


def test_create_bucket_object_lock_false() -> None:
    operation = _s3_bucket(
        "CreateBucket", headers={"x-amz-bucket-object-lock-enabled": "false"}
    )
    assert _pairs(operation) == [("s3:CreateBucket", BUCKET)]


def test_create_bucket_all_secondary_actions() -> None:
    headers = {"x-amz-object-ownership": "ObjectWriter", "x-amz-acl": "private"}
    operation = _s3_bucket("CreateBucket", headers=headers, body=TAGGED_BUCKET)
    assert [item.action for item in _requirements(operation)] == [
        "s3:CreateBucket",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketAcl",
        "s3:TagResource",
    ]


def test_put_object_canned_acl() -> None:
    operation = _s3_object(
        "PutObject", headers={"x-amz-acl": "bucket-owner-full-control"}
    )
    requirements = _requirements(operation)
    assert [item.action for item in requirements] == ["s3:PutObject", "s3:PutObjectAcl"]
    assert requirements[1].resource == OBJECT
    assert requirements[0].context["s3:x-amz-acl"] == ("bucket-owner-full-control",)


def test_put_object_tagging_header() -> None:
    operation = _s3_object(
        "PutObject", headers={"x-amz-tagging": "Team=platform&env=prod%20eu"}
    )
    requirements = _requirements(operation)
    assert [item.action for item in requirements] == [
        "s3:PutObject",
        "s3:PutObjectTagging",
    ]
    assert requirements[1].resource == OBJECT


def test_put_object_tag_context() -> None:
    operation = _s3_object(
        "PutObject", headers={"x-amz-tagging": "Team=platform&env=prod%20eu"}
    )
    context = _requirements(operation)[0].context
    assert context["s3:requestobjecttagkeys"] == ("Team", "env")
    assert context["s3:requestobjecttag/team"] == ("platform",)
    assert context["s3:requestobjecttag/env"] == ("prod eu",)


def test_put_object_tag_plus_is_space() -> None:
    operation = _s3_object("PutObject", headers={"x-amz-tagging": "env=prod+eu&empty="})
    context = _requirements(operation)[0].context
    assert context["s3:requestobjecttag/env"] == ("prod eu",)
    assert context["s3:requestobjecttag/empty"] == ("",)


def test_put_object_retention_headers() -> None:
    headers = {
        "x-amz-object-lock-mode": "GOVERNANCE",
        "x-amz-object-lock-legal-hold": "ON",
    }
    operation = _s3_object("PutObject", headers=headers)
    assert [item.action for item in _requirements(operation)] == [
        "s3:PutObject",
        "s3:PutObjectRetention",
        "s3:PutObjectLegalHold",
    ]


def test_put_object_header_context() -> None:
    headers = {
        "x-amz-server-side-encryption": "AES256",
        "if-none-match": "*",
        "x-amz-storage-class": "STANDARD",
    }
    context = _requirements(_s3_object("PutObject", headers=headers))[0].context
    assert context["s3:x-amz-server-side-encryption"] == ("AES256",)
    assert context["s3:if-none-match"] == ("*",)
    assert context["s3:x-amz-storage-class"] == ("STANDARD",)


def test_delete_objects_per_key() -> None:
    body = _delete_body(("a.tfstate", None), ("dir/b.tflock", "v7"))
    operation = _s3_bucket("DeleteObjects", body=body)
    assert _pairs(operation) == [
        ("s3:DeleteObject", f"{BUCKET}/a.tfstate"),
        ("s3:DeleteObjectVersion", f"{BUCKET}/dir/b.tflock"),
    ]


def test_delete_objects_without_namespace() -> None:
    body = b"<Delete><Object><Key>x</Key></Object></Delete>"
    assert _pairs(_s3_bucket("DeleteObjects", body=body)) == [
        ("s3:DeleteObject", f"{BUCKET}/x")
    ]


@pytest.mark.parametrize(
    "body", [b"", b"<Delete>", b"<Delete></Delete>"], ids=["empty", "broken", "no-keys"]
)
def test_delete_objects_unreadable_body(body: bytes) -> None:
    assert _pairs(_s3_bucket("DeleteObjects", body=body)) == [
        ("s3:DeleteObject", f"{BUCKET}/*")
    ]


def test_copy_object_source_version() -> None:
    headers = {"x-amz-copy-source": "/source/state.json?versionId=3HL4kqt"}
    operation = _s3_object("CopyObject", headers=headers)
    assert _pairs(operation) == [
        ("s3:GetObjectVersion", "arn:aws:s3:::source/state.json"),
        ("s3:PutObject", OBJECT),
    ]


def test_copy_object_target_acl() -> None:
    headers = {"x-amz-copy-source": "source/state.json", "x-amz-acl": "private"}
    operation = _s3_object("CopyObject", headers=headers)
    assert [item.action for item in _requirements(operation)] == [
        "s3:GetObject",
        "s3:PutObject",
        "s3:PutObjectAcl",
    ]


def test_copy_object_context_names_source() -> None:
    headers = {"x-amz-copy-source": "source/state.json"}
    context = _requirements(_s3_object("CopyObject", headers=headers))[1].context
    assert context["s3:x-amz-copy-source"] == ("source/state.json",)


def test_list_objects_v2_context() -> None:
    params = {"list-type": "2", "prefix": "env:/", "delimiter": "/", "max-keys": "1000"}
    requirements = _requirements(_s3_bucket("ListObjectsV2", params=params))
    assert requirements[0].context["s3:prefix"] == ("env:/",)
    assert requirements[0].context["s3:delimiter"] == ("/",)
    assert requirements[0].context["s3:max-keys"] == ("1000",)


def test_list_objects_without_prefix() -> None:
    requirements = _requirements(_s3_bucket("ListObjects"))
    assert "s3:prefix" not in requirements[0].context


# -- DynamoDB -----------------------------------------------------------------


def test_create_table_tags_need_tag_resource() -> None:
    tags = [{"Key": "Team", "Value": "platform"}]
    requirements = _requirements(
        _dynamodb("CreateTable", TableName=TABLE_NAME, Tags=tags)
    )
    assert [(item.action, item.resource) for item in requirements] == [
        ("dynamodb:CreateTable", TABLE),
        ("dynamodb:TagResource", TABLE),
    ]
    assert requirements[0].context["aws:tagkeys"] == ("Team",)
    assert requirements[0].context["aws:requesttag/team"] == ("platform",)


def test_create_table_empty_tags() -> None:
    requirements = _requirements(
        _dynamodb("CreateTable", TableName=TABLE_NAME, Tags=[])
    )
    assert [item.action for item in requirements] == ["dynamodb:CreateTable"]


def test_table_name_as_arn() -> None:
    other = "arn:aws:dynamodb:us-east-2:210987654321:table/shared-locks"
    assert _pairs(_dynamodb("GetItem", TableName=other)) == [
        ("dynamodb:GetItem", other)
    ]


def test_table_region_from_request() -> None:
    operation = Operation(
        "dynamodb", "PutItem", region="ap-south-1", params={"TableName": "t"}
    )
    assert _pairs(operation) == [
        ("dynamodb:PutItem", f"arn:aws:dynamodb:ap-south-1:{ACCOUNT}:table/t")
    ]


@pytest.mark.parametrize("name", ["Query", "Scan"])
def test_index_read_checks_index_arn(name: str) -> None:
    operation = _dynamodb(name, TableName=TABLE_NAME, IndexName="by-date")
    assert _pairs(operation) == [(f"dynamodb:{name}", f"{TABLE}/index/by-date")]


def test_untag_resource_tag_keys() -> None:
    operation = _dynamodb("UntagResource", ResourceArn=TABLE, TagKeys=["a", "b"])
    assert _requirements(operation)[0].context["aws:tagkeys"] == ("a", "b")


def test_transact_without_items() -> None:
    assert _pairs(_dynamodb("TransactWriteItems")) == [
        ("dynamodb:TransactWriteItems", "*")
    ]


# -- STS ----------------------------------------------------------------------

ASSUME_PARAMS = {
    "RoleArn": ROLE,
    "RoleSessionName": "terragrunt",
    "ExternalId": "ext-42",
    "DurationSeconds": "900",
}


def test_assume_role_context() -> None:
    context = _requirements(Operation("sts", "AssumeRole", params=ASSUME_PARAMS))[
        0
    ].context
    assert context["sts:rolesessionname"] == ("terragrunt",)
    assert context["sts:externalid"] == ("ext-42",)
    assert context["sts:durationseconds"] == ("900",)


def test_assume_role_tags_need_tag_session() -> None:
    params = {
        **ASSUME_PARAMS,
        "Tags.member.1.Key": "Project",
        "Tags.member.1.Value": "infra",
        "Tags.member.2.Key": "Team",
        "Tags.member.2.Value": "platform",
    }
    requirements = _requirements(Operation("sts", "AssumeRole", params=params))
    assert [(item.action, item.resource) for item in requirements] == [
        ("sts:AssumeRole", ROLE),
        ("sts:TagSession", ROLE),
    ]
    assert requirements[1].context["aws:tagkeys"] == ("Project", "Team")
    assert requirements[1].context["aws:requesttag/project"] == ("infra",)


def test_assume_role_source_identity() -> None:
    params = {**ASSUME_PARAMS, "SourceIdentity": "alice@example.com"}
    requirements = _requirements(Operation("sts", "AssumeRole", params=params))
    assert [item.action for item in requirements] == [
        "sts:AssumeRole",
        "sts:SetSourceIdentity",
    ]
    assert requirements[1].context["sts:sourceidentity"] == ("alice@example.com",)


def test_assume_role_transitive_tag_keys() -> None:
    params = {
        **ASSUME_PARAMS,
        "Tags.member.1.Key": "Project",
        "Tags.member.1.Value": "infra",
        "TransitiveTagKeys.member.1": "Project",
    }
    context = _requirements(Operation("sts", "AssumeRole", params=params))[0].context
    assert context["sts:transitivetagkeys"] == ("Project",)


# -- IAM ----------------------------------------------------------------------

IAM_TAGS = {
    "Tags.member.1.Key": "Team",
    "Tags.member.1.Value": "platform",
}
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/boundary"


def test_create_user_tags_and_boundary() -> None:
    params = {"UserName": "bob", **IAM_TAGS, "PermissionsBoundary": BOUNDARY}
    requirements = _requirements(Operation("iam", "CreateUser", params=params))
    assert [(item.action, item.resource) for item in requirements] == [
        ("iam:CreateUser", USER),
        ("iam:TagUser", USER),
        ("iam:PutUserPermissionsBoundary", USER),
    ]
    assert requirements[0].context["iam:permissionsboundary"] == (BOUNDARY,)


def test_create_user_tag_context() -> None:
    params = {"UserName": "bob", **IAM_TAGS}
    context = _requirements(Operation("iam", "CreateUser", params=params))[0].context
    assert context["aws:tagkeys"] == ("Team",)
    assert context["aws:requesttag/team"] == ("platform",)


def test_create_role_with_path() -> None:
    params = {
        "RoleName": "deploy",
        "Path": "/ci/",
        **IAM_TAGS,
        "PermissionsBoundary": BOUNDARY,
    }
    requirements = _requirements(Operation("iam", "CreateRole", params=params))
    role = f"arn:aws:iam::{ACCOUNT}:role/ci/deploy"
    assert [(item.action, item.resource) for item in requirements] == [
        ("iam:CreateRole", role),
        ("iam:TagRole", role),
        ("iam:PutRolePermissionsBoundary", role),
    ]
    assert requirements[0].context["aws:requesttag/team"] == ("platform",)


def test_tag_role_tag_context() -> None:
    params = {"RoleName": "deploy", **IAM_TAGS}
    context = _requirements(Operation("iam", "TagRole", params=params))[0].context
    assert context["aws:tagkeys"] == ("Team",)


def test_untag_user_tag_keys() -> None:
    params = {"UserName": "bob", "TagKeys.member.1": "Team"}
    context = _requirements(Operation("iam", "UntagUser", params=params))[0].context
    assert context["aws:tagkeys"] == ("Team",)


def test_attach_policy_arn_context() -> None:
    params = {"RoleName": "deploy", "PolicyArn": MANAGED_POLICY}
    context = _requirements(Operation("iam", "AttachRolePolicy", params=params))[
        0
    ].context
    assert context["iam:policyarn"] == (MANAGED_POLICY,)


def test_get_user_without_name_targets_caller() -> None:
    assert _pairs(Operation("iam", "GetUser")) == [("iam:GetUser", CALLER)]


def test_list_access_keys_without_name() -> None:
    assert _pairs(Operation("iam", "ListAccessKeys")) == [
        ("iam:ListAccessKeys", CALLER)
    ]


def test_get_user_unknown_caller() -> None:
    resolver = Resolver(ACCOUNT)
    requirements = requirements_for(Operation("iam", "GetUser"), resolver)
    assert requirements[0].resource == "*"


def test_create_policy_with_path() -> None:
    params = {"PolicyName": "terragrunt", "Path": "/tg/"}
    assert _pairs(Operation("iam", "CreatePolicy", params=params)) == [
        ("iam:CreatePolicy", f"arn:aws:iam::{ACCOUNT}:policy/tg/terragrunt")
    ]


# -- operations outside the table ---------------------------------------------

DERIVED_CASES = {
    "s3-bucket": (
        _s3_bucket("GetBucketAnalyticsConfiguration"),
        ("s3:GetBucketAnalyticsConfiguration", BUCKET),
    ),
    "s3-object": (
        _s3_object("SelectObjectContent"),
        ("s3:SelectObjectContent", OBJECT),
    ),
    "dynamodb-global-table": (
        _dynamodb("DescribeGlobalTable", GlobalTableName="locks"),
        ("dynamodb:DescribeGlobalTable", "*"),
    ),
    "dynamodb-table": (
        _dynamodb("DescribeTableStatistics", TableName=TABLE_NAME),
        ("dynamodb:DescribeTableStatistics", TABLE),
    ),
    "dynamodb-table-arn": (
        _dynamodb("DescribeTableStatistics", TableName=TABLE),
        ("dynamodb:DescribeTableStatistics", TABLE),
    ),
    "ec2": (Operation("ec2", "DescribeInstances"), ("ec2:DescribeInstances", "*")),
    "sts": (Operation("sts", "AssumeRoleWithSAML"), ("sts:AssumeRoleWithSAML", "*")),
}


@pytest.mark.parametrize(
    ("operation", "expected"), list(DERIVED_CASES.values()), ids=list(DERIVED_CASES)
)
def test_unknown_operation_derived(
    operation: Operation, expected: tuple[str, str]
) -> None:
    requirements = _requirements(operation)
    assert [(item.action, item.resource) for item in requirements] == [expected]
    assert requirements[0].derived is True
    assert requirements[0].reason


def test_unknown_operation_not_known() -> None:
    assert is_known("s3", "GetBucketAnalyticsConfiguration") is False
    assert is_known("s3", "HeadBucket") is True


def test_unknown_service_raises() -> None:
    with pytest.raises(UnknownOperationError, match="'no-such-service'"):
        _requirements(Operation("no-such-service", "DoThing"))
