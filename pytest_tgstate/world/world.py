"""A world: accounts, principals and AWS state on moto, behind the gateway."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
from botocore.config import Config
from botocore.configprovider import ConstantProvider

from ..iam.policy import Policy, load_policy
from . import botocore_internals, moto_internals
from .gateway import Gateway, GatewaySettings, Mode
from .http import HttpRequest, RawResponse, error_response
from .journal import Journal
from .presets import apply_bucket_state, apply_table_state
from .principals import Principal, Role
from .templates import TemplateValues, render_template

DEFAULT_ACCOUNT = "123456789012"
FOREIGN_ACCOUNT = "210987654321"
DEFAULT_REGION = "us-east-1"

PolicySource = Policy | str | Path | Mapping[str, Any]

_ADMIN_HEADER = "x-tgstate-admin"
#: moto reads these at request time; a world ignores the caller's values.
_MOTO_VARIABLES = ("MOTO_ACCOUNT_ID", "MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS")
_CLIENT_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})
# botocore presigns S3 URLs with SigV2 unless configured otherwise, and S3
# rejects SigV2 for buckets created since June 2020.
_S3_CLIENT_CONFIG = _CLIENT_CONFIG.merge(Config(signature_version="s3v4"))

_active: World | None = None


class WorldError(RuntimeError):
    """A world used the wrong way: started twice, or used while stopped."""


@lru_cache(maxsize=1)
def _shared_botocore_session() -> botocore.session.Session:
    """Return the process's isolated botocore session, shared by every world."""
    return _isolated_botocore_session()


def _isolated_botocore_session() -> botocore.session.Session:
    """Return a botocore session that reads no configuration from the machine.

    The shared config and credentials files point at ``os.devnull``. Every
    setting that botocore would otherwise read from ``AWS_*`` variables, and
    that changes the profile, endpoint or URL form of a client, is pinned. The
    user's ``~/.aws`` and environment, including a credential scenario's
    ``AWS_PROFILE``, therefore cannot redirect or re-credential world clients.
    """
    session = botocore.session.Session()
    pinned: dict[str, object] = {
        "config_file": os.devnull,
        "credentials_file": os.devnull,
        # No profile means the (empty) default profile.
        "profile": None,
        "region": DEFAULT_REGION,
        "ignore_configured_endpoint_urls": True,
        "use_fips_endpoint": False,
        "use_dualstack_endpoint": False,
        "account_id_endpoint_mode": "disabled",
        "sts_regional_endpoints": "regional",
        "defaults_mode": "legacy",
    }
    # A constant provider replaces the whole lookup chain (instance value,
    # environment variable, config file) of each setting.
    store = session.get_component("config_store")
    for name, value in pinned.items():
        store.set_config_provider(name, ConstantProvider(value))
    return session


