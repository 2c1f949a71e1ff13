"""The public fixtures: ``tgstate`` and ``tgstate_principal``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from ..workflows.config import ConfigError, RemoteStateConfig
from ..workflows.scenario import with_lock_mode
from ..world.principals import Principal
from ..world.world import World
from .environment import hermetic_environment
from .handle import Tgstate
from .markers import (
    Expectation,
    MarkerError,
    PolicyMarkerSpec,
    WorldSpec,
    merged_marker,
)
from .state import STATE_KEY

HANDLE_KEY = pytest.StashKey[Tgstate]()
EXPECTATION_KEY = pytest.StashKey["Expectation | None"]()
PRINCIPAL_NAME = "tgstate-user"


@pytest.fixture
def _tgstate_matrix_case(
    request: pytest.FixtureRequest,
) -> tuple[str, Expectation] | None:
    """The (policy, expectation) of a ``tgstate_matrix`` item; None for other tests."""
    case: tuple[str, Expectation] | None = getattr(request, "param", None)
    return case


@pytest.fixture(autouse=True)
def _tgstate_markers(request: pytest.FixtureRequest) -> None:
    # A test carrying a tgstate marker gets the tgstate fixture even when it
    # does not name it, so its expectation can be checked.
    node = request.node
    if any(
        node.get_closest_marker(name)
        for name in (
            "tgstate_world",
            "tgstate_policy",
            "tgstate_expect",
            "tgstate_matrix",
        )
    ):
        request.getfixturevalue("tgstate")


def _config_from_spec(
    spec: WorldSpec, base_dir: Path, account: str
) -> RemoteStateConfig:
    if spec.config is None:
        config = RemoteStateConfig(encrypt=True)
        locks = False
    elif isinstance(spec.config, Mapping):
        config = RemoteStateConfig(encrypt=True).replace(
            source="tgstate_world(config=...)", **dict(spec.config)
        )
        locks = (
            "dynamodb_table" in spec.config
            or "lock_table" in spec.config
            or "use_lockfile" in spec.config
        )
    else:
        from ..workflows.hcl import load_terragrunt_hcl

        path = Path(spec.config)
        if not path.is_absolute():
            path = base_dir / path
        config = load_terragrunt_hcl(path, account_id=account).config
        locks = True
    if spec.lock is not None:
        return with_lock_mode(config, spec.lock)  # type: ignore[arg-type]
    if not locks:
        return with_lock_mode(config, "dynamodb")
    return config


def _fail_setup(node: pytest.Item, message: str) -> None:
    pytest.fail(f"{node.nodeid}: {message}", pytrace=False)


@pytest.fixture
def tgstate(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _tgstate_matrix_case: tuple[str, Expectation] | None,
) -> Iterator[Tgstate]:
    """The test's AWS world on moto, with IAM decided by pytest-tgstate's gateway.

    Fresh for every test: the state bucket and lock table in the states of
    ``@pytest.mark.tgstate_world`` (default: both missing), and an IAM user
    ``tgstate-user`` holding the ``@pytest.mark.tgstate_policy`` policy
    (default: ``full``). Gives boto3 clients and sessions bound to a
    principal (``tgstate.client("s3")``), the journal of every decision,
    Terragrunt and Terraform runners (``tgstate.terragrunt.bootstrap()``,
    ``tgstate.terraform.apply()``) and ``tgstate.env`` for subprocesses.
    While the test runs, ``AWS_*`` variables hold the test principal's keys
    and nothing of the real ``~/.aws`` is read; the environment is restored
    afterwards.
    """
    node = request.node
    state = request.config.stash[STATE_KEY]
    try:
        world_spec = merged_marker(node, "tgstate_world") or WorldSpec()
        policy_spec = merged_marker(node, "tgstate_policy") or PolicyMarkerSpec()
    except MarkerError as error:
        _fail_setup(node, str(error))
        raise  # unreachable: pytest.fail raises
    expectation: Expectation | None
    try:
        expectation = merged_marker(node, "tgstate_expect")
    except MarkerError as error:
        _fail_setup(node, str(error))
        raise
    policy_source: Any = policy_spec.policy
    policy_name = policy_source if isinstance(policy_source, str) else "inline policy"
    if _tgstate_matrix_case is not None:
        if (
            node.get_closest_marker("tgstate_policy") is not None
            or expectation is not None
        ):
            _fail_setup(
                node,
                "tgstate_matrix sets the policy and the expectation; drop tgstate_policy and tgstate_expect",
            )
        policy_name, expectation = _tgstate_matrix_case
        policy_source = policy_name
    node.stash[EXPECTATION_KEY] = expectation

    world = state.session_world()
    world.account = world_spec.account or state.account
    world.foreign_account = world_spec.foreign_account or _foreign_for(world.account)
    base_dir = Path(str(request.path)).parent
    try:
        config = _config_from_spec(world_spec, base_dir, world.account)
    except ConfigError as error:
        _fail_setup(node, f"@pytest.mark.tgstate_world: {error}")
        raise
    world.region = world_spec.region or (
        config.region if world_spec.config is not None else state.region
    )
    if world_spec.config is None or world_spec.region:
        config = config.replace(region=world.region)
    world.settings.region = world.region
    world.settings.secure_transport = world_spec.secure_transport

    world.start()
    try:
        handle = _build_handle(
            request,
            state,
            world,
            world_spec,
            policy_spec,
            policy_source,
            policy_name,
            config,
            tmp_path_factory,
        )
        observer = _observer(node)
        world.settings.observers.append(observer)
        node.stash[HANDLE_KEY] = handle
        with hermetic_environment(handle.home, handle.principal, world.region):
            yield handle
    finally:
        world.stop()


def _foreign_for(account: str) -> str:
    from ..world.world import FOREIGN_ACCOUNT

    return FOREIGN_ACCOUNT if account != FOREIGN_ACCOUNT else "111122223333"


def _observer(node: pytest.Item) -> Any:
    def observe(entry: Any) -> None:
        node.ihook.pytest_tgstate_decision(entry=entry, item=node)

    return observe


def _build_handle(
    request: pytest.FixtureRequest,
    state: Any,
    world: World,
    world_spec: WorldSpec,
    policy_spec: PolicyMarkerSpec,
    policy_source: Any,
    policy_name: str,
    config: RemoteStateConfig,
    tmp_path_factory: pytest.TempPathFactory,
) -> Tgstate:
    node = request.node
    named = state.policies(request.config)
    home = tmp_path_factory.mktemp("tgstate-home")
    placeholder = Principal("user", PRINCIPAL_NAME, "", world.account, "", "")
    handle = Tgstate(
        world,
        config=config,
        behaviour=world_spec.terragrunt,  # type: ignore[arg-type]
        policy_name=policy_name,
        named_policies=named,
        home=home,
        principal=placeholder,
        principals={},
        workflows=state.workflows(request.config),
    )
    try:
        policy = handle.resolve_policy(policy_source)
        boundary = (
            handle.resolve_policy(policy_spec.boundary)
            if policy_spec.boundary is not None
            else None
        )
    except (KeyError, ValueError) as error:
        _fail_setup(node, f"@pytest.mark.tgstate_policy: {error}")
        raise
    world.set_bucket_state(config.bucket, world_spec.bucket, region=world.region)
    if config.dynamodb_table:
        world.set_table_state(
            config.dynamodb_table, world_spec.table, region=world.region
        )
    handle.principal = world.create_user(
        PRINCIPAL_NAME, policy=policy, boundary=boundary
    )
    for name, source in policy_spec.principals.items():
        handle.principals[name] = world.create_user(
            name, policy=handle.resolve_policy(source)
        )
    if world_spec.preset is not None:
        presets = state.presets(request.config)
        if world_spec.preset not in presets:
            known = ", ".join(sorted(presets)) or "none registered"
            _fail_setup(
                node,
                f"@pytest.mark.tgstate_world: unknown preset {world_spec.preset!r}; known presets: {known}",
            )
        presets[world_spec.preset](handle)
    return handle


@pytest.fixture
def tgstate_principal(tgstate: Tgstate) -> Principal:
    """The IAM user the test runs as, holding the ``tgstate_policy`` policy.

    Its ``access_key_id``, ``secret_access_key`` and ``env()`` credentials
    are valid in the test's world only.
    """
    return tgstate.principal
