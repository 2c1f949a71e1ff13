"""The ``tgstate`` command: check a policy, run the matrix, explain a decision."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from .. import TERRAGRUNT_MODEL_VERSION, __version__
from ..iam.evaluation import AuthorizationRequest, PolicySet, evaluate
from ..iam.policy import PolicyError, load_policy
from ..iam.principal import Caller
from ..workflows.config import (
    LOCK_MODES,
    ConfigError,
    LockMode,
    RemoteStateConfig,
    parse_set_option,
)
from ..workflows.scenario import (
    WORKFLOW_CHOICES,
    Scenario,
    run_scenario,
    with_lock_mode,
)
from ..workflows.terragrunt import TERRAGRUNT_BEHAVIOURS
from ..world.presets import BUCKET_STATES, TABLE_STATES
from ..world.templates import (
    TEMPLATE_NAMES,
    TemplateValues,
    render_template_text,
    template_text,
)
from ..world.world import DEFAULT_ACCOUNT, World
from .matrix import matrix_scenarios
from .render import render_matrix, render_result

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: An IAM action as a request names it: a service prefix and an action name.
_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9]+")


class UsageError(Exception):
    """Bad command-line input; reported as one line with exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tgstate",
        description=(
            "Check whether an IAM policy lets Terragrunt's S3 remote-state "
            "bootstrap and "
            "the Terraform S3 backend work, offline on moto."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="run the workflows once under one policy")
    _add_scenario_options(check)
    check.add_argument(
        "--policy",
        default="full",
        metavar="NAME|PATH",
        help=f"a documented policy ({', '.join(TEMPLATE_NAMES)}) "
        "or a JSON policy file (default: full)",
    )
    check.add_argument(
        "--bucket-state",
        choices=BUCKET_STATES,
        default="missing",
        help="starting state of the state bucket (default: missing)",
    )
    check.add_argument(
        "--table-state",
        choices=TABLE_STATES,
        default="missing",
        help="starting state of the lock table (default: missing)",
    )
    check.add_argument(
        "--workflow",
        choices=WORKFLOW_CHOICES,
        default="all",
        help="bootstrap (Terragrunt), terraform (init and apply) or all (default: all)",
    )
    check.add_argument(
        "--terragrunt",
        choices=TERRAGRUNT_BEHAVIOURS,
        default="current",
        help=f"Terragrunt behaviour: current ({TERRAGRUNT_MODEL_VERSION}) "
        "or legacy (before 0.85)",
    )

    matrix = commands.add_parser(
        "matrix", help="run every documented policy against every scenario"
    )
    _add_scenario_options(matrix, lock=False)

    explain = commands.add_parser(
        "explain", help="evaluate one request and explain the decision"
    )
    explain.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="NAME|PATH",
        help="an identity-based policy of the caller; repeatable",
    )
    explain.add_argument("--boundary", metavar="PATH", help="a permissions boundary")
    explain.add_argument(
        "--session-policy",
        action="append",
        default=[],
        metavar="PATH",
        help="a session policy; repeatable",
    )
    explain.add_argument(
        "--resource-policy",
        metavar="PATH",
        help="a bucket policy or other resource-based policy",
    )
    explain.add_argument(
        "--trust-policy",
        metavar="PATH",
        help="a role trust policy (for sts:AssumeRole)",
    )
    explain.add_argument(
        "--action", required=True, help="the IAM action, e.g. s3:GetObject"
    )
    explain.add_argument("--resource", required=True, help="the resource ARN, or *")
    explain.add_argument(
        "--principal",
        default=f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/terragrunt",
        help="the caller: a user ARN, assumed-role session ARN or 'anonymous'",
    )
    explain.add_argument(
        "--resource-account",
        metavar="ACCOUNT",
        help="the account owning the resource, when it is not the caller's",
    )
    explain.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a condition key and value, e.g. aws:SecureTransport=false; repeatable",
    )
    explain.add_argument("--format", choices=("text", "json"), default="text")

    policy = commands.add_parser(
        "policy", help="print a documented policy rendered with real names"
    )
    policy.add_argument("name", choices=TEMPLATE_NAMES)
    policy.add_argument(
        "--verbatim",
        action="store_true",
        help="print the policy as the docs page shows it",
    )
    policy.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="take the names from a terragrunt.hcl",
    )
    policy.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a remote_state config key (bucket, key, dynamodb_table); repeatable",
    )
    policy.add_argument(
        "--account",
        default=DEFAULT_ACCOUNT,
        help=f"account id (default {DEFAULT_ACCOUNT})",
    )
    return parser


