"""Parse and evaluate the HCL expressions of Terragrunt files.

`_Parser` reads the expression text that python-hcl2 emits into a tree.
`_Evaluator` evaluates the tree for one file of a unit in a `_Scope`, which
contains the unit directory, the include blocks, the file's locals, the
account id and the ``env`` mapping. `load_terragrunt_hcl` in `hcl` evaluates
include paths, locals and ``remote_state`` with them. Every invalid or
unsupported expression raises `ConfigError`.

Expressions
    Quoted string templates with ``${...}`` interpolations, heredocs
    (``<<EOT`` and ``<<-EOT``), bare expressions, string, number, bool and null
    literals, lists, maps, calls of the functions below and ``local.NAME``
    references, which may be followed by ``.attribute`` and ``[index]``.
    Operators, conditionals, ``for`` expressions, splats, template directives
    (``%{...}``) and every other reference, such as ``dependency.x`` or
    ``include.x``, raise ConfigError. A template that is a single
    interpolation, such as ``"${local.tags}"``, returns the value unchanged,
    as in HCL.

Functions
    ``path_relative_to_include([LABEL])`` returns the unit directory relative
    to the directory of the included file, with ``/`` separators, for example
    ``prod/app`` for ``live/prod/app`` including ``live/root.hcl``. It returns
    ``.`` when the unit has no include. LABEL selects the include block when
    the unit has several.

    ``find_in_parent_folders([NAME[, FALLBACK]])`` returns the absolute path of
    NAME in the nearest ancestor of the unit directory, starting at its parent
    directory, so the unit's own file is never found. NAME defaults to
    ``terragrunt.hcl``. When no ancestor has the file it returns FALLBACK if
    given and raises ConfigError otherwise.

    ``get_aws_account_id()`` returns the ``account_id`` argument.

    ``get_env(NAME[, DEFAULT])`` returns ``env[NAME]``, else DEFAULT, else
    raises ConfigError. The process environment is never read, so results do
    not depend on the shell that runs the tests.

    ``get_terragrunt_dir()`` returns the absolute unit directory.

    ``get_parent_terragrunt_dir([LABEL])`` returns the absolute directory of
    the included file, or the unit directory when the unit has no include.

    ``basename(PATH)`` and ``dirname(PATH)`` return the last element of PATH
    and everything before it, with the rules of Terraform's functions (Go's
    ``filepath.Base`` and ``filepath.Dir``): ``basename("a/b/")`` is ``b``,
    ``dirname("a")`` is ``.``.

As in Terragrunt, the expressions of an included file are evaluated for the
unit: ``get_terragrunt_dir()`` and ``find_in_parent_folders()`` start from the
unit directory, and ``path_relative_to_include()`` refers to the include that
loaded the file. ``local.NAME`` refers to the locals block of the file that
contains the expression. Include paths are evaluated before locals, so they
cannot use them.
"""

from __future__ import annotations

import os
import posixpath
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from .config import ConfigError

#: A value an HCL expression evaluates to.
HclValue: TypeAlias = (
    "str | int | float | bool | list[HclValue] | dict[str, HclValue] | None"
)

#: Keys python-hcl2 adds to its output that are not HCL attributes.
_METADATA_KEYS = frozenset({"__is_block__", "__comments__", "__inline_comments__"})

_EXPRESSION_FIX = (
    "use literals, lists, maps, local.NAME references and the supported functions"
)


def _attributes(block: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in block.items() if name not in _METADATA_KEYS}


# ---------------------------------------------------------------------------
# Expression syntax


@dataclass(frozen=True)
class _Literal:
    value: HclValue


@dataclass(frozen=True)
class _Template:
    parts: tuple[str | _Node, ...]


@dataclass(frozen=True)
class _ListNode:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _MapNode:
    items: tuple[tuple[_Node, _Node], ...]


@dataclass(frozen=True)
class _Call:
    name: str
    arguments: tuple[_Node, ...]


@dataclass(frozen=True)
class _LocalReference:
    name: str


@dataclass(frozen=True)
class _Attribute:
    target: _Node
    name: str


@dataclass(frozen=True)
class _Index:
    target: _Node
    key: _Node


