"""Tests for reading terragrunt.hcl files into a RemoteStateConfig."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_tgstate.workflows.config import AssumeRoleConfig, ConfigError
from pytest_tgstate.workflows.hcl import TerragruntFile, load_terragrunt_hcl

DATA = Path(__file__).resolve().parent.parent / "data" / "terragrunt"
ACCOUNT = "111122223333"

MINIMAL_STATE = """
remote_state {
  backend = "s3"
  config = {
    bucket = "b"
    key    = "k"
  }
}
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, **env: str) -> TerragruntFile:
    return load_terragrunt_hcl(path, account_id=ACCOUNT, env=env)


def load_text(root: Path, text: str, **env: str) -> TerragruntFile:
    return load(write(root, "unit/terragrunt.hcl", text), **env)


def state_with(config: str, prefix: str = "") -> str:
    """Return a terragrunt.hcl with ``config`` as the remote_state config body."""
    return f"""{prefix}
remote_state {{
  backend = "s3"
  config = {{
{config}
  }}
}}
"""


# The example units


def test_classic_dynamodb_example() -> None:
    unit = load(DATA / "classic-dynamodb" / "terragrunt.hcl")
    assert unit.backend == "s3"
    assert unit.disable_init is False
    assert unit.included == ()
    assert unit.config.bucket == "terragrunt-state-prod-eu"
    assert unit.config.key == "./terraform.tfstate"
    assert unit.config.region == "eu-west-1"
    assert unit.config.encrypt is True
    assert unit.config.dynamodb_table == "terragrunt-locks-prod"
    assert unit.config.lock_mode == "dynamodb"


def test_external_bucket_example() -> None:
    unit = load(DATA / "external-bucket" / "terragrunt.hcl")
    assert unit.config.bucket == "central-tfstate-shared"
    assert unit.config.key == "team-payments/app/terraform.tfstate"
    assert unit.config.skip_bucket_versioning is True
    assert unit.config.disable_bucket_update is True
    assert unit.config.lock_mode == "none"


def test_generated_backend_example() -> None:
    unit = load(DATA / "generated-backend" / "terragrunt.hcl")
    assert unit.included == ((DATA / "root.hcl").resolve(),)
    assert unit.config.bucket == "terragrunt-state-staging"
    assert unit.config.key == "services/api/terraform.tfstate"
    assert unit.config.region == "us-west-2"
    assert unit.config.dynamodb_table == "terragrunt-locks-staging"
    assert unit.config.assume_role == AssumeRoleConfig(
        role_arn="arn:aws:iam::123456789012:role/terragrunt-deployer",
        session_name="ci-deploy",
    )
    assert unit.config.role_to_assume == unit.config.assume_role.role_arn


def test_generated_backend_without_root(tmp_path: Path) -> None:
    unit_dir = tmp_path / "services" / "api"
    unit_dir.mkdir(parents=True)
    shutil.copy(DATA / "generated-backend" / "terragrunt.hcl", unit_dir)
    unit = load(unit_dir / "terragrunt.hcl")
    assert unit.config.bucket == "terragrunt-state-staging"
    assert len(unit.warnings) == 1
    assert 'find_in_parent_folders("root.hcl") found no root.hcl' in unit.warnings[0]
    assert "Terragrunt itself stops here" in unit.warnings[0]


def test_missing_root_needed_for_key(tmp_path: Path) -> None:
    text = INCLUDE_ROOT + state_with("key = path_relative_to_include()")
    with pytest.raises(
        ConfigError,
        match=r'find_in_parent_folders\("root.hcl"\) found no root.hcl',
    ):
        load_text(tmp_path, text)


def test_missing_root_without_own_state(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"found no root.hcl"):
        load_text(tmp_path, INCLUDE_ROOT)


def test_lockfile_only_example() -> None:
    unit = load(DATA / "lockfile-only" / "terragrunt.hcl")
    assert unit.config.use_lockfile is True
    assert unit.config.lock_mode == "lockfile"
    assert unit.config.skip_bucket_root_access is True
    assert unit.config.skip_bucket_enforced_tls is True


def test_tagged_with_logging_example() -> None:
    unit = load(DATA / "tagged-with-logging" / "terragrunt.hcl")
    config = unit.config
    assert config.s3_bucket_tags == {"owner": "platform", "cost-center": "1234"}
    assert config.dynamodb_table_tags == {"owner": "platform"}
    assert config.accesslogging_bucket_name == "terragrunt-state-org-logs"
    assert config.accesslogging_target_prefix == "state-access/"
    assert config.bucket_sse_algorithm == "aws:kms"
    assert config.bucket_sse_kms_key_id.endswith(
        "key/0b7b6c1e-3f7a-4d8e-9c53-1f2e3d4c5b6a"
    )
    assert config.enable_lock_table_ssencryption is True


def test_root_file_alone() -> None:
    unit = load(DATA / "root.hcl")
    assert unit.config.bucket == f"terragrunt-state-{ACCOUNT}"
    assert unit.config.key == "./terraform.tfstate"


