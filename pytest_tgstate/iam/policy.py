"""IAM policy documents: parsing from JSON text, a mapping or a file, and validation.

Validation follows IAM's own rules closely enough that a document accepted
here is one AWS would accept, and every error names the statement (by Sid or
index), the field and the bad value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from .arn import is_account_id, parse_arn
from .conditions import Condition, parse_operator

PolicyKind = Literal["identity", "resource", "trust", "boundary", "session"]

VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_LEVEL_KEYS = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
}
_ACTION = re.compile(r"^[a-zA-Z0-9-]+:[a-zA-Z0-9*?-]+$")
#: ``"*"`` as a type, as in ``{"*": ["*"]}``, is how Terragrunt writes "everyone".
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser", "*")


class PolicyError(ValueError):
    """A policy document that is not valid JSON or not a valid IAM policy."""


@dataclass(frozen=True)
class Statement:
    """One statement of a policy, with its lists normalised to tuples."""

    index: int
    effect: Literal["Allow", "Deny"]
    sid: str | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    principal: Mapping[str, tuple[str, ...]] | None = None
    not_principal: Mapping[str, tuple[str, ...]] | None = None
    conditions: tuple[Condition, ...] = ()

    @property
    def label(self) -> str:
        """``Sid "X"`` when the statement has a Sid, else ``statement N`` (from 1)."""
        if self.sid:
            return f'Sid "{self.sid}"'
        return f"statement {self.index + 1}"


@dataclass(frozen=True)
class Policy:
    """A parsed, validated policy document."""

    statements: tuple[Statement, ...]
    version: str = "2008-10-17"
    name: str = "policy"
    kind: PolicyKind = "identity"
    document: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def uses_variables(self) -> bool:
        return self.version == "2012-10-17"

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.document, indent=indent)

    @classmethod
    def from_json(
        cls, text: str, *, name: str = "policy", kind: PolicyKind = "identity"
    ) -> Policy:
        return parse_policy_text(text, name=name, kind=kind)

    @classmethod
    def from_dict(
        cls,
        document: Mapping[str, Any],
        *,
        name: str = "policy",
        kind: PolicyKind = "identity",
    ) -> Policy:
        return parse_policy_document(document, name=name, kind=kind)

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        name: str | None = None,
        kind: PolicyKind = "identity",
    ) -> Policy:
        """Read a policy file; the policy is named after the path unless ``name``."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise PolicyError(
                f"policy file {str(path)!r} not found; check the path"
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise PolicyError(
                f"policy file {str(path)!r} cannot be read: {error}"
            ) from None
        return parse_policy_text(text, name=name or str(path), kind=kind)


def load_policy(
    source: Policy | str | Path | Mapping[str, Any],
    *,
    name: str | None = None,
    kind: PolicyKind = "identity",
) -> Policy:
    """Parse a policy from a `Policy`, JSON text, a mapping or a file path.

    A string that starts with ``{`` or ``[`` (after whitespace) is JSON
    text, and any other string is a file path.
    """
    if isinstance(source, Policy):
        return source
    if isinstance(source, Mapping):
        return parse_policy_document(source, name=name or "policy", kind=kind)
    if isinstance(source, Path):
        return Policy.from_file(source, name=name, kind=kind)
    if isinstance(source, str):
        if source.lstrip().startswith(("{", "[")):
            return parse_policy_text(source, name=name or "policy", kind=kind)
        return Policy.from_file(source, name=name, kind=kind)
    raise PolicyError(
        f"cannot read a policy from a value of type {type(source).__name__}; "
        "pass JSON text, a dict or a file path"
    )


def parse_policy_text(
    text: str, *, name: str = "policy", kind: PolicyKind = "identity"
) -> Policy:
    return _parse_cached(text, name, kind)


@lru_cache(maxsize=1024)
def _parse_cached(text: str, name: str, kind: PolicyKind) -> Policy:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyError(
            f"{name}: not valid JSON ({error.msg} "
            f"at line {error.lineno} column {error.colno})"
        ) from None
    return parse_policy_document(document, name=name, kind=kind)


