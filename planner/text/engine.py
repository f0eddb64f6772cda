"""Catalogue entries of the engine domain: ``key -> (zh, en)``."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {}
