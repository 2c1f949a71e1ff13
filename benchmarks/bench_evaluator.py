"""Measure IAM decisions per second on Terragrunt's three documented policies.

Each policy (full, minimal, external-bucket) is rendered with account
123456789012, bucket ``terragrunt-state``, table ``terragrunt-locks`` and
state key ``env/app/terraform.tfstate``, then `evaluate` decides the same mix
of requests that Terragrunt's S3 bootstrap and the Terraform S3 backend make.
Some are allowed and some denied under each policy.

Run it with ``python benchmarks/bench_evaluator.py [--seconds S]``. Importing
the module runs nothing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest_tgstate
from pytest_tgstate.iam import (
    AuthorizationRequest,
    Caller,
    Policy,
    PolicySet,
    evaluate,
    load_policy,
)

ACCOUNT = "123456789012"
BUCKET_NAME = "terragrunt-state"
TABLE_NAME = "terragrunt-locks"
STATE_KEY = "env/app/terraform.tfstate"
REGION = "us-east-1"
#: Timed runs per policy; the fastest one is reported.
REPEATS = 5

BUCKET = f"arn:aws:s3:::{BUCKET_NAME}"
STATE = f"{BUCKET}/{STATE_KEY}"
LOCKFILE = f"{STATE}.tflock"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE_NAME}"
#: The access-logging bucket, whose name does not start with "terragrunt".
LOG_BUCKET = "arn:aws:s3:::access-logs"

#: The documented policies, read from the package without importing
#: ``pytest_tgstate.world`` (which imports moto).
POLICY_DIRECTORY = Path(pytest_tgstate.__file__).parent / "world" / "policies"
POLICY_NAMES = ("full", "minimal", "external-bucket")

#: Placeholders in the documented policies and the names they get here. The
#: minimal policy's object path becomes the state key.
REPLACEMENTS = (
    (":1234567890:", f":{ACCOUNT}:"),
    ("BUCKET_NAME/some/path/here", f"{BUCKET_NAME}/{STATE_KEY}"),
    ("BUCKET_NAME", BUCKET_NAME),
    ("<BucketName>", BUCKET_NAME),
    ("TABLE_NAME", TABLE_NAME),
)

#: (action, resource) pairs in the order Terragrunt's bootstrap (with a role
#: to assume and an access-logging bucket) and a Terraform init, plan and apply
#: with DynamoDB and lockfile locking use them.
REQUESTS: tuple[tuple[str, str], ...] = (
    ("sts:GetCallerIdentity", "*"),
    ("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/terragrunt"),
    ("s3:ListBucket", BUCKET),
    ("s3:ListBucket", LOG_BUCKET),
    ("s3:CreateBucket", BUCKET),
    ("s3:PutBucketOwnershipControls", BUCKET),
    ("s3:GetBucketPolicy", BUCKET),
    ("s3:PutBucketPolicy", BUCKET),
    ("s3:PutBucketPublicAccessBlock", BUCKET),
    ("s3:PutBucketVersioning", BUCKET),
    ("s3:PutEncryptionConfiguration", BUCKET),
    ("s3:GetBucketVersioning", BUCKET),
    ("s3:GetEncryptionConfiguration", BUCKET),
    ("s3:GetBucketPublicAccessBlock", BUCKET),
    ("dynamodb:DescribeTable", TABLE),
    ("dynamodb:CreateTable", TABLE),
    ("dynamodb:TagResource", TABLE),
    ("s3:GetObject", STATE),
    ("s3:PutObject", STATE),
    ("s3:PutObject", LOCKFILE),
    ("s3:DeleteObject", LOCKFILE),
    ("dynamodb:GetItem", TABLE),
    ("dynamodb:PutItem", TABLE),
    ("dynamodb:DeleteItem", TABLE),
)


@dataclass(frozen=True)
class Result:
    """The outcome of timing one policy over the request mix."""

    policy: str
    allowed: int
    denied: int
    decisions: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.decisions / self.seconds


def render_policy(name: str) -> Policy:
    """Load a documented policy with this benchmark's account and names."""
    text = (POLICY_DIRECTORY / f"{name}.json").read_text(encoding="utf-8")
    for placeholder, value in REPLACEMENTS:
        text = text.replace(placeholder, value)
    return load_policy(text, name=name)


def build_requests(caller: Caller) -> list[AuthorizationRequest]:
    """Return the request mix with the context the gateway attaches."""
    requests = []
    for action, resource in REQUESTS:
        context: dict[str, tuple[str, ...]] = {
            "aws:securetransport": ("true",),
            "aws:currenttime": ("2030-01-01T00:00:00Z",),
            "aws:epochtime": ("1893456000",),
            "aws:requestedregion": (REGION,),
            "aws:sourceip": ("127.0.0.1",),
            "aws:useragent": ("aws-sdk-go-v2/1.30.0",),
        }
        if action == "s3:ListBucket":
            context["s3:prefix"] = ("env:/",)
        resource_account = ACCOUNT if resource != "*" else None
        requests.append(
            AuthorizationRequest(caller, action, resource, context, resource_account)
        )
    return requests


def time_policy(
    policy: Policy,
    requests: Sequence[AuthorizationRequest],
    seconds: float,
    repeats: int = REPEATS,
) -> Result:
    """Evaluate ``requests`` under ``policy`` for about ``seconds`` in all.

    The time is split into ``repeats`` runs and the fastest run is kept, as
    ``timeit`` does, because other processes only ever slow a run down.
    """
    policies = PolicySet(identity=(policy,))
    outcomes = [evaluate(request, policies).allowed for request in requests]
    best: tuple[int, float] | None = None
    for _ in range(repeats):
        decisions = 0
        started = time.perf_counter()
        deadline = started + seconds / repeats
        now = started
        while now < deadline:
            for request in requests:
                evaluate(request, policies)
            decisions += len(requests)
            now = time.perf_counter()
        run = (decisions, now - started)
        if best is None or run[0] / run[1] > best[0] / best[1]:
            best = run
    assert best is not None
    return Result(
        policy=policy.name,
        allowed=sum(outcomes),
        denied=len(outcomes) - sum(outcomes),
        decisions=best[0],
        seconds=best[1],
    )


def run(seconds: float) -> list[Result]:
    """Time every documented policy for ``seconds`` each."""
    caller = Caller.user(ACCOUNT, "terragrunt")
    requests = build_requests(caller)
    return [
        time_policy(render_policy(name), requests, seconds) for name in POLICY_NAMES
    ]


def format_table(results: Sequence[Result]) -> str:
    lines = [f"{'policy':<16} {'allowed':>7} {'denied':>6} {'decisions/s':>12}"]
    for result in results:
        lines.append(
            f"{result.policy:<16} {result.allowed:>7} {result.denied:>6} "
            f"{result.per_second:>12,.0f}"
        )
    total = sum(result.decisions for result in results)
    elapsed = sum(result.seconds for result in results)
    lines.append(f"{'all (best runs)':<16} {'':>7} {'':>6} {total / elapsed:>12,.0f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=2.0,
        help=f"time spent on each policy, in seconds, split into {REPEATS} runs "
        "(default: 2.0)",
    )
    arguments = parser.parse_args(argv)
    print(
        f"{len(REQUESTS)} requests per round, {arguments.seconds:g} s per policy, "
        f"fastest of {REPEATS} runs"
    )
    print(format_table(run(arguments.seconds)))


if __name__ == "__main__":
    main()
