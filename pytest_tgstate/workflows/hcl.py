"""Read a Terragrunt unit's ``terragrunt.hcl`` into a `RemoteStateConfig`.

`load_terragrunt_hcl` parses the unit file and the files its ``include`` blocks
name with python-hcl2, evaluates the expressions that ``locals`` and
``remote_state`` use, merges the included ``remote_state`` into the unit's and
validates the merged ``config`` map with `RemoteStateConfig.from_mapping`.
Every invalid or unsupported input raises `ConfigError` with a one-line
message that names the file, the value and the fix.

`hcl_expressions` evaluates the expressions and documents the expression
syntax and the functions it supports.

Includes
    ``include { path = ... }`` and ``include "LABEL" { path = ...;
    merge_strategy = ...; expose = ... }``, where a relative path is relative
    to the unit directory and ``expose`` is accepted and ignored. Several
    include blocks merge in order, so a later include overrides an earlier one
    and the unit overrides them all. With ``merge_strategy = "shallow"`` (the
    default) a remote_state in the unit replaces the included one, and so it
    does with ``"deep"``, as in Terragrunt, whose deep merge replaces
    remote_state as a whole. With ``"no_merge"`` the included
    remote_state is ignored. An included file may not include another file,
    because Terragrunt allows one level of include.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import hcl2
from lark.exceptions import UnexpectedInput

from .config import ConfigError, RemoteStateConfig
from .hcl_expressions import (
    HclValue,
    MissingFileError,
    _attributes,
    _Evaluator,
    _Scope,
)

__all__ = ["TerragruntFile", "load_terragrunt_hcl"]

_REMOTE_STATE_ATTRIBUTES = (
    "backend",
    "config",
    "disable_dependency_optimization",
    "disable_init",
    "generate",
)
_INCLUDE_ATTRIBUTES = ("expose", "merge_strategy", "path")
_MERGE_STRATEGIES = ("shallow", "deep", "no_merge")


@dataclass(frozen=True)
class TerragruntFile:
    """A unit's terragrunt.hcl with its remote_state merged and validated."""

    path: Path
    config: RemoteStateConfig
    backend: str
    disable_init: bool
    included: tuple[Path, ...]
    warnings: tuple[str, ...] = ()


def load_terragrunt_hcl(
    path: str | Path, *, account_id: str, env: Mapping[str, str] | None = None
) -> TerragruntFile:
    """Parse a unit's terragrunt.hcl and the files it includes.

    ``path`` is the unit's terragrunt.hcl or the unit directory.
    ``account_id`` is the value of ``get_aws_account_id()`` and ``env`` the
    only source of ``get_env()``. Raises ConfigError for every invalid or
    unsupported input.
    """
    unit_file = _unit_file(Path(path))
    body = _read_hcl(unit_file)
    include_scope = _Scope(
        file=unit_file,
        unit_dir=unit_file.parent,
        account_id=account_id,
        env=dict(env) if env is not None else {},
    )
    all_includes = _read_includes(body, _Evaluator(include_scope))
    included_bodies: list[dict[str, Any]] = []
    includes: list[_Include] = []
    unresolved: dict[str, str] = {}
    for include in all_includes:
        if include.missing is None:
            try:
                included_bodies.append(_read_included(include, unit_file))
                includes.append(include)
                continue
            except MissingFileError as error:
                unresolved[include.label] = str(error)
        else:
            unresolved[include.label] = include.missing
    unit_scope = replace(
        include_scope,
        includes={include.label: include.path for include in includes},
        locals=_locals_block(body, unit_file),
        unresolved=unresolved,
    )

    merged = _remote_state(body, _Evaluator(unit_scope))
    warnings: list[str] = []
    if unresolved:
        if merged is None:
            # Without the unit's own block the state config would come from
            # the missing file, so nothing can be checked.
            raise ConfigError(next(iter(unresolved.values())))
        for message in unresolved.values():
            warnings.append(
                f"{message}. The unit's own remote_state does not depend on that "
                "include, so it was read without it; Terragrunt itself stops here"
            )
    # Terragrunt merges from the last include to the first, each time merging
    # the result so far over the included file.
    for include, included_body in reversed(
        list(zip(includes, included_bodies, strict=True))
    ):
        if include.merge_strategy == "no_merge":
            continue
        if merged is not None:
            # Terragrunt replaces remote_state as a whole under both "shallow"
            # and "deep": its TerragruntConfig.DeepMerge (config/include.go)
            # cannot tell unset attributes from defaults, so it never merges
            # the config keys of two remote_state blocks.
            continue
        parent_scope = replace(
            unit_scope,
            file=include.path,
            original=include.path,
            locals=_locals_block(included_body, include.path),
        )
        parent = _remote_state(included_body, _Evaluator(parent_scope))
        if parent is None:
            continue
        merged = parent

    if merged is None:
        searched = "" if not includes else " or the files it includes"
        raise ConfigError(
            f"no remote_state block in {unit_file}{searched}; "
            'add one with backend = "s3"'
        )
    loaded = _terragrunt_file(unit_file, merged, tuple(i.path for i in includes))
    return replace(loaded, warnings=tuple(warnings))


