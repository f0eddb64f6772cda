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
