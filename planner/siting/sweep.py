"""Sensitivity sweeps: every profile target over walking speeds × catchment minutes × profiles × scenarios.

One model per (profile, speed) — the walking distances do not depend on the
catchment — scored for each catchment with :meth:`Profile.with_minutes`, and
for each scenario (its edits applied to that model; ``baseline`` has none).  The
(profile, speed) tasks run one after another, in a local process pool
(``workers``) or on a Dask cluster (``scheduler``), as ``planner report`` runs
counties.  The result is one long table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError, PlannerError
from planner._util import dask_client
from planner.io.problems import problem_of

BASELINE = "baseline"
COLUMNS = ["profile", "scenario", "speed", "minutes", "metres", "target_id", "label_en", "measure", "value", "target",
           "met", "n_units", "n_met"]


def _task(units: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, network, profile: str, speed: float,
          minutes: Sequence[float], scenarios: Mapping[str, Sequence] | None = None) -> list[dict]:
    """Score one (profile, speed) for every scenario and catchment (pure: runs in a worker)."""
    from planner.analysis.scenario import apply_edits
    from planner.engine.model import build_model
    from planner.io.profiles import load_profile

    prof = load_profile(profile)
    base = build_model(units, facilities, network, profile=prof, speed=speed,
                       search_minutes=max([60.0, *minutes]))
    rows = []
    for name, edits in (scenarios or {BASELINE: ()}).items():
        model = apply_edits(base, edits) if edits else base
        rows.extend(_scores(model, prof, profile, name, speed, minutes))
    return rows


def _scores(model, prof, profile: str, scenario: str, speed: float, minutes: Sequence[float]) -> list[dict]:
    """The rows of one model: every target at every catchment."""
    from planner.analysis.coverage import score_profile

    rows = []
    for m in minutes:
        for sc in score_profile(model, prof.with_minutes(m)):
            t = sc.target
            rows.append({"profile": profile, "scenario": scenario, "speed": float(speed), "minutes": float(m),
                         "metres": float(speed) * float(m) * 60.0, "target_id": t.id, "label_en": t.label_en,
                         "measure": t.measure, "value": float(sc.value),
                         "target": float(t.min_count) if t.measure == "count" else float(t.share),
                         "met": sc.met, "n_units": sc.n_units, "n_met": sc.n_met})
    return rows


def sweep(units: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, network, *, speeds: Sequence[float],
          minutes: Sequence[float], profiles: Sequence[str] = ("national",), workers: int = 1,
          scheduler=None, scenarios: Mapping[str, Sequence] | None = None) -> pd.DataFrame:
    """Every target's value over speeds × minutes × profiles, as one long table.

    Parameters
    ----------
    units, facilities : GeoDataFrame
        As for :func:`planner.engine.build_model`.
    network : WalkNetwork
    speeds : sequence of float
        Walking speeds (m/s).
    minutes : sequence of float
        Catchments: every walk-based target and catchment set to each.
    profiles : sequence of str
        Standards profile names or .toml files.
    workers : int
        (profile, speed) tasks run in parallel on this machine.
    scheduler : str or dask.distributed.Client, optional
        Run the tasks on this Dask cluster instead.
    scenarios : mapping, optional
        Scenario name -> its edits (:class:`planner.analysis.scenario.Edit`);
        the ``baseline`` (no edits) is always included.

    Returns
    -------
    DataFrame
        ``profile``, ``scenario``, ``speed``, ``minutes``, ``metres`` (catchment distance),
        ``target_id``, ``label_en``, ``measure``, ``value``, ``target``,
        ``met``, ``n_units``, ``n_met``; one row per combination and target.

    Raises
    ------
    InputError
        Empty or non-positive speeds or minutes.
    """
    speeds = [float(s) for s in speeds]
    minutes = sorted({float(m) for m in minutes})
    if not speeds or not minutes or min(speeds) <= 0 or min(minutes) <= 0:
        raise problem_of(InputError, "siting_sweep_not_positive")
    tasks = [(p, s) for p in profiles for s in speeds]
    scen: dict[str, Sequence] = {BASELINE: (), **dict(scenarios or {})}
    if scheduler is not None:
        client, own = dask_client(scheduler)
        try:
            futs = [client.submit(_task, units, facilities, network, p, s, minutes, scen, pure=False)
                    for p, s in tasks]
            parts = client.gather(futs)
        finally:
            if own:
                client.close()
    elif workers > 1 and len(tasks) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)),
                                 mp_context=mp.get_context("spawn")) as pool:
            futs = [pool.submit(_task, units, facilities, network, p, s, minutes, scen) for p, s in tasks]
            parts = [f.result() for f in futs]
    else:
        parts = [_task(units, facilities, network, p, s, minutes, scen) for p, s in tasks]
    rows = [r for part in parts for r in part]
    if not rows:
        raise problem_of(PlannerError, "siting_sweep_no_rows")
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["value"] = out["value"].astype(float).where(np.isfinite(out["value"]))
    return out


__all__ = ["BASELINE", "COLUMNS", "sweep"]
