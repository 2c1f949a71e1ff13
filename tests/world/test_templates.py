"""The documented Terragrunt policies and their placeholders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_tgstate.iam import PolicyError
from pytest_tgstate.world import TEMPLATE_NAMES, World
from pytest_tgstate.world.templates import (
    TemplateValues,
    render_template_text,
    template_text,
)

#: Copies of the policies as Terragrunt's "AWS Auth" documentation page prints
#: them, kept apart from the package so that a test fails when either changes.
DOCS_COPIES = Path(__file__).parent.parent / "data" / "terragrunt-docs"
VALUES = TemplateValues(
    account="123456789012",
    bucket="state-bucket",
    table="lock-table",
    key="env/app/terraform.tfstate",
)


def _resources(text: str) -> list[str]:
    resources: list[str] = []
    for statement in json.loads(text)["Statement"]:
        found = statement["Resource"]
        resources.extend([found] if isinstance(found, str) else found)
    return resources


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_shipped_policy_matches_docs(name: str) -> None:
    assert template_text(name) == (DOCS_COPIES / f"{name}.json").read_text()


def test_template_names() -> None:
    assert TEMPLATE_NAMES == ("full", "minimal", "external-bucket")


def test_full_account_substituted() -> None:
    resources = _resources(render_template_text("full", VALUES))
    assert resources[0] == "arn:aws:dynamodb:*:123456789012:table/terragrunt*"


def test_full_name_pattern_untouched() -> None:
    resources = _resources(render_template_text("full", VALUES))
    assert resources[1:] == ["arn:aws:s3:::terragrunt*", "arn:aws:s3:::terragrunt*/*"]


def test_minimal_placeholders_substituted() -> None:
    resources = _resources(render_template_text("minimal", VALUES))
    assert resources == [
        "arn:aws:s3:::state-bucket",
        "arn:aws:s3:::state-bucket/env/app/terraform.tfstate",
        "arn:aws:dynamodb:*:*:table/lock-table",
    ]


def test_external_bucket_placeholder_substituted() -> None:
    resources = _resources(render_template_text("external-bucket", VALUES))
    assert resources == ["arn:aws:s3:::state-bucket", "arn:aws:s3:::state-bucket/*"]


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_no_placeholder_left(name: str) -> None:
    text = render_template_text(name, VALUES)
    for placeholder in ("BUCKET_NAME", "<BucketName>", "TABLE_NAME", "some/path/here"):
        assert placeholder not in text
    assert ":1234567890:" not in text


def test_quote_in_bucket_stays_valid() -> None:
    values = TemplateValues("123456789012", 'state"bucket', "lock-table", "a\\b")
    resources = _resources(render_template_text("minimal", values))
    assert resources[0] == 'arn:aws:s3:::state"bucket'
    assert resources[1] == 'arn:aws:s3:::state"bucket/a\\b'


def test_unknown_name_lists_names() -> None:
    with pytest.raises(PolicyError) as caught:
        template_text("admin")
    assert "'admin'" in str(caught.value)
    assert "full, minimal, external-bucket" in str(caught.value)


def test_world_template_uses_world_account() -> None:
    world = World(account="111122223333")
    policy = world.policy_template(
        "full", bucket="state-bucket", table="lock-table", key="state.tfstate"
    )
    assert policy.statements[0].resources == (
        "arn:aws:dynamodb:*:111122223333:table/terragrunt*",
    )
    assert policy.name == "full"


def test_world_template_names() -> None:
    policy = World().policy_template(
        "minimal", bucket="state-bucket", table="lock-table", key="state.tfstate"
    )
    resources = [statement.resources for statement in policy.statements]
    assert resources == [
        ("arn:aws:s3:::state-bucket",),
        ("arn:aws:s3:::state-bucket/state.tfstate",),
        ("arn:aws:dynamodb:*:*:table/lock-table",),
    ]


def test_world_template_unknown_raises() -> None:
    with pytest.raises(PolicyError, match="full, minimal, external-bucket"):
        World().policy_template("admin", bucket="b", table="t", key="k")


def test_minimal_policy_allows_its_key(world: World) -> None:
    policy = world.policy_template(
        "minimal", bucket="state-bucket", table="lock-table", key="env/state"
    )
    world.set_bucket_state("state-bucket", "bare")
    user = world.create_user("alice", policy=policy)
    s3 = world.client("s3", user)
    s3.put_object(Bucket="state-bucket", Key="env/state", Body=b"{}")
    assert s3.get_object(Bucket="state-bucket", Key="env/state")["Body"].read() == b"{}"