# Paths


def test_unit_directory_accepted() -> None:
    unit = load(DATA / "lockfile-only")
    assert unit.path == (DATA / "lockfile-only" / "terragrunt.hcl").resolve()


def test_path_is_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "unit/terragrunt.hcl", MINIMAL_STATE)
    monkeypatch.chdir(tmp_path)
    unit = load_terragrunt_hcl("unit/terragrunt.hcl", account_id=ACCOUNT)
    assert unit.path == (tmp_path / "unit" / "terragrunt.hcl").resolve()


def test_missing_unit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"terragrunt.hcl: file not found; pass"):
        load(tmp_path / "terragrunt.hcl")


# Parse errors


def test_syntax_error_position(tmp_path: Path) -> None:
    text = 'remote_state {\n  backend = "s3"\n  config = {\n    bucket = \n  }\n}\n'
    with pytest.raises(
        ConfigError,
        match=r"unit/terragrunt.hcl:4:\d+: invalid HCL syntax, unexpected .*; fix",
    ):
        load_text(tmp_path, text)


def test_syntax_error_end_of_file(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"invalid HCL syntax, unexpected end of file"
    ):
        load_text(tmp_path, "remote_state {\n")


def test_syntax_error_single_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, 'x = "unterminated\n')
    assert "\n" not in str(caught.value)


def test_invalid_utf8_rejected(tmp_path: Path) -> None:
    path = tmp_path / "terragrunt.hcl"
    path.write_bytes(b'x = "\xff"\n')
    with pytest.raises(ConfigError, match="invalid UTF-8 at byte 5"):
        load(path)


# remote_state blocks


def test_missing_remote_state(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"^no remote_state block in .*terragrunt.hcl; "
        r'add one with backend = "s3"$',
    ):
        load_text(tmp_path, 'locals {\n  a = "b"\n}\n')


def test_two_remote_state_blocks(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match="2 remote_state blocks found; keep exactly one"
    ):
        load_text(tmp_path, MINIMAL_STATE + MINIMAL_STATE)


def test_labeled_remote_state_rejected(tmp_path: Path) -> None:
    text = 'remote_state "main" {\n  backend = "s3"\n}\n'
    with pytest.raises(ConfigError, match="remote_state takes no labels"):
        load_text(tmp_path, text)


def test_other_backend_rejected(tmp_path: Path) -> None:
    text = MINIMAL_STATE.replace('"s3"', '"gcs"')
    with pytest.raises(
        ConfigError,
        match=r"remote_state backend 'gcs' is not supported; only the s3 backend",
    ):
        load_text(tmp_path, text)


def test_missing_backend_rejected(tmp_path: Path) -> None:
    text = MINIMAL_STATE.replace('backend = "s3"', "")
    with pytest.raises(
        ConfigError, match='remote_state has no backend; add backend = "s3"'
    ):
        load_text(tmp_path, text)


def test_missing_config_rejected(tmp_path: Path) -> None:
    text = 'remote_state {\n  backend = "s3"\n}\n'
    with pytest.raises(ConfigError, match="remote_state has no config; add config ="):
        load_text(tmp_path, text)


def test_config_block_rejected(tmp_path: Path) -> None:
    text = 'remote_state {\n  backend = "s3"\n  config {\n    bucket = "b"\n  }\n}\n'
    with pytest.raises(
        ConfigError, match=r"remote_state.config: a block is not allowed here"
    ):
        load_text(tmp_path, text)


def test_config_not_map_rejected(tmp_path: Path) -> None:
    text = 'remote_state {\n  backend = "s3"\n  config = "bucket"\n}\n'
    with pytest.raises(ConfigError, match=r"remote_state.config = 'bucket' is invalid"):
        load_text(tmp_path, text)


def test_unknown_block_attribute(tmp_path: Path) -> None:
    text = MINIMAL_STATE.replace('backend = "s3"', 'backend = "s3"\n  encryption = {}')
    with pytest.raises(
        ConfigError,
        match=r"unknown remote_state attribute 'encryption'; valid attributes are "
        r"backend, config",
    ):
        load_text(tmp_path, text)


def test_block_attributes_read(tmp_path: Path) -> None:
    extra = """
  disable_init = true
  disable_dependency_optimization = true
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }"""
    text = MINIMAL_STATE.replace('backend = "s3"', 'backend = "s3"' + extra)
    unit = load_text(tmp_path, text)
    assert unit.disable_init is True
    assert unit.config.bucket == "b"


def test_disable_init_rejects_string(tmp_path: Path) -> None:
    text = MINIMAL_STATE.replace(
        'backend = "s3"', 'backend = "s3"\n disable_init = "y"'
    )
    with pytest.raises(ConfigError, match=r"disable_init = 'y' is invalid; use true"):
        load_text(tmp_path, text)


