"""Credential-chain scenarios: the files, variables and endpoints of each way
AWS credentials are found, and of each way that goes wrong.

A scenario writes into the test's own home, mounts the endpoints it needs on
the world's loopback server, and binds the credentials the SDK will resolve
to a principal of the world, so that principal's policy is enforced. The
result, a `CredentialSetup`, contains the variables to run with (in-process and
for a subprocess) and what ``sts get-caller-identity`` must return, or which
error the SDKs raise.

botocore and the Go SDK (Terraform, Terragrunt) disagree in a few places:
with both ``AWS_PROFILE`` and ``AWS_DEFAULT_PROFILE`` set, botocore uses
``AWS_DEFAULT_PROFILE`` and the Go SDK ``AWS_PROFILE``; environment keys beat
an ``AWS_PROFILE`` variable in both, but a profile chosen in code (boto3's
``Session(profile_name=...)``, ``aws --profile``) removes the environment
provider in botocore only. Scenarios therefore select profiles with
``AWS_PROFILE`` alone and never set keys and a profile together, unless a
test picks another behaviour with ``profile_variable``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from ..iam.policy import Policy
from ..world import moto_internals
from ..world.principals import Principal, Role
from ..world.server import LoopbackServer, RequestLog
from ..world.world import World
from .endpoints import (
    CONTAINER_PATH,
    ContainerCredentials,
    IssuedCredentials,
    MetadataService,
    SsoPortal,
)
from .files import (
    AwsFiles,
    closed_loopback_port,
    web_identity_token,
    write_credential_process,
)

ProfileVariable = Literal["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "both"]
ROLE_NAME = "tgstate-role"
SESSION_NAME = "tgstate-session"
OIDC_ISSUER = "token.actions.githubusercontent.com"
OIDC_SUBJECT = "repo:example-org/infrastructure:ref:refs/heads/main"
OIDC_AUDIENCE = "sts.amazonaws.com"
SSO_START_URL = "https://tgstate-example.awsapps.com/start"
SSO_ACCESS_TOKEN = "tgstate-sso-access-token"


@dataclass(frozen=True)
class ScenarioOptions:
    """Knobs of the endpoint-based scenarios.

    ``expires_in`` (seconds) is the lifetime of served temporary credentials.
    Under 15 minutes botocore refreshes them before every call. ``delay``
    slows each endpoint response, ``fail`` makes it respond with an error, and
    ``imds_v1_only`` rejects IMDSv2 token requests.
    """

    expires_in: int = 3600
    delay: float = 0.0
    fail: bool = False
    imds_v1_only: bool = False
    profile_variable: ProfileVariable = "AWS_PROFILE"
    token_from_file: bool = False


@dataclass(frozen=True)
class ExpectedFailure:
    """The errors the SDKs raise in a failure scenario."""

    boto3_exception: str
    boto3_message: str
    cli_message: str
    error_code: str | None = None


@dataclass
class CredentialSetup:
    """The variables, expected caller and endpoint logs that a scenario prepared.

    ``env`` contains only the scenario's own variables, which the caller adds
    to a hermetic base environment. ``profile`` is set when the scenario's profile
    must be chosen in code (``Session(profile_name=...)``, ``aws --profile``)
    rather than by variable. ``expected_arn`` is the ARN
    ``sts:GetCallerIdentity`` returns, or None for a failure scenario, whose
    errors are in ``failure``.
    """

    name: str
    env: dict[str, str]
    expected_arn: str | None
    principal: Principal | None = None
    profile: str | None = None
    failure: ExpectedFailure | None = None
    logs: dict[str, RequestLog] = field(default_factory=dict)
    process_log: Path | None = None
    uses_metadata: bool = False

    @property
    def cli_arguments(self) -> list[str]:
        return ["--profile", self.profile] if self.profile else []


class ScenarioContext:
    """Everything a scenario builds on: the world, its server, the test home."""

    def __init__(
        self,
        world: World,
        server: LoopbackServer,
        home: Path,
        user: Principal,
        policy: Policy,
        options: ScenarioOptions | None = None,
    ) -> None:
        self.world = world
        self.server = server
        self.files = AwsFiles(home).create()
        self.user = user
        self.policy = policy
        self.options = options or ScenarioOptions()
        self._role: Role | None = None

    @property
    def account(self) -> str:
        return self.user.account

    @property
    def region(self) -> str:
        return self.world.region

    def role(self, *, trust: dict[str, Any] | None = None) -> Role:
        """Create (once) the role holding the policy under test.

        By default its trust policy names the test user, which within one
        account lets the user assume it without an identity-based allow.
        """
        if self._role is None:
            self._role = self.world.create_role(
                ROLE_NAME,
                account=self.account,
                policy=self.policy,
                trust=trust
                or {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": self.user.arn},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
            )
        return self._role

    def session_arn(self, session_name: str = SESSION_NAME) -> str:
        return f"arn:aws:sts::{self.account}:assumed-role/{ROLE_NAME}/{session_name}"

    def issuer(
        self, session_name: str = SESSION_NAME
    ) -> Callable[[], IssuedCredentials]:
        """Return a function that starts a new session of the role on every call."""
        role = self.role()

        def issue() -> IssuedCredentials:
            return issue_role_session(
                self.world, role, session_name, self.options.expires_in
            )

        return issue

    def select_profile(self, name: str) -> dict[str, str]:
        variable = self.options.profile_variable
        if variable == "both":
            return {"AWS_PROFILE": name, "AWS_DEFAULT_PROFILE": name}
        return {variable: name}


def issue_role_session(
    world: World, role: Role, session_name: str, expires_in: int
) -> IssuedCredentials:
    """Start a session of ``role`` outside the gateway.

    AWS starts the session of an instance role the same way.
    """
    sts = world.admin_client("sts", account=role.account)
    response = sts.assume_role(
        RoleArn=role.arn, RoleSessionName=session_name, DurationSeconds=3600
    )
    credentials = response["Credentials"]
    expiration = world.now() + timedelta(seconds=expires_in)
    session = moto_internals.find_session(credentials["AccessKeyId"])
    if session is not None:
        session.expiration = expiration.astimezone(timezone.utc).replace(tzinfo=None)
    return IssuedCredentials(
        access_key_id=credentials["AccessKeyId"],
        secret_access_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
        expiration=expiration,
        role_arn=role.arn,
    )


def _session_principal(
    context: ScenarioContext, issued: IssuedCredentials, session_name: str
) -> Principal:
    return Principal(
        kind="role-session",
        name=session_name,
        arn=context.session_arn(session_name),
        account=context.account,
        access_key_id=issued.access_key_id,
        secret_access_key=issued.secret_access_key,
        session_token=issued.session_token,
        expiration=issued.expiration,
        role_arn=issued.role_arn,
    )


def _key_values(principal: Principal) -> dict[str, str]:
    values = {
        "aws_access_key_id": principal.access_key_id,
        "aws_secret_access_key": principal.secret_access_key,
    }
    if principal.session_token:
        values["aws_session_token"] = principal.session_token
    return values


# -- working scenarios -------------------------------------------------------


def env_keys(context: ScenarioContext) -> CredentialSetup:
    """Static keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."""
    return CredentialSetup(
        "env-keys", dict(context.user.env()), context.user.arn, context.user
    )


def env_session(context: ScenarioContext) -> CredentialSetup:
    """Session keys with AWS_SESSION_TOKEN, from a role session."""
    issued = context.issuer()()
    principal = _session_principal(context, issued, SESSION_NAME)
    return CredentialSetup(
        "env-session", dict(principal.env()), principal.arn, principal
    )


def profile_credentials_file(context: ScenarioContext) -> CredentialSetup:
    """Prepare a ``[tgstate]`` credentials-file profile, chosen by AWS_PROFILE."""
    context.files.add_profile("tgstate", _key_values(context.user), in_config=False)
    return CredentialSetup(
        "profile-credentials-file",
        context.select_profile("tgstate"),
        context.user.arn,
        context.user,
    )


def profile_config_file(context: ScenarioContext) -> CredentialSetup:
    """Static keys under ``[profile tgstate]`` in the config file."""
    context.files.add_profile("tgstate", _key_values(context.user))
    return CredentialSetup(
        "profile-config-file",
        context.select_profile("tgstate"),
        context.user.arn,
        context.user,
    )


def assume_role_source_profile(context: ScenarioContext) -> CredentialSetup:
    """``role_arn`` with ``source_profile``: AssumeRole with the base profile's keys."""
    role = context.role()
    _source_profile(context, role)
    return CredentialSetup(
        "assume-role-source-profile",
        context.select_profile("deploy"),
        context.session_arn(),
    )


