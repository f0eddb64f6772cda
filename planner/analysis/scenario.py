"""Scenarios: a plan as the base inputs plus a list of edits and the settings.

A :class:`Scenario` never stores a model: it stores *what the planner did*
(add a facility here, move that one, remove another, promote a candidate) and
the settings (standards profile, walking speed, catchment minutes), so it can
be saved to a small file, opened in another session and re-applied to the
same inputs with :meth:`Scenario.apply`.

The file is GeoJSON: a ``FeatureCollection`` of the facilities the edits
added or moved (final positions, so it opens in QGIS), with the scenario
itself in foreign members (``format_version``, ``name``, ``edits``...).
Files of older format versions are upgraded on load; anything malformed is
reported with the position of the bad edit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner._errors import InputError, PlannerError
from planner._util import atomic_path, sha256_bytes, sha256_file
from planner.io.problems import problem_of
from planner.schema import FACILITY_STATUSES, FACILITY_TYPES
from planner.text import role_label, status_label, tr, type_label

if TYPE_CHECKING:
    from planner.analysis.result import Analysis
    from planner.engine.model import Model

FORMAT_VERSION = 1
FILE_KIND = "eldercare-planner-scenario"
EDIT_OPS = ("add", "move", "remove", "status")
DEFAULT_NAME = tr("analysis.scenario_name", "zh")  # scenario files keep the Chinese default name
_FULLWIDTH_PARENS = (chr(0xFF08), chr(0xFF09))  # labels may end in a full-width parenthesis


# --- edits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One change to the facilities.

    Attributes
    ----------
    op : {'add', 'move', 'remove', 'status'}
    facility_id : str
        The facility added (its new id) or changed.
    type : str, optional
        Facility type (``add``).
    lon, lat : float, optional
        WGS-84 position (``add``, ``move``).
    name : str, optional
        Name of an added facility.
    capacity : float, optional
        Places/beds of an added facility.
    status : str, optional
        ``add``: status of the new facility (default 'planned');
        ``status``: the new status.
    """

    op: str
    facility_id: str
    type: str | None = None
    lon: float | None = None
    lat: float | None = None
    name: str | None = None
    capacity: float | None = None
    status: str | None = None

    def to_dict(self) -> dict:
        """A JSON-ready dict without empty fields."""
        out = {"op": self.op, "facility_id": self.facility_id}
        for k in ("type", "lon", "lat", "name", "capacity", "status"):
            v = getattr(self, k)
            if v is not None and not (isinstance(v, float) and math.isnan(v)):
                out[k] = v
        return out

    @classmethod
    def from_dict(cls, d: Mapping, index: int | None = None) -> Edit:
        """Validate and build an edit from a dict (as saved by :meth:`to_dict`).

        Raises
        ------
        InputError
            Unknown operation or facility type, missing or out-of-range
            coordinates, missing id; the message names the edit's position.
        """
        where_zh, where = _where(index)
        if not isinstance(d, Mapping):
            raise InputError(f"{where}must be an object, got {type(d).__name__}", code="scenario_edit_not_object",
                             params={"where@zh": where_zh, "where@en": where, "type": type(d).__name__})
        op = d.get("op")
        if op not in EDIT_OPS:
            ops_zh, ops = choice_list(EDIT_OPS, _op_label)
            raise InputError(f"{where}unknown operation {op!r}", hint=f"use one of {ops}", code="scenario_unknown_op",
                             params={"where@zh": where_zh, "where@en": where, "op": _plain(op), "op@zh": _shown(op),
                                     "ops@zh": ops_zh, "ops@en": ops})
        fid = d.get("facility_id")
        if fid is None or str(fid).strip() == "":
            raise InputError(f"{where}{op} needs a facility_id", code="scenario_no_facility_id",
                             params={"where@zh": where_zh, "where@en": where, "op": str(op),
                                     "op@zh": _op_label(str(op))})
        ftype = d.get("type")
        if op == "add" and ftype not in FACILITY_TYPES:
            types_zh, types = choice_list(FACILITY_TYPES, type_label)
            raise InputError(f"{where}unknown facility type {ftype!r}", hint=f"use one of {types}",
                             code="scenario_unknown_type",
                             params={"where@zh": where_zh, "where@en": where, "facility_type": _plain(ftype),
                                     "facility_type@zh": _shown(ftype), "types@zh": types_zh, "types@en": types})
        lon = _float_or_none(d.get("lon"), "lon", index)
        lat = _float_or_none(d.get("lat"), "lat", index)
        if op in ("add", "move"):
            if lon is None or lat is None:
                raise InputError(f"{where}{op} needs lon and lat (WGS-84 degrees)", code="scenario_needs_lonlat",
                                 params={"where@zh": where_zh, "where@en": where, "op": str(op),
                                         "op@zh": _op_label(str(op))})
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise InputError(f"{where}lon/lat ({lon}, {lat}) are not WGS-84 degrees",
                                 code="scenario_not_degrees",
                                 params={"where@zh": where_zh, "where@en": where, "lon": lon, "lat": lat})
        status = d.get("status")
        if (op == "status" or (op == "add" and status is not None)) and status not in FACILITY_STATUSES:
            statuses_zh, statuses = choice_list(FACILITY_STATUSES, status_label)
            raise InputError(f"{where}status must be one of {statuses}, got {status!r}", code="scenario_bad_status",
                             params={"where@zh": where_zh, "where@en": where, "status": _plain(status),
                                     "status@zh": _shown(status), "statuses@zh": statuses_zh,
                                     "statuses@en": statuses})
        cap = _float_or_none(d.get("capacity"), "capacity", index)
        name = d.get("name")
        return cls(op=op, facility_id=str(fid), type=None if ftype is None else str(ftype), lon=lon, lat=lat,
                   name=None if name is None else str(name), capacity=cap,
                   status=None if status is None else str(status))


