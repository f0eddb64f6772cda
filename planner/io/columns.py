"""Columns of users' files: name normalisation, the one alias matcher, value coercion.

Column names (and vocabulary values such as facility types) are matched after
:func:`normalise_column_name`; :func:`match_columns` (the readers) and
:func:`guess_columns` (the app's mapping widgets) share one matcher.  Values
are coerced here too: numbers written as text, ids that Excel turned into
floats, vocabulary columns mapped to canonical keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.io.problems import at_rows, column_label, columns_option, problem, values_listed

__all__ = [
    "assemble",
    "blank",
    "guess_columns",
    "id_column",
    "id_strings",
    "is_blank",
    "map_vocabulary",
    "match_columns",
    "missing_column_error",
    "normalise_column_name",
    "numeric_column",
    "columns_for",
    "parse_column_options",
    "parse_input_options",
    "to_number",
    "vocabulary_lookup",
]

_BLANK_TEXT = ("", "nan", "None", "NaN", "<NA>")


def normalise_column_name(name: Any) -> str:
    """Normalise a column name (or vocabulary value) for alias matching.

    Applies Unicode NFKC (full-width to half-width), lower-cases, and removes
    whitespace, underscores, hyphens and parentheses.

    Parameters
    ----------
    name : Any
        A column name or value.

    Returns
    -------
    str
        The normalised key, e.g. ``'Pop_60 '`` -> ``'pop60'``,
        ``'街道（乡镇）'`` -> ``'街道乡镇'``.
    """
    text = unicodedata.normalize("NFKC", str(name)).lower()
    return re.sub(r"[\s_\-()\[\]]+", "", text)


def is_blank(value: Any) -> bool:
    """True for a missing value or an empty/whitespace string."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return str(value).strip() in _BLANK_TEXT


def blank(series: pd.Series) -> pd.Series:
    """True where a value is missing or an empty/whitespace string."""
    return series.map(is_blank).astype(bool)


# --------------------------------------------------------------------------
# the alias matcher


def _candidates(by_norm: Mapping[str, list[str]], names: Sequence[str], used: set[str]) -> list[str]:
    """The unused columns whose normalised name is one of ``names``, in the order of ``names``."""
    out: list[str] = []
    for alias in names:
        for c in by_norm.get(normalise_column_name(alias), ()):
            if c not in used and c not in out:
                out.append(c)
    return out


def _alias_hits(
    by_norm: Mapping[str, list[str]],
    aliases: Mapping[str, Sequence[str]],
    found: dict[str, str],
    used: set[str],
    name: str | None = None,
) -> dict[str, str]:
    """Add to ``found`` the one unused column matching each canonical name's aliases.

    Two or more candidates are never guessed between: with ``name`` (a
    reader) they raise ``ambiguous_column``; without (the app's guesses) the
    canonical name is left unmatched for the user to choose.
    """
    for canonical, names in aliases.items():
        if canonical in found:
            continue
        hits = _candidates(by_norm, names, used)
        if len(hits) == 1:
            found[canonical] = hits[0]
            used.add(hits[0])
        elif len(hits) > 1 and name is not None:
            raise problem("ambiguous_column", name, canonical=canonical, **column_label(canonical),
                          **values_listed(hits), **columns_option([(canonical, hits[0])]),
                          **{k.replace("set@", "set2@"): v
                             for k, v in columns_option([(canonical, hits[1])]).items()})
    return found


