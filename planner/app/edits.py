"""Edits a planner makes in the app: adding, moving and clicking facilities, and their labels.

The session keeps edits as plain dicts (:meth:`planner.analysis.scenario.Edit.to_dict`);
these helpers make them from widget values and map clicks, label them for the
edit list, and turn the session's work into a :class:`~planner.analysis.scenario.Scenario`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from planner._errors import InputError
from planner.analysis.scenario import Edit, Scenario
from planner.app.coords import lonlat_in
from planner.app.state import next_facility_id
from planner.schema import FACILITY_STATUSES, FACILITY_TYPES
from planner.text import status_label, tr, type_label

if TYPE_CHECKING:
    from planner.analysis import Analysis
    from planner.engine import Model

__all__ = ["add_edit", "click_edit", "click_key", "default_site", "edit_label", "edits_from_dicts",
           "is_new_click", "move_edit", "scenario_of"]


def edits_from_dicts(edits: Sequence[Mapping]) -> tuple[Edit, ...]:
    """Validated edits from the plain dicts kept in the session."""
    return tuple(Edit.from_dict(e, i) for i, e in enumerate(edits))


def add_edit(model: Model, facility_type: str, lon: float, lat: float, *, edits: Sequence[Mapping] = (),
             name: str | None = None, capacity: float | None = None,
             coord_system: str = "wgs84") -> dict:
    """The edit dict that adds a planned facility at ``lon``/``lat``.

    Parameters
    ----------
    model : Model
        The model the edit applies to (its ids are not reused).
    facility_type : str
        A key of :data:`planner.schema.FACILITY_TYPES`.
    lon, lat : float
        The position in ``coord_system``.
    edits : sequence of dict, optional
        Earlier edits of the session (their ids are not reused either).
    name : str, optional
        The facility's name; default ``规划<type><number>``.
    capacity : float, optional
        Places/beds; missing, zero or negative means unknown.
    coord_system : str, default 'wgs84'
        GCJ-02 and BD-09 positions from Amap/Tencent/Baidu are converted to WGS-84.

    Returns
    -------
    dict
        The edit as :meth:`planner.analysis.scenario.Edit.to_dict` gives it.

    Raises
    ------
    InputError
        Unknown facility type, or coordinates that are not a longitude/latitude.
    """
    if facility_type not in FACILITY_TYPES:
        raise InputError(f"unknown facility type {facility_type!r}")
    lon, lat = lonlat_in(lon, lat, coord_system)
    fid = next_facility_id(model, facility_type, edits)
    cap = None if capacity is None or not np.isfinite(capacity) or capacity <= 0 else float(capacity)
    # the default name is data (kept in the scenario file), always in Chinese
    nm = (name or "").strip() or tr("app.planned_name", "zh", type=type_label(facility_type, "zh"), n=fid[-3:])
    return Edit("add", fid, type=facility_type, lon=round(float(lon), 7), lat=round(float(lat), 7),
                name=nm, capacity=cap, status="planned").to_dict()


def move_edit(model: Model, facility_id: str, lon: float, lat: float, coord_system: str = "wgs84") -> dict:
    """The edit moving a facility to ``lon``/``lat`` given in ``coord_system``.

    Parameters
    ----------
    model : Model
        The model holding the facility.
    facility_id : str
        The facility to move.
    lon, lat : float
        The new position in ``coord_system``.
    coord_system : str, default 'wgs84'
        GCJ-02 (Amap, Tencent) and BD-09 (Baidu) coordinates are converted to
        WGS-84 with :func:`planner.io.crs.to_wgs84`.

    Raises
    ------
    InputError
        Unknown facility, or coordinates that are not a longitude/latitude.
    CRSError
        Unknown coordinate system.
    """
    if str(facility_id) not in set(model.facilities["facility_id"].astype(str)):
        raise InputError(f"there is no facility {facility_id!r}", hint="select a facility on the map first")
    x, y = lonlat_in(lon, lat, coord_system)
    return Edit("move", str(facility_id), lon=round(float(x), 7), lat=round(float(y), 7)).to_dict()


def click_edit(mode: str, lon: float, lat: float, *, model: Model, facility_type: str,
               edits: Sequence[Mapping], selected: str | None = None, name: str | None = None,
               capacity: float | None = None) -> dict | None:
    """The edit a map click makes in ``mode`` ('add', 'move', 'select'), or None.

    Parameters
    ----------
    mode : str
        ``'add'`` places a new facility, ``'move'`` moves the selected one,
        ``'select'`` makes no edit.
    lon, lat : float
        The clicked position (WGS-84).
    model : Model
        The current model.
    facility_type, name, capacity
        The new facility's type, name and places (``'add'``); see :func:`add_edit`.
    edits : sequence of dict
        The session's edits so far.
    selected : str, optional
        The selected facility's id (``'move'``).
    """
    if mode == "add":
        return add_edit(model, facility_type, lon, lat, edits=edits, name=name, capacity=capacity)
    if mode == "move" and selected:
        if selected not in set(model.facilities["facility_id"].astype(str)):
            return None
        return Edit("move", selected, lon=round(float(lon), 7), lat=round(float(lat), 7)).to_dict()
    return None


def click_key(click: Mapping | None) -> tuple | None:
    """A comparable signature of a streamlit-folium click (None when there is none)."""
    if not click:
        return None
    try:
        return (round(float(click["lat"]), 9), round(float(click["lng"]), 9))
    except (KeyError, TypeError, ValueError):
        return None


def is_new_click(click: Mapping | None, last: tuple | None) -> bool:
    """Whether a click has not been acted on yet (reruns return the last click again)."""
    key = click_key(click)
    return key is not None and key != (tuple(last) if last is not None else None)


def edit_label(edit: Mapping, lang: str = "zh") -> str:
    """A line of the edit list."""
    op = edit.get("op")
    if op == "add":
        return tr("app.edit_add", lang, type=type_label(str(edit.get("type")), lang),
                  name=edit.get("name") or edit.get("facility_id"))
    if op == "move":
        return tr("app.edit_move", lang, id=edit.get("facility_id"))
    if op == "remove":
        return tr("app.edit_remove", lang, id=edit.get("facility_id"))
    status = str(edit.get("status"))
    shown = status_label(status, lang) if status in FACILITY_STATUSES else status
    return tr("app.edit_status", lang, id=edit.get("facility_id"), status=shown)


def scenario_of(name: str, edits: Sequence[Mapping], *, profile: str, speed: float | None,
                minutes: float | None, inputs: Mapping) -> Scenario:
    """The session's current work as a :class:`Scenario`.

    Parameters
    ----------
    name : str
        The scenario's name.
    edits : sequence of dict
        The session's edits.
    profile : str
        The standards profile's name.
    speed, minutes : float or None
        The app's walking speed and catchment settings (None: the profile's).
    inputs : mapping
        Role -> ``{'name', 'sha256'}`` of the input files.
    """
    return Scenario(name=name, edits=edits_from_dicts(edits), profile=profile, speed=speed,
                    minutes=minutes, inputs={k: dict(v) for k, v in inputs.items()})


def default_site(analysis: Analysis, facility_type: str) -> shapely.Point:
    """A sensible place to try a new facility: where the elderly of the neediest gap unit live.

    Takes the gap unit with the most people 60+ among the units of the kind
    the type serves (villages for mutual-aid sites, communities otherwise),
    and returns its demand point nearest to the 60+-weighted centre of its
    demand points (a point on a street, where people live), as a shapely
    Point in WGS-84.
    """
    units = analysis.units
    model = analysis.model
    level = FACILITY_TYPES[facility_type].level if facility_type in FACILITY_TYPES else None
    kind = "village" if level == "village" else "community"
    for mask in (units["gap"].to_numpy() & (units["kind"].to_numpy() == kind),
                 units["gap"].to_numpy(), np.ones(len(units), bool)):
        if mask.any():
            pos = int(np.argmax(np.where(mask, units["pop60"].to_numpy(float), -np.inf)))
            break
    else:
        raise InputError("there are no units")
    dem = model.demand[model.demand["unit"].to_numpy() == pos]
    if not len(dem):
        return units.geometry.iloc[pos].representative_point()
    x = shapely.get_x(dem.geometry.values)
    y = shapely.get_y(dem.geometry.values)
    w = dem["w60"].to_numpy(float) + 1e-9
    cx, cy = np.average(x, weights=w), np.average(y, weights=w)
    k = int(np.argmin((x - cx) ** 2 + (y - cy) ** 2))
    return gpd.GeoSeries([dem.geometry.iloc[k]], crs=dem.crs).to_crs("EPSG:4326").iloc[0]
