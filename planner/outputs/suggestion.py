"""Site suggestions written to files: a table, a GeoPackage layer and a JSON summary."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.outputs.writers import write_csv, write_gpkg, write_json
from planner.siting.suggest import Suggestion


def suggestion_table(suggestion: Suggestion, lang: str = "zh") -> pd.DataFrame:
    """The chosen sites as written to ``suggestions.csv`` (reasons in ``lang``)."""
    ch = suggestion.chosen
    return pd.DataFrame({
        "candidate_id": ch["candidate_id"], "order": ch["order"], "demand_gained": ch["gain_pop60"],
        "gain_units": ch["gain_units"], "name": ch["name"], "unit": ch["unit"],
        "lon": ch["lon"].round(7), "lat": ch["lat"].round(7), "capacity": ch["capacity"],
        "served": ch["served"], "reason": ch["reason_zh" if lang == "zh" else "reason_en"]})


def write_suggestion(suggestion: Suggestion, out_dir: str | Path, *, lang: str = "zh") -> dict[str, Path]:
    """Write ``suggestions.csv``, ``suggestions.gpkg`` and ``summary.json`` into ``out_dir``.

    ``suggestions.csv`` has ``candidate_id``, ``order``, ``demand_gained``
    (60+ persons or the demand weights newly within the walk),
    ``gain_units``, ``name``, ``unit``, ``lon``, ``lat``, ``capacity``,
    ``served`` and ``reason`` (in ``lang``); headers in ``lang``.

    Parameters
    ----------
    suggestion : Suggestion
        From :func:`planner.siting.suggest_sites`.
    out_dir : str or Path
        Folder (made if missing).
    lang : {'zh', 'en'}
        Language of the headers and reasons.

    Returns
    -------
    dict
        Name → written path.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {"csv": write_csv(suggestion_table(suggestion, lang), out / "suggestions.csv", lang=lang),
            "gpkg": write_gpkg({"suggestions": suggestion.layer()}, out / "suggestions.gpkg"),
            "summary": write_json(suggestion.summary(), out / "summary.json")}


__all__ = ["suggestion_table", "write_suggestion"]