class World:
    """Accounts, principals and AWS state on moto, with IAM decided by the gateway.

    Only one world runs per process at a time, because moto's state is
    process-global. Use it as a context manager or call `start` and `stop`.
    """

    def __init__(
        self,
        *,
        account: str = DEFAULT_ACCOUNT,
        foreign_account: str = FOREIGN_ACCOUNT,
        region: str = DEFAULT_REGION,
        secure_transport: bool = True,
    ) -> None:
        for label, value in (
            ("account", account),
            ("foreign_account", foreign_account),
        ):
            if len(value) != 12 or not value.isdigit():
                raise ValueError(
                    f"{label} {value!r} is invalid; an AWS account id is 12 digits"
                )
        if account == foreign_account:
            raise ValueError(
                f"account and foreign_account are both {account!r}; "
                "the foreign account must differ"
            )
        self.account = account
        self.foreign_account = foreign_account
        self.region = region
        self.journal = Journal()
        self.settings = GatewaySettings(
            region=region, secure_transport=secure_transport
        )
        self.gateway = Gateway(self.journal, self.settings)
        self._admin_token = secrets.token_hex(16)
        self._stack: ExitStack | None = None
        self._clients: dict[tuple[str, str, str | None], Any] = {}
        # Clients of principals from before the last reset, by ARN: reused
        # with new credentials, because creating a client costs milliseconds.
        self._spare_clients: dict[tuple[str, str, str | None], Any] = {}
        self._client_owners: dict[str, str] = {}

    # -- lifecycle -----------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._stack is not None

    def start(self) -> World:
        global _active
        if self._stack is not None:
            raise WorldError("this world is already running")
        if _active is not None:
            raise WorldError(
                "another world is running in this process; stop it first "
                "(moto's state is process-global, so worlds cannot overlap)"
            )
        moto_internals.check_integration_points()
        stack = ExitStack()
        try:
            stack.enter_context(_without_variables(_MOTO_VARIABLES))
            stack.enter_context(moto_internals.moto_store(self._gate))
            moto_internals.reset_backends()
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        _active = self
        self.reset()
        return self

    def stop(self) -> None:
        global _active
        if self._stack is None:
            return
        stack, self._stack = self._stack, None
        try:
            stack.close()
        finally:
            _active = None
            # Clients outlive the moto store, so a world started again reuses them.
            self._retire_principal_clients()

    def __enter__(self) -> World:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Empty every store, the journal and the world's own registries."""
        self._require_running()
        moto_internals.reset_backends()
        self.journal.clear()
        self.settings.user_boundaries.clear()
        self.settings.session_policy_arns.clear()
        self.settings.clock_offset = timedelta(0)
        self.settings.mode = "enforce"
        self._retire_principal_clients()

    def _retire_principal_clients(self) -> None:
        # Admin clients stay valid; principals' keys do not survive a reset.
        for (service, region, key), client in list(self._clients.items()):
            if not service.startswith("admin:"):
                # One key signs a client per service, so the owner stays
                # recorded until every client of the key is retired.
                arn = self._client_owners.get(key) if key else None
                self._spare_clients[(service, region, arn)] = client
                del self._clients[(service, region, key)]
        self._client_owners.clear()

    def _require_running(self) -> None:
        if self._stack is None:
            raise WorldError(
                "the world is not running; use it inside 'with World() as world:'"
            )

    # -- requests ------------------------------------------------------------

    def _gate(self, prepared: Any, forward: Any) -> RawResponse | None:
        if _is_loopback_url(prepared.url):
            return None  # sent for real, to a loopback server such as the world's own
        request = _http_request(prepared, secure=self.settings.secure_transport)
        if request.header(_ADMIN_HEADER) == self._admin_token:
            result: RawResponse | None = forward(prepared)
            return result

        def to_moto() -> RawResponse:
            response = _moto_response(forward(prepared))
            if response is None:
                # moto has no handler for this URL and botocore would send the
                # request off the machine, so the gateway returns an error instead.
                return error_response(
                    "s3",
                    400,
                    "InvalidRequest",
                    "pytest-tgstate blocked a request to "
                    f"{prepared.url.split('?')[0]}: moto does not serve it and "
                    "a world sends no traffic off the machine",
                )
            return response

        return self.gateway.process(request, to_moto)

    @contextmanager
    def mode(self, mode: Mode) -> Iterator[None]:
        """Run the block in ``audit`` mode (record denials, let requests through)."""
        previous = self.settings.mode
        self.settings.mode = mode
        try:
            yield
        finally:
            self.settings.mode = previous

    # -- clock ---------------------------------------------------------------

    def now(self) -> Any:
        return self.settings.now()

    def advance(self, seconds: float) -> None:
        """Move the world's clock forward.

        Session expiry and ``aws:CurrentTime`` follow the moved clock.
        """
        self.settings.clock_offset += timedelta(seconds=seconds)

    # -- clients -------------------------------------------------------------

    def client(
        self,
        service: str,
        principal: Principal | None = None,
        *,
        region: str | None = None,
    ) -> Any:
        """Return a boto3 client that signs as ``principal``, through the gateway.

        Without a principal the client signs with an unknown key, so every
        request fails authentication, as on AWS.
        """
        self._require_running()
        region = region or self.region
        credentials: Mapping[str, str | None] = (
            principal.client_kwargs()
            if principal
            else {
                "aws_access_key_id": "AKIAUNKNOWNKEY000000",
                "aws_secret_access_key": "unknown",
            }
        )
        access_key_id = credentials["aws_access_key_id"]
        key = (service, region, access_key_id)
        client = self._clients.get(key)
        # A copy of a principal may pair the same key id with another secret
        # or token; the cached client must sign with exactly these.
        if client is not None and botocore_internals.has_client_credentials(
            client, **credentials
        ):
            return client
        arn = principal.arn if principal else None
        client = self._spare_clients.pop((service, region, arn), None)
        if client is None or not botocore_internals.set_client_credentials(
            client, **credentials
        ):
            client = _shared_botocore_session().create_client(
                service,
                region_name=region,
                config=_S3_CLIENT_CONFIG if service == "s3" else _CLIENT_CONFIG,
                **credentials,
            )
        self._clients[key] = client
        if access_key_id is not None and arn is not None:
            self._client_owners[access_key_id] = arn
        return client

    def boto3_session(
        self, principal: Principal, *, region: str | None = None
    ) -> boto3.session.Session:
        """Return a boto3 session with ``principal``'s credentials.

        The session has the world's isolation.
        """
        botocore_session = _isolated_botocore_session()
        # Sharing the data loader spares loading the service models again.
        shared = _shared_botocore_session()
        botocore_session.register_component(
            "data_loader", shared.get_component("data_loader")
        )
        return boto3.session.Session(
            region_name=region or self.region,
            botocore_session=botocore_session,
            aws_access_key_id=principal.access_key_id,
            aws_secret_access_key=principal.secret_access_key,
            aws_session_token=principal.session_token,
        )

    def admin_client(
        self, service: str, *, account: str | None = None, region: str | None = None
    ) -> Any:
        """Return a client whose requests skip the gateway and the journal.

        It is for setting up state; ``account`` picks the moto account it acts in.
        """
        self._require_running()
        account = account or self.account
        region = region or self.region
        key = (f"admin:{service}", region, account)
        client = self._clients.get(key)
        if client is None:
            client = _shared_botocore_session().create_client(
                service,
                region_name=region,
                config=_CLIENT_CONFIG,
                aws_access_key_id="TGSTATEADMIN",
                aws_secret_access_key="admin",
            )
            headers = {_ADMIN_HEADER: self._admin_token, "x-moto-account-id": account}

            def add_headers(request: Any, **_: Any) -> None:
                for name, value in headers.items():
                    request.headers[name] = value

            client.meta.events.register("before-sign", add_headers)
            self._clients[key] = client
        return client

    # -- principals ----------------------------------------------------------

    def create_user(
        self,
        name: str,
        *,
        policy: PolicySource | None = None,
        policies: Mapping[str, PolicySource] | None = None,
        boundary: PolicySource | None = None,
        account: str | None = None,
        path: str = "/",
    ) -> Principal:
        """Create an IAM user with an access key and inline policies.

        ``policy`` is attached as the inline policy ``<name>-policy``;
        ``policies`` maps more inline policy names to documents. ``boundary``
        becomes the user's permissions boundary.
        """
        account = account or self.account
        documents = _inline_documents(name, policy, policies)
        boundary_policy = (
            load_policy(boundary, kind="boundary") if boundary is not None else None
        )
        iam = self.admin_client("iam", account=account)
        iam.create_user(UserName=name, Path=path)
        for policy_name, document in documents.items():
            iam.put_user_policy(
                UserName=name, PolicyName=policy_name, PolicyDocument=document.to_json()
            )
        key = iam.create_access_key(UserName=name)["AccessKey"]
        arn = f"arn:aws:iam::{account}:user{path}{name}"
        if boundary_policy is not None:
            self.settings.user_boundaries[arn] = self.create_managed_policy(
                f"{name}-boundary", boundary_policy, account=account
            )
        return Principal(
            kind="user",
            name=name,
            arn=arn,
            account=account,
            access_key_id=key["AccessKeyId"],
            secret_access_key=key["SecretAccessKey"],
        )

    def put_user_policy(
        self, user: Principal | str, name: str, document: PolicySource
    ) -> None:
        """Add or replace an inline policy of an existing user."""
        user_name = user.name if isinstance(user, Principal) else user
        account = user.account if isinstance(user, Principal) else self.account
        policy = load_policy(document, name=name)
        self.admin_client("iam", account=account).put_user_policy(
            UserName=user_name, PolicyName=name, PolicyDocument=policy.to_json()
        )

    def create_managed_policy(
        self, name: str, document: PolicySource, *, account: str | None = None
    ) -> str:
        """Create a customer managed policy and return its ARN."""
        policy = load_policy(document, name=name)
        response = self.admin_client(
            "iam", account=account or self.account
        ).create_policy(PolicyName=name, PolicyDocument=policy.to_json())
        return str(response["Policy"]["Arn"])

    def create_role(
        self,
        name: str,
        *,
        trust: PolicySource | None = None,
        policy: PolicySource | None = None,
        policies: Mapping[str, PolicySource] | None = None,
        boundary: PolicySource | None = None,
        account: str | None = None,
        path: str = "/",
    ) -> Role:
        """Create an IAM role; by default its trust policy trusts its own account."""
        account = account or self.account
        if trust is None:
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        trust_policy = load_policy(trust, name=f"{name} trust policy", kind="trust")
        documents = _inline_documents(name, policy, policies)
        iam = self.admin_client("iam", account=account)
        arguments: dict[str, Any] = {
            "RoleName": name,
            "Path": path,
            "AssumeRolePolicyDocument": trust_policy.to_json(),
        }
        if boundary is not None:
            arguments["PermissionsBoundary"] = self.create_managed_policy(
                f"{name}-boundary", boundary, account=account
            )
        response = iam.create_role(**arguments)
        for policy_name, document in documents.items():
            iam.put_role_policy(
                RoleName=name, PolicyName=policy_name, PolicyDocument=document.to_json()
            )
        return Role(name=name, arn=str(response["Role"]["Arn"]), account=account)

    def assume_role(
        self,
        principal: Principal,
        role: Role | str,
        *,
        session_name: str = "tgstate-session",
        duration: int = 3600,
        policy: PolicySource | None = None,
        policy_arns: tuple[str, ...] = (),
    ) -> Principal:
        """Assume ``role`` as ``principal`` through STS, with the trust policy enforced.

        Raises botocore's ``ClientError`` (``AccessDenied``) when the gateway
        denies the call, as AWS would.
        """
        role_arn = role.arn if isinstance(role, Role) else role
        arguments: dict[str, Any] = {
            "RoleArn": role_arn,
            "RoleSessionName": session_name,
            "DurationSeconds": duration,
        }
        if policy is not None:
            arguments["Policy"] = load_policy(policy, kind="session").to_json()
        if policy_arns:
            arguments["PolicyArns"] = [{"arn": arn} for arn in policy_arns]
        response = self.client("sts", principal).assume_role(**arguments)
        credentials = response["Credentials"]
        return Principal(
            kind="role-session",
            name=session_name,
            arn=str(response["AssumedRoleUser"]["Arn"]),
            account=role_arn.split(":")[4],
            access_key_id=credentials["AccessKeyId"],
            secret_access_key=credentials["SecretAccessKey"],
            session_token=credentials["SessionToken"],
            expiration=credentials["Expiration"],
            role_arn=role_arn,
        )

    # -- state ---------------------------------------------------------------

    def set_bucket_state(
        self, bucket: str, state: str, *, region: str | None = None
    ) -> None:
        """Put ``bucket`` in a preset state (see `presets`).

        An existing bucket is deleted first, with its objects; ``missing``
        leaves no bucket.
        """
        self._require_running()
        apply_bucket_state(self, state, bucket, region or self.region)

    def set_table_state(
        self, table: str, state: str, *, region: str | None = None
    ) -> None:
        """Put the lock ``table`` in a preset state, replacing an existing table."""
        self._require_running()
        apply_table_state(self, state, table, region or self.region)

    def policy_template(
        self, name: str, *, bucket: str, table: str, key: str
    ) -> Policy:
        """Render a documented Terragrunt policy.

        The names are ``full``, ``minimal`` and ``external-bucket``.
        """
        return render_template(name, TemplateValues(self.account, bucket, table, key))


