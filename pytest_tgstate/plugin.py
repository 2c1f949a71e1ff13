"""The pytest plugin entry point (``pytest11``); fixtures and markers live here."""

from __future__ import annotations