def _by_norm(cols: Iterable[Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in cols:
        if c != "geometry":
            out.setdefault(normalise_column_name(c), []).append(c)
    return out


def guess_columns(columns: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> dict[str, str | None]:
    """For each canonical column the user's column that matches one of its aliases (or None).

    Matching ignores case, spaces, underscores and hyphens, as the readers do
    (the same matcher); the canonical name itself counts as an alias, and of
    two or more candidates for one canonical name leave it ``None`` (the
    user chooses; the readers raise ``ambiguous_column`` instead).

    Parameters
    ----------
    columns : sequence of str
        The file's column names (``geometry`` is ignored).
    aliases : mapping
        Canonical name -> recognised names.

    Returns
    -------
    dict
        Canonical name -> column or ``None``, in the order of ``aliases``.

    Examples
    --------
    >>> guess_columns(["名称", "Pop_60"], {"name": ("名称",), "pop60": ("pop60",), "code": ()})
    {'name': '名称', 'pop60': 'Pop_60', 'code': None}
    >>> guess_columns(["老年人口", "60岁以上"], {"pop60": ("老年人口", "60岁以上")})
    {'pop60': None}
    """
    by_norm = _by_norm(columns)
    found = _alias_hits(by_norm, {k: (k, *names) for k, names in aliases.items()}, {}, set())
    return {canonical: found.get(canonical) for canonical in aliases}


def _byte_len(text: str) -> int:
    try:
        return max(len(text.encode("utf-8")), len(text.encode("gbk")))
    except UnicodeEncodeError:
        return len(text.encode("utf-8"))


def _truncated_hits(cols: Sequence[Any], aliases: Mapping[str, Sequence[str]], found: dict[str, str],
                    used: set[str]) -> None:
    """Shapefile field names cut at 10 bytes: a 9–10 byte name that starts exactly one canonical name's aliases."""
    for c in cols:
        key = normalise_column_name(c)
        if c in used or len(key) < 2 or _byte_len(str(c)) < 9:
            continue
        hits = {
            canonical for canonical, names in aliases.items()
            if canonical not in found and any(normalise_column_name(a).startswith(key) for a in names)
        }
        if len(hits) == 1:
            canonical = hits.pop()
            found[canonical] = c
            used.add(c)


def match_columns(
    columns: Sequence[Any],
    aliases: Mapping[str, Sequence[str]],
    explicit: Mapping[str, str] | None,
    name: str,
    *,
    truncated: bool = False,
) -> dict[str, str]:
    """Map canonical names to the columns present (explicit mapping first).

    Parameters
    ----------
    columns : sequence
        The file's columns (``geometry`` is ignored).
    aliases : mapping
        Canonical name -> recognised names.
    explicit : mapping, optional
        Canonical name -> column, given by the user (checked).
    name : str
        The file's name, for errors.
    truncated : bool
        Shapefiles: a 9–10 byte field name that is the start of exactly one
        canonical name's aliases also matches (DBF names are cut at 10 bytes).

    Returns
    -------
    dict
        Canonical name -> column, for the names found.
    """
    cols = [c for c in columns if c != "geometry"]
    found: dict[str, str] = {}
    for canonical, column in dict(explicit or {}).items():
        if canonical not in aliases:
            raise problem("unknown_mapping_key", name, key=canonical, **values_listed(aliases, "keys"))
        found[canonical] = _explicit_column(column, cols, canonical, name)
    used = set(found.values())
    _alias_hits(_by_norm(cols), aliases, found, used, name)
    if truncated:
        _truncated_hits(cols, aliases, found, used)
    return found


def _explicit_column(column: Any, cols: Sequence[Any], canonical: str, name: str) -> Any:
    """The file's column the user named: exactly, else the one column equal after normalisation."""
    if column in cols:
        return column
    same = [c for c in cols if normalise_column_name(c) == normalise_column_name(column)]
    if len(same) == 1:
        return same[0]
    raise problem("mapped_column_missing", name, column=column, key=canonical, **values_listed(cols, "columns"))


INPUT_KINDS = ("boundaries", "facilities", "points", "population", "origins", "destinations")
"""Inputs a ``--columns`` option may be addressed to with a prefix (``population.code=统计代码``)."""


def columns_for(mapping: Mapping[str, str], kind: str, aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The part of a parsed ``--columns`` mapping meant for one input.

    Parameters
    ----------
    mapping : mapping
        As returned by :func:`parse_column_options`.
    kind : {'boundaries', 'facilities', 'points', 'population'}
        The input being read.
    aliases : mapping
        That input's alias table (its keys are the canonical names it knows).

    Returns
    -------
    dict
        ``kind.canonical`` entries for this input, and the unprefixed ones
        whose canonical name this input knows (a prefixed entry wins).

    Examples
    --------
    >>> m = parse_column_options(["pop60=老人", "population.code=统计代码", "facilities.name=机构"])
    >>> columns_for(m, "population", {"code": (), "pop60": ()})
    {'pop60': '老人', 'code': '统计代码'}
    >>> columns_for(m, "facilities", {"name": ()})
    {'name': '机构'}
    """
    out = {k: v for k, v in mapping.items() if "." not in k and k in aliases}
    prefix = f"{kind}."
    out.update({k[len(prefix):]: v for k, v in mapping.items() if k.startswith(prefix)})
    return out


OPTION_INPUTS = ("boundaries", "facilities", "points", "network", "demand", "candidates", "origins",
                 "destinations")
"""Inputs an option such as ``--layer boundaries=units`` may be addressed to."""


def parse_input_options(options: Iterable[str] | None, option: str) -> dict[str, str]:
    """Parse repeated per-input options (``--layer boundaries=units``, ``--crs EPSG:4548``).

    Parameters
    ----------
    options : iterable of str
        Each ``input=value`` (an input of :data:`OPTION_INPUTS`) or a bare
        ``value`` for every input (key ``"*"``).
    option : str
        The option's name, for messages (``"layer"``).

    Returns
    -------
    dict
        Input (or ``"*"``) -> value.

    Raises
    ------
    InputError
        ``input_option_invalid`` for an empty value or one input given twice.

    Examples
    --------
    >>> parse_input_options(["boundaries=units", "gbk"], "layer")
    {'boundaries': 'units', '*': 'gbk'}
    >>> parse_input_options(["EPSG:4548"], "crs")  # a colon is part of the value
    {'*': 'EPSG:4548'}
    """
    out: dict[str, str] = {}
    for item in options or ():
        text = unicodedata.normalize("NFC", str(item)).strip()
        key, sep, value = text.partition("=")
        if not sep or key.strip().lower() not in OPTION_INPUTS:
            key, value = "*", text
        key, value = key.strip().lower(), value.strip().strip("'\"")
        if not value or (key in out and out[key] != value):
            raise problem("input_option_invalid", None, option=f"--{option}", value=text,
                          inputs=", ".join(OPTION_INPUTS))
        out[key] = value
    return out


def input_option(given: Mapping[str, Any] | None, kind: str, default: Any = None) -> Any:
    """The value of a per-input option for input ``kind``: its own, else the bare one (``"*"``).

    Examples
    --------
    >>> input_option({"boundaries": "units", "*": "gbk"}, "facilities")
    'gbk'
    >>> input_option(None, "points", "x")
    'x'
    """
    given = given or {}
    return given.get(kind, given.get("*", default))


def network_read_options(road_options: Mapping[str, Any] | None, *, crs: Mapping[str, str | None] | None = None,
                         layers: Mapping[str, str | None] | None = None,
                         encodings: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """Keyword arguments for reading a road layer as the network.

    The road options plus ``--layer``/``--encoding``/``--crs`` addressed to
    the network (``--encoding network=gbk``); a bare value is meant for the
    point and boundary layers, not the network.

    Parameters
    ----------
    road_options : mapping, optional
        ``tolerance``, ``road_classes`` (:func:`planner.io.roads.read_road_network`).
    crs, layers, encodings : mapping, optional
        Per input, as parsed by :func:`parse_input_options`.

    Examples
    --------
    >>> network_read_options({"tolerance": 1.0}, encodings={"network": "gbk", "*": "utf-8"})
    {'tolerance': 1.0, 'encoding': 'gbk'}
    """
    out = dict(road_options or {})
    for given, key in ((layers, "layer"), (encodings, "encoding"), (crs, "layer_crs")):
        if given and given.get("network") is not None:
            out.setdefault(key, given["network"])
    return out


def parse_column_options(options: Iterable[str] | None) -> dict[str, str]:
    """Parse repeated ``--columns canonical=yours`` options into a mapping.

    Parameters
    ----------
    options : iterable of str
        Each ``canonical=your column`` (spaces around ``=`` ignored; a
        full-width equals sign or ``:`` also works), optionally addressed to
        one input: ``population.code=统计代码`` (see :func:`columns_for`);
        several may also be given in one option separated by commas or
        semicolons.

    Returns
    -------
    dict
        Canonical name -> your column name, in the order given.

    Raises
    ------
    InputError
        ``column_option_invalid`` for an item without ``=``, an empty side,
        or the same canonical name given twice with different columns.

    Examples
    --------
    >>> parse_column_options(["pop60=pop_60plus", "name = 村名"])
    {'pop60': 'pop_60plus', 'name': '村名'}
    >>> parse_column_options(["pop60=老人,population=总人口"])
    {'pop60': '老人', 'population': '总人口'}
    """
    out: dict[str, str] = {}
    for option in options or ():
        for item in re.split(r"[,;\uff0c\uff1b]", unicodedata.normalize("NFC", str(option))):
            if not item.strip():
                continue
            # '=' or the full-width one; ':' only without '=' ('name:zh' may be a column name)
            sep = r"[=\uff1d]" if re.search(r"[=\uff1d]", item) else r"[:\uff1a]"
            parts = re.split(rf"\s*{sep}\s*", item.strip(), maxsplit=1)
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise problem("column_option_invalid", None, option=item.strip())
            key, value = parts[0].strip().lower(), parts[1].strip().strip("'\"")
            if "." in key and key.split(".", 1)[0] not in INPUT_KINDS:
                raise problem("column_option_invalid", None, option=item.strip())
            if key in out and out[key] != value:
                raise problem("column_option_twice", None, key=key, first=out[key], second=value)
            out[key] = value
    return out


def missing_column_error(name: str, canonical: str, aliases: Sequence[str], cols: Iterable[Any]) -> Any:
    """The InputError for a required column that is not in the file.

    Parameters
    ----------
    name : str
        The file's name.
    canonical : str
        The missing canonical column.
    aliases : sequence of str
        The names looked for.
    cols : iterable
        The file's columns.
    """
    return problem("missing_column", name, canonical=canonical, **column_label(canonical),
                   **values_listed(aliases, "looked"), **columns_option([(canonical, None)]),
                   **values_listed((c for c in cols if c != "geometry"), "has"))


# --------------------------------------------------------------------------
# values


def to_number(series: pd.Series) -> pd.Series:
    """Numbers from numbers or text ('1,234', ' 56 ', '７８'); others NaN."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.astype(float)
    text = series.map(lambda v: v if not isinstance(v, str) else unicodedata.normalize("NFKC", v))
    text = text.astype("object").map(lambda v: v.replace(",", "").strip() if isinstance(v, str) else v)
    return pd.to_numeric(text, errors="coerce").astype(float)


def numeric_column(series: pd.Series, canonical: str, name: str, word: str, *, required: bool) -> pd.Series:
    """A column of non-negative numbers; missing values allowed unless ``required``.

    Parameters
    ----------
    series : Series
        The user's column.
    canonical : str
        Its canonical name (for messages).
    name : str
        The file's name.
    word : {'row', 'feature'}
        What the rows of the file are called.
    required : bool
        Whether blanks are errors.
    """
    values = to_number(series)
    empty = blank(series)
    bad = values.isna() & ~empty
    if required:
        bad |= empty
    if bad.any():
        rows, at = at_rows(np.flatnonzero(bad.to_numpy()), word)
        raise problem("not_number", name, rows, column=series.name, **column_label(canonical), **at,
                      **values_listed(series[bad].tolist()))
    negative = values < 0
    if negative.any():
        rows, at = at_rows(np.flatnonzero(negative.to_numpy()), word)
        raise problem("negative", name, rows, column=series.name, **column_label(canonical), **at)
    return values


def id_strings(series: pd.Series) -> pd.Series:
    """Ids/codes as strings: 12.0 -> '12', keep leading zeros, undo 1.1E+11."""

    def conv(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, (bool, np.bool_)):
            return str(v)
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, (float, np.floating)):
            return str(int(v)) if float(v).is_integer() else str(v)
        text = unicodedata.normalize("NFKC", str(v)).strip()
        if text in _BLANK_TEXT:
            return None
        if re.fullmatch(r"\d+\.0+", text):
            return text.split(".")[0]
        if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
            try:
                d = Decimal(text)
                if d == d.to_integral_value():
                    return str(int(d))
            except InvalidOperation:
                pass
        return text

    return series.map(conv).astype(object)


def id_column(gdf: pd.DataFrame, found: Mapping[str, str], key: str, prefix: str, name: str,
              word: str) -> pd.Series:
    """Unique ids from the column of ``key``, or generated (``F0001``...) when there is none.

    Parameters
    ----------
    gdf : DataFrame
        The file's rows.
    found : mapping
        Canonical name -> column.
    key : str
        Canonical name of the id column (``facility_id``, ``point_id``).
    prefix : str
        Prefix of generated ids.
    name : str
        The file's name.
    word : {'row', 'feature'}
        What the rows of the file are called.
    """
    n = len(gdf)
    if key not in found:
        width = max(4, len(str(n)))
        return pd.Series([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], index=gdf.index, dtype=object)
    ids = id_strings(gdf[found[key]])
    empty = ids.isna()
    if empty.any():
        rows, at = at_rows(np.flatnonzero(empty.to_numpy()), word)
        raise problem("id_empty", name, rows, column=found[key], **column_label(key), **at)
    dup = ids.duplicated(keep=False)
    if dup.any():
        rows, at = at_rows(np.flatnonzero(dup.to_numpy()), word)
        raise problem("duplicate_ids", name, rows, column=found[key], canonical=key,
                      **column_label(key), **at, **values_listed(ids[dup]))
    return ids


def vocabulary_lookup(aliases: Mapping[str, str]) -> dict[str, str]:
    """Normalised alias -> canonical key."""
    return {normalise_column_name(k): v for k, v in aliases.items()}


def map_vocabulary(
    series: pd.Series,
    convert: Any,
    code: str,
    name: str,
    word: str,
    **params: Any,
) -> pd.Series:
    """Canonical keys of a vocabulary column (types, statuses, kinds); blanks become ``None``.

    Parameters
    ----------
    series : Series
        The user's column.
    convert : callable or mapping
        Value -> canonical key (``None`` when unknown); a mapping is a
        :func:`vocabulary_lookup` of normalised names.
    code : str
        Error code listing the unknown values (``unknown_type``...).
    name : str
        The file's name.
    word : {'row', 'feature'}
        What the rows of the file are called.
    **params
        More values for the error's texts.

    Raises
    ------
    InputError
        Listing the unknown values and their rows.
    """
    if isinstance(convert, Mapping):
        table = convert

        def convert(v: Any) -> str | None:
            return table.get(normalise_column_name(v))

    keys = series.map(lambda v: None if is_blank(v) else convert(v)).astype(object)
    unknown = keys.isna() & ~blank(series)
    if unknown.any():
        rows, at = at_rows(np.flatnonzero(unknown.to_numpy()), word)
        raise problem(code, name, rows, column=series.name, **at, **values_listed(series[unknown]), **params)
    return keys


def assemble(out: pd.DataFrame, src: gpd.GeoDataFrame, used: set[str], canonical: list[str]) -> gpd.GeoDataFrame:
    """Canonical columns first, then the user's other columns, then geometry.

    Parameters
    ----------
    out : DataFrame
        The canonical columns, computed.
    src : GeoDataFrame
        The file's rows (EPSG:4326).
    used : set of str
        The file's columns that became canonical ones (left out).
    canonical : list of str
        Order of the canonical columns.
    """
    extras = {}
    for c in src.columns:
        if c == "geometry" or c in used:
            continue
        key = str(c)
        while key in canonical or key in extras or key == "geometry":
            key = f"{key}_src"
        extras[key] = src[c]
    frame = pd.concat([out[canonical], pd.DataFrame(extras, index=src.index)], axis=1)
    result = gpd.GeoDataFrame(frame, geometry=src.geometry.to_numpy(), crs="EPSG:4326")
    return result.reset_index(drop=True)
