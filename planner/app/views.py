"""What the app's panels show: summaries, the unit table, the map view, places per 1,000.

Pure functions of an analysis (or model) and the language; the widgets in
``app.py`` only display what they return.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.schema import FACILITY_TYPES
from planner.text import column_label, kind_label, tr, type_label

if TYPE_CHECKING:
    from planner.analysis import Analysis
    from planner.analysis.scenario import ScoreChange
    from planner.engine import Model
    from planner.io import Profile
    from planner.outputs.webmap import MapView

__all__ = ["TargetCard", "delta_text", "error_md", "md_text", "implied_metres", "kept_view", "places_column", "places_notes", "places_summary",
           "places_table", "profile_heading", "suggest_error_text", "summary_text", "target_cards", "targets_table", "unit_view", "view_state"]


def implied_metres(minutes: Sequence[float], speed: float, lang: str = "zh") -> str:
    """'5分钟 ≈ 300米，10分钟 ≈ 600米' for the settings panel.

    Parameters
    ----------
    minutes : sequence of float
        The walks to describe.
    speed : float
        Walking speed (m/s).
    lang : str, default 'zh'
        Language of the line.
    """
    parts = [tr("minutes_metres", lang, minutes=float(m), metres=float(m) * 60 * speed) for m in minutes]
    return tr("app.list_sep", lang).join(parts)


def summary_text(analysis: Analysis, lang: str = "zh") -> str:
    """One line describing the study area."""
    u = analysis.units
    kinds = u["kind"].value_counts()
    return tr("app.summary_line", lang, units=len(u), communities=int(kinds.get("community", 0)),
              villages=int(kinds.get("village", 0)), pop60=float(u["pop60"].sum()),
              gaps=int(u["gap"].sum()))


def unit_view(analysis: Analysis, lang: str = "zh", *, gaps_only: bool = False) -> pd.DataFrame:
    """The per-unit table shown in the app (labelled columns, shares in per cent).

    Parameters
    ----------
    analysis : Analysis
        The analysis to tabulate.
    lang : str, default 'zh'
        Language of the headers and labels.
    gaps_only : bool, default False
        Only the units with a gap.
    """
    from planner.outputs.tables import unit_table

    df = unit_table(analysis, lang)
    if gaps_only:
        df = df[analysis.units["gap"].to_numpy()]
    keep = [c for c in df.columns if not c.endswith("_nearest_id") and not c.startswith("reason_")]
    df = df[keep].copy()
    for c in df.columns:
        if c.endswith("_share"):
            df[c] = (df[c].astype(float) * 100).round(1)
        elif c.endswith("_minutes"):
            df[c] = df[c].astype(float).round(1)
    df.columns = [column_label(c, lang) + (" %" if c.endswith("_share") else "") for c in df.columns]
    return df


def view_state(kept: Mapping | None, out: Mapping | None, *, basemap: str = "none",
               data_key: str = "") -> dict | None:
    """The map view to keep after a run: the one the map reported, else the kept one.

    A view of other data (after an upload) is dropped, so new data open fitted.

    Parameters
    ----------
    kept : mapping, optional
        The previous result of this function (a plain dict kept in the
        session: ``data``, ``lon``, ``lat``, ``zoom``).
    out : mapping, optional
        What ``st_folium`` returned (``center``/``zoom`` in display coordinates).
    basemap : str, default 'none'
        The basemap shown (its display coordinates may be GCJ-02).
    data_key : str
        :attr:`planner.app.state.DataSet.key` of the data shown.
    """
    from planner.outputs.webmap import view_from_return

    view = view_from_return(dict(out) if out else None, basemap)
    if view is not None:
        return {"data": data_key, "lon": view.lon, "lat": view.lat, "zoom": view.zoom}
    if kept and kept.get("data") == data_key:
        return dict(kept)
    return None


def kept_view(kept: Mapping | None, data_key: str = "") -> MapView | None:
    """The :class:`planner.outputs.webmap.MapView` to open the map at (None: fit the data)."""
    from planner.outputs.webmap import MapView

    if not kept or kept.get("data") != data_key:
        return None
    try:
        return MapView(float(kept["lon"]), float(kept["lat"]), float(kept["zoom"]))
    except (KeyError, TypeError, ValueError):
        return None


def places_column(model: Model, facility_type: str) -> pd.Series:
    """Places per 1,000 people 60+ within the walk of each unit (2SFCA).

    The 60+-weighted mean over the unit's demand points of
    :func:`planner.analysis.capacity.capacity_access` (the type's active facilities,
    their ``capacity``, the profile's catchment minutes).  Aligned with
    ``model.units`` by position; NaN where a unit has no 60+ population.
    ``attrs['notes']`` carries the notes (e.g. facilities without places).
    """
    from planner.analysis.capacity import capacity_access

    acc = capacity_access(model, facility_type)
    col = pd.Series(acc.units["places_per_1000"].to_numpy(float), index=model.units.index,
                    name="places_per_1000")
    col.attrs["notes"] = tuple(acc.notes)
    col.attrs["minutes"] = float(acc.minutes)
    unpriced = pd.to_numeric(acc.facilities["capacity"], errors="coerce").isna().to_numpy()
    col.attrs["unpriced"] = (int(unpriced.sum()), tuple(acc.facilities.loc[unpriced, "name"].astype(str).head(10)))
    return col


def places_notes(col: pd.Series, lang: str = "zh") -> list[str]:
    """What the planner should know about a :func:`places_column`, in ``lang``, escaped for markdown.

    Today: the facilities without a number of places (counted as 0), named.
    """
    n, names = col.attrs.get("unpriced", (0, ()))
    if not n:
        return []
    return [md_text(tr("app.places_unpriced", lang, n=n, names=tr("io.sep.list", lang).join(names)))]


def places_table(analysis: Analysis, column: pd.Series, lang: str = "zh", *,
                 facility_type: str | None = None) -> pd.DataFrame:
    """The small per-unit table of places per 1,000 shown under the map (lowest first).

    Parameters
    ----------
    analysis : Analysis
        The analysis whose units are listed.
    column : Series
        :func:`places_column` of the analysis' model.
    lang : str, default 'zh'
        Language of the headers and labels.
    facility_type : str, optional
        With a type of community or village level only the units of that kind
        are listed (a rural mutual-aid site serves villages).
    """
    u = analysis.units
    level = FACILITY_TYPES[facility_type].level if facility_type in FACILITY_TYPES else None
    keep = np.ones(len(u), bool)
    if level in ("community", "village") and (u["kind"] == level).any():
        keep = (u["kind"] == level).to_numpy()
    u = u[keep]
    column = np.asarray(column, float)[keep]
    df = pd.DataFrame({
        column_label("name", lang): u["name"].to_numpy(),
        column_label("kind", lang): [kind_label(k, lang) for k in u["kind"]],
        column_label("pop60", lang): u["pop60"].to_numpy(float).round(0),
        tr("app.places_col", lang): np.round(np.asarray(column, float), 1),
    })
    return df.sort_values(tr("app.places_col", lang), na_position="last", kind="stable").reset_index(drop=True)


def places_summary(model: Model, facility_type: str, lang: str = "zh", *, minutes: float | None = None) -> str:
    """One line: the county's places of the type per 1,000 people 60+ and how units are measured.

    Parameters
    ----------
    model : Model
        The (edited) model.
    facility_type : str
        The facility type.
    lang : str, default 'zh'
        Language of the line.
    minutes : float, optional
        The catchment used (default: the profile's for the type).
    """
    mask = model.type_mask(facility_type)
    places = float(np.nansum(pd.to_numeric(model.facilities.loc[mask, "capacity"], errors="coerce")))
    pop60 = float(model.units["pop60"].sum())
    return tr("app.places_summary", lang, type=type_label(facility_type, lang), places=places, pop60=pop60,
              rate=places / pop60 * 1000 if pop60 > 0 else float("nan"),
              minutes=float(minutes if minutes is not None else model.profile.catchment(facility_type)))


# --- the targets panel ---------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|~$:"})


def md_text(text: object) -> str:
    r"""``text`` escaped for ``st.markdown``/``st.success``: shown as written, never as markup or a link.

    Names come from uploaded files and scenario files; a name such as
    ``<img src=x onerror=...>`` or ``[x](javascript:...)`` must read as text.

    Examples
    --------
    >>> md_text("a*b* [x](y) <i>")
    'a\\*b\\* \\[x\\]\\(y\\) \\<i\\>'
    """
    return str(text).translate(_MD_SPECIAL)



def error_md(exc: BaseException, lang: str = "zh") -> str:
    """:func:`planner.app.state.error_text` escaped for ``st.error``/``st.warning`` (markdown).

    Messages quote names and values from uploaded and scenario files; shown
    as written, never as a link, an image or emphasis.
    """
    from planner.app.state import error_text

    return md_text(error_text(exc, lang))


def suggest_error_text(exc: BaseException, lang: str = "zh") -> str:
    """Why the suggestions failed, worded for the app's suggest panel.

    No candidate sites means the type's gaps are already covered (candidates
    are generated in the gaps) or the facility table lists none: said so,
    without the command line's ``--candidates``.
    """
    from planner._errors import PlannerError
    from planner.app.state import error_text

    if isinstance(exc, PlannerError) and exc.code == "siting_no_candidates":
        return tr("app.suggest_none", lang, type=type_label(str(exc.params.get("facility_type")), lang))
    return error_text(exc, lang)


def delta_text(change: ScoreChange, lang: str = "zh") -> str:
    """The change of a target's value: '+3.3 个百分点' / '+3.3 pp', '+1' for counts, '' when none.

    Parameters
    ----------
    change : ScoreChange
        One target before and after the scenario's edits.
    lang : str, default 'zh'
        Language of the unit of a share's change.
    """
    return change.delta_text(lang)


def profile_heading(profile: Profile, lang: str = "zh") -> str:
    """The profile's title with its document's status ('… · 征求意见稿（未正式发布）').

    The status is left out when the title already says it (景德镇's title ends in
    （再次征求意见稿）, the generic default's says 通用默认).
    """
    title, status = profile.title(lang), profile.status_text(lang)
    head = re.split(r"[\uff08(]", status)[0].strip()  # the status before its explanation in brackets
    if head and head.lower() in title.lower():
        return title
    return tr("app.profile_heading", lang, title=title, status=status)


@dataclass(frozen=True)
class TargetCard:
    """What one card of the targets panel shows (all text, in one language).

    Attributes
    ----------
    target_id : str
        The profile's target id.
    label : str
        The target's full name (never cut).
    short_label : str
        The name without a trailing parenthesis (the metric's label).
    value : str
        规划: the value with existing and planned facilities.
    existing : str
        现状: the value with existing facilities only.
    target : str
        The figure to reach ('≥ 85%', '≥ 1'), '—' for an informative target.
    met : str
        '达标', '未达标', '仅供参考' or '—'.
    colour : str
        Streamlit colour of ``met``: green, red or gray.
    delta : str
        The change against the baseline ('+3.3 个百分点'), '' when none.
    units_met : str
        'units met/units' of a unit target, '' for a count.
    overdue : bool
        The deadline is past and the target is not met (逾期).
    informative : bool
        Shown, never judged (仅供参考).
    deadline : int or None
        The deadline year.
    """

    target_id: str
    label: str
    short_label: str
    value: str
    existing: str
    target: str
    met: str
    colour: str
    delta: str
    units_met: str
    overdue: bool
    informative: bool
    deadline: int | None

    def badges(self, lang: str = "zh") -> str:
        """The status line of the card: met, 逾期, deadline and the figure, joined by ' · '."""
        parts = [f":{self.colour}[**{self.met}**]"]
        if self.overdue:
            parts.append(f":red-background[{tr('app.overdue', lang)}]")
        if self.deadline:
            parts.append(tr("app.deadline", lang, year=self.deadline))
        parts.append(tr("app.target_value", lang, target=self.target))
        return " · ".join(parts)


def target_cards(base: Analysis, analysis: Analysis, lang: str = "zh") -> list[TargetCard]:
    """The cards of the targets panel: each target's 现状 and 规划 value, change, 逾期 and status.

    Parameters
    ----------
    base : Analysis
        The baseline (the data before the session's edits).
    analysis : Analysis
        The current scenario.
    lang : str, default 'zh'
        Language of the text.
    """
    from planner.analysis.scenario import score_changes

    scores = {s.target.id: s for s in analysis.scores}
    cards = []
    for c in score_changes(base, analysis, lang):
        s = scores[c.target_id]
        informative = bool(getattr(s.target, "informative", False))
        if informative:
            met, colour, target = tr("app.informative", lang), "gray", "—"
        else:
            met = c.met_text(lang)
            colour = "gray" if c.met_after is None else "green" if c.met_after else "red"
            target = c.value_text(c.target) if c.measure != "count" else f"≥ {c.target:,.0f}"
        existing = float(getattr(s, "value_existing", np.nan))
        cards.append(TargetCard(
            target_id=c.target_id, label=c.label, short_label=c.short_label,
            value=c.value_text(c.after), existing=c.value_text(existing), target=target, met=met,
            colour=colour, delta=delta_text(c, lang),
            units_met="" if c.measure == "count" else f"{c.n_met_after}/{c.n_units}",
            overdue=bool(getattr(s, "overdue", False)), informative=informative,
            deadline=getattr(s.target, "deadline", None)))
    return cards


def targets_table(base: Analysis, analysis: Analysis, lang: str = "zh") -> pd.DataFrame:
    """The targets as a compact table (full names): 现状, 规划, figure, met, 逾期, deadline, change.

    Parameters
    ----------
    base : Analysis
        The data before the session's edits.
    analysis : Analysis
        The current scenario.
    lang : str, default 'zh'
        Language of the headers and cells.
    """
    from planner.analysis.scenario import score_changes

    before = {c.target_id: c.value_text(c.before) for c in score_changes(base, analysis, lang)}
    rows = []
    for c in target_cards(base, analysis, lang):
        rows.append({
            tr("app.col.target", lang): c.label,
            tr("app.col.existing", lang): c.existing,
            tr("app.col.planned", lang): c.value,
            tr("app.col.figure", lang): c.target,
            tr("app.col.met", lang): c.met,
            tr("app.col.overdue", lang): tr("app.overdue", lang) if c.overdue else "",
            tr("app.col.deadline", lang): str(c.deadline) if c.deadline else "",
            tr("app.col.before", lang): before[c.target_id],
            tr("app.col.change", lang): c.delta,
            tr("app.col.units_met", lang): c.units_met,
        })
    return pd.DataFrame(rows)


def same_tab(label: str | None, keys: Sequence[str], lang: str) -> str | None:
    """The label, in ``lang``, of the tab whose label (in any language) is ``label``.

    Streamlit keeps the open tab as its label, so without this a language
    switch would reopen the first tab.

    Parameters
    ----------
    label : str or None
        The open tab's label, as kept in the session (None: none yet).
    keys : sequence of str
        Catalogue keys of the tabs' labels, in order.
    lang : str
        The language now shown.

    Returns
    -------
    str or None
        The label to keep open (None when ``label`` is not a tab's).
    """
    if label is None:
        return None
    for lg in ("zh", "en"):
        labels = [tr(k, lg) for k in keys]
        if label in labels:
            return tr(keys[labels.index(label)], lang)
    return None