# ---------------------------------------------------------------------------
# Files and blocks


@dataclass(frozen=True)
class _Include:
    label: str
    path: Path
    merge_strategy: str
    #: Why the included file cannot be found, or None when it exists.
    missing: str | None = None


@dataclass(frozen=True)
class _RemoteState:
    """An evaluated remote_state: the file it came from and its attributes."""

    file: Path
    values: dict[str, HclValue]


def _unit_file(path: Path) -> Path:
    candidate = path / "terragrunt.hcl" if path.is_dir() else path
    if not candidate.is_file():
        raise ConfigError(
            f"{candidate}: file not found; "
            "pass the path of a unit's terragrunt.hcl or of its directory"
        )
    return candidate.resolve()


def _read_hcl(path: Path) -> dict[str, Any]:
    """Parse one HCL file with python-hcl2, raising ConfigError on any failure."""
    try:
        with path.open(encoding="utf-8") as handle:
            data = hcl2.load(handle)
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: invalid UTF-8 at byte {error.start}; save the file as UTF-8"
        ) from None
    except OSError as error:
        raise ConfigError(
            f"{path}: cannot be read ({error.strerror}); "
            "check the path and its permissions"
        ) from None
    except UnexpectedInput as error:
        position = f":{error.line}:{error.column}" if error.line > 0 else ""
        raise ConfigError(
            f"{path}{position}: invalid HCL syntax, {_describe_syntax_error(error)}; "
            "fix the syntax at that position"
        ) from None
    except Exception as error:
        # python-hcl2 raises other exception types on inputs its transformer
        # rejects, and none of them may escape as anything but ConfigError.
        detail = (str(error).strip().splitlines() or [""])[0]
        raise ConfigError(
            f"{path}: python-hcl2 could not parse the file "
            f"({type(error).__name__}: {detail}); fix the HCL syntax"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: python-hcl2 returned {type(data).__name__}")
    return data


def _describe_syntax_error(error: UnexpectedInput) -> str:
    token = getattr(error, "token", None)
    if token is not None:
        if token.type == "$END":
            return "unexpected end of file"
        lines = str(token).strip().splitlines()
        return f"unexpected {lines[0]!r}" if lines else "unexpected end of line"
    character = getattr(error, "char", None)
    if character:
        return f"unexpected character {character!r}"
    return "unexpected input"


def _single_block(raw: Any, kind: str, file: Path) -> dict[str, Any] | None:
    """Return the attributes of the only unlabeled ``kind`` block, if any."""
    if not isinstance(raw, list) or not all(
        isinstance(entry, dict) and "__is_block__" in entry for entry in raw
    ):
        return None
    if len(raw) != 1:
        raise ConfigError(
            f"{file}: {len(raw)} {kind} blocks found; keep exactly one {kind} block"
        )
    return _attributes(raw[0])


def _is_labeled_block_list(raw: Any) -> bool:
    """Return whether ``raw`` is python-hcl2's output for labeled blocks."""
    if not isinstance(raw, list) or not raw:
        return False
    for entry in raw:
        if not isinstance(entry, dict) or "__is_block__" in entry:
            return False
        labels = _attributes(entry)
        if len(labels) != 1 or not next(iter(labels)).startswith('"'):
            return False
    return True


def _locals_block(body: Mapping[str, Any], file: Path) -> dict[str, Any]:
    raw = body.get("locals")
    if raw is None:
        return {}
    if isinstance(raw, list) and len(raw) > 1:
        raise ConfigError(
            f"{file}: {len(raw)} locals blocks found; Terragrunt supports one "
            "locals block per file, so merge them into one"
        )
    block = _single_block(raw, "locals", file)
    if block is None:
        raise ConfigError(
            f"{file}: locals must be a block without labels; "
            "write locals { NAME = VALUE }"
        )
    return block


def _read_includes(body: Mapping[str, Any], evaluator: _Evaluator) -> list[_Include]:
    file = evaluator.scope.file
    raw = body.get("include")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(
            f"{file}: include must be a block; "
            'write include "root" { path = find_in_parent_folders("root.hcl") }'
        )
    includes: list[_Include] = []
    for entry in raw:
        label, block = _include_label(entry, file)
        if any(include.label == label for include in includes):
            name = f'"{label}"' if label else "without a label"
            raise ConfigError(
                f"{file}: more than one include block {name}; "
                "give every include block its own label"
            )
        includes.append(_include(label, block, evaluator))
    return includes


def _include_label(entry: Any, file: Path) -> tuple[str, dict[str, Any]]:
    if isinstance(entry, dict) and "__is_block__" in entry:
        return "", _attributes(entry)
    labels = _attributes(entry) if isinstance(entry, dict) else {}
    if len(labels) == 1:
        quoted, block = next(iter(labels.items()))
        if (
            isinstance(block, dict)
            and "__is_block__" in block
            and quoted.startswith('"')
            and quoted.endswith('"')
        ):
            return quoted[1:-1], _attributes(block)
    raise ConfigError(
        f"{file}: an include block takes at most one label; "
        'write include "root" { path = ... }'
    )


def _include(label: str, block: dict[str, Any], evaluator: _Evaluator) -> _Include:
    file = evaluator.scope.file
    title = f'include "{label}"' if label else "include"
    for name in block:
        if name not in _INCLUDE_ATTRIBUTES:
            raise ConfigError(
                f"{file}: unknown {title} attribute {name!r}; "
                f"valid attributes are {', '.join(_INCLUDE_ATTRIBUTES)}"
            )
    if "path" not in block:
        raise ConfigError(
            f"{file}: {title} has no path; "
            'add path = find_in_parent_folders("root.hcl")'
        )
    where = f"{file}: {title} path"
    try:
        value = evaluator.evaluate(block["path"], where)
    except MissingFileError as error:
        return _Include(
            label=label, path=file, merge_strategy="shallow", missing=str(error)
        )
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} = {value!r} is invalid; use a file path string")
    target = Path(value)
    if not target.is_absolute():
        target = evaluator.scope.unit_dir / target
    target = target.resolve()

    strategy = "shallow"
    if "merge_strategy" in block:
        where = f"{file}: {title} merge_strategy"
        value = evaluator.evaluate(block["merge_strategy"], where)
        if not isinstance(value, str) or value not in _MERGE_STRATEGIES:
            raise ConfigError(
                f"{where} = {value!r} is invalid; "
                f"use one of {', '.join(_MERGE_STRATEGIES)}"
            )
        strategy = value
    return _Include(label=label, path=target, merge_strategy=strategy)