def assume_role_environment(context: ScenarioContext) -> CredentialSetup:
    """``credential_source = Environment``: AssumeRole with the environment's keys.

    The profile is chosen in code (``profile`` is set), because an
    AWS_PROFILE variable next to environment keys leaves the keys in charge.
    """
    role = context.role()
    context.files.add_profile(
        "deploy",
        {
            "role_arn": role.arn,
            "credential_source": "Environment",
            "role_session_name": SESSION_NAME,
        },
    )
    return CredentialSetup(
        "assume-role-environment",
        dict(context.user.env()),
        context.session_arn(),
        profile="deploy",
    )


def assume_role_metadata(context: ScenarioContext) -> CredentialSetup:
    """``credential_source = Ec2InstanceMetadata``.

    The instance role assumes the target role.
    """
    role = context.role()
    base = _mount_metadata(context, instance_role_arn_user=True)
    context.files.add_profile(
        "deploy",
        {
            "role_arn": role.arn,
            "credential_source": "Ec2InstanceMetadata",
            "role_session_name": SESSION_NAME,
        },
    )
    env = {**_metadata_env(context), **context.select_profile("deploy")}
    return CredentialSetup(
        "assume-role-metadata",
        env,
        context.session_arn(),
        logs={"metadata": base.log},
        uses_metadata=True,
    )


