"""The validation report: every problem of the inputs, before any analysis.

:func:`validate_inputs` reads the boundaries, facilities (and points) and the
walking network with the :mod:`planner.io` / :mod:`planner.engine.network` readers,
collects what they refuse (fatal errors) and what they repair or warn about,
and adds the checks that need several inputs together:

* facilities (points) and communities/villages far from any walkable street;
* GCJ-02 (Amap/Tencent) or BD-09 (Baidu) coordinates used as WGS-84: the
  points sit a consistent few hundred metres off the streets, and converting
  them puts them back on the streets;
* boundaries that overlap each other;
* facilities outside the study area;
* duplicate facilities (same type within 10 m, or same name and type), with
  the opt-in repair :func:`merge_duplicates`;
* a network that does not cover the study area at all (fatal).

Every problem is an :class:`Issue` naming the file, the rows/features
(1-based), the problem in Chinese and English and the fix, built from the
structured fields of the readers' errors and warnings (``code``, ``rows``,
``params``; texts from the catalogue :mod:`planner.text.errors`).  Nothing is
ever written to the inputs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._errors import InputError, NetworkError, PlannerError, PlannerWarning, catalogue_text
from planner._util import UnionFind
from planner.io.problems import arg_params, problem_of, reading_input
from planner.settings import DEFAULT_MAX_SNAP
from planner.text import lookup, role_label, tr

__all__ = [
    "DUPLICATE_DISTANCE",
    "MODEL_REPORTED",
    "Issue",
    "ValidationReport",
    "find_duplicates",
    "merge_duplicates",
    "validate_inputs",
]

SEVERITIES = ("error", "warning", "repaired")
DUPLICATE_DISTANCE = 10.0  # metres: same-type facilities closer than this are one facility
OVERLAP_SHARE = 0.01  # overlap above 1 % of the smaller unit is reported
OFFSET_BEFORE = 150.0  # median metres to the street that makes a datum shift suspect ...
OFFSET_AFTER = 50.0  # ... when the converted points sit within this of the streets
_MIN_OFFSET_POINTS = 3
_MAX_LISTED = 10
MIN_NETWORK_EDGES = 10
"""A network of fewer segments cannot tell near from far (a one-edge network made every unit a gap)."""
MIN_NETWORK_LENGTH = 1000.0
"""Metres of street below which a network is too small to analyse."""
MIN_UNITS_REACHED = 0.2
"""Share of units with a street within the snap distance below which the network does not cover the area."""
FAR_OUTSIDE = 5000.0
"""Metres: facilities all farther than this outside the study area belong to another place."""
UNIT_OFFSET_BEFORE = 60.0  # median metres from unit boundary vertices to streets that makes a shift suspect ...
UNIT_OFFSET_GAIN = 0.5  # ... when converting them halves it
_BOUNDARY_SAMPLE = 3000

MODEL_REPORTED = ("facility_far", "unit_no_street", "unit_far")
"""Issue codes that :func:`planner.engine.model.build_model` also reports in ``Model.warnings``."""

REPAIR_CODES = frozenset({"polygons_repaired", "rings_closed"})
"""Codes of reader warnings that say what was repaired (severity ``repaired``)."""


@dataclass(frozen=True)
class Issue:
    """One problem found in the inputs.

    Attributes
    ----------
    file : str
        The file's name (or ``'boundaries'``... for data passed in memory).
    severity : {'error', 'warning', 'repaired'}
        ``error`` stops the analysis; ``warning`` is carried into the
        reports; ``repaired`` says what was fixed automatically.
    rows : tuple of int
        1-based rows (tables, counted below the header) or features (layers).
    message_zh, message_en : str
        The problem.
    fix : str
        What to do about it.
    code : str
        A stable short name of the check (e.g. ``'gcj02_suspected'``; reader
        problems are ``'<kind>_error'`` / ``'<kind>_read'``).
    error : PlannerError, optional
        The exception behind an ``error`` issue.
    fix_zh : str
        What to do, in Chinese (``fix`` when empty).
    cause : str
        The code of the reader's error or warning behind a reader issue
        (e.g. ``'duplicate_ids'``).
    params : mapping
        The values the catalogue entries ``err.<cause or code>`` /
        ``fix.<cause or code>`` were filled with (empty for issues made by hand).
    """

    file: str
    severity: str
    rows: tuple[int, ...]
    message_zh: str
    message_en: str
    fix: str = ""
    code: str = ""
    error: PlannerError | None = field(default=None, compare=False, repr=False)
    fix_zh: str = ""
    cause: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def message(self, lang: str = "zh") -> str:
        """The problem in ``lang``."""
        return self.message_zh if lang == "zh" else self.message_en

    def fix_text(self, lang: str = "zh") -> str:
        """What to do about it, in ``lang`` (Chinese where the check has a translation)."""
        if lang == "zh" and self.fix_zh:
            return self.fix_zh
        return self.fix

    def text(self, lang: str = "zh") -> str:
        """``file: problem — fix`` in one line."""
        out = f"{self.file}: {self.message(lang)}"
        fix = self.fix_text(lang)
        if fix:
            out += f" — {fix}"
        return out


@dataclass(frozen=True, eq=False)
class ValidationReport:
    """All problems of one set of inputs, and the inputs as loaded.

    Attributes
    ----------
    issues : tuple of Issue
    units, facilities, points : GeoDataFrame or None
        As read (EPSG:4326), ``None`` when missing or unreadable.
    network : WalkNetwork or None
    """

    issues: tuple[Issue, ...]
    units: gpd.GeoDataFrame | None = None
    facilities: gpd.GeoDataFrame | None = None
    network: Any = None
    points: gpd.GeoDataFrame | None = None

    @property
    def fatal(self) -> tuple[Issue, ...]:
        """The issues that stop the analysis."""
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def ok(self) -> bool:
        """True when nothing is fatal."""
        return not self.fatal

    def codes(self) -> list[str]:
        """The codes of all issues, in order."""
        return [i.code for i in self.issues]

    def raise_if_fatal(self) -> None:
        """Raise the fatal problem(s) as a :class:`PlannerError`.

        One fatal problem re-raises its original exception (class, message,
        hint and file intact); several are joined into one error of the first
        one's class, each on its own line.
        """
        fatal = self.fatal
        if not fatal:
            return
        first = fatal[0].error or _issue_error(fatal[0])
        if len(fatal) == 1:
            raise first
        raise problem_of(type(first), "several_problems", None, (), n=len(fatal),
                      **{f"lines@{lang}": "\n".join(f"  - {i.text(lang)}" for i in fatal) for lang in ("zh", "en")})

    def warning_texts(self, lang: str = "en", *, exclude: Sequence[str] = ()) -> list[str]:
        """Warnings and repairs as one line each (for ``summary.json`` and reports)."""
        return [i.text(lang) for i in self.issues
                if i.severity != "error" and i.code not in exclude]

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per issue: file, severity, rows, message, fix, code."""
        return pd.DataFrame({
            "file": [i.file for i in self.issues],
            "severity": [i.severity for i in self.issues],
            "rows": [", ".join(str(r) for r in i.rows) for i in self.issues],
            "message": [i.message(lang) for i in self.issues],
            "fix": [i.fix_text(lang) for i in self.issues],
            "code": [i.code for i in self.issues],
        }, columns=["file", "severity", "rows", "message", "fix", "code"])

    def to_text(self, lang: str = "zh") -> str:
        """The report as plain text, errors first."""
        if not self.issues:
            return tr("validate.none", lang)
        order = sorted(self.issues, key=lambda i: SEVERITIES.index(i.severity))
        lines = [tr("validate.head", lang, errors=len(self.fatal), others=len(self.issues) - len(self.fatal))]
        lines += [f"[{tr(f'validate.severity.{i.severity}', lang)}] {i.text(lang)}" for i in order]
        return "\n".join(lines)


