"""Measure what the gateway adds per AWS call, against bare moto.

The same 16-call sequence, shaped like Terragrunt's S3 bootstrap followed by
a Terraform state write and lock cycle, runs through two stacks:

- bare: ``moto.mock_aws()`` with boto3 clients created once, and moto's
  own IAM enforcement off, as it is by default;
- gateway: a `World` whose user has Terragrunt's documented ``full``
  policy, so every call is classified, authenticated by its SigV4 signature,
  evaluated and journaled before moto runs it.

A world and a bare ``mock_aws`` cannot run side by side in one process:
moto's request interception and backends are process-global, so the
gateway would also decide the bare clients' requests and each reset would
empty the other's state. Each repetition therefore starts one stack,
resets its state, times the sequence and stops it again, and the stacks
alternate (bare, gateway, bare, ...) so that machine noise falls on both
alike. Only the 16 calls are timed, and
clients are created once per stack and reused, so starting and stopping
cost nothing in the figures. After a few warm-up repetitions per stack, the
report gives each stack's median sequence time divided by 16, the ratio of
the two medians, and the median of the per-repetition ratios (each gateway
run over the bare run just before it), which moves less when other
processes load the machine.

Times are the process's CPU time (``time.process_time``), not wall-clock
time: both stacks compute in this one thread without I/O, and CPU time
leaves out the waits for a core that other processes cause on a busy
machine.

The bucket policy written in the sequence holds only Terragrunt's
``RootAccess`` statement: bare moto evaluates bucket policies on object
requests with conditions ignored, so the ``EnforcedTLS`` deny would fail
the bare PutObject.

Run it with ``python benchmarks/bench_gateway.py [--repetitions N]``.
Importing the module runs nothing. Name resolution and connections to
anything but loopback raise while it runs, so no request can leave the
machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
from loopback_guard import loopback_only
from moto import mock_aws
from moto.core.base_backend import BackendDict

from pytest_tgstate.world import World

ACCOUNT = "123456789012"
REGION = "us-east-1"
BUCKET = "terragrunt-state"
TABLE = "terragrunt-locks"
STATE_KEY = "env/app/terraform.tfstate"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}"
LOCK_ID = f"{BUCKET}/{STATE_KEY}"
CALLS_PER_SEQUENCE = 16
#: Target for gateway time per call divided by bare time per call.
TARGET_RATIO = 1.15

ROOT_ACCESS_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "RootAccess",
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]},
            }
        ],
    }
)
STATE_BODY = json.dumps({"version": 4, "serial": 1, "resources": []}).encode()


@dataclass(frozen=True)
class Clients:
    """The three clients the sequence uses."""

    sts: Any
    s3: Any
    dynamodb: Any


def _expect_error(call: Callable[[], object], code: str) -> None:
    try:
        call()
    except ClientError as error:
        if error.response["Error"]["Code"] != code:
            raise
    else:
        raise RuntimeError(f"expected the call to fail with {code}, but it succeeded")


def run_sequence(clients: Clients) -> None:
    """Make the 16 calls: bootstrap the bucket and table, then write state."""
    sts, s3, dynamodb = clients.sts, clients.s3, clients.dynamodb
    sts.get_caller_identity()

    # Terragrunt's bucket bootstrap: the bucket does not exist yet.
    _expect_error(lambda: s3.head_bucket(Bucket=BUCKET), "404")
    s3.create_bucket(Bucket=BUCKET, ObjectOwnership="ObjectWriter")
    s3.put_bucket_versioning(
        Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"}
    )
    s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_tagging(
        Bucket=BUCKET, Tagging={"TagSet": [{"Key": "owner", "Value": "platform"}]}
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=ROOT_ACCESS_POLICY)
    s3.get_bucket_versioning(Bucket=BUCKET)

    # The lock table bootstrap: the table does not exist yet.
    _expect_error(
        lambda: dynamodb.describe_table(TableName=TABLE), "ResourceNotFoundException"
    )
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.tag_resource(
        ResourceArn=TABLE_ARN, Tags=[{"Key": "owner", "Value": "platform"}]
    )

    # Terraform takes the lock, writes the state, reads the lock item back
    # and releases the lock.
    dynamodb.put_item(
        TableName=TABLE,
        Item={"LockID": {"S": LOCK_ID}, "Info": {"S": "{}"}},
        ConditionExpression="attribute_not_exists(LockID)",
    )
    s3.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=STATE_BODY)
    dynamodb.get_item(TableName=TABLE, Key={"LockID": {"S": LOCK_ID}})
    dynamodb.delete_item(TableName=TABLE, Key={"LockID": {"S": LOCK_ID}})


# -- the two stacks ----------------------------------------------------------


def _isolated_session() -> botocore.session.Session:
    """Return a botocore session that reads no configuration from the machine."""
    session = botocore.session.Session()
    session.set_config_variable("config_file", os.devnull)
    session.set_config_variable("credentials_file", os.devnull)
    session.set_config_variable("ignore_configured_endpoint_urls", True)
    return session


def bare_clients() -> Clients:
    """Create clients for bare moto with the settings the world's clients use."""
    session = _isolated_session()
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    credentials = {
        "aws_access_key_id": "AKIABENCHMARK0000000",
        "aws_secret_access_key": "benchmark",
    }

    def create(service: str, extra: Config | None = None) -> Any:
        merged = config.merge(extra) if extra else config
        return session.create_client(
            service, region_name=REGION, config=merged, **credentials
        )

    return Clients(
        sts=create("sts"),
        s3=create("s3", Config(signature_version="s3v4")),
        dynamodb=create("dynamodb"),
    )


