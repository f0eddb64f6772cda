"""What the app's panels show: summaries, the unit table, the map view, places per 1,000.

Pure functions of an analysis (or model) and the language; the widgets in
``app.py`` only display what they return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.schema import FACILITY_TYPES
from planner.text import column_label, kind_label, tr, type_label

if TYPE_CHECKING:
    from planner.analysis import Analysis
    from planner.engine import Model
    from planner.outputs.webmap import MapView

__all__ = ["implied_metres", "kept_view", "places_column", "places_summary", "places_table",
           "summary_text", "unit_view", "view_state"]


def implied_metres(minutes: Sequence[float], speed: float, lang: str = "zh") -> str:
    """'5分钟 ≈ 300米，10分钟 ≈ 600米' for the settings panel.

    Parameters
    ----------
    minutes : sequence of float
        The walks to describe.
    speed : float
        Walking speed (m/s).
    lang : str, default 'zh'
        Language of the line.
    """
    parts = [tr("minutes_metres", lang, minutes=float(m), metres=float(m) * 60 * speed) for m in minutes]
    return tr("app.list_sep", lang).join(parts)


def summary_text(analysis: Analysis, lang: str = "zh") -> str:
    """One line describing the study area."""
    u = analysis.units
    kinds = u["kind"].value_counts()
    return tr("app.summary_line", lang, units=len(u), communities=int(kinds.get("community", 0)),
              villages=int(kinds.get("village", 0)), pop60=float(u["pop60"].sum()),
              gaps=int(u["gap"].sum()))


def unit_view(analysis: Analysis, lang: str = "zh", *, gaps_only: bool = False) -> pd.DataFrame:
    """The per-unit table shown in the app (labelled columns, shares in per cent).

    Parameters
    ----------
    analysis : Analysis
        The analysis to tabulate.
    lang : str, default 'zh'
        Language of the headers and labels.
    gaps_only : bool, default False
        Only the units with a gap.
    """
    from planner.outputs.tables import unit_table

    df = unit_table(analysis, lang)
    if gaps_only:
        df = df[analysis.units["gap"].to_numpy()]
    keep = [c for c in df.columns if not c.endswith("_nearest_id") and not c.startswith("reason_")]
    df = df[keep].copy()
    for c in df.columns:
        if c.endswith("_share"):
            df[c] = (df[c].astype(float) * 100).round(1)
        elif c.endswith("_minutes"):
            df[c] = df[c].astype(float).round(1)
    df.columns = [column_label(c, lang) + (" %" if c.endswith("_share") else "") for c in df.columns]
    return df


def view_state(kept: Mapping | None, out: Mapping | None, *, basemap: str = "none",
               data_key: str = "") -> dict | None:
    """The map view to keep after a run: the one the map reported, else the kept one.

    A view of other data (after an upload) is dropped, so new data open fitted.

    Parameters
    ----------
    kept : mapping, optional
        The previous result of this function (a plain dict kept in the
        session: ``data``, ``lon``, ``lat``, ``zoom``).
    out : mapping, optional
        What ``st_folium`` returned (``center``/``zoom`` in display coordinates).
    basemap : str, default 'none'
        The basemap shown (its display coordinates may be GCJ-02).
    data_key : str
        :attr:`planner.app.state.DataSet.key` of the data shown.
    """
    from planner.outputs.webmap import view_from_return

    view = view_from_return(dict(out) if out else None, basemap)
    if view is not None:
        return {"data": data_key, "lon": view.lon, "lat": view.lat, "zoom": view.zoom}
    if kept and kept.get("data") == data_key:
        return dict(kept)
    return None


def kept_view(kept: Mapping | None, data_key: str = "") -> MapView | None:
    """The :class:`planner.outputs.webmap.MapView` to open the map at (None: fit the data)."""
    from planner.outputs.webmap import MapView

    if not kept or kept.get("data") != data_key:
        return None
    try:
        return MapView(float(kept["lon"]), float(kept["lat"]), float(kept["zoom"]))
    except (KeyError, TypeError, ValueError):
        return None


def places_column(model: Model, facility_type: str) -> pd.Series:
    """Places per 1,000 people 60+ within the walk of each unit (2SFCA).

    The 60+-weighted mean over the unit's demand points of
    :func:`planner.analysis.capacity.capacity_access` (the type's active facilities,
    their ``capacity``, the profile's catchment minutes).  Aligned with
    ``model.units`` by position; NaN where a unit has no 60+ population.
    ``attrs['notes']`` carries the notes (e.g. facilities without places).
    """
    from planner.analysis.capacity import capacity_access

    acc = capacity_access(model, facility_type)
    col = pd.Series(acc.units["places_per_1000"].to_numpy(float), index=model.units.index,
                    name="places_per_1000")
    col.attrs["notes"] = tuple(acc.notes)
    col.attrs["minutes"] = float(acc.minutes)
    return col


def places_table(analysis: Analysis, column: pd.Series, lang: str = "zh", *,
                 facility_type: str | None = None) -> pd.DataFrame:
    """The small per-unit table of places per 1,000 shown under the map (lowest first).

    Parameters
    ----------
    analysis : Analysis
        The analysis whose units are listed.
    column : Series
        :func:`places_column` of the analysis' model.
    lang : str, default 'zh'
        Language of the headers and labels.
    facility_type : str, optional
        With a type of community or village level only the units of that kind
        are listed (a rural mutual-aid site serves villages).
    """
    u = analysis.units
    level = FACILITY_TYPES[facility_type].level if facility_type in FACILITY_TYPES else None
    keep = np.ones(len(u), bool)
    if level in ("community", "village") and (u["kind"] == level).any():
        keep = (u["kind"] == level).to_numpy()
    u = u[keep]
    column = np.asarray(column, float)[keep]
    df = pd.DataFrame({
        column_label("name", lang): u["name"].to_numpy(),
        column_label("kind", lang): [kind_label(k, lang) for k in u["kind"]],
        column_label("pop60", lang): u["pop60"].to_numpy(float).round(0),
        tr("app.places_col", lang): np.round(np.asarray(column, float), 1),
    })
    return df.sort_values(tr("app.places_col", lang), na_position="last", kind="stable").reset_index(drop=True)


def places_summary(model: Model, facility_type: str, lang: str = "zh", *, minutes: float | None = None) -> str:
    """One line: the county's places of the type per 1,000 people 60+ and how units are measured.

    Parameters
    ----------
    model : Model
        The (edited) model.
    facility_type : str
        The facility type.
    lang : str, default 'zh'
        Language of the line.
    minutes : float, optional
        The catchment used (default: the profile's for the type).
    """
    mask = model.type_mask(facility_type)
    places = float(np.nansum(pd.to_numeric(model.facilities.loc[mask, "capacity"], errors="coerce")))
    pop60 = float(model.units["pop60"].sum())
    return tr("app.places_summary", lang, type=type_label(facility_type, lang), places=places, pop60=pop60,
              rate=places / pop60 * 1000 if pop60 > 0 else float("nan"),
              minutes=float(minutes if minutes is not None else model.profile.catchment(facility_type)))