def assume_role_container(context: ScenarioContext) -> CredentialSetup:
    """``credential_source = EcsContainer``.

    The container role assumes the target role.
    """
    role = context.role()
    container = _mount_container(context, issue_user_keys=True)
    context.files.add_profile(
        "deploy",
        {
            "role_arn": role.arn,
            "credential_source": "EcsContainer",
            "role_session_name": SESSION_NAME,
        },
    )
    env = {**_container_env(context, container), **context.select_profile("deploy")}
    return CredentialSetup(
        "assume-role-container",
        env,
        context.session_arn(),
        logs={"container": container.log},
    )


def web_identity_env(context: ScenarioContext) -> CredentialSetup:
    """AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN: AssumeRoleWithWebIdentity."""
    role = _web_identity_role(context)
    token_file = _write_token(context)
    env = {
        "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file),
        "AWS_ROLE_ARN": role.arn,
        "AWS_ROLE_SESSION_NAME": SESSION_NAME,
    }
    return CredentialSetup("web-identity-env", env, context.session_arn())


def web_identity_profile(context: ScenarioContext) -> CredentialSetup:
    """Prepare a profile with ``web_identity_token_file`` and ``role_arn``."""
    role = _web_identity_role(context)
    token_file = _write_token(context)
    context.files.add_profile(
        "ci",
        {
            "role_arn": role.arn,
            "web_identity_token_file": str(token_file),
            "role_session_name": SESSION_NAME,
        },
    )
    return CredentialSetup(
        "web-identity-profile", context.select_profile("ci"), context.session_arn()
    )


def sso(context: ScenarioContext) -> CredentialSetup:
    """Prepare an ``sso_session`` profile with a cached token.

    The loopback SSO portal serves the role credentials.
    """
    portal = _sso_session_profile(context, token_expires_in=timedelta(hours=1))
    env = {**_sso_env(context), **context.select_profile("sso")}
    return CredentialSetup(
        "sso", env, _sso_session_arn(context), logs={"sso": portal.log}
    )