def test_attribute_form_accepted(tmp_path: Path) -> None:
    text = """
locals {
  state = {
    backend = "s3"
    config  = { bucket = "from-local", key = "k" }
  }
}
remote_state = local.state
"""
    unit = load_text(tmp_path, text)
    assert unit.config.bucket == "from-local"


def test_other_blocks_ignored(tmp_path: Path) -> None:
    prefix = """
terraform {
  source = "${get_repo_root()}/modules//vpc"
}
inputs = {
  vpc_id = dependency.vpc.outputs.id
}
generate "provider" {
  path     = "provider.tf"
  contents = "x"
}
"""
    unit = load_text(tmp_path, prefix + MINIMAL_STATE)
    assert unit.config.key == "k"


# Config values


def test_unknown_config_key(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"terragrunt.hcl: unknown remote_state config key 'buckett'; "
        r"did you mean 'bucket'\?",
    ):
        load_text(tmp_path, state_with('buckett = "b"'))


def test_invalid_config_value(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"terragrunt.hcl: encrypt = 'yes' is invalid"
    ):
        load_text(tmp_path, state_with('encrypt = "yes"'))


def test_null_config_value_unset(tmp_path: Path) -> None:
    unit = load_text(tmp_path, state_with("region = null\n dynamodb_table = null"))
    assert unit.config.region == "us-east-1"
    assert unit.config.dynamodb_table == ""


def test_number_and_list_values(tmp_path: Path) -> None:
    config = 'max_retries = 5\n allowed_account_ids = ["111122223333"]\n key = 42'
    unit = load_text(tmp_path, state_with(config))
    assert unit.config.passthrough == {
        "max_retries": 5,
        "allowed_account_ids": ["111122223333"],
    }
    assert unit.config.key == "42"


def test_whole_float_is_integer(tmp_path: Path) -> None:
    unit = load_text(tmp_path, state_with("max_retries = 5.0\n key = 1e3"))
    assert unit.config.passthrough == {"max_retries": 5}
    assert unit.config.key == "1000"


def test_string_escapes_decoded(tmp_path: Path) -> None:
    config = r'key = "a\"b\\c\u00e9\tz"'
    unit = load_text(tmp_path, state_with(config))
    assert unit.config.key == 'a"b\\c\u00e9\tz'


def test_escaped_interpolation_literal(tmp_path: Path) -> None:
    unit = load_text(tmp_path, state_with('key = "$${path}/%%{x}"'))
    assert unit.config.key == "${path}/%{x}"


def test_invalid_escape_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"invalid escape sequence \\q"):
        load_text(tmp_path, state_with(r'key = "a\qb"'))


def test_heredoc_value(tmp_path: Path) -> None:
    config = "key = <<EOT\nstate/${get_aws_account_id()}\nEOT"
    unit = load_text(tmp_path, state_with(config))
    assert unit.config.key == f"state/{ACCOUNT}\n"


def test_indented_heredoc_trimmed(tmp_path: Path) -> None:
    config = "key = <<-EOT\n      a\n        b\n      EOT"
    unit = load_text(tmp_path, state_with(config))
    assert unit.config.key == "a\n  b\n"


def test_quoted_map_keys(tmp_path: Path) -> None:
    config = 's3_bucket_tags = { "cost-center" = 1234, (local.k) = "v" }'
    unit = load_text(tmp_path, state_with(config, 'locals {\n  k = "team"\n}'))
    assert unit.config.s3_bucket_tags == {"cost-center": "1234", "team": "v"}


def test_lone_interpolation_keeps_type(tmp_path: Path) -> None:
    prefix = 'locals {\n  tags = { owner = "platform" }\n  on = true\n}'
    config = 's3_bucket_tags = "${local.tags}"\n encrypt = "${local.on}"'
    unit = load_text(tmp_path, state_with(config, prefix))
    assert unit.config.s3_bucket_tags == {"owner": "platform"}
    assert unit.config.encrypt is True


def test_bool_in_template_text(tmp_path: Path) -> None:
    prefix = "locals {\n  on = true\n  n = 1.5\n}"
    unit = load_text(tmp_path, state_with('key = "${local.on}-${local.n}"', prefix))
    assert unit.config.key == "true-1.5"


def test_null_in_template_rejected(tmp_path: Path) -> None:
    prefix = "locals {\n  nothing = null\n}"
    with pytest.raises(ConfigError, match="null cannot be part of a string"):
        load_text(tmp_path, state_with('key = "a/${local.nothing}"', prefix))


def test_map_in_template_rejected(tmp_path: Path) -> None:
    prefix = "locals {\n  tags = { a = 1 }\n}"
    with pytest.raises(ConfigError, match="a map cannot be part of a string"):
        load_text(tmp_path, state_with('key = "a/${local.tags}"', prefix))


# Locals


