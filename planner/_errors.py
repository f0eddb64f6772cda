"""The project's exception and warning family.

Every error a user can cause carries a message a planner can act on: what is
wrong, in which file, and how to fix it.  Callers catch :class:`PlannerError`
broadly or one of its subclasses precisely; the subclasses also derive from the
matching built-in so generic ``except ValueError`` code keeps working.
"""

from __future__ import annotations

from pathlib import Path


class PlannerError(Exception):
    """Base class of every error raised on purpose by ``planner``.

    Parameters
    ----------
    message : str
        What is wrong, in plain words.
    hint : str, optional
        How to fix it.
    path : str or Path, optional
        The file the problem was found in, named in the message.
    """

    def __init__(self, message: str, *, hint: str | None = None, path: str | Path | None = None):
        self.message = message
        self.hint = hint
        self.path = str(path) if path is not None else None
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.hint:
            text += f" — {self.hint}"
        return text


class InputError(PlannerError, ValueError):
    """An input file or table is unreadable, empty, or lacks what is needed."""


class CRSError(InputError):
    """A coordinate reference system is missing, wrong, or unsupported."""


class NetworkError(PlannerError, ValueError):
    """The walking network cannot be built, loaded or downloaded."""


class ProfileError(PlannerError, ValueError):
    """A standards profile file is missing, malformed, or inconsistent."""


class SolverError(PlannerError, RuntimeError):
    """An optimisation did not solve (infeasible, time limit, solver failure)."""


class PlannerWarning(UserWarning):
    """A problem in the inputs that does not stop the analysis."""