def sso_legacy(context: ScenarioContext) -> CredentialSetup:
    """Prepare the legacy SSO profile (``sso_start_url`` in the profile itself)."""
    portal = _mount_sso(context)
    context.files.add_profile(
        "sso-legacy",
        {
            "sso_start_url": SSO_START_URL,
            "sso_region": context.region,
            "sso_account_id": context.account,
            "sso_role_name": ROLE_NAME,
            "region": context.region,
        },
    )
    context.files.write_sso_token(
        SSO_START_URL,
        start_url=SSO_START_URL,
        region=context.region,
        access_token=SSO_ACCESS_TOKEN,
        expires_at=datetime.now(timezone.utc) + timedelta(hours=1),
    )
    env = {**_sso_env(context), **context.select_profile("sso-legacy")}
    return CredentialSetup(
        "sso-legacy", env, _sso_session_arn(context), logs={"sso": portal.log}
    )


def credential_process(context: ScenarioContext) -> CredentialSetup:
    """Prepare a profile whose ``credential_process`` prints the test user's keys."""
    document = {
        "Version": 1,
        "AccessKeyId": context.user.access_key_id,
        "SecretAccessKey": context.user.secret_access_key,
    }
    command, log = write_credential_process(context.files, document)
    context.files.add_profile("process", {"credential_process": command})
    return CredentialSetup(
        "credential-process",
        context.select_profile("process"),
        context.user.arn,
        context.user,
        process_log=log,
    )


def container(context: ScenarioContext) -> CredentialSetup:
    """AWS_CONTAINER_CREDENTIALS_FULL_URI on loopback with an authorization token."""
    endpoint = _mount_container(context, issue_user_keys=False)
    return CredentialSetup(
        "container",
        _container_env(context, endpoint),
        context.session_arn(),
        logs={"container": endpoint.log},
    )


def metadata(context: ScenarioContext) -> CredentialSetup:
    """EC2 instance metadata serving the instance role's credentials.

    The service uses IMDSv2 by default.
    """
    service = _mount_metadata(context, instance_role_arn_user=False)
    return CredentialSetup(
        "metadata",
        _metadata_env(context),
        context.session_arn(),
        logs={"metadata": service.log},
        uses_metadata=True,
    )


# -- failure scenarios -------------------------------------------------------


def no_credentials(context: ScenarioContext) -> CredentialSetup:
    """Nothing anywhere: no variables, empty files, metadata disabled."""
    return CredentialSetup(
        "no-credentials",
        {},
        None,
        failure=ExpectedFailure(
            "NoCredentialsError",
            "Unable to locate credentials",
            "Unable to locate credentials",
        ),
    )


def missing_profile(context: ScenarioContext) -> CredentialSetup:
    """AWS_PROFILE names a profile that no file defines."""
    return CredentialSetup(
        "missing-profile",
        context.select_profile("missing"),
        None,
        failure=ExpectedFailure(
            "ProfileNotFound",
            "The config profile (missing) could not be found",
            "The config profile (missing) could not be found",
        ),
    )


def malformed_config(context: ScenarioContext) -> CredentialSetup:
    """Prepare a config file that is not valid INI."""
    context.files.config.write_text("[default\nregion = us-east-1\n")
    return CredentialSetup(
        "malformed-config",
        {},
        None,
        failure=ExpectedFailure(
            "ConfigParseError",
            "Unable to parse config file",
            "Unable to parse config file",
        ),
    )


def expired_session(context: ScenarioContext) -> CredentialSetup:
    """Session keys in the environment whose session has expired.

    The service returns ExpiredToken.
    """
    issued = issue_role_session(
        context.world, context.role(), SESSION_NAME, expires_in=-60
    )
    principal = _session_principal(context, issued, SESSION_NAME)
    return CredentialSetup(
        "expired-session",
        dict(principal.env()),
        None,
        principal,
        failure=ExpectedFailure(
            "ClientError",
            "The security token included in the request is expired",
            "ExpiredToken",
            "ExpiredToken",
        ),
    )


