"""One rule for new facility ids and for putting chosen sites on the plan (siting and the app)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.analysis.scenario import Edit, apply_edits, new_facility_id, site_edits
from planner.engine.reach import reach_matrix
from planner.engine.travel import to_metres


def test_new_facility_id_skips_taken_ids():
    assert new_facility_id("mutual_aid", []) == "NEW-MUTU-001"
    assert new_facility_id("day_care", ["NEW-DAYC-001", "NEW-DAYC-003"]) == "NEW-DAYC-002"


def test_site_edits_promote_own_candidates_and_add_the_rest(demo_analysis):
    m = demo_analysis.model
    f = m.facilities
    own = str(f.loc[(f["status"] == "candidate") & (f["type"] == "mutual_aid"), "facility_id"].iloc[0])
    taken = str(f["facility_id"].iloc[0])
    lon, lat = 117.2, 29.3
    sites = pd.DataFrame({"candidate_id": [own, "G0001", taken], "lon": [lon] * 3, "lat": [lat] * 3,
                          "name": ["a", "b", "c"], "capacity": [np.nan, 20.0, np.nan]})
    edits = site_edits(m, "mutual_aid", sites)
    assert edits[0] == Edit("status", own, status="planned")
    assert edits[1].op == "add" and edits[1].facility_id == "G0001" and edits[1].capacity == 20.0
    assert edits[2].op == "add" and edits[2].facility_id == "NEW-MUTU-001" and edits[2].capacity is None
    fresh = site_edits(m, "mutual_aid", sites, keep_ids=False, edits=[{"facility_id": "NEW-MUTU-001"}])
    assert [e.facility_id for e in fresh[1:]] == ["NEW-MUTU-002", "NEW-MUTU-003"]
    after = apply_edits(m, edits)
    assert len(after.facilities) == len(f) + 2
    assert after.facilities.set_index("facility_id").loc[own, "status"] == "planned"


def test_reach_matrix_is_the_walk_from_each_site(demo_analysis):
    m = demo_analysis.model
    idx = np.nonzero(m.type_mask("day_care"))[0]
    lim = float(to_metres(15.0, m.speed))
    r = reach_matrix(m.network, m.facility_snap.take(idx), m.demand_snap, lim)
    assert r.shape == (idx.size, len(m.demand)) and r.nnz and r.data.max() <= lim
    # the nearest of them, per demand point, is the model's own nearest-facility distance
    d, _ = m.point_distance(m.demand_snap, "day_care")
    coo = r.tocoo()
    dense = np.full(r.shape, np.inf)
    dense[coo.row, coo.col] = coo.data  # explicit entries, a distance of 0 included
    near = dense.min(axis=0)
    within = d <= lim
    np.testing.assert_allclose(near[within], d[within], rtol=1e-9, atol=1e-6)
