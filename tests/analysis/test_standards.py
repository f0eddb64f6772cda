"""The plans' measures beyond walking coverage, each on small hand-built data."""

from __future__ import annotations

import datetime
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from planner.analysis import standards as sd
from planner.analysis.coverage import score_profile, score_target, scores_frame
from planner.io.profiles import Source, Target, load_profile

SRC = Source("002_e7c24733253165cd.txt", "q", "draft")


def _target(measure: str, **kw) -> Target:
    base: dict = dict(id="t", label_zh="t", label_en="t", facility_types=("nursing_home",), level="institution",
                rule="count", measure=measure, share=1.0, citation=SRC)
    base.update(kw)
    return Target(**base)


def _model(fac: dict, units: dict | None = None) -> SimpleNamespace:
    """A stand-in for a Model: only what the facility measures read."""
    f = pd.DataFrame({"status": "existing", "unit": 0, **fac})
    u = pd.DataFrame(units or {"code": ["360999001001"], "pop60": [1000.0], "kind": ["community"]})
    return SimpleNamespace(facilities=f, units=u,
                           active=f["status"].isin(["existing", "planned"]).to_numpy(),
                           active_statuses=("existing", "planned"))


ALL = np.array([True])


def test_county_institution_counts_only_county_level_with_the_flag():
    m = _model({"name": ["县社会福利中心", "石桥镇敬老院", "县光荣院"], "type": ["nursing_home"] * 3,
                "level": ["县级", "乡镇级", "county"], "disability_care": ["是", "是", "否"]})
    t = _target("count", level="county", institution_level="county", disability_care=True, per_county=True)
    got = sd.count_institutions(m, t, ALL)
    assert (got.count, got.n_units, got.n_met) == (1, 1, 1)
    # a township home alone does not meet it
    alone = _model({"name": ["石桥镇敬老院"], "type": ["nursing_home"], "level": ["乡镇级"],
                    "disability_care": ["是"]})
    res = sd.count_institutions(alone, t, ALL)
    assert res.count == 0 and sd.judge(t, res) is False


def test_county_institution_per_county_and_level_guessed_from_names():
    units = {"code": ["360101001001", "360102001001"], "pop60": [1.0, 1.0], "kind": ["community"] * 2}
    m = _model({"name": ["甲县社会福利中心", "乙镇敬老院"], "type": ["nursing_home"] * 2, "unit": [0, 1]}, units)
    t = _target("count", level="county", institution_level="county", disability_care=True, per_county=True)
    got = sd.count_institutions(m, t, np.array([True, True]))
    assert (got.n_units, got.n_met) == (2, 1)
    assert sd.judge(t, got) is False
    assert set(got.note.split(",")) == {"level_guessed", "flag_unchecked"}


def test_nursing_bed_share_and_planned_beds():
    m = _model({"type": ["nursing_home", "nursing_home", "day_care"], "capacity": [100, 50, 30],
                "nursing_beds": [60, np.nan, np.nan], "status": ["existing", "planned", "existing"]})
    t = _target("bed_share", share=0.6)
    assert sd.bed_share(m, t, ALL).value == pytest.approx(60 / 150)
    assert sd.bed_share(m, t, ALL, active=False).value == pytest.approx(0.6)
    assert sd.judge(t, sd.bed_share(m, t, ALL, active=False)) is True


def test_beds_per_1000_and_dementia_beds():
    m = _model({"type": ["nursing_home", "nursing_home"], "capacity": [30, 20], "dementia_beds": [5, np.nan]})
    per = sd.beds_per_1000(m, _target("beds_per_1000", informative=True), ALL)
    assert per.value == pytest.approx(50.0)
    t = _target("beds", bed_column="dementia_beds", min_count=5000, informative=True)
    got = sd.bed_sum(m, t, ALL)
    assert got.value == 5.0 and sd.judge(t, got) is None
    assert sd.bed_sum(_model({"type": ["nursing_home"], "capacity": [1]}), t, ALL).note == "no_column:dementia_beds"


def test_grade_share_counts_township_homes_at_or_above_the_grade():
    m = _model({"name": ["甲镇敬老院", "乙乡敬老院", "丙镇敬老院", "县福利院"], "type": ["nursing_home"] * 4,
                "grade": ["一级", 2, "未评定", "三级"]})
    t = _target("grade_share", institution_level="township", min_grade=1, share=0.8)
    got = sd.grade_share(m, t, ALL)
    assert (got.n_units, got.n_met) == (3, 2) and got.value == pytest.approx(2 / 3)
    welfare = _target("grade_share", institution_level="county", min_grade=2, share=0.8)
    assert sd.grade_share(m, welfare, ALL).value == 1.0


