"""Province scale: one report per county, counties run in parallel.

When the units span several counties (the first 6 digits of the 12-digit
division ``code``, or a ``county`` column), :func:`partition_counties` cuts
the inputs into self-contained :class:`CountyPart` tasks: the county's units,
the facilities within the county plus a border buffer, and the walking
network clipped to the county's convex hull plus the same buffer (largest
connected piece).  Residents near a border therefore still walk to a
facility just across it; with a buffer at least as long as the longest walk
scored, a county's results equal those of the whole-province analysis.

:func:`run_county` is the task (pure apart from the files it writes): build
the model, analyse, render the county's map and workbook with
:func:`planner.outputs.report.render_district`.  :func:`run_province` runs the tasks
in this process, on a local process pool (``workers``) or on a Dask
distributed cluster (``scheduler``: an address such as
``tcp://10.0.0.5:8786`` or a ``dask.distributed.Client``); the network is
loaded once by the caller, and each task receives plain arrays and
GeoDataFrames.  A county that fails is listed in the index; the others finish.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components

from planner._errors import InputError, NetworkError
from planner._util import atomic_write_bytes, dask_client
from planner.engine.network import NetworkReport, WalkNetwork
from planner.io.problems import problem_of
from planner.outputs.report import District, ReportSettings, render_district, write_index
from planner.outputs.writers import safe_stem
from planner.text import column_label, kind_label, tr

if TYPE_CHECKING:
    from planner.io.profiles import Profile

# the Chinese headers people know from their tables, named in the hints
_CODE, _COUNTY = column_label("code", "zh"), kind_label("county", "zh")

DEFAULT_BUFFER_M = 2000.0
"""Metres added around each county (facilities and network): 2 km ≈ a 33-minute walk at 1.0 m/s."""

__all__ = [
    "DEFAULT_BUFFER_M",
    "CountyPart",
    "SubNetwork",
    "clip_network",
    "county_keys",
    "partition_counties",
    "run_county",
    "run_province",
]


def county_keys(units: gpd.GeoDataFrame) -> np.ndarray:
    """The county of each unit: its ``county`` column when present, else ``code[:6]``.

    Raises
    ------
    InputError
        When a unit has neither (its rows are listed).
    """
    if "county" in units.columns:
        keys = units["county"].astype("string").fillna("").str.strip().to_numpy(dtype=object)
        bad = np.array([not k for k in keys])
        what = "province.county_empty"  # catalogue key of what is missing
    else:
        if "code" not in units.columns:
            raise problem_of(InputError, "province_no_county_column", None, (), code_label=_CODE,
                             county_label=_COUNTY)
        codes = units["code"].astype("string").fillna("").str.strip()
        bad = ~codes.str.fullmatch(r"\d{12}").fillna(False).to_numpy(bool)
        keys = codes.str[:6].to_numpy(dtype=object)
        what = "province.no_code"
    if bad.any():
        rows = np.nonzero(bad)[0]
        words: dict[str, str] = {}
        for lang in ("zh", "en"):
            words[f"what@{lang}"] = tr(what, lang)
            words[f"rows@{lang}"] = tr("io.sep.list", lang).join(str(r + 1) for r in rows[:10])
        raise problem_of(InputError, "province_unit_no_county", None, rows + 1, n=int(rows.size), code_label=_CODE,
                         county_label=_COUNTY, **words)
    return np.asarray(keys, dtype=object)


@dataclass(frozen=True, eq=False)
class SubNetwork:
    """A piece of a :class:`WalkNetwork` as plain arrays (cheap to pickle).

    The parent's metric coordinates and segment lengths are kept bit for bit,
    so walks inside the piece equal walks in the whole network.
    """

    crs: str
    node_id: np.ndarray
    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    source: str = "clip"
    dropped_nodes: int = 0

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays."""
        return sum(a.nbytes for a in (self.node_id, self.x, self.y, self.u, self.v, self.length))

    def to_network(self) -> WalkNetwork:
        """The :class:`WalkNetwork` (spatial index and CSR built on first use).

        Raises
        ------
        NetworkError
            When no street lies within the county and its buffer.
        """
        if self.u.size == 0:
            raise problem_of(NetworkError, "province_no_network", self.source)
        report = NetworkReport(self.source, int(self.x.size), int(self.u.size), dropped_nodes=self.dropped_nodes)
        return WalkNetwork(self.crs, self.node_id, self.x, self.y, self.u, self.v, self.length, report)


