"""IAM wildcard matching: ``*`` matches any run of characters, ``?`` one character.

Every other character is literal, ``.`` included, and ``*`` crosses ``:`` and
``/`` as it does in IAM.
"""

from __future__ import annotations

import re
from functools import lru_cache


def glob_to_regex(pattern: str) -> str:
    """Translate an IAM wildcard pattern into the body of a regular expression."""
    parts: list[str] = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


@lru_cache(maxsize=8192)
def compile_glob(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(glob_to_regex(pattern), flags)


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Return whether ``value`` matches the IAM wildcard ``pattern``."""
    if not has_wildcard(pattern):
        if ignore_case:
            return pattern.lower() == value.lower()
        return pattern == value
    return compile_glob(pattern, ignore_case).fullmatch(value) is not None
