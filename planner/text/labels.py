"""Labels of facility types, unit kinds, statuses and table columns in ``zh`` or ``en``."""

from __future__ import annotations

from planner.schema import FACILITY_TYPES
from planner.text.catalogue import tr
from planner.text.columns import COLUMNS, TYPE_SUFFIX


def pick(pair: tuple[str, str], lang: str = "zh") -> str:
    """The ``lang`` half of a ``(zh, en)`` pair."""
    return pair[0] if lang == "zh" else pair[1]


def type_label(ftype: str, lang: str = "zh") -> str:
    """Label of a facility type (the key itself when unknown)."""
    ft = FACILITY_TYPES.get(ftype)
    if ft is None:
        return str(ftype)
    return ft.zh if lang == "zh" else ft.en


def kind_label(kind: str, lang: str = "zh") -> str:
    """Label of a unit kind (``community``, ``village``, ``street``, ``county``)."""
    return tr(kind, lang)


def status_label(status: str, lang: str = "zh") -> str:
    """Label of a facility status (``existing``, ``planned``, ``candidate``)."""
    return tr(f"status.{status}", lang)


def column_label(col: str, lang: str = "zh") -> str:
    """Header for a table column, including per-type and per-target columns."""
    if col in COLUMNS:
        return pick(COLUMNS[col], lang)
    for ftype, ft in FACILITY_TYPES.items():
        prefix = ftype + "_"
        if col.startswith(prefix) and col[len(prefix):] in TYPE_SUFFIX:
            zh, en = TYPE_SUFFIX[col[len(prefix):]]
            return f"{ft.zh}{zh}" if lang == "zh" else f"{ft.en}: {en}"
    if col.startswith("met_"):
        return tr("col_met_of", lang, target=col[4:])
    if col.startswith("minutes_"):
        ftype = col[len("minutes_"):]
        if ftype in FACILITY_TYPES:
            return tr("col_walk_to", lang, type=type_label(ftype, lang))
    return col