def _read_included(include: _Include, unit_file: Path) -> dict[str, Any]:
    title = f'include "{include.label}"' if include.label else "include"
    if not include.path.exists():
        raise MissingFileError(
            f"{unit_file}: {title} path {include.path} does not exist; "
            "create the file or correct the path"
        )
    if include.path.is_dir():
        raise ConfigError(
            f"{unit_file}: {title} path {include.path} is a directory; "
            "point the path at an HCL file such as root.hcl"
        )
    body = _read_hcl(include.path)
    if "include" in body:
        raise ConfigError(
            f"{include.path}: an included file cannot have include blocks, "
            f"because Terragrunt allows one level of include; remove them or "
            f"include both files from {unit_file}"
        )
    return body


def _remote_state(
    body: Mapping[str, Any], evaluator: _Evaluator
) -> _RemoteState | None:
    """Evaluate the remote_state of one file, in block or attribute form."""
    file = evaluator.scope.file
    raw = body.get("remote_state")
    if raw is None:
        return None
    if _is_labeled_block_list(raw):
        raise ConfigError(
            f"{file}: remote_state takes no labels; "
            'write remote_state { backend = "s3" ... }'
        )
    block = _single_block(raw, "remote_state", file)
    values: dict[str, HclValue] = {}
    if block is not None:
        _check_remote_state_attributes(block, file)
        for name in ("backend", "disable_init"):
            if name in block:
                where = f"{file}: remote_state.{name}"
                values[name] = evaluator.evaluate(block[name], where)
        if "config" in block:
            values["config"] = _evaluate_config(block["config"], evaluator)
        return _checked_state(file, values)

    # The attribute form: remote_state = { ... } or remote_state = local.NAME
    value = evaluator.evaluate(raw, f"{file}: remote_state")
    if not isinstance(value, dict):
        raise ConfigError(
            f"{file}: remote_state = {value!r} is invalid; "
            'use a block: remote_state { backend = "s3" ... }'
        )
    _check_remote_state_attributes(value, file)
    for name in ("backend", "disable_init", "config"):
        if name in value:
            values[name] = value[name]
    return _checked_state(file, values)


