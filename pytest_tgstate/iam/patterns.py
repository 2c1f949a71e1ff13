"""IAM wildcard matching: ``*`` matches any run of characters, ``?`` one character.

Every other character is literal, ``.`` included, and ``*`` crosses ``:`` and
``/`` as it does in IAM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Private-use characters that stand for a ``*`` and a ``?`` that must match
#: only themselves. Substituting a policy variable into a wildcard pattern
#: writes them for ``${*}``, ``${?}`` and any ``*`` or ``?`` in a request
#: value, because IAM treats substituted text as literal.
LITERAL_STAR = "\ue000"
LITERAL_QUESTION = "\ue001"

_REGEX_FOR = {
    "*": ".*",
    "?": ".",
    LITERAL_STAR: re.escape("*"),
    LITERAL_QUESTION: re.escape("?"),
}


def escape_wildcards(text: str) -> str:
    """Mark every ``*`` and ``?`` in ``text`` as literal for `glob_to_regex`."""
    return text.replace("*", LITERAL_STAR).replace("?", LITERAL_QUESTION)


def glob_to_regex(pattern: str) -> str:
    """Translate an IAM wildcard pattern into the body of a regular expression."""
    parts: list[str] = []
    for char in pattern:
        parts.append(_REGEX_FOR.get(char) or re.escape(char))
    return "".join(parts)


@lru_cache(maxsize=8192)
def compile_glob(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(glob_to_regex(pattern), flags)


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def _is_plain(pattern: str) -> bool:
    return (
        "*" not in pattern
        and "?" not in pattern
        and LITERAL_STAR not in pattern
        and LITERAL_QUESTION not in pattern
    )


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Return whether ``value`` matches the IAM wildcard ``pattern``."""
    if _is_plain(pattern):
        if ignore_case:
            return pattern.lower() == value.lower()
        return pattern == value
    return compile_glob(pattern, ignore_case).fullmatch(value) is not None


@dataclass(frozen=True)
class PatternSet:
    """Several IAM wildcard patterns matched as one: a value matches any of them.

    Patterns without wildcards are looked up in a set, and the others are
    joined into one regular expression, so a statement listing many actions
    costs one lookup and at most one regex match.
    """

    exact: frozenset[str]
    wildcards: re.Pattern[str] | None
    ignore_case: bool

    def matches(self, value: str) -> bool:
        key = value.lower() if self.ignore_case else value
        if key in self.exact:
            return True
        return (
            self.wildcards is not None and self.wildcards.fullmatch(value) is not None
        )


@lru_cache(maxsize=4096)
def compile_patterns(
    patterns: tuple[str, ...], ignore_case: bool = False
) -> PatternSet:
    """Build a `PatternSet` matching any of ``patterns``, cached per tuple."""
    exact = set()
    regexes = []
    for pattern in patterns:
        if _is_plain(pattern):
            exact.add(pattern.lower() if ignore_case else pattern)
        else:
            regexes.append(f"(?:{glob_to_regex(pattern)})")
    wildcards = None
    if regexes:
        flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
        wildcards = re.compile("|".join(regexes), flags)
    return PatternSet(frozenset(exact), wildcards, ignore_case)