def clip_network(net: WalkNetwork, region: shapely.Geometry, *, source: str = "clip") -> SubNetwork:
    """The segments of ``net`` that touch ``region`` (network CRS), largest connected piece.

    A segment leaving the region is kept whole, so a walk that stays within
    the region is never cut.  Built from the node/segment subset directly
    (not through :func:`planner.engine.network.network_from_arrays`, which would
    re-project lon/lat and recompute the lengths): walks inside the piece
    equal walks in ``net`` to the last bit.

    Parameters
    ----------
    net : WalkNetwork
        The whole network.
    region : shapely geometry
        The area to keep, in the network's CRS.
    source : str
        Source text of the piece's network report.

    Returns
    -------
    SubNetwork
    """
    keep_e = np.sort(net.tree.query(region, predicate="intersects"))
    u, v, length = net.u[keep_e], net.v[keep_e], net.length[keep_e]
    nodes = np.unique(np.concatenate([u, v]))
    empty = SubNetwork(net.crs, net.node_id[:0], net.x[:0], net.y[:0], net.u[:0], net.v[:0],
                       net.length[:0], source)
    if nodes.size == 0:
        return empty
    lu, lv = np.searchsorted(nodes, u), np.searchsorted(nodes, v)
    n = nodes.size
    adj = sp.coo_matrix((np.ones(lu.size), (lu, lv)), shape=(n, n)).tocsr()
    _, labels = connected_components(adj, directed=False)
    main = labels == np.bincount(labels).argmax()
    new = np.cumsum(main) - 1
    ke = main[lu]
    return SubNetwork(net.crs, net.node_id[nodes[main]], net.x[nodes[main]], net.y[nodes[main]],
                      new[lu[ke]].astype(np.int32), new[lv[ke]].astype(np.int32), length[ke], source,
                      dropped_nodes=int(n - main.sum()))


@dataclass(frozen=True, eq=False)
class CountyPart:
    """One county's self-contained task.

    Attributes
    ----------
    key : str
        The county's 6-digit code (or its ``county`` value).
    name, stem : str
        Display name and file-name stem (``01_示例一县``).
    units : GeoDataFrame
        The county's units (WGS-84), in input order.
    facilities : GeoDataFrame
        Facilities (any status) within the county plus the buffer (WGS-84).
    network : SubNetwork
        The network clipped to the county's hull plus the buffer.
    context : dict
        Map context layers (``county``: this county's outline; ``water``).
    buffer_m : float
    border_facilities : int
        How many of ``facilities`` lie outside the county's units.
    """

    key: str
    name: str
    stem: str
    units: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    network: SubNetwork
    context: dict = field(default_factory=dict)
    buffer_m: float = DEFAULT_BUFFER_M
    border_facilities: int = 0


def _county_names(keys: list[str], county_layer: gpd.GeoDataFrame | None) -> dict[str, str]:
    names = {k: k for k in keys}
    if county_layer is not None and {"code", "name"} <= set(county_layer.columns):
        for code, name in zip(county_layer["code"].astype(str), county_layer["name"].astype(str), strict=True):
            if code[:6] in names and name:
                names[code[:6]] = name
    return names


