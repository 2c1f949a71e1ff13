"""The README's first example runs as written."""

from __future__ import annotations

from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    examples = []
    start = text.find("```python\n")
    while start != -1:
        start += len("```python\n")
        end = text.index("```", start)
        examples.append(text[start:end])
        start = text.find("```python\n", end)
    return examples


def test_readme_example_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=python_examples()[0])
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*test_bootstrap_existing_state[[]minimal[]] PASSED*"])


def test_readme_levels_example(pytester: pytest.Pytester) -> None:
    example = next(code for code in python_examples() if "TestExistingTable" in code)
    pytester.makepyfile(test_levels=example)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
