"""Standards profiles: shipped files parse; user files are validated."""

from __future__ import annotations

import pytest

from planner._errors import ProfileError
from planner.io.profiles import list_profiles, load_profile


def test_shipped_profiles_load_with_sources():
    names = list_profiles()
    assert {"national", "jingdezhen", "chaoyang", "jilin"} <= set(names)
    for n in names:
        p = load_profile(n)
        assert p.speed_mps == 1.0
        assert p.targets
        for t in p.targets:
            assert t.source, f"{n}:{t.id} has no source"
            assert t.tag in {"P", "F", "U"}


def test_jingdezhen_mutual_aid_is_85_percent_inside_villages():
    t = {t.id: t for t in load_profile("jingdezhen").targets}["mutual_aid_village"]
    assert (t.share, t.unit_kind, t.rule, t.facility_types) == (0.85, "village", "inside", ("mutual_aid",))


def test_user_profile_file_and_overrides(tmp_path):
    from importlib import resources

    text = (resources.files("planner") / "profiles" / "national.toml").read_text(encoding="utf-8")
    p = tmp_path / "mine.toml"
    p.write_text(text.replace("share = 0.85", "share = 0.9"), encoding="utf-8")
    mine = load_profile(p)
    assert {t.id: t.share for t in mine.targets}["mutual_aid_village"] == 0.9
    faster = mine.with_speed(1.2).with_minutes(10)
    assert faster.speed_mps == 1.2
    assert all(t.minutes == 10 for t in faster.targets if t.uses_walk)


@pytest.mark.parametrize("bad,match", [
    ('[profile]\nspeed_mps = -1\n', "positive"),
    ('[[targets]]\nid="x"\nfacility_types=["spa"]\nunit_kind="village"\nrule="inside"\nmeasure="units"\n', "facility_types"),
    ('[[targets]]\nid="x"\nfacility_types=["day_care"]\nunit_kind="village"\nrule="near"\nmeasure="units"\n', "rule"),
    ('[[targets]]\nid="x"\nfacility_types=["day_care"]\nunit_kind="village"\nrule="inside"\nmeasure="units"\nshare=85\n', "share"),
    ('this is = not toml [', "TOML"),
])
def test_bad_profiles_are_explained(tmp_path, bad, match):
    p = tmp_path / "bad.toml"
    p.write_text(bad, encoding="utf-8")
    with pytest.raises(ProfileError, match=match) as err:
        load_profile(p)
    assert "bad.toml" in str(err.value)


def test_unknown_profile_name_lists_shipped():
    with pytest.raises(ProfileError, match="national"):
        load_profile("atlantis")


# --- every target cited, at its level -------------------------------------------------

from planner.io.profiles import LEVELS, MEASURES, SOURCE_STATUSES, profiles_catalogue  # noqa: E402

MINIMAL = ('[[targets]]\nid="x"\nfacility_types=["day_care"]\nlevel="community"\nrule="inside"\n'
           'measure="units"\n')


def test_every_shipped_target_is_cited_at_a_level():
    assert "wolong" in list_profiles()
    for n in list_profiles():
        p = load_profile(n)
        assert p.status in ("published", "draft", "default")
        for t in [*p.targets]:
            assert t.level in LEVELS and t.measure in MEASURES
            assert t.citation.status in SOURCE_STATUSES
            assert t.citation.file and (t.citation.quote or t.citation.status == "standard")
            assert t.citation.file in p.files or t.citation.status == "standard", (n, t.id)
            assert len(t.citation.quote) <= 45, (n, t.id)
            assert t.deadline is None or 2020 <= t.deadline <= 2035
        for c in p.context:
            assert c.citation.file in p.files and c.kind in ("status", "not_scored")