def _inline_documents(
    owner: str, policy: PolicySource | None, policies: Mapping[str, PolicySource] | None
) -> dict[str, Policy]:
    documents: dict[str, Policy] = {}
    if policy is not None:
        documents[f"{owner}-policy"] = load_policy(policy, name=f"{owner}-policy")
    for policy_name, source in (policies or {}).items():
        documents[policy_name] = load_policy(source, name=policy_name)
    return documents


def _is_loopback_url(url: str) -> bool:
    return _is_loopback_host(urlsplit(url).hostname or "")


@lru_cache(maxsize=256)
def _is_loopback_host(host: str) -> bool:
    # Cached because every request passes here and a failed ip_address
    # parse (any AWS hostname) costs more than the rest of the check.
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _moto_response(result: Any) -> RawResponse | None:
    """Return moto's ``(status, headers, body)`` with the body as bytes.

    moto's handlers return some bodies as ``str`` (STS, IAM and most errors).
    """
    if result is None:
        return None
    status, headers, body = result
    if isinstance(body, str):
        body = body.encode("utf-8")
    return status, headers, body


def _http_request(prepared: Any, *, secure: bool) -> HttpRequest:
    body = prepared.body
    available = True
    if body is None:
        data = b""
    elif isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:
        # A stream (a file, or botocore's aws-chunked wrapper) is left for moto
        # to read; S3 signs such payloads without hashing the body.
        data = b""
        available = False
    headers = {}
    for name, value in prepared.headers.items():
        headers[name] = (
            value.decode("latin-1") if isinstance(value, bytes) else str(value)
        )
    return HttpRequest.from_url(
        prepared.method,
        prepared.url,
        headers,
        data,
        secure=secure if prepared.url.startswith("https") else False,
        body_available=available,
    )


@contextmanager
def _without_variables(names: tuple[str, ...]) -> Iterator[None]:
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        yield
    finally:
        for name in names:
            os.environ.pop(name, None)
        os.environ.update(saved)