def parse_policy_document(
    document: Any, *, name: str = "policy", kind: PolicyKind = "identity"
) -> Policy:
    """Validate a decoded policy document and build a `Policy`."""
    if not isinstance(document, Mapping):
        raise PolicyError(
            f"{name}: a policy document must be a JSON object, "
            f"not {_json_type(document)}"
        )
    unknown = sorted(set(document) - _TOP_LEVEL_KEYS)
    if unknown:
        raise PolicyError(
            f"{name}: unknown top-level field {unknown[0]!r}; "
            "a policy has only Version, Id and Statement"
        )
    version = document.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise PolicyError(f'{name}: Version {version!r} is invalid; use "2012-10-17"')
    if "Statement" not in document:
        raise PolicyError(f"{name}: the Statement field is missing")
    raw_statements = document["Statement"]
    if isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list) or not raw_statements:
        raise PolicyError(
            f"{name}: Statement must be an object or a non-empty list of objects"
        )

    statements = tuple(
        _parse_statement(raw, index, name, kind)
        for index, raw in enumerate(raw_statements)
    )
    first_with_sid: dict[str, Statement] = {}
    for statement in statements:
        if statement.sid is None:
            continue
        first = first_with_sid.setdefault(statement.sid, statement)
        if first is not statement:
            raise PolicyError(
                f"{name}: {_place(statement)}: Sid {statement.sid!r} is already "
                f"used by statement {first.index + 1}; Sids must be unique "
                "within a policy"
            )
    return Policy(
        statements=statements,
        version=version,
        name=name,
        kind=kind,
        document=dict(document),
    )


def _place(statement: Statement) -> str:
    """Return ``statement N`` or ``statement N (Sid "X")`` for error messages."""
    if statement.sid is None:
        return f"statement {statement.index + 1}"
    return f'statement {statement.index + 1} (Sid "{statement.sid}")'


def _parse_statement(raw: Any, index: int, name: str, kind: PolicyKind) -> Statement:
    where = f"{name}: statement {index + 1}"
    if not isinstance(raw, Mapping):
        raise PolicyError(
            f"{where}: a statement must be an object, not {_json_type(raw)}"
        )
    sid = raw.get("Sid")
    if sid is not None:
        if not isinstance(sid, str):
            raise PolicyError(f"{where}: Sid must be a string, not {sid!r}")
        where = f'{name}: statement {index + 1} (Sid "{sid}")'

    unknown = sorted(set(raw) - _STATEMENT_KEYS)
    if unknown:
        raise PolicyError(
            f"{where}: unknown field {unknown[0]!r}; valid fields are "
            + ", ".join(sorted(_STATEMENT_KEYS))
        )

    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(
            f'{where}: Effect {effect!r} is invalid; use "Allow" or "Deny"'
        )

    actions = _string_list(raw, "Action", where)
    not_actions = _string_list(raw, "NotAction", where)
    if actions is None and not_actions is None:
        raise PolicyError(f"{where}: Action is missing; give Action or NotAction")
    if actions is not None and not_actions is not None:
        raise PolicyError(
            f"{where}: Action and NotAction are both given; keep only one of them"
        )
    action_field = "Action" if actions is not None else "NotAction"
    for action in actions or not_actions or ():
        if action != "*" and not _ACTION.match(action):
            raise PolicyError(
                f"{where}: {action_field} value {action!r} is invalid; "
                'write SERVICE:ACTION, for example "s3:GetObject", or "*"'
            )

    resources = _string_list(raw, "Resource", where)
    not_resources = _string_list(raw, "NotResource", where)
    if resources is not None and not_resources is not None:
        raise PolicyError(f"{where}: give at most one of Resource and NotResource")
    resource_field = "Resource" if resources is not None else "NotResource"
    if kind == "trust":
        if resources is not None or not_resources is not None:
            raise PolicyError(
                f"{where}: {resource_field} {raw[resource_field]!r} is not allowed "
                "in a role trust policy; remove it"
            )
    elif resources is None and not_resources is None:
        raise PolicyError(f'{where}: Resource is missing; name the ARNs or use "*"')
    for resource in resources or not_resources or ():
        _check_resource(resource, resource_field, where)

    principal = _parse_principal(raw, "Principal", where)
    not_principal = _parse_principal(raw, "NotPrincipal", where)
    if kind in ("identity", "boundary", "session"):
        if principal is not None or not_principal is not None:
            principal_field = "Principal" if principal is not None else "NotPrincipal"
            raise PolicyError(
                f"{where}: {principal_field} {raw[principal_field]!r} is not allowed "
                "in an identity-based policy; remove it, or load the document as a "
                "resource policy"
            )
    elif principal is None and not_principal is None:
        raise PolicyError(
            f"{where}: Principal is missing; a {kind} policy must name one"
        )

    conditions = _parse_conditions(raw.get("Condition"), where)
    return Statement(
        index=index,
        effect=effect,
        sid=sid,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        principal=principal,
        not_principal=not_principal,
        conditions=conditions,
    )


