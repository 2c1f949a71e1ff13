"""The authenticated caller of a request, in the form IAM evaluation uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .arn import account_root_arn

CallerKind = Literal[
    "user", "assumed-role", "root", "anonymous", "service", "web-identity"
]

#: ``aws:PrincipalType`` per caller kind, as AWS spells it.
_PRINCIPAL_TYPES: dict[str, str] = {
    "user": "User",
    "assumed-role": "AssumedRole",
    "root": "Account",
    "anonymous": "Anonymous",
    "service": "Service",
    "web-identity": "WebIdentityUser",
}


@dataclass(frozen=True)
class Caller:
    """A principal making a request: an IAM user, a role session, root or anonymous."""

    arn: str
    account: str
    kind: CallerKind
    name: str = ""
    user_id: str = ""
    role_arn: str | None = None
    partition: str = "aws"
    tags: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def user(
        cls, account: str, name: str, *, path: str = "/", user_id: str = ""
    ) -> Caller:
        return cls(
            arn=f"arn:aws:iam::{account}:user{path}{name}",
            account=account,
            kind="user",
            name=name,
            user_id=user_id or f"AIDA{account}{name.upper()}"[:21],
        )

    @classmethod
    def session(
        cls,
        account: str,
        role_name: str,
        session_name: str,
        *,
        role_path: str = "/",
        role_id: str = "",
    ) -> Caller:
        role_id = role_id or f"AROA{account}{role_name.upper()}"[:21]
        return cls(
            arn=f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}",
            account=account,
            kind="assumed-role",
            name=session_name,
            user_id=f"{role_id}:{session_name}",
            role_arn=f"arn:aws:iam::{account}:role{role_path}{role_name}",
        )

    @classmethod
    def root(cls, account: str) -> Caller:
        return cls(arn=account_root_arn(account), account=account, kind="root")

    @classmethod
    def anonymous(cls) -> Caller:
        return cls(arn="anonymous", account="", kind="anonymous")

    @classmethod
    def service(cls, name: str) -> Caller:
        return cls(arn=name, account="", kind="service", name=name)

    @classmethod
    def web_identity(
        cls, provider_arn: str, account: str, claims: tuple[tuple[str, str], ...]
    ) -> Caller:
        """Return an OpenID Connect token holder calling AssumeRoleWithWebIdentity.

        ``claims`` become the ``<issuer>:<claim>`` condition keys (``:sub``,
        ``:aud`` and so on) of the provider ``provider_arn``.
        """
        return cls(
            arn=provider_arn,
            account=account,
            kind="web-identity",
            name=provider_arn.rsplit("oidc-provider/", 1)[-1],
            tags=claims,
        )

    @property
    def principal_arn(self) -> str:
        """The ``aws:PrincipalArn`` value: a role session reports its role's ARN."""
        if self.kind == "assumed-role" and self.role_arn:
            return self.role_arn
        return self.arn

    def context(self) -> dict[str, tuple[str, ...]]:
        """Return the global condition keys that describe this caller."""
        if self.kind in ("anonymous", "service"):
            return {"aws:principaltype": (_PRINCIPAL_TYPES[self.kind],)}
        if self.kind == "web-identity":
            # An OIDC token's claims are keys named after the issuer, such as
            # token.actions.githubusercontent.com:sub.
            claims: dict[str, tuple[str, ...]] = {
                f"{self.name}:{claim}".lower(): (value,) for claim, value in self.tags
            }
            claims["aws:federatedprovider"] = (self.arn,)
            return claims
        keys: dict[str, tuple[str, ...]] = {
            "aws:principalarn": (self.principal_arn,),
            "aws:principalaccount": (self.account,),
            "aws:principaltype": (_PRINCIPAL_TYPES[self.kind],),
        }
        if self.user_id:
            keys["aws:userid"] = (self.user_id,)
        if self.kind == "user":
            keys["aws:username"] = (self.name,)
        for tag_key, tag_value in self.tags:
            keys[f"aws:principaltag/{tag_key.lower()}"] = (tag_value,)
        return keys
