"""The three IAM policies from Terragrunt's "AWS Auth" documentation page.

They ship verbatim in ``policies/`` and are rendered by substituting their
placeholders: the account id ``1234567890``, ``BUCKET_NAME`` and
``<BucketName>``, ``TABLE_NAME``, and the object path ``some/path/here``
(replaced by the state key). The ``terragrunt*`` name pattern of the full
policy is left as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from ..iam.policy import Policy, PolicyError, parse_policy_text

#: Template name -> file under ``pytest_tgstate/world/policies``.
TEMPLATE_FILES = {
    "full": "full.json",
    "minimal": "minimal.json",
    "external-bucket": "external-bucket.json",
}
TEMPLATE_NAMES = tuple(TEMPLATE_FILES)

DOCS_ACCOUNT_PLACEHOLDER = "1234567890"


@dataclass(frozen=True)
class TemplateValues:
    """The names a documented policy is rendered with."""

    account: str
    bucket: str
    table: str
    key: str


def template_text(name: str) -> str:
    """Return a documented policy exactly as the documentation prints it."""
    try:
        filename = TEMPLATE_FILES[name]
    except KeyError:
        raise PolicyError(
            f"unknown policy name {name!r}; use one of "
            f"{', '.join(TEMPLATE_NAMES)} or a JSON file path"
        ) from None
    return (
        resources.files("pytest_tgstate.world")
        .joinpath("policies")
        .joinpath(filename)
        .read_text()
    )


def render_template_text(name: str, values: TemplateValues) -> str:
    text = template_text(name)
    # The placeholders are substituted inside JSON strings, so each value is
    # JSON-escaped; a bucket or key with a quote cannot break the document.
    replacements = [
        (f":{DOCS_ACCOUNT_PLACEHOLDER}:", f":{values.account}:"),
        ("BUCKET_NAME/some/path/here", f"BUCKET_NAME/{values.key}"),
        ("BUCKET_NAME", values.bucket),
        ("<BucketName>", values.bucket),
        ("TABLE_NAME", values.table),
    ]
    for placeholder, value in replacements:
        text = text.replace(placeholder, json.dumps(value)[1:-1])
    return text


def render_template(name: str, values: TemplateValues) -> Policy:
    """Return the documented policy ``name`` with the world's real names."""
    return parse_policy_text(
        render_template_text(name, values), name=name, kind="identity"
    )
