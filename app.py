"""Streamlit app of the planner (UI only): ``streamlit run app.py``.

Opens on the built-in demo county.  Everything heavy is cached: the network
and the base analysis with ``st.cache_resource``; the models after the
session's edits in a per-session :class:`planner.app.state.ModelChain` (an
added facility is one bounded search).  The map is a fragment: panning reruns
only it, and the view it reports is kept so a rebuilt map opens where it was.
The logic lives in :mod:`planner.app` (state, edits, coords, views, downloads)
and the layers below it; the words in :mod:`planner.text` (keys ``app.*``); this
file only arranges widgets.
"""

from __future__ import annotations

import functools
import time
from collections import OrderedDict
from collections.abc import Callable

import streamlit as st

import planner.app as aps
from planner._errors import PlannerError
from planner._util import sha256_file
from planner.analysis import Analysis, analyse
from planner.analysis.scenario import (
    FORMAT_VERSION,
    Scenario,
    compare_scenarios,
    read_scenario,
    score_changes,
)
from planner.app.mapframe import instant_clicks, map_component, render_base, static_base_url
from planner.engine import WalkNetwork
from planner.io import guess_columns, list_profiles, load_profile, set_hint_style
from planner.outputs.html import offline_assets
from planner.outputs.maptools import search_index, unit_labels
from planner.outputs.webmap import (
    BASEMAP_LABELS,
    BASEMAPS,
    coverage_map,
    coverage_map_parts,
    display_to_wgs84,
    facility_id_from_tooltip,
    keep_view,
    view_meta,
)
from planner.schema import (
    BOUNDARY_ALIASES,
    BOUNDARY_COLUMNS,
    COORD_SYSTEM_LABELS,
    COORD_SYSTEMS,
    FACILITY_ALIASES,
    FACILITY_TYPES,
)
from planner.settings import DEFAULT_LANG, DEFAULT_MINUTES
from planner.text import column_label, status_label, tr, type_label

st.set_page_config(page_title=tr("app_title", "zh"), page_icon="🧓", layout="wide")
set_hint_style("app")  # fixes in messages name the app's choices (字段对应, 图层), not arguments or options

ss = st.session_state
SESSION_DEFAULTS: dict[str, object] = {
    "edits": [], "scenarios": {}, "selected": None, "last_click": None, "last_obj": None, "flash": [],
    "edit_t0": None, "lang": DEFAULT_LANG, "map_view": None, "map_nonce": 0, "edit_notes": {}}
for k, v in SESSION_DEFAULTS.items():
    ss.setdefault(k, v)
if "_chain" not in ss:
    ss["_chain"] = aps.ModelChain()
if "_sa" not in ss:
    ss["_sa"] = aps.ServiceAreaCache()
if "_uploads" not in ss:  # this session's private upload folder, removed when the session ends
    ss["_uploads"] = aps.UploadFolder()
chain: aps.ModelChain = ss["_chain"]


# --- cached heavy objects -----------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def demo_data() -> aps.DataSet:
    """The built-in demo county, read once per server."""
    return aps.demo_dataset()


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)  # uploads: freed within an hour
def network(path: str, sha: str, crs: str | None = None) -> WalkNetwork:
    """The walking network (keyed by the file's hash and a road layer's given CRS; an edit never reloads it)."""
    return aps.load_network_file(path, crs)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def base_analysis(data_key: str, profile: str, speed: float, minutes: float | None,
                  _data: aps.DataSet) -> Analysis:
    """The baseline analysis for the inputs and settings.

    Parameters
    ----------
    data_key : str
        :attr:`DataSet.key` of ``_data`` (the cache key; ``_data`` itself is not hashed).
    profile : str
        The standards profile.
    speed : float
        Walking speed (m/s).
    minutes : float or None
        One catchment for every target (None: the profile's).
    _data : DataSet
        The inputs.
    """
    net = network(str(_data.network_path), _data.network_sha, _data.network_crs)
    prof = aps.settings_profile(profile, speed, minutes)
    return analyse(_data.units, _data.facilities, net, profile=prof)


@st.cache_data(show_spinner=False, ttl=60)  # a profile file edited on disk shows within a minute
def profile_heading(name: str, lang: str) -> str:
    """The heading of a standards profile (reading every profile's TOML on each rerun costs 0.1 s)."""
    return aps.profile_heading(load_profile(name), lang)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def search_entries(key: str, lang: str, basemap: str, _analysis: Analysis) -> list[dict]:
    """What the map's search box finds: the units and the facilities of the baseline (``key``: its cache key).

    From the baseline, not the edited analysis, so the base map (which holds the search box) stays
    the same while the planner edits and is not sent again.
    """
    return search_index(_analysis, lang, basemap=basemap)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def label_entries(key: str, basemap: str, _analysis: Analysis) -> list[dict]:
    """The units' names on the map by zoom (of the baseline: the units do not change with edits)."""
    return unit_labels(_analysis, basemap=basemap)


def data() -> aps.DataSet:
    """The inputs in use: an upload of this session, else the demo county."""
    return ss.get("dataset") or demo_data()


# --- sidebar: language and settings -------------------------------------------------------------

with st.sidebar:
    st.radio(tr("app.language"), ["zh", "en"], key="lang", horizontal=True,
             format_func=lambda x: tr("app.lang_self", x))  # each language named in itself
lang = ss["lang"]


