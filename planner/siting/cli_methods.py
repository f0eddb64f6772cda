"""The work behind ``planner matrix`` and ``planner sweep`` (kept out of the command-line module).

Each function reads and checks its inputs, computes, and writes its output
whole or not at all (CSV, or Parquet by the file's suffix).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError, PlannerError
from planner.io.problems import problem_of
from planner.text import tr


def _noop(_: str) -> None:
    return None


def write_table(table: pd.DataFrame, out: str | Path) -> Path:
    """Write a long table as CSV (UTF-8 with BOM, for Excel) or Parquet, whole or not at all.

    Parameters
    ----------
    table : DataFrame
    out : str or Path
        ``.csv`` or ``.parquet``.

    Returns
    -------
    Path
    """
    from planner._util import atomic_path

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise problem_of(InputError, "siting_write_type", out, (), name=out.name)
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401 - pandas writes Parquet through it
        except ImportError as exc:
            raise problem_of(InputError, "siting_parquet_needs_pyarrow", out) from exc
    with atomic_path(out) as tmp:
        if suffix == ".parquet":
            table.to_parquet(tmp, index=False)
        else:
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
    return out


def _check_out(out: Path, inputs: Sequence[str | Path | None]) -> None:
    for p in inputs:
        if p is not None and Path(p).exists() and Path(p).resolve() == Path(out).resolve():
            raise problem_of(PlannerError, "siting_out_overwrites_input", out)


def parse_numbers(text: str, what: str) -> list[float]:
    """Positive numbers from ``"0.8,1.0,1.2"`` (any list separator).

    Examples
    --------
    >>> parse_numbers("0.8, 1.0,1.2", "--speeds")
    [0.8, 1.0, 1.2]
    """
    from planner.text.vocabulary import LIST_SEPARATORS

    for sep in LIST_SEPARATORS:
        text = text.replace(sep, ",")
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise problem_of(InputError, "siting_numbers_invalid", None, (), option=what, text=text) from exc
    if not values or min(values) <= 0:
        raise problem_of(InputError, "siting_numbers_not_positive", None, (), option=what, text=text)
    return sorted(set(values))


def run_matrix(network: str | Path, origins: str | Path, destinations: str | Path, out: str | Path, *,
               speed: float = 1.0, max_minutes: float = 60.0, coord_system: str = "wgs84",
               columns: Mapping[str, str] | None = None, crs: Mapping[str, str] | None = None,
               layers: Mapping[str, str] | None = None, encodings: Mapping[str, str] | None = None,
               road_options: Mapping[str, Any] | None = None, network_buffer: float | None = None,
               progress: Callable[[str], None] = _noop, lang: str = "zh") -> int:
    """Read the network and points, compute the walks within ``max_minutes`` and write the long table.

    Parameters
    ----------
    network, origins, destinations, out : str or Path
        The walking network, the two point files and the ``.csv``/``.parquet`` to write.
    speed, max_minutes : float
        Walking speed (m/s) and the longest walk kept.
    coord_system : str
        Datum of the points' degrees.
    columns : mapping, optional
        Your column names (:func:`planner.io.columns.parse_column_options`);
        ``origins.``/``destinations.``-prefixed entries are for one file.
    crs, layers, encodings : mapping, optional
        Per input (``origins``, ``destinations``, ``network``; ``"*"``: the
        two point files), as parsed by :func:`planner.io.columns.parse_input_options`.
    road_options : mapping, optional
        For a road centre-line layer as the network (``tolerance``, ``road_classes``).
    network_buffer : float, optional
        A ``.osm.pbf`` is clipped to the points' extent plus this many metres
        before parsing (default 2 km; 0 reads the whole file).
    progress : callable, optional
        Called with a line of text at each step, in ``lang``.

    Returns
    -------
    int
        Pairs written.
    """
    from planner.engine.network import DEFAULT_CLIP_BUFFER, load_network
    from planner.engine.reach import od_frame, od_matrix
    from planner.engine.travel import snap_points
    from planner.io import read_points
    from planner.io.columns import columns_for, input_option, network_read_options
    from planner.io.problems import reading_input
    from planner.schema import POINT_ALIASES

    if not speed > 0 or not max_minutes > 0:
        raise problem_of(InputError, "siting_speed_minutes_positive")
    _check_out(Path(out), [network, origins, destinations])
    if Path(out).suffix.lower() not in (".csv", ".parquet"):
        raise problem_of(InputError, "siting_out_type", out, (), name=Path(out).name)
    frames = []
    for kind, path in (("origins", origins), ("destinations", destinations)):
        with reading_input(kind):
            frames.append(read_points(path, coord_system=coord_system, crs=input_option(crs, kind),
                                      layer=input_option(layers, kind), encoding=input_option(encodings, kind),
                                      columns=columns_for(columns or {}, kind, POINT_ALIASES) or None))
    with reading_input("network"):
        net = load_network(network, road_options=network_read_options(road_options, crs=crs, layers=layers,
                                                                      encodings=encodings) or None,
                           area=gpd.GeoSeries(pd.concat([g.geometry.to_crs("EPSG:4326") for g in frames],
                                                        ignore_index=True), crs="EPSG:4326"),
                           buffer_m=DEFAULT_CLIP_BUFFER if network_buffer is None else network_buffer)
    progress(net.report.summary(lang))
    pts = []
    for g in frames:
        x, y = net.project(g.geometry.x.to_numpy(), g.geometry.y.to_numpy())
        pts.append((g["point_id"].astype(str).to_numpy(), snap_points(net, x, y)))
    (oid, osnap), (did, dsnap) = pts
    for snap, path in ((osnap, origins), (dsnap, destinations)):  # ids are unique: read_points checks
        if snap.far.any():
            progress(tr("siting.progress.far_points", lang, name=Path(path).name, n=int(snap.far.sum()),
                        max_snap=snap.max_snap))
    progress(tr("siting.progress.walks", lang, origins=len(oid), destinations=len(did)))
    metres = od_matrix(net, osnap, dsnap, max_metres=max_minutes * speed * 60.0)
    table = od_frame(metres, oid, did, speed)
    table["minutes"] = table["minutes"].round(4)
    table["metres"] = table["metres"].round(2)
    write_table(table, out)
    return len(table)


def run_sweep(units, facilities, network, out: str | Path, *, speeds: str | Sequence[float],
              minutes: Sequence[float], profiles: Sequence[str], workers: int = 1, scheduler=None,
              inputs: Sequence[str | Path | None] = (), progress: Callable[[str], None] = _noop,
              scenarios: Sequence[str | Path] = (), lang: str = "zh") -> int:
    """Run :func:`planner.siting.sweep.sweep` and write its long table.

    Returns
    -------
    int
        Rows written.
    """
    from planner.siting.sweep import sweep

    sp_ = parse_numbers(speeds, "--speeds") if isinstance(speeds, str) else [float(s) for s in speeds]
    _check_out(Path(out), list(inputs))
    if Path(out).suffix.lower() not in (".csv", ".parquet"):
        raise problem_of(InputError, "siting_out_type", out, (), name=Path(out).name)
    if not profiles:
        raise problem_of(InputError, "siting_profiles_none")
    progress(tr("siting.progress.sweep", lang, profiles=len(profiles), speeds=len(sp_), minutes=len(minutes))
             + (tr("siting.progress.dask", lang, scheduler=scheduler) if scheduler
                else tr("siting.progress.workers", lang, workers=workers)))
    from planner.analysis.scenario import read_scenario

    scen = {}
    for path in scenarios:
        s = read_scenario(path)
        scen[s.name or Path(path).stem] = tuple(s.edits)
    table = sweep(units, facilities, network, speeds=sp_, minutes=list(minutes), profiles=list(profiles),
                  workers=workers, scheduler=scheduler, scenarios=scen)
    table["value"] = np.round(table["value"].astype(float), 6)
    write_table(table, out)
    return len(table)


__all__ = ["parse_numbers", "run_matrix", "run_sweep", "write_table"]