def unknown_key(context: ScenarioContext) -> CredentialSetup:
    """Prepare an access key the world never issued."""
    env = {
        "AWS_ACCESS_KEY_ID": "AKIATGSTATEUNKNOWN01",
        "AWS_SECRET_ACCESS_KEY": "unknown-secret",
    }
    return CredentialSetup(
        "unknown-key",
        env,
        None,
        failure=ExpectedFailure(
            "ClientError",
            "The security token included in the request is invalid",
            "InvalidClientTokenId",
            "InvalidClientTokenId",
        ),
    )


def wrong_secret(context: ScenarioContext) -> CredentialSetup:
    """Prepare the test user's key id with a wrong secret."""
    principal = replace(
        context.user, secret_access_key="wrong" + context.user.secret_access_key[5:]
    )
    return CredentialSetup(
        "wrong-secret",
        dict(principal.env()),
        None,
        principal,
        failure=ExpectedFailure(
            "ClientError",
            "signature we calculated does not match",
            "SignatureDoesNotMatch",
            "SignatureDoesNotMatch",
        ),
    )


def credential_process_fails(context: ScenarioContext) -> CredentialSetup:
    """Prepare a ``credential_process`` that exits non-zero with a message."""
    command, log = write_credential_process(
        context.files, None, failure="token expired, run login", exit_code=3
    )
    context.files.add_profile("process", {"credential_process": command})
    return CredentialSetup(
        "credential-process-fails",
        context.select_profile("process"),
        None,
        process_log=log,
        failure=ExpectedFailure(
            "CredentialRetrievalError",
            "token expired, run login",
            "token expired, run login",
        ),
    )


def sso_token_missing(context: ScenarioContext) -> CredentialSetup:
    """Prepare an SSO profile with no cached token (``aws sso login`` never ran)."""
    portal = _sso_session_profile(context, token_expires_in=None)
    return CredentialSetup(
        "sso-token-missing",
        {**_sso_env(context), **context.select_profile("sso")},
        None,
        logs={"sso": portal.log},
        failure=ExpectedFailure(
            "SSOTokenLoadError",
            "Token for tgstate-sso does not exist",
            "Token for tgstate-sso does not exist",
        ),
    )


def sso_token_expired(context: ScenarioContext) -> CredentialSetup:
    """Prepare an SSO profile whose cached token expired and cannot be refreshed."""
    portal = _sso_session_profile(context, token_expires_in=-timedelta(hours=1))
    return CredentialSetup(
        "sso-token-expired",
        {**_sso_env(context), **context.select_profile("sso")},
        None,
        logs={"sso": portal.log},
        failure=ExpectedFailure(
            "TokenRetrievalError",
            "Token has expired and refresh failed",
            "Token has expired and refresh failed",
        ),
    )