def lkey(name: str, default: object = None, lg: str | None = None) -> str:
    """Session key of a widget whose option labels depend on the language.

    Streamlit keeps a keyed selectbox's labels from the language it was first drawn in, so the
    key carries the language; the choice moves over when the language changes.

    Parameters
    ----------
    name : str
        The widget's name.
    default : object, optional
        The first value when neither language's widget has one yet.
    lg : str, optional
        The language (default: the session's).
    """
    lg = lg or ss["lang"]
    key = f"{name}@{lg}"
    if key not in ss:
        other = f"{name}@{'en' if lg == 'zh' else 'zh'}"
        if other in ss:
            ss[key] = ss[other]
        elif default is not None:
            ss[key] = default
    return key


def file_crs_input(key: str) -> str | None:
    """The coordinate system of an uploaded file that has none (e.g. a zipped shapefile without .prj)."""
    text = st.text_input(tr("app.file_crs", lang), key=key, placeholder="EPSG:4548", help=tr("app.file_crs_help", lang))
    return text.strip() or None


def coord_inputs(prefix: str, lonlat_in: Callable[[str], tuple[float, float]], seed: tuple,
                 labels: tuple[str, str]) -> None:
    """A coordinate-system choice and longitude/latitude inputs ``{prefix}_lon``/``{prefix}_lat``.

    Parameters
    ----------
    prefix : str
        Prefix of the widgets' session keys.
    lonlat_in : callable
        ``lonlat_in(system)``: the position to show in a coordinate system.
    seed : tuple
        What the shown position depends on; the inputs are filled again only
        when it or the system changes, so what the planner typed survives reruns.
    labels : (str, str)
        Labels of the longitude and latitude inputs.
    """
    coord = st.selectbox(tr("app.move_coord_system", lang), COORD_SYSTEMS, key=lkey(f"{prefix}_coord"),
                         format_func=lambda c: COORD_SYSTEM_LABELS[c][lang], help=tr("app.move_help", lang),
                         persist_state="page")
    lon, lat = lonlat_in(coord)
    full_seed = (*seed, coord, round(lon, 7), round(lat, 7))
    lon_key, lat_key, seed_key = f"{prefix}_lon", f"{prefix}_lat", f"_{prefix}_seed"
    if ss.get(seed_key) != full_seed or lon_key not in ss or lat_key not in ss:
        ss[lon_key], ss[lat_key] = round(lon, 6), round(lat, 6)
        ss[seed_key] = full_seed
    # drawn with their values as defaults: a newly shown input never flashes its minimum first
    st.number_input(labels[0], min_value=-180.0, max_value=180.0, value=ss[lon_key], step=0.0001, format="%.6f",
                    key=lon_key, persist_state="page")
    st.number_input(labels[1], min_value=-90.0, max_value=90.0, value=ss[lat_key], step=0.0001, format="%.6f",
                    key=lat_key, persist_state="page")


profiles = list_profiles()
with st.sidebar:
    st.subheader(tr("app.settings", lang))
    profile = st.selectbox(tr("app.profile", lang), profiles,
                           key=lkey("profile", "national" if "national" in profiles else profiles[0]),
                           format_func=lambda p: profile_heading(p, lang))
    # first values through the session, not the widgets: a loaded scenario sets them the same way
    for k, v in (("speed", 1.0), ("use_profile_minutes", True), ("minutes", 15.0)):
        ss.setdefault(k, v)
    speed = float(st.number_input(tr("speed", lang), min_value=0.3, max_value=2.0, step=0.05,
                                  key="speed", help=tr("app.speed_help", lang)))
    own_minutes = not st.checkbox(tr("app.use_profile_minutes", lang), key="use_profile_minutes")
    minutes = (float(st.number_input(tr("app.minutes", lang), min_value=1.0, max_value=60.0,
                                     step=1.0, key="minutes")) if own_minutes else None)
    shown = (5, 10, minutes) if minutes and minutes not in (5, 10) else DEFAULT_MINUTES
    st.caption(tr("app.implies", lang, text=aps.implied_metres(sorted(set(shown)), speed, lang)))

    st.subheader(tr("app.layers", lang))
    basemap = st.selectbox(tr("app.basemap", lang), BASEMAPS, key=lkey("basemap"),
                           format_func=lambda b: BASEMAP_LABELS[b][lang])
    tk = st.text_input(tr("app.tianditu_key", lang), key="tianditu_key", type="password") \
        if basemap == "tianditu" else ""
    if basemap == "tianditu" and not tk:
        st.info(tr("app.tianditu_needs_key", lang))
        basemap = "none"
    colour_by = st.selectbox(
        tr("app.colour_by", lang), ["__default__", *FACILITY_TYPES, *(f"places:{t}" for t in FACILITY_TYPES)],
        key=lkey("colour_by"),
        format_func=lambda t: tr("app.colour_default", lang) if t == "__default__"
        else tr("app.colour_places", lang, type=type_label(t.split(":", 1)[1], lang)) if t.startswith("places:")
        else type_label(t, lang))
    sa_types = st.multiselect(tr("app.service_types", lang), list(FACILITY_TYPES),
                              key=lkey("sa_types", ["day_care", "mutual_aid"]),
                              format_func=lambda t: type_label(t, lang))
    sa_minutes = st.multiselect(tr("app.service_minutes", lang), list(DEFAULT_MINUTES), default=list(DEFAULT_MINUTES),
                                key="sa_minutes")
    show_candidates = st.checkbox(tr("app.show_candidates", lang), value=False, key="show_candidates")
    show_network = st.checkbox(tr("app.show_network", lang), value=True, key="show_network")


# --- the analysis of the current scenario -------------------------------------------------------

ds = data()
with st.spinner(tr("app.loading_network", lang)):
    base = base_analysis(ds.key, profile, speed, minutes, ds)