def _checked_state(file: Path, values: dict[str, HclValue]) -> _RemoteState:
    """Validate one file's config map, so that an invalid key names its file."""
    config = values.get("config")
    if isinstance(config, dict):
        RemoteStateConfig.from_mapping(_present(config), source=str(file))
    return _RemoteState(file=file, values=values)


def _present(config: dict[str, HclValue]) -> dict[str, HclValue]:
    """Drop null arguments, because a null argument is an unset one in HCL."""
    return {key: value for key, value in config.items() if value is not None}


def _check_remote_state_attributes(block: Mapping[str, Any], file: Path) -> None:
    for name in block:
        if name not in _REMOTE_STATE_ATTRIBUTES:
            raise ConfigError(
                f"{file}: unknown remote_state attribute {name!r}; "
                f"valid attributes are {', '.join(_REMOTE_STATE_ATTRIBUTES)}"
            )


def _evaluate_config(raw: Any, evaluator: _Evaluator) -> HclValue:
    where = f"{evaluator.scope.file}: remote_state.config"
    if not isinstance(raw, dict) or "__is_block__" in raw:
        return evaluator.evaluate(raw, where)
    # Evaluate key by key so that an error names the config key.
    config: dict[str, HclValue] = {}
    for key, value in _attributes(raw).items():
        name = evaluator.evaluate_key(key, where)
        config[name] = evaluator.evaluate(value, f"{where}.{name}")
    return config


def _terragrunt_file(
    unit_file: Path, state: _RemoteState, included: tuple[Path, ...]
) -> TerragruntFile:
    file = state.file
    backend = state.values.get("backend")
    if backend is None:
        raise ConfigError(f'{file}: remote_state has no backend; add backend = "s3"')
    if backend != "s3":
        raise ConfigError(
            f"{file}: remote_state backend {backend!r} is not supported; "
            'only the s3 backend is modelled, so set backend = "s3"'
        )

    disable_init = state.values.get("disable_init", False)
    if isinstance(disable_init, str) and disable_init.lower() in ("true", "false"):
        disable_init = disable_init.lower() == "true"
    if not isinstance(disable_init, bool):
        raise ConfigError(
            f"{file}: remote_state.disable_init = {disable_init!r} is invalid; "
            "use true or false"
        )

    config = state.values.get("config")
    if config is None:
        raise ConfigError(
            f"{file}: remote_state has no config; "
            'add config = { bucket = "...", key = "...", region = "..." }'
        )
    if not isinstance(config, dict):
        raise ConfigError(
            f"{file}: remote_state.config = {config!r} is invalid; "
            'use a map such as { bucket = "...", key = "..." }'
        )
    return TerragruntFile(
        path=unit_file,
        config=RemoteStateConfig.from_mapping(_present(config), source=str(file)),
        backend=backend,
        disable_init=disable_init,
        included=included,
    )
