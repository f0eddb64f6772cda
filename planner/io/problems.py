"""Structured errors and warnings of the input readers, worded by the catalogue.

Every problem a reader finds has a stable code; its English text (the
``str()`` users and tests see) and its Chinese text are the catalogue entries
``err.<code>`` and ``fix.<code>`` (:mod:`planner.text.errors`), filled with the
same params.  Rows and values are listed once per language (``at@en`` /
``at@zh``, see :func:`planner._errors.localised`), so no text is ever parsed
back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from planner._errors import InputError, PlannerError, localised, warn
from planner.text import lookup, tr

__all__ = [
    "HINT_STYLES",
    "MAX_LISTED",
    "arg_params",
    "at_rows",
    "column_label",
    "columns_option",
    "get_hint_style",
    "hint_style",
    "option_text",
    "per_lang",
    "reading_input",
    "problem",
    "set_hint_style",
    "values_listed",
    "warn_problem",
]

HINT_STYLES = ("python", "cli", "app")
"""How fixes name options: Python arguments (``columns={'pop60': ...}``), command-line options
(``--columns pop60=...``) or what the planner does in the app (the 字段对应 choices, a .prj
uploaded with the file)."""
_HINT_STYLE: ContextVar[str] = ContextVar("planner_hint_style", default="python")


def _check_style(style: str) -> str:
    if style not in HINT_STYLES:
        raise ValueError(f"hint style must be one of {HINT_STYLES}, got {style!r}")
    return style


def get_hint_style() -> str:
    """The current hint style: ``'python'`` (default) or ``'cli'``."""
    return _HINT_STYLE.get()


def set_hint_style(style: str) -> None:
    """Set the hint style for the rest of this context (the command line sets ``'cli'`` once at start).

    Parameters
    ----------
    style : {'python', 'cli'}
    """
    _HINT_STYLE.set(_check_style(style))


@contextlib.contextmanager
def hint_style(style: str) -> Iterator[None]:
    """Word the fixes of errors raised inside the block for ``style`` (``'python'`` or ``'cli'``).

    Examples
    --------
    >>> with hint_style("cli"):
    ...     columns_option([("pop60", None)])["set@en"]
    '--columns pop60=YOUR_COLUMN'
    >>> columns_option([("pop60", "老人")])["set@en"]
    "columns={'pop60': '老人'}"
    """
    token = _HINT_STYLE.set(_check_style(style))
    try:
        yield
    finally:
        _HINT_STYLE.reset(token)


def columns_option(pairs: Sequence[tuple[str, str | None]]) -> dict[str, str]:
    """Params ``set@zh`` / ``set@en``: how to map columns, as an argument or an option.

    Parameters
    ----------
    pairs : sequence of (canonical, column or None)
        ``None`` stands for "your column" (worded per language).
    """
    out = {}
    for lang in ("zh", "en"):
        placeholder = tr("io.your_column", lang)
        items = [(k, placeholder if v is None else str(v)) for k, v in pairs]
        if get_hint_style() == "app":  # the app's column-mapping choices
            from planner.text import column_label as label_of

            shown = tr("io.sep.list", lang).join(tr("io.app_hint.pair", lang, label=label_of(k, lang), column=v)
                                                 for k, v in items)
            out[f"set@{lang}"] = tr("io.app_hint.columns", lang, pairs=shown)
        elif get_hint_style() == "cli":
            out[f"set@{lang}"] = " ".join(
                f"--columns {k}={v if v.replace('_', '').isalnum() else repr(v)}" for k, v in items)
        else:
            out[f"set@{lang}"] = "columns={" + ", ".join(f"{k!r}: {v!r}" for k, v in items) + "}"
    return out

_INPUT_KIND: ContextVar[str | None] = ContextVar("planner_input_kind", default=None)
PER_INPUT_OPTIONS = ("crs", "layer", "encoding")
"""Command-line options given per input (``--layer boundaries=units``); a bare value applies to every input."""


@contextlib.contextmanager
def reading_input(kind: str) -> Iterator[None]:
    """Name the input being read (``boundaries``, ``facilities``, ``points``, ``network``) for option hints."""
    token = _INPUT_KIND.set(kind)
    try:
        yield
    finally:
        _INPUT_KIND.reset(token)


def option_text(name: str, value: str) -> str:
    """How to give option ``name`` the value ``value`` where the user is.

    On the command line (hint style ``'cli'``) the option, addressed to the
    input being read when it is one of :data:`PER_INPUT_OPTIONS`; in Python
    the keyword argument.

    Examples
    --------
    >>> option_text("crs", "EPSG:4490")
    "crs='EPSG:4490'"
    >>> with hint_style("cli"), reading_input("boundaries"):
    ...     option_text("layer", "NAME"), option_text("coord_system", "gcj02")
    ('--layer boundaries=NAME', '--coord-system gcj02')
    """
    if get_hint_style() != "cli":
        return f"{name}={value!r}"
    kind = _INPUT_KIND.get()
    if name in PER_INPUT_OPTIONS and kind:
        value = f"{kind}={value}"
    return f"--{name.replace('_', '-')} {value}"


def arg_params(**values: Any) -> dict[str, str]:
    """Params ``<name>_arg``: each option with its example value, worded by :func:`option_text`.

    A value given as a ``(zh, en)`` pair (``layer=("名称", "NAME")``) is worded
    per language (params ``<name>_arg@zh`` / ``<name>_arg@en``).

    Examples
    --------
    >>> arg_params(crs="EPSG:4490")
    {'crs_arg': "crs='EPSG:4490'"}
    >>> with hint_style("cli"):
    ...     arg_params(layer=("名称", "NAME"))["layer_arg@en"]
    '--layer NAME'
    """
    out = {}
    for k, v in values.items():
        if get_hint_style() == "app":  # what to do in the app, worded per language
            for i, lang in enumerate(("zh", "en")):
                value = v[i] if isinstance(v, tuple) else v
                out[f"{k}_arg@{lang}"] = (tr(f"io.app_hint.{k}", lang, value=value) if lookup(f"io.app_hint.{k}")
                                          else option_text(k, value))
        elif isinstance(v, tuple):
            out[f"{k}_arg@zh"], out[f"{k}_arg@en"] = option_text(k, v[0]), option_text(k, v[1])
        else:
            out[f"{k}_arg"] = option_text(k, v)
    return out


MAX_LISTED = 10
"""Rows or values named in one message; the rest are counted."""


def values_listed(values: Iterable[Any], name: str = "values") -> dict[str, str]:
    """Params listing distinct values: ``'a', 'b' (and 3 more)`` / ``“a”、“b” 等(共 5 个)``."""
    vals = list(dict.fromkeys(str(v) for v in values))
    more = len(vals) - MAX_LISTED
    out = {}
    for lang in ("zh", "en"):
        shown = tr("io.sep.list", lang).join(tr("io.quoted", lang, v=v) for v in vals[:MAX_LISTED])
        out[f"{name}@{lang}"] = shown + (tr("io.more", lang, n=more, total=len(vals)) if more > 0 else "")
    return out


def at_rows(positions: Iterable[int], word: str = "feature") -> tuple[tuple[int, ...], dict[str, str]]:
    """1-based rows from 0-based ``positions`` and the ``at`` params naming them.

    Parameters
    ----------
    positions : iterable of int
        0-based positions (rows below the header, or features).
    word : {'row', 'feature'}
        What is counted.

    Returns
    -------
    rows : tuple of int
        1-based.
    params : dict
        ``at@en`` (``features 1, 4, 9 (and 3 more)``) and ``at@zh``.
    """
    rows = tuple(int(p) + 1 for p in positions)
    more = len(rows) - MAX_LISTED
    out = {}
    for lang in ("en", "zh"):
        shown = tr("io.sep.list", lang).join(str(r) for r in rows[:MAX_LISTED])
        if more > 0:
            shown += tr("io.more", lang, n=more, total=len(rows))
        plural = "s" if len(rows) != 1 else ""
        out[f"at@{lang}"] = tr(f"io.at.{word}{plural}", lang, rows=shown)
    return rows, out


def column_label(canonical: str) -> dict[str, str]:
    """Params naming a canonical column: ``label`` (``the name (名称)`` / ``名称``) and ``column_zh``."""
    pair = lookup(f"input.column.{canonical}") or (canonical, canonical)
    return {"label@en": f"{pair[1]} ({pair[0]})", "label@zh": pair[0], "column_zh": pair[0]}


def per_lang(name: str, key: str, **fmt: Any) -> dict[str, str]:
    """Params ``name@zh`` and ``name@en``: the catalogue entry ``key`` in each language."""
    pair = lookup(key)
    if pair is None:
        raise KeyError(f"no catalogue entry {key}")
    return {f"{name}@zh": pair[0].format(**fmt), f"{name}@en": pair[1].format(**fmt)}


def _texts(code: str, params: Mapping[str, Any]) -> tuple[str, str | None]:
    """The English message and hint of ``code`` (templates are always formatted: ``{{`` is a brace)."""
    en = localised(params, "en")
    message = lookup(f"err.{code}")
    if message is None:
        raise KeyError(f"no catalogue entry err.{code}")
    fix = lookup(f"fix.{code}")
    return message[1].format(**en), (fix[1].format(**en) if fix else None)


def problem(code: str, path: str | Path | None = None, rows: Iterable[int] = (), /, **params: Any) -> Any:
    """The :class:`InputError` ``code``, worded by the catalogue.

    Parameters
    ----------
    code : str
        Its catalogue entries are ``err.<code>`` and (optionally) ``fix.<code>``.
    path : str or Path, optional
        The file's name.
    rows : iterable of int
        1-based rows or features.
    **params
        Values of the templates (``name@zh`` / ``name@en`` for per-language ones).
    """
    return problem_of(InputError, code, path, rows, **params)


def problem_of(cls: type[PlannerError], code: str, path: str | Path | None = None, rows: Iterable[int] = (),
               /, **params: Any) -> Any:
    """The error ``code`` of class ``cls`` (e.g. :class:`CRSError`), worded by the catalogue.

    Parameters
    ----------
    cls : type
        A :class:`PlannerError` subclass.
    code, path, rows, **params
        As in :func:`problem`.
    """
    message, hint = _texts(code, params)
    return cls(message, hint=hint, path=path, code=code, rows=rows, params=params)


def warn_problem(code: str, path: str | Path, rows: Iterable[int] = (), /, **params: Any) -> None:
    """Issue the :class:`~planner._errors.PlannerWarning` ``code``; ``str()`` is ``file: message``.

    Parameters
    ----------
    code : str
        Its catalogue entry is ``err.<code>``.
    path : str or Path
        The file's name.
    rows : iterable of int
        1-based rows or features.
    **params
        Values of the template (see :func:`problem`).
    """
    message, hint = _texts(code, params)
    warn(message, code=code, rows=rows, params=params, hint=hint, path=path, stacklevel=3)