def test_locals_chain(tmp_path: Path) -> None:
    prefix = """
locals {
  env     = "prod"
  region  = "eu-west-1"
  prefix  = "${local.env}-${local.region}"
  bucket  = "state-${local.prefix}-${get_aws_account_id()}"
}"""
    unit = load_text(tmp_path, state_with("bucket = local.bucket", prefix))
    assert unit.config.bucket == f"state-prod-eu-west-1-{ACCOUNT}"


def test_locals_traversal(tmp_path: Path) -> None:
    prefix = """
locals {
  settings = { buckets = ["first", "second"], region = "eu-west-2" }
}"""
    config = 'bucket = local.settings.buckets[1]\n region = local.settings["region"]'
    unit = load_text(tmp_path, state_with(config, prefix))
    assert unit.config.bucket == "second"
    assert unit.config.region == "eu-west-2"


def test_locals_cycle_detected(tmp_path: Path) -> None:
    prefix = 'locals {\n  a = "${local.b}-x"\n  b = local.a\n}'
    with pytest.raises(
        ConfigError, match=r"locals form a cycle: local.a -> local.b -> local.a"
    ):
        load_text(tmp_path, state_with("bucket = local.a", prefix))


def test_self_reference_cycle(tmp_path: Path) -> None:
    prefix = "locals {\n  a = local.a\n}"
    with pytest.raises(ConfigError, match=r"cycle: local.a -> local.a;"):
        load_text(tmp_path, state_with("bucket = local.a", prefix))


def test_undefined_local_named(tmp_path: Path) -> None:
    prefix = 'locals {\n  env = "prod"\n}'
    with pytest.raises(
        ConfigError,
        match=r"remote_state.config.bucket: local.envv in \$\{local.envv\} is not "
        r"defined .* \(defined: env\)",
    ):
        load_text(tmp_path, state_with("bucket = local.envv", prefix))


def test_two_locals_blocks_rejected(tmp_path: Path) -> None:
    prefix = 'locals {\n  a = "1"\n}\nlocals {\n  b = "2"\n}'
    with pytest.raises(
        ConfigError, match="2 locals blocks found; Terragrunt supports one"
    ):
        load_text(tmp_path, state_with('bucket = "b"', prefix))


def test_unused_local_not_evaluated(tmp_path: Path) -> None:
    prefix = 'locals {\n  unused = run_cmd("whoami")\n}'
    unit = load_text(tmp_path, state_with('bucket = "b"', prefix))
    assert unit.config.bucket == "b"


def test_legacy_index_syntax(tmp_path: Path) -> None:
    prefix = 'locals {\n  l = ["a", ["b", "c"]]\n}'
    unit = load_text(tmp_path, state_with("bucket = local.l.1.0", prefix))
    assert unit.config.bucket == "b"


def test_nested_templates_evaluated(tmp_path: Path) -> None:
    prefix = 'locals {\n  x = "X"\n}'
    config = (
        'bucket = "${get_env("A", "${local.x}-d")}"\n'
        ' key = "${"in ${local.x} q"}"\n'
        ' region = basename({ a = "x/eu-west-1" }.a)'
    )
    unit = load_text(tmp_path, state_with(config, prefix))
    assert unit.config.bucket == "X-d"
    assert unit.config.key == "in X q"
    assert unit.config.region == "eu-west-1"


def test_null_tag_entry_unset(tmp_path: Path) -> None:
    config = 's3_bucket_tags = { owner = "team", unset = null }'
    unit = load_text(tmp_path, state_with(config))
    assert unit.config.s3_bucket_tags == {"owner": "team"}


def test_bare_local_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"local needs a name in \$\{local\}"):
        load_text(tmp_path, state_with("bucket = local"))


def test_missing_attribute_named(tmp_path: Path) -> None:
    prefix = "locals {\n  m = { a = 1 }\n}"
    with pytest.raises(ConfigError, match="a map has no attribute 'b'"):
        load_text(tmp_path, state_with("bucket = local.m.b", prefix))


def test_index_out_of_range(tmp_path: Path) -> None:
    prefix = 'locals {\n  l = ["a"]\n}'
    with pytest.raises(ConfigError, match="a list has no element 3"):
        load_text(tmp_path, state_with("bucket = local.l[3]", prefix))


# Functions


def test_get_env_from_mapping(tmp_path: Path) -> None:
    config = 'bucket = get_env("STATE_BUCKET")\n key = "${get_env("STAGE", "dev")}/k"'
    unit = load_text(tmp_path, state_with(config), STATE_BUCKET="from-env")
    assert unit.config.bucket == "from-env"
    assert unit.config.key == "dev/k"


def test_get_env_missing_rejected(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r'get_env\("STAGE"\) in .* has no value because STAGE is not in the '
        r"env mapping and there is no default",
    ):
        load_text(tmp_path, state_with('bucket = get_env("STAGE")'))


def test_get_env_ignores_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TGSTATE_TEST_STAGE", "from-process")
    with pytest.raises(ConfigError, match="TGSTATE_TEST_STAGE is not in the env"):
        load_text(tmp_path, state_with('bucket = get_env("TGSTATE_TEST_STAGE")'))