base_key = f"{ds.key}|{profile}|{speed}|{minutes}"
try:
    analysis = chain.analysis(base_key, base, ss["edits"])
except PlannerError as exc:  # an edit that no longer applies: keep the valid prefix
    ss["flash"] = [*ss["flash"], ("error", tr("app.edit_failed", lang, msg=aps.error_md(exc, ss["lang"])))]
    good: list[dict] = []
    for e in ss["edits"]:
        try:
            chain.model(base_key, base.model, [*good, e])
            good.append(e)
        except PlannerError:
            break
    ss["edits"] = good
    analysis = chain.analysis(base_key, base, good)
model = analysis.model
ids = model.facilities["facility_id"].astype(str).tolist()
if ss["selected"] not in ids:
    ss["selected"] = None


def current_scenario() -> Scenario:
    """The session's work as a scenario (name, edits, settings, inputs)."""
    made = aps.scenario_of(ss.get("scenario_name") or tr("app.default_scenario", lang), ss["edits"],
                           profile=profile, speed=speed, minutes=minutes, inputs=ds.inputs)
    scenario, ss["scenario_stamp"] = aps.scenario_dated(made, ss.get("scenario_stamp"))
    return scenario


# --- callbacks (run before the script, so the panel updates in the same run) ---------------------

def _push(edit: dict) -> None:
    ss["edit_t0"] = time.perf_counter()
    ss["edits"] = [*ss["edits"], edit]


def cb_add_coords() -> None:
    try:
        _push(aps.add_edit(model, ss[lkey("ftype", "mutual_aid")], float(ss["add_lon"]),
                           float(ss["add_lat"]), edits=ss["edits"], name=ss.get("fname"),
                           capacity=ss.get("capacity"),
                           coord_system=ss.get(lkey("add_coord")) or "wgs84"))
        ss["selected"] = ss["edits"][-1]["facility_id"]
    except PlannerError as exc:
        ss["flash"] = [("error", tr("app.edit_failed", ss["lang"], msg=aps.error_md(exc, ss["lang"])))]


def cb_move_coords() -> None:
    lg = ss["lang"]
    fid = ss["selected"]
    if not fid:
        return
    try:
        edit = aps.move_edit(model, fid, float(ss["move_lon"]), float(ss["move_lat"]),
                             ss.get(lkey("move_coord")) or "wgs84")  # refused outside the study area
    except PlannerError as exc:
        ss["flash"] = [("error", tr("app.edit_failed", lg, msg=aps.error_md(exc, ss["lang"])))]
        return
    _push(edit)
    fac = model.facilities
    name = fac.loc[fac["facility_id"].astype(str) == fid, "name"].iloc[0]
    ss["flash"] = [("success", tr("app.moved_msg", lg, name=aps.md_text(name), lon=edit["lon"], lat=edit["lat"]))]


def cb_fit_county() -> None:
    ss["map_view"] = None
    ss["map_nonce"] += 1  # a new map component: it opens fitted to the county


def cb_undo() -> None:
    if ss["edits"]:
        ss["edit_t0"] = time.perf_counter()
        ss["edits"] = ss["edits"][:-1]


def cb_reset() -> None:
    ss["edit_t0"] = time.perf_counter()
    ss["edits"] = []


def cb_remove() -> None:
    if ss["selected"]:
        _push({"op": "remove", "facility_id": ss["selected"]})
        ss["selected"] = None


def cb_promote() -> None:
    if ss["selected"]:
        _push({"op": "status", "facility_id": ss["selected"], "status": "planned"})


def cb_keep() -> None:
    sc = current_scenario()
    ss["scenarios"] = {**ss["scenarios"], sc.name: sc.to_dict()}
    ss["flash"] = [("success", tr("app.kept", ss["lang"], name=aps.md_text(sc.name)))]


def cb_restore() -> None:
    name = ss.get("restore_pick")
    d = ss["scenarios"].get(name)
    if d:
        ss["edits"] = [dict(e) for e in d["edits"]]
        ss["scenario_name"] = name
        ss["edit_t0"] = time.perf_counter()


def cb_load_scenario() -> None:
    up = ss.get("scenario_upload")
    lg = ss["lang"]
    if up is None:
        ss["flash"] = [("warning", tr("app.nothing_uploaded", lg))]
        return
    try:
        sc = read_scenario(up.getvalue())
        prof = sc.profile if sc.profile in profiles else profile
        b = base_analysis(ds.key, prof, sc.speed or speed, sc.minutes, ds)
        edits = [e.to_dict() for e in sc.edits]
        chain.model(f"{ds.key}|{prof}|{sc.speed or speed}|{sc.minutes}", b.model, edits)  # must apply
    except Exception as exc:  # any bad file: say why, keep the current scenario
        ss["flash"] = [("error", tr("app.scenario_error", lg, msg=aps.error_md(exc, ss["lang"])))]
        return
    ss["edits"] = edits
    ss["scenario_name"] = sc.name
    ss[lkey("profile", lg=lg)] = prof
    if sc.speed:
        ss["speed"] = float(sc.speed)
    ss["use_profile_minutes"] = sc.minutes is None
    if sc.minutes is not None:
        ss["minutes"] = float(sc.minutes)
    ss["edit_t0"] = time.perf_counter()
    msgs = [("success", tr("app.loaded_scenario", lg, name=aps.md_text(sc.name), n=len(edits)))]
    msgs += [("warning", aps.md_text(w)) for w in sc.check_inputs(ds.inputs, lg)]  # file names: text
    ss["flash"] = msgs


