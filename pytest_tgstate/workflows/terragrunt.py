"""Terragrunt's S3 remote-state bootstrap, call by call.

`bootstrap` makes the AWS calls Terragrunt makes for ``terragrunt init
--backend-bootstrap --non-interactive`` (or ``terragrunt backend bootstrap``):
every prompt is answered yes. Two behaviours are modelled:

- ``current``: Terragrunt 1.1.x (AWS SDK for Go v2). A HeadBucket error
  other than 404 stops the bootstrap; tags go into CreateBucket and
  CreateTable as well as into the tagging calls after them.
- ``legacy``: Terragrunt before 0.85 (AWS SDK for Go v1). Any HeadBucket
  error meant "bucket missing", so a denied HeadBucket led to CreateBucket;
  tags were only applied after creation.

Terragrunt polls bucket creation, table status and ACL grants with sleeps
of 5 to 20 seconds. The model records each poll as a step and never sleeps.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Literal

from .config import RemoteStateConfig
from .steps import (
    CallResult,
    StepRecorder,
    WorkflowFailed,
    WorkflowResult,
    run_workflow,
)

TerragruntBehaviour = Literal["current", "legacy"]
TERRAGRUNT_BEHAVIOURS: tuple[str, ...] = ("current", "legacy")
WORKFLOW = "terragrunt bootstrap"

_BUCKET_POLLS = 12
_TABLE_POLLS = 30
_ACL_POLLS = 10
_LOG_DELIVERY_URI = "http://acs.amazonaws.com/groups/s3/LogDelivery"
#: CreateBucket errors that mean another process is creating the bucket.
_CONCURRENT_CREATION = ("BucketAlreadyOwnedByYou", "OperationAborted")


@dataclass
class _Clients:
    s3: Any
    dynamodb: Any
    sts: Any


def bootstrap(
    world: Any,
    principal: Any,
    config: RemoteStateConfig,
    *,
    behaviour: TerragruntBehaviour = "current",
) -> WorkflowResult:
    """Run Terragrunt's bootstrap for ``config`` as ``principal`` in ``world``."""
    if behaviour not in TERRAGRUNT_BEHAVIOURS:
        raise ValueError(
            f"unknown Terragrunt behaviour {behaviour!r}; use current or legacy"
        )
    return run_workflow(
        world,
        WORKFLOW,
        lambda recorder: _Bootstrap(
            world, principal, config, behaviour, recorder
        ).run(),
    )