def test_get_env_without_env_argument(tmp_path: Path) -> None:
    path = write(
        tmp_path, "unit/terragrunt.hcl", state_with('bucket = get_env("A", "d")')
    )
    unit = load_terragrunt_hcl(path, account_id=ACCOUNT)
    assert unit.config.bucket == "d"


def test_get_aws_account_id_value(tmp_path: Path) -> None:
    unit = load_text(tmp_path, state_with('bucket = "s-${get_aws_account_id()}"'))
    assert unit.config.bucket == f"s-{ACCOUNT}"


def test_terragrunt_dir_functions(tmp_path: Path) -> None:
    config = (
        "bucket = basename(get_terragrunt_dir())\n"
        " key = get_parent_terragrunt_dir()\n"
        ' region = "${path_relative_to_include()}"'
    )
    unit = load_text(tmp_path, state_with(config))
    assert unit.config.bucket == "unit"
    assert unit.config.key == (tmp_path / "unit").resolve().as_posix()
    assert unit.config.region == "."


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ('basename("a/b/c.hcl")', "c.hcl"),
        ('basename("a/b/")', "b"),
        ('basename("/")', "/"),
        ('basename("")', "."),
        ('dirname("a/b/c.hcl")', "a/b"),
        ('dirname("a/b/")', "a/b"),
        ('dirname("a")', "."),
        ('dirname("/a")', "/"),
        ('dirname("//a//b")', "/a"),
        ('dirname("")', "."),
        ('basename(dirname("/live/prod/app"))', "prod"),
    ],
)
def test_path_functions_match_terraform(
    tmp_path: Path, call: str, expected: str
) -> None:
    unit = load_text(tmp_path, state_with(f"bucket = {call}"))
    assert unit.config.bucket == expected


def test_find_in_parent_folders_default(tmp_path: Path) -> None:
    write(tmp_path, "terragrunt.hcl", "# parent\n")
    config = "bucket = find_in_parent_folders()"
    unit = load(write(tmp_path, "unit/terragrunt.hcl", state_with(config)))
    assert unit.config.bucket == (tmp_path / "terragrunt.hcl").resolve().as_posix()


def test_find_in_parent_folders_nearest(tmp_path: Path) -> None:
    write(tmp_path, "common.hcl", "# far\n")
    write(tmp_path, "live/common.hcl", "# near\n")
    write(tmp_path, "live/prod/app/common.hcl", "# the unit's own\n")
    config = 'bucket = find_in_parent_folders("common.hcl")'
    unit = load(write(tmp_path, "live/prod/app/terragrunt.hcl", state_with(config)))
    assert unit.config.bucket == (tmp_path / "live/common.hcl").resolve().as_posix()


def test_find_in_parent_folders_fallback(tmp_path: Path) -> None:
    config = 'bucket = find_in_parent_folders("no-such-file.hcl", "fallback")'
    unit = load_text(tmp_path, state_with(config))
    assert unit.config.bucket == "fallback"


def test_find_in_parent_folders_empty_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"needs a non-empty file name"):
        load_text(tmp_path, state_with('bucket = find_in_parent_folders("")'))


def test_unknown_function_rejected(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"terragrunt.hcl: remote_state.config.key: unsupported function "
        r"'get_repo_root\(\)' in \"\$\{get_repo_root\(\)\}/k\"; supported functions "
        r"are basename\(\), dirname\(\), find_in_parent_folders\(\)",
    ):
        load_text(tmp_path, state_with('key = "${get_repo_root()}/k"'))


def test_wrong_argument_count(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"get_env\(\) takes 1 or 2 arguments, got 3"):
        load_text(tmp_path, state_with('bucket = get_env("A", "b", "c")'))


def test_list_argument_rejected(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"basename\(\) needs string arguments, got a list"
    ):
        load_text(tmp_path, state_with('bucket = basename(["a"])'))


# Unsupported expressions


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ('local.env == "prod" ? "a" : "b"', r"unsupported operator '=='"),
        ('true ? "a" : "b"', r"unsupported conditional expression"),
        ('"a" + 1', r"unsupported operator '\+'"),
        ("!true", r"unsupported operator '!'"),
        ("-local.n", r"unsupported operator '-'"),
        ('[for s in ["a"] : s][0]', r"unsupported for expression"),
        (
            "dependency.vpc.outputs.id",
            r"unsupported reference 'dependency.vpc.outputs.id'",
        ),
        ("include.root.locals.env", r"unsupported reference 'include.root.locals.env'"),
        ("var.bucket", r"unsupported reference 'var.bucket'"),
        ("bucket_name", r"unsupported reference 'bucket_name'"),
        ('"%{ if true }a%{ endif }"', r"unsupported template directive"),
        ("local.list[*]", r"unsupported splat expression"),
        ("basename(local.list...)", r"unsupported argument expansion"),
    ],
)
def test_unsupported_expression(tmp_path: Path, expression: str, problem: str) -> None:
    prefix = 'locals {\n  env = "prod"\n  n = 1\n  list = ["a"]\n}'
    with pytest.raises(ConfigError, match=rf"remote_state.config.bucket: {problem}"):
        load_text(tmp_path, state_with(f"bucket = {expression}", prefix))