def cb_suggest() -> None:
    try:
        new, notes = aps.suggest_site_edits(model, ss[lkey("suggest_type", "mutual_aid")],
                                            int(ss["suggest_k"]), ss["edits"], ss["lang"])
    except Exception as exc:
        ss["flash"] = [("error", tr("app.edit_failed", ss["lang"], msg=aps.md_text(aps.suggest_error_text(exc, ss["lang"]))))]
        return
    ss["edit_t0"] = time.perf_counter()
    ss["edits"] = [*ss["edits"], *new]
    ss["edit_notes"] = {**ss["edit_notes"], **notes}  # what each suggested site adds, for the edit list
    ss["flash"] = [("success", tr("app.suggest_done", ss["lang"], n=len(new)))]


# --- header and targets panel ------------------------------------------------------------------

st.title(tr("app_title", lang))
st.caption(tr("app.subtitle", lang))
# Every block above the tabs is one container whatever it holds, so a message or an edit never
# shifts the tabs' place on the page (a shifted st.tabs is a new element: it opens on its first tab).
with st.container():
    if ds.is_demo:
        st.info(tr("app.demo_note", lang))
    for kind, msg in ss["flash"]:
        getattr(st, kind)(msg)
ss["flash"] = []

changes = score_changes(base, analysis, lang)
st.subheader(tr("app.targets", lang))
st.caption(tr("app.targets_caption", lang, profile=aps.profile_heading(model.profile, lang), speed=model.speed)
           + "  " + aps.summary_text(analysis, lang))
cards = aps.target_cards(base, analysis, lang)
cols = st.columns(min(len(cards), 5) or 1)
for i, card in enumerate(cards):
    with cols[i % len(cols)], st.container(border=True):
        st.markdown(f"**{aps.md_text(card.label)}**")  # the full name, wrapped, never cut
        st.metric(card.short_label, card.value, delta=card.delta or None, label_visibility="collapsed",
                  delta_color="off" if card.informative else "normal",
                  help=tr("app.target_value", lang, target=card.target)
                  + (f" · {card.units_met}" if card.units_met else ""))
        st.caption(tr("app.existing_planned", lang, existing=card.existing, value=card.value)
                   + "  \n" + card.badges(lang))
moved = [c for c in changes if c.changed]
with st.container():
    if ss["edits"]:
        st.markdown(f"**{tr('app.changes', lang)}**")
        for c in moved:
            st.success(c.describe(lang))
    else:
        st.caption(tr("app.no_changes", lang))
    if ss["edit_t0"] is not None:
        ss["last_edit_seconds"] = time.perf_counter() - ss["edit_t0"]
        ss["edit_t0"] = None
    if ss.get("last_edit_seconds") is not None:
        st.caption(tr("app.updated_in", lang, sec=ss["last_edit_seconds"], n=len(ss["edits"])))


# --- map and edit panel --------------------------------------------------------------------------

col_map, col_edit = st.columns([3, 1.15])

with col_edit:
    st.subheader(tr("app.edit_panel", lang))
    mode = st.radio(tr("app.mode", lang), ["select", "add", "move"], key=lkey("mode", "add"), horizontal=False,
                    format_func=lambda m: tr(f"app.mode_{m}", lang))
    ftype = st.selectbox(tr("app.ftype", lang), list(FACILITY_TYPES), key=lkey("ftype", "mutual_aid"),
                         format_func=lambda t: type_label(t, lang))
    cap_default, cap_n = aps.usual_capacity(ds.facilities, ftype)
    if ss.get("_capacity_seed") != (ftype, ds.key) or "capacity" not in ss:
        ss["capacity"] = cap_default  # the type's usual size, until the planner types another
        ss["_capacity_seed"] = (ftype, ds.key)
    st.number_input(tr("app.capacity", lang), min_value=0.0, step=5.0, key="capacity",
                    help=tr("app.capacity_from_data", lang, n=cap_n, type=type_label(ftype, lang)) if cap_n
                    else tr("app.capacity_typical", lang, type=type_label(ftype, lang)))
    st.text_input(tr("app.fname", lang), key="fname")
    sel_name = None
    if ss["selected"]:
        row = model.facilities.loc[model.facilities["facility_id"].astype(str) == ss["selected"]].iloc[0]
        sel_name = row["name"]
    if mode == "add":
        st.caption(tr("app.add_hint", lang, type=type_label(ftype, lang)))
    elif mode == "move":
        st.caption(tr("app.move_hint", lang, name=aps.md_text(sel_name)) if sel_name else tr("app.no_selection", lang))
    else:
        st.caption(tr("app.select_hint", lang))

places_type = colour_by.split(":", 1)[1] if colour_by.startswith("places:") else None
places_col = None
if places_type is not None:
    try:
        places_col = chain.places(base_key, base.model, ss["edits"], places_type)
    except PlannerError as exc:
        st.warning(tr("app.places_failed", lang, msg=aps.error_md(exc, ss["lang"])))
sa_layer = ss["_sa"].layer(model, sa_types, sa_minutes) if sa_types and sa_minutes else None
map_kwargs = dict(lang=lang, facility_types=sa_types, minutes=sa_minutes or DEFAULT_MINUTES,
                  service_areas=sa_layer, basemap=basemap,
                  coverage_type=None if colour_by == "__default__" else (places_type or colour_by),
                  show_candidates=show_candidates, network=show_network,
                  tianditu_key=tk or None,
                  places=None if places_col is None else places_col.to_numpy(),
                  places_type=places_type if places_col is not None else None,
                  context=ds.context, search=search_entries(base_key, lang, basemap, base),
                  labels=label_entries(base_key, basemap, base))


