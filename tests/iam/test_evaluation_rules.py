"""One test per IAM evaluation rule, each on the smallest policy that shows it."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_tgstate.iam import AuthorizationRequest, Caller, Policy, PolicySet, evaluate
from pytest_tgstate.iam.evaluation import match_principal

from .builders import (
    ACCOUNT,
    ALICE,
    ANONYMOUS,
    BOB,
    BUCKET,
    DEPLOY_ROLE,
    DEPLOY_SESSION,
    OTHER_ACCOUNT,
    OUTSIDER,
    ROOT,
    STATE_OBJECT,
    allow,
    decide,
    deny,
    policy,
)

ALLOW_ALL_S3 = policy(allow("s3:*"), name="s3-admin")


def _allowed_by(statement: dict[str, Any], action: str, resource: str) -> bool:
    return decide(ALICE, action, resource, identity=[policy(statement)]).allowed


def _condition_allows(condition: dict[str, Any], context: dict[str, Any]) -> bool:
    statement = {**allow("s3:GetObject"), "Condition": condition}
    return decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[policy(statement)],
        context=context,
    ).allowed


def _bucket_policy(*statements: dict[str, Any]) -> Policy:
    return policy(
        *statements, kind="resource", name="bucket policy of terragrunt-state"
    )


def _grant(
    principal: Any, action: str = "s3:GetObject", resource: str = STATE_OBJECT
) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
    }


def _trust(principal: Any) -> Policy:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return policy(statement, kind="trust", name="trust policy of deploy")


# -- deny, allow, implicit deny -----------------------------------------------


def test_allow_statement_allows() -> None:
    decision = decide(ALICE, "s3:GetObject", STATE_OBJECT, identity=[ALLOW_ALL_S3])
    assert decision.allowed is True
    assert decision.reason == "allowed"


def test_identity_deny_beats_allow() -> None:
    guarded = policy(allow("s3:*"), deny("s3:DeleteObject", STATE_OBJECT))
    decision = decide(ALICE, "s3:DeleteObject", STATE_OBJECT, identity=[guarded])
    assert decision.allowed is False
    assert decision.reason == "explicit deny"


def test_deny_in_other_policy_wins() -> None:
    no_delete = policy(deny("s3:DeleteObject"), name="no-delete")
    decision = decide(
        ALICE, "s3:DeleteObject", STATE_OBJECT, identity=[ALLOW_ALL_S3, no_delete]
    )
    assert decision.allowed is False
    assert decision.policy_name == "no-delete"


def test_resource_deny_beats_identity_allow() -> None:
    bucket = _bucket_policy({**deny("s3:GetObject", STATE_OBJECT), "Principal": "*"})
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_policy=bucket,
    )
    assert decision.allowed is False
    assert decision.reason == "explicit deny"
    assert decision.policy_kind == "resource-based policy"


def test_identity_deny_beats_resource_allow() -> None:
    bucket = _bucket_policy(_grant({"AWS": ALICE.arn}))
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[policy(deny("s3:GetObject"))],
        resource_policy=bucket,
    )
    assert decision.allowed is False
    assert decision.policy_kind == "identity-based policy"


def test_no_matching_statement_implicitly_denies() -> None:
    read_only = policy(allow("s3:GetObject"))
    decision = decide(ALICE, "s3:PutObject", STATE_OBJECT, identity=[read_only])
    assert decision.allowed is False
    assert decision.reason == "implicit deny"
    assert decision.statement is None


def test_no_policies_implicitly_denies() -> None:
    decision = decide(ALICE, "s3:GetObject", STATE_OBJECT)
    assert decision.reason == "implicit deny"
    assert decision.policy_kind == "identity-based policy"


# -- wildcards and case -------------------------------------------------------

#: id -> (pattern, resource, expected); names are bucket or object parts of
#: ``arn:aws:s3:::`` unless they start with ``arn:``.
WILDCARD_CASES = {
    "star-suffix": ("terragrunt*", "terragrunt-state", True),
    "star-prefix": ("*-state", "terragrunt-state", True),
    "star-middle": ("terra*state", "terragrunt-state", True),
    "star-matches-empty": ("terragrunt*", "terragrunt", True),
    "question-one-char": ("terragrunt-stat?", "terragrunt-state", True),
    "question-not-empty": ("terragrunt-stat?", "terragrunt-stat", False),
    "question-not-two": ("terragrunt-sta?", "terragrunt-state", False),
    "dot-literal": ("terragrunt.state", "terragrunt-state", False),
    "dot-matches-dot": ("terragrunt.state", "terragrunt.state", True),
    "plus-literal": ("state+", "stateee", False),
    "brackets-literal": ("state[12]", "state1", False),
    "brackets-match-themselves": ("state[12]", "state[12]", True),
    "alternation-literal": ("(a|b)", "a", False),
    "dollar-literal": ("a$", "a", False),
    "caret-literal": ("^a", "a", False),
    "backslash-literal": ("a\\d", "a1", False),
    "braces-literal": ("a{2}", "aa", False),
    "newline-literal": ("a\nb", "a\nb", True),
    "star-crosses-newline": ("a*", "a\nb", True),
    "star-crosses-slash": ("terragrunt*", "terragrunt-state/env/app/x", True),
    "star-crosses-colon": ("arn:aws:iam::1:role/*", "arn:aws:iam::1:role/a:b:c", True),
    "star-in-region": (
        "arn:aws:dynamodb:*:1:table/t",
        "arn:aws:dynamodb:eu-west-1:1:table/t",
        True,
    ),
    "exact-not-prefix": ("terragrunt-state", "terragrunt-state/key", False),
    "resource-case-sensitive": ("terragrunt-state", "Terragrunt-State", False),
    "pattern-case-sensitive": ("Terragrunt*", "terragrunt-state", False),
}


def _s3_arn(name: str) -> str:
    return name if name.startswith("arn:") else f"arn:aws:s3:::{name}"


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    list(WILDCARD_CASES.values()),
    ids=list(WILDCARD_CASES),
)
def test_resource_wildcard_matching(
    pattern: str, resource: str, expected: bool
) -> None:
    statement = allow("s3:ListBucket", _s3_arn(pattern))
    assert _allowed_by(statement, "s3:ListBucket", _s3_arn(resource)) is expected


#: id -> (Action pattern, requested action, expected)
ACTION_CASES = {
    "exact": ("s3:GetObject", "s3:GetObject", True),
    "pattern-case-insensitive": ("S3:getobject", "s3:GetObject", True),
    "request-case-insensitive": ("s3:GetObject", "S3:GETOBJECT", True),
    "star": ("s3:Get*", "s3:GetObjectVersion", True),
    "leading-star": ("s3:*Object", "s3:PutObject", True),
    "question": ("s3:GetObjec?", "s3:GetObject", True),
    "star-other-action": ("s3:List*", "s3:GetBucketLocation", False),
    "other-service": ("s3:*", "dynamodb:PutItem", False),
    "everything": ("*", "dynamodb:PutItem", True),
    "exact-not-prefix": ("s3:GetObject", "s3:GetObjectVersion", False),
}


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    list(ACTION_CASES.values()),
    ids=list(ACTION_CASES),
)
def test_action_matching(pattern: str, action: str, expected: bool) -> None:
    assert _allowed_by(allow(pattern), action, STATE_OBJECT) is expected


# -- NotAction and NotResource ------------------------------------------------


def test_notaction_allow_covers_other_actions() -> None:
    statement = {"Effect": "Allow", "NotAction": "s3:DeleteObject", "Resource": "*"}
    assert _allowed_by(statement, "s3:PutObject", STATE_OBJECT) is True


def test_notaction_allow_excludes_listed() -> None:
    statement = {"Effect": "Allow", "NotAction": "s3:Delete*", "Resource": "*"}
    assert _allowed_by(statement, "s3:DeleteObject", STATE_OBJECT) is False


def test_notaction_deny_denies_other_actions() -> None:
    guard = {
        "Effect": "Deny",
        "NotAction": ["s3:GetObject", "s3:ListBucket"],
        "Resource": "*",
    }
    decision = decide(
        ALICE, "s3:PutObject", STATE_OBJECT, identity=[ALLOW_ALL_S3, policy(guard)]
    )
    assert decision.reason == "explicit deny"


def test_notaction_deny_spares_listed() -> None:
    guard = {
        "Effect": "Deny",
        "NotAction": ["s3:GetObject", "s3:ListBucket"],
        "Resource": "*",
    }
    decision = decide(
        ALICE, "s3:GetObject", STATE_OBJECT, identity=[ALLOW_ALL_S3, policy(guard)]
    )
    assert decision.allowed is True


def test_notresource_allow_covers_other_resources() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:*",
        "NotResource": "arn:aws:s3:::secrets*",
    }
    assert _allowed_by(statement, "s3:GetObject", STATE_OBJECT) is True


def test_notresource_allow_excludes_listed() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:*",
        "NotResource": "arn:aws:s3:::secrets*",
    }
    assert _allowed_by(statement, "s3:GetObject", "arn:aws:s3:::secrets/key") is False


def test_notresource_deny_denies_other_resources() -> None:
    guard = {"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET, f"{BUCKET}/*"]}
    decision = decide(
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::elsewhere/key",
        identity=[ALLOW_ALL_S3, policy(guard)],
    )
    assert decision.reason == "explicit deny"


def test_notresource_deny_spares_listed() -> None:
    guard = {"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET, f"{BUCKET}/*"]}
    decision = decide(
        ALICE, "s3:GetObject", STATE_OBJECT, identity=[ALLOW_ALL_S3, policy(guard)]
    )
    assert decision.allowed is True


# -- condition operators ------------------------------------------------------

USER_ARN = "arn:aws:iam::111111111111:user/alice"
ROLE_ARN = "arn:aws:iam::111111111111:role/deploy-ci"
DEPLOY_ROLES = "arn:aws:iam::*:role/deploy-*"
NEW_YEAR = "2030-01-01T00:00:00Z"
NEW_YEAR_EPOCH = "1893456000"

#: id -> (operator, condition key, policy value, request values, expected)
OPERATOR_CASES: dict[str, tuple[str, str, Any, list[str], bool]] = {
    # String
    "string-equals": ("StringEquals", "aws:username", "alice", ["alice"], True),
    "string-equals-case": ("StringEquals", "aws:username", "alice", ["Alice"], False),
    "string-not-equals": ("StringNotEquals", "aws:username", "alice", ["bob"], True),
    "string-not-equals-same": ("StringNotEquals", "aws:username", "a", ["a"], False),
    "string-ignore-case": ("StringEqualsIgnoreCase", "aws:username", "A", ["a"], True),
    "string-not-ignore-case": (
        "StringNotEqualsIgnoreCase",
        "aws:username",
        "A",
        ["a"],
        False,
    ),
    "string-like-star": ("StringLike", "s3:prefix", "env:/*", ["env:/dev/"], True),
    "string-like-question": (
        "StringLike",
        "s3:prefix",
        "env:/???/",
        ["env:/dev/"],
        True,
    ),
    "string-like-miss": ("StringLike", "s3:prefix", "env:/*", ["envx/dev"], False),
    "string-like-dot-literal": ("StringLike", "s3:prefix", "env.*", ["env-x"], False),
    "string-like-case": ("StringLike", "s3:prefix", "Env:/*", ["env:/dev"], False),
    "string-not-like": ("StringNotLike", "s3:prefix", "env:/*", ["other/"], True),
    "string-not-like-hit": ("StringNotLike", "s3:prefix", "env:/*", ["env:/x"], False),
    # Numeric
    "numeric-equals": ("NumericEquals", "s3:max-keys", "10", ["10"], True),
    "numeric-equals-float": ("NumericEquals", "s3:max-keys", "10", ["10.0"], True),
    "numeric-not-equals": ("NumericNotEquals", "s3:max-keys", "10", ["11"], True),
    "numeric-less": ("NumericLessThan", "s3:max-keys", "10", ["9"], True),
    "numeric-less-equal-value": ("NumericLessThan", "s3:max-keys", "10", ["10"], False),
    "numeric-less-equals": ("NumericLessThanEquals", "s3:max-keys", "10", ["10"], True),
    "numeric-greater": ("NumericGreaterThan", "s3:max-keys", "10", ["11"], True),
    "numeric-greater-miss": ("NumericGreaterThan", "s3:max-keys", "10", ["9"], False),
    "numeric-greater-equals": (
        "NumericGreaterThanEquals",
        "s3:max-keys",
        "10",
        ["10"],
        True,
    ),
    "numeric-not-a-number": ("NumericEquals", "s3:max-keys", "10", ["ten"], False),
    # Date, ISO 8601 and epoch seconds
    "date-less-iso": (
        "DateLessThan",
        "aws:CurrentTime",
        NEW_YEAR,
        ["2029-12-31T23:59:59Z"],
        True,
    ),
    "date-less-miss": (
        "DateLessThan",
        "aws:CurrentTime",
        NEW_YEAR,
        ["2030-01-01T00:00:01Z"],
        False,
    ),
    "date-greater-iso": (
        "DateGreaterThan",
        "aws:CurrentTime",
        NEW_YEAR,
        ["2030-06-01T00:00:00Z"],
        True,
    ),
    "date-equals-offset": (
        "DateEquals",
        "aws:CurrentTime",
        NEW_YEAR,
        ["2030-01-01T01:00:00+01:00"],
        True,
    ),
    "date-not-equals": (
        "DateNotEquals",
        "aws:CurrentTime",
        NEW_YEAR,
        ["2030-01-02T00:00:00Z"],
        True,
    ),
    "date-epoch-equal": (
        "DateLessThanEquals",
        "aws:EpochTime",
        NEW_YEAR_EPOCH,
        [NEW_YEAR_EPOCH],
        True,
    ),
    "date-epoch-miss": (
        "DateGreaterThanEquals",
        "aws:EpochTime",
        NEW_YEAR_EPOCH,
        ["1893455999"],
        False,
    ),
    "date-epoch-against-iso": (
        "DateLessThan",
        "aws:CurrentTime",
        NEW_YEAR_EPOCH,
        ["2029-12-31T00:00:00Z"],
        True,
    ),
    "date-day-only": (
        "DateLessThan",
        "aws:CurrentTime",
        "2030-01-01",
        ["2029-12-31T23:00:00Z"],
        True,
    ),
    "date-not-a-date": ("DateEquals", "aws:CurrentTime", NEW_YEAR, ["soon"], False),
    # Bool
    "bool-true": ("Bool", "aws:SecureTransport", "true", ["true"], True),
    "bool-false": ("Bool", "aws:SecureTransport", "true", ["false"], False),
    "bool-json-true": ("Bool", "aws:SecureTransport", True, ["true"], True),
    "bool-case": ("Bool", "aws:SecureTransport", "false", ["False"], True),
    # IP address
    "ip-in-cidr": (
        "IpAddress",
        "aws:SourceIp",
        "203.0.113.0/24",
        ["203.0.113.7"],
        True,
    ),
    "ip-outside-cidr": (
        "IpAddress",
        "aws:SourceIp",
        "203.0.113.0/24",
        ["203.0.114.7"],
        False,
    ),
    "ip-single-address": (
        "IpAddress",
        "aws:SourceIp",
        "203.0.113.7",
        ["203.0.113.7"],
        True,
    ),
    "ip-host-bits-set": (
        "IpAddress",
        "aws:SourceIp",
        "203.0.113.9/24",
        ["203.0.113.7"],
        True,
    ),
    "ipv6-in-cidr": (
        "IpAddress",
        "aws:SourceIp",
        "2001:db8::/32",
        ["2001:db8:1::5"],
        True,
    ),
    "ipv6-outside-cidr": (
        "IpAddress",
        "aws:SourceIp",
        "2001:db8::/32",
        ["2001:db9::5"],
        False,
    ),
    "ipv4-in-ipv6-range": (
        "IpAddress",
        "aws:SourceIp",
        "2001:db8::/32",
        ["203.0.113.7"],
        False,
    ),
    "ip-not-an-address": (
        "IpAddress",
        "aws:SourceIp",
        "203.0.113.0/24",
        ["nowhere"],
        False,
    ),
    "not-ip-outside": (
        "NotIpAddress",
        "aws:SourceIp",
        "203.0.113.0/24",
        ["198.51.100.1"],
        True,
    ),
    "not-ip-inside": (
        "NotIpAddress",
        "aws:SourceIp",
        "203.0.113.0/24",
        ["203.0.113.1"],
        False,
    ),
    # ARN, compared part by part
    "arn-equals": ("ArnEquals", "aws:PrincipalArn", USER_ARN, [USER_ARN], True),
    "arn-like": ("ArnLike", "aws:PrincipalArn", DEPLOY_ROLES, [ROLE_ARN], True),
    "arn-like-case": (
        "ArnLike",
        "aws:PrincipalArn",
        DEPLOY_ROLES,
        [ROLE_ARN.upper()],
        False,
    ),
    "arn-like-region-star": (
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:s3:*:111111111111:*",
        ["arn:aws:s3:us-east-1:111111111111:x"],
        True,
    ),
    "arn-like-star-stays-in-part": (
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:*:111111111111:role/x",
        ["arn:aws:iam::111111111111:role/x"],
        False,
    ),
    "arn-like-resource-keeps-colons": (
        "ArnLike",
        "aws:SourceArn",
        "arn:aws:iam::111111111111:*",
        ["arn:aws:iam::111111111111:role/a:b"],
        True,
    ),
    "arn-like-not-an-arn": ("ArnLike", "aws:SourceArn", ROLE_ARN, ["role/x"], False),
    "arn-not-like": ("ArnNotLike", "aws:PrincipalArn", DEPLOY_ROLES, [USER_ARN], True),
    "arn-not-equals-same": (
        "ArnNotEquals",
        "aws:PrincipalArn",
        USER_ARN,
        [USER_ARN],
        False,
    ),
    # Binary, compared as base64 text
    "binary-equals": (
        "BinaryEquals",
        "s3:x-amz-content-sha256",
        "QmluYXJ5",
        ["QmluYXJ5"],
        True,
    ),
    "binary-differs": (
        "BinaryEquals",
        "s3:x-amz-content-sha256",
        "QmluYXJ5",
        ["QmluYXJz"],
        False,
    ),
}


@pytest.mark.parametrize(
    ("operator", "key", "value", "request_values", "expected"),
    list(OPERATOR_CASES.values()),
    ids=list(OPERATOR_CASES),
)
def test_condition_operator(
    operator: str, key: str, value: Any, request_values: list[str], expected: bool
) -> None:
    condition = {operator: {key: value}}
    assert (
        _condition_allows(condition, {key.lower(): tuple(request_values)}) is expected
    )


def test_condition_key_name_case_insensitive() -> None:
    condition = {"StringEquals": {"AWS:UserName": "alice"}}
    assert _condition_allows(condition, {}) is True


def test_null_true_matches_absent_key() -> None:
    assert _condition_allows({"Null": {"aws:TokenIssueTime": "true"}}, {}) is True


def test_null_true_rejects_present_key() -> None:
    context = {"aws:tokenissuetime": ("2030-01-01T00:00:00Z",)}
    assert _condition_allows({"Null": {"aws:TokenIssueTime": "true"}}, context) is False


def test_null_false_requires_present_key() -> None:
    assert _condition_allows({"Null": {"aws:TokenIssueTime": "false"}}, {}) is False


def test_null_false_matches_present_key() -> None:
    context = {"aws:tokenissuetime": ("2030-01-01T00:00:00Z",)}
    assert _condition_allows({"Null": {"aws:TokenIssueTime": False}}, context) is True


IF_EXISTS_CASES = [
    pytest.param("StringEqualsIfExists", ("platform",), True, id="present-match"),
    pytest.param("StringEqualsIfExists", ("data",), False, id="present-miss"),
    pytest.param("StringEqualsIfExists", None, True, id="absent"),
    pytest.param("StringEquals", None, False, id="without-suffix-absent"),
    pytest.param(
        "StringNotEqualsIfExists", ("platform",), False, id="negated-present-same"
    ),
    pytest.param("StringNotEqualsIfExists", None, True, id="negated-absent"),
    pytest.param("NumericLessThanIfExists", None, True, id="numeric-absent"),
    pytest.param("BoolIfExists", None, True, id="bool-absent"),
]


@pytest.mark.parametrize(("operator", "team", "expected"), IF_EXISTS_CASES)
def test_if_exists_suffix(
    operator: str, team: tuple[str, ...] | None, expected: bool
) -> None:
    value = "platform"
    if operator.startswith("Numeric"):
        value = "1"
    elif operator.startswith("Bool"):
        value = "true"
    condition = {operator: {"aws:PrincipalTag/team": value}}
    context = {} if team is None else {"aws:principaltag/team": team}
    assert _condition_allows(condition, context) is expected


NEGATED_ABSENT_CASES = [
    pytest.param("StringNotEquals", "x", True, id="string-not-equals"),
    pytest.param("StringNotLike", "x*", True, id="string-not-like"),
    pytest.param(
        "StringNotEqualsIgnoreCase", "x", True, id="string-not-equals-ignore-case"
    ),
    pytest.param("NumericNotEquals", "1", True, id="numeric-not-equals"),
    pytest.param("DateNotEquals", "2030-01-01T00:00:00Z", True, id="date-not-equals"),
    pytest.param("NotIpAddress", "203.0.113.0/24", True, id="not-ip-address"),
    pytest.param("ArnNotLike", "arn:aws:iam::*:role/x", True, id="arn-not-like"),
    pytest.param("ArnNotEquals", "arn:aws:iam::*:role/x", True, id="arn-not-equals"),
    pytest.param("StringEquals", "x", False, id="string-equals"),
    pytest.param("NumericLessThan", "1", False, id="numeric-less-than"),
    pytest.param("IpAddress", "203.0.113.0/24", False, id="ip-address"),
    pytest.param("Bool", "true", False, id="bool"),
]


@pytest.mark.parametrize(("operator", "value", "expected"), NEGATED_ABSENT_CASES)
def test_operator_with_absent_key(operator: str, value: str, expected: bool) -> None:
    assert _condition_allows({operator: {"aws:SourceVpce": value}}, {}) is expected


#: id -> (operator on aws:TagKeys, request tag keys or None when absent, expected)
SET_CASES: dict[str, tuple[str, tuple[str, ...] | None, bool]] = {
    "all-subset": ("ForAllValues:StringEquals", ("env", "team"), True),
    "all-extra-key": ("ForAllValues:StringEquals", ("env", "owner"), False),
    "all-empty": ("ForAllValues:StringEquals", (), True),
    "all-absent": ("ForAllValues:StringEquals", None, True),
    "any-one-matches": ("ForAnyValue:StringEquals", ("owner", "team"), True),
    "any-none-match": ("ForAnyValue:StringEquals", ("owner",), False),
    "any-empty": ("ForAnyValue:StringEquals", (), False),
    "any-absent": ("ForAnyValue:StringEquals", None, False),
    "all-like": ("ForAllValues:StringLike", ("env", "environment"), True),
    "any-not-equals": ("ForAnyValue:StringNotEquals", ("env", "owner"), True),
    "any-not-equals-all-listed": (
        "ForAnyValue:StringNotEquals",
        ("env", "team"),
        False,
    ),
    "all-not-equals": ("ForAllValues:StringNotEquals", ("owner", "cost"), True),
    "all-not-equals-one-listed": (
        "ForAllValues:StringNotEquals",
        ("owner", "env"),
        False,
    ),
    "plain-any-value": ("StringEquals", ("env", "owner"), True),
    "plain-negated-one-listed": ("StringNotEquals", ("env", "owner"), False),
    "plain-negated-none-listed": ("StringNotEquals", ("owner", "cost"), True),
}


@pytest.mark.parametrize(
    ("operator", "tag_keys", "expected"), list(SET_CASES.values()), ids=list(SET_CASES)
)
def test_multivalued_tag_keys(
    operator: str, tag_keys: tuple[str, ...] | None, expected: bool
) -> None:
    pattern = ["env*"] if "Like" in operator else ["env", "team"]
    context = {} if tag_keys is None else {"aws:tagkeys": tag_keys}
    assert _condition_allows({operator: {"aws:TagKeys": pattern}}, context) is expected


def test_condition_values_are_alternatives() -> None:
    condition = {"StringEquals": {"aws:username": ["bob", "alice"]}}
    assert _condition_allows(condition, {}) is True


def test_condition_keys_all_required() -> None:
    condition = {"StringEquals": {"aws:username": "alice", "s3:prefix": "env:/"}}
    assert _condition_allows(condition, {"s3:prefix": ("other/",)}) is False


def test_condition_keys_all_met() -> None:
    condition = {"StringEquals": {"aws:username": "alice", "s3:prefix": "env:/"}}
    assert _condition_allows(condition, {"s3:prefix": ("env:/",)}) is True


def test_condition_operators_all_required() -> None:
    condition = {
        "StringEquals": {"aws:username": "alice"},
        "Bool": {"aws:SecureTransport": "true"},
    }
    assert _condition_allows(condition, {"aws:securetransport": ("false",)}) is False


def test_condition_operators_all_met() -> None:
    condition = {
        "StringEquals": {"aws:username": "alice"},
        "Bool": {"aws:SecureTransport": "true"},
    }
    assert _condition_allows(condition, {"aws:securetransport": ("true",)}) is True


def test_context_string_value_not_split() -> None:
    guard = {**deny("s3:*"), "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3, policy(guard)],
        context={"aws:securetransport": "false"},
    )
    assert decision.reason == "explicit deny"


def test_context_key_case_ignored() -> None:
    guard = {**deny("s3:*"), "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3, policy(guard)],
        context={"aws:SecureTransport": ("false",)},
    )
    assert decision.reason == "explicit deny"


# -- policy variables ---------------------------------------------------------

HOME = "arn:aws:s3:::terragrunt-state/home/${aws:username}/*"


def test_variable_in_resource_matches_caller() -> None:
    statement = allow("s3:GetObject", HOME)
    assert _allowed_by(statement, "s3:GetObject", f"{BUCKET}/home/alice/state") is True


def test_variable_in_resource_rejects_other_user() -> None:
    statement = allow("s3:GetObject", HOME)
    assert _allowed_by(statement, "s3:GetObject", f"{BUCKET}/home/bob/state") is False


def test_substituted_value_is_literal() -> None:
    dotted = Caller.user(ACCOUNT, "a.b")
    statement = allow("s3:GetObject", HOME)
    decision = decide(
        dotted, "s3:GetObject", f"{BUCKET}/home/axb/state", identity=[policy(statement)]
    )
    assert decision.allowed is False


def test_variable_in_condition() -> None:
    statement = {
        **allow("s3:ListBucket", BUCKET),
        "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
    }
    allowed = decide(
        ALICE,
        "s3:ListBucket",
        BUCKET,
        identity=[policy(statement)],
        context={"s3:prefix": ("home/alice/x",)},
    )
    assert allowed.allowed is True


def test_variable_in_condition_rejects_other() -> None:
    statement = {
        **allow("s3:ListBucket", BUCKET),
        "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
    }
    denied = decide(
        ALICE,
        "s3:ListBucket",
        BUCKET,
        identity=[policy(statement)],
        context={"s3:prefix": ("home/bob/x",)},
    )
    assert denied.allowed is False


def test_variable_default_when_missing() -> None:
    statement = allow(
        "s3:GetObject",
        "arn:aws:s3:::terragrunt-state/${aws:PrincipalTag/team, 'shared'}/*",
    )
    assert _allowed_by(statement, "s3:GetObject", f"{BUCKET}/shared/state") is True


def test_variable_default_unused_when_present() -> None:
    team_member = Caller(
        arn=ALICE.arn,
        account=ACCOUNT,
        kind="user",
        name="alice",
        tags=(("team", "platform"),),
    )
    statement = allow(
        "s3:GetObject",
        "arn:aws:s3:::terragrunt-state/${aws:PrincipalTag/team, 'shared'}/*",
    )
    decision = decide(
        team_member,
        "s3:GetObject",
        f"{BUCKET}/platform/state",
        identity=[policy(statement)],
    )
    assert decision.allowed is True


def test_variable_default_in_condition() -> None:
    condition = {"StringEquals": {"s3:prefix": "${aws:PrincipalTag/team, 'shared'}/"}}
    assert _condition_allows(condition, {"s3:prefix": ("shared/",)}) is True


def test_star_variable_literal_in_resource() -> None:
    statement = allow("s3:GetObject", "arn:aws:s3:::terragrunt-state/${*}")
    assert _allowed_by(statement, "s3:GetObject", f"{BUCKET}/anything") is False


def test_star_variable_matches_asterisk() -> None:
    statement = allow("s3:GetObject", "arn:aws:s3:::terragrunt-state/${*}")
    assert _allowed_by(statement, "s3:GetObject", f"{BUCKET}/*") is True


def test_question_variable_literal_in_resource() -> None:
    statement = allow("s3:GetObject", "arn:aws:s3:::terragrunt-state/a${?}")
    assert _allowed_by(statement, "s3:GetObject", f"{BUCKET}/ab") is False


def test_star_variable_literal_in_string_like() -> None:
    condition = {"StringLike": {"s3:prefix": "home/${*}"}}
    assert _condition_allows(condition, {"s3:prefix": ("home/alice",)}) is False


def test_star_variable_matches_asterisk_in_string_like() -> None:
    condition = {"StringLike": {"s3:prefix": "home/${*}"}}
    assert _condition_allows(condition, {"s3:prefix": ("home/*",)}) is True


def test_star_variable_literal_in_arn_like() -> None:
    condition = {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::${*}"}}
    assert (
        _condition_allows(condition, {"aws:sourcearn": ("arn:aws:s3:::bucket",)})
        is False
    )


def test_dollar_variable_literal() -> None:
    statement = allow("s3:GetObject", "arn:aws:s3:::terragrunt-state/${$}{x}")
    assert _allowed_by(statement, "s3:GetObject", f"{BUCKET}/${{x}}") is True


def test_missing_variable_resource_no_match() -> None:
    statement = allow("s3:GetObject", HOME)
    decision = decide(
        DEPLOY_SESSION,
        "s3:GetObject",
        f"{BUCKET}/home//state",
        identity=[policy(statement)],
    )
    assert decision.allowed is False


def test_missing_variable_condition_no_match() -> None:
    statement = {
        **allow("s3:GetObject"),
        "Condition": {"StringEquals": {"s3:prefix": "${aws:username}"}},
    }
    decision = decide(
        DEPLOY_SESSION,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[policy(statement)],
        context={"s3:prefix": ("",)},
    )
    assert decision.allowed is False


@pytest.mark.parametrize(
    "version", ["2008-10-17", None], ids=["version-2008", "no-version"]
)
def test_old_version_keeps_variables_literal(version: str | None) -> None:
    statement = allow("s3:GetObject", HOME)
    old = policy(statement, version=version)
    literal = decide(
        ALICE, "s3:GetObject", f"{BUCKET}/home/${{aws:username}}/x", identity=[old]
    )
    substituted = decide(
        ALICE, "s3:GetObject", f"{BUCKET}/home/alice/x", identity=[old]
    )
    assert literal.allowed is True
    assert substituted.allowed is False


@pytest.mark.parametrize(
    "version", ["2008-10-17", None], ids=["version-2008", "no-version"]
)
def test_old_version_condition_literal(version: str | None) -> None:
    statement = {
        **allow("s3:GetObject"),
        "Condition": {"StringEquals": {"s3:prefix": "${aws:username}"}},
    }
    old = policy(statement, version=version)
    literal = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[old],
        context={"s3:prefix": ("${aws:username}",)},
    )
    substituted = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[old],
        context={"s3:prefix": ("alice",)},
    )
    assert literal.allowed is True
    assert substituted.allowed is False


# -- principals in resource policies ------------------------------------------

RUN_1 = Caller.session(OTHER_ACCOUNT, "deploy", "run-1")
OTHER_ROOT = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
OTHER_DEPLOY_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/deploy"
EVE = f"arn:aws:iam::{OTHER_ACCOUNT}:user/eve"

#: id -> (Principal element, caller in OTHER_ACCOUNT, expected)
PRINCIPAL_CASES: dict[str, tuple[Any, Caller, bool]] = {
    "string-star": ("*", OUTSIDER, True),
    "aws-star": ({"AWS": "*"}, OUTSIDER, True),
    "terragrunt-everyone": ({"*": ["*"]}, OUTSIDER, True),
    "account-id": ({"AWS": OTHER_ACCOUNT}, OUTSIDER, True),
    "account-root-arn": ({"AWS": OTHER_ROOT}, OUTSIDER, True),
    "other-account-id": ({"AWS": "333333333333"}, OUTSIDER, False),
    "user-arn": ({"AWS": OUTSIDER.arn}, OUTSIDER, True),
    "other-user-arn": ({"AWS": EVE}, OUTSIDER, False),
    "role-arn-for-session": ({"AWS": OTHER_DEPLOY_ROLE}, RUN_1, True),
    "session-arn": ({"AWS": RUN_1.arn}, RUN_1, True),
    "other-session-arn": ({"AWS": RUN_1.arn.replace("run-1", "run-2")}, RUN_1, False),
    "list-any-entry": ({"AWS": [EVE, OTHER_ACCOUNT]}, OUTSIDER, True),
    "service-principal": ({"Service": "cloudtrail.amazonaws.com"}, OUTSIDER, False),
}


@pytest.mark.parametrize(
    ("principal", "caller", "expected"),
    list(PRINCIPAL_CASES.values()),
    ids=list(PRINCIPAL_CASES),
)
def test_bucket_policy_principal(
    principal: Any, caller: Caller, expected: bool
) -> None:
    bucket = _bucket_policy(_grant(principal))
    decision = decide(
        caller,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is expected


ACCOUNT_ROOT = f"arn:aws:iam::{ACCOUNT}:root"

#: id -> (Principal element, caller, how it names the caller)
MATCH_KIND_CASES: dict[str, tuple[dict[str, Any], Caller, str | None]] = {
    "user-direct": ({"AWS": [ALICE.arn]}, ALICE, "direct"),
    "session-direct": ({"AWS": [DEPLOY_SESSION.arn]}, DEPLOY_SESSION, "direct"),
    "role": ({"AWS": [DEPLOY_ROLE]}, DEPLOY_SESSION, "role"),
    "account-id": ({"AWS": [ACCOUNT]}, ALICE, "account"),
    "account-root": ({"AWS": [ACCOUNT_ROOT]}, ALICE, "account"),
    "role-over-account": ({"AWS": [ACCOUNT, DEPLOY_ROLE]}, DEPLOY_SESSION, "role"),
    "aws-star": ({"AWS": ["*"]}, ALICE, "everyone"),
    "everyone-anonymous": ({"*": ["*"]}, ANONYMOUS, "everyone"),
    "account-not-anonymous": ({"AWS": [ACCOUNT]}, ANONYMOUS, None),
    "other-user": ({"AWS": [BOB.arn]}, ALICE, None),
}


@pytest.mark.parametrize(
    ("principal", "caller", "expected"),
    list(MATCH_KIND_CASES.values()),
    ids=list(MATCH_KIND_CASES),
)
def test_match_principal_kind(
    principal: dict[str, Any], caller: Caller, expected: str | None
) -> None:
    assert match_principal(principal, caller) == expected


def test_anonymous_allowed_by_everyone_grant() -> None:
    bucket = _bucket_policy(_grant("*"))
    decision = decide(ANONYMOUS, "s3:GetObject", STATE_OBJECT, resource_policy=bucket)
    assert decision.allowed is True


def test_anonymous_denied_without_everyone_grant() -> None:
    bucket = _bucket_policy(_grant({"AWS": ACCOUNT}))
    decision = decide(ANONYMOUS, "s3:GetObject", STATE_OBJECT, resource_policy=bucket)
    assert decision.allowed is False
    assert decision.message.startswith("Anonymous is not authorized")


def test_notprincipal_deny_spares_named() -> None:
    guard = {**deny("s3:*"), "NotPrincipal": {"AWS": ALICE.arn}}
    bucket = _bucket_policy(guard)
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_policy=bucket,
    )
    assert decision.allowed is True


def test_notprincipal_deny_hits_others() -> None:
    guard = {**deny("s3:*"), "NotPrincipal": {"AWS": ALICE.arn}}
    bucket = _bucket_policy(guard)
    decision = decide(
        BOB,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_policy=bucket,
    )
    assert decision.reason == "explicit deny"


def test_deny_for_other_principal_ignored() -> None:
    guard = {**deny("s3:*"), "Principal": {"AWS": BOB.arn}}
    bucket = _bucket_policy(guard)
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_policy=bucket,
    )
    assert decision.allowed is True


# -- same account and cross account -------------------------------------------


def test_same_account_identity_allow_suffices() -> None:
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_account=ACCOUNT,
    )
    assert decision.allowed is True


def test_same_account_resource_allow_suffices() -> None:
    bucket = _bucket_policy(_grant({"AWS": ALICE.arn}))
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is True
    assert decision.policy_kind == "resource-based policy"


def test_same_account_root_grant_not_enough() -> None:
    bucket = _bucket_policy(_grant({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False
    assert decision.policy_kind == "identity-based policy"


def test_same_account_account_id_grant_not_enough() -> None:
    bucket = _bucket_policy(_grant({"AWS": ACCOUNT}))
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False


def test_empty_resource_account_same_account() -> None:
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_account="",
    )
    assert decision.allowed is True


def test_cross_account_identity_alone_denied() -> None:
    decision = decide(
        OUTSIDER,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False
    assert decision.message.endswith(
        "because no resource-based policy allows the s3:GetObject action"
    )


def test_cross_account_resource_alone_denied() -> None:
    bucket = _bucket_policy(_grant({"AWS": OUTSIDER.arn}))
    decision = decide(
        OUTSIDER,
        "s3:GetObject",
        STATE_OBJECT,
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False
    assert decision.message.endswith(
        "because no identity-based policy allows the s3:GetObject action"
    )


def test_cross_account_both_allowed() -> None:
    bucket = _bucket_policy(_grant({"AWS": OTHER_ACCOUNT}))
    decision = decide(
        OUTSIDER,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is True


def test_cross_account_boundary_still_applies() -> None:
    bucket = _bucket_policy(_grant({"AWS": OUTSIDER.arn}))
    decision = decide(
        OUTSIDER,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        boundary=policy(allow("dynamodb:*"), kind="boundary"),
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False


# -- permissions boundaries and session policies ------------------------------

READ_ONLY_BOUNDARY = policy(
    allow(["s3:Get*", "s3:List*"]), kind="boundary", name="read-only"
)


def test_boundary_limits_identity_allow() -> None:
    decision = decide(
        ALICE,
        "s3:PutObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        boundary=READ_ONLY_BOUNDARY,
    )
    assert decision.allowed is False
    assert decision.policy_kind == "permissions boundary"
    assert (
        "because no permissions boundary allows the s3:PutObject action"
        in decision.message
    )


def test_boundary_and_identity_both_allow() -> None:
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        boundary=READ_ONLY_BOUNDARY,
    )
    assert decision.allowed is True


def test_boundary_alone_grants_nothing() -> None:
    decision = decide(ALICE, "s3:GetObject", STATE_OBJECT, boundary=READ_ONLY_BOUNDARY)
    assert decision.allowed is False
    assert decision.policy_kind == "identity-based policy"


def test_boundary_deny_is_explicit() -> None:
    boundary = policy(
        allow("s3:*"), deny("s3:DeleteObject"), kind="boundary", name="no-delete"
    )
    decision = decide(
        ALICE,
        "s3:DeleteObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        boundary=boundary,
    )
    assert decision.reason == "explicit deny"
    assert decision.message.endswith("with an explicit deny in a permissions boundary")


def test_session_policy_limits_identity_allow() -> None:
    session = policy(allow("s3:GetObject"), kind="session", name="session")
    decision = decide(
        DEPLOY_SESSION,
        "s3:PutObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        session=[session],
    )
    assert decision.allowed is False
    assert decision.policy_kind == "session policy"
    assert decision.message.endswith(
        "because no session policy allows the s3:PutObject action"
    )


def test_session_policy_and_identity_allow() -> None:
    session = policy(allow("s3:GetObject"), kind="session")
    decision = decide(
        DEPLOY_SESSION,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        session=[session],
    )
    assert decision.allowed is True


def test_session_policy_deny_is_explicit() -> None:
    session = policy(deny("s3:GetObject"), kind="session")
    decision = decide(
        DEPLOY_SESSION,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        session=[session],
    )
    assert decision.reason == "explicit deny"
    assert decision.policy_kind == "session policy"


def test_resource_grant_to_user_bypasses_boundary() -> None:
    bucket = _bucket_policy(_grant({"AWS": ALICE.arn}, action="s3:PutObject"))
    decision = decide(
        ALICE,
        "s3:PutObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        boundary=READ_ONLY_BOUNDARY,
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is True
    assert decision.policy_kind == "resource-based policy"


def test_resource_grant_to_role_limited_by_boundary() -> None:
    bucket = _bucket_policy(_grant({"AWS": DEPLOY_ROLE}, action="s3:PutObject"))
    decision = decide(
        DEPLOY_SESSION,
        "s3:PutObject",
        STATE_OBJECT,
        boundary=READ_ONLY_BOUNDARY,
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False


def test_resource_grant_to_role_without_limits() -> None:
    bucket = _bucket_policy(_grant({"AWS": DEPLOY_ROLE}, action="s3:PutObject"))
    decision = decide(
        DEPLOY_SESSION,
        "s3:PutObject",
        STATE_OBJECT,
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is True


def test_resource_grant_to_session_bypasses_session_policy() -> None:
    bucket = _bucket_policy(_grant({"AWS": DEPLOY_SESSION.arn}, action="s3:PutObject"))
    session = policy(allow("s3:GetObject"), kind="session")
    decision = decide(
        DEPLOY_SESSION,
        "s3:PutObject",
        STATE_OBJECT,
        session=[session],
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is True


def test_resource_grant_to_role_limited_by_session() -> None:
    bucket = _bucket_policy(_grant({"AWS": DEPLOY_ROLE}, action="s3:PutObject"))
    session = policy(allow("s3:GetObject"), kind="session")
    decision = decide(
        DEPLOY_SESSION,
        "s3:PutObject",
        STATE_OBJECT,
        session=[session],
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False


# -- role trust policies ------------------------------------------------------

ASSUME_ANY_ROLE = policy(allow("sts:AssumeRole"), name="assume-roles")


def test_trust_naming_user_suffices() -> None:
    decision = decide(
        ALICE,
        "sts:AssumeRole",
        DEPLOY_ROLE,
        trust=_trust({"AWS": ALICE.arn}),
        resource_account=ACCOUNT,
    )
    assert decision.allowed is True
    assert decision.policy_name == "trust policy of deploy"


def test_trust_naming_role_suffices() -> None:
    trust = _trust({"AWS": DEPLOY_ROLE})
    target = f"arn:aws:iam::{ACCOUNT}:role/state-admin"
    decision = decide(
        DEPLOY_SESSION, "sts:AssumeRole", target, trust=trust, resource_account=ACCOUNT
    )
    assert decision.allowed is True


def test_trust_naming_role_limited_by_boundary() -> None:
    trust = _trust({"AWS": DEPLOY_ROLE})
    target = f"arn:aws:iam::{ACCOUNT}:role/state-admin"
    decision = decide(
        DEPLOY_SESSION,
        "sts:AssumeRole",
        target,
        trust=trust,
        boundary=READ_ONLY_BOUNDARY,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False
    assert decision.policy_kind == "identity-based policy"


def test_trust_naming_account_needs_identity() -> None:
    trust = _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    decision = decide(
        ALICE, "sts:AssumeRole", DEPLOY_ROLE, trust=trust, resource_account=ACCOUNT
    )
    assert decision.allowed is False
    assert decision.policy_kind == "identity-based policy"


def test_trust_naming_account_with_identity() -> None:
    trust = _trust({"AWS": ACCOUNT})
    decision = decide(
        ALICE,
        "sts:AssumeRole",
        DEPLOY_ROLE,
        identity=[ASSUME_ANY_ROLE],
        trust=trust,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is True


def test_trust_not_matching_denies() -> None:
    trust = _trust({"AWS": BOB.arn})
    decision = decide(
        ALICE,
        "sts:AssumeRole",
        DEPLOY_ROLE,
        identity=[ASSUME_ANY_ROLE],
        trust=trust,
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False
    assert decision.message == (
        f"User: {ALICE.arn} is not authorized to perform: sts:AssumeRole "
        f"on resource: {DEPLOY_ROLE} because no resource-based policy allows "
        "the sts:AssumeRole action"
    )


def test_trust_missing_denies() -> None:
    policies = PolicySet(identity=(ASSUME_ANY_ROLE,), resource_kind="role trust policy")
    request = AuthorizationRequest(
        ALICE, "sts:AssumeRole", DEPLOY_ROLE, resource_account=ACCOUNT
    )
    decision = evaluate(request, policies)
    assert decision.allowed is False
    assert decision.policy_kind == "resource-based policy"


def test_trust_deny_is_explicit() -> None:
    trust = policy(
        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"AWS": ALICE.arn}, "Action": "sts:AssumeRole"},
        kind="trust",
    )
    decision = decide(
        ALICE,
        "sts:AssumeRole",
        DEPLOY_ROLE,
        identity=[ASSUME_ANY_ROLE],
        trust=trust,
        resource_account=ACCOUNT,
    )
    assert decision.reason == "explicit deny"


def test_cross_account_trust_needs_identity() -> None:
    decision = decide(
        OUTSIDER,
        "sts:AssumeRole",
        DEPLOY_ROLE,
        trust=_trust({"AWS": OUTSIDER.arn}),
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False
    assert decision.policy_kind == "identity-based policy"


def test_cross_account_trust_and_identity() -> None:
    decision = decide(
        OUTSIDER,
        "sts:AssumeRole",
        DEPLOY_ROLE,
        identity=[ASSUME_ANY_ROLE],
        trust=_trust({"AWS": OTHER_ACCOUNT}),
        resource_account=ACCOUNT,
    )
    assert decision.allowed is True


def test_cross_account_identity_without_trust() -> None:
    decision = decide(
        OUTSIDER,
        "sts:AssumeRole",
        DEPLOY_ROLE,
        identity=[ASSUME_ANY_ROLE],
        trust=_trust({"AWS": ACCOUNT}),
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False
    assert decision.policy_kind == "resource-based policy"


# -- always-allowed actions and root ------------------------------------------


def test_get_caller_identity_needs_nothing() -> None:
    decision = decide(ALICE, "sts:GetCallerIdentity", "*")
    assert decision.allowed is True
    assert decision.reason == "no permission needed"


def test_get_caller_identity_ignores_deny() -> None:
    decision = decide(ALICE, "sts:GetCallerIdentity", "*", identity=[policy(deny("*"))])
    assert decision.allowed is True


def test_root_allowed_without_policies() -> None:
    decision = decide(ROOT, "s3:DeleteBucket", BUCKET, resource_account=ACCOUNT)
    assert decision.allowed is True


def test_root_denied_by_bucket_policy() -> None:
    bucket = _bucket_policy({**deny("s3:DeleteBucket", BUCKET), "Principal": "*"})
    decision = decide(
        ROOT,
        "s3:DeleteBucket",
        BUCKET,
        resource_policy=bucket,
        resource_account=ACCOUNT,
    )
    assert decision.reason == "explicit deny"


def test_root_cross_account_with_bucket_grant() -> None:
    bucket = _bucket_policy(_grant({"AWS": ACCOUNT}))
    decision = decide(
        ROOT,
        "s3:GetObject",
        STATE_OBJECT,
        resource_policy=bucket,
        resource_account=OTHER_ACCOUNT,
    )
    assert decision.allowed is True


def test_root_cross_account_without_grant() -> None:
    decision = decide(
        ROOT, "s3:GetObject", STATE_OBJECT, resource_account=OTHER_ACCOUNT
    )
    assert decision.allowed is False
    assert decision.policy_kind == "resource-based policy"


def test_root_cannot_assume_role() -> None:
    decision = decide(
        ROOT,
        "sts:AssumeRole",
        DEPLOY_ROLE,
        trust=_trust({"AWS": ACCOUNT}),
        resource_account=ACCOUNT,
    )
    assert decision.allowed is False
    assert decision.message == "Roles may not be assumed by root accounts"


# -- decision fields and messages ---------------------------------------------


def test_allow_decision_fields() -> None:
    named = policy({**allow("s3:*"), "Sid": "StateAccess"}, name="terragrunt-access")
    decision = decide(ALICE, "s3:GetObject", STATE_OBJECT, identity=[named])
    assert decision.allowed is True
    assert decision.reason == "allowed"
    assert decision.action == "s3:GetObject"
    assert decision.resource == STATE_OBJECT
    assert decision.principal == ALICE.arn
    assert decision.policy_kind == "identity-based policy"
    assert decision.policy_name == "terragrunt-access"
    assert decision.statement == 'Sid "StateAccess"'
    assert decision.deciding_statement == 'terragrunt-access Sid "StateAccess"'
    assert decision.message == ""


def test_deny_statement_labelled_by_index() -> None:
    guarded = policy(allow("s3:*"), deny("s3:DeleteObject"), name="guarded")
    decision = decide(ALICE, "s3:DeleteObject", STATE_OBJECT, identity=[guarded])
    assert decision.statement == "statement 2"
    assert decision.policy_name == "guarded"
    assert decision.explicit is True


def test_implicit_deny_has_no_statement() -> None:
    decision = decide(ALICE, "s3:GetObject", STATE_OBJECT)
    assert decision.deciding_statement is None
    assert decision.policy_name is None
    assert decision.explicit is False


def test_s3_message_quotes_resource() -> None:
    decision = decide(ALICE, "s3:GetObject", "arn:aws:s3:::b/k")
    assert decision.message == (
        "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
        's3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based '
        "policy allows the s3:GetObject action"
    )


def test_dynamodb_message_leaves_resource_bare() -> None:
    table = "arn:aws:dynamodb:us-east-1:111111111111:table/terragrunt-locks"
    decision = decide(ALICE, "dynamodb:PutItem", table)
    assert decision.message == (
        f"User: {ALICE.arn} is not authorized to perform: dynamodb:PutItem "
        f"on resource: {table} because no identity-based policy allows "
        "the dynamodb:PutItem action"
    )


def test_explicit_deny_resource_message() -> None:
    bucket = _bucket_policy({**deny("s3:GetObject", STATE_OBJECT), "Principal": "*"})
    decision = decide(
        ALICE,
        "s3:GetObject",
        STATE_OBJECT,
        identity=[ALLOW_ALL_S3],
        resource_policy=bucket,
    )
    assert decision.message == (
        f"User: {ALICE.arn} is not authorized to perform: s3:GetObject "
        f'on resource: "{STATE_OBJECT}" with an explicit deny in a '
        "resource-based policy"
    )


def test_explicit_deny_identity_message() -> None:
    decision = decide(
        ALICE, "s3:GetObject", STATE_OBJECT, identity=[policy(deny("s3:*"))]
    )
    assert decision.message.endswith(
        "with an explicit deny in an identity-based policy"
    )


def test_session_message_uses_session_arn() -> None:
    decision = decide(DEPLOY_SESSION, "s3:GetObject", STATE_OBJECT)
    assert decision.message.startswith(
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/deploy/ci-run is not authorized"
    )


def test_explain_names_statement() -> None:
    guarded = policy(allow("s3:*"), deny("s3:DeleteObject"), name="guarded")
    text = decide(ALICE, "s3:DeleteObject", STATE_OBJECT, identity=[guarded]).explain()
    assert text.startswith("DENIED (explicit deny): s3:DeleteObject on ")
    assert "decided by: identity-based policy guarded, statement 2" in text
