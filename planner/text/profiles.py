"""Catalogue entries of the profiles domain: ``key -> (zh, en)``."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {}