@st.fragment
def map_panel() -> None:
    """The map.  Panning or zooming reruns only this fragment; the view is kept in the session
    (``map_view``) so a map rebuilt after other settings opens where the planner was.  The base
    map (background, network, outlines, legend) stays mounted while the planner edits: only the
    layers an edit changes (units, service areas, facilities) are sent again."""
    map_key = f"map{ss['map_nonce']}"
    on_click(ss.get(map_key) or {})  # a new click reruns the app before the map is drawn again
    view = aps.kept_view(ss["map_view"], ds.key)
    with st.spinner(tr("app.map_drawing", lang)):
        # the same inputs draw the same layers: a rerun that changed nothing on the map (panning,
        # a checkbox, a tab) neither builds nor renders them again
        inputs = (analysis, ss["selected"], sa_layer, places_col,
                  repr({k: v for k, v in map_kwargs.items() if k not in ("search", "context", "labels")
                        and not hasattr(v, "__array__")}))
        memo = ss.get("_map_layers")
        if memo is None or not aps.same_objects(memo[0], inputs):
            memo = (inputs, coverage_map_parts(analysis, selected=ss["selected"], base=False, **map_kwargs))
            ss["_map_layers"] = memo
        parts = memo[1]
        # the base (network, outlines, context, names, search, legend) is drawn once per data,
        # settings and legend, and kept: an edit sends only the layers it changes
        kept = ss.setdefault("_bases", OrderedDict())
        bkey = (ds.key, base_key, lang, basemap, tk, show_network, parts.base_key)
        if bkey not in kept:
            full = coverage_map_parts(analysis, selected=None, **map_kwargs)
            fmap = instant_clicks(keep_view(offline_assets(full.base, base_url=static_base_url()), None, basemap))
            kept[bkey] = render_base(fmap, full.network_segments_hidden)
            while len(kept) > 4:
                kept.popitem(last=False)
        kept.move_to_end(bkey)
        base_map = kept[bkey]
    # the layers this frame holds (since its base was drawn) are sent as their digests only
    sent = ss.get("_sent_layers")
    known = sent[1] if sent and sent[0] == (bkey, map_key) else frozenset()
    out, digests = map_component(base_map, parts.shown_layers, key=map_key, height=600,
                                 view_meta=view_meta(view, basemap), known=known,
                                 memo=ss.setdefault("_layers_js", {}))
    out = out or {}
    ss["_sent_layers"] = ((bkey, map_key), digests)
    if out.get("missing") and ss.get("_missing_seen") != out["missing"]:
        ss["_missing_seen"] = out["missing"]  # the frame lacked a layer (e.g. it was drawn anew)
        ss["_sent_layers"] = None
        st.rerun()  # rare: a full rerun is always allowed (a fragment-scoped one is not in a full run)
    ss["map_view"] = aps.view_state(ss["map_view"], out, basemap=basemap, data_key=ds.key)
    if base_map.network_segments_hidden:
        st.caption(tr("app.map_network_hidden", lang, n=base_map.network_segments_hidden))
    st.button(tr("app.fit_county", lang), key="fit_county", on_click=cb_fit_county)
    on_click(out)


def on_click(out: dict) -> None:
    """Act on a NEW click on the map (every rerun returns the last one again)."""
    obj_key = (out.get("last_object_clicked_tooltip"), aps.click_key(out.get("last_object_clicked")))
    clicked_id = facility_id_from_tooltip(out.get("last_object_clicked_tooltip"))
    if clicked_id and obj_key != ss["last_obj"] and aps.click_key(out.get("last_object_clicked")) is not None:
        ss["last_obj"] = obj_key
        if clicked_id in ids and clicked_id != ss["selected"]:
            ss["selected"] = clicked_id
            ss["last_click"] = aps.click_key(out.get("last_clicked"))
            st.rerun()
    if aps.is_new_click(out.get("last_clicked"), ss["last_click"]):
        ss["last_click"] = aps.click_key(out.get("last_clicked"))
        lon, lat = display_to_wgs84(out["last_clicked"]["lng"], out["last_clicked"]["lat"], basemap)
        try:
            edit = aps.click_edit(mode, lon, lat, model=model, facility_type=ftype, edits=ss["edits"],
                                  selected=ss["selected"], name=ss.get("fname"),
                                  capacity=ss.get("capacity"))
        except PlannerError as exc:
            edit = None
            st.error(tr("app.edit_failed", lang, msg=aps.error_md(exc, ss["lang"])))
        if edit is not None:
            _push(edit)
            ss["selected"] = edit["facility_id"]
            st.rerun()


with col_map:
    map_panel()
    if places_col is not None and places_type is not None:
        st.markdown(f"**{tr('app.places_heading', lang, type=type_label(places_type, lang))}**")
        st.caption(aps.places_summary(model, places_type, lang, minutes=places_col.attrs.get("minutes")))
        st.dataframe(aps.places_table(analysis, places_col, lang, facility_type=places_type), hide_index=True, width="stretch",
                     height=240)
        for note in aps.places_notes(places_col, lang):
            st.caption("• " + note)

