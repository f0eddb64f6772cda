"""Coordinates written in degrees, minutes and seconds (度分秒), read as decimal degrees.

Facility lists typed by hand or exported from survey software often hold
``116°23'29.5"E``, ``39°54'27"N``, ``116度23分29.5秒``, ``北纬39°54′27″`` or
``E116°23.5'`` instead of decimal degrees.  :func:`parse_dms` reads one such
text; :func:`dms_column` a whole column, telling which rows were converted
and which are impossible (minutes or seconds of 60 or more, decimals before
the last part, a hemisphere of the other axis, two signs).

Full-width characters are read as their ASCII forms (NFKC), and the usual
look-alikes of the symbols are accepted: ° º ˚ 度 for degrees, ' ′ ’ 分 for
minutes, " ″ ” '' 秒 for seconds.  A plain number (``116.39``) is not DMS and is
left to the decimal reader.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from planner.text.errors import HEMISPHERE_WORDS

__all__ = ["dms_column", "parse_dms"]

_DEG = "°º˚" + str(HEMISPHERE_WORDS["degree"])
_MIN = "'′’‘" + str(HEMISPHERE_WORDS["minute"])
_SEC = "\"″”“" + str(HEMISPHERE_WORDS["second"])
_UNIT = {**{c: 0 for c in _DEG}, **{c: 1 for c in _MIN}, **{c: 2 for c in _SEC}}
_PART = re.compile(rf"\s*(\d+(?:\.\d+)?)\s*([{re.escape(_DEG + _MIN + _SEC)}]?)")
# hemisphere word -> (axis, sign); Chinese words come from the vocabulary
_HEMI: dict[str, tuple[str, int]] = {"n": ("latitude", 1), "s": ("latitude", -1), "e": ("longitude", 1),
                                     "w": ("longitude", -1)}
_HEMI.update({w: ("latitude", 1) for w in HEMISPHERE_WORDS["north"]})
_HEMI.update({w: ("latitude", -1) for w in HEMISPHERE_WORDS["south"]})
_HEMI.update({w: ("longitude", 1) for w in HEMISPHERE_WORDS["east"]})
_HEMI.update({w: ("longitude", -1) for w in HEMISPHERE_WORDS["west"]})
_HEMI_WORDS = sorted(_HEMI, key=len, reverse=True)  # 北纬 before 北
_PRIMES = (("′′", "″"), ("''", "\""), ("’’", "\""))


def _hemisphere(text: str) -> tuple[str, tuple[str, int] | None]:
    """``text`` without its hemisphere word (first or last), and that word's (axis, sign)."""
    low = text.lower()
    for w in _HEMI_WORDS:
        if low.startswith(w):
            return text[len(w):].strip(), _HEMI[w]
        if low.endswith(w):
            return text[: len(text) - len(w)].strip(), _HEMI[w]
    return text, None


def parse_dms(text: Any, axis: str | None = None) -> float | None:
    r"""Decimal degrees of a degrees-minutes-seconds text; None when it is not one.

    Parameters
    ----------
    text : Any
        The cell.  Numbers and plain decimal texts (``"116.39"``) give None.
    axis : {'longitude', 'latitude'}, optional
        The column's axis: a hemisphere of the other axis is refused.

    Returns
    -------
    float or None

    Raises
    ------
    ValueError
        An impossible value: minutes or seconds ≥ 60, degrees beyond 180
        (90 for latitude), a decimal part before the last part, parts out of
        order, or two signs.

    Examples
    --------
    >>> parse_dms("116°23'29.5\"E")
    116.39152777777778
    >>> parse_dms("39°54'27\"S")
    -39.9075
    >>> parse_dms("116度23分29.5秒"), parse_dms("E116°23.5'"), parse_dms("116.39") is None
    (116.39152777777778, 116.39166666666667, True)
    >>> parse_dms("39°60'00\"N")
    Traceback (most recent call last):
    ...
    ValueError: minutes must be below 60
    """
    if not isinstance(text, str):
        return None
    s = unicodedata.normalize("NFKC", text).strip()
    for a, b in _PRIMES:
        s = s.replace(a, b)
    if not s:
        return None
    body, hemi = _hemisphere(s)
    sign = 1
    if body[:1] in "+-":
        sign = -1 if body[0] == "-" else 1
        if hemi is not None and body[0] == "-":
            raise ValueError("a minus sign and a hemisphere letter together")
        body = body[1:].strip()
    parts: list[tuple[str, str]] = []
    pos = 0
    while pos < len(body):
        m = _PART.match(body, pos)
        if m is None or m.end() == pos:
            # a stray character: DMS gone wrong only when a symbol or hemisphere says it is DMS
            looks_dms = hemi is not None or any(c in _UNIT for c in body)
            return _bad("unreadable text") if looks_dms else None
        parts.append((m.group(1), m.group(2)))
        pos = m.end()
    if not parts:
        return None
    marked = any(u for _, u in parts)
    if not marked and hemi is None and len(parts) < 2:
        return None  # a plain number: the decimal reader's
    if len(parts) > 3:
        return _bad("more than degrees, minutes and seconds")
    # positions: by the symbol where there is one, else the next after the previous part
    slots: list[int] = []
    for _, unit in parts:
        slot = _UNIT[unit] if unit else (slots[-1] + 1 if slots else 0)
        if slot > 2 or (slots and slot <= slots[-1]):
            return _bad("degrees, minutes and seconds out of order")
        slots.append(slot)
    values = [0.0, 0.0, 0.0]
    for (num, _), slot in zip(parts, slots, strict=True):
        values[slot] = float(num)
    if any("." in num for num, _ in parts[:-1]):
        return _bad("only the last part may have decimals")
    if values[1] >= 60:
        return _bad("minutes must be below 60")
    if values[2] >= 60:
        return _bad("seconds must be below 60")
    if hemi is not None:
        if axis is not None and hemi[0] != axis:
            return _bad(f"a {hemi[0]} hemisphere in the {axis} column")
        sign = hemi[1]
    value = values[0] + values[1] / 60 + values[2] / 3600
    limit = 90.0 if (axis or (hemi[0] if hemi else None)) == "latitude" else 180.0
    if value > limit:
        return _bad(f"more than {limit:g} degrees")
    return sign * value


def _bad(reason: str) -> float:
    raise ValueError(reason)


def dms_column(series: pd.Series, axis: str | None = None) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Read a coordinate column's degrees-minutes-seconds cells.

    Parameters
    ----------
    series : Series
        The column as read.
    axis : {'longitude', 'latitude'}, optional
        See :func:`parse_dms`.

    Returns
    -------
    values : Series
        Decimal degrees where a cell was DMS; the cell unchanged elsewhere.
    converted : ndarray of bool
        Cells read as DMS.
    invalid : ndarray of bool
        Cells that look like DMS but are impossible.

    Examples
    --------
    >>> v, conv, bad = dms_column(pd.Series(["116°30'E", "116.5", "116°61'E", None]), "longitude")
    >>> v.tolist()[:2], conv.tolist(), bad.tolist()
    ([116.5, '116.5'], [True, False, False, False], [False, False, True, False])
    """
    n = len(series)
    converted = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    out = series.astype(object).copy()
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series, converted, invalid
    for i, cell in enumerate(series.to_numpy(dtype=object)):
        try:
            value = parse_dms(cell, axis)
        except ValueError:
            invalid[i] = True
            continue
        if value is not None:
            converted[i] = True
            out.iloc[i] = value
    return out, converted, invalid
