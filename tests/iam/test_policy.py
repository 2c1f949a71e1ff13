"""Parsing and validation of IAM policy documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_tgstate.iam import Policy, PolicyError, load_policy
from pytest_tgstate.iam.policy import PolicyKind

READ_STATE = {
    "Sid": "ReadState",
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": ["arn:aws:s3:::terragrunt-state", "arn:aws:s3:::terragrunt-state/*"],
}
DOCUMENT = {"Version": "2012-10-17", "Statement": [READ_STATE]}
ANY_RESOURCE = "arn:aws:s3:::terragrunt-state/*"


def _valid(**overrides: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": ANY_RESOURCE,
    }
    statement.update(overrides)
    return statement


def _without(key: str, **overrides: Any) -> dict[str, Any]:
    statement = _valid(**overrides)
    del statement[key]
    return statement


def _bucket_policy_statement(principal: Any) -> dict[str, Any]:
    return _valid(Principal=principal)


def _parse_error(document: Any, kind: PolicyKind = "identity") -> str:
    with pytest.raises(PolicyError) as caught:
        load_policy(document, name="deploy-policy", kind=kind)
    return str(caught.value)


# -- sources ------------------------------------------------------------------


def test_load_from_json_text() -> None:
    policy = load_policy(json.dumps(DOCUMENT), name="inline")
    assert policy.name == "inline"
    assert policy.version == "2012-10-17"
    assert policy.statements[0].actions == ("s3:GetObject", "s3:ListBucket")


def test_load_from_json_text_with_leading_whitespace() -> None:
    policy = load_policy("\n   " + json.dumps(DOCUMENT))
    assert policy.statements[0].sid == "ReadState"


def test_load_from_dict() -> None:
    policy = load_policy(DOCUMENT, name="from-dict")
    assert policy.name == "from-dict"
    assert policy.statements[0].resources == tuple(READ_STATE["Resource"])


def test_load_from_path_string(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    policy = load_policy(str(path))
    assert policy.name == str(path)
    assert policy.statements[0].effect == "Allow"


def test_load_from_path_object(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    policy = load_policy(path, kind="boundary")
    assert policy.kind == "boundary"
    assert policy.statements[0].sid == "ReadState"


def test_load_from_path_keeps_given_name(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    assert load_policy(path, name="ci-boundary").name == "ci-boundary"


def test_load_returns_policy_unchanged() -> None:
    policy = load_policy(DOCUMENT)
    assert load_policy(policy) is policy


def test_load_rejects_other_types() -> None:
    with pytest.raises(
        PolicyError, match="cannot read a policy from a value of type int"
    ):
        load_policy(42)  # type: ignore[arg-type]


def test_statement_as_single_object() -> None:
    policy = load_policy({"Version": "2012-10-17", "Statement": READ_STATE})
    assert len(policy.statements) == 1
    assert policy.statements[0].label == 'Sid "ReadState"'


def test_statement_as_list() -> None:
    document = {"Version": "2012-10-17", "Statement": [READ_STATE, _valid()]}
    policy = load_policy(document)
    assert len(policy.statements) == 2
    assert policy.statements[1].label == "statement 2"


def test_single_strings_become_tuples() -> None:
    statement = load_policy({"Statement": _valid()}).statements[0]
    assert statement.actions == ("s3:GetObject",)
    assert statement.resources == (ANY_RESOURCE,)


def test_missing_version_defaults_to_2008() -> None:
    policy = load_policy({"Statement": _valid()})
    assert policy.version == "2008-10-17"
    assert policy.uses_variables is False


def test_version_2012_uses_variables() -> None:
    assert load_policy(DOCUMENT).uses_variables is True


def test_json_round_trip() -> None:
    assert json.loads(load_policy(DOCUMENT).to_json()) == DOCUMENT


def test_principal_string_star_normalised() -> None:
    policy = load_policy({"Statement": _valid(Principal="*")}, kind="resource")
    assert policy.statements[0].principal == {"*": ("*",)}


def test_terragrunt_everyone_principal_accepted() -> None:
    policy = load_policy({"Statement": _valid(Principal={"*": ["*"]})}, kind="resource")
    assert policy.statements[0].principal == {"*": ("*",)}


def test_condition_values_normalised_to_strings() -> None:
    condition = {
        "Bool": {"aws:SecureTransport": False},
        "NumericLessThan": {"s3:max-keys": 10},
    }
    statement = load_policy({"Statement": _valid(Condition=condition)}).statements[0]
    assert statement.conditions[0].values == ("false",)
    assert statement.conditions[1].values == ("10",)


def test_condition_operator_parts_parsed() -> None:
    condition = {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["team", "env"]}}
    parsed = load_policy({"Statement": _valid(Condition=condition)}).statements[0]
    assert parsed.conditions[0].base_operator == "StringLike"
    assert parsed.conditions[0].if_exists is True
    assert parsed.conditions[0].qualifier == "ForAnyValue"


def test_trust_policy_without_resource_accepted() -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"},
        "Action": "sts:AssumeRole",
    }
    policy = load_policy({"Statement": statement}, kind="trust")
    assert policy.statements[0].resources is None


# -- statement errors ---------------------------------------------------------

STATEMENT_ERRORS = [
    pytest.param(
        [_valid(Effect="Alow")],
        "identity",
        ("statement 1", "Effect", "'Alow'"),
        id="bad-effect",
    ),
    pytest.param(
        [_valid(), _valid(Sid="WriteState", Effect="allow")],
        "identity",
        ('statement 2 (Sid "WriteState")', "Effect", "'allow'"),
        id="bad-effect-named-by-sid",
    ),
    pytest.param(
        [_without("Action")],
        "identity",
        ("statement 1", "Action", "NotAction"),
        id="missing-action",
    ),
    pytest.param(
        [_valid(NotAction="s3:DeleteObject")],
        "identity",
        ("statement 1", "Action", "NotAction"),
        id="action-and-notaction",
    ),
    pytest.param(
        [_valid(Action=["s3:GetObject", "s3GetObject"])],
        "identity",
        ("statement 1", "Action", "'s3GetObject'"),
        id="bad-action",
    ),
    pytest.param(
        [_without("Action", NotAction="s3 Get")],
        "identity",
        ("statement 1", "NotAction", "'s3 Get'"),
        id="bad-notaction",
    ),
    pytest.param(
        [_valid(Resource="terragrunt-state")],
        "identity",
        ("statement 1", "Resource", "'terragrunt-state'"),
        id="bad-resource-arn",
    ),
    pytest.param(
        [_without("Resource", NotResource="arn:aws:s3")],
        "identity",
        ("statement 1", "NotResource", "'arn:aws:s3'"),
        id="bad-notresource-arn",
    ),
    pytest.param(
        [_without("Resource")],
        "identity",
        ("statement 1", "Resource", "missing"),
        id="missing-resource",
    ),
    pytest.param(
        [_valid(NotResource="arn:aws:s3:::other")],
        "identity",
        ("statement 1", "Resource", "NotResource"),
        id="resource-and-notresource",
    ),
    pytest.param(
        [_valid(Condition={"StringEqualz": {"aws:username": "alice"}})],
        "identity",
        ("statement 1", "Condition operator", "'StringEqualz'"),
        id="unknown-condition-operator",
    ),
    pytest.param(
        [_valid(Condition={"ForSomeValues:StringEquals": {"aws:TagKeys": "a"}})],
        "identity",
        ("statement 1", "Condition operator", "'ForSomeValues'"),
        id="bad-set-qualifier",
    ),
    pytest.param(
        [_valid(Condition={"NullIfExists": {"aws:username": "true"}})],
        "identity",
        ("statement 1", "Condition operator", "'NullIfExists'"),
        id="null-with-ifexists",
    ),
    pytest.param(
        [_valid(Condition={"ForAnyValue:Null": {"aws:TagKeys": "true"}})],
        "identity",
        ("statement 1", "Condition operator", "'ForAnyValue:Null'"),
        id="null-with-set-qualifier",
    ),
    pytest.param(
        [_valid(Condition={"StringEquals": {"aws:username": {"name": "alice"}}})],
        "identity",
        ("statement 1", "Condition", "{'name': 'alice'}"),
        id="condition-value-object",
    ),
    pytest.param(
        [_valid(Condition={"StringEquals": {"aws:username": []}})],
        "identity",
        ("statement 1", "Condition", "aws:username"),
        id="condition-values-empty",
    ),
    pytest.param(
        [_valid(Condition={"StringEquals": "aws:username"})],
        "identity",
        ("statement 1", "Condition operator", "'StringEquals'"),
        id="condition-block-not-object",
    ),
    pytest.param(
        [_valid(Principal={"AWS": "arn:aws:iam::111111111111:root"})],
        "identity",
        ("statement 1", "Principal", "arn:aws:iam::111111111111:root"),
        id="principal-in-identity-policy",
    ),
    pytest.param(
        [_valid(Sid="Boundary", NotPrincipal={"AWS": "111111111111"})],
        "boundary",
        ('statement 1 (Sid "Boundary")', "NotPrincipal", "111111111111"),
        id="notprincipal-in-boundary",
    ),
    pytest.param(
        [_valid()],
        "resource",
        ("statement 1", "Principal", "missing"),
        id="missing-principal-in-resource-policy",
    ),
    pytest.param(
        [_bucket_policy_statement({"User": "alice"})],
        "resource",
        ("statement 1", "Principal", "'User'"),
        id="unknown-principal-type",
    ),
    pytest.param(
        [_bucket_policy_statement({"AWS": "arn:aws:iam::111111111111:user/*"})],
        "resource",
        ("statement 1", "Principal", "'arn:aws:iam::111111111111:user/*'"),
        id="wildcard-in-principal-arn",
    ),
    pytest.param(
        [_bucket_policy_statement({"AWS": "alice"})],
        "resource",
        ("statement 1", "Principal", "'alice'"),
        id="principal-not-arn",
    ),
    pytest.param(
        [_bucket_policy_statement({"AWS": "arn:aws:s3:::bucket"})],
        "resource",
        ("statement 1", "Principal", "'arn:aws:s3:::bucket'"),
        id="principal-s3-arn",
    ),
    pytest.param(
        [_bucket_policy_statement({"*": "x"})],
        "resource",
        ("statement 1", "Principal", "'x'"),
        id="everyone-type-other-value",
    ),
    pytest.param(
        [_bucket_policy_statement(["*"])],
        "resource",
        ("statement 1", "Principal", "['*']"),
        id="principal-list",
    ),
    pytest.param(
        [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                "Action": "sts:AssumeRole",
                "Resource": "arn:aws:iam::111111111111:role/deploy",
            }
        ],
        "trust",
        ("statement 1", "Resource", "arn:aws:iam::111111111111:role/deploy"),
        id="trust-policy-with-resource",
    ),
    pytest.param(
        [_valid(Sid="Read"), _valid(), _valid(Sid="Read")],
        "identity",
        ('statement 3 (Sid "Read")', "Sid", "statement 1"),
        id="duplicate-sid",
    ),
    pytest.param(
        [_valid(Sid=7)],
        "identity",
        ("statement 1", "Sid", "7"),
        id="sid-not-string",
    ),
    pytest.param(
        [_valid(Actions="s3:GetObject")],
        "identity",
        ("statement 1", "field", "'Actions'"),
        id="unknown-field",
    ),
    pytest.param(
        [_valid(Action=[])],
        "identity",
        ("statement 1", "Action", "non-empty"),
        id="action-empty-list",
    ),
    pytest.param(
        [_valid(Resource=["arn:aws:s3:::b", ""])],
        "identity",
        ("statement 1", "Resource", "''"),
        id="resource-empty-string",
    ),
    pytest.param(
        [_valid(), "s3:GetObject"],
        "identity",
        ("statement 2", "statement", "a string"),
        id="statement-not-object",
    ),
]


@pytest.mark.parametrize(("statements", "kind", "expected"), STATEMENT_ERRORS)
def test_statement_error_names_place(
    statements: list[Any], kind: PolicyKind, expected: tuple[str, str, str]
) -> None:
    where, field, value = expected
    message = _parse_error({"Version": "2012-10-17", "Statement": statements}, kind)
    assert message.startswith(f"deploy-policy: {where}:")
    assert field in message
    assert value in message


# -- document errors ----------------------------------------------------------

DOCUMENT_ERRORS = [
    pytest.param(
        {"Version": "2012-10-18", "Statement": [_valid()]},
        ("Version", "'2012-10-18'"),
        id="bad-version",
    ),
    pytest.param(
        {"Version": 2012, "Statement": [_valid()]},
        ("Version", "2012"),
        id="version-not-string",
    ),
    pytest.param(
        {"Version": "2012-10-17"}, ("Statement", "missing"), id="no-statement"
    ),
    pytest.param(
        {"Version": "2012-10-17", "Statement": []},
        ("Statement", "non-empty"),
        id="empty-statement-list",
    ),
    pytest.param(
        {"Version": "2012-10-17", "Statement": [_valid()], "Statements": []},
        ("field", "'Statements'"),
        id="unknown-top-level-field",
    ),
    pytest.param(
        json.dumps([DOCUMENT]), ("JSON object", "a list"), id="document-is-list"
    ),
]


@pytest.mark.parametrize(("document", "expected"), DOCUMENT_ERRORS)
def test_document_error_names_field(document: Any, expected: tuple[str, str]) -> None:
    field, value = expected
    message = _parse_error(document)
    assert message.startswith("deploy-policy: ")
    assert field in message
    assert value in message


def test_invalid_json_reports_line_column() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}'
    message = _parse_error(text)
    assert "not valid JSON" in message
    assert "line 3 column 17" in message


def test_invalid_json_file_names_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(caught.value).startswith(f"{path}: not valid JSON")
    assert "line 1 column 2" in str(caught.value)


def test_missing_file_reported(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert repr(str(path)) in str(caught.value)
    assert "not found" in str(caught.value)


def test_missing_file_from_string(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="not found"):
        load_policy(str(tmp_path / "absent.json"))


def test_parse_error_cached_text_still_raises() -> None:
    text = '{"Version": "2012-10-17", "Statement": {"Effect": "Maybe"}}'
    for _ in range(2):
        with pytest.raises(PolicyError, match="Effect 'Maybe' is invalid"):
            load_policy(text)


def test_from_json_builds_policy() -> None:
    policy = Policy.from_json(json.dumps(DOCUMENT), name="json", kind="session")
    assert policy.kind == "session"
    assert policy.name == "json"
