"""Session-wide plugin state, kept in ``config.stash``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..world.world import DEFAULT_ACCOUNT, DEFAULT_REGION, FOREIGN_ACCOUNT, World

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


@dataclass
class PluginState:
    """Options, hook registries and collected results of one pytest session."""

    region: str = DEFAULT_REGION
    account: str = DEFAULT_ACCOUNT
    report_path: Path | None = None
    summary: bool = True
    records: list[dict[str, Any]] = field(default_factory=list)
    world: World | None = None
    _policies: dict[str, Any] | None = None
    _presets: dict[str, Callable[..., None]] | None = None
    _workflows: dict[str, Callable[..., Any]] | None = None
    _scenarios: dict[str, Callable[..., Any]] | None = None

    def session_world(self) -> World:
        """Return the session's world object; one per process, started per test."""
        if self.world is None:
            self.world = World(
                account=self.account,
                foreign_account=foreign_account_for(self.account),
                region=self.region,
            )
        return self.world

    def policies(self, config: pytest.Config) -> dict[str, Any]:
        if self._policies is None:
            self._policies = _merge(config.hook.pytest_tgstate_policies(config=config))
        return self._policies

    def presets(self, config: pytest.Config) -> dict[str, Callable[..., None]]:
        if self._presets is None:
            self._presets = _merge(
                config.hook.pytest_tgstate_world_presets(config=config)
            )
        return self._presets

    def workflows(self, config: pytest.Config) -> dict[str, Callable[..., Any]]:
        if self._workflows is None:
            self._workflows = _merge(
                config.hook.pytest_tgstate_workflows(config=config)
            )
        return self._workflows

    def scenarios(self, config: pytest.Config) -> dict[str, Callable[..., Any]]:
        if self._scenarios is None:
            self._scenarios = _merge(
                config.hook.pytest_tgstate_credential_scenarios(config=config)
            )
        return self._scenarios


STATE_KEY = pytest.StashKey[PluginState]()

#: The foreign account of a world whose own account is the usual foreign one.
SPARE_FOREIGN_ACCOUNT = "111122223333"


def foreign_account_for(account: str) -> str:
    """Return the default foreign account of a world owned by ``account``."""
    return FOREIGN_ACCOUNT if account != FOREIGN_ACCOUNT else SPARE_FOREIGN_ACCOUNT


def _merge(results: list[Mapping[str, Any] | None]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    # pluggy returns the last registered implementation first.
    for result in reversed(results):
        if result:
            merged.update(result)
    return merged


def read_options(config: pytest.Config) -> PluginState:
    """Read and validate the tgstate options.

    Raises `pytest.UsageError` naming the option of an invalid value.
    """
    region = (
        config.getoption("tgstate_region")
        or config.getini("tgstate_region")
        or DEFAULT_REGION
    )
    if not _REGION.match(region):
        raise pytest.UsageError(
            f"--tgstate-region (ini tgstate_region): {region!r} is not an AWS region; "
            "write it like us-east-1 or eu-central-1"
        )
    account = (
        config.getoption("tgstate_account")
        or config.getini("tgstate_account")
        or DEFAULT_ACCOUNT
    )
    if len(account) != 12 or not account.isdigit():
        raise pytest.UsageError(
            f"--tgstate-account (ini tgstate_account): {account!r} is invalid; "
            "an AWS account id is 12 digits"
        )
    report = (
        config.getoption("tgstate_report") or config.getini("tgstate_report") or None
    )
    report_path = None
    if report:
        report_path = Path(report)
        if not report_path.is_absolute():
            report_path = Path(config.invocation_params.dir) / report_path
        if report_path.is_dir():
            raise pytest.UsageError(
                f"--tgstate-report (ini tgstate_report): {report!r} is a directory; "
                "give a file path such as tgstate.json"
            )
        if not report_path.parent.is_dir():
            raise pytest.UsageError(
                f"--tgstate-report (ini tgstate_report): the folder of {report!r} "
                "does not exist; create it first"
            )
    summary_option = config.getoption("tgstate_summary")
    summary = (
        config.getini("tgstate_summary")
        if summary_option is None
        else summary_option == "yes"
    )
    return PluginState(
        region=region, account=account, report_path=report_path, summary=bool(summary)
    )
