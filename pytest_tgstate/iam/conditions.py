"""Condition operators of the IAM policy language and their evaluation.

A condition block is an AND over its operators and, inside each operator, an
AND over its keys. The values listed for one key are an OR, except for the
negated operators (``StringNotEquals`` and friends), which match when the
request value equals none of them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from .patterns import compile_glob, escape_wildcards, glob_match
from .variables import PolicyVariableMissing, substitute_variables

Context = Mapping[str, Sequence[str]]


def _string_equals(policy: str, value: str) -> bool:
    return policy == value


def _string_equals_ignore_case(policy: str, value: str) -> bool:
    return policy.lower() == value.lower()


def _string_like(policy: str, value: str) -> bool:
    return glob_match(policy, value)


def _parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _parse_date(text: str) -> datetime | None:
    text = text.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return datetime.fromtimestamp(float(text), tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def check(policy: str, value: str) -> bool:
        left = _parse_number(value)
        right = _parse_number(policy)
        return left is not None and right is not None and compare(left, right)

    return check


def _date(compare: Callable[[datetime, datetime], bool]) -> Callable[[str, str], bool]:
    def check(policy: str, value: str) -> bool:
        left = _parse_date(value)
        right = _parse_date(policy)
        return left is not None and right is not None and compare(left, right)

    return check


def _bool(policy: str, value: str) -> bool:
    return policy.lower() == value.lower()


@lru_cache(maxsize=1024)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _ip_address(policy: str, value: str) -> bool:
    network = _network(policy)
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return (
        network is not None
        and address.version == network.version
        and (address in network)
    )


def _arn_like(policy: str, value: str) -> bool:
    # ARN operators compare the six colon-separated parts one by one, so a
    # wildcard in one part never spills into the next.
    policy_parts = policy.split(":", 5)
    value_parts = value.split(":", 5)
    if len(policy_parts) != 6 or len(value_parts) != 6:
        return False
    return all(
        compile_glob(pattern).fullmatch(part) is not None
        for pattern, part in zip(policy_parts, value_parts, strict=True)
    )


def _binary_equals(policy: str, value: str) -> bool:
    return policy == value


@dataclass(frozen=True)
class OperatorSpec:
    compare: Callable[[str, str], bool]
    negated: bool = False
    #: Policy values are wildcard patterns, so substituted text is escaped.
    wildcards: bool = False


#: Every operator name IAM accepts, without the ``IfExists`` suffix.
OPERATORS: dict[str, OperatorSpec] = {
    "StringEquals": OperatorSpec(_string_equals),
    "StringNotEquals": OperatorSpec(_string_equals, negated=True),
    "StringEqualsIgnoreCase": OperatorSpec(_string_equals_ignore_case),
    "StringNotEqualsIgnoreCase": OperatorSpec(_string_equals_ignore_case, negated=True),
    "StringLike": OperatorSpec(_string_like, wildcards=True),
    "StringNotLike": OperatorSpec(_string_like, negated=True, wildcards=True),
    "NumericEquals": OperatorSpec(_numeric(lambda a, b: a == b)),
    "NumericNotEquals": OperatorSpec(_numeric(lambda a, b: a == b), negated=True),
    "NumericLessThan": OperatorSpec(_numeric(lambda a, b: a < b)),
    "NumericLessThanEquals": OperatorSpec(_numeric(lambda a, b: a <= b)),
    "NumericGreaterThan": OperatorSpec(_numeric(lambda a, b: a > b)),
    "NumericGreaterThanEquals": OperatorSpec(_numeric(lambda a, b: a >= b)),
    "DateEquals": OperatorSpec(_date(lambda a, b: a == b)),
    "DateNotEquals": OperatorSpec(_date(lambda a, b: a == b), negated=True),
    "DateLessThan": OperatorSpec(_date(lambda a, b: a < b)),
    "DateLessThanEquals": OperatorSpec(_date(lambda a, b: a <= b)),
    "DateGreaterThan": OperatorSpec(_date(lambda a, b: a > b)),
    "DateGreaterThanEquals": OperatorSpec(_date(lambda a, b: a >= b)),
    "Bool": OperatorSpec(_bool),
    "BinaryEquals": OperatorSpec(_binary_equals),
    "IpAddress": OperatorSpec(_ip_address),
    "NotIpAddress": OperatorSpec(_ip_address, negated=True),
    "ArnEquals": OperatorSpec(_arn_like, wildcards=True),
    "ArnLike": OperatorSpec(_arn_like, wildcards=True),
    "ArnNotEquals": OperatorSpec(_arn_like, negated=True, wildcards=True),
    "ArnNotLike": OperatorSpec(_arn_like, negated=True, wildcards=True),
}

SET_QUALIFIERS = ("ForAllValues", "ForAnyValue")


@dataclass(frozen=True)
class Condition:
    """One key tested by one operator, e.g. ``StringLike s3:prefix ["env:/*"]``."""

    operator: str
    key: str
    values: tuple[str, ...]
    base_operator: str
    if_exists: bool
    qualifier: str | None

    @property
    def is_null(self) -> bool:
        return self.base_operator == "Null"

    def matches(self, context: Context, *, use_variables: bool = True) -> bool:
        """Return whether the request ``context`` satisfies this condition."""
        present = context.get(self.key.lower())
        if self.is_null:
            # Null {"key": "true"} holds when the key is absent from the request.
            absent = not present
            return any((value.lower() == "true") == absent for value in self.values)

        spec = OPERATORS[self.base_operator]
        policy_values = (
            self._resolved_values(context, spec.wildcards)
            if use_variables
            else self.values
        )

        if not present:
            if self.qualifier == "ForAllValues":
                return True
            if self.if_exists:
                return True
            return spec.negated and self.qualifier is None

        def value_matches(value: str) -> bool:
            hit = any(spec.compare(policy, value) for policy in policy_values)
            return not hit if spec.negated else hit

        if self.qualifier == "ForAllValues":
            return all(value_matches(value) for value in present)
        if spec.negated and self.qualifier is None:
            # A negated operator on a multivalued key holds only when no request
            # value equals a policy value.
            return all(value_matches(value) for value in present)
        return any(value_matches(value) for value in present)

    def _resolved_values(self, context: Context, wildcards: bool) -> tuple[str, ...]:
        if not any("${" in value for value in self.values):
            return self.values
        escape = escape_wildcards if wildcards else None
        resolved = []
        for value in self.values:
            try:
                resolved.append(substitute_variables(value, context, escape=escape))
            except PolicyVariableMissing:
                continue
        return tuple(resolved)


def parse_operator(name: str) -> tuple[str, bool, str | None]:
    """Split ``ForAnyValue:StringLikeIfExists`` into base, IfExists flag, qualifier.

    Raises ``ValueError`` naming the operator when IAM does not know it.
    """
    qualifier: str | None = None
    base = name
    if ":" in base:
        qualifier, _, base = base.partition(":")
        if qualifier not in SET_QUALIFIERS:
            raise ValueError(
                f"Condition operator {name!r} has an unknown set qualifier "
                f"{qualifier!r}; use ForAllValues or ForAnyValue"
            )
    if_exists = base.endswith("IfExists")
    if if_exists:
        base = base[: -len("IfExists")]
    if base == "Null":
        if if_exists or qualifier:
            raise ValueError(
                f"Condition operator {name!r} is invalid because Null takes "
                "no IfExists suffix and no set qualifier"
            )
        return base, False, None
    if base not in OPERATORS:
        raise ValueError(
            f"Condition operator {name!r} is unknown; valid operators include "
            "StringEquals, StringLike, ArnLike, Bool, NumericLessThan, "
            "DateGreaterThan, IpAddress and Null, each optionally with the "
            "IfExists suffix"
        )
    return base, if_exists, qualifier