def _add_scenario_options(
    parser: argparse.ArgumentParser, *, lock: bool = True
) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="read remote_state from a terragrunt.hcl",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a remote_state config key, e.g. disable_bucket_update=true; "
        "repeatable",
    )
    if lock:
        parser.add_argument(
            "--lock",
            choices=LOCK_MODES,
            help="state locking: dynamodb, lockfile, both or none "
            "(default: from --config, else dynamodb)",
        )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _load_config(arguments: argparse.Namespace) -> RemoteStateConfig:
    if arguments.config is not None:
        from ..workflows.hcl import load_terragrunt_hcl

        loaded = load_terragrunt_hcl(arguments.config, account_id=DEFAULT_ACCOUNT)
        for warning in loaded.warnings:
            print(f"tgstate: warning: {warning}", file=sys.stderr)
        config = loaded.config
    else:
        config = RemoteStateConfig(encrypt=True)
    changes = dict(parse_set_option(item) for item in arguments.set)
    if changes:
        config = config.replace(source="--set", **changes)
    return config


def _check(arguments: argparse.Namespace) -> int:
    config = _load_config(arguments)
    lock: LockMode | None = arguments.lock or (
        "dynamodb" if arguments.config is None else None
    )
    if lock is not None:
        config = with_lock_mode(config, lock)
    scenario = Scenario(
        policy=arguments.policy,
        bucket_state=arguments.bucket_state,
        table_state=arguments.table_state,
        config=config,
        workflow=arguments.workflow,
        terragrunt=arguments.terragrunt,
    )
    scenario.resolve_policy()  # report a bad policy before any world starts
    result = run_scenario(scenario)
    if arguments.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(render_result(result))
    return EXIT_OK if result.outcome == "succeeded" else EXIT_FAILED


def _matrix(arguments: argparse.Namespace) -> int:
    base = _load_config(arguments)
    scenarios = matrix_scenarios(base)
    results = []
    with World(region=base.region) as world:
        for scenario in scenarios:
            results.append(run_scenario(scenario, world=world, verify_missing=False))
            world.reset()
    if arguments.format == "json":
        print(json.dumps([result.to_dict() for result in results], indent=2))
    else:
        print(render_matrix(results))
    return EXIT_OK


def _caller(text: str) -> Caller:
    if text == "anonymous":
        return Caller.anonymous()
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise UsageError(
            f"--principal {text!r} is invalid; "
            "give a user or assumed-role ARN, or 'anonymous'"
        )
    account, resource = parts[4], parts[5]
    if parts[2] == "iam" and resource.startswith("user/"):
        path, _, name = resource[len("user") :].rpartition("/")
        return Caller.user(account, name, path=f"{path}/")
    if parts[2] == "sts" and resource.startswith("assumed-role/"):
        pieces = resource.split("/")
        if len(pieces) == 3:
            return Caller.session(account, pieces[1], pieces[2])
    if parts[2] == "iam" and resource == "root":
        return Caller.root(account)
    raise UsageError(
        f"--principal {text!r} is invalid; "
        "give a user or assumed-role ARN, or 'anonymous'"
    )


