"""Policy variables such as ``${aws:username}`` in Resource and Condition values.

Only policies with ``"Version": "2012-10-17"`` substitute variables; in older
policies the text ``${aws:username}`` is literal, as in IAM.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


class PolicyVariableMissing(LookupError):
    """A policy variable names a key that the request does not carry."""


def has_variables(text: str) -> bool:
    return "${" in text


def substitute_variables(
    text: str,
    context: Mapping[str, Sequence[str]],
    *,
    escape: Callable[[str], str] | None,
    literal: Callable[[str], str] | None = None,
) -> str:
    """Replace each ``${key}`` in ``text`` with the request's value for ``key``.

    ``escape`` is applied to substituted values and ``literal`` to the text
    between variables, so a caller can build a regular expression in which a
    substituted ``*`` stays literal. ``${*}``, ``${?}`` and ``${$}`` stand for
    the literal characters. A missing key without a ``'default'`` raises
    `PolicyVariableMissing`.
    """
    pieces: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        before = text[position : match.start()]
        pieces.append(literal(before) if literal else before)
        pieces.append(_resolve(match.group(1), context, escape))
        position = match.end()
    rest = text[position:]
    pieces.append(literal(rest) if literal else rest)
    return "".join(pieces)


def _resolve(
    body: str,
    context: Mapping[str, Sequence[str]],
    escape: Callable[[str], str] | None,
) -> str:
    if body in _SPECIAL:
        value = _SPECIAL[body]
        return escape(value) if escape else value
    default: str | None = None
    with_default = _DEFAULT.match(body)
    if with_default:
        body, default = with_default.group(1), with_default.group(2)
    values = context.get(body.strip().lower())
    if values:
        value = values[0]
    elif default is not None:
        value = default
    else:
        raise PolicyVariableMissing(body.strip())
    return escape(value) if escape else value