@dataclass(frozen=True)
class _Source:
    """An expression parsed from one python-hcl2 string, kept for messages."""

    node: _Node
    text: str


_Node: TypeAlias = (
    "_Literal | _Template | _ListNode | _MapNode | _Call | _LocalReference"
    " | _Attribute | _Index | _Source"
)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_TRAVERSAL = re.compile(r"(\.[A-Za-z0-9_*-]+|\[[^\]]*\])*")
# Quoted strings cannot contain raw newlines, so this matches heredocs only.
_HEREDOC = re.compile(r'"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\n((?:.*\n)?)[ \t]*\2"', re.S)
_OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "<", ">")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _message_text(text: str) -> str:
    """Return ``text`` on one line and at most 100 characters, for a message."""
    line = text.replace("\n", "\\n")
    return line if len(line) <= 100 else line[:97] + "..."


def _node_from_hcl2(raw: Any, where: str) -> _Node:
    """Convert one python-hcl2 value into an expression tree."""
    if raw is None or isinstance(raw, bool):
        return _Literal(raw)
    if isinstance(raw, (int, float)):
        return _Literal(_normalize_number(raw))
    if isinstance(raw, str):
        return _Source(_parse_hcl2_string(raw, where), _message_text(raw))
    if isinstance(raw, list):
        return _ListNode(tuple(_node_from_hcl2(item, where) for item in raw))
    if isinstance(raw, dict):
        if "__is_block__" in raw:
            raise ConfigError(
                f"{where}: a block is not allowed here; "
                "write an attribute such as NAME = { ... }"
            )
        items = tuple(
            (_key_node(key, where), _node_from_hcl2(value, where))
            for key, value in _attributes(raw).items()
        )
        return _MapNode(items)
    raise ConfigError(f"{where}: python-hcl2 returned an unexpected value {raw!r}")


def _key_node(key: str, where: str) -> _Node:
    if key.startswith(('"', "${")):
        return _Source(_parse_hcl2_string(key, where), _message_text(key))
    return _Literal(key)


def _parse_hcl2_string(raw: str, where: str) -> _Node:
    """Parse a python-hcl2 string into an expression tree.

    python-hcl2 writes a heredoc as a quoted string that keeps its markers, an
    expression as ``${...}``, a template with its quotes and a bare name, such
    as ``foo`` in ``a = foo``, as the name alone.
    """
    heredoc = _HEREDOC.fullmatch(raw)
    if heredoc is not None:
        content = heredoc.group(3)
        if heredoc.group(1):
            content = textwrap.dedent(content)
        parser = _Parser(content, where, _message_text(raw))
        return _Template(parser.template(quoted=False, escapes=False))
    if raw.startswith("${") and raw.endswith("}"):
        return _Parser(raw[2:-1], where, _message_text(raw)).whole_expression()
    if raw.startswith('"'):
        return _Parser(raw, where, _message_text(raw)).whole_expression()
    return _Parser(raw, where, _message_text("${" + raw + "}")).whole_expression()


def _normalize_number(value: int | float | Decimal) -> int | float:
    """Return an HCL number as int when it is whole, since HCL has one number type."""
    if isinstance(value, int):
        return value
    decimal = Decimal(str(value)) if isinstance(value, float) else value
    if decimal == decimal.to_integral_value():
        return int(decimal)
    return float(decimal)


