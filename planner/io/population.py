"""Population tables: total and 60+ (80+) population by 12-digit division code, joined to boundaries.

County offices hold census or household-register tables (CSV or Excel) of
population by village/community code, separately from the boundary layers.
:func:`read_population` reads such a table (codes kept as text: leading zeros
and Excel's ``3.60999E+11`` are safe), :func:`join_population` joins it to the
units read by :func:`planner.io.boundaries.read_boundaries`: by code, and by
name only as a fallback with a warning; codes found on one side only are
listed both ways.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError
from planner.io.columns import (
    blank,
    id_strings,
    is_blank,
    match_columns,
    missing_column_error,
    normalise_column_name,
    numeric_column,
)
from planner.io.files import read_table
from planner.io.problems import at_rows, columns_option, problem, values_listed, warn_problem
from planner.schema import POPULATION_ALIASES
from planner.text.vocabulary import COMMITTEE_ENDINGS, TOTAL_ROW_WORDS

__all__ = ["POPULATION_VALUES", "join_population", "read_population"]

POPULATION_VALUES = ("population", "pop60", "pop80")
"""The value columns a population table may carry (``pop80`` optional)."""

_TITLE_ROWS = 10


def _complete(found: Mapping[str, str]) -> bool:
    return {"pop60", "population"} <= found.keys() and bool(found.keys() & {"code", "name"})


def _find_header(df: pd.DataFrame, columns: Mapping[str, str] | None, name: str) -> tuple[pd.DataFrame, dict]:
    """The table with its real header: the first row, or a row below a title (merged title cells)."""
    found = match_columns(list(df.columns), POPULATION_ALIASES, columns, name)
    if _complete(found) or columns:
        return df, found
    for i in range(min(_TITLE_ROWS, len(df))):
        header = [str(v).strip() if not is_blank(v) else f"Unnamed: {j}" for j, v in enumerate(df.iloc[i])]
        if len(set(header)) != len(header):
            continue
        try:
            hit = match_columns(header, POPULATION_ALIASES, None, name)
        except InputError:
            continue
        if _complete(hit):
            body = df.iloc[i + 1:].copy()
            body.columns = header
            body = body.dropna(how="all").reset_index(drop=True)
            if len(body):
                warn_problem("title_rows", name, n=i + 1, header_row=i + 2)
                return body, hit
    return df, found


def _drop_total_rows(df: pd.DataFrame, found: Mapping[str, str], name: str) -> pd.DataFrame:
    """Drop 合计/总计 rows (no code, a total word as name): summing them would double the county."""
    if "name" not in found:
        return df
    names = df[found["name"]].map(lambda v: normalise_column_name(v) if not is_blank(v) else "")
    no_code = blank(df[found["code"]]) if "code" in found else pd.Series(True, index=df.index)
    total = no_code & names.isin([normalise_column_name(w) for w in TOTAL_ROW_WORDS])
    if not total.any():
        return df
    rows, at = at_rows(np.flatnonzero(total.to_numpy()), "row")
    warn_problem("population_total_rows", name, rows, **at)
    return df.loc[~total].copy()


def read_population(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    r"""Read a population table: total and 60+ (optionally 80+) population by 12-digit code.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8 or GBK) or Excel (``.xlsx``/``.xls``) with a code column
        (区划代码, 统计用区划代码, code...) or a name column (村名, 社区名称,
        name...), a total (总人口, 常住人口, population...) and a 60+ column
        (60岁以上人口, 60周岁及以上, 老年人口, pop_60plus, age60plus...);
        optionally 80+ (80岁以上人口, 高龄人口, pop80...).
    columns : mapping, optional
        Canonical name -> your column (``code``, ``name``, ``population``,
        ``pop60``, ``pop80``), used before the aliases.
    sheet : str or int, optional
        Excel sheet (the first by default).

    Returns
    -------
    pandas.DataFrame
        ``code`` (str or None), ``name`` (str or None), ``population``,
        ``pop60`` (float) and ``pop80`` (float, only when the table has it);
        one row per table row kept (totals dropped), index ``0..n-1``, and
        ``row``: the 1-based data row in the file.

    Raises
    ------
    InputError
        Missing columns, ambiguous columns, non-numbers or negatives,
        60+ above the total, duplicate codes, codes that are not 12 digits.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> csv = pathlib.Path(tempfile.mkdtemp()) / "pop.csv"
    >>> _ = csv.write_text("区划代码,村名,总人口,60周岁及以上\n360999001001,东门社区,5152,1341\n",
    ...                    encoding="utf-8")
    >>> t = read_population(csv)
    >>> t.loc[0, "code"], float(t.loc[0, "population"]), float(t.loc[0, "pop60"])
    ('360999001001', 5152.0, 1341.0)
    """
    p = Path(path)
    name = p.name
    df = read_table(p, sheet=sheet, dtype=str)
    df, found = _find_header(df, columns, name)
    if "code" not in found and "name" not in found:
        raise problem("population_no_key", name, **values_listed(df.columns, "has"),
                      **columns_option([("code", None)]))
    for key in ("population", "pop60"):
        if key not in found:
            raise missing_column_error(name, key, POPULATION_ALIASES[key], df.columns)
    df = df.reset_index(drop=True)
    df["__row"] = np.arange(1, len(df) + 1)
    df = _drop_total_rows(df, found, name).reset_index(drop=True)
    out = pd.DataFrame(index=df.index)
    if "code" in found:
        _check_scientific(df[found["code"]], found["code"], name, df["__row"].to_numpy())
    out["code"] = id_strings(df[found["code"]]) if "code" in found else None
    out["name"] = (df[found["name"]].map(lambda v: None if is_blank(v) else unicodedata.normalize("NFC", str(v)).strip())
                   if "name" in found else None)
    for key in POPULATION_VALUES:
        if key in found:
            out[key] = numeric_column(df[found[key]], key, name, "row", required=True).to_numpy()
    out["row"] = df["__row"].to_numpy()
    _check_table(out, found, name)
    return out


_SCIENTIFIC = re.compile(r"^\s*\d(?:\.(\d+))?[eE]\+?(\d+)\s*$")


def _check_scientific(codes: pd.Series, column: str, name: str, file_rows: np.ndarray) -> None:
    """Refuse codes Excel shortened to ``3.60999E+11``: the lost digits cannot be recovered."""
    def lost(v: Any) -> bool:
        m = _SCIENTIFIC.match(v) if isinstance(v, str) else None
        return m is not None and 1 + len(m.group(1) or "") < int(m.group(2)) + 1

    bad = codes.map(lost).astype(bool)
    if bad.any():
        rows, at = at_rows(file_rows[bad.to_numpy()] - 1, "row")
        raise problem("codes_scientific", name, rows, column=column, **at, **values_listed(codes[bad]))


def _check_table(out: pd.DataFrame, found: Mapping[str, str], name: str) -> None:
    """Codes 12 digits and unique (or names unique when there are no codes); 60+ within the total."""
    def rows_of(mask: pd.Series) -> tuple[tuple[int, ...], dict[str, str]]:
        return at_rows(out.loc[mask, "row"].to_numpy() - 1, "row")

    if "code" in found:
        codes = out["code"]
        empty = codes.isna()
        if empty.any() and "name" not in found:
            rows, at = rows_of(empty)
            raise problem("id_empty", name, rows, column=found["code"], **_label("code"), **at)
        bad = codes.notna() & ~codes.fillna("").str.fullmatch(r"\d{12}")
        if bad.any():
            rows, at = rows_of(bad)
            raise problem("population_codes_not_12_digits", name, rows, column=found["code"], **at,
                          **values_listed(codes[bad]))
        dup = codes.notna() & codes.duplicated(keep=False)
        if dup.any():
            rows, at = rows_of(dup)
            raise problem("duplicate_unit_codes", name, rows, column=found["code"], **at,
                          **values_listed(codes[dup]))
    over = out["pop60"] > out["population"]
    if over.any():
        rows, at = rows_of(over)
        raise problem("pop60_exceeds", name, rows, **at, pop60_column=found["pop60"],
                      population_column=found["population"])
    if "pop80" in out:
        over80 = out["pop80"] > out["pop60"]
        if over80.any():
            rows, at = rows_of(over80)
            raise problem("pop80_exceeds", name, rows, **at, pop80_column=found["pop80"],
                          pop60_column=found["pop60"])


def _label(canonical: str) -> dict[str, str]:
    from planner.io.problems import column_label

    return column_label(canonical)




def name_key(value: Any) -> str:
    """A unit name for matching: NFKC, no spaces or brackets, committee endings reduced.

    Examples
    --------
    >>> name_key(" 东门社区居委会 ") == name_key("东门社区")
    True
    >>> name_key("李家村村民委员会") == name_key("李家村")
    True
    """
    text = normalise_column_name(value)
    for ending, word in COMMITTEE_ENDINGS.items():
        if text.endswith(ending) and len(text) > len(ending):
            stem = text[: -len(ending)]
            return stem if stem.endswith(word) else stem + word
    return re.sub(r"\s+", "", text)


def _unique_keys(values: pd.Series) -> dict[str, int]:
    """Name key -> position, for the keys that occur once."""
    keys = values.map(lambda v: name_key(v) if isinstance(v, str) else None)
    counts = keys.value_counts()
    return {k: i for i, k in enumerate(keys) if k is not None and counts.get(k, 0) == 1}


def join_population(
    units: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    file: str = "population",
    units_file: str = "boundaries",
) -> gpd.GeoDataFrame:
    """Put a population table's values on the units: by code, by name only as a fallback.

    Parameters
    ----------
    units : GeoDataFrame
        As read by :func:`planner.io.boundaries.read_boundaries` (``code``,
        ``name``; ``population``/``pop60`` may be missing or NaN).
    table : DataFrame
        As read by :func:`read_population`.
    file, units_file : str
        The files' names, for messages.

    Returns
    -------
    GeoDataFrame
        A copy of ``units`` with ``population``, ``pop60`` (and ``pop80``
        when the table has it) from the table.  Units the table lacks keep
        their own values when they have them.

    Raises
    ------
    InputError
        ``population_units_unmatched`` when units the table lacks have no
        population of their own; ``population_no_match`` when nothing
        matches at all.

    Warns
    -----
    PlannerWarning
        ``population_rows_unmatched`` (table rows of no unit, with their rows),
        ``population_units_kept`` (units kept with their own values),
        ``population_joined_by_name`` (units matched by name).
    """
    out = units.copy()
    n = len(out)
    pos = np.full(n, -1, dtype=np.int64)
    unit_codes = out["code"] if "code" in out else pd.Series([None] * n, index=out.index)
    if "code" in table and table["code"].notna().any():
        lookup = {c: i for i, c in enumerate(table["code"]) if isinstance(c, str)}
        pos = np.array([lookup.get(c, -1) if isinstance(c, str) else -1 for c in unit_codes], dtype=np.int64)
    by_name: list[int] = []
    todo = np.flatnonzero(pos < 0)
    if todo.size and "name" in table and table["name"].notna().any():
        table_keys = _unique_keys(table["name"].where(~table.index.isin(pos[pos >= 0]), None))
        unit_keys = _unique_keys(out["name"])
        names = out["name"].tolist()
        for i in todo:
            key = name_key(names[i]) if isinstance(names[i], str) else None
            if key is not None and key in unit_keys and key in table_keys:
                pos[i] = table_keys[key]
                by_name.append(int(i))
    if not (pos >= 0).any():
        raise problem("population_no_match", file, (), units_file=units_file, n=n, rows=len(table),
                      **values_listed(unit_codes.dropna().head(3), "unit_codes"),
                      **values_listed(table["code"].dropna().head(3) if "code" in table else [], "table_codes"))
    if by_name:
        rows, at = at_rows(by_name)
        warn_problem("population_joined_by_name", units_file, rows, **at, n=len(by_name), file=file,
                     **values_listed(out["name"].iloc[by_name]))
    matched_rows = set(pos[pos >= 0].tolist())
    spare = [i for i in range(len(table)) if i not in matched_rows]
    if spare:
        rows, at = at_rows(table["row"].to_numpy()[spare] - 1, "row")
        keys = table["code"].iloc[spare] if "code" in table and table["code"].notna().any() else table["name"].iloc[spare]
        warn_problem("population_rows_unmatched", file, rows, **at, n=len(spare), units_file=units_file,
                     **values_listed(keys))
    _assign(out, table, pos, file, units_file)
    return out


def _assign(out: gpd.GeoDataFrame, table: pd.DataFrame, pos: np.ndarray, file: str, units_file: str) -> None:
    """Write the matched values; units without a row keep their own values or stop the run."""
    hit = pos >= 0
    missing = np.flatnonzero(~hit)
    if missing.size:
        own = [c for c in ("population", "pop60") if c in out]
        has_own = (np.ones(len(out), dtype=bool) if len(own) == 2 else np.zeros(len(out), dtype=bool))
        for c in own:
            has_own &= out[c].notna().to_numpy()
        lacking = missing[~has_own[missing]]
        if lacking.size:
            rows, at = at_rows(lacking)
            raise problem("population_units_unmatched", units_file, rows, **at, n=lacking.size, file=file,
                          **values_listed(out["name"].iloc[lacking]))
        rows, at = at_rows(missing)
        warn_problem("population_units_kept", units_file, rows, **at, n=missing.size, file=file,
                     **values_listed(out["name"].iloc[missing]))
    for key in POPULATION_VALUES:
        if key not in table:
            continue
        values = out[key].to_numpy(dtype=float).copy() if key in out else np.full(len(out), np.nan)
        values[hit] = table[key].to_numpy(dtype=float)[pos[hit]]
        out[key] = values