def _where(index: int | None) -> tuple[str, str]:
    """'方案第3项修改：' and 'edit 3: ', naming an edit's position in messages ('' without one)."""
    if index is None:
        return "", ""
    return tr("analysis.edit_where", "zh", n=index + 1), tr("analysis.edit_where", "en", n=index + 1)


def _op_label(op: str, lang: str = "zh") -> str:
    """'新增设施' / 'add': an edit operation in messages."""
    return tr(f"analysis.op.{op}", lang) if op in EDIT_OPS else str(op)


def _plain(v: object) -> str | int | float | None:
    """A value read from a file as an error param: JSON scalars as they are, anything else as its text."""
    return v if v is None or isinstance(v, str | int | float) else str(v)


def _shown(v: object) -> str:
    """A value read from a file as Chinese messages show it ('（未填写）' for a missing one)."""
    return tr("analysis.value_missing", "zh") if v is None else str(v)


def choice_list(keys: Iterable[str], label: Callable[[str, str], str] | None = None) -> tuple[str, str]:
    """The allowed values in Chinese and English messages: ``'a（甲）、b（乙）'`` and ``'a, b'``.

    Parameters
    ----------
    keys : iterable of str
        The values (codes such as ``day_care``), listed as they are in English.
    label : callable, optional
        ``label(key, 'zh')``: the Chinese name shown after each code.

    Examples
    --------
    >>> choice_list(["existing", "planned"], status_label)
    ('existing（现有）、planned（规划）', 'existing, planned')
    """
    keys = [str(k) for k in keys]
    zh = [k if label is None else tr("analysis.code_label", "zh", code=k, label=label(k, "zh")) for k in keys]
    return tr("analysis.choice_sep", "zh").join(zh), tr("analysis.choice_sep", "en").join(keys)