class _Parser:
    """A recursive-descent parser for the expression text python-hcl2 emits."""

    def __init__(self, text: str, where: str, source_text: str) -> None:
        self.text = text
        self.position = 0
        self.where = where
        self.source_text = source_text

    def fail(self, problem: str, fix: str = _EXPRESSION_FIX) -> NoReturn:
        raise ConfigError(f"{self.where}: {problem} in {self.source_text}; {fix}")

    def peek(self, offset: int = 0) -> str:
        index = self.position + offset
        return self.text[index] if index < len(self.text) else ""

    def startswith(self, prefix: str) -> bool:
        return self.text.startswith(prefix, self.position)

    def skip_space(self) -> None:
        while self.peek() in (" ", "\t", "\r", "\n") and self.peek():
            self.position += 1

    def expect(self, character: str) -> None:
        self.skip_space()
        if self.peek() != character:
            found = repr(self.peek()) if self.peek() else "the end"
            self.fail(f"expected {character!r} but found {found}", "fix the syntax")
        self.position += 1

    def whole_expression(self) -> _Node:
        node = self.expression()
        self.skip_space()
        if self.position < len(self.text):
            self.fail(
                f"unexpected {self.text[self.position :]!r} after the expression",
                "fix the syntax",
            )
        return node

    def expression(self) -> _Node:
        node = self.postfix(self.primary())
        self.skip_space()
        self.reject_operator()
        return node

    def reject_operator(self) -> None:
        if self.startswith("?"):
            self.fail("unsupported conditional expression (a ? b : c)")
        if self.startswith("..."):
            self.fail("unsupported argument expansion (...)")
        for operator in _OPERATORS:
            if self.startswith(operator):
                self.fail(f"unsupported operator {operator!r}")

    def primary(self) -> _Node:
        self.skip_space()
        character = self.peek()
        if not character:
            self.fail("missing expression", "write a value")
        if character == '"':
            self.position += 1
            return _Template(self.template(quoted=True, escapes=True))
        if character.isdigit() or (character == "-" and self.peek(1).isdigit()):
            return self.number()
        if character == "[":
            return self.list_literal()
        if character == "{":
            return self.map_literal()
        if character == "(":
            self.position += 1
            node = self.expression()
            self.expect(")")
            return node
        if character in ("!", "-"):
            self.fail(f"unsupported operator {character!r}")
        if self.startswith("<<"):
            self.fail("unsupported heredoc inside an expression")
        if _IDENTIFIER.match(character):
            return self.identifier_expression()
        self.fail(f"unexpected character {character!r}", "fix the syntax")

    def identifier(self) -> str:
        match = _IDENTIFIER.match(self.text, self.position)
        if match is None:
            self.fail("expected a name", "fix the syntax")
        self.position = match.end()
        return match.group()

    def identifier_expression(self) -> _Node:
        start = self.position
        name = self.identifier()
        if self.peek() == "(":
            return self.call(name)
        if name in ("true", "false"):
            return _Literal(name == "true")
        if name == "null":
            return _Literal(None)
        if name == "local":
            if self.peek() != "." or not _IDENTIFIER.match(self.peek(1)):
                self.fail("local needs a name", "write local.NAME")
            self.position += 1
            return _LocalReference(self.identifier())
        traversal = _TRAVERSAL.match(self.text, self.position)
        end = traversal.end() if traversal is not None else self.position
        reference = self.text[start:end]
        self.fail(
            f"unsupported reference {reference!r}",
            "only local.NAME references are supported, so use a literal value "
            "or a local instead",
        )

    def number(self) -> _Literal:
        match = _NUMBER.match(self.text, self.position)
        if match is None:
            self.fail("invalid number", "fix the syntax")
        self.position = match.end()
        text = match.group()
        if match.group(1) is None and match.group(2) is None:
            return _Literal(int(text))
        return _Literal(_normalize_number(Decimal(text)))

    def legacy_index(self) -> _Literal:
        """Parse the N of ``list.N``, the index syntax HCL kept from HCL 1."""
        start = self.position
        while self.peek().isdigit():
            self.position += 1
        return _Literal(int(self.text[start : self.position]))

    def postfix(self, node: _Node) -> _Node:
        while True:
            if self.startswith(".*") or self.startswith("[*]"):
                self.fail("unsupported splat expression")
            if self.startswith("..."):
                return node
            if self.peek() == ".":
                self.position += 1
                if self.peek().isdigit():
                    node = _Index(node, self.legacy_index())
                else:
                    node = _Attribute(node, self.identifier())
            elif self.peek() == "[":
                self.position += 1
                key = self.expression()
                self.expect("]")
                node = _Index(node, key)
            else:
                return node

    def call(self, name: str) -> _Call:
        self.expect("(")
        arguments: list[_Node] = []
        self.skip_space()
        if self.peek() == ")":
            self.position += 1
            return _Call(name, ())
        while True:
            arguments.append(self.expression())
            self.skip_space()
            if self.peek() == ",":
                self.position += 1
                self.skip_space()
                if self.peek() == ")":
                    self.position += 1
                    break
            elif self.peek() == ")":
                self.position += 1
                break
            else:
                self.fail(f"expected ',' or ')' in the arguments of {name}()")
        return _Call(name, tuple(arguments))

    def reject_for(self) -> None:
        self.skip_space()
        match = _IDENTIFIER.match(self.text, self.position)
        if match is not None and match.group() == "for":
            self.fail("unsupported for expression")

    def list_literal(self) -> _ListNode:
        self.expect("[")
        self.reject_for()
        items: list[_Node] = []
        while True:
            self.skip_space()
            if self.peek() == "]":
                self.position += 1
                return _ListNode(tuple(items))
            items.append(self.expression())
            self.skip_space()
            if self.peek() == ",":
                self.position += 1
            elif self.peek() != "]":
                self.fail("expected ',' or ']' in a list", "fix the syntax")

    def map_literal(self) -> _MapNode:
        self.expect("{")
        self.reject_for()
        items: list[tuple[_Node, _Node]] = []
        while True:
            self.skip_space()
            if self.peek() == "}":
                self.position += 1
                return _MapNode(tuple(items))
            key = self.map_key()
            self.skip_space()
            if self.peek() not in ("=", ":") or self.startswith("=="):
                self.fail("expected '=' after a map key", "fix the syntax")
            self.position += 1
            items.append((key, self.expression()))
            self.skip_space()
            if self.peek() == ",":
                self.position += 1

    def map_key(self) -> _Node:
        # A bare name before '=' or ':' is a literal key, as in HCL.
        match = _IDENTIFIER.match(self.text, self.position)
        if match is not None:
            after = match.end()
            while after < len(self.text) and self.text[after] in " \t":
                after += 1
            rest = self.text[after:]
            if rest[:1] in ("=", ":") and not rest.startswith("=="):
                self.position = match.end()
                return _Literal(match.group())
        return self.expression()

    def template(self, *, quoted: bool, escapes: bool) -> tuple[str | _Node, ...]:
        """Parse template parts up to the closing quote or the end of the text."""
        parts: list[str | _Node] = []
        literal: list[str] = []
        while True:
            character = self.peek()
            if not character:
                if quoted:
                    self.fail("unterminated string", 'close the string with "')
                break
            if quoted and character == '"':
                self.position += 1
                break
            if quoted and character == "\n":
                self.fail("unsupported heredoc inside an expression")
            if escapes and character == "\\":
                literal.append(self.escape())
            elif self.startswith("$${") or self.startswith("%%{"):
                literal.append(self.text[self.position + 1 : self.position + 3])
                self.position += 3
            elif self.startswith("${"):
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(self.interpolation())
            elif self.startswith("%{"):
                self.fail("unsupported template directive %{...}")
            else:
                literal.append(character)
                self.position += 1
        if literal:
            parts.append("".join(literal))
        return tuple(parts)

    def interpolation(self) -> _Node:
        self.position += 2
        if self.peek() == "~":
            self.fail("unsupported strip marker ~ in ${~ ...}")
        node = self.expression()
        self.skip_space()
        if self.peek() == "~":
            self.fail("unsupported strip marker ~ in ${... ~}")
        self.expect("}")
        return node

    def escape(self) -> str:
        self.position += 1
        code = self.peek()
        if code in _ESCAPES:
            self.position += 1
            return _ESCAPES[code]
        width = {"u": 4, "U": 8}.get(code)
        digits = self.text[self.position + 1 : self.position + 1 + (width or 0)]
        if width is None or not re.fullmatch(f"[0-9A-Fa-f]{{{width}}}", digits):
            self.fail(
                f"invalid escape sequence \\{code}",
                'use \\n, \\r, \\t, \\", \\\\, \\uNNNN or \\UNNNNNNNN',
            )
        self.position += 1 + width
        return chr(int(digits, 16))


