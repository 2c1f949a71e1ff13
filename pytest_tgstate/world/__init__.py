"""The world: accounts, principals and AWS state on moto, behind the IAM gateway."""

from __future__ import annotations

from .gateway import Gateway
from .journal import Journal, JournalEntry
from .presets import BUCKET_STATES, TABLE_STATES
from .principals import Principal, Role
from .templates import TEMPLATE_NAMES
from .world import DEFAULT_ACCOUNT, DEFAULT_REGION, FOREIGN_ACCOUNT, World, WorldError

__all__ = [
    "BUCKET_STATES",
    "DEFAULT_ACCOUNT",
    "DEFAULT_REGION",
    "FOREIGN_ACCOUNT",
    "TABLE_STATES",
    "TEMPLATE_NAMES",
    "Gateway",
    "Journal",
    "JournalEntry",
    "Principal",
    "Role",
    "World",
    "WorldError",
]