def _explain_policy(source: str, kind: Any) -> Any:
    if source in TEMPLATE_NAMES:
        values = TemplateValues(
            DEFAULT_ACCOUNT,
            "terragrunt-state",
            "terragrunt-locks",
            "env/app/terraform.tfstate",
        )
        return load_policy(render_template_text(source, values), name=source, kind=kind)
    path = Path(source)
    if not path.suffix and not path.exists():
        raise UsageError(
            f"unknown policy name {source!r}; "
            f"use one of {', '.join(TEMPLATE_NAMES)} or a JSON file path"
        )
    return load_policy(path, kind=kind)


def _check_request(arguments: argparse.Namespace) -> None:
    """Reject an action, resource or account that no AWS request could carry."""
    if not _ACTION.fullmatch(arguments.action):
        raise UsageError(
            f"--action {arguments.action!r} is invalid; "
            "write SERVICE:ACTION, e.g. s3:GetObject"
        )
    resource = arguments.resource
    if resource != "*" and not (
        resource.startswith("arn:") and resource.count(":") >= 5
    ):
        raise UsageError(
            f"--resource {resource!r} is invalid; "
            "write an ARN such as arn:aws:s3:::my-bucket, or *"
        )
    account = arguments.resource_account
    if account is not None and not (len(account) == 12 and account.isdigit()):
        raise UsageError(
            f"--resource-account {account!r} is invalid; an AWS account id is 12 digits"
        )


def _explain(arguments: argparse.Namespace) -> int:
    _check_request(arguments)
    context: dict[str, tuple[str, ...]] = {}
    for item in arguments.context:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(
                f"--context {item!r} is invalid; "
                "write KEY=VALUE, e.g. aws:SecureTransport=false"
            )
        context.setdefault(key.lower(), ())
        context[key.lower()] += (value,)
    resource_kind = "resource-based policy"
    resource_policy = None
    if arguments.trust_policy:
        resource_policy = load_policy(Path(arguments.trust_policy), kind="trust")
        resource_kind = "role trust policy"
    elif arguments.resource_policy:
        resource_policy = load_policy(Path(arguments.resource_policy), kind="resource")
    policies = PolicySet(
        identity=tuple(
            _explain_policy(source, "identity") for source in arguments.policy
        ),
        boundary=load_policy(Path(arguments.boundary), kind="boundary")
        if arguments.boundary
        else None,
        session=tuple(
            load_policy(Path(source), kind="session")
            for source in arguments.session_policy
        ),
        resource=resource_policy,
        resource_kind=resource_kind,  # type: ignore[arg-type]
    )
    request = AuthorizationRequest(
        caller=_caller(arguments.principal),
        action=arguments.action,
        resource=arguments.resource,
        context=context,
        resource_account=arguments.resource_account,
    )
    decision = evaluate(request, policies)
    if arguments.format == "json":
        print(
            json.dumps(
                {
                    "allowed": decision.allowed,
                    "action": decision.action,
                    "resource": decision.resource,
                    "principal": decision.principal,
                    "reason": decision.reason,
                    "policy_kind": decision.policy_kind,
                    "policy": decision.policy_name,
                    "statement": decision.statement,
                    "message": decision.message,
                },
                indent=2,
            )
        )
    else:
        print(decision.explain())
    return EXIT_OK if decision.allowed else EXIT_FAILED


def _policy(arguments: argparse.Namespace) -> int:
    if arguments.verbatim:
        print(template_text(arguments.name), end="")
        return EXIT_OK
    config = _load_config(arguments)
    values = TemplateValues(
        arguments.account,
        config.bucket,
        config.dynamodb_table or "terragrunt-locks",
        config.key,
    )
    print(
        json.dumps(json.loads(render_template_text(arguments.name, values)), indent=4)
    )
    return EXIT_OK


_COMMANDS = {"check": _check, "matrix": _matrix, "explain": _explain, "policy": _policy}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        return _COMMANDS[arguments.command](arguments)
    except (ConfigError, PolicyError, UsageError) as error:
        _fail(parser, str(error))
    except BrokenPipeError:
        return EXIT_OK


def _fail(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    print(f"tgstate: error: {message}", file=sys.stderr)
    sys.exit(EXIT_USAGE)


if __name__ == "__main__":
    sys.exit(main())