# ---------------------------------------------------------------------------
# Evaluation


class MissingFileError(ConfigError):
    """A file that an include or ``find_in_parent_folders`` names does not exist."""


@dataclass(frozen=True)
class _Scope:
    """The context in which one file's expressions are evaluated for a unit."""

    file: Path
    unit_dir: Path
    account_id: str
    env: Mapping[str, str]
    #: The unit's include blocks by label, with "" for an unlabeled include.
    includes: Mapping[str, Path] = field(default_factory=dict)
    #: The included file being evaluated, or None for the unit's own file.
    original: Path | None = None
    #: Raw local values, or None while include paths are evaluated.
    locals: Mapping[str, Any] | None = None
    #: Include blocks whose file was not found, by label, with the error.
    unresolved: Mapping[str, str] = field(default_factory=dict)


_Function = Callable[["_Evaluator", list[HclValue], str, str], HclValue]


class _Evaluator:
    """Evaluate expression trees in one scope, caching the file's locals."""

    def __init__(self, scope: _Scope) -> None:
        self.scope = scope
        self.local_values: dict[str, HclValue] = {}
        self.active_locals: list[str] = []

    def evaluate(self, raw: Any, where: str) -> HclValue:
        """Evaluate one python-hcl2 value."""
        return self.evaluate_node(
            _node_from_hcl2(raw, where), where, _message_text(str(raw))
        )

    def evaluate_key(self, raw: str, where: str) -> str:
        value = self.evaluate_node(_key_node(raw, where), where, _message_text(raw))
        return self.key_string(value, where, _message_text(raw))

    def evaluate_node(self, node: _Node, where: str, source_text: str) -> HclValue:
        if isinstance(node, _Source):
            return self.evaluate_node(node.node, where, node.text)
        if isinstance(node, _Literal):
            return node.value
        if isinstance(node, _Template):
            return self.template(node, where, source_text)
        if isinstance(node, _ListNode):
            return [self.evaluate_node(item, where, source_text) for item in node.items]
        if isinstance(node, _MapNode):
            result: dict[str, HclValue] = {}
            for key_node, value_node in node.items:
                key_source = (
                    key_node.text if isinstance(key_node, _Source) else source_text
                )
                key = self.evaluate_node(key_node, where, key_source)
                key_text = self.key_string(key, where, key_source)
                result[key_text] = self.evaluate_node(value_node, where, source_text)
            return result
        if isinstance(node, _Call):
            return self.call(node, where, source_text)
        if isinstance(node, _LocalReference):
            return self.local(node.name, where, source_text)
        if isinstance(node, _Attribute):
            target = self.evaluate_node(node.target, where, source_text)
            if not isinstance(target, dict) or node.name not in target:
                raise ConfigError(
                    f"{where}: {_describe(target)} has no attribute {node.name!r} "
                    f"in {source_text}; use an existing key"
                )
            return target[node.name]
        return self.index(node, where, source_text)

    def index(self, node: _Index, where: str, source_text: str) -> HclValue:
        target = self.evaluate_node(node.target, where, source_text)
        key = self.evaluate_node(node.key, where, source_text)
        if (
            isinstance(target, list)
            and isinstance(key, int)
            and not isinstance(key, bool)
        ):
            if 0 <= key < len(target):
                return target[key]
        elif isinstance(target, dict) and isinstance(key, str) and key in target:
            return target[key]
        raise ConfigError(
            f"{where}: {_describe(target)} has no element {key!r} in {source_text}; "
            "use an existing index or key"
        )

    def key_string(self, key: HclValue, where: str, source_text: str) -> str:
        if isinstance(key, (str, int, float)):
            return _template_text(key)
        raise ConfigError(
            f"{where}: map key {_describe(key)} is invalid in {source_text}; "
            "use a string key"
        )

    def template(self, node: _Template, where: str, source_text: str) -> HclValue:
        if len(node.parts) == 1 and not isinstance(node.parts[0], str):
            # HCL returns a lone interpolation's value without converting it.
            return self.evaluate_node(node.parts[0], where, source_text)
        pieces: list[str] = []
        for part in node.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = self.evaluate_node(part, where, source_text)
            if value is None or isinstance(value, (list, dict)):
                raise ConfigError(
                    f"{where}: {_describe(value)} cannot be part of a string "
                    f"in {source_text}; interpolate a string, number or bool"
                )
            pieces.append(_template_text(value))
        return "".join(pieces)

    def local(self, name: str, where: str, source_text: str) -> HclValue:
        scope = self.scope
        if scope.locals is None:
            raise ConfigError(
                f"{where}: local.{name} cannot be used in an include path because "
                "Terragrunt evaluates include blocks before locals; write the path "
                "without locals"
            )
        if name in self.local_values:
            return self.local_values[name]
        if name not in scope.locals:
            defined = ", ".join(sorted(scope.locals)) or "none"
            raise ConfigError(
                f"{where}: local.{name} in {source_text} is not defined in the locals "
                f"block of {scope.file} (defined: {defined}); define it or "
                "correct the name"
            )
        if name in self.active_locals:
            cycle = [*self.active_locals[self.active_locals.index(name) :], name]
            chain = " -> ".join(f"local.{entry}" for entry in cycle)
            raise ConfigError(
                f"{scope.file}: locals form a cycle: {chain}; "
                "remove one of these references"
            )
        self.active_locals.append(name)
        try:
            value = self.evaluate(scope.locals[name], f"{scope.file}: locals.{name}")
        finally:
            self.active_locals.pop()
        self.local_values[name] = value
        return value

    def call(self, node: _Call, where: str, source_text: str) -> HclValue:
        entry = _FUNCTIONS.get(node.name)
        if entry is None:
            supported = ", ".join(f"{name}()" for name in sorted(_FUNCTIONS))
            raise ConfigError(
                f"{where}: unsupported function '{node.name}()' in {source_text}; "
                f"supported functions are {supported}"
            )
        implementation, minimum, maximum = entry
        count = len(node.arguments)
        if not minimum <= count <= maximum:
            expected = _argument_count(minimum, maximum)
            raise ConfigError(
                f"{where}: {node.name}() takes {expected}, got {count} "
                f"in {source_text}; correct the arguments"
            )
        arguments = [
            self.evaluate_node(item, where, source_text) for item in node.arguments
        ]
        return implementation(self, arguments, where, source_text)

    def string_argument(
        self, function: str, value: HclValue, where: str, source_text: str
    ) -> str:
        if isinstance(value, (str, int, float)):
            return _template_text(value)
        raise ConfigError(
            f"{where}: {function}() needs string arguments, got "
            f"{_describe(value)} in {source_text}; pass a string"
        )

    def selected_include(
        self, function: str, arguments: list[HclValue], where: str, source_text: str
    ) -> Path | None:
        """Return the include a path function refers to, as Terragrunt selects it."""
        scope = self.scope
        if scope.original is not None:
            return scope.original
        if scope.unresolved:
            # The result depends on where the missing include file would be.
            raise ConfigError(next(iter(scope.unresolved.values())))
        if not scope.includes:
            return None
        if arguments:
            label = self.string_argument(function, arguments[0], where, source_text)
            if label not in scope.includes:
                labels = ", ".join(repr(name) for name in scope.includes)
                raise ConfigError(
                    f"{where}: {function}({label!r}) names no include block in "
                    f"{source_text}; the include labels are {labels}"
                )
            return scope.includes[label]
        if len(scope.includes) == 1:
            return next(iter(scope.includes.values()))
        first = next(iter(scope.includes))
        count = len(scope.includes)
        raise ConfigError(
            f"{where}: {function}() in {source_text} needs an include label because "
            f'the unit has {count} include blocks; write {function}("{first}")'
        )