# --------------------------------------------------------------------------
# issues worded by the catalogue


def _issue(file: str, severity: str, rows: Sequence[int], code: str, **params: Any) -> Issue:
    """An issue of a check of this module: texts ``err.<code>`` / ``fix.<code>`` filled with ``params``."""
    fix = lookup(f"fix.{code}")
    return Issue(file, severity, tuple(rows),
                 catalogue_text(f"err.{code}", "zh", params, default=code),
                 catalogue_text(f"err.{code}", "en", params, default=code),
                 fix=catalogue_text(f"fix.{code}", "en", params, default="") if fix else "",
                 code=code,
                 fix_zh=catalogue_text(f"fix.{code}", "zh", params, default="") if fix else "",
                 params=dict(params))


def _issue_error(issue: Issue) -> PlannerError:
    """The error of a fatal issue made without one: its code, rows, params and fix, worded as the issue is.

    The issue's own code and params when the catalogue gives its Chinese text
    from them; otherwise ``validate_issue``, whose entries show the issue's
    own texts (so the Chinese is the issue's Chinese, never the English).
    """
    code = issue.cause or issue.code
    own = issue.params and (
        catalogue_text(f"err.{code}", "zh", issue.params, default="") == issue.message_zh
        and catalogue_text(f"fix.{code}", "zh", issue.params, default=issue.fix) == issue.fix_text("zh"))
    if own:
        return InputError(issue.message_en, hint=issue.fix, path=issue.file, code=code, rows=issue.rows,
                          params=issue.params)
    return InputError(issue.message_en, hint=issue.fix, path=issue.file, code="validate_issue",
                      rows=issue.rows,
                      params={"issue": code, "message@zh": issue.message_zh, "message@en": issue.message_en,
                              "fix@zh": issue.fix_text("zh"), "fix@en": issue.fix})