def _string_list(
    raw: Mapping[str, Any], field_name: str, where: str
) -> tuple[str, ...] | None:
    if field_name not in raw:
        return None
    value = raw[field_name]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise PolicyError(
            f"{where}: {field_name} must be a string or a non-empty list of strings"
        )
    for item in value:
        if not isinstance(item, str) or not item:
            raise PolicyError(
                f"{where}: {field_name} value {item!r} is invalid; "
                "use a non-empty string"
            )
    return tuple(value)


def _check_resource(resource: str, field_name: str, where: str) -> None:
    if resource == "*":
        return
    try:
        parse_arn(resource)
    except ValueError:
        raise PolicyError(
            f"{where}: {field_name} value {resource!r} is not a valid ARN; "
            "write arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, "
            'e.g. "arn:aws:s3:::my-bucket", or "*"'
        ) from None


def _parse_principal(
    raw: Mapping[str, Any], field_name: str, where: str
) -> Mapping[str, tuple[str, ...]] | None:
    if field_name not in raw:
        return None
    value = raw[field_name]
    if value == "*":
        return {"*": ("*",)}
    if not isinstance(value, Mapping) or not value:
        raise PolicyError(
            f'{where}: {field_name} {value!r} is invalid; use "*" or an object such as '
            '{"AWS": "arn:aws:iam::123456789012:root"}'
        )
    principal: dict[str, tuple[str, ...]] = {}
    for principal_type, entries in value.items():
        if principal_type not in _PRINCIPAL_TYPES:
            raise PolicyError(
                f"{where}: {field_name} type {principal_type!r} is invalid; "
                'use AWS, Service, Federated, CanonicalUser or "*"'
            )
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list) or not entries:
            raise PolicyError(
                f"{where}: {field_name} {principal_type} must be a string or a list"
            )
        for entry in entries:
            if not isinstance(entry, str):
                raise PolicyError(
                    f"{where}: {field_name} {principal_type} value {entry!r} is invalid"
                )
            if principal_type == "AWS":
                _check_aws_principal(entry, field_name, where)
            elif principal_type == "*" and entry != "*":
                raise PolicyError(
                    f'{where}: {field_name} {{"*": {entry!r}}} is invalid; '
                    'the only value of type "*" is "*"'
                )
        principal[principal_type] = tuple(entries)
    return principal


def _check_aws_principal(entry: str, field_name: str, where: str) -> None:
    if entry == "*" or is_account_id(entry):
        return
    try:
        arn = parse_arn(entry)
    except ValueError:
        raise PolicyError(
            f"{where}: {field_name} AWS value {entry!r} is invalid; use an account id, "
            'an IAM ARN such as "arn:aws:iam::123456789012:root", or "*"'
        ) from None
    if arn.service not in ("iam", "sts"):
        raise PolicyError(
            f"{where}: {field_name} AWS value {entry!r} is invalid; "
            "the ARN must be an iam or sts ARN"
        )
    if "*" in entry or "?" in entry:
        raise PolicyError(
            f"{where}: {field_name} AWS value {entry!r} is invalid; "
            "principals take no wildcards "
            'except a lone "*"; match patterns with a Condition on aws:PrincipalArn'
        )


def _parse_conditions(raw: Any, where: str) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where}: Condition must be an object of operators")
    conditions: list[Condition] = []
    for operator, block in raw.items():
        try:
            base, if_exists, qualifier = parse_operator(operator)
        except ValueError as error:
            raise PolicyError(f"{where}: {error}") from None
        if not isinstance(block, Mapping) or not block:
            raise PolicyError(
                f"{where}: Condition operator {operator!r} "
                "must map condition keys to values"
            )
        for key, values in block.items():
            if not isinstance(key, str) or not key:
                raise PolicyError(
                    f"{where}: Condition key {key!r} under {operator!r} is invalid"
                )
            conditions.append(
                Condition(
                    operator=operator,
                    key=key,
                    values=_condition_values(values, operator, key, where),
                    base_operator=base,
                    if_exists=if_exists,
                    qualifier=qualifier,
                )
            )
    return tuple(conditions)


def _condition_values(
    values: Any, operator: str, key: str, where: str
) -> tuple[str, ...]:
    items: Sequence[Any] = values if isinstance(values, list) else [values]
    if not items:
        raise PolicyError(
            f"{where}: Condition {operator} {key} has an empty list of values"
        )
    normalised = []
    for item in items:
        if isinstance(item, bool):
            normalised.append("true" if item else "false")
        elif isinstance(item, (str, int, float)):
            normalised.append(str(item))
        else:
            raise PolicyError(
                f"{where}: Condition {operator} {key} value {item!r} is invalid; "
                "use strings, numbers or booleans"
            )
    return tuple(normalised)


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"
