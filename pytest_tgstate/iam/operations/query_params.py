"""Lists in query-protocol requests (STS and IAM), which arrive as flat fields.

A list of strings arrives as ``Name.member.1``, ``Name.member.2``, ... and a
list of tags as ``Tags.member.N.Key`` and ``Tags.member.N.Value``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def member_list(params: Mapping[str, Any], name: str) -> list[str]:
    """Return the string list ``name`` from query-protocol ``params``."""
    values = []
    index = 1
    while f"{name}.member.{index}" in params:
        values.append(str(params[f"{name}.member.{index}"]))
        index += 1
    return values


def member_tags(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return the (key, value) pairs of the ``Tags`` list in ``params``."""
    tags = []
    index = 1
    while f"Tags.member.{index}.Key" in params:
        key = str(params[f"Tags.member.{index}.Key"])
        value = str(params.get(f"Tags.member.{index}.Value", ""))
        tags.append((key, value))
        index += 1
    return tags
