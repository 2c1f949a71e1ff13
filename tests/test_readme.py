"""The README's first example runs as written."""

from __future__ import annotations

from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def first_python_example() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("```python\n") + len("```python\n")
    return text[start : text.index("```", start)]


def test_readme_example_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=first_python_example())
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*test_bootstrap_existing_state[[]minimal[]] PASSED*"])