class _Bootstrap:
    def __init__(
        self,
        world: Any,
        principal: Any,
        config: RemoteStateConfig,
        behaviour: TerragruntBehaviour,
        recorder: StepRecorder,
    ) -> None:
        self.world = world
        self.principal = principal
        self.config = config
        self.legacy = behaviour == "legacy"
        self.record = recorder
        self.bucket = config.bucket
        self.clients = self._clients(principal)

    def _clients(self, principal: Any) -> _Clients:
        region = self.config.region
        return _Clients(
            s3=self.world.client("s3", principal, region=region),
            dynamodb=self.world.client("dynamodb", principal, region=region),
            sts=self.world.client("sts", principal, region=region),
        )

    # -- the whole sequence --------------------------------------------------

    def run(self) -> None:
        self.client_construction()
        created = self.create_bucket_if_necessary()
        if not self.config.disable_bucket_update:
            self.update_bucket_if_necessary()
        if not self.config.skip_bucket_versioning:
            self.check_versioning()
        if self.config.dynamodb_table:
            self.create_lock_table_if_necessary()
            if self.config.enable_lock_table_ssencryption:
                self.enable_lock_table_encryption()
        del created

    def client_construction(self) -> None:
        role = self.config.role_to_assume
        if role:
            # Without a session name Terragrunt uses the current Unix time in
            # nanoseconds.
            session_name = (
                self.config.assume_role.session_name
                if self.config.assume_role and self.config.assume_role.session_name
                else self.config.session_name or str(time.time_ns())
            )
            parameters: dict[str, Any] = {
                "RoleArn": role,
                "RoleSessionName": session_name,
                "DurationSeconds": 3600,
            }
            external_id = (
                self.config.assume_role.external_id
                if self.config.assume_role
                else self.config.external_id
            )
            if external_id:
                parameters["ExternalId"] = external_id
            result = self.record.call(
                "assume backend role", self.clients.sts, "assume_role", **parameters
            )
            assert result.response is not None
            self.clients = self._clients(_session_principal(result.response, role))
        if not self.config.skip_credentials_validation:
            self.record.call(
                "check credentials", self.clients.sts, "get_caller_identity"
            )

    # -- bucket creation -----------------------------------------------------

    def bucket_exists(self, name: str, step: str) -> bool:
        if self.legacy:
            result = self.record.call(
                step,
                self.clients.s3,
                "head_bucket",
                tolerate=lambda _: True,
                Bucket=name,
            )
            return result.error is None
        result = self.record.call(
            step,
            self.clients.s3,
            "head_bucket",
            expect=("404", "NoSuchBucket"),
            Bucket=name,
        )
        return result.error is None

    def create_bucket_if_necessary(self) -> bool:
        if self.bucket_exists(self.bucket, "check bucket exists"):
            return False
        created = self.create_bucket(
            self.bucket,
            self.config.s3_bucket_tags,
            probe_key=self.config.key,
            label="bucket",
        )
        self.wait_for_bucket(self.bucket, "wait for bucket")
        if not created:
            # The process that is creating the bucket also configures it.
            return False
        if not self.config.skip_bucket_root_access:
            self.enable_root_access(self.bucket)
        if not self.config.skip_bucket_enforced_tls:
            self.enable_enforced_tls(self.bucket)
        if not self.config.skip_bucket_public_access_blocking:
            self.block_public_access(self.bucket, "block public access")
        if self.config.s3_bucket_tags:
            self.record.call(
                "tag bucket",
                self.clients.s3,
                "put_bucket_tagging",
                tolerate=("MethodNotAllowed",),
                Bucket=self.bucket,
                Tagging=_tagging(self.config.s3_bucket_tags),
            )
        if not self.config.skip_bucket_versioning:
            self.enable_versioning(self.bucket, "enable versioning")
        if not self.config.skip_bucket_ssencryption:
            self.enable_encryption(
                self.bucket,
                self.config.bucket_sse_algorithm,
                self.config.bucket_sse_kms_key_id,
                "encrypt bucket",
            )
        if self.config.skip_bucket_accesslogging:
            self.record.warn(
                "skip_bucket_accesslogging is deprecated; "
                "leave accesslogging_bucket_name empty instead"
            )
        if self.config.accesslogging_bucket_name:
            self.enable_access_logging()
        if self.config.accesslogging_bucket_tags:
            self.tag_log_bucket()
        return True

    def create_bucket(
        self, name: str, tags: Any, *, probe_key: str | None, label: str
    ) -> bool:
        """Create bucket ``name``; return False when another process is creating it.

        When CreateBucket for the state bucket fails, Terragrunt reads the state
        object at ``probe_key`` before it looks at the error. It treats
        BucketAlreadyOwnedByYou and OperationAborted as a concurrent creation
        only when that read did not fail. Terragrunt 1.1 joins any error of the
        read to the CreateBucket error and stops. Terragrunt before 0.85
        ignored NoSuchBucket and NoSuchKey from the read and stopped on any
        other error of it.
        """
        parameters: dict[str, Any] = {"Bucket": name, "ObjectOwnership": "ObjectWriter"}
        configuration: dict[str, Any] = {}
        if self.config.region != "us-east-1":
            configuration["LocationConstraint"] = self.config.region
        if tags and not self.legacy:
            configuration["Tags"] = [
                {"Key": key, "Value": value} for key, value in tags.items()
            ]
        if configuration:
            parameters["CreateBucketConfiguration"] = configuration
        try:
            created = self.record.call(
                f"create {label}",
                self.clients.s3,
                "create_bucket",
                tolerate=_CONCURRENT_CREATION if probe_key is not None else (),
                **parameters,
            )
        except WorkflowFailed:
            if probe_key is not None:
                self._probe_state_object(name, probe_key)
            raise
        if created.error is None:
            return True
        assert probe_key is not None
        probe = self._probe_state_object(name, probe_key)
        if probe.error is not None and not self.legacy:
            self.record.fail(f"{created.error}; {probe.error}", created.step)
        return False

    def _probe_state_object(self, name: str, key: str) -> CallResult:
        return self.record.call(
            "probe state object after failed create",
            self.clients.s3,
            "get_object",
            tolerate=("NoSuchBucket", "NoSuchKey") if self.legacy else lambda _: True,
            Bucket=name,
            Key=key,
        )

    def wait_for_bucket(self, name: str, step: str) -> None:
        for attempt in range(1, _BUCKET_POLLS + 1):
            result = self.record.call(
                step,
                self.clients.s3,
                "head_bucket",
                tolerate=lambda _: True,
                # Terragrunt polls again after a denial, but a denial on every
                # poll ends the bootstrap.
                denial_tolerated=False,
                note=f"poll {attempt} of {_BUCKET_POLLS}, 5 s apart",
                Bucket=name,
            )
            if result.error is None:
                return
        self.record.fail(
            f"S3 bucket {name} still does not exist after {_BUCKET_POLLS} polls"
        )

    def _read_policy(self, name: str, step: str, *, tolerate: bool) -> dict[str, Any]:
        result = self.record.call(
            step,
            self.clients.s3,
            "get_bucket_policy",
            tolerate=(lambda _: True) if tolerate else ("NoSuchBucketPolicy",),
            expect=("NoSuchBucketPolicy",) if not tolerate else (),
            Bucket=name,
        )
        if result.error is not None or result.response is None:
            return {"Version": "2012-10-17", "Statement": []}
        document = json.loads(result.response["Policy"])
        if isinstance(document.get("Statement"), dict):
            document["Statement"] = [document["Statement"]]
        return dict(document)

    def _caller_account(self, step: str) -> str:
        result = self.record.call(step, self.clients.sts, "get_caller_identity")
        assert result.response is not None
        return str(result.response["Account"])

    def enable_root_access(self, name: str) -> None:
        account = self._caller_account("look up account id")
        self._caller_account("look up partition")
        policy = self._read_policy(
            name, "read bucket policy (root access)", tolerate=True
        )
        if any(
            statement.get("Sid") == "RootAccess" for statement in policy["Statement"]
        ):
            return
        statement = {
            "Sid": "RootAccess",
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Principal": {"AWS": [f"arn:aws:iam::{account}:root"]},
        }
        self._write_policy(name, statement, policy, "write bucket policy (root access)")

    def enable_enforced_tls(self, name: str, prefix: str = "") -> None:
        self._caller_account(f"{prefix}look up partition")
        policy = self._read_policy(
            name, f"{prefix}read bucket policy (TLS)", tolerate=True
        )
        if any(
            statement.get("Sid") == "EnforcedTLS" for statement in policy["Statement"]
        ):
            return
        statement = {
            "Sid": "EnforcedTLS",
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Principal": {"*": ["*"]},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        self._write_policy(
            name, statement, policy, f"{prefix}write bucket policy (TLS)"
        )

    def _write_policy(
        self, name: str, statement: dict[str, Any], existing: dict[str, Any], step: str
    ) -> None:
        document = {
            "Version": "2012-10-17",
            "Statement": [statement, *existing["Statement"]],
        }
        self.record.call(
            step,
            self.clients.s3,
            "put_bucket_policy",
            Bucket=name,
            Policy=json.dumps(document),
        )

    def block_public_access(self, name: str, step: str) -> None:
        self.record.call(
            step,
            self.clients.s3,
            "put_public_access_block",
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )

    def enable_versioning(self, name: str, step: str) -> None:
        self.record.call(
            step,
            self.clients.s3,
            "put_bucket_versioning",
            Bucket=name,
            VersioningConfiguration={"Status": "Enabled"},
        )

    def enable_encryption(
        self, name: str, algorithm: str, key_id: str, step: str
    ) -> None:
        self._caller_account("look up account id for encryption")
        self._caller_account("look up partition for encryption")
        default: dict[str, Any] = {"SSEAlgorithm": algorithm}
        if algorithm == "aws:kms" and key_id:
            default["KMSMasterKeyID"] = key_id
        self.record.call(
            step,
            self.clients.s3,
            "put_bucket_encryption",
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": default,
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )

    # -- access logging ------------------------------------------------------

    def enable_access_logging(self) -> None:
        log_bucket = self.config.accesslogging_bucket_name
        if not self.bucket_exists(log_bucket, "check log bucket exists"):
            self.create_bucket(
                log_bucket,
                self.config.accesslogging_bucket_tags,
                probe_key=None,
                label="log bucket",
            )
            self.wait_for_bucket(log_bucket, "wait for log bucket")
        if not self.config.skip_accesslogging_bucket_public_access_blocking:
            self.block_public_access(log_bucket, "block public access on log bucket")
        if not self.config.skip_accesslogging_bucket_acl:
            self.record.call(
                "grant log delivery on log bucket",
                self.clients.s3,
                "put_bucket_acl",
                Bucket=log_bucket,
                GrantWrite=f"uri={_LOG_DELIVERY_URI}",
                GrantReadACP=f"uri={_LOG_DELIVERY_URI}",
            )
            self._wait_for_log_acl(log_bucket)
        target: dict[str, Any] = {
            "TargetBucket": log_bucket,
            "TargetPrefix": self.config.accesslogging_target_prefix,
        }
        date_source = self.config.accesslogging_target_object_partition_date_source
        if date_source:
            target["TargetObjectKeyFormat"] = {
                "PartitionedPrefix": {"PartitionDateSource": date_source}
            }
        self.record.call(
            "enable access logging",
            self.clients.s3,
            "put_bucket_logging",
            Bucket=self.bucket,
            BucketLoggingStatus={"LoggingEnabled": target},
        )
        if not self.config.skip_accesslogging_bucket_ssencryption:
            self.enable_encryption(log_bucket, "AES256", "", "encrypt log bucket")
        if not self.config.skip_accesslogging_bucket_enforced_tls:
            self.enable_enforced_tls(log_bucket, prefix="log bucket: ")
        if not self.config.skip_bucket_versioning:
            self.enable_versioning(log_bucket, "enable versioning on log bucket")

    def _wait_for_log_acl(self, log_bucket: str) -> None:
        for attempt in range(1, _ACL_POLLS + 1):
            result = self.record.call(
                "wait for log delivery grants",
                self.clients.s3,
                "get_bucket_acl",
                note=f"poll {attempt} of {_ACL_POLLS}, 5 s apart",
                Bucket=log_bucket,
            )
            assert result.response is not None
            permissions = {
                grant.get("Permission")
                for grant in result.response.get("Grants", [])
                if grant.get("Grantee", {}).get("URI") == _LOG_DELIVERY_URI
            }
            if {"WRITE", "READ_ACP"} <= permissions:
                return
        self.record.fail(
            f"log bucket {log_bucket} never showed the log delivery grants"
        )

    def tag_log_bucket(self) -> None:
        log_bucket = self.config.accesslogging_bucket_name
        if not log_bucket:
            # Terragrunt tags the log bucket even when no name is configured.
            # The SDK rejects the empty bucket name before sending a request,
            # so no step failed.
            raise WorkflowFailed(
                None,
                "accesslogging_bucket_tags is set but accesslogging_bucket_name "
                "is empty; Terragrunt fails tagging a bucket with an empty name",
            )
        self.record.call(
            "tag log bucket",
            self.clients.s3,
            "put_bucket_tagging",
            Bucket=log_bucket,
            Tagging=_tagging(self.config.accesslogging_bucket_tags),
        )

    # -- update check --------------------------------------------------------

    def update_bucket_if_necessary(self) -> None:
        config = self.config
        if not self.bucket_exists(self.bucket, "check bucket exists (update)"):
            self.record.fail(f"S3 bucket {self.bucket} does not exist")
        needs: list[str] = []
        versioning = False
        if not config.skip_bucket_versioning:
            self.record.call(
                "check bucket exists (versioning)",
                self.clients.s3,
                "head_bucket",
                Bucket=self.bucket,
            )
            result = self.record.call(
                "read versioning",
                self.clients.s3,
                "get_bucket_versioning",
                Bucket=self.bucket,
            )
            assert result.response is not None
            if result.response.get("Status") != "Enabled":
                versioning = True
                needs.append("versioning")
                self.record.warn(
                    "versioning is not enabled for the remote state S3 bucket "
                    f"{self.bucket}"
                )
        encryption = False
        if not config.skip_bucket_ssencryption:
            encryption = self._encryption_needs_update()
            if encryption:
                needs.append("server-side encryption")
        root_access = tls = False
        if not config.skip_bucket_root_access:
            policy = self._read_policy(
                self.bucket, "read bucket policy (root access check)", tolerate=False
            )
            root_access = not _has_sid(policy, "RootAccess")
            if root_access:
                needs.append("root access policy")
        if not config.skip_bucket_enforced_tls:
            policy = self._read_policy(
                self.bucket, "read bucket policy (TLS check)", tolerate=False
            )
            tls = not _has_sid(policy, "EnforcedTLS")
            if tls:
                needs.append("enforced TLS policy")
        logging = False
        if not config.skip_bucket_accesslogging and config.accesslogging_bucket_name:
            result = self.record.call(
                "read access logging",
                self.clients.s3,
                "get_bucket_logging",
                Bucket=self.bucket,
            )
            assert result.response is not None
            logging = "LoggingEnabled" not in result.response
            if logging:
                needs.append("access logging")
        public_access = False
        if not config.skip_bucket_public_access_blocking:
            result = self.record.call(
                "read public access block",
                self.clients.s3,
                "get_public_access_block",
                expect=("NoSuchPublicAccessBlockConfiguration",),
                Bucket=self.bucket,
            )
            block = (result.response or {}).get("PublicAccessBlockConfiguration", {})
            public_access = result.error is not None or not all(
                block.get(flag)
                for flag in (
                    "BlockPublicAcls",
                    "IgnorePublicAcls",
                    "BlockPublicPolicy",
                    "RestrictPublicBuckets",
                )
            )
            if public_access:
                needs.append("public access block")
        if not needs:
            return
        self.record.warn(
            f"remote state S3 bucket {self.bucket} is out of date: " + ", ".join(needs)
        )
        if versioning:
            self.enable_versioning(self.bucket, "update: enable versioning")
        if encryption:
            self.enable_encryption(
                self.bucket,
                config.bucket_sse_algorithm,
                config.bucket_sse_kms_key_id,
                "update: encrypt bucket",
            )
        if root_access:
            self.enable_root_access(self.bucket)
        if tls:
            self.enable_enforced_tls(self.bucket)
        if logging:
            self.enable_access_logging()
        if public_access:
            self.block_public_access(self.bucket, "update: block public access")

    def _encryption_needs_update(self) -> bool:
        result = self.record.call(
            "read bucket encryption",
            self.clients.s3,
            "get_bucket_encryption",
            expect=("ServerSideEncryptionConfigurationNotFoundError",),
            Bucket=self.bucket,
        )
        if result.error is not None or result.response is None:
            return True
        expected = self.config.bucket_sse_algorithm
        rules = result.response.get("ServerSideEncryptionConfiguration", {}).get(
            "Rules", []
        )
        for rule in rules:
            default = rule.get("ApplyServerSideEncryptionByDefault", {})
            if default.get("SSEAlgorithm") != expected:
                continue
            if expected == "aws:kms" and self.config.bucket_sse_kms_key_id:
                key_id = default.get("KMSMasterKeyID")
                return bool(key_id != self.config.bucket_sse_kms_key_id)
            return False
        return True

    # -- versioning check ----------------------------------------------------

    def check_versioning(self) -> None:
        result = self.record.call(
            "check bucket exists (versioning check)",
            self.clients.s3,
            "head_bucket",
            expect=("404", "NoSuchBucket"),
            Bucket=self.bucket,
        )
        if result.error is not None:
            self.record.fail(f"remote state S3 bucket {self.bucket} does not exist")
        versioning = self.record.call(
            "check versioning",
            self.clients.s3,
            "get_bucket_versioning",
            Bucket=self.bucket,
        )
        assert versioning.response is not None
        if versioning.response.get("Status") != "Enabled":
            self.record.warn(
                "versioning is not enabled for the remote state S3 bucket "
                f"{self.bucket}; "
                "enable it to keep the history of the state"
            )

    # -- lock table ----------------------------------------------------------

    def create_lock_table_if_necessary(self) -> None:
        table = self.config.dynamodb_table
        result = self.record.call(
            "check lock table exists",
            self.clients.dynamodb,
            "describe_table",
            expect=("ResourceNotFoundException",),
            TableName=table,
        )
        if result.error is None:
            if (
                result.response
                and result.response["Table"].get("TableStatus") != "ACTIVE"
            ):
                self.wait_for_table(table)
            return
        parameters: dict[str, Any] = {
            "TableName": table,
            "AttributeDefinitions": [{"AttributeName": "LockID", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "LockID", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        }
        tags = [
            {"Key": key, "Value": value}
            for key, value in self.config.dynamodb_table_tags.items()
        ]
        if tags and not self.legacy:
            parameters["Tags"] = tags
        created = self.record.call(
            "create lock table",
            self.clients.dynamodb,
            "create_table",
            expect=("ResourceInUseException",),
            **parameters,
        )
        self.wait_for_table(table)
        if tags and created.error is None and created.response is not None:
            self.record.call(
                "tag lock table",
                self.clients.dynamodb,
                "tag_resource",
                ResourceArn=created.response["TableDescription"]["TableArn"],
                Tags=tags,
            )

    def wait_for_table(self, table: str) -> None:
        for attempt in range(1, _TABLE_POLLS + 1):
            result = self.record.call(
                "wait for lock table",
                self.clients.dynamodb,
                "describe_table",
                note=f"poll {attempt} of {_TABLE_POLLS}, 10 s apart",
                TableName=table,
            )
            assert result.response is not None
            if result.response["Table"].get("TableStatus") == "ACTIVE":
                return
        self.record.fail(f"lock table {table} is not ACTIVE after {_TABLE_POLLS} polls")

    def enable_lock_table_encryption(self) -> None:
        table = self.config.dynamodb_table
        result = self.record.call(
            "read lock table encryption",
            self.clients.dynamodb,
            "describe_table",
            TableName=table,
        )
        assert result.response is not None
        if (
            result.response["Table"].get("SSEDescription", {}).get("Status")
            == "ENABLED"
        ):
            return
        self.record.call(
            "enable lock table encryption",
            self.clients.dynamodb,
            "update_table",
            TableName=table,
            SSESpecification={"Enabled": True, "SSEType": "KMS"},
        )
        for attempt in range(1, _TABLE_POLLS + 1):
            polled = self.record.call(
                "wait for lock table encryption",
                self.clients.dynamodb,
                "describe_table",
                note=f"poll {attempt} of {_TABLE_POLLS}, 20 s apart",
                TableName=table,
            )
            assert polled.response is not None
            if (
                polled.response["Table"].get("SSEDescription", {}).get("Status")
                == "ENABLED"
            ):
                break
        else:
            self.record.fail(
                f"lock table {table} never reported server-side encryption ENABLED"
            )
        self.wait_for_table(table)


def _has_sid(policy: dict[str, Any], sid: str) -> bool:
    return any(statement.get("Sid") == sid for statement in policy.get("Statement", []))


def _tagging(tags: Any) -> dict[str, Any]:
    return {"TagSet": [{"Key": key, "Value": value} for key, value in tags.items()]}


def _session_principal(response: dict[str, Any], role_arn: str) -> Any:
    from ..world.principals import Principal

    credentials = response["Credentials"]
    return Principal(
        kind="role-session",
        name=str(response["AssumedRoleUser"]["Arn"]).rsplit("/", 1)[-1],
        arn=str(response["AssumedRoleUser"]["Arn"]),
        account=role_arn.split(":")[4],
        access_key_id=credentials["AccessKeyId"],
        secret_access_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
        expiration=credentials["Expiration"],
        role_arn=role_arn,
    )