def assume_role_denied_trust(context: ScenarioContext) -> CredentialSetup:
    """``source_profile`` role assumption that the role's trust policy denies."""
    other = f"arn:aws:iam::{context.account}:user/someone-else"
    role = context.role(
        trust={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": other},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    _source_profile(context, role)
    return CredentialSetup(
        "assume-role-denied-trust",
        context.select_profile("deploy"),
        None,
        failure=ExpectedFailure(
            "ClientError",
            "not authorized to perform: sts:AssumeRole",
            "AccessDenied",
            "AccessDenied",
        ),
    )


def assume_role_denied_policy(context: ScenarioContext) -> CredentialSetup:
    """Role assumption that the trust policy delegates to the account.

    The caller's policy does not allow sts:AssumeRole, so the call is denied.
    """
    role = context.role(
        trust={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{context.account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    _source_profile(context, role)
    return CredentialSetup(
        "assume-role-denied-policy",
        context.select_profile("deploy"),
        None,
        failure=ExpectedFailure(
            "ClientError",
            "because no identity-based policy allows the sts:AssumeRole action",
            "AccessDenied",
            "AccessDenied",
        ),
    )


def metadata_unreachable(context: ScenarioContext) -> CredentialSetup:
    """Point the metadata endpoint at a closed port, so resolution fails fast."""
    env = {
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.1:{closed_loopback_port()}/",
        "AWS_METADATA_SERVICE_TIMEOUT": "1",
        "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "1",
    }
    return CredentialSetup(
        "metadata-unreachable",
        env,
        None,
        uses_metadata=True,
        failure=ExpectedFailure(
            "NoCredentialsError",
            "Unable to locate credentials",
            "Unable to locate credentials",
        ),
    )


# -- helpers -----------------------------------------------------------------


def _web_identity_role(context: ScenarioContext) -> Role:
    iam = context.world.admin_client("iam", account=context.account)
    iam.create_open_id_connect_provider(
        Url=f"https://{OIDC_ISSUER}",
        ClientIDList=[OIDC_AUDIENCE],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
    )
    provider = f"arn:aws:iam::{context.account}:oidc-provider/{OIDC_ISSUER}"
    return context.role(
        trust={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {f"{OIDC_ISSUER}:aud": OIDC_AUDIENCE},
                        "StringLike": {f"{OIDC_ISSUER}:sub": "repo:example-org/*"},
                    },
                }
            ],
        }
    )


def _write_token(context: ScenarioContext) -> Path:
    token = web_identity_token(
        f"https://{OIDC_ISSUER}",
        OIDC_SUBJECT,
        OIDC_AUDIENCE,
        lifetime=timedelta(seconds=context.options.expires_in),
    )
    return context.files.write_text("web-identity-token", token)


def _sso_session_arn(context: ScenarioContext) -> str:
    return context.session_arn(SESSION_NAME)


def _source_profile(context: ScenarioContext, role: Role) -> None:
    """Write profile ``deploy``, which assumes ``role`` with profile ``base``'s keys."""
    context.files.add_profile("base", _key_values(context.user), in_config=False)
    context.files.add_profile(
        "deploy",
        {
            "role_arn": role.arn,
            "source_profile": "base",
            "role_session_name": SESSION_NAME,
        },
    )


def _sso_session_profile(
    context: ScenarioContext, *, token_expires_in: timedelta | None
) -> SsoPortal:
    """Write the ``sso`` profile and its ``sso-session``, and mount the portal.

    The cached token expires ``token_expires_in`` from now (negative: already
    expired); with None no token is cached, as before ``aws sso login``.
    """
    portal = _mount_sso(context)
    context.files.add_sso_session(
        "tgstate-sso",
        {
            "sso_start_url": SSO_START_URL,
            "sso_region": context.region,
            "sso_registration_scopes": "sso:account:access",
        },
    )
    context.files.add_profile(
        "sso",
        {
            "sso_session": "tgstate-sso",
            "sso_account_id": context.account,
            "sso_role_name": ROLE_NAME,
            "region": context.region,
        },
    )
    if token_expires_in is not None:
        context.files.write_sso_token(
            "tgstate-sso",
            start_url=SSO_START_URL,
            region=context.region,
            access_token=SSO_ACCESS_TOKEN,
            expires_at=datetime.now(timezone.utc) + token_expires_in,
        )
    return portal


def _mount_sso(context: ScenarioContext) -> SsoPortal:
    portal = SsoPortal(
        context.issuer(),
        access_token=SSO_ACCESS_TOKEN,
        account=context.account,
        role_name=ROLE_NAME,
    )
    context.server.mount(portal)
    return portal


def _sso_env(context: ScenarioContext) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL_SSO": context.server.url,
        "AWS_ENDPOINT_URL_SSO_OIDC": context.server.url,
    }


def _mount_container(
    context: ScenarioContext, *, issue_user_keys: bool
) -> ContainerCredentials:
    token = "Bearer tgstate-container-token"
    issue = context.issuer()
    if issue_user_keys:
        user = context.user

        def issue() -> IssuedCredentials:
            # A container role that may assume the target role: the test user's
            # keys stand in for its credentials.
            return IssuedCredentials(
                user.access_key_id,
                user.secret_access_key,
                "",
                datetime.now(timezone.utc) + timedelta(hours=1),
                user.arn,
            )

    endpoint = ContainerCredentials(
        issue, token=token, delay=context.options.delay, fail=context.options.fail
    )
    context.server.mount(endpoint)
    return endpoint


def _container_env(
    context: ScenarioContext, endpoint: ContainerCredentials
) -> dict[str, str]:
    env = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{context.server.url}{CONTAINER_PATH}"
    }
    if context.options.token_from_file:
        token_file = context.files.write_text("container-token", endpoint.token)
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = str(token_file)
    else:
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = endpoint.token
    return env


