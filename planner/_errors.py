"""The project's exception and warning family.

Every error a user can cause carries a message a planner can act on: what is
wrong, in which file, which rows, and how to fix it.  Callers catch
:class:`PlannerError` broadly or one of its subclasses precisely; the
subclasses also derive from the matching built-in so generic ``except
ValueError`` code keeps working.

Each error carries structured fields as well as its English text: a stable
``code`` (``'duplicate_ids'``), the ``rows`` it concerns (1-based, as a
spreadsheet counts data rows below the header) and ``params`` for the
catalogue entry ``err.<code>`` (message) and ``fix.<code>`` (what to do), so
reports in either language are built from fields, never by parsing text.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


class PlannerError(Exception):
    """Base class of every error raised on purpose by ``planner``.

    Parameters
    ----------
    message : str
        What is wrong, in plain English words (the ``str()`` of the error).
    hint : str, optional
        How to fix it, in English.
    path : str or Path, optional
        The file the problem was found in, named in the message.
    code : str, optional
        Stable short name of the problem; its catalogue entries are
        ``err.<code>`` and ``fix.<code>``.
    rows : iterable of int, optional
        1-based data rows (tables, counted below the header) or features.
    params : mapping, optional
        Values for the catalogue templates (``{column}``, ``{n}`` ...).
    """

    default_code = "error"

    def __init__(self, message: str, *, hint: str | None = None, path: str | Path | None = None,
                 code: str | None = None, rows: Iterable[int] = (),
                 params: Mapping[str, Any] | None = None):
        self.message = message
        self.hint = hint
        self.path = str(path) if path is not None else None
        self.code = code or self.default_code
        self.rows = tuple(int(r) for r in rows)
        self.params = dict(params or {})
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.hint:
            text += f" — {self.hint}"
        return text

    def text(self, lang: str = "zh") -> str:
        """The problem in ``lang`` (English text when the catalogue has no entry)."""
        return catalogue_text(f"err.{self.code}", lang, self.params, default=self.message)

    def fix_text(self, lang: str = "zh") -> str:
        """What to do about it in ``lang`` (the English hint when the catalogue has none)."""
        return catalogue_text(f"fix.{self.code}", lang, self.params, default=self.hint or "")

    def display(self, lang: str = "zh", *, show_path: bool = True) -> str:
        """``file: problem — fix`` in ``lang``, for people (no traceback, no code)."""
        name = Path(self.path).name if self.path else ""
        out = f"{name}: {self.text(lang)}" if (show_path and name) else self.text(lang)
        fix = self.fix_text(lang)
        return f"{out} — {fix}" if fix else out


class InputError(PlannerError, ValueError):
    """An input file or table is unreadable, empty, or lacks what is needed."""

    default_code = "input"


class CRSError(InputError):
    """A coordinate reference system is missing, wrong, or unsupported."""

    default_code = "crs"


class NetworkError(PlannerError, ValueError):
    """The walking network cannot be built, loaded or downloaded."""

    default_code = "network"


class ProfileError(PlannerError, ValueError):
    """A standards profile file is missing, malformed, or inconsistent."""

    default_code = "profile"


class SolverError(PlannerError, RuntimeError):
    """An optimisation did not solve (infeasible, time limit, solver failure)."""

    default_code = "solver"


class PlannerWarning(UserWarning):
    """A problem in the inputs that does not stop the analysis.

    Carries the same structured fields as :class:`PlannerError`; ``str()`` is
    the English message (``file: message`` when ``path`` is given, as for
    errors) so ``warnings`` filters keep working.
    """

    def __init__(self, message: str = "", *, code: str = "warning", rows: Iterable[int] = (),
                 params: Mapping[str, Any] | None = None, hint: str | None = None,
                 path: str | Path | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.rows = tuple(int(r) for r in rows)
        self.params = dict(params or {})
        self.hint = hint
        self.path = str(path) if path is not None else None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def text(self, lang: str = "zh") -> str:
        """The problem in ``lang`` (English text when the catalogue has no entry)."""
        return catalogue_text(f"err.{self.code}", lang, self.params, default=self.message)

    def fix_text(self, lang: str = "zh") -> str:
        """What to do about it in ``lang``."""
        return catalogue_text(f"fix.{self.code}", lang, self.params, default=self.hint or "")


def warn(message: str, *, code: str, rows: Iterable[int] = (), params: Mapping[str, Any] | None = None,
         hint: str | None = None, path: str | Path | None = None, stacklevel: int = 2) -> None:
    """Issue a :class:`PlannerWarning` with structured fields.

    Parameters
    ----------
    message : str
        The English text.
    code : str
        Stable short name; catalogue entries ``err.<code>`` / ``fix.<code>``.
    rows : iterable of int
        1-based rows or features.
    params : mapping, optional
        Values of the catalogue templates.
    hint : str, optional
        What to do, in English.
    path : str or Path, optional
        The file concerned (``str()`` becomes ``file: message``).
    stacklevel : int
        As in :func:`warnings.warn`, counted from the caller of this function.
    """
    warnings.warn(PlannerWarning(message, code=code, rows=rows, params=params, hint=hint, path=path),
                  stacklevel=stacklevel + 1)


def localised(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """``params`` with ``name@<lang>`` values exposed as ``name`` (texts already worded per language).

    A message may list rows or values whose wording differs by language
    (``rows 4, 8`` / ``第 4、8 行``); such params are stored once per language
    and the template names them without the suffix.

    >>> localised({"n": 2, "at@en": "rows 4, 8", "at@zh": "第 4、8 行"}, "zh")
    {'n': 2, 'at': '第 4、8 行'}
    """
    out = {k: v for k, v in params.items() if "@" not in k}
    suffix = f"@{lang}"
    out.update({k[: -len(suffix)]: v for k, v in params.items() if k.endswith(suffix)})
    return out


def catalogue_text(key: str, lang: str, params: Mapping[str, Any], *, default: str) -> str:
    """The catalogue entry ``key`` formatted with ``params``; ``default`` when absent.

    Parameters
    ----------
    key : str
        Catalogue key (``err.<code>``, ``fix.<code>``).
    lang : str
        ``'zh'`` or ``'en'``.
    params : mapping
        Template values (``name@zh`` / ``name@en`` for per-language ones).
    default : str
        Returned when there is no entry or it cannot be filled.

    Notes
    -----
    English falls back to ``default`` (the error's own words) when the entry
    has no English text of its own, so ``str(error)`` and ``text('en')`` agree.
    """
    from planner.text import lookup  # late: text imports nothing from here, but keep errors first

    pair = lookup(key)
    if pair is None:
        return default
    template = pair[0] if lang == "zh" else pair[1]
    if not template:
        return default
    try:
        return template.format(**localised(params, "zh" if lang == "zh" else "en"))
    except (KeyError, IndexError, ValueError):
        return default