with col_edit:
    if sel_name is not None:
        row = model.facilities.loc[model.facilities["facility_id"].astype(str) == ss["selected"]].iloc[0]
        st.markdown(f"**{tr('app.selected', lang)}**: {aps.md_text(sel_name)} `[{ss['selected']}]`  \n"
                    f"{type_label(row['type'], lang)} · {status_label(row['status'], lang)}")
        b1, b2 = st.columns(2)
        b1.button(tr("app.remove", lang), key="remove_btn", on_click=cb_remove)
        if row["status"] == "candidate":
            b2.button(tr("app.promote", lang), key="promote_btn", on_click=cb_promote)
        exp = st.expander(tr("app.move_coords", lang), key=lkey("exp_move", False), on_change="rerun")
        if exp.open:
            with exp:  # the facility's current place, in the chosen system, until the planner types
                coord_inputs("move", lambda c: aps.facility_lonlat(model, ss["selected"], c),
                             (ss["selected"],), (tr("app.move_lon", lang), tr("app.move_lat", lang)))
                st.button(tr("app.move_here", lang), key="move_coords_btn", on_click=cb_move_coords)
    u1, u2 = st.columns(2)
    u1.button(tr("app.undo", lang), key="undo_btn", on_click=cb_undo, disabled=not ss["edits"])
    u2.button(tr("app.reset", lang), key="reset_btn", on_click=cb_reset, disabled=not ss["edits"])
    exp = st.expander(tr("app.by_coords", lang), key=lkey("exp_add", False), on_change="rerun")
    if exp.open:
        with exp:  # a suggested gap site, in the chosen system, until the planner types
            pt = aps.default_site(analysis, ftype)
            coord_inputs("add", lambda c: aps.lonlat_as(pt.x, pt.y, c), (ftype,),
                         (tr("app.lon", lang), tr("app.lat", lang)))
            st.button(tr("app.add_here", lang), key="add_coords", on_click=cb_add_coords)
    if aps.suggest_available():
        exp = st.expander(tr("app.suggest", lang), key=lkey("exp_suggest", False), on_change="rerun")
        if exp.open:
            with exp:
                st.selectbox(tr("app.ftype", lang), list(FACILITY_TYPES), key=lkey("suggest_type", "mutual_aid"),
                             format_func=lambda t: type_label(t, lang), persist_state="page")
                st.number_input(tr("app.suggest_k", lang), min_value=1, max_value=50, value=ss.get("suggest_k", 3),
                                key="suggest_k", persist_state="page")
                st.button(tr("app.suggest_run", lang), key="suggest_btn", on_click=cb_suggest)
    if ss["edits"]:
        st.markdown(f"**{tr('app.edits', lang)}** ({len(ss['edits'])})")
        names = aps.facility_names(base.model, model)
        start = max(len(ss["edits"]) - 12, 0)
        st.markdown("\n".join(
            f"{start + i + 1}. " + aps.md_text(aps.edit_label(e, lang, names=names, notes=ss["edit_notes"]))
            for i, e in enumerate(ss["edits"][start:])))
    last = ss["edits"][-1] if ss["edits"] else {}
    if last.get("op") in ("add", "move") and str(last.get("facility_id")) in ids:
        pos = ids.index(str(last["facility_id"]))
        if model.facility_snap.far[pos]:
            st.warning(tr("app.far_warning", lang, m=float(model.facility_snap.access[pos])))


# --- tabs: table, scenarios, own data, downloads -------------------------------------------------

UPLOAD_WIDGETS = ("scenario_upload", "up_b", "up_f", "up_n")  # session keys of the file uploaders
TAB_KEYS = ("app.tab_units", "app.tab_scenarios", "app.tab_data", "app.tab_downloads")
tab_labels = [tr(k, lang) for k in TAB_KEYS]
# the open tab is kept as its label: after a language switch, the same tab in the new language
ss["main_tabs"] = aps.same_tab(ss.get("main_tabs"), TAB_KEYS, lang)
tab_units, tab_sc, tab_data, tab_dl = st.tabs(tab_labels, key="main_tabs", on_change="rerun")

# A hidden tab's (and a closed expander's) tables and widgets are neither computed nor sent: each
# element drawn costs the server and every browser work on every run.  The tabs and expanders rerun
# the app when opened; persist_state="page" keeps what the planner typed or chose in them; file
# uploaders are always drawn, so a picked file is kept.
with tab_units:
    gaps_only = st.checkbox(tr("app.gaps_only", lang), value=False, key="gaps_only")
    if tab_units.open is not False:
        st.dataframe(aps.unit_view(analysis, lang, gaps_only=gaps_only), hide_index=True, width="stretch")
        st.dataframe(aps.targets_table(base, analysis, lang), hide_index=True, width="stretch")
    if model.warnings:
        with st.expander(tr("app.warnings", lang)):
            for w in model.warning_texts(lang):
                st.markdown("• " + aps.md_text(w))  # they name units and facilities: text, never markup