def _float_or_none(v, field: str, index: int | None = None) -> float | None:
    """``v`` as a number (None when empty); ``field`` (``lon``...) of edit ``index`` names it in errors."""
    if v is None or v == "":
        return None
    where_zh, where = _where(index)
    field_zh = tr(f"analysis.field.{field}", "zh")
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise InputError(f"{where}{field} must be a number, got {v!r}", code="scenario_not_number",
                         params={"where@zh": where_zh, "where@en": where, "field@zh": field_zh,
                                 "field@en": field, "value": _plain(v)}) from None
    if math.isnan(f):
        return None
    if not math.isfinite(f):
        raise InputError(f"{where}{field} must be finite, got {v!r}", code="scenario_not_finite",
                         params={"where@zh": where_zh, "where@en": where, "field@zh": field_zh,
                                 "field@en": field, "value": _plain(v)})
    return f


def apply_edit(model: Model, edit: Edit, index: int | None = None) -> Model:
    """The model after one edit (adding is incremental: one bounded search).

    Parameters
    ----------
    model : Model
        The model to edit (unchanged: a new model is returned).
    edit : Edit
        The change.
    index : int, optional
        The edit's position in its scenario, named in error messages.

    Returns
    -------
    Model

    Raises
    ------
    InputError
        The edit refers to a facility the model does not have, or places one
        outside the study area (``edit_outside_area``); the message names the
        edit.
    """
    key = "analysis.edit_what" if index is not None else "analysis.edit_what_unnumbered"
    n = None if index is None else index + 1
    what_zh = tr(key, "zh", n=n, op=_op_label(edit.op, "zh"), id=edit.facility_id)
    what = tr(key, "en", n=n, op=edit.op, id=edit.facility_id)
    if (edit.op in ("add", "move") and edit.lon is not None and edit.lat is not None
            and not model.in_study_area(float(edit.lon), float(edit.lat))):
        raise problem_of(InputError, "edit_outside_area", None, (), n="" if index is None else index + 1,
                         id=edit.facility_id, lon=float(edit.lon), lat=float(edit.lat))
    try:
        if edit.op in ("add", "move") and (edit.lon is None or edit.lat is None):
            # Edit.from_dict checks this; hand-made edits may not
            raise InputError(f"{edit.op} needs lon and lat (WGS-84 degrees)", code="scenario_needs_lonlat",
                             params={"where@zh": "", "where@en": "", "op": str(edit.op),
                                     "op@zh": _op_label(str(edit.op))})
        if edit.op == "add":
            cap = np.nan if edit.capacity is None else float(edit.capacity)
            return model.add_facility(str(edit.type), float(edit.lon or 0.0), float(edit.lat or 0.0),
                                      name=edit.name, capacity=cap, status=edit.status or "planned",
                                      facility_id=edit.facility_id)
        if edit.op == "move":
            return model.move_facility(edit.facility_id, float(edit.lon or 0.0), float(edit.lat or 0.0))
        if edit.op == "remove":
            return model.remove_facility(edit.facility_id)
        return model.with_status(edit.facility_id, str(edit.status))
    except PlannerError as exc:
        fix = exc.hint or tr("analysis.edit_failed_fix", "en")
        fix_zh = exc.fix_text("zh") if exc.hint else tr("analysis.edit_failed_fix", "zh")
        raise InputError(f"{what}: {exc.message}", hint=fix, code="scenario_edit_failed",
                         params={"what@zh": what_zh, "what@en": what, "problem@zh": exc.text("zh"),
                                 "problem@en": exc.message, "fix@zh": fix_zh, "fix@en": fix}) from exc


def apply_edits(model: Model, edits: Iterable[Edit]) -> Model:
    """The model after all edits in order."""
    for i, e in enumerate(edits):
        model = apply_edit(model, e, i)
    return model


# --- new facilities ---------------------------------------------------------------------------