def test_target_without_source_is_refused(tmp_path):
    p = tmp_path / "nosource.toml"
    p.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(ProfileError, match="source") as err:
        load_profile(p)
    assert err.value.code == "profile_source_missing"
    p.write_text(MINIMAL + 'source = { file = "a.txt", quote = "q", status = "maybe" }\n', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(p)
    assert err.value.code == "profile_source_status"
    p.write_text(MINIMAL + 'deadline = "soon"\nsource = { file = "a.txt", quote = "q", status = "draft" }\n',
                 encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(p)
    assert err.value.code == "profile_deadline"
    p.write_text(MINIMAL + 'deadline = 2025\nsource = { file = "a.txt", quote = "q", status = "draft" }\n',
                 encoding="utf-8")
    t = load_profile(p).targets[0]
    assert (t.level, t.deadline, t.figure, t.tag) == ("community", 2025, 1.0, "P")


def test_plan_readings_fixed():
    jdz = {t.id: t for t in load_profile("jingdezhen").targets}
    assert {jdz[k].deadline for k in ("circle15", "street_centre_street", "mutual_aid_village",
                                      "county_nursing_home", "nursing_bed_share", "home_beds")} == {2025}
    assert jdz["circle15"].citation.status == "reading"  # 100 % is the tool's reading
    assert jdz["street_centre_street"].streets == ("street", "county_town")  # not rural townships
    assert (jdz["nursing_bed_share"].share, jdz["home_beds"].min_count, jdz["home_adaptation"].min_count) == (
        0.6, 300, 2500)
    assert (jdz["township_home_grade"].share, jdz["township_home_grade"].min_grade) == (0.8, 1)
    cnh = jdz["county_nursing_home"]
    assert (cnh.institution_level, cnh.disability_care, cnh.per_county) == ("county", True, True)
    jilin = load_profile("jilin")
    assert all(t.figure != 0.85 for t in jilin.targets)  # 85 % is Jingdezhen's
    jl = {t.id: t for t in jilin.targets}
    assert (jl["nursing_bed_share_2022"].share, jl["nursing_bed_share_2022"].deadline) == (0.5, 2022)
    assert (jl["nursing_bed_share"].share, jl["nursing_bed_share"].deadline) == (0.6, 2025)
    assert jl["dementia_beds"].informative and jl["dementia_beds"].min_count == 5000
    status = {c.id: c for c in jilin.context if c.kind == "status"}
    assert {status["day_care_2019"].figure, status["rural_compounds_2019"].figure,
            status["street_centre_2019"].figure} == {1878, 4220, 56}
    assert all(c.year == 2019 for c in status.values())
    cy = load_profile("chaoyang")
    assert "15分钟" in cy.targets[0].citation.quote and "一刻钟" not in cy.targets[0].label_zh
    assert all(t.informative for t in cy.targets if t.id != "circle15")
    assert "37号" in cy.title_zh and cy.status == "published"


def test_generic_default_does_not_claim_to_be_national():
    p = load_profile("national")
    assert "通用默认" in p.title_zh and p.status == "default"
    assert p.catchment_status == "reading"
    by = {t.id: t for t in p.targets}
    assert by["day_care_community"].rule == "inside" and by["mutual_aid_village"].rule == "inside"
    for t in p.targets:
        assert "2024" not in t.citation.file
        if t.citation.status == "standard":
            assert "号" in t.citation.file  # a national document named by its number


def test_profiles_catalogue_is_plain_data():
    import json

    cat = profiles_catalogue()
    assert [c["name"] for c in cat] == list_profiles()
    text = json.loads(json.dumps(cat, ensure_ascii=False))
    jdz = next(c for c in text if c["name"] == "jingdezhen")
    assert jdz["status"] == "draft" and "再次征求意见稿" in jdz["document"]
    t = next(t for t in jdz["targets"] if t["id"] == "mutual_aid_village")
    assert t["figure"] == 0.85 and t["level"] == "village" and t["deadline"] == 2025
    assert set(t["source"]) == {"file", "quote", "status"}


# --- a bad profile is explained in Chinese first --------------------------------------

SOURCED = MINIMAL + 'source = { file = "a.txt", quote = "q", status = "draft" }\n'


@pytest.mark.parametrize("bad,code,zh", [
    ('this is = not toml [', "profile_toml", "不是有效的 TOML 文件："),
    ('[profile]\nspeed_mps = "fast"\n', "profile_numbers", "speed_mps 和 catchments 的值必须为数字（"),
    ('[profile]\nspeed_mps = -1\n', "profile_speed_mps", "speed_mps（步行速度，米/秒）必须为正数"),
    ('[catchments]\nspa = 10\nsauna = 5\n', "profile_catchment_types",
     "[catchments] 中有未知的设施类型：“sauna”、“spa”"),
    ('[[targets]]\nfacility_types=["day_care"]\n', "profile_target_id", "每个 [[targets]] 条目都须有 id"),
    (MINIMAL.replace('"day_care"', '"spa"'), "profile_facility_types", "指标“x”：facility_types 应为非空列表"),
    (MINIMAL.replace('"inside"', '"near"'), "profile_target_field",
     "指标“x”：rule 应为 inside、walk、inside_or_walk、count 之一，实为 “near”"),
    (MINIMAL.replace('rule="inside"\n', ''), "profile_target_field", "实为 （未填写）"),
    (MINIMAL + 'share=85\n', "profile_share", "指标“x”：share 应在 0 到 1 之间，实为 85.0"),
    (SOURCED + SOURCED, "profile_duplicate_ids", "指标 id 有重复"),
    ('[[context]]\nkind="status"\n', "profile_context_id", "每个 [[context]] 条目都须有 id"),
    (MINIMAL.replace('measure="units"', 'measure="home_count"'), "profile_home_column",
     "指标“x”：home_count 类指标须填写 home_column"),
    ('[profile]\nstatus = "final"\n', "profile_status", "标准状态（status）应为 published、draft、default 之一，实为“final”"),
    (MINIMAL + 'source = { file = "a.txt", quote = "q", status = "approved" }\n', "profile_source_status",
     "指标“x”的出处状态（source.status）应为 published、draft、standard、reading 之一，实为“approved”"),
    (SOURCED + 'street_kinds = ["town"]\n', "profile_choice", "指标“x”的街道类型（street_kinds）应为 "),
    ('[[context]]\nid="c"\nkind="odd"\n', "profile_choice", "背景项“c”的类型（kind）应为 "),
    (MINIMAL + 'source = { file = "a.txt", quote = "", status = "draft" }\n', "profile_source_quote",
     "指标“x”的出处缺少规划原文（quote）"),
    (MINIMAL + 'deadline = "soon"\nsource = { file = "a.txt", quote = "q", status = "draft" }\n', "profile_deadline",
     "指标“x”的期限应为年份，实为 soon"),
    (MINIMAL, "profile_source_missing", "指标“x”缺少出处（文件、原文、状态）"),
])
def test_bad_profiles_are_explained_in_chinese(tmp_path, bad, code, zh):
    p = tmp_path / "bad.toml"
    p.write_text(bad, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(p)
    e = err.value
    assert e.code == code and zh in e.text("zh"), e.text("zh")
    assert e.text("en") == e.message and e.fix_text("en") == (e.hint or "")  # English as before
    assert str(e).startswith(f"{p}: {e.message}")


def test_profile_errors_keep_their_english_words(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text(MINIMAL.replace('"inside"', '"near"'), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(p)
    assert str(err.value) == (f"{p}: target 'x': rule must be one of ('inside', 'walk', 'inside_or_walk', "
                              "'count'), got 'near'")
    p.write_text(MINIMAL.replace('"day_care"', '"spa"'), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(p)
    assert str(err.value).startswith(f"{p}: target 'x': facility_types ['spa'] must be a non-empty list of day_care")
    p.write_text('[catchments]\nspa = 10\n', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(p)
    assert str(err.value).startswith(f"{p}: unknown facility types in [catchments]: ['spa'] — use day_care")
    assert err.value.fix_text("zh").startswith("设施类型应为：day_care")


def test_profile_names_and_speeds_are_refused_in_chinese(tmp_path):
    with pytest.raises(ProfileError) as err:
        load_profile("atlantis")
    e = err.value
    assert str(e) == f"unknown profile 'atlantis' — shipped profiles: {', '.join(list_profiles())}; or pass a .toml file"
    assert e.text("zh") == "没有名为“atlantis”的评价标准" and "national" in e.fix_text("zh")
    assert (e.text("en"), e.fix_text("en")) == (e.message, e.hint)
    with pytest.raises(ProfileError) as err:
        load_profile(tmp_path / "missing.toml")
    e = err.value
    assert e.message == "profile file not found" and e.text("zh") == "标准配置文件不存在"
    assert e.fix_text("en") == e.hint and e.fix_text("zh").startswith("请使用内置评价标准（")
    with pytest.raises(ProfileError) as err:
        load_profile("national").with_speed(0)
    e = err.value
    assert str(e) == "walking speed must be positive, got 0" and e.text("zh") == "步行速度必须为正数，实为 0"
