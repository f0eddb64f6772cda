"""Labels of facility types, unit kinds, statuses and table columns in ``zh`` or ``en``."""

from __future__ import annotations

from planner.text.catalogue import lookup, tr
from planner.text.columns import COLUMNS, TYPE_SUFFIX
from planner.text.vocabulary import FACILITY_TYPE_NAMES


def pick(pair: tuple[str, str], lang: str = "zh") -> str:
    """The ``lang`` half of a ``(zh, en)`` pair."""
    return pair[0] if lang == "zh" else pair[1]


def type_label(ftype: str, lang: str = "zh") -> str:
    """Label of a facility type (the key itself when unknown)."""
    names = FACILITY_TYPE_NAMES.get(ftype)
    return str(ftype) if names is None else pick(names, lang)


def kind_label(kind: str, lang: str = "zh") -> str:
    """Label of a unit kind (``community``, ``village``, ``street``, ``county``)."""
    return tr(kind, lang)


def status_label(status: str, lang: str = "zh") -> str:
    """Label of a facility status (``existing``, ``planned``, ``candidate``)."""
    return tr(f"status.{status}", lang)


def role_label(role: str, lang: str = "zh") -> str:
    """An input file's role (``boundaries``, ``facilities``, ``network``...) in ``lang``; unknown roles as given."""
    pair = lookup(f"input.role.{role}")
    return role if pair is None else pick(pair, lang)


def column_label(col: str, lang: str = "zh") -> str:
    """Header for a table column, including per-type and per-target columns."""
    if col in COLUMNS:
        return pick(COLUMNS[col], lang)
    for ftype, (name_zh, name_en) in FACILITY_TYPE_NAMES.items():
        prefix = ftype + "_"
        if col.startswith(prefix) and col[len(prefix):] in TYPE_SUFFIX:
            zh, en = TYPE_SUFFIX[col[len(prefix):]]
            return f"{name_zh}{zh}" if lang == "zh" else f"{name_en}: {en}"
    if col.startswith("met_"):
        return tr("col_met_of", lang, target=col[4:])
    if col.startswith("minutes_"):
        ftype = col[len("minutes_"):]
        if ftype in FACILITY_TYPE_NAMES:
            return tr("col_walk_to", lang, type=type_label(ftype, lang))
    return col