def new_facility_id(facility_type: str, taken: Iterable[str]) -> str:
    """The first id ``NEW-<TYPE>-001``, ``-002``... not in ``taken``.

    Examples
    --------
    >>> new_facility_id("day_care", ["NEW-DAYC-001"])
    'NEW-DAYC-002'
    """
    prefix = "NEW-" + facility_type.upper().replace("_", "")[:4]
    used = set(taken)
    k = 1
    while f"{prefix}-{k:03d}" in used:
        k += 1
    return f"{prefix}-{k:03d}"


def _edit_id(edit: Edit | Mapping) -> str:
    return str(edit.facility_id if isinstance(edit, Edit) else edit.get("facility_id"))


def site_edits(model: Model, facility_type: str, sites: pd.DataFrame, *, status: str = "planned",
               edits: Iterable[Edit | Mapping] = (), keep_ids: bool = True) -> list[Edit]:
    """The edits that put chosen sites on the plan: promote the model's own candidates, add the others.

    A site whose ``candidate_id`` is one of the model's ``candidate``
    facilities of the type gets a ``status`` edit (id and name kept); any
    other is added, with its candidate id when ``keep_ids`` and the id is
    free, else with :func:`new_facility_id`.

    Parameters
    ----------
    model : Model
        The model the sites are placed on.
    facility_type : str
        Type of the sites.
    sites : DataFrame
        ``candidate_id``, ``lon``, ``lat`` (WGS-84), optional ``name`` and
        ``capacity`` (NaN: none), one row per site in order.
    status : str
        Status of the promoted and added facilities.
    edits : iterable of Edit or dict
        Earlier edits whose facility ids are taken too.
    keep_ids : bool
        Reuse a site's candidate id for an added facility when free.

    Returns
    -------
    list of Edit
    """
    f = model.facilities
    ids = f["facility_id"].astype(str)
    own = set(ids[(f["status"] == "candidate") & (f["type"] == facility_type)])
    taken = set(ids) | {_edit_id(e) for e in edits}
    out: list[Edit] = []
    for row in sites.to_dict(orient="records"):
        cid = str(row["candidate_id"])
        if cid in own:
            out.append(Edit("status", cid, status=status))
            continue
        fid = cid if keep_ids and cid not in taken else new_facility_id(facility_type, taken)
        taken.add(fid)
        cap = float(row.get("capacity", np.nan))
        name = row.get("name")
        out.append(Edit("add", fid, type=facility_type, lon=float(row["lon"]), lat=float(row["lat"]),
                        name=None if name is None else str(name), capacity=cap if np.isfinite(cap) else None,
                        status=status))
    return out


