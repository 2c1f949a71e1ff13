"""The Terraform S3 backend at run time (Terraform 1.15), call by call.

``init`` configures the backend and lists workspaces. ``plan`` locks, reads
the state and unlocks. ``apply`` locks, reads, writes the state (with its
MD5 digest in the lock table when one is configured) and unlocks. Locking
uses the DynamoDB table (``dynamodb_table``), the S3 lock file
``<key>.tflock`` (``use_lockfile``), both (file first), or nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Literal

from .config import RemoteStateConfig
from .steps import StepRecorder, WorkflowFailed, WorkflowResult, run_workflow

TerraformCommand = Literal["init", "plan", "apply"]
TERRAFORM_COMMANDS: tuple[str, ...] = ("init", "plan", "apply")
TERRAFORM_VERSION = "1.15.5"
_DIGEST_RETRY_NOTE = "Terraform retries a digest mismatch for 10 s before failing"


def run_terraform(
    world: Any,
    principal: Any,
    config: RemoteStateConfig,
    command: TerraformCommand,
    *,
    who: str = "tgstate@localhost",
) -> WorkflowResult:
    """Run the backend calls of ``terraform <command>`` as ``principal``."""
    if command not in TERRAFORM_COMMANDS:
        raise ValueError(
            f"unknown Terraform command {command!r}; use init, plan or apply"
        )
    backend = _Backend(world, principal, config, f"terraform {command}", who)
    return run_workflow(
        world, backend.workflow, lambda recorder: backend.run(command, recorder)
    )


class _Backend:
    def __init__(
        self,
        world: Any,
        principal: Any,
        config: RemoteStateConfig,
        workflow: str,
        who: str,
    ) -> None:
        self.world = world
        self.config = config
        self.workflow = workflow
        self.who = who
        self.principal = principal
        self.lock_id = str(uuid.uuid4())
        self.lock_path = f"{config.bucket}/{config.key}"

    def run(self, command: str, recorder: StepRecorder) -> None:
        self.record = recorder
        self.configure()
        if command == "init":
            self.list_workspaces()
            self.list_workspaces()
            self.read_state()
            return
        self.list_workspaces()
        self.lock()
        try:
            state = self.read_state()
            if command == "apply":
                self.read_state()
                self.write_state(state)
        except WorkflowFailed:
            self.unlock(best_effort=True)
            raise
        self.unlock(best_effort=False)

    # -- configure -----------------------------------------------------------

    def configure(self) -> None:
        region = self.config.region
        principal = self.principal
        if self.config.role_to_assume:
            sts = self.world.client("sts", principal, region=region)
            # Without a session name the AWS SDK for Go v2 names the session
            # aws-go-sdk-<Unix time in nanoseconds>.
            session_name = (
                self.config.assume_role.session_name
                if self.config.assume_role
                else self.config.session_name
            ) or f"aws-go-sdk-{time.time_ns()}"
            result = self.record.call(
                "assume backend role",
                sts,
                "assume_role",
                RoleArn=self.config.role_to_assume,
                RoleSessionName=session_name,
            )
            assert result.response is not None
            from .terragrunt import _session_principal

            principal = _session_principal(result.response, self.config.role_to_assume)
        self.s3 = self.world.client("s3", principal, region=region)
        self.dynamodb = self.world.client("dynamodb", principal, region=region)
        sts = self.world.client("sts", principal, region=region)
        if not self.config.skip_credentials_validation:
            self.record.call("validate credentials", sts, "get_caller_identity")
            self.record.call("look up account id", sts, "get_caller_identity")
        elif not self.config.skip_requesting_account_id:
            # aws-sdk-go-base calls iam:GetUser first and falls back to
            # GetCallerIdentity when that fails.
            iam = self.world.client("iam", principal, region=region)
            user = self.record.call(
                "look up account id", iam, "get_user", tolerate=lambda _: True
            )
            if user.error is not None:
                self.record.call("look up account id", sts, "get_caller_identity")

    # -- workspaces ----------------------------------------------------------

    def list_workspaces(self) -> None:
        prefix = self.config.workspace_key_prefix
        # An AccessDenied on the default prefix is ignored (Terraform 1.7 and
        # later); with a custom prefix it stops Terraform.
        tolerate = ("AccessDenied",) if prefix == "env:" else ()
        try:
            self.record.call(
                "list workspaces",
                self.s3,
                "list_objects_v2",
                tolerate=tolerate,
                Bucket=self.config.bucket,
                Prefix=f"{prefix}/",
                MaxKeys=1000,
            )
        except WorkflowFailed as failure:
            if failure.step is None or failure.step.error_code != "NoSuchBucket":
                raise
            raise WorkflowFailed(
                failure.step, f"S3 bucket {self.config.bucket!r} does not exist"
            ) from None

    # -- state ---------------------------------------------------------------

    def read_state(self) -> bytes | None:
        head = self.record.call(
            "read state metadata",
            self.s3,
            "head_object",
            expect=("404", "NoSuchKey"),
            Bucket=self.config.bucket,
            Key=self.config.key,
        )
        body: bytes | None = None
        if head.error is None:
            result = self.record.call(
                "read state",
                self.s3,
                "get_object",
                Bucket=self.config.bucket,
                Key=self.config.key,
            )
            assert result.response is not None
            body = result.response["Body"].read()
        if self.config.dynamodb_table:
            digest = self.record.call(
                "read state digest",
                self.dynamodb,
                "get_item",
                tolerate=lambda _: True,
                note="errors are only logged",
                TableName=self.config.dynamodb_table,
                Key={"LockID": {"S": f"{self.lock_path}-md5"}},
                ConsistentRead=True,
                ProjectionExpression="LockID, Digest",
            )
            stored = (
                ((digest.response or {}).get("Item") or {}).get("Digest", {}).get("S")
            )
            # Terraform compares the digest with an empty one when the state
            # object is missing, so a digest left behind fails the read too.
            actual = hashlib.md5(body).hexdigest() if body else ""
            if stored and stored != actual:
                self.record.fail(
                    "state data in S3 does not have the expected content: "
                    "the digest in "
                    f"{self.config.dynamodb_table} is {stored}; {_DIGEST_RETRY_NOTE}"
                )
        return body

    def write_state(self, previous: bytes | None) -> None:
        serial = 1
        lineage = str(uuid.uuid4())
        if previous:
            try:
                document = json.loads(previous)
                serial = int(document.get("serial", 0)) + 1
                lineage = str(document.get("lineage", lineage))
            except (ValueError, TypeError):
                pass
        body = json.dumps(
            {
                "version": 4,
                "terraform_version": TERRAFORM_VERSION,
                "serial": serial,
                "lineage": lineage,
                "outputs": {"hello": {"value": "world", "type": "string"}},
                "resources": [],
                "check_results": None,
            },
            indent=2,
        ).encode()
        parameters = self._object_parameters()
        self.record.call(
            "write state",
            self.s3,
            "put_object",
            Bucket=self.config.bucket,
            Key=self.config.key,
            Body=body,
            ContentType="application/json",
            **parameters,
        )
        if self.config.dynamodb_table:
            self.record.call(
                "write state digest",
                self.dynamodb,
                "put_item",
                tolerate=lambda _: True,
                note="a failure is only logged",
                TableName=self.config.dynamodb_table,
                Item={
                    "LockID": {"S": f"{self.lock_path}-md5"},
                    "Digest": {"S": hashlib.md5(body).hexdigest()},
                },
            )

    def _object_parameters(self) -> dict[str, Any]:
        parameters: dict[str, Any] = {}
        if self.config.kms_key_id:
            parameters["ServerSideEncryption"] = "aws:kms"
            parameters["SSEKMSKeyId"] = self.config.kms_key_id
        elif self.config.encrypt:
            parameters["ServerSideEncryption"] = "AES256"
        if self.config.acl:
            parameters["ACL"] = self.config.acl
        if not self.config.skip_s3_checksum:
            parameters["ChecksumAlgorithm"] = "SHA256"
        return parameters

    # -- locking -------------------------------------------------------------

    def _lock_info(self) -> str:
        return json.dumps(
            {
                "ID": self.lock_id,
                "Operation": "OperationTypeApply",
                "Info": "",
                "Who": self.who,
                "Version": TERRAFORM_VERSION,
                "Created": datetime.now(timezone.utc).isoformat(),
                "Path": self.lock_path,
            }
        )

    def lock(self) -> None:
        file_locked = False
        if self.config.use_lockfile:
            self._lock_file()
            file_locked = True
        if self.config.dynamodb_table:
            try:
                self._lock_table()
            except WorkflowFailed:
                if file_locked:
                    self._unlock_file(best_effort=True)
                raise

    def _lock_file(self) -> None:
        key = f"{self.config.key}.tflock"
        # PutObject returns 412 PreconditionFailed when the lock file exists. After any
        # error Terraform reads the lock file to report who holds the lock.
        try:
            self.record.call(
                "acquire lock file",
                self.s3,
                "put_object",
                Bucket=self.config.bucket,
                Key=key,
                Body=self._lock_info().encode(),
                IfNoneMatch="*",
                ContentType="application/json",
                **self._object_parameters(),
            )
        except WorkflowFailed as failure:
            holder = self.record.call(
                "read lock holder",
                self.s3,
                "get_object",
                tolerate=lambda _: True,
                Bucket=self.config.bucket,
                Key=key,
            )
            info = (
                holder.response["Body"].read().decode()
                if holder.response
                else "unknown"
            )
            raise WorkflowFailed(
                failure.step,
                f"Error acquiring the state lock: {failure.message}. Lock Info: {info}",
            ) from None

    def _lock_table(self) -> None:
        # PutItem returns ConditionalCheckFailedException when the lock item exists.
        # After any error Terraform reads the item to report who holds the lock.
        try:
            self.record.call(
                "acquire lock",
                self.dynamodb,
                "put_item",
                TableName=self.config.dynamodb_table,
                Item={
                    "LockID": {"S": self.lock_path},
                    "Info": {"S": self._lock_info()},
                },
                ConditionExpression="attribute_not_exists(LockID)",
            )
        except WorkflowFailed as failure:
            holder = self.record.call(
                "read lock holder",
                self.dynamodb,
                "get_item",
                tolerate=lambda _: True,
                TableName=self.config.dynamodb_table,
                Key={"LockID": {"S": self.lock_path}},
                ConsistentRead=True,
                ProjectionExpression="LockID, Info",
            )
            info = (
                ((holder.response or {}).get("Item") or {})
                .get("Info", {})
                .get("S", "unknown")
            )
            raise WorkflowFailed(
                failure.step,
                f"Error acquiring the state lock: {failure.message}. Lock Info: {info}",
            ) from None

    def unlock(self, *, best_effort: bool) -> None:
        """Release the lock file, then the lock item, even when the first fails."""
        failures: list[WorkflowFailed] = []
        if self.config.use_lockfile:
            try:
                self._unlock_file(best_effort=best_effort)
            except WorkflowFailed as failure:
                failures.append(failure)
        if self.config.dynamodb_table:
            try:
                self._unlock_table(best_effort=best_effort)
            except WorkflowFailed as failure:
                failures.append(failure)
        if failures:
            message = "; ".join(failure.message for failure in failures)
            raise WorkflowFailed(failures[0].step, message)

    def _unlock_file(self, *, best_effort: bool) -> None:
        key = f"{self.config.key}.tflock"
        tolerate = (lambda _: True) if best_effort else ()
        try:
            self.record.call(
                "read lock file",
                self.s3,
                "get_object",
                tolerate=tolerate,
                Bucket=self.config.bucket,
                Key=key,
            )
            self.record.call(
                "release lock file",
                self.s3,
                "delete_object",
                tolerate=tolerate,
                Bucket=self.config.bucket,
                Key=key,
            )
        except WorkflowFailed as failure:
            raise WorkflowFailed(
                failure.step, f"Error releasing the state lock: {failure.message}"
            ) from None

    def _unlock_table(self, *, best_effort: bool) -> None:
        tolerate = (lambda _: True) if best_effort else ()
        try:
            self.record.call(
                "read lock",
                self.dynamodb,
                "get_item",
                tolerate=tolerate,
                TableName=self.config.dynamodb_table,
                Key={"LockID": {"S": self.lock_path}},
                ConsistentRead=True,
            )
            self.record.call(
                "release lock",
                self.dynamodb,
                "delete_item",
                tolerate=tolerate,
                TableName=self.config.dynamodb_table,
                Key={"LockID": {"S": self.lock_path}},
            )
        except WorkflowFailed as failure:
            raise WorkflowFailed(
                failure.step, f"Error releasing the state lock: {failure.message}"
            ) from None
