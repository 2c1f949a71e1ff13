"""The ``remote_state`` configuration of Terragrunt's S3 backend.

Every key Terragrunt 1.1 interprets for ``backend = "s3"`` is a field of
`RemoteStateConfig`, with Terragrunt's default. Keys Terraform alone reads are
accepted and passed through. An unknown key is an error that names the key
and the closest known one.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

LockMode = Literal["dynamodb", "lockfile", "both", "none"]
LOCK_MODES: tuple[str, ...] = ("dynamodb", "lockfile", "both", "none")


class ConfigError(ValueError):
    """An invalid remote_state config, ``--set`` option or terragrunt.hcl file."""


@dataclass(frozen=True)
class AssumeRoleConfig:
    """The ``assume_role`` block: the role Terragrunt and Terraform assume for state."""

    role_arn: str
    session_name: str = ""
    external_id: str = ""
    duration: str = ""
    policy: str = ""
    policy_arns: tuple[str, ...] = ()
    source_identity: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoteStateConfig:
    """The ``config`` map of a ``remote_state`` block for the S3 backend.

    Field defaults are Terragrunt's, except ``bucket`` and ``key``, which
    Terragrunt requires and which default here to this project's example
    names. ``passthrough`` holds Terraform-only keys Terragrunt forwards.
    """

    bucket: str = "terragrunt-state"
    key: str = "env/app/terraform.tfstate"
    region: str = "us-east-1"
    encrypt: bool = False
    dynamodb_table: str = ""
    use_lockfile: bool = False

    profile: str = ""
    shared_credentials_file: str = ""
    role_arn: str = ""
    external_id: str = ""
    session_name: str = ""
    assume_role: AssumeRoleConfig | None = None
    skip_credentials_validation: bool = False

    endpoint: str = ""
    dynamodb_endpoint: str = ""
    endpoints: Mapping[str, str] = field(default_factory=dict)
    force_path_style: bool = False
    use_path_style: bool = False

    s3_bucket_tags: Mapping[str, str] = field(default_factory=dict)
    dynamodb_table_tags: Mapping[str, str] = field(default_factory=dict)
    accesslogging_bucket_tags: Mapping[str, str] = field(default_factory=dict)

    skip_bucket_versioning: bool = False
    skip_bucket_ssencryption: bool = False
    skip_bucket_root_access: bool = False
    skip_bucket_enforced_tls: bool = False
    skip_bucket_public_access_blocking: bool = False
    skip_bucket_accesslogging: bool = False
    disable_bucket_update: bool = False
    enable_lock_table_ssencryption: bool = False

    accesslogging_bucket_name: str = ""
    accesslogging_target_prefix: str = "TFStateLogs/"
    accesslogging_target_object_partition_date_source: str = ""
    skip_accesslogging_bucket_acl: bool = False
    skip_accesslogging_bucket_enforced_tls: bool = False
    skip_accesslogging_bucket_public_access_blocking: bool = False
    skip_accesslogging_bucket_ssencryption: bool = False

    bucket_sse_algorithm: str = "aws:kms"
    bucket_sse_kms_key_id: str = ""
    disable_aws_client_checksums: bool = False

    workspace_key_prefix: str = "env:"
    kms_key_id: str = ""
    acl: str = ""
    skip_s3_checksum: bool = False
    skip_requesting_account_id: bool = False
    passthrough: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], *, source: str = "remote_state config"
    ) -> RemoteStateConfig:
        """Validate a ``config`` map (from HCL, a dict or ``--set``) into a config."""
        if not isinstance(mapping, Mapping):
            raise ConfigError(
                f"{source}: remote_state config = {mapping!r} is invalid; "
                'use a map such as {bucket = "b", key = "k"}'
            )
        return cls()._apply(mapping, source)

    def replace(
        self, *, source: str = "remote_state config", **changes: Any
    ) -> RemoteStateConfig:
        """Return a copy with ``changes`` applied and validated."""
        return self._apply(changes, source)

    def _apply(self, changes: Mapping[str, Any], source: str) -> RemoteStateConfig:
        values: dict[str, Any] = {}
        passthrough = dict(self.passthrough)
        lock_table: Any = None
        for name, value in changes.items():
            if not isinstance(name, str):
                raise ConfigError(
                    f"{source}: remote_state config key {name!r} is invalid; "
                    "use a string"
                )
            if name == "lock_table":
                lock_table = value
            elif name in _FIELDS:
                values[name] = _coerce(name, value, source)
            elif name in PASSTHROUGH_KEYS:
                passthrough[name] = value
            else:
                raise ConfigError(_unknown_key_message(name, source))
        # Terragrunt reads the deprecated lock_table key as dynamodb_table, and a
        # non-empty lock_table wins over dynamodb_table whatever the key order.
        if lock_table is not None:
            table = _string(lock_table, f"{source}: lock_table")
            if table:
                values["dynamodb_table"] = table
        values["passthrough"] = passthrough
        return dataclasses.replace(self, **values)

    @property
    def lock_mode(self) -> LockMode:
        """The state locking in use: DynamoDB table, S3 lock file, both or none."""
        if self.dynamodb_table and self.use_lockfile:
            return "both"
        if self.dynamodb_table:
            return "dynamodb"
        if self.use_lockfile:
            return "lockfile"
        return "none"

    @property
    def role_to_assume(self) -> str:
        """The state role ARN: ``assume_role.role_arn``, else ``role_arn``."""
        if self.assume_role is not None and self.assume_role.role_arn:
            return self.assume_role.role_arn
        return self.role_arn

    def to_dict(self, *, changed_only: bool = True) -> dict[str, Any]:
        """Return the configuration as a JSON-ready dict.

        With ``changed_only`` (the default) the dict contains ``bucket``, ``key``,
        ``region`` and the keys whose value differs from the default.
        Passthrough keys are always included.
        """
        defaults = RemoteStateConfig()
        always = ("bucket", "key", "region")
        result: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            if item.name == "passthrough":
                continue
            value = getattr(self, item.name)
            is_default = value == getattr(defaults, item.name)
            if changed_only and is_default and item.name not in always:
                continue
            if isinstance(value, AssumeRoleConfig):
                value = {
                    name: entry
                    for name, entry in dataclasses.asdict(value).items()
                    if entry not in ("", (), {})
                }
            elif isinstance(value, Mapping):
                value = dict(value)
            result[item.name] = value
        result.update(self.passthrough)
        return result


_FIELDS: dict[str, dataclasses.Field[Any]] = {
    item.name: item
    for item in dataclasses.fields(RemoteStateConfig)
    if item.name != "passthrough"
}

#: Keys Terraform's S3 backend reads and Terragrunt forwards unchanged.
PASSTHROUGH_KEYS = frozenset(
    {
        "assume_role_with_web_identity",
        "sse_customer_key",
        "skip_metadata_api_check",
        "skip_region_validation",
        "shared_credentials_files",
        "shared_config_files",
        "allowed_account_ids",
        "forbidden_account_ids",
        "max_retries",
        "retry_mode",
        "sts_endpoint",
        "iam_endpoint",
        "sts_region",
        "access_key",
        "secret_key",
        "token",
        "use_dualstack_endpoint",
        "use_fips_endpoint",
        "custom_ca_bundle",
        "ec2_metadata_service_endpoint",
        "ec2_metadata_service_endpoint_mode",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "insecure",
        "use_legacy_workflow",
    }
)


def _unknown_key_message(name: str, source: str) -> str:
    known = [*_FIELDS, "lock_table", *sorted(PASSTHROUGH_KEYS)]
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        hint = f"did you mean {close[0]!r}?"
    else:
        hint = "the keys are the fields of RemoteStateConfig and PASSTHROUGH_KEYS"
    return f"{source}: unknown remote_state config key {name!r}; {hint}"


def _coerce(name: str, value: Any, source: str) -> Any:
    default = _FIELDS[name].default
    where = f"{source}: {name}"
    if name == "assume_role":
        return _assume_role(value, where)
    if isinstance(default, bool):
        return _boolean(value, where)
    if isinstance(default, str):
        return _string(value, where)
    # the remaining fields are maps of strings
    return _string_map(value, where)


def _string(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ConfigError(f"{where} = {value!r} is invalid; use a string")
    return str(value)


def _string_map(value: Any, where: str) -> dict[str, str]:
    """Convert a map of scalars to a map of strings as HCL converts to map(string)."""
    if isinstance(value, str):
        value = _json_value(value, where)
    if not isinstance(value, Mapping):
        raise ConfigError(
            f'{where} = {value!r} is invalid; use a map such as {{owner = "team"}}'
        )
    result: dict[str, str] = {}
    for key, item in value.items():
        if item is None:
            continue  # HCL null leaves the entry unset
        if isinstance(item, bool):
            result[str(key)] = "true" if item else "false"
        elif isinstance(item, (str, int, float)):
            result[str(key)] = str(item)
        else:
            raise ConfigError(
                f"{where}: value {item!r} of {key!r} is invalid; use a string"
            )
    return result


def _boolean(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ConfigError(f"{where} = {value!r} is invalid; use true or false")


def _json_value(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise ConfigError(
            f"{where} = {text!r} is invalid JSON; "
            'give a JSON value such as \'{"owner": "team"}\''
        ) from None


def _assume_role(value: Any, where: str) -> AssumeRoleConfig | None:
    if value is None or isinstance(value, AssumeRoleConfig):
        return value
    if isinstance(value, str):
        value = _json_value(value, where)
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} = {value!r} is invalid; use a map with role_arn")
    known = {item.name for item in dataclasses.fields(AssumeRoleConfig)}
    for key in value:
        if key not in known:
            raise ConfigError(
                f"{where}: unknown key {key!r}; "
                f"valid keys are {', '.join(sorted(known))}"
            )
    if not value.get("role_arn"):
        raise ConfigError(f"{where}: role_arn is missing")
    arguments: dict[str, Any] = {}
    for key, item in value.items():
        if item is None:
            continue  # HCL null leaves the key unset
        if key in ("policy_arns", "transitive_tag_keys"):
            arguments[key] = _string_list(item, f"{where}.{key}")
        elif key == "tags":
            arguments[key] = _string_map(item, f"{where}.{key}")
        elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise ConfigError(f"{where}.{key} = {item!r} is invalid; use a string")
        else:
            arguments[key] = str(item)
    return AssumeRoleConfig(**arguments)


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, (str, Mapping)) or not isinstance(value, (list, tuple)):
        raise ConfigError(
            f'{where} = {value!r} is invalid; use a list of strings such as ["a"]'
        )
    for entry in value:
        if not isinstance(entry, str):
            raise ConfigError(f"{where}: entry {entry!r} is invalid; use a string")
    return tuple(value)


def parse_set_option(text: str) -> tuple[str, Any]:
    """Parse ``--set KEY=VALUE`` into a key and a value.

    ``true`` and ``false`` (any case) become booleans, and a value starting with
    ``{`` or ``[`` is decoded as JSON. Any other value stays a string.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    raw = raw.strip()
    if not sep or not key:
        raise ConfigError(
            f"--set {text!r} is invalid; write KEY=VALUE, "
            "for example --set disable_bucket_update=true"
        )
    value: Any = raw
    if raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    elif raw.lstrip().startswith(("{", "[")):
        value = _json_value(raw, f"--set {key}")
    return key, value