def test_unsupported_in_local_named(tmp_path: Path) -> None:
    prefix = 'locals {\n  env = "a" + "b"\n}'
    with pytest.raises(ConfigError, match=r"terragrunt.hcl: locals.env: unsupported"):
        load_text(tmp_path, state_with("bucket = local.env", prefix))


# Includes


ROOT_STATE = """
locals {
  region = "eu-west-1"
}
remote_state {
  backend = "s3"
  config = {
    bucket         = "root-bucket"
    key            = "${path_relative_to_include()}/terraform.tfstate"
    region         = local.region
    dynamodb_table = "root-locks"
    s3_bucket_tags = { owner = "platform", tier = "root" }
  }
}
"""

INCLUDE_ROOT = 'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n'


def test_path_relative_two_levels(tmp_path: Path) -> None:
    root = write(tmp_path, "live/root.hcl", ROOT_STATE)
    unit = load(write(tmp_path, "live/prod/app/terragrunt.hcl", INCLUDE_ROOT))
    assert unit.config.key == "prod/app/terraform.tfstate"
    assert unit.config.bucket == "root-bucket"
    assert unit.config.region == "eu-west-1"
    assert unit.included == (root.resolve(),)


def test_root_functions_use_unit(tmp_path: Path) -> None:
    root = """
remote_state {
  backend = "s3"
  config = {
    bucket = basename(get_terragrunt_dir())
    key    = "${get_parent_terragrunt_dir()}|${find_in_parent_folders("marker")}"
  }
}
"""
    write(tmp_path, "live/root.hcl", root)
    write(tmp_path, "live/prod/marker", "")
    unit = load(write(tmp_path, "live/prod/app/terragrunt.hcl", INCLUDE_ROOT))
    live = (tmp_path / "live").resolve().as_posix()
    assert unit.config.bucket == "app"
    assert unit.config.key == f"{live}|{live}/prod/marker"