def test_operator_share_reads_public_private_and_private_as_social():
    m = _model({"type": ["day_care"] * 4, "operator": ["公办", "公建民营", "民办", ""]})
    t = _target("operator_share", facility_types=("day_care",), level="community", share=0.6)
    got = sd.operator_share(m, t, ALL)
    assert (got.n_units, got.n_met) == (3, 2)
    assert sd.judge(t, got) is True


def test_home_counts_from_a_small_table():
    home = pd.DataFrame({"code": ["360999001", "360999101"], "name": ["城东街道", "青山镇"],
                         "home_beds": [120, 200], "adaptations": [900, np.nan]})
    assert sd.home_total(home, "home_beds").value == 320.0
    assert sd.home_total(home, "adaptations").value == 900.0
    units = pd.DataFrame({"code": ["360999001001", "360999101001"], "street": ["城东街道", "青山镇"]})
    assert sd.home_total(home, "home_beds", units, np.array([False, True])).value == 200.0
    assert sd.home_total(None, "home_beds").note == "no_home_table"


def test_street_kinds_from_codes_names_and_column():
    u = pd.DataFrame({"code": ["360999001001", "360999101001", "360999201001", "x", "y"],
                      "street": ["城东街道", "青山镇", "白云乡", "北街道", "南镇"],
                      "kind": ["community", "village", "village", "community", "village"]})
    assert sd.street_kinds(u).tolist() == ["street", "township", "township", "street", "township"]
    u["street_kind"] = ["", "县城镇", "", "", ""]
    assert sd.street_kinds(u).tolist()[1] == "county_town"


def test_street_target_skips_townships(demo_analysis):
    m = demo_analysis.model
    t = next(t for t in load_profile("jingdezhen").targets if t.id == "street_centre_street")
    got = sd.street_scores(m, t, np.ones(len(m.units), bool))
    streets = m.units.loc[m.units["kind"] == "community", "street"].nunique()
    assert got.n_units == streets  # the demo's 街道 hold its communities; its 乡镇 are not scored
    both = replace(t, street_kinds=("street", "township"))
    assert sd.street_scores(m, both, np.ones(len(m.units), bool)).n_units == m.units["street"].nunique()


def test_existing_value_leaves_planned_facilities_out(demo_analysis):
    m = demo_analysis.model
    planned = m.facilities.loc[m.facilities["status"] == "planned", "type"]
    assert len(planned)  # the demo has planned facilities
    t = next(t for t in m.profile.targets if t.id == "mutual_aid_village")
    s = score_target(m, t)
    existing = m.facilities[(m.facilities["status"] == "existing") & (m.facilities["type"] == "mutual_aid")]
    villages = m.units["kind"].to_numpy() == "village"
    has = np.isin(np.nonzero(villages)[0], existing["unit"].to_numpy())
    assert s.value_existing == pytest.approx(has.mean())
    assert s.value_existing <= s.value


def test_overdue_after_the_deadline_year(demo_analysis):
    m = demo_analysis.model
    prof = load_profile("jingdezhen")
    before = {s.target.id: s for s in score_profile(m, prof, today=datetime.date(2025, 6, 1))}
    after = {s.target.id: s for s in score_profile(m, prof, today=datetime.date(2026, 1, 1))}
    missed = [k for k, s in after.items() if s.met is False]
    assert missed and all(after[k].overdue for k in missed)
    assert not any(s.overdue for s in before.values())
    assert not any(s.overdue for s in after.values() if s.met is not False)
    frame = scores_frame(list(after.values()), "en").set_index("target_id")
    assert frame.loc["mutual_aid_village", "deadline"] == 2025
    assert frame.loc["mutual_aid_village", "source_status"] == "draft"


def test_home_table_and_80_plus_weight(demo_analysis):
    m = demo_analysis.model
    prof = load_profile("jingdezhen")
    home = pd.DataFrame({"name": ["青山镇", "城东街道"], "home_beds": [150, 160], "adaptations": [1000, 1000]})
    by = {s.target.id: s for s in score_profile(m, prof, home=home, today=datetime.date(2025, 1, 1))}
    assert by["home_beds"].value == 310 and by["home_beds"].met is True
    assert by["home_adaptation"].met is False
    units = m.units.assign(pop80=m.units["pop60"] * 0.2)
    m80 = replace(m, units=units)
    circle = next(t for t in prof.targets if t.id == "circle15")
    assert score_target(m80, circle, weight="pop80").value == pytest.approx(score_target(m, circle).value)
    d = score_target(m, circle).as_dict("en")
    assert set(d) >= {"level", "deadline", "value_existing", "source", "overdue"}
    assert d["source"]["file"] == "002_e7c24733253165cd.txt"
