"""Defaults the app offers a planner: the usual size (places/beds) of a new facility.

A new facility with no places counts for nothing in the places-per-1,000
view, so the capacity input starts at the usual size of the type: the median
of the county's own facilities of that type with known places, else a
typical size from :data:`TYPICAL_CAPACITY`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.schema import FACILITY_TYPES

__all__ = ["TYPICAL_CAPACITY", "usual_capacity"]

TYPICAL_CAPACITY: dict[str, float] = {
    "day_care": 30.0,
    "street_centre": 50.0,
    "embedded_home": 30.0,
    "mutual_aid": 15.0,
    "meal_point": 50.0,
    "nursing_home": 100.0,
}
"""Places/beds of a typical facility of each type, used when the data have none.

Round figures of common practice (a community day-care centre of about 30
places, a village mutual-aid site of about 15, a county institution of about
100 beds), not figures of a standard: the planner is told so and types the
planned size.
"""


def usual_capacity(facilities: pd.DataFrame, facility_type: str) -> tuple[float, int]:
    """The usual places/beds of a facility type and how many facilities it is read from.

    Parameters
    ----------
    facilities : DataFrame
        The facilities in use (columns ``type``, ``status``, ``capacity``).
    facility_type : str
        A key of :data:`planner.schema.FACILITY_TYPES`.

    Returns
    -------
    (float, int)
        The median capacity of the type's existing and planned facilities with
        a positive capacity, rounded to a whole number, and their count; when
        there are none, :data:`TYPICAL_CAPACITY` and 0.

    Examples
    --------
    >>> df = pd.DataFrame({"type": ["day_care"] * 3, "status": ["existing"] * 3,
    ...                    "capacity": [20, 31, None]})
    >>> usual_capacity(df, "day_care"), usual_capacity(df, "mutual_aid")
    ((26.0, 2), (15.0, 0))
    """
    if facility_type not in FACILITY_TYPES:
        return 0.0, 0
    cap = pd.to_numeric(facilities.get("capacity", pd.Series(dtype=float)), errors="coerce").to_numpy(float)
    keep = ((facilities["type"].astype(str).to_numpy() == facility_type)
            & facilities["status"].astype(str).isin(("existing", "planned")).to_numpy()
            & np.isfinite(cap) & (cap > 0)) if len(facilities) else np.zeros(0, bool)
    if keep.any():
        return float(np.round(np.median(cap[keep]))), int(keep.sum())
    return TYPICAL_CAPACITY.get(facility_type, 0.0), 0