with tab_sc:
    # the uploader is always drawn (a file picked there must outlive a look at another tab), and
    # first, so it keeps its place whether the rest of the tab is drawn or not
    st.file_uploader(tr("app.load_scenario", lang) + f" (format ≤ {FORMAT_VERSION})",
                     type=["geojson", "json"], key="scenario_upload")
    ss.setdefault("scenario_name", tr("app.default_scenario", lang))
    if tab_sc.open is not False:
        st.button(tr("app.load", lang), key="load_scenario_btn", on_click=cb_load_scenario)
        st.text_input(tr("app.scenario_name", lang), key="scenario_name", persist_state="page")
        c1, c2 = st.columns(2)
        c1.button(tr("app.keep_scenario", lang), key="keep_btn", on_click=cb_keep)
        c2.download_button(tr("app.download_scenario", lang), data=aps.scenario_geojson(current_scenario()),
                           file_name=f"{ss['scenario_name'] or 'scenario'}.geojson",
                           mime="application/geo+json", key="dl_scenario_tab", on_click="ignore")
        kept = list(ss["scenarios"])
        if kept:
            r1, r2 = st.columns([2, 1])
            r1.selectbox(tr("app.restore", lang), kept, key="restore_pick", persist_state="page")
            r2.button(tr("app.restore", lang), key="restore_btn", on_click=cb_restore)
        st.markdown(f"**{tr('app.compare', lang)}**")
        options = ["__baseline__", "__current__", *kept]
        pick = st.multiselect(tr("app.compare_pick", lang), options,
                              key=lkey("compare_pick", ["__baseline__", "__current__"]), persist_state="page",
                              format_func=lambda o: tr("app.baseline", lang) if o == "__baseline__"
                              else tr("app.current", lang) if o == "__current__" else o)
        analyses = {}
        for o in pick:
            try:
                if o == "__baseline__":
                    analyses[tr("app.baseline", lang)] = base
                elif o == "__current__":
                    analyses[tr("app.current", lang)] = analysis
                else:
                    d = ss["scenarios"][o]
                    prof = d.get("profile") if d.get("profile") in profiles else profile
                    sp = d.get("speed") or speed
                    b = base_analysis(ds.key, prof, sp, d.get("minutes"), ds)
                    analyses[o] = chain.analysis(f"{ds.key}|{prof}|{sp}|{d.get('minutes')}", b, d["edits"])
            except PlannerError as exc:
                st.warning(f"{aps.md_text(o)}: {aps.error_md(exc, lang)}")
        if analyses:
            st.dataframe(compare_scenarios(analyses, lang), hide_index=True, width="stretch")

with tab_data:
    st.caption(tr("app.data_intro", lang))
    up_b = st.file_uploader(tr("app.up_boundaries", lang), type=["gpkg", "geojson", "json", "zip"], key="up_b")
    b_path = b_layer = b_crs = None
    b_cols: dict = {}
    upload_ok = True
    if up_b is not None:
        try:
            b_path = ss["_uploads"].save(up_b.getvalue(), up_b.name, kind="boundaries")
            layers = ss["_uploads"].remember(("layers", str(b_path)), lambda: aps.layer_names(b_path))
            if len(layers) > 1:
                b_layer = st.selectbox(tr("app.layer", lang), layers, key="up_b_layer",
                                       index=layers.index("units") if "units" in layers else 0)
            b_crs = file_crs_input("up_b_crs")
            cols_b = ss["_uploads"].remember(("columns", str(b_path), b_layer),
                                               lambda: aps.raw_columns(b_path, b_layer))
            guess = guess_columns(cols_b, BOUNDARY_ALIASES)
            with st.expander(tr("app.column_map", lang), expanded=False):
                for canon in BOUNDARY_COLUMNS:
                    opts = ["", *cols_b]
                    b_cols[canon] = st.selectbox(
                        tr("app.column_for", lang, label=column_label(canon, lang)),
                        opts, key=lkey(f"map_b_{canon}", guess.get(canon)), format_func=lambda c: c or tr("app.not_present", lang))
        except Exception as exc:
            upload_ok = False
            st.error(tr("app.upload_error", lang, msg=aps.error_md(exc, ss["lang"])))
    up_f = st.file_uploader(tr("app.up_facilities", lang),
                            type=["gpkg", "geojson", "json", "zip", "csv", "xlsx", "xls"], key="up_f")
    f_path = f_layer = f_crs = None
    f_cols: dict = {}
    coord = "wgs84"
    dtype = None
    if up_f is not None:
        try:
            f_path = ss["_uploads"].save(up_f.getvalue(), up_f.name, kind="facilities")
            layers = ss["_uploads"].remember(("layers", str(f_path)), lambda: aps.layer_names(f_path))
            if len(layers) > 1:
                f_layer = st.selectbox(tr("app.layer", lang), layers, key="up_f_layer")
            cols_f = ss["_uploads"].remember(("columns", str(f_path), f_layer),
                                               lambda: aps.raw_columns(f_path, f_layer))
            guess = guess_columns(cols_f, FACILITY_ALIASES)
            coord = st.selectbox(tr("app.coord_system", lang), COORD_SYSTEMS, key=lkey("up_f_coord"),
                                 format_func=lambda c: COORD_SYSTEM_LABELS[c][lang])
            f_crs = file_crs_input("up_f_crs")
            if not guess.get("type"):
                dtype = st.selectbox(tr("app.default_type", lang), list(FACILITY_TYPES), key=lkey("up_f_type"),
                                     format_func=lambda t: type_label(t, lang))
            with st.expander(tr("app.column_map", lang), expanded=False):
                for canon in FACILITY_ALIASES:
                    opts = ["", *cols_f]
                    label = (tr(f"app.{canon}", lang) if canon in ("longitude", "latitude")
                             else column_label(canon, lang))
                    f_cols[canon] = st.selectbox(tr("app.column_for", lang, label=label), opts,
                                                 key=lkey(f"map_f_{canon}", guess.get(canon)),
                                                 format_func=lambda c: c or tr("app.not_present", lang))
        except Exception as exc:
            upload_ok = False
            st.error(tr("app.upload_error", lang, msg=aps.error_md(exc, ss["lang"])))
    up_n = st.file_uploader(tr("app.up_network", lang), type=["pbf", "osm", "graphml", "gpkg", "geojson", "zip"],
                            key="up_n")
    n_path = n_crs = None
    if up_n is not None:
        try:
            n_path = ss["_uploads"].save(up_n.getvalue(), up_n.name, kind="network")
            if n_path.suffix.lower() in (".gpkg", ".geojson", ".json", ".zip", ".shp"):  # road centre lines
                n_crs = file_crs_input("up_n_crs")
        except Exception as exc:
            upload_ok = False
            st.error(tr("app.upload_error", lang, msg=aps.error_md(exc, ss["lang"])))
    d1, d2 = st.columns(2)
    load_clicked = d1.button(tr("app.apply_data", lang), key="apply_data", type="primary")
    demo_clicked = d2.button(tr("app.use_demo", lang), key="use_demo", disabled=ds.is_demo)
    if load_clicked and upload_ok:  # a refused upload has said why above
        if not (b_path or f_path or n_path):
            st.warning(tr("app.nothing_uploaded", lang))
        else:
            try:
                with st.status(tr("app.loading", lang), expanded=False) as status:
                    if n_path is not None:
                        status.update(label=tr("app.loading_network", lang))
                    new = aps.read_user_data(
                        ds, boundaries=b_path, facilities=f_path, network=n_path,
                        boundary_columns=b_cols, facility_columns=f_cols, boundary_layer=b_layer,
                        facility_layer=f_layer, coord_system=coord, default_type=dtype,
                        crs={"boundaries": b_crs, "facilities": f_crs, "network": n_crs},
                        load_network=lambda p, crs: network(str(p), sha256_file(p), crs),
                        waiting=lambda: status.update(label=tr("app.upload_waiting", lang)))
                    net = network(str(new.network_path), new.network_sha, new.network_crs)
                    elsewhere = aps.check_overlap(new.units, net)
                    if elsewhere is not None:
                        raise elsewhere
                    base_analysis(new.key, profile, speed, minutes, new)  # fails here, not after the switch
                    status.update(label=tr("app.loaded", lang, what=", ".join(
                        p.name for p in (b_path, f_path, n_path) if p)), state="complete")
            except Exception as exc:  # a bad upload never replaces the data in use
                st.error(tr("app.upload_error", lang, msg=aps.error_md(exc, ss["lang"])))
            else:
                if ss["edits"]:
                    name = f"{ss.get('scenario_name') or 'scenario'} ({time.strftime('%H:%M:%S')})"
                    ss["scenarios"] = {**ss["scenarios"], name: current_scenario().to_dict()}
                    ss["flash"] = [("info", tr("app.edits_stashed", lang, name=aps.md_text(name)))]
                ss["dataset"] = new
                ss["edits"] = []
                ss["selected"] = None
                st.rerun()
    if demo_clicked:
        ss["dataset"] = None
        ss["edits"] = []
        ss["selected"] = None
        st.rerun()

