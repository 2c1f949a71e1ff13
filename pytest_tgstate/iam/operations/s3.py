"""S3 operations and the IAM actions they need.

Actions follow AWS's "Required permissions for Amazon S3 API operations":
HeadBucket and the List* object listings need ``s3:ListBucket``, bucket
encryption calls need ``s3:Get/PutEncryptionConfiguration``, bucket-level
public access block calls ``s3:Get/PutBucketPublicAccessBlock``, and Delete*
configuration calls mostly need the matching Put* action.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote

from ..arn import bucket_arn, object_arn
from .model import Operation, Requirement, Resolver, Rule

_GRANT_HEADERS = (
    "x-amz-grant-full-control",
    "x-amz-grant-read",
    "x-amz-grant-read-acp",
    "x-amz-grant-write",
    "x-amz-grant-write-acp",
)

#: Bucket-level operations and the one action each needs.
_BUCKET_ACTIONS: dict[str, str] = {
    "DeleteBucket": "s3:DeleteBucket",
    "HeadBucket": "s3:ListBucket",
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
}

#: Object-level operations and the one action each needs (before secondary ones).
_OBJECT_ACTIONS: dict[str, str] = {
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListParts": "s3:ListMultipartUploadParts",
    "RestoreObject": "s3:RestoreObject",
    "GetObjectRetention": "s3:GetObjectRetention",
    "PutObjectRetention": "s3:PutObjectRetention",
    "GetObjectLegalHold": "s3:GetObjectLegalHold",
    "PutObjectLegalHold": "s3:PutObjectLegalHold",
}

#: Operations for which S3 returns 405 MethodNotAllowed for callers outside the
#: bucket owner's account, even when their policies allow the action.
OWNER_ONLY_OPERATIONS = frozenset(
    {"GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"}
)


def _bucket(operation: Operation) -> str:
    return operation.bucket or ""


def _bucket_resource(operation: Operation, resolver: Resolver) -> str:
    return bucket_arn(_bucket(operation), resolver.partition)


def _object_resource(operation: Operation, resolver: Resolver) -> str:
    return object_arn(_bucket(operation), operation.key or "", resolver.partition)


def _header_context(operation: Operation) -> dict[str, tuple[str, ...]]:
    headers = operation.headers
    context: dict[str, tuple[str, ...]] = {}
    for header in (
        "x-amz-acl",
        "x-amz-server-side-encryption",
        "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-copy-source",
        "x-amz-object-ownership",
        "x-amz-content-sha256",
        "x-amz-storage-class",
        "x-amz-metadata-directive",
        *_GRANT_HEADERS,
    ):
        if header in headers:
            context[f"s3:{header}"] = (headers[header],)
    for header in ("if-none-match", "if-match"):
        if header in headers:
            context[f"s3:{header}"] = (headers[header],)
    return context


def _has_acl(operation: Operation) -> bool:
    return "x-amz-acl" in operation.headers or any(
        header in operation.headers for header in _GRANT_HEADERS
    )


def _bucket_rule(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        return [
            Requirement(
                action,
                _bucket_resource(operation, resolver),
                _header_context(operation),
            )
        ]

    return rule


def _object_rule(action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        return [
            Requirement(
                action,
                _object_resource(operation, resolver),
                _object_context(operation),
            )
        ]

    return rule


def _object_context(operation: Operation) -> dict[str, tuple[str, ...]]:
    context = _header_context(operation)
    version = operation.params.get("versionId")
    if version:
        context["s3:versionid"] = (str(version),)
    tagging = operation.headers.get("x-amz-tagging")
    if tagging:
        # The header is a URL query string, so "+" stands for a space.
        tags = parse_qsl(tagging, keep_blank_values=True)
        context["s3:requestobjecttagkeys"] = tuple(key for key, _ in tags)
        for key, value in tags:
            context[f"s3:requestobjecttag/{key.lower()}"] = (value,)
    return context


def _xml_local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_xml(body: bytes) -> ElementTree.Element | None:
    if not body.strip():
        return None
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None


def create_bucket_tags(body: bytes) -> list[tuple[str, str]]:
    """Return the tags sent in a CreateBucket request's CreateBucketConfiguration."""
    root = _parse_xml(body)
    if root is None:
        return []
    tags = []
    for element in root.iter():
        if _xml_local(element.tag) != "Tag":
            continue
        key = value = None
        for child in element:
            if _xml_local(child.tag) == "Key":
                key = child.text or ""
            elif _xml_local(child.tag) == "Value":
                value = child.text or ""
        if key is not None:
            tags.append((key, value or ""))
    return tags