def partition_counties(
    units: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    net: WalkNetwork,
    *,
    buffer_m: float = DEFAULT_BUFFER_M,
    context: dict | None = None,
) -> list[CountyPart]:
    """Cut the inputs into one :class:`CountyPart` per county, sorted by county key.

    Parameters
    ----------
    units, facilities : GeoDataFrame
        As read by :func:`planner.io.boundaries.read_boundaries` / :func:`planner.io.points.read_facilities`.
    net : WalkNetwork
        The whole network (loaded once).
    buffer_m : float
        Metres around each county within which facilities and streets are
        kept (default 2 km); 0 keeps only the county (its convex hull for
        streets).
    context : dict, optional
        Map context layers (``county`` with ``code``/``name`` gives the
        counties' names; ``water``), see :func:`planner.outputs.printmap.context_layers`.
    """
    if buffer_m < 0:
        raise problem_of(InputError, "province_buffer_negative", None, (), buffer=float(buffer_m))
    keys = county_keys(units)
    context = context or {}
    county_layer = context.get("county")
    order = sorted(set(keys))
    names = _county_names(order, county_layer)
    um = units.to_crs(net.crs)
    fm = facilities.to_crs(net.crs)
    fx, fy = shapely.get_x(fm.geometry.values), shapely.get_y(fm.geometry.values)
    water = context.get("water")
    water_m = water.to_crs(net.crs) if water is not None and len(water) else None
    width = max(2, len(str(len(order))))
    parts = []
    for i, key in enumerate(order, 1):
        mask = keys == key
        area = shapely.union_all(um.geometry.values[mask])
        zone = area.buffer(buffer_m) if buffer_m > 0 else area
        shapely.prepare(zone)
        fin = shapely.intersects_xy(zone, fx, fy)
        outside = ~shapely.intersects_xy(area, fx, fy)
        hull = area.convex_hull.buffer(buffer_m) if buffer_m > 0 else area.convex_hull
        sub = clip_network(net, hull, source=f"{net.report.source} [{key} + {buffer_m:g} m]")
        ctx = {}
        if county_layer is not None and "code" in county_layer.columns:
            own = county_layer[county_layer["code"].astype(str).str[:6] == key]
            if len(own):
                ctx["county"] = own
        if water is not None and water_m is not None:
            near = water_m[water_m.intersects(hull)]
            if len(near):
                ctx["water"] = near.to_crs(water.crs)
        name = names[key]
        parts.append(CountyPart(
            key=str(key), name=name, stem=f"{i:0{width}d}_{safe_stem(name)}",
            units=units[mask], facilities=facilities[fin],
            network=sub, context=ctx, buffer_m=float(buffer_m),
            border_facilities=int((fin & outside).sum()),
        ))
    return parts


def run_county(part: CountyPart, out_dir: str | Path | None, settings: ReportSettings, *,
               profile: Profile | str = "national", speed: float | None = None) -> dict[str, Any]:
    """One county's task: model, analysis, then its map(s) and workbook.

    Parameters
    ----------
    part : CountyPart
    out_dir : path or None
        Where the files go; ``None`` renders into a temporary folder and
        returns the files' bytes in ``row['_files']`` (workers on other
        machines need no shared disk).
    settings : ReportSettings
        ``county_name`` is replaced by the county's name.
    profile : Profile or str
    speed : float, optional

    Returns
    -------
    dict
        The index row of :func:`planner.outputs.report.render_district` plus
        ``county_code``, ``status`` (ok/failed), ``error``, ``_seconds`` and
        ``_cpu_seconds`` (the task's wall and CPU time); never raises.
    """
    from planner.analysis.result import analyse, service_area_layer

    t0, c0 = time.perf_counter(), time.process_time()
    tmp = None
    try:
        if out_dir is None:
            tmp = tempfile.TemporaryDirectory(prefix="planner-county-")
        out = Path(tmp.name) if tmp is not None else Path(str(out_dir))
        s = replace(settings, county_name=part.name)
        net = part.network.to_network()
        analysis = analyse(part.units, part.facilities, net, profile=profile, speed=speed)
        minutes = s.minutes if s.minutes is not None else analysis.model.profile.catchment(s.facility_type)
        sa = service_area_layer(analysis.model, [s.facility_type], minutes=(minutes,), crs=None)
        district = District(part.name, part.stem, np.ones(len(part.units), bool))
        row = {"county_code": part.key,
               **render_district(analysis, district, out, s, service_areas=sa, context=part.context),
               "status": "ok", "error": ""}
        if tmp is not None:
            row["_files"] = {name: (out / name).read_bytes() for k, name in row.items()
                             if (k.startswith("map_") or k == "xlsx") and isinstance(name, str)}
    except Exception as exc:  # noqa: BLE001 - one county's failure must not stop the batch
        row = {"county_code": part.key, "district": part.name, "n_units": len(part.units),
               "status": "failed", "error": f"{type(exc).__name__}: {exc}",
               "traceback": traceback.format_exc(limit=5)}
    finally:
        if tmp is not None:
            tmp.cleanup()
    row["_seconds"] = time.perf_counter() - t0
    row["_cpu_seconds"] = time.process_time() - c0
    return row


def _failed(part: CountyPart, exc: BaseException) -> dict:
    return {"county_code": part.key, "district": part.name, "n_units": len(part.units), "status": "failed",
            "error": f"{type(exc).__name__}: {exc}", "_seconds": np.nan}


