"""Helpers shared by the pytester tests of the plugin."""

from __future__ import annotations

import pytest

#: The test principal of every world, with the default account.
PRINCIPAL_ARN = "arn:aws:iam::123456789012:user/tgstate-user"

#: A policy document allowing every action, as Python source for inner tests.
ALLOW_ALL = (
    '{"Version": "2012-10-17", '
    '"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)

#: Seconds a pytest subprocess may run before the outer test fails.
SUBPROCESS_TIMEOUT = 180


def assert_no_plugin_frames(result: pytest.RunResult) -> None:
    """Fail when the output shows a traceback line from the plugin's own code."""
    result.stdout.no_fnmatch_line("*pytest_tgstate/*")