with tab_dl:
    if tab_dl.open is not False:
        # Each button makes its file only when clicked, in a server thread outside this script run:
        # the makers are bound here to plain values (never the session state) and cache their bytes.
        # on_click="ignore": a download starts no rerun, so the page stays as it is.
        stem = tr("app.demo_stem", lang) if ds.is_demo else "coverage"
        state_key = "|".join(chain.key(base_key, ss["edits"]))
        map_key = repr(sorted((k, v) for k, v in map_kwargs.items()  # search/context: fixed by the data
                              if k not in ("search", "context", "labels")
                              and (v is None or isinstance(v, (str, int, float, bool, list, tuple)))))
        specs = {d.key: d for d in aps.table_downloads(
            analysis, state_key=state_key, lang=lang, stem=stem,
            scenario_json=aps.scenario_geojson(current_scenario()),
            scenario_name=ss.get("scenario_name") or "scenario", shp_encoding=ss.get("dl_shp_enc") or "utf-8",
            web_map=functools.partial(coverage_map, analysis, selected=None, **map_kwargs), map_key=map_key)}

        def download(where, spec: aps.Download) -> None:
            """A download button of ``spec`` in the container ``where``."""
            where.download_button(tr(spec.label_key, lang), data=spec.make, file_name=spec.file_name,
                                  mime=spec.mime, key=spec.key, on_click="ignore")

        c1, c2, c3 = st.columns(3)
        download(c1, specs["dl_xlsx"])
        download(c1, specs["dl_csv"])
        download(c2, specs["dl_gpkg"])
        download(c2, specs["dl_scenario"])
        download(c3, specs["dl_html"])
        c3.radio(tr("app.dl_shp_encoding", lang), ["utf-8", "gbk"], horizontal=True, key="dl_shp_enc",
                 persist_state="page")
        download(c3, specs["dl_shp"])
        st.markdown(f"**{tr('app.dl_print', lang)}**")
        p1, p2, p3, p4, p5 = st.columns([2, 1, 1, 1, 1])
        types_present = sorted(analysis.model.fields) or ["day_care"]
        print_type = p1.selectbox(tr("app.dl_print_type", lang), types_present,
                                  format_func=lambda t: type_label(t, lang), key=lkey("dl_print_type"),
                                  persist_state="page")
        paper = p2.selectbox(tr("app.dl_paper", lang), ["A4", "A3"], key="dl_paper", persist_state="page")
        orient = p3.selectbox(tr("app.dl_orientation", lang), ["landscape", "portrait"],
                              format_func=lambda o: tr(f"app.{o}", lang), key=lkey("dl_orient"),
                              persist_state="page")
        pdf, png = aps.print_downloads(analysis, state_key=state_key, lang=lang, stem=stem,
                                       facility_type=print_type, paper=paper, orientation=orient)
        download(p4, pdf)
        download(p5, png)


# Streamlit's collection after every run is off (.streamlit/config.toml); a session holding an
# upload collects at the end of its runs, so a large file's garbage goes at once
aps.collect_after_uploads(ss, UPLOAD_WIDGETS)
