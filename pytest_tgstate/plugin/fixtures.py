"""The public fixtures: ``tgstate`` and ``tgstate_principal``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from ..credentials import CredentialSetup
from ..workflows.config import ConfigError, RemoteStateConfig
from ..workflows.scenario import with_lock_mode
from ..world.journal import JournalEntry
from ..world.principals import Principal
from ..world.server import LoopbackServer
from ..world.templates import TEMPLATE_NAMES
from ..world.world import World
from .environment import hermetic_environment, use_principal
from .handle import Tgstate
from .markers import (
    Expectation,
    MarkerError,
    PolicyMarkerSpec,
    WorldSpec,
    matrix_case_id,
    merged_marker,
)
from .state import STATE_KEY, foreign_account_for

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
def _tgstate_markers(
    request: pytest.FixtureRequest,
    _tgstate_matrix_case: tuple[str, Expectation] | None,
) -> None:
    # A test carrying a tgstate marker gets the tgstate fixture even when it
    # does not name it, so its expectation can be checked. Naming
    # _tgstate_matrix_case puts it in every test's fixture closure, which
    # pytest_generate_tests needs to parametrize it.
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


def _region_for(spec: WorldSpec, config: RemoteStateConfig, default: str) -> str:
    """Return the world's region: the marker's, else the config's own, else the default.

    A config dict without a ``region`` key leaves the session default in place.
    """
    if spec.region:
        return spec.region
    if isinstance(spec.config, Mapping):
        return config.region if "region" in spec.config else default
    if spec.config is not None:
        return config.region
    return default


def _setup_error(node: pytest.Item, message: str) -> BaseException:
    """Return the exception that fails ``node``'s setup with a one-line ``message``.

    Raise it with ``from None``, so no chained traceback precedes the message.
    """
    return pytest.fail.Exception(f"{node.nodeid}: {message}", pytrace=False)


def _matrix_policy_name(keyword: str, registered: Mapping[str, Any]) -> str:
    """Return the policy a ``tgstate_matrix`` keyword names.

    A keyword that is a documented or registered name is used as it is, and
    any other has each ``_`` replaced by ``-``.
    """
    if keyword in TEMPLATE_NAMES or keyword in registered:
        return keyword
    return matrix_case_id(keyword)


def _policy_name(source: Any) -> str:
    if isinstance(source, (str, Path)):
        return str(source)
    return "inline policy"


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
        expectation: Expectation | None = merged_marker(node, "tgstate_expect")
        if _tgstate_matrix_case is None:
            # pytest_generate_tests leaves a test with an invalid matrix
            # unparametrized; parsing it again here reports the error.
            merged_marker(node, "tgstate_matrix")
    except MarkerError as error:
        raise _setup_error(node, str(error)) from None
    policy_source: Any = policy_spec.policy
    policy_name = _policy_name(policy_source)
    if _tgstate_matrix_case is not None:
        if (
            node.get_closest_marker("tgstate_policy") is not None
            or expectation is not None
        ):
            raise _setup_error(
                node,
                "tgstate_matrix sets the policy and the expectation; "
                "drop tgstate_policy and tgstate_expect",
            )
        keyword, expectation = _tgstate_matrix_case
        policy_name = _matrix_policy_name(keyword, state.policies(request.config))
        policy_source = policy_name
    node.stash[EXPECTATION_KEY] = expectation

    world = state.session_world()
    world.account = world_spec.account or state.account
    world.foreign_account = world_spec.foreign_account or foreign_account_for(
        world.account
    )
    base_dir = Path(str(request.path)).parent
    try:
        config = _config_from_spec(world_spec, base_dir, world.account)
    except ConfigError as error:
        raise _setup_error(node, f"@pytest.mark.tgstate_world: {error}") from None
    world.region = _region_for(world_spec, config, state.region)
    if config.region != world.region:
        config = config.replace(region=world.region)
    world.settings.region = world.region
    world.settings.secure_transport = world_spec.secure_transport

    home = tmp_path_factory.mktemp("tgstate-home")
    observer = _observer(node)
    with hermetic_environment(home, world.region):
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
                home,
            )
            world.settings.observers.append(observer)
            node.stash[HANDLE_KEY] = handle
            yield handle
        finally:
            if observer in world.settings.observers:
                world.settings.observers.remove(observer)
            handle_in_use = node.stash.get(HANDLE_KEY, None)
            if handle_in_use is not None:
                handle_in_use.close()
            world.stop()


def _observer(node: pytest.Item) -> Callable[[JournalEntry], None]:
    def observe(entry: JournalEntry) -> None:
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
    home: Path,
) -> Tgstate:
    node = request.node
    named = state.policies(request.config)
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
        scenarios=state.scenarios(request.config),
    )
    try:
        policy = handle.resolve_policy(policy_source)
        boundary = (
            handle.resolve_policy(policy_spec.boundary)
            if policy_spec.boundary is not None
            else None
        )
        principal_policies = {
            name: handle.resolve_policy(source)
            for name, source in policy_spec.principals.items()
        }
    except ValueError as error:
        raise _setup_error(node, f"@pytest.mark.tgstate_policy: {error}") from None
    world.set_bucket_state(config.bucket, world_spec.bucket, region=world.region)
    if config.dynamodb_table:
        world.set_table_state(
            config.dynamodb_table, world_spec.table, region=world.region
        )
    handle.principal = world.create_user(
        PRINCIPAL_NAME, policy=policy, boundary=boundary
    )
    handle.policy_document = policy
    # A preset that calls boto3 directly acts as the test principal too.
    use_principal(handle.principal)
    for name, principal_policy in principal_policies.items():
        handle.principals[name] = world.create_user(name, policy=principal_policy)
    if world_spec.preset is not None:
        presets = state.presets(request.config)
        if world_spec.preset not in presets:
            known = ", ".join(sorted(presets)) or "none registered"
            raise _setup_error(
                node,
                f"@pytest.mark.tgstate_world: unknown preset {world_spec.preset!r}; "
                f"known presets: {known}",
            )
        presets[world_spec.preset](handle)
    if world_spec.credentials is not None:
        try:
            handle.use_credentials(world_spec.credentials)
        except KeyError as error:
            raise _setup_error(
                node, f"@pytest.mark.tgstate_world: {error.args[0]}"
            ) from None
    return handle


@pytest.fixture
def tgstate_principal(tgstate: Tgstate) -> Principal:
    """The IAM user the test runs as, holding the ``tgstate_policy`` policy.

    Its ``access_key_id``, ``secret_access_key`` and ``env()`` credentials
    are valid in the test's world only.
    """
    return tgstate.principal


@pytest.fixture
def tgstate_server(tgstate: Tgstate) -> LoopbackServer:
    """The test's world served on ``http://127.0.0.1:<port>`` for subprocesses.

    The same gateway decides every request and the same journal records it.
    Once this fixture runs, ``tgstate.env`` carries the ``AWS_ENDPOINT_URL*``
    variables, so a subprocess started with ``env=tgstate.env`` (Terraform,
    the aws CLI, your own tool) talks to this world. The server stops with
    the test.
    """
    return tgstate.serve()


@pytest.fixture
def tgstate_credentials(
    request: pytest.FixtureRequest, tgstate: Tgstate
) -> CredentialSetup:
    """A credential scenario in effect for the test.

    The scenario applies in this process and in ``tgstate.env``. Pick it by
    parametrizing indirectly::

        @pytest.mark.parametrize(
            "tgstate_credentials", ["sso", "metadata"], indirect=True
        )

    or with ``tgstate_world(credentials=...)``; the default is ``env-keys``.
    The returned setup names the ARN ``sts get-caller-identity`` must return
    (``expected_arn``), or the SDK error of a failure scenario (``failure``),
    and contains the endpoints' request logs.
    """
    name = getattr(request, "param", None)
    if name is None:
        if tgstate.credentials is not None:
            return tgstate.credentials
        name = "env-keys"
    try:
        return tgstate.use_credentials(str(name))
    except KeyError as error:
        raise _setup_error(
            request.node, f"tgstate_credentials: {error.args[0]}"
        ) from None