def _mount_metadata(
    context: ScenarioContext, *, instance_role_arn_user: bool
) -> MetadataService:
    issue = context.issuer()
    if instance_role_arn_user:
        user = context.user

        def issue() -> IssuedCredentials:
            return IssuedCredentials(
                user.access_key_id,
                user.secret_access_key,
                "",
                datetime.now(timezone.utc) + timedelta(hours=1),
                user.arn,
            )

    service = MetadataService(
        ROLE_NAME,
        issue,
        account=context.account,
        region=context.region,
        imds_v1_only=context.options.imds_v1_only,
        delay=context.options.delay,
        fail=context.options.fail,
    )
    context.server.mount(service)
    return service


def _metadata_env(context: ScenarioContext) -> dict[str, str]:
    return {
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": f"{context.server.url}/",
        "AWS_METADATA_SERVICE_TIMEOUT": "1",
        "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "1",
    }


Scenario = Callable[[ScenarioContext], CredentialSetup]

#: Scenarios that resolve to a principal of the world.
WORKING_SCENARIOS: dict[str, Scenario] = {
    "env-keys": env_keys,
    "env-session": env_session,
    "profile-credentials-file": profile_credentials_file,
    "profile-config-file": profile_config_file,
    "assume-role-source-profile": assume_role_source_profile,
    "assume-role-environment": assume_role_environment,
    "assume-role-metadata": assume_role_metadata,
    "assume-role-container": assume_role_container,
    "web-identity-env": web_identity_env,
    "web-identity-profile": web_identity_profile,
    "sso": sso,
    "sso-legacy": sso_legacy,
    "credential-process": credential_process,
    "container": container,
    "metadata": metadata,
}

#: Scenarios whose resolution or first call fails the way the SDKs report it.
FAILURE_SCENARIOS: dict[str, Scenario] = {
    "no-credentials": no_credentials,
    "missing-profile": missing_profile,
    "malformed-config": malformed_config,
    "expired-session": expired_session,
    "unknown-key": unknown_key,
    "wrong-secret": wrong_secret,
    "credential-process-fails": credential_process_fails,
    "sso-token-missing": sso_token_missing,
    "sso-token-expired": sso_token_expired,
    "assume-role-denied-trust": assume_role_denied_trust,
    "assume-role-denied-policy": assume_role_denied_policy,
    "metadata-unreachable": metadata_unreachable,
}

SCENARIOS: dict[str, Scenario] = {**WORKING_SCENARIOS, **FAILURE_SCENARIOS}


def apply_scenario(
    name: str, context: ScenarioContext, registry: dict[str, Scenario] | None = None
) -> CredentialSetup:
    """Prepare scenario ``name``; raise ``KeyError`` listing the known names."""
    scenarios = registry if registry is not None else SCENARIOS
    scenario = scenarios.get(name)
    if scenario is None:
        raise KeyError(
            f"unknown credential scenario {name!r}; "
            f"known scenarios: {', '.join(sorted(scenarios))}"
        )
    return scenario(context)