def _path_relative_to_include(
    evaluator: _Evaluator, arguments: list[HclValue], where: str, source_text: str
) -> HclValue:
    include = evaluator.selected_include(
        "path_relative_to_include", arguments, where, source_text
    )
    if include is None:
        return "."
    relative = os.path.relpath(evaluator.scope.unit_dir, include.parent)
    return Path(relative).as_posix()


def _get_parent_terragrunt_dir(
    evaluator: _Evaluator, arguments: list[HclValue], where: str, source_text: str
) -> HclValue:
    include = evaluator.selected_include(
        "get_parent_terragrunt_dir", arguments, where, source_text
    )
    directory = evaluator.scope.unit_dir if include is None else include.parent
    return directory.as_posix()


def _get_terragrunt_dir(
    evaluator: _Evaluator, arguments: list[HclValue], where: str, source_text: str
) -> HclValue:
    return evaluator.scope.unit_dir.as_posix()


def _find_in_parent_folders(
    evaluator: _Evaluator, arguments: list[HclValue], where: str, source_text: str
) -> HclValue:
    function = "find_in_parent_folders"
    strings = [
        evaluator.string_argument(function, value, where, source_text)
        for value in arguments
    ]
    name = strings[0] if strings else "terragrunt.hcl"
    if not name:
        raise ConfigError(
            f"{where}: {function}() needs a non-empty file name in {source_text}; "
            f'write {function}("root.hcl")'
        )
    start = evaluator.scope.unit_dir.parent
    directory = start
    while True:
        candidate = directory / name
        if candidate.exists():
            return candidate.as_posix()
        if directory.parent == directory:
            break
        directory = directory.parent
    if len(strings) == 2:
        return strings[1]
    call = f'{function}("{name}")' if strings else f"{function}()"
    raise MissingFileError(
        f"{where}: {call} found no {name} in {start} or any directory above it; "
        f"create {name} in a parent directory of the unit or correct the file name"
    )