def time_bare(clients: Clients) -> float:
    """Return the CPU seconds the sequence takes on bare moto, from empty state."""
    with mock_aws():
        BackendDict.reset()
        start = time.process_time()
        run_sequence(clients)
        return time.process_time() - start


def time_gateway(world: World) -> float:
    """Return the CPU seconds the sequence takes through the gateway, from empty state.

    The user is created again with new keys after the reset, and the world
    hands back its existing clients with those keys.
    """
    with world:
        world.reset()
        policy = world.policy_template(
            "full", bucket=BUCKET, table=TABLE, key=STATE_KEY
        )
        user = world.create_user("terragrunt", policy=policy)
        clients = Clients(
            sts=world.client("sts", user),
            s3=world.client("s3", user),
            dynamodb=world.client("dynamodb", user),
        )
        start = time.process_time()
        run_sequence(clients)
        elapsed = time.process_time() - start
        denied = [entry.describe() for entry in world.journal if entry.denied]
        if denied:
            raise RuntimeError(f"the gateway denied calls: {denied}")
        return elapsed


# -- running -----------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """CPU seconds per sequence for each stack, in the order they ran."""

    bare: tuple[float, ...]
    gateway: tuple[float, ...]

    @property
    def bare_ms(self) -> float:
        """Median milliseconds per call on bare moto."""
        return statistics.median(self.bare) * 1000 / CALLS_PER_SEQUENCE

    @property
    def gateway_ms(self) -> float:
        """Median milliseconds per call through the gateway."""
        return statistics.median(self.gateway) * 1000 / CALLS_PER_SEQUENCE

    @property
    def ratio(self) -> float:
        """Gateway median divided by bare median."""
        return self.gateway_ms / self.bare_ms

    @property
    def paired_ratio(self) -> float:
        """Median of each repetition's gateway time over the bare time just before.

        Adjacent runs share the machine's load at that moment, so this ratio
        moves less than the ratio of medians when other processes compete.
        """
        pairs = zip(self.gateway, self.bare, strict=True)
        return statistics.median(gateway / bare for gateway, bare in pairs)


def measure(repetitions: int, warmup: int) -> Result:
    """Alternate the two stacks, warm-up runs first, and keep every timing."""
    clients = bare_clients()
    world = World(account=ACCOUNT, region=REGION)
    for _ in range(warmup):
        time_bare(clients)
        time_gateway(world)
    bare: list[float] = []
    gateway: list[float] = []
    for _ in range(repetitions):
        bare.append(time_bare(clients))
        gateway.append(time_gateway(world))
    return Result(bare=tuple(bare), gateway=tuple(gateway))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repetitions",
        type=int,
        default=30,
        help="timed sequences per stack (default: 30)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=3,
        help="untimed sequences per stack before timing (default: 3)",
    )
    arguments = parser.parse_args(argv)
    if arguments.repetitions < 1 or arguments.warmup < 0:
        parser.error("--repetitions must be at least 1 and --warmup at least 0")

    with loopback_only():
        result = measure(arguments.repetitions, arguments.warmup)

    print(
        f"{CALLS_PER_SEQUENCE}-call sequence, median of {arguments.repetitions} "
        "alternating repetitions"
    )
    print(f"  bare moto:     {result.bare_ms:.3f} ms/call")
    print(f"  gateway:       {result.gateway_ms:.3f} ms/call")
    verdict = "within" if result.ratio <= TARGET_RATIO else "above"
    print(f"  ratio:         {result.ratio:.3f} ({verdict} the {TARGET_RATIO} target)")
    print(f"  paired ratio:  {result.paired_ratio:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
