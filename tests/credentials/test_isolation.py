"""The user's real home and environment are never read by a scenario."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import botocore.credentials
import botocore.exceptions
import botocore.tokens
import pytest

from pytest_tgstate.clients import subprocess_environment
from pytest_tgstate.credentials import (
    CredentialSetup,
    ScenarioContext,
    isolated_environment,
)
from pytest_tgstate.world import World
from pytest_tgstate.world.server import LoopbackServer

Prepare = Callable[..., tuple[ScenarioContext, CredentialSetup]]


@pytest.fixture
def decoys(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    served_world: tuple[World, LoopbackServer],
) -> Iterator[str]:
    """Plant valid credentials of another user in the real home and environment."""
    world, _ = served_world
    decoy = world.create_user(
        "decoy-user",
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        },
    )
    real_home = tmp_path / "real-home"
    aws = real_home / ".aws"
    (aws / "sso" / "cache").mkdir(parents=True)
    keys = (
        f"aws_access_key_id = {decoy.access_key_id}\n"
        f"aws_secret_access_key = {decoy.secret_access_key}\n"
    )
    (aws / "credentials").write_text(f"[default]\n{keys}[decoy]\n{keys}")
    (aws / "config").write_text(
        f"[default]\nregion = eu-west-1\n[profile decoy]\n{keys}"
    )
    (real_home / ".boto").write_text(
        f"[Credentials]\naws_access_key_id = {decoy.access_key_id}\n"
        f"aws_secret_access_key = {decoy.secret_access_key}\n"
    )
    token = {
        "startUrl": "https://tgstate-example.awsapps.com/start",
        "region": "us-east-1",
        "accessToken": "decoy-token",
        "expiresAt": "2099-01-01T00:00:00Z",
    }
    (
        aws / "sso" / "cache" / f"{hashlib.sha1(b'tgstate-sso').hexdigest()}.json"
    ).write_text(json.dumps(token))
    monkeypatch.setenv("HOME", str(real_home))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", decoy.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", decoy.secret_access_key)
    monkeypatch.setenv("AWS_PROFILE", "decoy")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws / "credentials"))
    monkeypatch.setenv("BOTO_CONFIG", str(real_home / ".boto"))
    # botocore fixed its SSO cache folder from the home it saw at import.
    monkeypatch.setattr(
        botocore.credentials.SSOProvider,
        "_SSO_TOKEN_CACHE_DIR",
        str(aws / "sso" / "cache"),
    )
    monkeypatch.setattr(
        botocore.tokens.SSOTokenProvider,
        "_SSO_TOKEN_CACHE_DIR",
        str(aws / "sso" / "cache"),
    )
    yield decoy.arn


def test_no_credentials_ignores_decoys(prepare: Prepare, decoys: str) -> None:
    context, setup = prepare("no-credentials")
    with (
        isolated_environment(context.files.home, context.region, setup.env),
        pytest.raises(botocore.exceptions.NoCredentialsError),
    ):
        boto3.Session().client("sts").get_caller_identity()


@pytest.mark.parametrize(
    "name", ["env-keys", "profile-config-file", "sso", "credential-process", "metadata"]
)
def test_scenarios_ignore_decoys(prepare: Prepare, decoys: str, name: str) -> None:
    context, setup = prepare(name)
    with isolated_environment(
        context.files.home, context.region, setup.env, uses_metadata=setup.uses_metadata
    ):
        arn = (
            boto3.Session(profile_name=setup.profile)
            .client("sts")
            .get_caller_identity()["Arn"]
        )
    assert arn != decoys
    assert arn == setup.expected_arn


def test_environment_restored_exactly(prepare: Prepare, decoys: str) -> None:
    before = dict(os.environ)
    sso_before = botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR
    context, setup = prepare("sso")
    with isolated_environment(context.files.home, context.region, setup.env):
        boto3.client("sts").get_caller_identity()
    assert dict(os.environ) == before
    assert sso_before == botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR


@pytest.mark.real_clients
def test_cli_ignores_decoys(prepare: Prepare, decoys: str) -> None:
    aws = shutil.which("aws", path=str(Path(sys.executable).parent))
    if aws is None:
        pytest.skip("the aws CLI (awscli package) is not installed next to this Python")
    context, setup = prepare("no-credentials")
    environment = subprocess_environment(
        context.files.home,
        region=context.region,
        credentials=setup.env,
        endpoints=context.server.endpoint_env(),
    )
    result = subprocess.run(
        [aws, "sts", "get-caller-identity"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 255
    assert "Unable to locate credentials" in result.stderr


def test_server_stop_leaves_nothing(served_world: tuple[World, LoopbackServer]) -> None:
    world, _ = served_world
    before = set(threading.enumerate())
    server = LoopbackServer(world).start()
    port = server.port
    server.stop()
    assert set(threading.enumerate()) <= before
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
