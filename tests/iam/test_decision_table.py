"""Decisions for Terragrunt's documented policies and the bucket policy it writes.

The three policies from Terragrunt's "AWS Auth" page are loaded from
``pytest_tgstate/world/policies``. The full policy keeps its documented
account ``1234567890``. The minimal and external-bucket policies get the
bucket ``terragrunt-state`` and the table ``terragrunt-locks`` in place of
their placeholders, and keep the object path ``some/path/here``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_tgstate.iam import Caller, Policy

from .builders import decide, documented, policy

DOCS_ACCOUNT = "1234567890"
REAL_ACCOUNT = "123456789012"
RENAMES = {
    "BUCKET_NAME": "terragrunt-state",
    "<BucketName>": "terragrunt-state",
    "TABLE_NAME": "terragrunt-locks",
}

FULL = documented("full")
MINIMAL = documented("minimal", RENAMES)
EXTERNAL = documented("external-bucket", RENAMES)

DEVELOPER = Caller.user(DOCS_ACCOUNT, "terragrunt")
OUTSIDER = Caller.user(REAL_ACCOUNT, "terragrunt")

BUCKET = "arn:aws:s3:::terragrunt-state"
STATE = f"{BUCKET}/env/app/terraform.tfstate"
LOCKFILE = f"{STATE}.tflock"
DOCS_OBJECT = f"{BUCKET}/some/path/here"


def table(name: str = "terragrunt-locks", region: str = "us-east-1") -> str:
    return f"arn:aws:dynamodb:{region}:{DOCS_ACCOUNT}:table/{name}"


def table_in(account: str, region: str = "us-east-1") -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/terragrunt-locks"


def _bucket_statements(bucket: str, root_account: str) -> list[dict[str, Any]]:
    """Return the RootAccess and EnforcedTLS statements Terragrunt writes."""
    resources = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    return [
        {
            "Sid": "RootAccess",
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": resources,
            "Principal": {"AWS": [f"arn:aws:iam::{root_account}:root"]},
        },
        {
            "Sid": "EnforcedTLS",
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": resources,
            "Principal": {"*": ["*"]},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ]


def terragrunt_bucket_policy(root_account: str = DOCS_ACCOUNT) -> Policy:
    return policy(
        *_bucket_statements("terragrunt-state", root_account),
        kind="resource",
        name="bucket policy of terragrunt-state",
    )


TLS = {"aws:securetransport": ("true",)}
PLAIN_HTTP = {"aws:securetransport": ("false",)}


@dataclass(frozen=True)
class Case:
    """One request and the decision expected for it."""

    action: str
    resource: str
    allowed: bool
    reason: str
    identity: tuple[Policy, ...] = ()
    bucket_policy: Policy | None = None
    caller: Caller = DEVELOPER
    context: dict[str, tuple[str, ...]] = field(default_factory=dict)
    resource_account: str | None = None


def allowed(action: str, resource: str, **kwargs: Any) -> Case:
    return Case(action, resource, True, "allowed", **kwargs)


def denied(action: str, resource: str, **kwargs: Any) -> Case:
    return Case(action, resource, False, "implicit deny", **kwargs)


def explicitly_denied(action: str, resource: str, **kwargs: Any) -> Case:
    """Return a case denied by an explicit Deny statement."""
    return Case(action, resource, False, "explicit deny", **kwargs)


def full(case: Case) -> Case:
    return Case(**{**case.__dict__, "identity": (FULL,)})


def minimal(case: Case) -> Case:
    return Case(**{**case.__dict__, "identity": (MINIMAL,)})


def external(case: Case) -> Case:
    return Case(**{**case.__dict__, "identity": (EXTERNAL,)})


CASES: dict[str, Case] = {
    # The full policy: s3:* on terragrunt* buckets, dynamodb:* on terragrunt* tables.
    "full-listbucket-terragrunt-state": full(allowed("s3:ListBucket", BUCKET)),
    "full-listbucket-other-bucket": full(denied("s3:ListBucket", "arn:aws:s3:::state")),
    "full-createbucket": full(allowed("s3:CreateBucket", BUCKET)),
    "full-ownership-controls": full(allowed("s3:PutBucketOwnershipControls", BUCKET)),
    "full-tagresource-bucket": full(allowed("s3:TagResource", BUCKET)),
    "full-get-encryption": full(allowed("s3:GetEncryptionConfiguration", BUCKET)),
    "full-putbucketpolicy": full(allowed("s3:PutBucketPolicy", BUCKET)),
    "full-getobject-state": full(allowed("s3:GetObject", STATE)),
    "full-putobject-lockfile": full(allowed("s3:PutObject", LOCKFILE)),
    "full-deleteobject-lockfile": full(allowed("s3:DeleteObject", LOCKFILE)),
    "full-logs-bucket-prefix": full(
        allowed("s3:PutObject", "arn:aws:s3:::terragrunt-logs/x")
    ),
    "full-bucket-without-prefix": full(
        denied("s3:GetObject", "arn:aws:s3:::my-terragrunt/x")
    ),
    "full-dotted-name-prefix": full(
        allowed("s3:ListBucket", "arn:aws:s3:::terragrunt.state")
    ),
    "full-bucket-case": full(denied("s3:ListBucket", "arn:aws:s3:::Terragrunt-State")),
    "full-action-case": full(allowed("S3:LISTBUCKET", BUCKET)),
    "full-listallmybuckets": full(denied("s3:ListAllMyBuckets", "*")),
    "full-putitem-us-east-1": full(allowed("dynamodb:PutItem", table())),
    "full-putitem-eu-west-1": full(
        allowed("dynamodb:PutItem", table(region="eu-west-1"))
    ),
    "full-createtable-any-region": full(
        allowed("dynamodb:CreateTable", table(region="ap-southeast-2"))
    ),
    "full-putitem-other-account": full(
        denied("dynamodb:PutItem", table_in(REAL_ACCOUNT))
    ),
    "full-table-without-prefix": full(denied("dynamodb:DescribeTable", table("locks"))),
    "full-table-tagresource": full(allowed("dynamodb:TagResource", table())),
    "full-table-index": full(allowed("dynamodb:Query", f"{table()}/index/by-date")),
    "full-listtables": full(denied("dynamodb:ListTables", "*")),
    "full-assumerole": full(
        denied("sts:AssumeRole", f"arn:aws:iam::{DOCS_ACCOUNT}:role/terragrunt")
    ),
    "full-getcalleridentity": full(
        Case("sts:GetCallerIdentity", "*", True, "no permission needed")
    ),
    "full-iam-getuser": full(denied("iam:GetUser", DEVELOPER.arn)),
    # The minimal policy: named actions on one bucket, one object and one table.
    "minimal-listbucket": minimal(allowed("s3:ListBucket", BUCKET)),
    "minimal-createbucket": minimal(allowed("s3:CreateBucket", BUCKET)),
    "minimal-getbucketversioning": minimal(allowed("s3:GetBucketVersioning", BUCKET)),
    "minimal-putbucketversioning": minimal(allowed("s3:PutBucketVersioning", BUCKET)),
    "minimal-put-encryption": minimal(allowed("s3:PutEncryptionConfiguration", BUCKET)),
    "minimal-put-public-access-block": minimal(
        allowed("s3:PutBucketPublicAccessBlock", BUCKET)
    ),
    "minimal-putbucketpolicy": minimal(allowed("s3:PutBucketPolicy", BUCKET)),
    "minimal-putbuckettagging": minimal(allowed("s3:PutBucketTagging", BUCKET)),
    "minimal-getbucketacl": minimal(allowed("s3:GetBucketAcl", BUCKET)),
    "minimal-putbucketlogging": minimal(allowed("s3:PutBucketLogging", BUCKET)),
    "minimal-lacks-get-encryption": minimal(
        denied("s3:GetEncryptionConfiguration", BUCKET)
    ),
    "minimal-lacks-ownership-controls": minimal(
        denied("s3:PutBucketOwnershipControls", BUCKET)
    ),
    "minimal-lacks-getbucketpolicy": minimal(denied("s3:GetBucketPolicy", BUCKET)),
    "minimal-lacks-get-public-access-block": minimal(
        denied("s3:GetBucketPublicAccessBlock", BUCKET)
    ),
    "minimal-lacks-getbuckettagging": minimal(denied("s3:GetBucketTagging", BUCKET)),
    "minimal-lacks-s3-tagresource": minimal(denied("s3:TagResource", BUCKET)),
    "minimal-lacks-dynamodb-tagresource": minimal(
        denied("dynamodb:TagResource", table())
    ),
    "minimal-lacks-deleteobject": minimal(denied("s3:DeleteObject", DOCS_OBJECT)),
    "minimal-lacks-listbucketversions": minimal(
        denied("s3:ListBucketVersions", BUCKET)
    ),
    "minimal-getobject-documented-key": minimal(allowed("s3:GetObject", DOCS_OBJECT)),
    "minimal-putobject-documented-key": minimal(allowed("s3:PutObject", DOCS_OBJECT)),
    "minimal-putobject-state-key": minimal(denied("s3:PutObject", STATE)),
    "minimal-getobject-key-prefix": minimal(
        denied("s3:GetObject", f"{BUCKET}/some/path")
    ),
    "minimal-getobject-lockfile": minimal(
        denied("s3:GetObject", f"{DOCS_OBJECT}.tflock")
    ),
    "minimal-bucket-statement-not-objects": minimal(
        denied("s3:GetObject", f"{BUCKET}/terraform.tfstate")
    ),
    "minimal-other-bucket": minimal(denied("s3:ListBucket", "arn:aws:s3:::other")),
    "minimal-putitem-any-account": minimal(
        allowed("dynamodb:PutItem", table_in(REAL_ACCOUNT))
    ),
    "minimal-createtable-any-region": minimal(
        allowed("dynamodb:CreateTable", table(region="eu-central-1"))
    ),
    "minimal-describetable": minimal(allowed("dynamodb:DescribeTable", table())),
    "minimal-getitem": minimal(allowed("dynamodb:GetItem", table())),
    "minimal-deleteitem": minimal(allowed("dynamodb:DeleteItem", table())),
    "minimal-lacks-updatetable": minimal(denied("dynamodb:UpdateTable", table())),
    "minimal-other-table": minimal(
        denied("dynamodb:PutItem", table("terragrunt-locks-2"))
    ),
    # The external-bucket policy: s3:List* on the bucket, object actions on /*.
    "external-listbucket": external(allowed("s3:ListBucket", BUCKET)),
    "external-listbucketversions": external(allowed("s3:ListBucketVersions", BUCKET)),
    "external-list-multipart-uploads": external(
        allowed("s3:ListBucketMultipartUploads", BUCKET)
    ),
    "external-getbucketlocation": external(allowed("s3:GetBucketLocation", BUCKET)),
    "external-lacks-get-encryption": external(
        denied("s3:GetEncryptionConfiguration", BUCKET)
    ),
    "external-lacks-getbucketversioning": external(
        denied("s3:GetBucketVersioning", BUCKET)
    ),
    "external-lacks-createbucket": external(denied("s3:CreateBucket", BUCKET)),
    "external-lacks-putbucketpolicy": external(denied("s3:PutBucketPolicy", BUCKET)),
    "external-deleteobject-any-key": external(allowed("s3:DeleteObject", LOCKFILE)),
    "external-putobject-any-key": external(allowed("s3:PutObject", STATE)),
    "external-getobject-deep-key": external(
        allowed("s3:GetObject", f"{BUCKET}/a/b/c/d.tfstate")
    ),
    "external-list-star-not-on-objects": external(
        denied("s3:ListMultipartUploadParts", STATE)
    ),
    "external-no-putitem": external(denied("dynamodb:PutItem", table())),
    "external-no-describetable": external(denied("dynamodb:DescribeTable", table())),
    "external-no-createtable": external(denied("dynamodb:CreateTable", table())),
    # The bucket policy Terragrunt writes: RootAccess and EnforcedTLS.
    "enforced-tls-denies-plain-http": full(
        explicitly_denied(
            "s3:GetObject",
            STATE,
            bucket_policy=terragrunt_bucket_policy(),
            context=PLAIN_HTTP,
        )
    ),
    "enforced-tls-allows-tls": full(
        allowed(
            "s3:GetObject", STATE, bucket_policy=terragrunt_bucket_policy(), context=TLS
        )
    ),
    "enforced-tls-denies-bucket-call": full(
        explicitly_denied(
            "s3:ListBucket",
            BUCKET,
            bucket_policy=terragrunt_bucket_policy(),
            context=PLAIN_HTTP,
        )
    ),
    "enforced-tls-key-absent": full(
        allowed("s3:PutObject", STATE, bucket_policy=terragrunt_bucket_policy())
    ),
    "enforced-tls-denies-root-grant": explicitly_denied(
        "s3:PutObject",
        STATE,
        bucket_policy=terragrunt_bucket_policy(),
        caller=Caller.root(DOCS_ACCOUNT),
        context=PLAIN_HTTP,
    ),
    "root-access-alone-not-enough": denied(
        "s3:GetObject",
        STATE,
        bucket_policy=terragrunt_bucket_policy(),
        context=TLS,
        resource_account=DOCS_ACCOUNT,
    ),
    "root-access-cross-account-granted": full(
        allowed(
            "s3:GetObject",
            STATE,
            bucket_policy=terragrunt_bucket_policy(REAL_ACCOUNT),
            caller=OUTSIDER,
            context=TLS,
            resource_account=DOCS_ACCOUNT,
        )
    ),
    "root-access-cross-account-other": full(
        denied(
            "s3:GetObject",
            STATE,
            bucket_policy=terragrunt_bucket_policy(),
            caller=OUTSIDER,
            context=TLS,
            resource_account=DOCS_ACCOUNT,
        )
    ),
    "cross-account-needs-identity": denied(
        "s3:GetObject",
        STATE,
        bucket_policy=terragrunt_bucket_policy(REAL_ACCOUNT),
        caller=OUTSIDER,
        context=TLS,
        resource_account=DOCS_ACCOUNT,
    ),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_documented_policy_decision(case: Case) -> None:
    decision = decide(
        case.caller,
        case.action,
        case.resource,
        identity=case.identity,
        resource_policy=case.bucket_policy,
        context=case.context,
        resource_account=case.resource_account,
    )
    assert decision.allowed is case.allowed
    assert decision.reason == case.reason


def test_table_has_enough_cases() -> None:
    assert len(CASES) >= 60


def test_documented_placeholders_replaced() -> None:
    for loaded in (MINIMAL, EXTERNAL):
        text = loaded.to_json()
        assert "BUCKET_NAME" not in text
        assert "<BucketName>" not in text
        assert "TABLE_NAME" not in text


def test_enforced_tls_names_statement() -> None:
    decision = decide(
        DEVELOPER,
        "s3:GetObject",
        STATE,
        identity=[FULL],
        resource_policy=terragrunt_bucket_policy(),
        context=PLAIN_HTTP,
    )
    assert decision.statement == 'Sid "EnforcedTLS"'
    assert decision.policy_name == "bucket policy of terragrunt-state"
    assert decision.message.endswith("with an explicit deny in a resource-based policy")
