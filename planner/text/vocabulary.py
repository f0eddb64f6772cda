"""Catalogue entries of the vocabulary domain: ``key -> (zh, en)``."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {}
