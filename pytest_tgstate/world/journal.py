"""The journal: every request the gateway saw, with its decisions and result."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from ..iam.evaluation import Decision
from ..iam.operations import Requirement


@dataclass(frozen=True)
class JournalEntry:
    """One request: who made it, what it needed, what was decided, what came back.

    ``decisions`` pairs one-to-one with ``requirements``. ``status`` and
    ``error_code`` describe the response the client received, whether it came
    from the gateway (a denial, an authentication error) or from moto.
    """

    sequence: int
    time: datetime
    service: str
    operation: str
    principal: str | None
    requirements: tuple[Requirement, ...]
    decisions: tuple[Decision, ...]
    status: int
    error_code: str | None = None
    error_message: str | None = None
    step: str | None = None
    forwarded: bool = True
    audit_only: bool = False

    @property
    def allowed(self) -> bool:
        """Whether every decision allowed the request (True for unchecked requests)."""
        return all(decision.allowed for decision in self.decisions)

    @property
    def denied(self) -> bool:
        return not self.allowed

    @property
    def first_denial(self) -> Decision | None:
        for decision in self.decisions:
            if not decision.allowed:
                return decision
        return None

    @property
    def label(self) -> str:
        return f"{self.service}:{self.operation}"

    def describe(self) -> str:
        if self.status < 300:
            outcome = "ok"
        elif self.error_code and self.error_code != str(self.status):
            outcome = f"{self.status} {self.error_code}"
        else:
            outcome = str(self.status)
        denial = self.first_denial
        if denial is not None:
            outcome += f" (denied {denial.action} on {denial.resource})"
        principal = self.principal or "anonymous"
        return f"#{self.sequence} {self.label} by {principal}: {outcome}"


class Journal:
    """An append-only list of `JournalEntry` records, with step labels."""

    def __init__(self) -> None:
        self._entries: list[JournalEntry] = []
        self._step: str | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(list(self._entries))

    def __getitem__(self, index: int) -> JournalEntry:
        return self._entries[index]

    @property
    def entries(self) -> list[JournalEntry]:
        return list(self._entries)

    @property
    def current_step(self) -> str | None:
        return self._step

    def next_sequence(self) -> int:
        return len(self._entries) + 1

    def append(self, entry: JournalEntry) -> None:
        self._entries.append(entry)

    def clear(self) -> None:
        self._entries.clear()
        self._step = None

    def mark(self) -> int:
        """Return a position to pass to `since`."""
        return len(self._entries)

    def since(self, mark: int) -> list[JournalEntry]:
        return self._entries[mark:]

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Label every entry recorded inside the block with ``name``."""
        previous = self._step
        self._step = name
        try:
            yield
        finally:
            self._step = previous

    def decisions(self) -> list[Decision]:
        return [decision for entry in self._entries for decision in entry.decisions]

    def denials(self) -> list[Decision]:
        return [decision for decision in self.decisions() if not decision.allowed]

    def first_denial(self) -> Decision | None:
        denials = self.denials()
        return denials[0] if denials else None
