"""Configuration of the plugin tests: they run inner pytest sessions with pytester.

``pytest_plugins = ["pytester"]`` would only work while this file is loaded
before collection starts (``pytest tests/plugin``), and fails a run of the
whole ``tests`` folder, so the plugin is registered from ``pytest_configure``.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")
