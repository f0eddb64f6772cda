"""Edits a planner makes in the app: adding, moving and clicking facilities, and their labels.

The session keeps edits as plain dicts (:meth:`planner.analysis.scenario.Edit.to_dict`);
these helpers make them from widget values and map clicks, label them for the
edit list, and turn the session's work into a :class:`~planner.analysis.scenario.Scenario`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from planner._errors import InputError
from planner._util import reproject
from planner.analysis.scenario import Edit, Scenario
from planner.app.coords import lonlat_in
from planner.app.state import next_facility_id
from planner.schema import FACILITY_STATUSES, FACILITY_TYPES
from planner.text import kind_label, status_label, tr, type_label

if TYPE_CHECKING:
    from planner.analysis import Analysis
    from planner.engine import Model

__all__ = ["add_edit", "click_edit", "click_key", "default_site", "edit_label", "edits_from_dicts",
           "facility_names", "gain_text", "is_new_click", "move_edit", "scenario_of", "scenario_dated"]


def edits_from_dicts(edits: Sequence[Mapping]) -> tuple[Edit, ...]:
    """Validated edits from the plain dicts kept in the session."""
    return tuple(Edit.from_dict(e, i) for i, e in enumerate(edits))


def _inside(model: Model, lon: float, lat: float) -> None:
    """Refuse a new place for a facility outside the study area.

    A click on a map panned away, or coordinates typed in the wrong system,
    would otherwise add a site that serves nothing yet counts in every target.
    """
    if not model.in_study_area(lon, lat):
        raise InputError(f"({lon:.6f}, {lat:.6f}) is outside the study area", code="site_outside_area",
                         params={"lon": float(lon), "lat": float(lat)})


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
        Unknown facility type, coordinates that are not a longitude/latitude, or
        a place outside the study area (``site_outside_area``; 2 km around the
        units' bounds count as inside).
    """
    if facility_type not in FACILITY_TYPES:
        raise InputError(f"unknown facility type {facility_type!r}", code="app_unknown_type",
                         params={"facility_type": facility_type})
    lon, lat = lonlat_in(lon, lat, coord_system)
    _inside(model, lon, lat)
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
        Unknown facility, coordinates that are not a longitude/latitude, or a
        place outside the study area (``site_outside_area``).
    CRSError
        Unknown coordinate system.
    """
    if str(facility_id) not in set(model.facilities["facility_id"].astype(str)):
        raise InputError(f"there is no facility {facility_id!r}", hint="select a facility on the map first",
                         code="app_move_no_facility", params={"facility_id": facility_id})
    x, y = lonlat_in(lon, lat, coord_system)
    _inside(model, x, y)
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
        return move_edit(model, selected, lon, lat)
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


def facility_names(*models: Model) -> dict[str, tuple[str, str]]:
    """Facility id -> (name, name of the unit it lies in) over the models (later ones win).

    Pass the baseline model and the current one, so a removed facility is still named.
    """
    out: dict[str, tuple[str, str]] = {}
    for model in models:
        fac = model.facilities
        unit_names = model.units["name"].astype(str).to_numpy()
        units = (fac["unit"].to_numpy() if "unit" in fac.columns
                 else np.full(len(fac), -1))
        for fid, name, u in zip(fac["facility_id"].astype(str), fac["name"], units, strict=True):
            ui = int(u) if u is not None and np.isfinite(float(u)) else -1
            out[fid] = (str(name) if isinstance(name, str) and name.strip() else fid,
                        str(unit_names[ui]) if 0 <= ui < len(unit_names) else "")
    return out


def edit_label(edit: Mapping, lang: str = "zh", *, names: Mapping[str, tuple[str, str]] | None = None,
               notes: Mapping[str, Mapping] | None = None) -> str:
    """A line of the edit list: what was done to which facility, where, and what it adds.

    Parameters
    ----------
    edit : mapping
        The edit as kept in the session.
    lang : str, default 'zh'
        Language of the line.
    names : mapping, optional
        :func:`facility_names`: facility id -> (name, unit name); without it
        facilities are named by their id.
    notes : mapping, optional
        Facility id -> what a suggested site adds (``gain_pop60``,
        ``gain_units``, ``unit_kind``), as :func:`planner.app.state.suggest_site_edits` gives.
    """
    fid = str(edit.get("facility_id"))
    name, unit = (names or {}).get(fid, ("", ""))
    op = edit.get("op")
    if op == "add":
        name = str(edit.get("name") or name or fid)
    where = tr("app.in_unit", lang, unit=unit) if unit and unit not in name else ""
    if op == "add":
        text = tr("app.edit_add", lang, type=type_label(str(edit.get("type")), lang), name=name) + where
    else:
        shown = (f"{name} [{fid}]" if name and name != fid else fid) + where
        if op == "move":
            text = tr("app.edit_move", lang, id=shown)
        elif op == "remove":
            text = tr("app.edit_remove", lang, id=shown)
        else:
            status = str(edit.get("status"))
            label = status_label(status, lang) if status in FACILITY_STATUSES else status
            text = tr("app.edit_status", lang, id=shown, status=label)
    note = (notes or {}).get(fid)
    if note:
        text += gain_text(note, lang)
    return text


def gain_text(note: Mapping, lang: str = "zh") -> str:
    """'：新覆盖60岁以上320人、2个行政村' for a suggested site (what it adds)."""
    parts = [tr("app.gain_pop60", lang, pop60=float(note.get("gain_pop60") or 0.0))]
    n = int(note.get("gain_units") or 0)
    if n:
        parts.append(tr("app.gain_units", lang, n=n, kind=kind_label(str(note.get("unit_kind") or "village"), lang)))
    return tr("app.gain", lang, parts=tr("app.list_sep", lang).join(parts))


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


def scenario_dated(scenario: Scenario, stamp: tuple[str, str] | None) -> tuple[Scenario, tuple[str, str]]:
    """The scenario dated when its content last changed, not when the page was drawn.

    The app makes the scenario file on every run; dated by the run, the same
    work downloaded twice (or from two tabs) would differ in ``created``.

    Parameters
    ----------
    scenario : Scenario
        The session's work as made now (:func:`scenario_of`).
    stamp : tuple of str or None
        The session's last ``(content digest, created)``; None at first.

    Returns
    -------
    Scenario, tuple of str
        The scenario with the kept date if its content is unchanged, and the
        stamp to keep for the next run.
    """
    digest = hashlib.sha256(replace(scenario, created="").to_json().encode()).hexdigest()
    if stamp is None or stamp[0] != digest:
        stamp = (digest, scenario.created)
    return replace(scenario, created=stamp[1]), stamp


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
        raise InputError("there are no units", code="app_no_units")
    dem = model.demand[model.demand["unit"].to_numpy() == pos]
    if not len(dem):
        return units.geometry.iloc[pos].representative_point()
    x = shapely.get_x(dem.geometry.values)
    y = shapely.get_y(dem.geometry.values)
    w = dem["w60"].to_numpy(float) + 1e-9
    cx, cy = np.average(x, weights=w), np.average(y, weights=w)
    k = int(np.argmin((x - cx) ** 2 + (y - cy) ** 2))
    return reproject(gpd.GeoSeries([dem.geometry.iloc[k]], crs=dem.crs), "EPSG:4326").iloc[0]