def _location_constraint(body: bytes) -> str | None:
    root = _parse_xml(body)
    if root is None:
        return None
    for element in root.iter():
        if _xml_local(element.tag) == "LocationConstraint":
            return element.text or ""
    return None


def _tag_context(tags: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    context: dict[str, tuple[str, ...]] = {"aws:tagkeys": tuple(key for key, _ in tags)}
    for key, value in tags:
        context[f"aws:requesttag/{key.lower()}"] = (value,)
    return context


def _create_bucket(operation: Operation, resolver: Resolver) -> list[Requirement]:
    resource = _bucket_resource(operation, resolver)
    context = _header_context(operation)
    location = _location_constraint(operation.body)
    if location is not None:
        context["s3:locationconstraint"] = (location,)
    tags = create_bucket_tags(operation.body)
    if tags:
        context.update(_tag_context(tags))
    requirements = [Requirement("s3:CreateBucket", resource, context)]
    if "x-amz-object-ownership" in operation.headers:
        requirements.append(
            Requirement(
                "s3:PutBucketOwnershipControls",
                resource,
                context,
                reason=(
                    "CreateBucket sets object ownership (x-amz-object-ownership header)"
                ),
            )
        )
    if _has_acl(operation):
        requirements.append(
            Requirement(
                "s3:PutBucketAcl", resource, context, reason="CreateBucket sets an ACL"
            )
        )
    if tags:
        requirements.append(
            Requirement(
                "s3:TagResource", resource, context, reason="CreateBucket sets tags"
            )
        )
    if operation.headers.get("x-amz-bucket-object-lock-enabled", "").lower() == "true":
        for action in ("s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"):
            requirements.append(
                Requirement(
                    action, resource, context, reason="CreateBucket enables Object Lock"
                )
            )
    return requirements


def _list_objects(operation: Operation, resolver: Resolver) -> list[Requirement]:
    context = _header_context(operation)
    for parameter in ("prefix", "delimiter", "max-keys"):
        value = operation.params.get(parameter)
        if value is not None:
            context[f"s3:{parameter}"] = (str(value),)
    return [
        Requirement("s3:ListBucket", _bucket_resource(operation, resolver), context)
    ]


def _put_bucket_acl(operation: Operation, resolver: Resolver) -> list[Requirement]:
    return [
        Requirement(
            "s3:PutBucketAcl",
            _bucket_resource(operation, resolver),
            _header_context(operation),
        )
    ]


def _versioned(action: str, version_action: str) -> Rule:
    def rule(operation: Operation, resolver: Resolver) -> list[Requirement]:
        chosen = version_action if operation.params.get("versionId") else action
        return [
            Requirement(
                chosen,
                _object_resource(operation, resolver),
                _object_context(operation),
            )
        ]

    return rule


def _put_object(operation: Operation, resolver: Resolver) -> list[Requirement]:
    resource = _object_resource(operation, resolver)
    context = _object_context(operation)
    requirements = [Requirement("s3:PutObject", resource, context)]
    requirements.extend(_object_write_extras(operation, resource, context, "PutObject"))
    return requirements


def _object_write_extras(
    operation: Operation, resource: str, context: dict[str, tuple[str, ...]], name: str
) -> list[Requirement]:
    extras = []
    if _has_acl(operation):
        extras.append(
            Requirement(
                "s3:PutObjectAcl", resource, context, reason=f"{name} sets an ACL"
            )
        )
    if "x-amz-tagging" in operation.headers:
        extras.append(
            Requirement(
                "s3:PutObjectTagging", resource, context, reason=f"{name} sets tags"
            )
        )
    if (
        "x-amz-object-lock-mode" in operation.headers
        or "x-amz-object-lock-retain-until-date" in operation.headers
    ):
        extras.append(
            Requirement(
                "s3:PutObjectRetention",
                resource,
                context,
                reason=f"{name} sets retention",
            )
        )
    if "x-amz-object-lock-legal-hold" in operation.headers:
        extras.append(
            Requirement(
                "s3:PutObjectLegalHold",
                resource,
                context,
                reason=f"{name} sets a legal hold",
            )
        )
    return extras


def copy_source(header: str) -> tuple[str, str, str | None]:
    """Split an ``x-amz-copy-source`` value into bucket, key and version id."""
    source = unquote(header.split("?", 1)[0]).lstrip("/")
    version = None
    if "?versionId=" in header:
        version = header.split("?versionId=", 1)[1]
    bucket, _, key = source.partition("/")
    return bucket, key, version


def _copy_object(operation: Operation, resolver: Resolver) -> list[Requirement]:
    source_bucket, source_key, version = copy_source(
        operation.headers.get("x-amz-copy-source", "")
    )
    source_action = "s3:GetObjectVersion" if version else "s3:GetObject"
    source = object_arn(source_bucket, source_key, resolver.partition)
    target = _object_resource(operation, resolver)
    context = _object_context(operation)
    requirements = [
        Requirement(
            source_action,
            source,
            context,
            reason=f"{operation.name} reads the source object",
        ),
        Requirement(
            "s3:PutObject",
            target,
            context,
            reason=f"{operation.name} writes the target object",
        ),
    ]
    requirements.extend(
        _object_write_extras(operation, target, context, operation.name)
    )
    return requirements


def deleted_keys(body: bytes) -> list[tuple[str, str | None]]:
    """Return the (key, version id) pairs of a DeleteObjects request body."""
    root = _parse_xml(body)
    if root is None:
        return []
    keys = []
    for element in root:
        if _xml_local(element.tag) != "Object":
            continue
        key = ""
        version = None
        for child in element:
            if _xml_local(child.tag) == "Key":
                key = child.text or ""
            elif _xml_local(child.tag) == "VersionId":
                version = child.text
        keys.append((key, version))
    return keys


def _delete_objects(operation: Operation, resolver: Resolver) -> list[Requirement]:
    bucket = _bucket(operation)
    requirements = []
    for key, version in deleted_keys(operation.body):
        action = "s3:DeleteObjectVersion" if version else "s3:DeleteObject"
        requirements.append(
            Requirement(
                action,
                object_arn(bucket, key, resolver.partition),
                reason="DeleteObjects needs the permission for every key",
            )
        )
    if not requirements:
        # An empty or unreadable body still must not pass unchecked.
        requirements.append(
            Requirement("s3:DeleteObject", object_arn(bucket, "*", resolver.partition))
        )
    return requirements


def _get_object_attributes(
    operation: Operation, resolver: Resolver
) -> list[Requirement]:
    resource = _object_resource(operation, resolver)
    context = _object_context(operation)
    read = (
        "s3:GetObjectVersion" if operation.params.get("versionId") else "s3:GetObject"
    )
    attributes = (
        "s3:GetObjectVersionAttributes"
        if operation.params.get("versionId")
        else "s3:GetObjectAttributes"
    )
    return [
        Requirement(read, resource, context),
        Requirement(attributes, resource, context),
    ]


def _list_buckets(operation: Operation, resolver: Resolver) -> list[Requirement]:
    return [Requirement("s3:ListAllMyBuckets", "*")]


S3_RULES: dict[str, Rule] = {
    name: _bucket_rule(action) for name, action in _BUCKET_ACTIONS.items()
}
S3_RULES.update(
    {name: _object_rule(action) for name, action in _OBJECT_ACTIONS.items()}
)
_SPECIAL: dict[str, Callable[[Operation, Resolver], list[Requirement]]] = {
    "CreateBucket": _create_bucket,
    "ListObjects": _list_objects,
    "ListObjectsV2": _list_objects,
    "PutBucketAcl": _put_bucket_acl,
    "GetObject": _versioned("s3:GetObject", "s3:GetObjectVersion"),
    "HeadObject": _versioned("s3:GetObject", "s3:GetObjectVersion"),
    "DeleteObject": _versioned("s3:DeleteObject", "s3:DeleteObjectVersion"),
    "GetObjectAcl": _versioned("s3:GetObjectAcl", "s3:GetObjectVersionAcl"),
    "PutObjectAcl": _versioned("s3:PutObjectAcl", "s3:PutObjectVersionAcl"),
    "GetObjectTagging": _versioned("s3:GetObjectTagging", "s3:GetObjectVersionTagging"),
    "PutObjectTagging": _versioned("s3:PutObjectTagging", "s3:PutObjectVersionTagging"),
    "DeleteObjectTagging": _versioned(
        "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"
    ),
    "PutObject": _put_object,
    "CopyObject": _copy_object,
    "UploadPartCopy": _copy_object,
    "DeleteObjects": _delete_objects,
    "GetObjectAttributes": _get_object_attributes,
    "ListBuckets": _list_buckets,
}
S3_RULES.update(_SPECIAL)
