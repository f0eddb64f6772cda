"""Degrees-minutes-seconds coordinates are converted (with a warning naming column and rows) or refused."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from planner._errors import InputError, PlannerWarning
from planner.io import read_facilities, read_points
from planner.io.degrees import dms_column, parse_dms

# values computed by hand: d + m / 60 + s / 3600
CASES = [
    ("116°23'29.5\"E", 116 + 23 / 60 + 29.5 / 3600),
    ("39°54'27\"N", 39 + 54 / 60 + 27 / 3600),
    ("116度23分29.5秒", 116 + 23 / 60 + 29.5 / 3600),
    ("E116°23.5'", 116 + 23.5 / 60),
    ("北纬39°54′27″", 39 + 54 / 60 + 27 / 3600),
    ("东经117度12分", 117.2),
    ("39°54'27\"S", -(39 + 54 / 60 + 27 / 3600)),
    ("W 0°7'39\"", -(7 / 60 + 39 / 3600)),
    ("-116°23'29.5\"", -(116 + 23 / 60 + 29.5 / 3600)),
    ("１１６°２３′２９．５″Ｅ", 116 + 23 / 60 + 29.5 / 3600),  # full-width, as typed with a Chinese IME
    ("116° 23′ 29.5″ E", 116 + 23 / 60 + 29.5 / 3600),
    ("116 23 29.5", 116 + 23 / 60 + 29.5 / 3600),
    ("116.5°E", 116.5),
    ("39°54''", 39 + 54 / 3600),  # two apostrophes are seconds
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_dms_texts_give_the_hand_computed_degrees(text, expected):
    assert parse_dms(text) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("text", ["116.39", " 39.9 ", "", "abc", 116.39, None])
def test_plain_numbers_and_other_text_are_not_dms(text):
    assert parse_dms(text) is None


@pytest.mark.parametrize(("text", "axis"), [
    ("39°60'00\"N", None),       # minutes ≥ 60
    ("39°54'60\"N", None),       # seconds ≥ 60
    ("116.5°23'E", None),        # decimals before the last part
    ("23'116°E", None),          # out of order
    ("-39°54'27\"S", None),      # two signs
    ("95°00'00\"N", None),       # a latitude beyond 90
    ("181°00'E", None),          # a longitude beyond 180
    ("39°54'27\"N", "longitude"),  # a latitude in the longitude column
    ("116°23'E", "latitude"),
])
def test_impossible_values_are_refused(text, axis):
    with pytest.raises(ValueError):
        parse_dms(text, axis)


def test_a_column_tells_converted_and_invalid_rows():
    values, converted, invalid = dms_column(pd.Series(["116°30'E", "116.5", "116°61'E", None, 117.0]),
                                            "longitude")
    assert values.iloc[0] == 116.5 and values.iloc[1] == "116.5"
    assert converted.tolist() == [True, False, False, False, False]
    assert invalid.tolist() == [False, False, True, False, False]


def _table(tmp_path, lon, lat):
    path = tmp_path / "fac.csv"
    pd.DataFrame({"id": ["A", "B", "C"], "name": ["a", "b", "c"], "type": ["day_care"] * 3,
                  "经度": lon, "纬度": lat}).to_csv(path, index=False)
    return path


def test_facilities_in_dms_are_converted_with_a_warning_naming_column_and_rows(tmp_path):
    path = _table(tmp_path, ["116°23'29.5\"E", "116.40", "116度24分"], ["39°54'27\"N", "39.91", "北纬39°55′"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        fac = read_facilities(path)
    found = [w.message for w in caught if getattr(w.message, "code", "") == "dms_converted"]
    assert len(found) == 2
    lon_warning = next(w for w in found if w.params["column"] == "经度")
    assert lon_warning.rows == (1, 3) and "经度" in str(lon_warning) and "rows 1, 3" in str(lon_warning)
    assert "度分秒" in lon_warning.text("zh") and "第 1、3 行" in lon_warning.text("zh")
    assert fac.geometry.x.tolist() == pytest.approx([116 + 23 / 60 + 29.5 / 3600, 116.40, 116.4])
    assert fac.geometry.y.tolist() == pytest.approx([39 + 54 / 60 + 27 / 3600, 39.91, 39 + 55 / 60])


def test_impossible_dms_is_refused_naming_the_rows(tmp_path):
    path = _table(tmp_path, ["116°23'29.5\"E", "116°63'E", "116.4"], ["39°54'27\"N", "39.9", "39°54'60\"N"])
    with pytest.raises(InputError) as err:
        read_facilities(path)
    assert err.value.code == "dms_invalid" and err.value.rows == (2,)
    assert "经度" in str(err.value) and "row 2" in str(err.value)
    assert "minutes and seconds below 60" in err.value.fix_text("en")


def test_points_in_dms_are_read_too(tmp_path):
    path = tmp_path / "p.csv"
    pd.DataFrame({"id": ["P1"], "longitude": ["E116°23.5'"], "latitude": ["N39°54.5'"]}).to_csv(path, index=False)
    with pytest.warns(PlannerWarning, match="degrees-minutes-seconds"):
        pts = read_points(path)
    assert pts.geometry.x.iloc[0] == pytest.approx(116 + 23.5 / 60)
    assert pts.geometry.y.iloc[0] == pytest.approx(39 + 54.5 / 60)