def _listed(rows: Sequence[int]) -> str:
    rows = [int(r) for r in rows]
    more = f" (+{len(rows) - _MAX_LISTED})" if len(rows) > _MAX_LISTED else ""
    return ", ".join(str(r) for r in rows[:_MAX_LISTED]) + more


# --------------------------------------------------------------------------
# reading with every problem collected


def _file_name(source: Any, default: str) -> str:
    if isinstance(source, (str, Path)):
        return Path(source).name
    return default


def _read(kind: str, reader: Callable[..., Any], source: Any, issues: list[Issue], **kwargs: Any):
    """Run a reader; record its error or warnings as issues. Returns the data or None."""
    name = _file_name(source, kind)
    with warnings.catch_warnings(record=True) as caught, reading_input(kind):
        warnings.simplefilter("always", PlannerWarning)
        try:
            data = reader(source, **kwargs)
        except PlannerError as exc:
            data = None
            issues.append(_error_issue(exc, name, kind))
        except Exception as exc:  # a reader bug must still end in a clear message
            data = None
            err = problem_of(NetworkError if kind == "network" else InputError, "reader_failed", name, (),
                             detail=f"{type(exc).__name__}: {exc}")
            issues.append(_error_issue(err, name, kind))
    for w in caught:
        if not issubclass(w.category, PlannerWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            continue
        issues.append(_warning_issue(w.message, name, kind))
    return data


def _warning_issue(warning: Any, name: str, kind: str) -> Issue:
    """A reader's :class:`PlannerWarning` as an issue (its code decides whether it was a repair)."""
    if not isinstance(warning, PlannerWarning):  # warnings.warn(text, PlannerWarning): no fields
        warning = PlannerWarning(str(warning))
    body = warning.message
    if warning.path is None and body.startswith(name + ": "):  # older warnings name the file in the text
        body = body[len(name) + 2:]
    severity = "repaired" if warning.code in REPAIR_CODES else "warning"
    zh = warning.text("zh")  # the English message itself when the catalogue has no entry
    return Issue(Path(warning.path).name if warning.path else name, severity, warning.rows,
                 body if zh == warning.message else zh, body,
                 fix=warning.hint or "", code=f"{kind}_read",
                 fix_zh=warning.fix_text("zh") if warning.hint else "", cause=warning.code,
                 params=dict(warning.params))


def _error_issue(exc: PlannerError, name: str, kind: str) -> Issue:
    """A reader's error as a fatal issue; errors without a catalogue entry keep their English text."""
    default = lookup(f"validate.default_fix.{kind}") or ("", "")
    fix, fix_zh = (exc.hint, exc.fix_text("zh")) if exc.hint else (default[1], default[0])
    return Issue(Path(exc.path).name if exc.path else name, "error", exc.rows, exc.text("zh"), exc.message,
                 fix, code=f"{kind}_error", error=exc, fix_zh=fix_zh, cause=exc.code, params=dict(exc.params))


# --------------------------------------------------------------------------
# checks that need several inputs


def _metric(gdf: gpd.GeoDataFrame, net) -> gpd.GeoDataFrame:
    if net is not None:
        return gdf.to_crs(net.crs)
    from planner.io.crs import local_metric_crs_for

    return gdf.to_crs(local_metric_crs_for(gdf))


def _access(net, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    from planner.engine.travel import snap_points

    x, y = net.project(lon, lat)
    return snap_points(net, x, y).access


def _check_offset(net, pts: gpd.GeoDataFrame, name: str, coord_system: str) -> Issue | None:
    """GCJ-02 / BD-09 coordinates read as WGS-84: converting them puts them on the streets."""
    from planner.io import crs as _crs

    if len(pts) < _MIN_OFFSET_POINTS or coord_system not in ("wgs84", "cgcs2000"):
        return None
    lon, lat = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    before = float(np.median(_access(net, lon, lat)))
    if before <= OFFSET_BEFORE:
        return None
    best = None
    for system, convert in (("gcj02", _crs.gcj02_to_wgs84), ("bd09", _crs.bd09_to_wgs84)):
        clon, clat = convert(lon, lat)
        after = float(np.median(_access(net, np.asarray(clon), np.asarray(clat))))
        if after < OFFSET_AFTER and after < before / 3 and (best is None or after < best[1]):
            x0, y0 = net.project(lon, lat)
            x1, y1 = net.project(np.asarray(clon), np.asarray(clat))
            shift = np.hypot(x1 - x0, y1 - y0)
            best = (system, after, float(np.percentile(shift, 10)), float(np.percentile(shift, 90)))
    if best is None:
        return None
    system, after, lo, hi = best
    return _issue(name, "warning", (), f"{system}_suspected", lo=lo, hi=hi, before=before, after=after,
                  **arg_params(coord_system=system))


def _fatal(cls: type[PlannerError], code: str, file: str, **params: Any) -> Issue:
    """A fatal issue found by a check of this module, carrying its error (raised by ``raise_if_fatal``)."""
    err = problem_of(cls, code, file, (), **params)
    return Issue(file, "error", (), err.text("zh"), err.message, err.hint or "", code=code, error=err,
                 fix_zh=err.fix_text("zh"), cause=code, params=dict(err.params))


def _check_network_size(net) -> Issue | None:
    """A network too small to analyse (one street, a few segments): fatal."""
    n = int(len(net.u))
    total = float(np.sum(net.length)) if n else 0.0
    if n >= MIN_NETWORK_EDGES and total >= MIN_NETWORK_LENGTH:
        return None
    return _fatal(NetworkError, "network_too_small", Path(str(net.report.source)).name, n=n, metres=total,
                  min_edges=MIN_NETWORK_EDGES, min_metres=MIN_NETWORK_LENGTH)


def _check_unit_offset(net, units: gpd.GeoDataFrame, name: str) -> Issue | None:
    """Boundaries in GCJ-02 or BD-09 declared WGS-84: converting their vertices puts them on the streets.

    Urban communities are bounded by streets, so the boundary vertices of
    correctly placed units lie close to the streets; a datum shift moves them
    a consistent few hundred metres off.
    """
    from planner.io import crs as _crs

    coords = shapely.get_coordinates(units.geometry.boundary.to_numpy())
    if len(coords) < 20 or not (~_crs.out_of_china(coords[:, 0], coords[:, 1])).any():
        return None
    coords = coords[:: max(1, len(coords) // _BOUNDARY_SAMPLE)]
    lon, lat = coords[:, 0], coords[:, 1]
    before = float(np.median(_access(net, lon, lat)))
    if before <= UNIT_OFFSET_BEFORE:
        return None
    best = None
    for system, convert in (("gcj02", _crs.gcj02_to_wgs84), ("bd09", _crs.bd09_to_wgs84)):
        clon, clat = (np.asarray(a) for a in convert(lon, lat))
        after = float(np.median(_access(net, clon, clat)))
        if after < UNIT_OFFSET_GAIN * before and (best is None or after < best[1]):
            best = (system, after)
    if best is None:
        return None
    return _issue(name, "warning", (), f"units_{best[0]}_suspected", before=before, after=best[1])


def _check_points_far(net, pts: gpd.GeoDataFrame, name: str, max_snap: float, what: str) -> Issue | None:
    access = _access(net, pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy())
    far = np.flatnonzero(access > max_snap)
    if far.size == 0:
        return None
    rows = tuple(int(r) + 1 for r in far)
    names = pts["name"].iloc[far].astype(str).tolist()[:_MAX_LISTED] if "name" in pts else []
    return _issue(name, "warning", rows, "facility_far" if what == "facilities" else "point_far",
                  listed=_listed(rows), n=far.size, max_snap=max_snap, farthest=float(access[far].max()),
                  **{f"names@{lang}": tr("io.names_after", lang, names=tr("io.sep.list", lang).join(names))
                     if names else "" for lang in ("zh", "en")})


def _check_unit_streets(net, units: gpd.GeoDataFrame, name: str, max_snap: float) -> list[Issue]:
    """Units without a street inside, or without one within ``max_snap``; fatal if none has any."""
    geoms = units.to_crs(net.crs).geometry.to_numpy()
    tree = net.tree
    inside = np.zeros(len(geoms), dtype=bool)
    hit, _ = tree.query(geoms, predicate="intersects")
    inside[hit] = True
    near = np.zeros(len(geoms), dtype=bool)
    hit, _ = tree.query(geoms, predicate="dwithin", distance=max_snap)
    near[hit] = True
    out: list[Issue] = []
    if not near.any():
        err = problem_of(NetworkError, "network_elsewhere", Path(str(net.report.source)).name, (),
                         max_snap=max_snap)
        out.append(Issue(err.path, "error", (), err.text("zh"), err.message, err.hint, code="network_elsewhere",
                         error=err, fix_zh=err.fix_text("zh"), cause=err.code, params=dict(err.params)))
        return out

    def units_params(idx: np.ndarray) -> dict[str, str]:
        """``units`` ('2 communities, 1 village') and ``names`` in both languages."""
        counts = units["kind"].iloc[idx].value_counts()
        names = units["name"].iloc[idx].astype(str).tolist()[:_MAX_LISTED]
        out = {}
        for lang in ("zh", "en"):
            sep = tr("io.sep.list", lang)
            out[f"names@{lang}"] = sep.join(names)
            out[f"units@{lang}"] = sep.join(
                tr(f"validate.count.{kd}" if kd in ("community", "village") else "validate.count.other", lang,
                   n=n, kind=kd) for kd, n in counts.items())
        return out

    if len(geoms) > 1 and near.mean() < MIN_UNITS_REACHED:
        out.append(_fatal(NetworkError, "network_sparse", Path(str(net.report.source)).name,
                          reached=int(near.sum()), n=len(geoms), max_snap=max_snap,
                          share=MIN_UNITS_REACHED * 100))
        return out
    far = np.flatnonzero(~near)
    if far.size:
        out.append(_issue(name, "warning", [int(r) + 1 for r in far], "unit_far", max_snap=max_snap,
                          **units_params(far)))
    lone = np.flatnonzero(near & ~inside)
    if lone.size:
        out.append(_issue(name, "warning", [int(r) + 1 for r in lone], "unit_no_street", **units_params(lone)))
    return out


def _check_overlaps(units: gpd.GeoDataFrame, metric: gpd.GeoDataFrame, name: str) -> Issue | None:
    geoms = metric.geometry.to_numpy()
    left, right = metric.sindex.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if left.size == 0:
        return None
    inter = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    smaller = np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
    bad = inter > OVERLAP_SHARE * smaller
    if not bad.any():
        return None
    pairs = list(zip(left[bad].tolist(), right[bad].tolist(), (inter[bad] / smaller[bad]).tolist(),
                     strict=True))
    nm = units["name"].astype(str).tolist()
    listed = {f"pairs@{lang}": tr("io.sep.clauses", lang).join(
        tr("validate.overlap_pair", lang, a=nm[a], b=nm[b], share=share) for a, b, share in pairs[:_MAX_LISTED])
        for lang in ("zh", "en")}
    rows = tuple(sorted({a + 1 for a, _, _ in pairs} | {b + 1 for _, b, _ in pairs}))
    return _issue(name, "warning", rows, "overlap", n=len(pairs), **listed)


def _check_outside(units_metric: gpd.GeoDataFrame, fac_metric: gpd.GeoDataFrame, name: str) -> Issue | None:
    area = shapely.union_all(units_metric.geometry.to_numpy())
    pts = fac_metric.geometry.to_numpy()
    dist = shapely.distance(area, pts)
    out = np.flatnonzero(dist > 0)
    if out.size == 0:
        return None
    if float(dist.min()) > FAR_OUTSIDE:  # every facility belongs to another place: nothing to analyse
        return _fatal(InputError, "facilities_elsewhere", name, n=len(pts), nearest=float(dist.min()),
                      far=FAR_OUTSIDE)
    rows = tuple(int(r) + 1 for r in out)
    return _issue(name, "warning", rows, "outside_area", listed=_listed(rows), n=out.size,
                  farthest=float(dist[out].max()))


def find_duplicates(facilities: gpd.GeoDataFrame, *, distance: float = DUPLICATE_DISTANCE) -> list[list[int]]:
    """Groups of duplicate facilities (0-based positions, each group sorted).

    Two facilities are duplicates when they have the same type and lie within
    ``distance`` metres, or have the same type and the same name (ignoring
    spaces and full-/half-width differences).

    Parameters
    ----------
    facilities : GeoDataFrame
        As read by :func:`planner.io.points.read_facilities`.
    distance : float
        Metres.

    Returns
    -------
    list of list of int
        Groups of two or more, in order of their first member.
    """
    from planner.io.columns import normalise_column_name

    n = len(facilities)
    if n < 2:
        return []
    sets = UnionFind(n)
    find, union = sets.find, sets.union

    types = facilities["type"].astype(str).to_numpy()
    metric = _metric(facilities, None)
    geoms = metric.geometry.to_numpy()
    left, right = metric.sindex.query(geoms, predicate="dwithin", distance=distance)
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a < b and types[a] == types[b]:
            union(a, b)
    keys = [(types[i], normalise_column_name(v)) for i, v in enumerate(facilities["name"].tolist())]
    first: dict[tuple[str, str], int] = {}
    for i, k in enumerate(keys):
        if k[1] in ("", "nan", "none"):
            continue
        if k in first:
            union(first[k], i)
        else:
            first[k] = i
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def _check_duplicates(facilities: gpd.GeoDataFrame, name: str) -> Issue | None:
    groups = find_duplicates(facilities)
    if not groups:
        return None
    ids = facilities["facility_id"].astype(str).tolist()
    txt = "; ".join("+".join(ids[i] for i in g) for g in groups[:_MAX_LISTED])
    rows = tuple(i + 1 for g in groups for i in g)
    return _issue(name, "warning", rows, "duplicate", n=len(groups), distance=DUPLICATE_DISTANCE, groups=txt)


def merge_duplicates(
    facilities: gpd.GeoDataFrame, *, distance: float = DUPLICATE_DISTANCE, file: str = "facilities"
) -> tuple[gpd.GeoDataFrame, tuple[Issue, ...]]:
    """Merge duplicate facilities (opt-in repair); the input is not modified.

    Each group of :func:`find_duplicates` becomes its first row; empty
    capacity and nursing beds are filled from the other members (not added:
    a duplicate lists the same places twice), and a ``merged_ids`` column
    names the ids merged into it.

    Parameters
    ----------
    facilities : GeoDataFrame
    distance : float
        Metres (see :func:`find_duplicates`).
    file : str
        File name for the issues.

    Returns
    -------
    merged : GeoDataFrame
        Index ``0..n-1``.
    issues : tuple of Issue
        One ``repaired`` issue per merged group.
    """
    groups = find_duplicates(facilities, distance=distance)
    out = facilities.copy()
    out["merged_ids"] = ""
    if not groups:
        return out.reset_index(drop=True), ()
    drop: list[int] = []
    issues = []
    ids = facilities["facility_id"].astype(str).tolist()
    for g in groups:
        keep, rest = g[0], g[1:]
        for col in ("capacity", "nursing_beds"):
            if col in out and pd.isna(out[col].iloc[keep]):
                vals = out[col].iloc[rest].dropna()
                if len(vals):
                    out.iloc[keep, out.columns.get_loc(col)] = vals.iloc[0]
        out.iloc[keep, out.columns.get_loc("merged_ids")] = ";".join(ids[i] for i in rest)
        drop.extend(rest)
        names = "+".join(ids[i] for i in g)
        issues.append(_issue(file, "repaired", [i + 1 for i in g], "duplicate_merged", ids=names,
                             kept=ids[keep]))
    out = out.drop(index=out.index[drop]).reset_index(drop=True)
    return out, tuple(issues)


def _study_area(units: Any, facilities: Any, points: Any) -> tuple[float, float, float, float] | None:
    """The study area's lon/lat bounds: the boundaries', else those of the facilities and points (or None)."""
    frames = [f for f in ((units,) if units is not None and len(units) else (facilities, points))
              if f is not None and len(f)]
    if not frames:
        return None
    boxes = np.array([f.to_crs("EPSG:4326").total_bounds for f in frames])
    if not np.isfinite(boxes).all():
        return None
    return (float(boxes[:, 0].min()), float(boxes[:, 1].min()), float(boxes[:, 2].max()),
            float(boxes[:, 3].max()))


# --------------------------------------------------------------------------
# the report


def _reading(lang: str, role: str, source: Any) -> str:
    """'边界：村界.gpkg' / 'boundaries: 村界.gpkg': the progress line of an input being read."""
    what = str(source) if isinstance(source, str | Path) else tr("validate.progress.data", lang)
    return tr("validate.progress.reading", lang, role=role_label(role, lang), what=what)


def validate_inputs(
    boundaries: Any = None,
    facilities: Any = None,
    network: Any = None,
    *,
    points: Any = None,
    coord_system: str = "wgs84",
    max_snap: float = DEFAULT_MAX_SNAP,
    boundaries_layer: str | None = None,
    facilities_layer: str | None = None,
    crs: str | Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
    columns: Mapping[str, str] | None = None,
    population: Any = None,
    road_options: Mapping[str, Any] | None = None,
    network_buffer: float | None = None,
    layers: Mapping[str, str] | None = None,
    encodings: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> ValidationReport:
    """Check every input and list every problem with its rows and fix.

    Parameters
    ----------
    boundaries, facilities, points : path or GeoDataFrame, optional
        Files (read with :mod:`planner.io`) or frames already read.
    network : path or WalkNetwork, optional
        A network file (read with :func:`planner.engine.network.load_network`) or a
        loaded network.
    coord_system : str
        Datum of the facilities'/points' degrees (see
        :func:`planner.io.points.read_facilities`).
    max_snap : float
        Metres from a street beyond which points and units are reported.
    boundaries_layer, facilities_layer : str, optional
        Layers inside GeoPackages.
    crs : str or mapping, optional
        Coordinate system for layers without one (e.g. ``'EPSG:4490'``), or
        one per input (``{"boundaries": "EPSG:4548"}``; key ``"*"``: every
        input), as parsed from ``--crs`` by
        :func:`planner.io.columns.parse_input_options`.  For a road layer as
        the network it is the layer's CRS.
    progress : callable, optional
        Called with a line of text before each slow step.
    columns : mapping, optional
        Your column names, as parsed from ``--columns`` by
        :func:`planner.io.columns.parse_column_options` (``canonical -> yours``,
        optionally prefixed ``boundaries.``, ``facilities.``, ``points.`` or
        ``population.``); each input takes its own part.
    population : path or DataFrame, optional
        A population table joined to the boundaries by 12-digit code (see
        :func:`planner.io.population.read_population`).
    road_options : mapping, optional
        For a road centre-line layer as the network: keyword arguments of
        :func:`planner.io.roads.read_road_network` (``tolerance``, ``road_classes``).
    network_buffer : float, optional
        Metres around the study area a ``.osm.pbf`` network is clipped to
        before parsing (default 2 km, :data:`planner.engine.network.DEFAULT_CLIP_BUFFER`;
        0 reads the whole file).  The study area is the boundaries' extent,
        else that of the facilities and points given.
    layers, encodings : mapping, optional
        Layer (of a GeoPackage or zip) and attribute encoding per input, keyed
        as ``crs`` (``--layer boundaries=units``, ``--encoding gbk``).
    lang : {'zh', 'en'}
        Language of the ``progress`` lines (the report holds both languages).

    Returns
    -------
    ValidationReport
        Never raises for a bad input: call
        :meth:`ValidationReport.raise_if_fatal` to stop on fatal problems.
    """
    from planner.engine.network import DEFAULT_CLIP_BUFFER, WalkNetwork, load_network
    from planner.io.boundaries import read_boundaries
    from planner.io.columns import columns_for, input_option, network_read_options
    from planner.io.points import read_facilities, read_points
    from planner.schema import BOUNDARY_ALIASES, FACILITY_ALIASES, POINT_ALIASES, POPULATION_ALIASES

    mapping = dict(columns or {})
    per_input = {"crs": crs if isinstance(crs, Mapping) else {"*": crs},
                 "layer": dict(layers or {}), "encoding": dict(encodings or {})}

    def opt(name: str, kind: str, default: Any = None) -> Any:
        return input_option(per_input[name], kind, default)

    network_opts = network_read_options(road_options, crs=per_input["crs"], layers=per_input["layer"],
                                        encodings=per_input["encoding"])

    say = progress or (lambda _text: None)
    issues: list[Issue] = []
    units = fac = pts = net = None
    if boundaries is not None:
        say(_reading(lang, "boundaries", boundaries))
        units = boundaries if isinstance(boundaries, gpd.GeoDataFrame) else _read(
            "boundaries", read_boundaries, boundaries, issues, layer=opt("layer", "boundaries", boundaries_layer),
            crs=opt("crs", "boundaries"), encoding=opt("encoding", "boundaries"),
            columns=columns_for(mapping, "boundaries", BOUNDARY_ALIASES) or None, population=population,
            population_columns=columns_for(mapping, "population", POPULATION_ALIASES) or None)
    if facilities is not None:
        say(_reading(lang, "facilities", facilities))
        fac = facilities if isinstance(facilities, gpd.GeoDataFrame) else _read(
            "facilities", read_facilities, facilities, issues, layer=opt("layer", "facilities", facilities_layer),
            coord_system=coord_system, crs=opt("crs", "facilities"), encoding=opt("encoding", "facilities"),
            columns=columns_for(mapping, "facilities", FACILITY_ALIASES) or None)
    if points is not None:
        pts = points if isinstance(points, gpd.GeoDataFrame) else _read(
            "points", read_points, points, issues, coord_system=coord_system, crs=opt("crs", "points"),
            layer=opt("layer", "points"), encoding=opt("encoding", "points"),
            columns=columns_for(mapping, "points", POINT_ALIASES) or None)
    if network is not None:
        say(_reading(lang, "network", network))
        net = network if isinstance(network, WalkNetwork) else _read(
            "network", load_network, network, issues, road_options=network_opts or None,
            area=_study_area(units, fac, pts),
            buffer_m=DEFAULT_CLIP_BUFFER if network_buffer is None else network_buffer)

    bname = _file_name(boundaries, "boundaries")
    fname = _file_name(facilities, "facilities")
    pname = _file_name(points, "points")
    system = coord_system.strip().lower().replace("-", "").replace("_", "")
    checks: list[Issue | None] = []
    net_ok = True
    if net is not None:  # a datum shift first: it explains the far and outside points
        say(tr("validate.progress.positions", lang))
        small = _check_network_size(net)
        checks.append(small)
        if small is not None:  # nothing below means anything on such a network
            net_ok = False
        if units is not None and len(units) and net_ok:
            checks.append(_check_unit_offset(net, units, bname))
        for frame, nm, what in ((fac, fname, "facilities"), (pts, pname, "points")):
            if frame is not None and len(frame) and net_ok:
                checks.append(_check_offset(net, frame, nm, system))
                checks.append(_check_points_far(net, frame, nm, max_snap, what))
        if units is not None and len(units) and net_ok:
            checks.extend(_check_unit_streets(net, units, bname, max_snap))
    units_m = None
    if units is not None and len(units):
        units_m = _metric(units, net)
        checks.append(_check_overlaps(units, units_m, bname))
    if fac is not None and len(fac):
        checks.append(_check_duplicates(fac, fname))
        if units_m is not None:
            checks.append(_check_outside(units_m, _metric(fac, net), fname))
    issues.extend(i for i in checks if i is not None)
    return ValidationReport(tuple(issues), units=units, facilities=fac, network=net, points=pts)