def run_province(
    units: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    net: WalkNetwork,
    out_dir: str | Path,
    *,
    settings: ReportSettings | None = None,
    profile: Profile | str = "national",
    speed: float | None = None,
    buffer_m: float = DEFAULT_BUFFER_M,
    context: dict[str, gpd.GeoDataFrame] | None = None,
    workers: int = 1,
    scheduler: Any = None,
    progress: bool = True,
    parts: list[CountyPart] | None = None,
) -> pd.DataFrame:
    """One map and one table per county, counties in parallel, plus ``index.csv``/``index.html``.

    Parameters
    ----------
    units, facilities, net
        The whole province's inputs (the network loaded once).
    out_dir : path
        Output folder (created).  With ``scheduler`` the workers send the
        files back and this process writes them, so no shared disk is needed.
    settings : ReportSettings, optional
    profile : Profile or str
        Loaded here, so a profile file need not exist on the workers.
    speed : float, optional
    buffer_m : float
        Border buffer in metres (see :func:`partition_counties`).
    context : dict, optional
        Map context layers (``county``, ``water``).
    workers : int
        Counties run in parallel on a local process pool; 1 runs them here.
    scheduler : str or dask.distributed.Client, optional
        Run on this Dask cluster instead (``workers`` is then ignored).
    progress : bool
        Progress bar (tqdm, on stderr).
    parts : list of CountyPart, optional
        Already partitioned counties.

    Returns
    -------
    DataFrame
        One row per county, sorted by county (``county_code``, ``district``,
        figures, files, ``status``, ``error``), also written as
        ``index.csv``; ``.attrs['seconds']`` and ``.attrs['cpu_seconds']``
        map each county code to its task's wall and CPU time.
    """
    from tqdm import tqdm

    from planner.io.profiles import load_profile

    s = settings or ReportSettings()
    prof = load_profile(profile) if isinstance(profile, str) else profile
    if speed is not None:
        prof = prof.with_speed(speed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if parts is None:
        parts = partition_counties(units, facilities, net, buffer_m=buffer_m, context=context)
    rows: list[dict] = []
    bar = tqdm(total=len(parts), desc=f"{tr('table.progress.counties', 'en')} / {tr('table.progress.counties', 'zh')}",
               unit="", disable=not progress, leave=True)
    try:
        if scheduler is not None:
            from dask.distributed import as_completed as dask_completed

            client, own = dask_client(scheduler)
            try:
                # the parts go to the workers as data, not inside the task graph
                data = client.scatter(parts)
                futures = client.map(run_county, data, out_dir=None, settings=s, profile=prof, pure=False)
                which = {f.key: p for f, p in zip(futures, parts, strict=True)}
                for fut in dask_completed(futures):
                    try:
                        row = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a lost worker fails its county only
                        row = _failed(which[fut.key], exc)
                    for name, data in row.pop("_files", {}).items():
                        _write_bytes(out / name, data)
                    rows.append(row)
                    bar.update(1)
            finally:
                if own:
                    client.close()
        elif workers > 1 and len(parts) > 1:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                futures = {pool.submit(run_county, p, out, s, profile=prof): p for p in parts}
                for fut in as_completed(futures):
                    try:
                        row = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker fails its county only
                        row = _failed(futures[fut], exc)
                    rows.append(row)
                    bar.update(1)
        else:
            for p in parts:
                bar.set_postfix_str(p.name)
                rows.append(run_county(p, out, s, profile=prof))
                bar.update(1)
    finally:
        bar.close()
    order = {p.key: i for i, p in enumerate(parts)}
    rows.sort(key=lambda r: order[r["county_code"]])
    seconds = {r["county_code"]: r.pop("_seconds", np.nan) for r in rows}
    cpu = {r["county_code"]: r.pop("_cpu_seconds", np.nan) for r in rows}
    index = pd.DataFrame(rows)
    write_index(index, out, settings=replace(s, county_name=""), targets=[
        t for t in prof.targets if t.unit_kind in ("community", "village") and t.id in index.columns])
    index.attrs["seconds"] = seconds
    index.attrs["cpu_seconds"] = cpu
    return index


def _write_bytes(path: Path, data: bytes) -> None:
    atomic_write_bytes(path, data)
