"""The one zh/en text catalogue: every string shown to people, looked up by key.

The entries live in one module per domain (see ``DOMAINS``), each a ``TEXT`` dict of
``key -> (zh, en)``; they are merged here once, and a key defined twice is an
error at import.  Error entries are ``err.<code>`` (the problem) and
``fix.<code>`` (what to do), filled with the error's ``params``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

LANGS = ("zh", "en")
DOMAINS = ("common", "columns", "vocabulary", "errors", "engine", "analysis", "profiles", "tables",
           "maps", "app", "cli", "roads", "siting", "outputs")


def _merge(domains: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for name in domains:
        table: Mapping[str, tuple[str, str]] = importlib.import_module(f"planner.text.{name}").TEXT
        for key, (zh, en) in table.items():
            if key in merged and merged[key] != (zh, en):
                raise RuntimeError(f"text key {key!r} is defined twice (planner.text.{name})")
            merged[key] = (zh, en)
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _merge(DOMAINS)


def lookup(key: str) -> tuple[str, str] | None:
    """The ``(zh, en)`` pair of ``key``, or ``None``."""
    return CATALOGUE.get(key)


def tr(key: str, lang: str = "zh", **fmt) -> str:
    """The text of ``key`` in ``lang``, formatted with ``fmt``; unknown keys come back as themselves."""
    pair = CATALOGUE.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**fmt) if fmt else text


t = tr  # the short name older callers use