def _get_aws_account_id(
    evaluator: _Evaluator, arguments: list[HclValue], where: str, source_text: str
) -> HclValue:
    return evaluator.scope.account_id


def _get_env(
    evaluator: _Evaluator, arguments: list[HclValue], where: str, source_text: str
) -> HclValue:
    strings = [
        evaluator.string_argument("get_env", value, where, source_text)
        for value in arguments
    ]
    name = strings[0]
    if name in evaluator.scope.env:
        return evaluator.scope.env[name]
    if len(strings) == 2:
        return strings[1]
    raise ConfigError(
        f'{where}: get_env("{name}") in {source_text} has no value because {name} '
        "is not in the env mapping and there is no default; "
        f'pass env={{"{name}": ...}} or write get_env("{name}", "DEFAULT")'
    )


def _basename(
    evaluator: _Evaluator, arguments: list[HclValue], where: str, source_text: str
) -> HclValue:
    path = evaluator.string_argument("basename", arguments[0], where, source_text)
    if not path:
        return "."
    stripped = path.rstrip("/")
    if not stripped:
        return "/"
    return stripped.rsplit("/", 1)[-1]


def _dirname(
    evaluator: _Evaluator, arguments: list[HclValue], where: str, source_text: str
) -> HclValue:
    path = evaluator.string_argument("dirname", arguments[0], where, source_text)
    head = path[: path.rfind("/") + 1]
    if not head:
        return "."
    cleaned = posixpath.normpath(head)
    # Go's filepath.Clean reduces a leading "//" to "/", unlike normpath.
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


#: Each supported function with its minimum and maximum argument count.
_FUNCTIONS: dict[str, tuple[_Function, int, int]] = {
    "basename": (_basename, 1, 1),
    "dirname": (_dirname, 1, 1),
    "find_in_parent_folders": (_find_in_parent_folders, 0, 2),
    "get_aws_account_id": (_get_aws_account_id, 0, 0),
    "get_env": (_get_env, 1, 2),
    "get_parent_terragrunt_dir": (_get_parent_terragrunt_dir, 0, 1),
    "get_terragrunt_dir": (_get_terragrunt_dir, 0, 0),
    "path_relative_to_include": (_path_relative_to_include, 0, 1),
}


def _argument_count(minimum: int, maximum: int) -> str:
    if minimum == maximum:
        return f"{minimum} argument" + ("" if minimum == 1 else "s")
    if maximum == minimum + 1:
        return f"{minimum} or {maximum} arguments"
    return f"{minimum} to {maximum} arguments"


def _template_text(value: str | int | float) -> str:
    """Convert a string, number or bool to text as an HCL template does."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return format(Decimal(repr(value)), "f")


def _describe(value: HclValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    return repr(value)
