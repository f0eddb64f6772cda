"""Small helpers used across layers: atomic writes, digests, the cache folder, graph components.

One place for each; every module that writes a file, hashes one or keeps a
cache goes through these.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components

from planner._errors import PlannerError

CHUNK = 1 << 20  # bytes read at a time when hashing files


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a unique temporary path beside ``path``; rename it onto ``path`` on success.

    The temporary name is unique (two processes writing one target never share
    it) and removed when the block fails, so ``path`` is either the old file or
    the whole new one, never half of it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.part-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # writers (GDAL) want to create the file themselves
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def sha256_bytes(data: bytes) -> str:
    """SHA-256 hex digest of bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path, *, extra: bytes = b"") -> str:
    """SHA-256 hex digest of a file read in chunks, followed by ``extra``."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    h.update(extra)
    return h.hexdigest()


@lru_cache(maxsize=64)
def transformer(source: str, target: str) -> pyproj.Transformer:
    """A lon/lat-ordered (``always_xy``) transformer between two CRSs, made once per pair.

    pyproj remakes a transformer in every new thread (tens of milliseconds for
    a CRS-to-CRS search), and Streamlit runs every rerun in a new thread.  The
    operation found once is therefore kept as its PROJ pipeline, which remakes
    in a fraction of a millisecond; it is used only when it gives the same
    coordinates as the search on points spread over the CRSs' area of use.
    """
    made = pyproj.Transformer.from_crs(source, target, always_xy=True)
    try:
        fast = pyproj.Transformer.from_pipeline(made.definition)
        lon, lat = _probe_lonlat(source, target)
        x, y = transformer_uncached("EPSG:4326", source).transform(lon, lat)
        a, b = np.asarray(made.transform(x, y)), np.asarray(fast.transform(x, y))
        if np.all(np.isfinite(a)) and np.allclose(a, b, rtol=0, atol=1e-9 * max(1.0, float(np.abs(a).max()))):
            return fast
    except (pyproj.exceptions.ProjError, ValueError, TypeError):
        pass
    return made


def transformer_uncached(source: str, target: str) -> pyproj.Transformer:
    """A lon/lat-ordered transformer made afresh (see :func:`transformer`)."""
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def reproject(frame: Any, crs: Any, *, copy: bool = True) -> Any:
    """``frame.to_crs(crs)`` for a GeoDataFrame or GeoSeries, with the kept transformer.

    Same coordinates as geopandas (the same PROJ operation, see
    :func:`transformer`), without its per-thread search of tens of milliseconds:
    what the app reprojects on every rerun goes through here.

    ``copy=False`` is for a caller that only reads the result: it is then
    ``frame`` itself when already in ``crs``, else shares ``frame``'s other
    columns (a deep copy of a county's table on every edit is not free).
    ``frame`` is never modified either way.
    """
    target = pyproj.CRS.from_user_input(crs)
    if frame.crs is None:
        raise ValueError("cannot reproject data without a CRS")
    if frame.crs.equals(target):
        return frame.copy() if copy else frame
    tf = transformer(frame.crs.to_wkt(), target.to_wkt())

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = tf.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    geoms = shapely.transform(np.asarray(frame.geometry.values, dtype=object), _xy)
    out = frame.copy(deep=copy)  # a shallow copy's new geometry column does not reach ``frame``
    if hasattr(out, "set_geometry"):  # a GeoDataFrame: keep its geometry column's name
        out[out.geometry.name] = geoms
        return out.set_crs(target, allow_override=True)
    return type(frame)(geoms, index=frame.index, crs=target, name=frame.name)


def _probe_lonlat(*crss: str) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat points inside the area of use of every CRS given (centre and inner corners)."""
    w, s, e, n = -180.0, -90.0, 180.0, 90.0
    for c in crss:
        area = pyproj.CRS.from_user_input(c).area_of_use
        if area is not None:
            w, s, e, n = max(w, area.west), max(s, area.south), min(e, area.east), min(n, area.north)
    fx = np.array([0.5, 0.2, 0.8, 0.2, 0.8])
    fy = np.array([0.5, 0.2, 0.2, 0.8, 0.8])
    return w + fx * (e - w), s + fy * (n - s)


def cache_dir() -> Path:
    """The project's cache folder: ``$PLANNER_CACHE_DIR`` or ``~/.cache/eldercare-planner``."""
    base = os.environ.get("PLANNER_CACHE_DIR")
    return Path(base).expanduser() if base else Path.home() / ".cache" / "eldercare-planner"


def component_labels(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes of the undirected graph ``(u, v)``."""
    adj = sp.coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n)).tocsr()
    return connected_components(adj, directed=False)[1]


def largest_component(n: int, u: np.ndarray, v: np.ndarray,
                      among: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask of the nodes in the largest connected component.

    Parameters
    ----------
    n : int
        Number of nodes.
    u, v : ndarray of int
        The edges' end nodes.
    among : ndarray of bool, optional
        Count only these nodes when sizing components (e.g. nodes some edge uses).
    """
    labels = component_labels(n, u, v)
    counted = labels if among is None else labels[among]
    sizes = np.bincount(counted, minlength=int(labels.max()) + 1 if n else 0)
    if sizes.size == 0:
        return np.zeros(n, dtype=bool)
    return labels == int(np.argmax(sizes))


class UnionFind:
    """Disjoint sets over ``0..n-1``; the smaller index is a set's representative."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        """The representative of ``a``'s set (path halving)."""
        parent = self.parent
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(self, a: int, b: int) -> bool:
        """Join the sets of ``a`` and ``b``; ``False`` when they were one already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


def dask_client(scheduler):
    """A Dask client for ``scheduler`` (an address or a client) and whether the caller owns it.

    Parameters
    ----------
    scheduler : str or dask.distributed.Client
        A scheduler address (``tcp://host:8786``) or a client already made.

    Returns
    -------
    tuple
        The client, and ``True`` when it was made here (the caller closes it).

    Raises
    ------
    PlannerError
        Dask distributed is not installed, or the scheduler cannot be reached.
    """
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise PlannerError("--scheduler needs Dask distributed, which is not installed",
                           hint='pip install "eldercare-planner[province]"', code="util_dask_missing",
                           params={}) from exc
    if isinstance(scheduler, Client):
        return scheduler, False
    try:
        return Client(scheduler, timeout="20s"), True
    except (OSError, TimeoutError) as exc:
        raise PlannerError(f"cannot reach the Dask scheduler at {scheduler!r} ({exc})",
                           hint="start it with `dask scheduler` (and workers with `dask worker ADDRESS`), "
                                "or drop --scheduler to run on this machine",
                           code="util_dask_unreachable",
                           params={"scheduler": str(scheduler), "detail": str(exc)}) from exc
