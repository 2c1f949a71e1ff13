"""IAM wildcard matching: ``*`` matches any run of characters, ``?`` one character.

Every other character is literal, ``.`` included, and ``*`` crosses ``:`` and
``/`` as it does in IAM.
"""

from __future__ import annotations

import re
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
    return not any(char in pattern for char in _REGEX_FOR)


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Return whether ``value`` matches the IAM wildcard ``pattern``."""
    if _is_plain(pattern):
        if ignore_case:
            return pattern.lower() == value.lower()
        return pattern == value
    return compile_glob(pattern, ignore_case).fullmatch(value) is not None
