"""Session tags and source identity need the role's trust policy too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_tgstate.world import World

ALLOW_STS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
}


def trust(account: str, actions: list[str]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": actions,
            }
        ],
    }


@pytest.fixture
def world() -> Iterator[World]:
    with World() as started:
        yield started


def test_tags_denied_without_trust(world: World) -> None:
    user = world.create_user("caller", policy=ALLOW_STS)
    role = world.create_role("tagged", trust=trust(world.account, ["sts:AssumeRole"]))
    sts = world.client("sts", user)
    with pytest.raises(ClientError) as raised:
        sts.assume_role(
            RoleArn=role.arn,
            RoleSessionName="session",
            Tags=[{"Key": "team", "Value": "a"}],
        )
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    assert "sts:TagSession" in str(raised.value)


def test_tags_allowed_with_trust(world: World) -> None:
    user = world.create_user("caller", policy=ALLOW_STS)
    role = world.create_role(
        "tagged", trust=trust(world.account, ["sts:AssumeRole", "sts:TagSession"])
    )
    sts = world.client("sts", user)
    response = sts.assume_role(
        RoleArn=role.arn,
        RoleSessionName="session",
        Tags=[{"Key": "team", "Value": "a"}],
    )
    assert response["AssumedRoleUser"]["Arn"].endswith("assumed-role/tagged/session")


def test_source_identity_needs_trust(world: World) -> None:
    user = world.create_user("caller", policy=ALLOW_STS)
    role = world.create_role("named", trust=trust(world.account, ["sts:AssumeRole"]))
    sts = world.client("sts", user)
    with pytest.raises(ClientError) as raised:
        sts.assume_role(
            RoleArn=role.arn, RoleSessionName="session", SourceIdentity="alice"
        )
    assert "sts:SetSourceIdentity" in str(raised.value)
