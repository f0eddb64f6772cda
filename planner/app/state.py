"""The Streamlit app's state: the inputs in use, uploads, and the caches behind a fast edit.

The app keeps what a planner built as plain data (a list of edit dicts, the
settings, the loaded inputs) and asks the ``planner.app`` modules for the
rest: this one holds the inputs (:class:`DataSet`, uploads read into it) and
the caches (:class:`ModelChain`, a small prefix cache so adding a facility is
one bounded search and undo is free; :class:`ServiceAreaCache`);
:mod:`planner.app.edits` makes edits, :mod:`planner.app.coords` converts
positions, :mod:`planner.app.views` fills the panels and
:mod:`planner.app.downloads` the download buttons.  Interface text is in the
catalogue (:func:`planner.text.tr`, keys ``app.*``).
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import tempfile
import threading
import time
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError, NetworkError, PlannerError
from planner._util import atomic_write_bytes, reproject, sha256_bytes, sha256_file
from planner.analysis.scenario import Edit, apply_edit
from planner.app.views import places_column
from planner.io import uploads
from planner.schema import FACILITY_COLUMNS
from planner.text import tr

if TYPE_CHECKING:
    from planner.analysis import Analysis
    from planner.engine import Model, WalkNetwork
    from planner.io import Profile

__all__ = ["DataSet", "ModelChain", "ServiceAreaCache", "UploadFolder", "check_overlap", "collect_after_uploads",
           "demo_dataset", "empty_facilities", "error_text", "hide_paths", "layer_names", "load_network_file",
           "next_facility_id", "raw_columns",
           "read_user_data", "save_upload", "settings_profile", "suggest_available", "suggest_site_edits",
           "suggestion_edits", "upload_dir"]


_PATH = re.compile(r"(?<![\w.:/])(?:[A-Za-z]:)?(?:[\\/][^\s\\/:'\"<>|]+)+[\\/]([^\s\\/:'\"<>|]+)")


def hide_paths(text: str) -> str:
    """``text`` with every absolute file path shortened to its file name (no server paths shown).

    Examples
    --------
    >>> hide_paths("/tmp/planner-abc/3f2e/村界.gpkg: not a GeoPackage; speed 1.0 m/s")
    '村界.gpkg: not a GeoPackage; speed 1.0 m/s'
    """
    return _PATH.sub(lambda m: m.group(1), text)


def error_text(exc: BaseException, lang: str = "zh") -> str:
    """A planner-facing message for an exception, in ``lang``: no traceback, no server path.

    A :class:`PlannerError` is shown as :meth:`PlannerError.display` gives it
    (the file's name only); any other exception by its type and message with
    paths shortened to file names.
    """
    if isinstance(exc, PlannerError):
        return hide_paths(exc.display(lang, show_path=True))
    return hide_paths(f"{type(exc).__name__}: {exc}")


# --- inputs and uploads ---------------------------------------------------------------------------


class UploadFolder:
    """A private folder for one session's uploads, deleted when the session ends.

    Created with :func:`tempfile.mkdtemp` (mode 0700: other local users cannot
    list or read it); each upload is checked and written once, under a folder
    named by its digest, and reused on later reruns; the folder is removed by
    :meth:`cleanup`, when the object is garbage-collected (Streamlit drops
    the session state of a closed session) or at interpreter exit.

    Parameters
    ----------
    root : str or Path, optional
        Where to create the folder (default: the system temporary folder).
    """

    PREFIX = "planner-session-"

    def __init__(self, root: str | Path | None = None):
        # the server's process id in the name: a server killed before its sessions ended leaves
        # folders that the next server removes (see :func:`remove_stale_sessions`)
        self.path = Path(tempfile.mkdtemp(prefix=f"{self.PREFIX}{os.getpid()}-", dir=root))
        remove_stale_sessions(self.path.parent)
        self._saved: dict[tuple[str, str, str | None], Path] = {}
        self._memo: dict[tuple, object] = {}
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.path), ignore_errors=True)

    def save(self, data: bytes, filename: str, kind: str | None = None) -> Path:
        """Check and write an upload once (see :func:`save_upload`); later calls return the same path.

        Raises
        ------
        InputError
            The upload fails the checks of :func:`planner.io.uploads.save_upload`.
        """
        key = (sha256_bytes(data), Path(str(filename)).name, kind)
        hit = self._saved.get(key)
        if hit is not None and hit.is_file():
            return hit
        path = save_upload(data, filename, self.path, kind=kind)
        self._saved[key] = path
        return path

    def remember(self, key: tuple, make: Callable[[], object]) -> object:
        """``make()`` computed once per ``key`` for this session (e.g. an upload's columns).

        A rerun after every map click must not parse the uploaded files again;
        a failure is not remembered (it is raised again, and shown again).
        """
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @property
    def alive(self) -> bool:
        """Whether the folder has not been removed yet."""
        return self._finalizer.alive

    def cleanup(self) -> None:
        """Remove the folder and everything in it (idempotent)."""
        self._finalizer()
        self._saved.clear()
        self._memo.clear()


def remove_stale_sessions(root: str | Path) -> list[Path]:
    """Remove session upload folders left by app servers that are no longer running.

    Only folders of this user named ``planner-session-<pid>-…`` whose process
    is gone are removed (a live process, another user's folder or any other
    name is left alone).

    Returns
    -------
    list of Path
        The folders removed.
    """
    removed = []
    for d in Path(root).glob(f"{UploadFolder.PREFIX}*"):
        m = re.match(rf"{UploadFolder.PREFIX}(\d+)-", d.name)
        try:
            if not m or not d.is_dir() or d.stat().st_uid != os.getuid():
                continue
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:  # the server that made it has gone
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
        except (OSError, ValueError, OverflowError):  # alive under another user, or unreadable
            continue
    return removed


def upload_dir() -> Path:
    """A new private folder (mode 0700) for uploads; prefer one :class:`UploadFolder` per session.

    Nothing is shared between calls (the old fixed ``planner-uploads`` folder
    was shared by every session on the machine); the caller removes it.
    """
    return Path(tempfile.mkdtemp(prefix="planner-uploads-"))


def save_upload(data: bytes, filename: str, folder: str | Path, *,
                kind: str | None = None) -> Path:
    """Check uploaded bytes and write them to ``folder/<hash>/<filename>`` (reused when there).

    The name is kept because readers choose by suffix (``.osm.pbf``, ``.zip``...).

    Parameters
    ----------
    data : bytes
        The uploaded file.
    filename : str
        Its name as uploaded (only the last part is used).
    folder : str or Path
        Where to keep uploads: the session's :class:`UploadFolder`.
    kind : str, optional
        'boundaries', 'facilities', 'network' or 'scenario': the upload is
        first checked by :func:`planner.io.uploads.save_upload` (type by
        suffix and content, size, zip safety), which raises :class:`InputError`.
    """
    dest = Path(folder) / sha256_bytes(data)[:20]
    if kind is not None and kind in uploads.ALLOWED_SUFFIXES:
        return uploads.save_upload(filename, data, kind, dest)
    target = dest / (Path(str(filename).replace("\\", "/")).name or "upload")
    if not (target.is_file() and target.stat().st_size == len(data)):
        atomic_write_bytes(target, data)
    return target


@dataclass(frozen=True, eq=False)
class DataSet:
    """The inputs the app analyses: boundaries, facilities and a network file.

    Attributes
    ----------
    units, facilities : GeoDataFrame
        As returned by :func:`planner.io.boundaries.read_boundaries` / :func:`planner.io.points.read_facilities`.
    network_path : Path
        The walking network file.
    inputs : dict
        Role → {'name', 'sha256'} of the files (for scenario files).
    is_demo : bool
        Whether these are the built-in demo county's files.
    context : dict
        Water and roads for the maps (``water``, ``roads``, ``county`` layers of a
        boundaries GeoPackage, see :func:`planner.outputs.printmap.context_layers`).
    """

    units: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    network_path: Path
    inputs: dict = field(default_factory=dict)
    is_demo: bool = False
    context: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """A short key identifying the inputs (for caches)."""
        blob = json.dumps(self.inputs, sort_keys=True).encode()
        return ("demo-" if self.is_demo else "data-") + sha256_bytes(blob)[:16]

    @property
    def network_sha(self) -> str:
        """SHA-256 of the network file."""
        return self.inputs.get("network", {}).get("sha256", "")

    @property
    def network_crs(self) -> str | None:
        """The coordinate system given for a road layer without one (None: the file's own)."""
        return self.inputs.get("network", {}).get("crs")


def demo_dataset() -> DataSet:
    """The built-in demo county (示例县) as a :class:`DataSet`."""
    from planner.demo import demo_paths
    from planner.io import read_boundaries, read_facilities

    p = demo_paths()
    units = read_boundaries(p.boundaries, layer="units")
    fac = read_facilities(p.facilities)
    inputs = {role: {"name": Path(path).name, "sha256": sha256_file(path)}
              for role, path in (("boundaries", p.boundaries), ("facilities", p.facilities),
                                 ("network", p.network))}
    return DataSet(units=units, facilities=fac, network_path=Path(p.network), inputs=inputs, is_demo=True,
                   context=_context_of(p.boundaries))


def _context_of(boundaries: str | Path) -> dict:
    """The map context layers of a boundaries GeoPackage (read only once the file has been checked)."""
    from planner.outputs.printmap import context_layers

    return context_layers(boundaries)


def empty_facilities() -> gpd.GeoDataFrame:
    """A facility layer with no rows (planning from scratch)."""
    df = pd.DataFrame({c: pd.Series(dtype=float if c in ("capacity", "nursing_beds") else object)
                       for c in FACILITY_COLUMNS})
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def layer_names(path: str | Path) -> list[str]:
    """Layer names of a GeoPackage (empty for other files or unreadable ones)."""
    if not str(path).lower().endswith(".gpkg"):
        return []
    try:
        import pyogrio

        return [str(r[0]) for r in pyogrio.list_layers(str(path))]
    except Exception:  # unreadable files are reported by the reader itself
        return []


UPLOAD_READS_AT_ONCE = 1
"""Uploads parsed at the same time in one server process: several sessions reading large files at
once would each add hundreds of megabytes (a 40 MB table parses into ~180 MB); one at a time keeps
the server's memory bounded whatever the sessions upload."""

_UPLOAD_READS = threading.BoundedSemaphore(UPLOAD_READS_AT_ONCE)  # process-wide by design


@contextmanager
def upload_reads(waiting: Callable[[], object] | None = None) -> Iterator[None]:
    """Hold the server's upload-reading slot (see :data:`UPLOAD_READS_AT_ONCE`) while parsing a user's files.

    Parameters
    ----------
    waiting : callable, optional
        Called once when the slot is taken by another session, before waiting
        for it (the app says so rather than seeming to hang).
    """
    if not _UPLOAD_READS.acquire(blocking=False):
        if waiting is not None:
            waiting()
        _UPLOAD_READS.acquire()
    try:
        yield
    finally:
        _UPLOAD_READS.release()


def collect_after_uploads(session: Mapping[str, object], keys: Sequence[str]) -> bool:
    """Collect garbage at the end of a run whose session holds an upload in any of the widgets ``keys``.

    The app turns off Streamlit's full collection after every run (it cost
    0.09 s of CPU per run on the demo, two runs per map click); without it,
    the cycles left by reading large uploads stayed until Python's own
    collector came round, and two sessions uploading 40 MB files took the
    server from 0.6 to 1.3 GB.  Only the sessions that upload pay for it.

    Returns
    -------
    bool
        Whether it collected.
    """
    if not any(session.get(k) is not None for k in keys):
        return False
    gc.collect()
    return True


COLUMN_SAMPLE_ROWS = 20
"""Rows read below a table's header to list its columns (a column empty in all of them is dropped)."""


def raw_columns(path: str | Path, layer: str | None = None) -> list[str]:
    """Column names of an uploaded layer or table, for the mapping widgets.

    Raises
    ------
    InputError
        The file cannot be read.
    """
    from planner.io import read_layer, read_table

    p = Path(path)
    if p.suffix.lower() in (".csv", ".txt", ".xlsx", ".xls"):
        with upload_reads():
            return [str(c) for c in read_table(p, nrows=COLUMN_SAMPLE_ROWS).columns]  # the header only
    with upload_reads(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf = read_layer(p, layer=layer)
    return [str(c) for c in gdf.columns if c != gdf.geometry.name]


def read_user_data(current: DataSet, *, boundaries: Path | None = None, facilities: Path | None = None,
                   network: Path | None = None, boundary_columns: Mapping[str, str] | None = None,
                   facility_columns: Mapping[str, str] | None = None, boundary_layer: str | None = None,
                   facility_layer: str | None = None, coord_system: str = "wgs84",
                   default_type: str | None = None, crs: Mapping[str, str | None] | None = None,
                   load_network: Callable[[Path, str | None], object] | None = None,
                   waiting: Callable[[], object] | None = None) -> DataSet:
    """A new :class:`DataSet`: the uploaded parts read, the rest kept from ``current``.

    Parameters
    ----------
    current : DataSet
        The data in use; what is not uploaded is kept from it.
    boundaries, facilities, network : Path, optional
        The saved uploads (see :func:`save_upload`).
    boundary_columns, facility_columns : mapping, optional
        Canonical column -> the file's column, as chosen in the mapping widgets
        (empty choices are ignored).
    boundary_layer, facility_layer : str, optional
        The layer of a GeoPackage with several.
    coord_system : str, default 'wgs84'
        Coordinates of longitude/latitude facility tables.
    default_type : str, optional
        Facility type of every row when the table has no type column.
    crs : mapping, optional
        Role (``boundaries``, ``facilities``, ``network``) -> the coordinate
        system of a file without one (e.g. ``'EPSG:4548'``; empty: the file's own).
        A network's is kept in ``inputs['network']['crs']``.
    load_network : callable, optional
        ``load_network(path, crs)`` used to check the network (the app passes its
        cached loader); default :func:`planner.engine.load_network`.
    waiting : callable, optional
        Called when another session's upload is being read first (see :func:`upload_reads`).

    Raises
    ------
    PlannerError
        Any part cannot be read (nothing is changed then).
    """
    from planner.io import read_boundaries, read_facilities

    given_crs = {k: str(v).strip() for k, v in (crs or {}).items() if v and str(v).strip()}

    given = {"boundaries": boundaries, "facilities": facilities, "network": network}
    missing = [k for k, v in given.items() if v is None]
    if current.is_demo and missing:  # said before anything is read
        # the synthetic demo county never completes a user's own data
        names = tr("app.list_sep").join(tr(f"app.input_{k}") for k in missing)
        raise InputError(f"upload the {', '.join(missing)} too: the demo county is not mixed with your data",
                         code="app_inputs_missing", params={"missing@zh": names,
                                                            "missing@en": ", ".join(missing)})
    inputs = dict(current.inputs)
    units, fac, net_path = current.units, current.facilities, current.network_path
    context = current.context
    with upload_reads(waiting):  # one upload parsed at a time on the server (bounded memory)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if boundaries is not None:
                units = read_boundaries(boundaries, layer=boundary_layer, crs=given_crs.get("boundaries"),
                                        columns={k: v for k, v in (boundary_columns or {}).items() if v})
                inputs["boundaries"] = {"name": boundaries.name, "sha256": sha256_file(boundaries)}
                context = _context_of(boundaries)  # read_boundaries has checked the file
            if facilities is not None:
                fac = read_facilities(facilities, layer=facility_layer, coord_system=coord_system,
                                      crs=given_crs.get("facilities"),
                                      columns={k: v for k, v in (facility_columns or {}).items() if v},
                                      default_type=default_type)
                inputs["facilities"] = {"name": facilities.name, "sha256": sha256_file(facilities)}
        if network is not None:
            net_crs = given_crs.get("network")
            if load_network is not None:
                load_network(network, net_crs)
            else:
                load_network_file(network, net_crs)
            net_path = network
            inputs["network"] = {"name": network.name, "sha256": sha256_file(network),
                                 **({"crs": net_crs} if net_crs else {})}
    return DataSet(units=units, facilities=fac, network_path=Path(net_path), inputs=inputs, is_demo=False,
                   context=context)


def load_network_file(path: str | Path, crs: str | None = None) -> WalkNetwork:
    """The walking network of an upload; ``crs`` is a road layer's coordinate system when it has none.

    Parameters
    ----------
    path : str or Path
        A network file (see :func:`planner.engine.load_network`).
    crs : str, optional
        For a road centre-line layer without one (e.g. ``'EPSG:4548'``);
        OSM and GraphML files carry theirs.
    """
    from planner.engine import load_network

    return load_network(path, road_options={"layer_crs": crs} if crs else None)


def check_overlap(units: gpd.GeoDataFrame, network: WalkNetwork) -> NetworkError | None:
    """The error to raise when the boundaries and the network do not overlap (None when they do)."""
    import shapely

    if not len(units) or network.n_nodes == 0:
        return None
    lon, lat = network.lonlat()
    x0, y0, x1, y1 = reproject(units, "EPSG:4326").total_bounds
    inside = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    if inside.mean() > 0 or shapely.box(x0, y0, x1, y1).intersects(
            shapely.box(lon.min(), lat.min(), lon.max(), lat.max())):
        return None
    return NetworkError("the network does not overlap the boundaries (check that both cover the same county)",
                        hint="upload the network of the same area", code="app_network_elsewhere", params={})


def settings_profile(profile: str, speed: float | None = None, minutes: float | None = None) -> Profile:
    """The standards profile with the app's speed and catchment settings applied.

    Parameters
    ----------
    profile : str
        A shipped profile's name or a ``.toml`` file.
    speed : float, optional
        Walking speed (m/s) replacing the profile's.
    minutes : float, optional
        One catchment (minutes) for every target, replacing the profile's.
    """
    from planner.io import load_profile

    prof = load_profile(profile)
    if speed is not None:
        prof = prof.with_speed(speed)
    if minutes is not None:
        prof = prof.with_minutes(minutes)
    return prof


# --- the edited models and their caches --------------------------------------------------------


def next_facility_id(model, facility_type: str, edits: Sequence[Mapping] = ()) -> str:
    """A new facility id unused by the model's facilities and by earlier edits."""
    from planner.analysis.scenario import new_facility_id

    taken = set(model.facilities["facility_id"].astype(str)) | {str(e.get("facility_id")) for e in edits}
    return new_facility_id(facility_type, taken)


def same_objects(a: Sequence, b: Sequence) -> bool:
    """Whether two tuples hold the very same objects (strings and None: equal ones).

    The app's caches hand out the same object while its inputs are unchanged,
    so identity says "unchanged" without comparing frames.  The caller keeps
    ``a`` alive, so an id is never reused while it is compared.
    """
    return len(a) == len(b) and all(
        x is y or (isinstance(x, str) and isinstance(y, str) and x == y) for x, y in zip(a, b, strict=True))


class ModelChain:
    """Models after each prefix of the edit list, kept in a small LRU cache.

    ``model(base_key, base, edits)`` starts from the longest cached prefix of
    ``edits`` and applies only the rest, so appending an edit costs one edit
    (an added facility is one bounded search) and undo is a cache hit.
    """

    def __init__(self, max_entries: int = 48):
        self.max_entries = max_entries
        self._cache: OrderedDict[tuple, Model] = OrderedDict()
        self._analyses: OrderedDict[tuple, Analysis] = OrderedDict()
        self._places: OrderedDict[tuple, pd.Series] = OrderedDict()
        self.last_apply_seconds = 0.0
        self.applied = 0  # edits applied by the last call (0 = cache hit)

    @staticmethod
    def key(base_key: str, edits: Sequence[Mapping]) -> tuple:
        """Cache key of a base and an edit list."""
        return (base_key, *(json.dumps(dict(e), sort_keys=True) for e in edits))

    def _put(self, store: OrderedDict, key: tuple, value: object) -> None:
        store[key] = value
        store.move_to_end(key)
        while len(store) > self.max_entries:
            store.popitem(last=False)

    def model(self, base_key: str, base: Model, edits: Sequence[Mapping]) -> Model:
        """The base model with the edits applied (incrementally from the cache).

        Parameters
        ----------
        base_key : str
            Identifies ``base`` (data and settings) in the cache.
        base : Model
            The model before any edit.
        edits : sequence of dict
            The session's edits, applied in order.
        """
        t0 = time.perf_counter()
        full = self.key(base_key, edits)
        n = len(edits)
        start, model = 0, base
        for k in range(n, 0, -1):
            hit = self._cache.get(full[: k + 1])
            if hit is not None:
                start, model = k, hit
                self._cache.move_to_end(full[: k + 1])
                break
        for i in range(start, n):
            model = apply_edit(model, Edit.from_dict(edits[i], i), i)
            self._put(self._cache, full[: i + 2], model)
        self.applied = n - start
        self.last_apply_seconds = time.perf_counter() - t0
        return model

    def analysis(self, base_key: str, base_analysis: Analysis, edits: Sequence[Mapping]) -> Analysis:
        """The analysis of the edited model (the base analysis when there are no edits).

        Parameters
        ----------
        base_key : str
            Identifies the base (data and settings) in the cache.
        base_analysis : Analysis
            The analysis before any edit.
        edits : sequence of dict
            The session's edits, applied in order.
        """
        from planner.analysis import analysis_of

        if not edits:
            return base_analysis
        key = self.key(base_key, edits)
        hit = self._analyses.get(key)
        if hit is not None:
            self._analyses.move_to_end(key)
            return hit
        a = analysis_of(self.model(base_key, base_analysis.model, edits), **base_analysis.scoring)
        self._put(self._analyses, key, a)
        return a

    def places(self, base_key: str, base_model: Model, edits: Sequence[Mapping], facility_type: str) -> pd.Series:
        """:func:`planner.app.views.places_column` of the edited model, cached by the position in the chain.

        Parameters
        ----------
        base_key : str
            Identifies ``base_model`` in the cache.
        base_model : Model
            The model before any edit.
        edits : sequence of dict
            The session's edits.
        facility_type : str
            The facility type whose places are counted.
        """
        key = (*self.key(base_key, edits), "places", facility_type)
        hit = self._places.get(key)
        if hit is not None:
            self._places.move_to_end(key)
            return hit
        col = places_column(self.model(base_key, base_model, edits), facility_type)
        self._put(self._places, key, col)
        return col

    def clear(self) -> None:
        """Forget every cached model."""
        self._cache.clear()
        self._analyses.clear()
        self._places.clear()


def _merge(old, extra):
    """``old ∪ extra``, touching only the parts of ``old`` near ``extra`` (a county's area has thousands)."""
    import shapely

    if extra.is_empty:
        return old
    parts = shapely.get_parts(old)
    if parts.size == 0:
        return extra
    bx = shapely.bounds(parts)
    x0, y0, x1, y1 = extra.bounds
    near = (bx[:, 0] <= x1) & (bx[:, 2] >= x0) & (bx[:, 1] <= y1) & (bx[:, 3] >= y0)
    # the parts of an area never overlap: those away from the new reach stay as they are
    joined = shapely.get_parts(shapely.union_all(np.r_[parts[near], shapely.get_parts(extra)]))
    out = [*parts[~near], *joined]
    return out[0] if len(out) == 1 else shapely.MultiPolygon(out)


@dataclass(frozen=True)
class _Areas:
    """One type's service areas for one set of its facilities."""

    dist: np.ndarray  # the type's node distances they were made from
    frame: gpd.GeoDataFrame  # WGS-84, one row per walk
    polys: list  # metric polygons, one per walk
    site_ids: frozenset  # the active facilities of the type
    network: int  # id of the network


class ServiceAreaCache:
    """Service-area polygons per facility type, reused while that type's distances are unchanged.

    An added (or promoted) facility only adds its own catchment: the union of
    the previous areas and the areas walked from the nodes it brought nearer
    is the new service area (within one grid cell of a rebuild, where the
    rasters' cells differ), so the planner's click costs a small raster, not a
    county's.  Removals and moves rebuild the type.
    """

    GROW_SHARE = 0.25
    """Above this share of the network's nodes changed, a rebuild is as cheap as growing."""

    def __init__(self, max_entries: int = 64):
        self.max_entries = max_entries
        self._store: OrderedDict[tuple, _Areas] = OrderedDict()
        self._latest: dict[tuple, tuple] = {}  # (type, walks, speed, network) -> key of the newest entry
        self._joined: tuple[tuple, gpd.GeoDataFrame] | None = None  # the last layer and its parts

    def layer(self, model: Model, facility_types: Sequence[str], minutes: Sequence[float]) -> gpd.GeoDataFrame:
        """Polygons of the types (WGS-84), computed only for types whose distances changed.

        After an edit only the edited type's distances change, so only its
        polygons are made again: grown by the new facility's catchment after
        an addition, rebuilt (one raster for all walks) otherwise.

        Parameters
        ----------
        model : Model
            The (edited) model.
        facility_types : sequence of str
            The types whose service areas are shown.
        minutes : sequence of float
            The walks drawn.
        """
        parts = []
        mins = tuple(sorted(float(m) for m in minutes))
        for t in facility_types:
            fld = model.fields.get(t)
            if fld is None:
                continue
            key = (t, mins, id(fld.dist), model.speed)
            hit = self._store.get(key)
            if hit is None or hit.dist is not fld.dist:
                family = (t, mins, model.speed, id(model.network))
                prev = self._store.get(self._latest.get(family, ()))
                hit = self._grown(model, t, mins, fld.dist, prev) or self._built(model, t, mins, fld.dist)
                self._store[key] = hit
                self._latest[family] = key
                while len(self._store) > self.max_entries:
                    self._store.popitem(last=False)
            self._store.move_to_end(key)
            parts.append(hit.frame)
        if not parts:
            return gpd.GeoDataFrame({"facility_type": [], "minutes": [], "metres": []}, geometry=[],
                                    crs="EPSG:4326")
        # the same parts give the same frame object: the map then knows nothing changed
        if self._joined is not None and len(self._joined[0]) == len(parts) and all(
                a is b for a, b in zip(self._joined[0], parts, strict=True)):
            return self._joined[1]
        joined = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
        self._joined = (tuple(parts), joined)
        return joined

    @staticmethod
    def _site_ids(model: Model, t: str) -> tuple[np.ndarray, frozenset]:
        pos = np.nonzero(model.type_mask(t))[0]
        return pos, frozenset(model.facilities["facility_id"].astype(str).to_numpy()[pos].tolist())

    def _built(self, model: Model, t: str, mins: tuple, dist: np.ndarray) -> _Areas:
        """The type's areas from one walking-time raster for all walks."""
        from planner.analysis.result import service_area_frame

        pos, ids = self._site_ids(model, t)
        polys = self._polygons(model, mins, dist, model.facility_snap.take(pos))
        return _Areas(dist, service_area_frame(model, {t: polys}, mins), polys, ids, id(model.network))

    def _grown(self, model: Model, t: str, mins: tuple, dist: np.ndarray, prev: _Areas | None) -> _Areas | None:
        """The previous areas grown by the catchments of facilities added since (None: rebuild)."""
        from planner.analysis.result import service_area_frame

        if prev is None or prev.network != id(model.network) or prev.dist.shape != dist.shape:
            return None
        pos, ids = self._site_ids(model, t)
        if not prev.site_ids < ids or np.any(dist > prev.dist):  # not a pure addition
            return None
        nearer = dist < prev.dist
        if nearer.mean() > self.GROW_SHARE:
            return None
        fid = model.facilities["facility_id"].astype(str).to_numpy()
        added = pos[[f not in prev.site_ids for f in fid[pos]]]
        # walks from the nodes the new sites brought nearer (elsewhere the old areas already reach)
        extra = self._polygons(model, mins, np.where(nearer, dist, np.inf), model.facility_snap.take(added))
        polys = [_merge(a, b) for a, b in zip(prev.polys, extra, strict=True)]
        # one union (metric) and a reprojection: a second union in WGS-84 costs more than the latter
        return _Areas(dist, service_area_frame(model, {t: polys}, mins), polys, ids, id(model.network))

    @staticmethod
    def _polygons(model: Model, mins: tuple, dist: np.ndarray, sites) -> list:
        """Metric polygons, one per walk, from one walking-time raster for all walks."""
        from planner.engine.isochrones import service_areas
        from planner.engine.travel import to_metres

        limits = [float(to_metres(m, model.speed)) for m in mins]
        return service_areas(model.network, dist, limits, sites=sites)


# --- site suggestions ----------------------------------------------------------------------------


def suggest_available() -> bool:
    """Whether site suggestions (:func:`planner.siting.suggest_sites`) are installed."""
    try:
        from planner.siting import suggest_sites  # noqa: F401
    except ImportError:
        return False
    return True


def suggestion_edits(model, facility_type: str, count: int, edits: Sequence[Mapping],
                     lang: str = "zh") -> list[dict]:
    """Edits realising the sites :func:`planner.siting.suggest_sites` chooses (see :func:`suggest_site_edits`)."""
    return suggest_site_edits(model, facility_type, count, edits, lang)[0]


def suggest_site_edits(model, facility_type: str, count: int, edits: Sequence[Mapping],
                       lang: str = "zh") -> tuple[list[dict], dict[str, dict]]:
    """Edits realising the sites :func:`planner.siting.suggest_sites` chooses, and what each adds.

    A chosen candidate that is already one of the model's facilities (status
    'candidate') is set to 'planned'; any other chosen point is added with a
    new id (:func:`planner.analysis.scenario.site_edits`, the rule siting uses too)
    and the type's usual places (:func:`planner.app.defaults.usual_capacity`).

    Returns
    -------
    (list of dict, dict)
        The edits, and facility id -> ``{'unit', 'gain_pop60', 'gain_units',
        'unit_kind'}`` (the unit the site lies in, the people 60+ and the
        units it newly covers, in the order chosen) for the edit list.
    """
    from planner.analysis.scenario import site_edits
    from planner.app.defaults import usual_capacity
    from planner.schema import FACILITY_TYPES
    from planner.siting import suggest_sites
    from planner.text import tr, type_label

    chosen = suggest_sites(model, facility_type, count=int(count)).chosen
    cap, _ = usual_capacity(model.facilities, facility_type)
    # the app's added sites get fresh ids, names in the chosen language and the usual places
    sites = pd.DataFrame({
        "candidate_id": chosen["candidate_id"].astype(str).to_numpy(),
        "lon": [round(float(v), 7) for v in chosen["lon"]],
        "lat": [round(float(v), 7) for v in chosen["lat"]],
        "name": [tr("app.suggested_name", lang, type=type_label(facility_type, lang), k=k)
                 for k in range(1, len(chosen) + 1)],
        "capacity": cap if cap > 0 else np.nan})
    out = [e.to_dict() for e in site_edits(model, facility_type, sites, status="planned", edits=edits,
                                           keep_ids=False)]
    level = FACILITY_TYPES[facility_type].level
    notes = {}
    for e, row in zip(out, chosen.to_dict(orient="records"), strict=True):
        notes[str(e["facility_id"])] = {
            "unit": str(row.get("unit") or ""),
            "gain_pop60": float(row.get("gain_pop60") or 0.0),
            "gain_units": int(row.get("gain_units") or 0),
            "unit_kind": level if level in ("community", "village") else "village"}
    return out, notes
