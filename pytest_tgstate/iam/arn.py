"""Amazon Resource Names: parsing and the ARNs of the resources this project models."""

from __future__ import annotations

from typing import NamedTuple


class Arn(NamedTuple):
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return ":".join(
            (
                "arn",
                self.partition,
                self.service,
                self.region,
                self.account,
                self.resource,
            )
        )


def parse_arn(text: str) -> Arn:
    """Split an ARN into its parts; raise ``ValueError`` when it is not one."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise ValueError(
            f"{text!r} is not an ARN: "
            "expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"
        )
    _, partition, service, region, account, resource = parts
    if not partition or not service:
        raise ValueError(f"{text!r} is not an ARN: the partition and service are empty")
    return Arn(partition, service, region, account, resource)


def is_account_id(text: str) -> bool:
    return len(text) == 12 and text.isdigit()


def bucket_arn(bucket: str, partition: str = "aws") -> str:
    return f"arn:{partition}:s3:::{bucket}"


def object_arn(bucket: str, key: str, partition: str = "aws") -> str:
    return f"arn:{partition}:s3:::{bucket}/{key}"


def table_arn(region: str, account: str, table: str, partition: str = "aws") -> str:
    return f"arn:{partition}:dynamodb:{region}:{account}:table/{table}"


def account_root_arn(account: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:root"