def test_unit_locals_see_include(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", "# no remote_state here\n")
    text = INCLUDE_ROOT + state_with(
        'bucket = "b"\n key = local.key',
        "locals {\n  key = path_relative_to_include()\n}",
    )
    unit = load(write(tmp_path, "live/prod/app/terragrunt.hcl", text))
    assert unit.config.key == "prod/app"


def test_unlabeled_include_accepted(tmp_path: Path) -> None:
    write(tmp_path, "live/terragrunt.hcl", ROOT_STATE)
    text = "include {\n  path = find_in_parent_folders()\n}\n"
    unit = load(write(tmp_path, "live/app/terragrunt.hcl", text))
    assert unit.config.key == "app/terraform.tfstate"


def test_relative_include_path(tmp_path: Path) -> None:
    write(tmp_path, "common/state.hcl", ROOT_STATE)
    text = 'include "state" {\n  path = "../../common/state.hcl"\n}\n'
    unit = load(write(tmp_path, "live/app/terragrunt.hcl", text))
    assert unit.config.key == "../live/app/terraform.tfstate"


def test_shallow_merge_replaces(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", ROOT_STATE)
    text = INCLUDE_ROOT + state_with('bucket = "unit-bucket"\n key = "unit-key"')
    unit = load(write(tmp_path, "live/app/terragrunt.hcl", text))
    assert unit.config.bucket == "unit-bucket"
    assert unit.config.dynamodb_table == ""
    assert unit.config.region == "us-east-1"
    assert unit.config.s3_bucket_tags == {}


def test_deep_merge_replaces_state(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", ROOT_STATE)
    include = INCLUDE_ROOT.replace("\n}", '\n  merge_strategy = "deep"\n}')
    config = 'bucket = "unit-bucket"\n s3_bucket_tags = { tier = "unit", app = "api" }'
    unit = load(
        write(tmp_path, "live/app/terragrunt.hcl", include + state_with(config))
    )
    assert unit.config.bucket == "unit-bucket"
    assert unit.config.dynamodb_table == ""
    assert unit.config.s3_bucket_tags == {"tier": "unit", "app": "api"}


def test_deep_merge_partial_block_rejected(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", ROOT_STATE)
    include = INCLUDE_ROOT.replace("\n}", '\n  merge_strategy = "deep"\n}')
    child = "remote_state {\n  disable_init = true\n}\n"
    with pytest.raises(ConfigError, match=r"live/app/terragrunt.hcl"):
        load(write(tmp_path, "live/app/terragrunt.hcl", include + child))


def test_no_merge_ignores_parent(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", ROOT_STATE)
    include = INCLUDE_ROOT.replace("\n}", '\n  merge_strategy = "no_merge"\n}')
    unit = load(write(tmp_path, "live/app/terragrunt.hcl", include + MINIMAL_STATE))
    assert unit.config.bucket == "b"
    assert unit.config.dynamodb_table == ""


def test_no_merge_without_state(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", ROOT_STATE)
    include = INCLUDE_ROOT.replace("\n}", '\n  merge_strategy = "no_merge"\n}')
    with pytest.raises(ConfigError, match=r"no remote_state block in .* or the files"):
        load(write(tmp_path, "live/app/terragrunt.hcl", include))


def test_later_include_wins(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", ROOT_STATE)
    write(tmp_path, "live/other.hcl", state_with('bucket = "other-bucket"'))
    text = INCLUDE_ROOT + 'include "other" {\n  path = "../other.hcl"\n}\n'
    unit = load(write(tmp_path, "live/app/terragrunt.hcl", text))
    assert unit.config.bucket == "other-bucket"
    assert unit.included == (
        (tmp_path / "live/root.hcl").resolve(),
        (tmp_path / "live/other.hcl").resolve(),
    )


def test_deep_includes_in_order(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", ROOT_STATE)
    write(tmp_path, "live/other.hcl", state_with('bucket = "other-bucket"'))
    text = (
        INCLUDE_ROOT
        + 'include "other" {\n  path = "../other.hcl"\n  merge_strategy = "deep"\n}\n'
    )
    text = text.replace('.hcl")\n}', '.hcl")\n  merge_strategy = "deep"\n}', 1)
    unit = load(write(tmp_path, "live/app/terragrunt.hcl", text))
    assert unit.config.bucket == "other-bucket"
    assert unit.config.dynamodb_table == ""


def test_label_selects_include(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", "# empty\n")
    write(tmp_path, "live/prod/env.hcl", "# empty\n")
    text = (
        INCLUDE_ROOT
        + 'include "env" {\n  path = find_in_parent_folders("env.hcl")\n}\n'
        + state_with('bucket = "b"\n key = path_relative_to_include("env")')
    )
    unit = load(write(tmp_path, "live/prod/app/terragrunt.hcl", text))
    assert unit.config.key == "app"


def test_label_required_with_several(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", "# empty\n")
    write(tmp_path, "live/prod/env.hcl", "# empty\n")
    text = (
        INCLUDE_ROOT
        + 'include "env" {\n  path = find_in_parent_folders("env.hcl")\n}\n'
        + state_with('bucket = "b"\n key = path_relative_to_include()')
    )
    with pytest.raises(
        ConfigError,
        match=r"needs an include label because the unit has 2 include blocks; "
        r'write path_relative_to_include\("root"\)',
    ):
        load(write(tmp_path, "live/prod/app/terragrunt.hcl", text))


def test_unknown_label_rejected(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", "# empty\n")
    write(tmp_path, "live/prod/env.hcl", "# empty\n")
    text = (
        INCLUDE_ROOT
        + 'include "env" {\n  path = find_in_parent_folders("env.hcl")\n}\n'
        + state_with('bucket = "b"\n key = get_parent_terragrunt_dir("region")')
    )
    with pytest.raises(
        ConfigError, match=r"names no include block .* labels are 'root'"
    ):
        load(write(tmp_path, "live/prod/app/terragrunt.hcl", text))


def test_nested_include_rejected(tmp_path: Path) -> None:
    write(tmp_path, "root.hcl", ROOT_STATE)
    write(tmp_path, "live/env.hcl", INCLUDE_ROOT)
    text = 'include "env" {\n  path = find_in_parent_folders("env.hcl")\n}\n'
    with pytest.raises(
        ConfigError,
        match=r"live/env.hcl: an included file cannot have include blocks, because "
        r"Terragrunt allows one level of include",
    ):
        load(write(tmp_path, "live/app/terragrunt.hcl", text))


def test_missing_include_file(tmp_path: Path) -> None:
    text = 'include "root" {\n  path = "../root.hcl"\n}\n' + MINIMAL_STATE
    unit = load_text(tmp_path, text)
    assert "root.hcl does not exist; create the file" in unit.warnings[0]


def test_missing_include_without_state(tmp_path: Path) -> None:
    text = 'include "root" {\n  path = "../root.hcl"\n}\n'
    with pytest.raises(
        ConfigError,
        match=r'include "root" path .*/root.hcl does not exist; create the file',
    ):
        load_text(tmp_path, text)


def test_include_directory_rejected(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    text = 'include "root" {\n  path = "../shared"\n}\n' + MINIMAL_STATE
    with pytest.raises(ConfigError, match=r"shared is a directory; point the path"):
        load_text(tmp_path, text)


def test_include_path_local_rejected(tmp_path: Path) -> None:
    text = (
        'locals {\n  root = "../root.hcl"\n}\n'
        'include "root" {\n  path = local.root\n}\n' + MINIMAL_STATE
    )
    with pytest.raises(
        ConfigError,
        match=r'include "root" path: local.root cannot be used in an include path',
    ):
        load_text(tmp_path, text)


def test_include_without_path(tmp_path: Path) -> None:
    text = 'include "root" {\n  expose = true\n}\n' + MINIMAL_STATE
    with pytest.raises(ConfigError, match=r'include "root" has no path; add path ='):
        load_text(tmp_path, text)


def test_unknown_include_attribute(tmp_path: Path) -> None:
    text = 'include "root" {\n  path = "x"\n  merge = "deep"\n}\n' + MINIMAL_STATE
    with pytest.raises(
        ConfigError, match=r"unknown include \"root\" attribute 'merge'"
    ):
        load_text(tmp_path, text)


def test_invalid_merge_strategy(tmp_path: Path) -> None:
    text = 'include {\n  path = "x"\n  merge_strategy = "deeper"\n}\n' + MINIMAL_STATE
    with pytest.raises(
        ConfigError,
        match=r"merge_strategy = 'deeper' is invalid; "
        r"use one of shallow, deep, no_merge",
    ):
        load_text(tmp_path, text)


def test_duplicate_include_labels(tmp_path: Path) -> None:
    text = 'include "a" {\n  path = "x"\n}\ninclude "a" {\n  path = "y"\n}\n'
    with pytest.raises(ConfigError, match=r'more than one include block "a"'):
        load_text(tmp_path, text + MINIMAL_STATE)


def test_two_unlabeled_includes(tmp_path: Path) -> None:
    text = 'include {\n  path = "x"\n}\ninclude {\n  path = "y"\n}\n'
    with pytest.raises(
        ConfigError, match="more than one include block without a label"
    ):
        load_text(tmp_path, text + MINIMAL_STATE)


def test_two_include_labels_rejected(tmp_path: Path) -> None:
    text = 'include "a" "b" {\n  path = "x"\n}\n'
    with pytest.raises(ConfigError, match="an include block takes at most one label"):
        load_text(tmp_path, text + MINIMAL_STATE)


def test_parent_errors_name_parent(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", state_with('bucket = "${get_repo_root()}"'))
    with pytest.raises(
        ConfigError,
        match=r"live/root.hcl: remote_state.config.bucket: unsupported function",
    ):
        load(write(tmp_path, "live/app/terragrunt.hcl", INCLUDE_ROOT))


def test_parent_config_key_named(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", state_with('bucket = "b"\n regoin = "x"'))
    with pytest.raises(
        ConfigError,
        match=r"live/root.hcl: unknown remote_state config key 'regoin'; did you mean",
    ):
        load(write(tmp_path, "live/app/terragrunt.hcl", INCLUDE_ROOT))


def test_deep_merge_names_parent(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", state_with('bucket = "b"\n regoin = "x"'))
    include = INCLUDE_ROOT.replace("\n}", '\n  merge_strategy = "deep"\n}')
    with pytest.raises(
        ConfigError, match=r"live/root.hcl: unknown remote_state config"
    ):
        load(write(tmp_path, "live/app/terragrunt.hcl", include))


def test_overridden_parent_not_evaluated(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", state_with('bucket = "${get_repo_root()}"'))
    unit = load(
        write(tmp_path, "live/app/terragrunt.hcl", INCLUDE_ROOT + MINIMAL_STATE)
    )
    assert unit.config.bucket == "b"


def test_parent_syntax_error_named(tmp_path: Path) -> None:
    write(tmp_path, "live/root.hcl", "remote_state {\n")
    with pytest.raises(ConfigError, match=r"live/root.hcl:\d+:\d+: invalid HCL syntax"):
        load(write(tmp_path, "live/app/terragrunt.hcl", INCLUDE_ROOT + MINIMAL_STATE))


# Malformed inputs never escape as other exceptions


@pytest.mark.parametrize(
    "text",
    [
        "remote_state = 5\n",
        "remote_state = [1, 2]\n",
        'remote_state = { backend = "s3", bogus = 1 }\n',
        "locals = 5\n",
        'locals "x" {\n  a = 1\n}\n',
        "include = 5\n",
        'include "a" {\n  path = 5\n}\n',
        'include "a" {\n  path = ""\n}\n',
        state_with('bucket = {"a" = 1}[0]'),
        state_with('bucket = [1]["a"]'),
        state_with('s3_bucket_tags = { (null) = "x" }'),
        state_with("bucket = get_env(null)"),
        state_with("bucket = local"),
        state_with('bucket = "${local.missing}"'),
        state_with("bucket = (1"),
        state_with('bucket = "\\u12"'),
        state_with("bucket = 1.5.x"),
        "remote_state {\n  backend = 5\n  config = {}\n}\n",
        "\x00\x01",
    ],
)
def test_malformed_input_raises(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, text)
    message = str(caught.value)
    assert "\n" not in message
    assert "terragrunt.hcl" in message