# --- scenarios ------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Scenario:
    """A plan: settings plus the edits made to the base facilities.

    Attributes
    ----------
    name : str
    edits : tuple of Edit
    profile : str
        Standards profile name (or path).
    speed : float, optional
        Walking speed (m/s); None = the profile's.
    minutes : float, optional
        Catchment minutes applied to every walk target; None = the profile's.
    inputs : dict
        Names and SHA-256 hashes of the input files the edits were made on.
    created : str
        ISO timestamp.
    note : str
    """

    name: str = DEFAULT_NAME
    edits: tuple[Edit, ...] = ()
    profile: str = "national"
    speed: float | None = None
    minutes: float | None = None
    inputs: dict = field(default_factory=dict)
    created: str = field(default_factory=_now)
    note: str = ""

    # -- editing ---------------------------------------------------------------------
    def with_edit(self, edit: Edit) -> Scenario:
        """A copy with one more edit."""
        return replace(self, edits=(*self.edits, edit))

    def undo(self) -> Scenario:
        """A copy without the last edit (unchanged if there is none)."""
        return replace(self, edits=self.edits[:-1])

    def settings_key(self) -> tuple:
        """What the base model depends on (profile, speed, minutes)."""
        return (self.profile, self.speed, self.minutes)

    def apply(self, model: Model) -> Model:
        """The base model with this scenario's edits applied."""
        return apply_edits(model, self.edits)

    # -- files ---------------------------------------------------------------------------
    def features(self) -> list[dict]:
        """GeoJSON features of the facilities the edits added or moved (final state)."""
        state: dict[str, dict] = {}
        for e in self.edits:
            if e.op == "add":
                state[e.facility_id] = {"facility_id": e.facility_id, "name": e.name or e.facility_id,
                                        "type": e.type, "capacity": e.capacity,
                                        "status": e.status or "planned", "change": "added",
                                        "lon": e.lon, "lat": e.lat}
            elif e.op == "move":
                s = state.setdefault(e.facility_id, {"facility_id": e.facility_id, "change": "moved"})
                s["lon"], s["lat"] = e.lon, e.lat
            elif e.op == "remove":
                state.pop(e.facility_id, None)
            elif e.op == "status" and e.facility_id in state:
                state[e.facility_id]["status"] = e.status
        out = []
        for s in state.values():
            props = {k: v for k, v in s.items() if k not in ("lon", "lat")}
            if "type" in props:
                props["type_zh"] = FACILITY_TYPES[props["type"]].zh
            out.append({"type": "Feature", "properties": props,
                        "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]}})
        return out

    def to_dict(self) -> dict:
        """The scenario file's content (GeoJSON FeatureCollection with foreign members)."""
        return {
            "type": "FeatureCollection",
            "kind": FILE_KIND,
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "created": self.created,
            "note": self.note,
            "profile": self.profile,
            "speed": self.speed,
            "minutes": self.minutes,
            "inputs": dict(self.inputs),
            "edits": [e.to_dict() for e in self.edits],
            "features": self.features(),
        }

    def to_json(self) -> str:
        """The scenario file as text (UTF-8 JSON, Chinese kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, allow_nan=False)

    def save(self, path: str | Path) -> Path:
        """Write the scenario file atomically (``.geojson`` or ``.json``)."""
        with atomic_path(path) as tmp:
            Path(tmp).write_text(self.to_json(), encoding="utf-8")
        return Path(path)

    def check_inputs(self, inputs: Mapping[str, Mapping], lang: str = "en") -> list[str]:
        """Warnings when the current input files differ from those the scenario was made on.

        Parameters
        ----------
        inputs : mapping
            Role (``boundaries``, ``facilities``, ``network``) -> ``{'name', 'sha256'}`` now in use.
        lang : {'en', 'zh'}
            Language of the warnings (the role is named in it too).
        """
        out = []
        for role, info in self.inputs.items():
            cur = inputs.get(role)
            if cur is None:
                continue
            if info.get("sha256") and cur.get("sha256") and info["sha256"] != cur["sha256"]:
                out.append(tr("app.scenario_other_input", lang, role=role_label(role, lang),
                              made_on=info.get("name", "?"), current=cur.get("name", "?")))
        return out


def _from_v0(d: dict) -> dict:
    """Draft files written before ``format_version`` existed.

    They kept the edits under ``actions`` with ``action`` for the operation,
    ``id`` for the facility and ``x``/``y`` for longitude/latitude, and the
    name under ``scenario``.
    """
    out = dict(d)
    raw = d.get("actions", d.get("edits", [])) or []
    edits = []
    for a in raw if isinstance(raw, list) else ():
        if not isinstance(a, Mapping):
            edits.append(a)
            continue
        e = dict(a)
        if "action" in e and "op" not in e:
            e["op"] = e.pop("action")
        if "id" in e and "facility_id" not in e:
            e["facility_id"] = e.pop("id")
        if "x" in e and "lon" not in e:
            e["lon"] = e.pop("x")
        if "y" in e and "lat" not in e:
            e["lat"] = e.pop("y")
        edits.append(e)
    out["edits"] = edits if isinstance(raw, list) else raw  # not a list: scenario_from_dict says so
    out.pop("actions", None)
    if "name" not in out and "scenario" in out:
        out["name"] = out.pop("scenario")
    out["format_version"] = 1
    return out


_UPGRADES = {0: _from_v0}


def scenario_from_dict(d: Mapping) -> Scenario:
    """Validate a scenario file's content (upgrading older versions) and build the scenario.

    Raises
    ------
    InputError
        Not a scenario, made by a newer version, or a bad field/edit.
    """
    if not isinstance(d, Mapping):
        raise InputError("a scenario file must hold a JSON object",
                         hint=f"choose a file saved by this planner ({tr('analysis.scenario_file', 'zh')} .geojson/.json)",
                         code="scenario_not_object")
    if "edits" not in d and "actions" not in d:
        raise InputError("not a scenario file: it has no 'edits'",
                         hint=f"choose a file saved with {_both('analysis.save_scenario')}", code="scenario_no_edits",
                         params={"button@zh": tr("analysis.save_scenario", "zh"),
                                 "button@en": _both("analysis.save_scenario")})
    version = d.get("format_version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise InputError(f"format_version must be an integer, got {version!r}", code="scenario_version_type",
                         params={"version": _plain(version), "version@zh": _shown(version)})
    if version > FORMAT_VERSION:
        raise InputError(f"the scenario file has format version {version}, this planner reads up to "
                         f"{FORMAT_VERSION}", hint="update the planner to open it", code="scenario_version_newer",
                         params={"version": version, "supported": FORMAT_VERSION})
    d = dict(d)
    while version < FORMAT_VERSION:
        d = _UPGRADES[version](d)
        version = d["format_version"]
    raw_edits = d.get("edits")
    if not isinstance(raw_edits, list):
        raise InputError("'edits' must be a list", code="scenario_edits_not_list")
    edits = tuple(Edit.from_dict(e, i) for i, e in enumerate(raw_edits))
    _check_edit_ids(edits)
    speed = _float_or_none(d.get("speed"), "speed")
    if speed is not None and speed <= 0:
        raise InputError(f"speed must be positive (m/s), got {speed}", code="scenario_speed_not_positive",
                         params={"speed": speed})
    minutes = _float_or_none(d.get("minutes"), "minutes")
    if minutes is not None and minutes <= 0:
        raise InputError(f"minutes must be positive, got {minutes}", code="scenario_minutes_not_positive",
                         params={"minutes": minutes})
    inputs = d.get("inputs") or {}
    if not isinstance(inputs, Mapping):
        raise InputError("'inputs' must be an object", code="scenario_inputs_not_object")
    return Scenario(name=str(d.get("name") or DEFAULT_NAME), edits=edits, profile=str(d.get("profile") or "national"),
                    speed=speed, minutes=minutes, inputs={str(k): dict(v) for k, v in inputs.items()
                                                          if isinstance(v, Mapping)},
                    created=str(d.get("created") or _now()), note=str(d.get("note") or ""))


def _check_edit_ids(edits: Sequence[Edit]) -> None:
    added: set[str] = set()
    for i, e in enumerate(edits):
        if e.op == "add":
            if e.facility_id in added:
                raise InputError(f"edit {i + 1}: facility id {e.facility_id!r} is added twice",
                                 code="scenario_added_twice", params={"n": i + 1, "id": e.facility_id})
            added.add(e.facility_id)


def read_scenario(source: str | Path | bytes) -> Scenario:
    """Read a scenario file (path, or the file's bytes as uploaded).

    Raises
    ------
    InputError
        Unreadable, not JSON, not a scenario, or invalid content.
    """
    name = None
    if isinstance(source, bytes | bytearray):
        raw = bytes(source)
    else:
        p = Path(source)
        name = p.name
        if not p.is_file():
            raise InputError("scenario file not found", path=p, code="scenario_file_not_found")
        raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the scenario file is not UTF-8 text", path=name,
                         hint="choose a .geojson/.json file saved by this planner", code="scenario_not_utf8") from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON (line {exc.lineno}, column {exc.colno})", path=name,
                         hint="choose a .geojson/.json file saved by this planner", code="scenario_bad_json",
                         params={"line": exc.lineno, "column": exc.colno}) from None
    try:
        return scenario_from_dict(d)
    except InputError as exc:
        if name and exc.path is None:
            raise InputError(exc.message, hint=exc.hint, path=name, code=exc.code, rows=exc.rows,
                             params=exc.params) from None
        raise


def inputs_info(files: Mapping[str, tuple[str, bytes | str | Path]]) -> dict[str, dict]:
    """Names and SHA-256 hashes of input files, for :attr:`Scenario.inputs`.

    ``files`` maps a role ('boundaries', 'facilities', 'network') to
    ``(name, bytes or path)``.
    """
    out = {}
    for role, (name, data) in files.items():
        digest = sha256_bytes(bytes(data)) if isinstance(data, bytes | bytearray) else sha256_file(data)
        out[role] = {"name": str(name), "sha256": digest}
    return out


# --- comparing --------------------------------------------------------------------------------


_COUNTED_KINDS = ("community", "village", "street", "county")


def _kind_count(kind: str, lang: str) -> str:
    """'个行政村'/'villages': the word after a number of units of ``kind``."""
    return tr(f"analysis.kind_count.{kind if kind in _COUNTED_KINDS else 'unit'}", lang)


def _both(key: str) -> str:
    """'保存方案 / Save scenario': a label in both languages, for English hints naming a button."""
    return f"{tr(key, 'zh')} / {tr(key, 'en')}"


@dataclass(frozen=True)
class ScoreChange:
    """One target before and after the scenario's edits."""

    target_id: str
    label: str
    measure: str
    unit_kind: str
    target: float
    before: float
    after: float
    met_before: bool | None
    met_after: bool | None
    n_met_before: int
    n_met_after: int
    n_units: int
    pop_before: float
    pop_after: float

    @property
    def short_label(self) -> str:
        """The label without a trailing parenthesis (for narrow panels)."""
        for open_, close in (("(", ")"), _FULLWIDTH_PARENS):
            if self.label.endswith(close) and open_ in self.label:
                head = self.label[: self.label.rindex(open_)].strip()
                if head:
                    return head
        return self.label

    def met_text(self, lang: str = "zh") -> str:
        """'达标'/'未达标' ('met'/'not met'), '—' when it cannot be scored."""
        if self.met_after is None:
            return "—"
        return tr("met" if self.met_after else "not_met", lang)

    @property
    def changed(self) -> bool:
        """Whether the value, units met or covered 60+ population moved."""
        return (not _same(self.before, self.after) or self.n_met_before != self.n_met_after
                or not _same(self.pop_before, self.pop_after, 0.5))

    def value_text(self, value: float) -> str:
        """A value as shown to planners (share in per cent, counts as integers)."""
        if not np.isfinite(value):
            return "—"
        if self.measure == "count":
            return f"{value:,.0f}"
        return f"{value * 100:.1f}%"

    def delta_text(self, lang: str = "en") -> str:
        """The change of the value ('+3.3 个百分点' / '+3.3 pp', or a count), '' when none."""
        if not (np.isfinite(self.before) and np.isfinite(self.after)) or _same(self.before, self.after):
            return ""
        d = self.after - self.before
        if self.measure == "count":
            return f"{d:+,.0f}"
        return tr("analysis.delta_pp", lang, d=d * 100)

    def describe(self, lang: str = "zh") -> str:
        """One line such as '农村互助养老…覆盖率 73.3% → 80.0%（+2个行政村，60岁以上人口+1,240人）'."""
        head = f"{self.label} {self.value_text(self.before)} → {self.value_text(self.after)}"
        parts = []
        dn = self.n_met_after - self.n_met_before
        if self.measure != "count" and dn:
            parts.append(tr("analysis.units_change", lang, dn=dn, kind=_kind_count(self.unit_kind, lang)))
        dp = self.pop_after - self.pop_before
        if self.measure != "count" and self.unit_kind != "street" and np.isfinite(dp) and abs(dp) >= 0.5:
            parts.append(tr("analysis.pop60_change", lang, dp=dp))
        if not parts:
            return head
        return head + tr("analysis.change_parts", lang, parts=tr("analysis.list_sep", lang).join(parts))


def _same(a: float, b: float, tol: float = 1e-9) -> bool:
    if not (np.isfinite(a) and np.isfinite(b)):
        return (not np.isfinite(a)) and (not np.isfinite(b))
    return abs(a - b) <= tol


def score_changes(before: Analysis, after: Analysis, lang: str = "zh") -> list[ScoreChange]:
    """Each target of ``after``'s profile against the same target in ``before``.

    Parameters
    ----------
    before, after : Analysis
        E.g. the baseline and the scenario (same profile).
    """
    prev = {s.target.id: s for s in before.scores}
    out = []
    for s in after.scores:
        b = prev.get(s.target.id, s)
        t = s.target
        out.append(ScoreChange(
            target_id=t.id, label=t.label(lang), measure=t.measure, unit_kind=t.unit_kind,
            target=np.nan if t.figure is None else float(t.figure),
            before=float(b.value), after=float(s.value), met_before=b.met, met_after=s.met,
            n_met_before=int(b.n_met), n_met_after=int(s.n_met), n_units=int(s.n_units),
            pop_before=float(b.pop60_covered) if np.isfinite(b.pop60_covered) else np.nan,
            pop_after=float(s.pop60_covered) if np.isfinite(s.pop60_covered) else np.nan,
        ))
    return out


def changes_frame(changes: Sequence[ScoreChange], lang: str = "zh") -> pd.DataFrame:
    """The targets panel as a table: value, target, met, baseline and change."""
    def col(key: str) -> str:
        return tr(f"analysis.col.{key}", lang)

    rows = []
    for c in changes:
        met = c.met_text(lang)
        rows.append({
            col("target"): c.label,
            col("scenario"): c.value_text(c.after),
            col("target_value"): (c.value_text(c.target)
                                  if c.measure != "count" or not np.isfinite(c.target)
                                  else f"≥ {c.target:,.0f}"),
            col("met"): met,
            col("baseline"): c.value_text(c.before),
            col("change"): c.delta_text(lang),
            col("units_met"): "" if c.measure == "count" else f"{c.n_met_after}/{c.n_units}",
        })
    return pd.DataFrame(rows)


def compare_scenarios(analyses: Mapping[str, Analysis], lang: str = "zh") -> pd.DataFrame:
    """Scenarios side by side: one row per target, one value column per scenario.

    Parameters
    ----------
    analyses : mapping
        Scenario name → :class:`planner.analysis.result.Analysis` (the first is the
        reference for the change columns).

    Returns
    -------
    DataFrame with the target label, each scenario's value and whether it is
    met, and the change of every other scenario against the first.
    """
    names = list(analyses)
    if not names:
        return pd.DataFrame()
    ref = analyses[names[0]]
    rows = []
    for i, s in enumerate(ref.scores):
        t = s.target
        row = {tr("analysis.col.target", lang): t.label(lang)}
        for nm in names:
            sc = analyses[nm].scores[i] if i < len(analyses[nm].scores) else None
            if sc is None or sc.target.id != t.id:
                sc = next((x for x in analyses[nm].scores if x.target.id == t.id), None)
            if sc is None:
                row[nm] = "—"
                continue
            ch = score_changes(ref, analyses[nm], lang)
            c = next(x for x in ch if x.target_id == t.id)
            row[nm] = f"{c.value_text(c.after)} ({c.met_text(lang)})"
            if nm != names[0]:
                row[tr("analysis.col.name_change", lang, name=nm)] = c.delta_text(lang)
        rows.append(row)
    return pd.DataFrame(rows)
