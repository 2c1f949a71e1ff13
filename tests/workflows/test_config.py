"""Tests for RemoteStateConfig validation, its properties and ``--set`` parsing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_tgstate.workflows.config import (
    PASSTHROUGH_KEYS,
    AssumeRoleConfig,
    ConfigError,
    RemoteStateConfig,
    parse_set_option,
)

ROLE = "arn:aws:iam::123456789012:role/deployer"


# Booleans


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("FALSE", False), ("True", True)],
)
def test_bool_field_coercion(value: Any, expected: bool) -> None:
    config = RemoteStateConfig.from_mapping({"encrypt": value})
    assert config.encrypt is expected


@pytest.mark.parametrize("value", ["yes", 1, 0, None, ["true"]])
def test_bool_field_rejects_value(value: Any) -> None:
    with pytest.raises(
        ConfigError, match=r"encrypt = .* is invalid; use true or false"
    ):
        RemoteStateConfig.from_mapping({"encrypt": value})


# Strings


@pytest.mark.parametrize(
    ("value", "expected"),
    [("eu-west-1", "eu-west-1"), (5, "5"), (1.5, "1.5")],
)
def test_string_field_coercion(value: Any, expected: str) -> None:
    config = RemoteStateConfig.from_mapping({"region": value})
    assert config.region == expected


@pytest.mark.parametrize("value", [True, None, ["a"], {"a": "b"}])
def test_string_field_rejects_value(value: Any) -> None:
    with pytest.raises(ConfigError, match=r"region = .* is invalid; use a string"):
        RemoteStateConfig.from_mapping({"region": value})


# Maps of strings


def test_map_field_keeps_strings() -> None:
    config = RemoteStateConfig.from_mapping({"s3_bucket_tags": {"owner": "team"}})
    assert config.s3_bucket_tags == {"owner": "team"}


def test_map_field_converts_scalars() -> None:
    tags = {"count": 3, "ratio": 1.5, "enabled": True, "off": False}
    config = RemoteStateConfig.from_mapping({"dynamodb_table_tags": tags})
    assert config.dynamodb_table_tags == {
        "count": "3",
        "ratio": "1.5",
        "enabled": "true",
        "off": "false",
    }


def test_map_field_parses_json() -> None:
    text = json.dumps({"owner": "team"})
    config = RemoteStateConfig.from_mapping({"accesslogging_bucket_tags": text})
    assert config.accesslogging_bucket_tags == {"owner": "team"}


def test_map_field_rejects_bad_json() -> None:
    with pytest.raises(
        ConfigError, match=r"s3_bucket_tags = '\{owner' is invalid JSON"
    ):
        RemoteStateConfig.from_mapping({"s3_bucket_tags": "{owner"})


@pytest.mark.parametrize("value", [["owner"], 5, "[1]"])
def test_map_field_rejects_non_map(value: Any) -> None:
    with pytest.raises(ConfigError, match=r"s3_bucket_tags = .* is invalid; use a map"):
        RemoteStateConfig.from_mapping({"s3_bucket_tags": value})


@pytest.mark.parametrize("value", [{"a": "b"}, ["a"]])
def test_map_field_rejects_nested_value(value: Any) -> None:
    with pytest.raises(ConfigError, match=r"value .* of 'owner' is invalid"):
        RemoteStateConfig.from_mapping({"s3_bucket_tags": {"owner": value}})


def test_map_field_skips_null() -> None:
    tags = {"owner": "team", "unset": None}
    config = RemoteStateConfig.from_mapping({"s3_bucket_tags": tags})
    assert config.s3_bucket_tags == {"owner": "team"}


# assume_role


def test_assume_role_from_map() -> None:
    config = RemoteStateConfig.from_mapping(
        {
            "assume_role": {
                "role_arn": ROLE,
                "session_name": "ci",
                "duration": 900,
                "policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                "tags": {"team": "platform", "on": True},
                "transitive_tag_keys": ["team"],
            }
        }
    )
    assert config.assume_role == AssumeRoleConfig(
        role_arn=ROLE,
        session_name="ci",
        duration="900",
        policy_arns=("arn:aws:iam::aws:policy/ReadOnlyAccess",),
        tags={"team": "platform", "on": "true"},
        transitive_tag_keys=("team",),
    )


def test_assume_role_from_json() -> None:
    text = json.dumps({"role_arn": ROLE, "external_id": "x-1"})
    config = RemoteStateConfig.from_mapping({"assume_role": text})
    assert config.assume_role == AssumeRoleConfig(role_arn=ROLE, external_id="x-1")


def test_assume_role_accepts_instance() -> None:
    role = AssumeRoleConfig(role_arn=ROLE)
    config = RemoteStateConfig().replace(assume_role=role)
    assert config.assume_role is role


def test_assume_role_null_is_unset() -> None:
    config = RemoteStateConfig.from_mapping({"assume_role": None})
    assert config.assume_role is None


def test_assume_role_skips_null_entries() -> None:
    value = {"role_arn": ROLE, "session_name": None}
    config = RemoteStateConfig.from_mapping({"assume_role": value})
    assert config.assume_role == AssumeRoleConfig(role_arn=ROLE)


def test_assume_role_requires_role_arn() -> None:
    with pytest.raises(ConfigError, match="assume_role: role_arn is missing"):
        RemoteStateConfig.from_mapping({"assume_role": {"session_name": "ci"}})


def test_assume_role_unknown_key() -> None:
    value = {"role_arn": ROLE, "sesion_name": "ci"}
    with pytest.raises(ConfigError, match=r"unknown key 'sesion_name'; valid keys"):
        RemoteStateConfig.from_mapping({"assume_role": value})


def test_assume_role_string_policy_arns() -> None:
    value = {"role_arn": ROLE, "policy_arns": "arn:aws:iam::aws:policy/X"}
    with pytest.raises(ConfigError, match=r"policy_arns = .* use a list of strings"):
        RemoteStateConfig.from_mapping({"assume_role": value})


def test_assume_role_non_string_entry() -> None:
    value = {"role_arn": ROLE, "transitive_tag_keys": ["team", 5]}
    with pytest.raises(ConfigError, match=r"entry 5 is invalid; use a string"):
        RemoteStateConfig.from_mapping({"assume_role": value})


def test_assume_role_rejects_list() -> None:
    with pytest.raises(ConfigError, match="use a map with role_arn"):
        RemoteStateConfig.from_mapping({"assume_role": [ROLE]})


def test_assume_role_rejects_map_value() -> None:
    value = {"role_arn": ROLE, "session_name": {"a": "b"}}
    with pytest.raises(ConfigError, match=r"session_name = .* use a string"):
        RemoteStateConfig.from_mapping({"assume_role": value})


# Keys


def test_unknown_key_suggests_field() -> None:
    with pytest.raises(
        ConfigError,
        match=r"^main.hcl: unknown remote_state config key 'buckett'; "
        r"did you mean 'bucket'\?$",
    ):
        RemoteStateConfig.from_mapping({"buckett": "b"}, source="main.hcl")


def test_unknown_key_without_match() -> None:
    with pytest.raises(
        ConfigError, match="the keys are the fields of RemoteStateConfig"
    ):
        RemoteStateConfig.from_mapping({"zzzzzz": "b"})


def test_source_named_key_rejected() -> None:
    with pytest.raises(ConfigError, match="unknown remote_state config key 'source'"):
        RemoteStateConfig.from_mapping({"source": "x"})


def test_non_string_key_rejected() -> None:
    with pytest.raises(ConfigError, match=r"config key 1 is invalid; use a string"):
        RemoteStateConfig.from_mapping({1: "x"})  # type: ignore[dict-item]


def test_non_mapping_rejected() -> None:
    with pytest.raises(ConfigError, match=r"remote_state config = \['bucket'\]"):
        RemoteStateConfig.from_mapping(["bucket"])  # type: ignore[arg-type]


# lock_table


def test_lock_table_sets_dynamodb_table() -> None:
    config = RemoteStateConfig.from_mapping({"lock_table": "locks"})
    assert config.dynamodb_table == "locks"


def test_lock_table_wins_when_first() -> None:
    mapping = {"lock_table": "old", "dynamodb_table": "new"}
    config = RemoteStateConfig.from_mapping(mapping)
    assert config.dynamodb_table == "old"


def test_lock_table_wins_when_last() -> None:
    mapping = {"dynamodb_table": "new", "lock_table": "old"}
    config = RemoteStateConfig.from_mapping(mapping)
    assert config.dynamodb_table == "old"


def test_empty_lock_table_ignored() -> None:
    mapping = {"dynamodb_table": "new", "lock_table": ""}
    config = RemoteStateConfig.from_mapping(mapping)
    assert config.dynamodb_table == "new"


def test_lock_table_rejects_bool() -> None:
    with pytest.raises(
        ConfigError, match=r"lock_table = True is invalid; use a string"
    ):
        RemoteStateConfig.from_mapping({"lock_table": True})


# Passthrough


def test_passthrough_keys_kept() -> None:
    mapping = {"max_retries": 5, "allowed_account_ids": ["123456789012"]}
    config = RemoteStateConfig.from_mapping(mapping)
    assert config.passthrough == mapping


def test_passthrough_keys_cover_terraform() -> None:
    assert "sts_endpoint" in PASSTHROUGH_KEYS
    assert "bucket" not in PASSTHROUGH_KEYS


def test_replace_keeps_passthrough() -> None:
    config = RemoteStateConfig.from_mapping({"max_retries": 5})
    changed = config.replace(region="eu-west-1", retry_mode="adaptive")
    assert changed.region == "eu-west-1"
    assert changed.passthrough == {"max_retries": 5, "retry_mode": "adaptive"}
    assert config.passthrough == {"max_retries": 5}


def test_replace_names_source() -> None:
    with pytest.raises(ConfigError, match=r"^--set: unknown remote_state config key"):
        RemoteStateConfig().replace(source="--set", regoin="x")


# Properties


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({}, "none"),
        ({"dynamodb_table": "locks"}, "dynamodb"),
        ({"use_lockfile": True}, "lockfile"),
        ({"dynamodb_table": "locks", "use_lockfile": True}, "both"),
    ],
)
def test_lock_mode_values(mapping: dict[str, Any], expected: str) -> None:
    assert RemoteStateConfig.from_mapping(mapping).lock_mode == expected


def test_role_to_assume_default_empty() -> None:
    assert RemoteStateConfig().role_to_assume == ""


def test_role_to_assume_legacy_key() -> None:
    config = RemoteStateConfig.from_mapping({"role_arn": ROLE})
    assert config.role_to_assume == ROLE


def test_role_to_assume_prefers_block() -> None:
    other = "arn:aws:iam::123456789012:role/other"
    mapping = {"role_arn": other, "assume_role": {"role_arn": ROLE}}
    config = RemoteStateConfig.from_mapping(mapping)
    assert config.role_to_assume == ROLE


# to_dict


def test_to_dict_default_keys() -> None:
    assert RemoteStateConfig().to_dict() == {
        "bucket": "terragrunt-state",
        "key": "env/app/terraform.tfstate",
        "region": "us-east-1",
    }


def test_to_dict_changed_keys() -> None:
    config = RemoteStateConfig.from_mapping(
        {
            "encrypt": True,
            "s3_bucket_tags": {"owner": "team"},
            "assume_role": {"role_arn": ROLE, "session_name": "ci"},
            "max_retries": 5,
        }
    )
    result = config.to_dict()
    assert result["encrypt"] is True
    assert result["s3_bucket_tags"] == {"owner": "team"}
    assert result["assume_role"] == {"role_arn": ROLE, "session_name": "ci"}
    assert result["max_retries"] == 5
    assert "use_lockfile" not in result


def test_to_dict_all_fields() -> None:
    result = RemoteStateConfig().to_dict(changed_only=False)
    assert result["use_lockfile"] is False
    assert result["accesslogging_target_prefix"] == "TFStateLogs/"
    assert result["assume_role"] is None
    assert "passthrough" not in result


def test_to_dict_is_json() -> None:
    config = RemoteStateConfig.from_mapping(
        {"assume_role": {"role_arn": ROLE, "policy_arns": ["arn:aws:iam::aws:p/x"]}}
    )
    text = json.dumps(config.to_dict())
    assert json.loads(text)["assume_role"]["policy_arns"] == ["arn:aws:iam::aws:p/x"]


def test_to_dict_round_trip() -> None:
    config = RemoteStateConfig.from_mapping(
        {
            "bucket": "b",
            "dynamodb_table": "locks",
            "dynamodb_table_tags": {"owner": "team"},
            "assume_role": {"role_arn": ROLE, "tags": {"a": "b"}},
            "sts_region": "eu-west-1",
        }
    )
    assert RemoteStateConfig.from_mapping(config.to_dict()) == config


# parse_set_option


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bucket=my-bucket", ("bucket", "my-bucket")),
        ("encrypt=true", ("encrypt", True)),
        ("encrypt=FALSE", ("encrypt", False)),
        (" region = eu-west-1 ", ("region", "eu-west-1")),
        ("key=a=b", ("key", "a=b")),
        ("bucket=", ("bucket", "")),
        ('s3_bucket_tags={"owner": "team"}', ("s3_bucket_tags", {"owner": "team"})),
        ('allowed_account_ids=["1"]', ("allowed_account_ids", ["1"])),
        ("max_retries=5", ("max_retries", "5")),
    ],
)
def test_parse_set_option_values(text: str, expected: tuple[str, Any]) -> None:
    assert parse_set_option(text) == expected


@pytest.mark.parametrize("text", ["bucket", "=b", " =b", ""])
def test_parse_set_option_rejects_shape(text: str) -> None:
    with pytest.raises(ConfigError, match="is invalid; write KEY=VALUE"):
        parse_set_option(text)


def test_parse_set_option_bad_json() -> None:
    with pytest.raises(ConfigError, match=r"--set s3_bucket_tags = .* invalid JSON"):
        parse_set_option("s3_bucket_tags={owner: team}")


def test_set_option_feeds_replace() -> None:
    key, value = parse_set_option("disable_bucket_update=true")
    config = RemoteStateConfig().replace(source="--set", **{key: value})
    assert config.disable_bucket_update is True
