"""The ``planner`` command line (batch work and scripts).

``planner analyse`` runs the whole coverage and gap analysis (the built-in demo
county when no inputs are given); ``planner travel-times`` gives walking
minutes from any points to the nearest facility of each type.  Errors a user
can fix are printed as one message (no traceback) and exit with code 2.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from planner._errors import InputError, PlannerError, PlannerWarning
from planner.engine.network import DEFAULT_CLIP_BUFFER
from planner.io.problems import problem_of
from planner.settings import DEFAULT_DPI, DEFAULT_LANG, DEFAULT_MAX_SNAP, DEFAULT_MINUTES
from planner.text import lookup, tr
from planner.text.vocabulary import LIST_SEPARATORS


def _both(key: str, first: str = "en") -> str:
    """Both languages of a catalogue entry, ``"en / zh"`` (or ``"zh / en"`` with ``first="zh"``)."""
    zh, en = lookup(key) or (key, key)
    return f"{en} / {zh}" if first == "en" else f"{zh} / {en}"


def _zh_dash_en(key: str) -> str:
    zh, en = lookup(key) or (key, key)
    return f"{zh} — {en}"


SnapTolerance = Annotated[float, typer.Option(
    "--snap-tolerance", help="road centre-line layers: metres within which a line end joins another line")]
RoadClasses = Annotated[Path | None, typer.Option(
    "--road-classes", help="road centre-line layers: a TOML table of walkable road classes (see planner/data/road_classes.toml)")]


NetworkBuffer = Annotated[float, typer.Option(
    "--network-buffer", help="a large .osm.pbf is clipped to the study area (the boundaries', else the "
    "facilities', points' or demand's extent) plus these metres before it is read; 0 reads the whole file")]
CrsOption = Annotated[list[str] | None, typer.Option(
    "--crs", help="coordinate system of a layer without one (or with a wrong one): INPUT=EPSG:CODE, e.g. "
    "boundaries=EPSG:4548 (INPUT: boundaries, facilities, points, network, demand, candidates), or a bare "
    "EPSG:CODE for the boundaries, facilities and points (repeatable)")]
LayerOption = Annotated[list[str] | None, typer.Option(
    "--layer", help="layer of a GeoPackage or dataset inside a zip: INPUT=NAME, e.g. boundaries=villages "
    "(repeatable; a bare NAME applies to every input)")]
ColumnsOption = Annotated[list[str] | None, typer.Option(
    "--columns", help="your column names, canonical=yours (repeatable), e.g. pop60=pop_60plus; "
    "one input only: population.code=YOUR_CODE_COLUMN")]
PopulationOption = Annotated[Path | None, typer.Option(
    help="population table (CSV/XLSX: 12-digit code, total, 60+, optionally 80+) joined to the boundaries")]
EncodingOption = Annotated[list[str] | None, typer.Option(
    "--encoding", help="attribute encoding of a shapefile: INPUT=ENCODING or a bare one, e.g. gbk (repeatable)")]


def _road_options(tolerance: float, classes: Path | None) -> dict:
    """Keyword arguments of planner.io.roads.read_road_network from the command line."""
    return {"tolerance": tolerance, "road_classes": classes}


def _read_options(crs: list[str] | None = None, layer: list[str] | None = None,
                  encoding: list[str] | None = None, network_buffer: float | None = None) -> dict:
    """Keyword arguments of planner.io.validate_inputs from --crs, --layer, --encoding, --network-buffer."""
    from planner.io import hint_style
    from planner.io.columns import parse_input_options

    with hint_style("cli"):
        return {"crs": parse_input_options(crs, "crs") or None,
                "layers": parse_input_options(layer, "layer") or None,
                "encodings": parse_input_options(encoding, "encoding") or None,
                "network_buffer": network_buffer}


_MINUTES_TEXT = ",".join(f"{m:g}" for m in DEFAULT_MINUTES)  # "5,10,15"
_OUT_HELP = _both("cli.out_folder")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=_zh_dash_en("cli.help"),
)


class _Stages:
    """Prints each stage with its time (progress for long work), in the command's language."""

    def __init__(self, quiet: bool = False, lang: str = DEFAULT_LANG):
        self.quiet = quiet
        self.lang = lang
        self.t0 = time.perf_counter()

    def say(self, key: str, **fmt: object) -> None:
        """Print the catalogue entry ``cli.stage.<key>`` in the command's language."""
        self(tr(f"cli.stage.{key}", self.lang, **fmt))

    def __call__(self, text: str) -> None:
        if not self.quiet:
            typer.echo(f"[{time.perf_counter() - self.t0:6.1f}s] {text}", err=True)


def _fail(exc: PlannerError) -> None:
    """Print the error (Chinese first, then English when the catalogue words it) and exit with code 2."""
    zh = exc.display("zh")
    if zh == exc.display("en"):  # no Chinese entry: the English text once, as raised (with the path given)
        typer.secho(f"{_both('cli.error', first='zh')}: {exc}", fg=typer.colors.RED, err=True)
    else:
        typer.secho(tr("cli.error_line", "zh", text=zh), fg=typer.colors.RED, err=True)
        typer.secho(tr("cli.error_line", "en", text=str(exc)), fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


@contextlib.contextmanager
def _said_warnings() -> Iterator[None]:
    """Print the PlannerWarnings raised inside as lines (Chinese, with the fix), not as Python warnings.

    For commands that read without :func:`planner.io.validate_inputs` (which
    lists warnings in its report); other warnings pass on unchanged.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        try:
            yield
        finally:
            for w in caught:
                if not isinstance(w.message, PlannerWarning):
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
                    continue
                fix = w.message.fix_text(DEFAULT_LANG)  # as the validation report's lines: file: problem — fix
                where = f"{Path(w.message.path).name}: " if w.message.path else ""
                typer.secho(f"  ! {where}{w.message.text(DEFAULT_LANG)}" + (f" — {fix}" if fix else ""),
                            fg=typer.colors.YELLOW, err=True)


def _demo_or_given(given: dict[str, object | None], needed: tuple[str, ...]) -> dict[str, object]:
    """The demo county's files when no input is given at all; else every needed input, given.

    A user's missing input is never filled with the demo county's (that would
    mix their data with synthetic data): it is an error naming what is missing.
    """
    from planner.demo import demo_paths

    if all(v is None for v in given.values()):
        demo = demo_paths()
        return {"boundaries": demo.boundaries, "facilities": demo.facilities, "network": demo.network,
                "demo": demo}
    missing = [k for k in needed if given.get(k) is None]
    if missing:
        options = ", ".join(f"--{k}" for k in missing)
        present = ", ".join(f"--{k}" for k, v in given.items() if v is not None)
        raise InputError(f"missing {options} (given: {present}); the demo county is used only when "
                         "no input is given at all", code="inputs_missing",
                         hint=f"pass {options} too", params={"missing": options, "given": present})
    return {**given, "demo": None}


def _load_inputs(boundaries: Path | None, facilities: Path | None, network: Path | None, coord_system: str,
                 stage: _Stages, place: str | None = None, *,
                 columns: list[str] | None = None, population: Path | None = None,
                 road_options: dict | None = None, other_inputs: dict | None = None,
                 read_options: dict | None = None) -> tuple:
    """Read and check the inputs (the demo county's when none is given at all).

    Returns units, facilities, network, the paths ``(b, f, n)`` and the validation report.
    """
    from planner.engine import download_network
    from planner.io import hint_style, parse_column_options, validate_inputs

    with hint_style("cli"):
        mapping = parse_column_options(columns)
        got = _demo_or_given({"boundaries": boundaries, "facilities": facilities,
                              "network": network or place, "population": population,
                              **(other_inputs or {})},
                             ("boundaries", "facilities", "network"))
        demo = got["demo"]
        b, f = got["boundaries"], got["facilities"]
        n = network if demo is None else got["network"]
        net: object = n
        if n is None:
            stage.say("download", place=place)
            net = download_network(place)
        # every problem of the inputs at once (planner.io.validate); fatal ones stop here
        report = validate_inputs(b, f, net, coord_system=coord_system, progress=stage, lang=stage.lang,
                                 boundaries_layer="units" if demo is not None else None,
                                 columns=mapping, population=population, road_options=road_options,
                                 **(read_options or {}))
        if report.fatal:
            _rows_note(report)
        report.raise_if_fatal()
    stage(report.network.report.summary(stage.lang))
    return report.units, report.facilities, report.network, (b, f, n), report


def _rows_note(report, *, err: bool = True) -> None:
    """Say how rows are counted when a problem names rows (data rows below the header, not a spreadsheet's)."""
    if any(i.rows for i in report.issues):
        typer.echo(f"  ({_both('cli.rows_note', first='zh')})", err=err)


def _minutes_list(text: str) -> tuple[float, ...]:
    try:
        for sep in LIST_SEPARATORS:
            text = text.replace(sep, ",")
        values = tuple(sorted({float(x) for x in text.split(",") if x.strip()}))
    except ValueError as exc:
        raise problem_of(PlannerError, "cli_minutes_not_numbers", None, (), text=text) from exc
    if not values or min(values) <= 0:
        raise problem_of(PlannerError, "cli_minutes_not_positive", None, (), text=text)
    return values


@app.command()
def analyse(
    out: Annotated[Path, typer.Option("--out", help=_OUT_HELP)] = Path("out"),
    boundaries: Annotated[Path | None, typer.Option(help="communities/villages layer (GPKG, GeoJSON, SHP, ZIP)")] = None,
    facilities: Annotated[Path | None, typer.Option(help="facilities (layer, CSV or XLSX)")] = None,
    network: Annotated[Path | None, typer.Option(help="walking network: .osm.pbf, .osm, .graphml, or road centre lines (.shp, .zip, .gpkg, .geojson)")] = None,
    profile: Annotated[str, typer.Option(help="standards profile name or .toml file")] = "national",
    speed: Annotated[float | None, typer.Option(help="walking speed in m/s (default: the profile's, 1.0)")] = None,
    coord_system: Annotated[str, typer.Option(help="coordinates of CSV/XLSX facilities: wgs84, cgcs2000, gcj02, bd09")] = "wgs84",
    minutes: Annotated[str, typer.Option(help="service-area walks in minutes, e.g. 5,10,15")] = _MINUTES_TEXT,
    place: Annotated[str | None, typer.Option(help="download the network of this place with osmnx (online; cached) instead of --network")] = None,
    merge_duplicates: Annotated[bool, typer.Option("--merge-duplicates", help="merge duplicate facilities (same type within 10 m, or same name and type) before the analysis; the input file is not changed")] = False,
    home: Annotated[Path | None, typer.Option(help="household-level counts (CSV/XLSX: code or name of county/township, home_beds, adaptations)")] = None,
    weight: Annotated[str, typer.Option(help="demand weight of population shares: pop60, or an 80+ column such as pop80")] = "pop60",
    columns: ColumnsOption = None,
    population: PopulationOption = None,
    snap_tolerance: SnapTolerance = 1.0,
    road_classes: RoadClasses = None,
    buildings: Annotated[Path | None, typer.Option(help="residential buildings (points or polygons; a population, households or floor-area column optional): each unit's people are placed on them")] = None,
    population_raster: Annotated[Path | None, typer.Option("--population-raster", help="GeoTIFF of people per cell (e.g. WorldPop 100 m): each unit's people are spread over its cells")] = None,
    network_buffer: NetworkBuffer = DEFAULT_CLIP_BUFFER,
    crs: CrsOption = None,
    layer: LayerOption = None,
    encoding: EncodingOption = None,
    lang: Annotated[str, typer.Option(help="zh or en (table headers)")] = DEFAULT_LANG,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Coverage and gap analysis (the built-in demo county by default).

    Writes coverage.gpkg, gaps.xlsx, gaps.csv, targets.csv, service_areas.gpkg,
    map.html (the offline interactive gap map) and summary.json into --out,
    and prints the target scores.  The folder is replaced whole when every
    file is written (an interrupted run leaves the previous results), and is
    locked against a second run.
    """
    from planner.analysis import analyse as run
    from planner.io.validate import MODEL_REPORTED
    from planner.io.validate import merge_duplicates as merge
    from planner.outputs.export import write_analysis
    from planner.outputs.printmap import context_layers
    from planner.outputs.rundir import output_run

    stage = _Stages(quiet, lang)
    try:
        walks = _minutes_list(minutes)
        with output_run(out, "analyse", [boundaries, facilities, network, home, population, buildings,
                                         population_raster]) as tmp:
            units, fac, net, paths, report = _load_inputs(
                boundaries, facilities, network, coord_system, stage, place, columns=columns,
                population=population, road_options=_road_options(snap_tolerance, road_classes),
                other_inputs={"buildings": buildings, "population-raster": population_raster},
                read_options=_read_options(crs, layer, encoding, network_buffer))
            homes_layer = _demand_layer(buildings, population_raster, units, stage)
            home_table = _read_home(home)
            warnings = report.warning_texts(lang, exclude=MODEL_REPORTED)
            if merge_duplicates:
                fac, merged = merge(fac, file=Path(paths[1]).name)
                # the duplicates warning is replaced by what was merged
                warnings = report.warning_texts(lang, exclude=(*MODEL_REPORTED, "duplicate"))
                warnings += [i.text(lang) for i in merged]
                stage.say("merged", n=len(merged))
            stage.say("snapping")
            result = run(units, fac, net, profile=profile, speed=speed, home=home_table, weight=weight,
                         input_warnings=warnings, buildings=homes_layer)
            stage.say("writing")
            write_analysis(result, tmp, lang=lang, minutes=walks, context=context_layers(paths[0]))
    except PlannerError as exc:
        _fail(exc)
    stage.say("done", out=out)
    _print_summary(result, lang)


def _demand_layer(buildings: Path | None, raster: Path | None, units, stage: _Stages):
    """Where people live, when given: a buildings layer or a population raster's cells (else None)."""
    if buildings is not None and raster is not None:
        raise problem_of(PlannerError, "cli_demand_layers_both")
    if buildings is not None:
        from planner.io import read_layer

        stage.say("buildings", path=buildings)
        return read_layer(buildings)
    if raster is not None:
        from planner.io.raster import read_population_raster

        stage.say("raster", path=raster)
        return read_population_raster(raster, units)
    return None


def _read_home(path: Path | None) -> pd.DataFrame | None:
    """The household-level table (codes kept as text), or None."""
    if path is None:
        return None
    from planner.io.files import read_table

    table = read_table(path, dtype={"code": str})
    return table


def _print_summary(result, lang: str) -> None:
    m = result.model
    typer.echo(f"\n{m.profile.title(lang)} [{m.profile.status_text(lang)}] — {m.speed:g} m/s "
               f"(15 min ≈ {15 * 60 * m.speed:,.0f} m)")
    for s in result.scores:
        t = s.target
        if not np.isfinite(s.value):
            typer.echo(f"  ?  {t.label(lang)}: {s.note_text(lang)}")
            continue
        mark = "·" if t.informative or s.met is None else ("✔" if s.met else "✘")
        if t.informative:
            val = f"{s.value:.1%}" if t.is_share else f"{s.value:,.4g}"
            val += f"  ({tr('profiles.informative', lang)})"
        elif not t.is_share:
            val = f"{s.value:,.4g} ({t.figure_text(lang)})"
        else:
            val = f"{s.value:.1%} / {t.share:.0%}" + (f"  ({s.n_met}/{s.n_units})" if t.measure == "units" else "")
            if t.measure == "population":
                val = f"{s.value:.1%} / {t.share:.0%}  ({s.pop60_covered:,.0f} / {s.pop60:,.0f} 60+)"
        if s.note_key or s.note:
            val += f"  — {s.note_text(lang)}"
        if np.isfinite(s.value_existing) and abs(s.value_existing - s.value) > 1e-9:
            existing = f"{s.value_existing:.1%}" if t.is_share else f"{s.value_existing:,.4g}"
            val += f"  [{tr('profiles.value_existing', lang)} {existing}]"
        if s.overdue:
            val += f"  [{tr('profiles.overdue', lang)}]"
        typer.echo(f"  {mark}  {t.label(lang)}: {val}")
    n_gap = int(result.units["gap"].sum())
    typer.echo("  " + tr("cli.gap_units_line", lang, n=n_gap, total=len(result.units)))
    for w in m.warning_texts(lang):
        typer.secho(f"  ! {w}", fg=typer.colors.YELLOW)


@app.command("travel-times")
def travel_times(
    network: Annotated[Path | None, typer.Option(help="walking network: .osm.pbf, .osm, .graphml, or road centre lines (.shp, .zip, .gpkg, .geojson)")] = None,
    facilities: Annotated[Path | None, typer.Option(help="facilities (layer, CSV or XLSX)")] = None,
    points: Annotated[Path | None, typer.Option(help="points (CSV/XLSX with id, longitude, latitude, or a layer)")] = None,
    out: Annotated[Path, typer.Option("--out", help="output CSV")] = Path("travel_times.csv"),
    speed: Annotated[float, typer.Option(help="walking speed in m/s")] = 1.0,
    max_minutes: Annotated[float, typer.Option(help="blank beyond this walk")] = 120.0,
    coord_system: Annotated[str, typer.Option(help="coordinates of CSV/XLSX inputs: wgs84, cgcs2000, gcj02, bd09")] = "wgs84",
    columns: ColumnsOption = None,
    network_buffer: NetworkBuffer = DEFAULT_CLIP_BUFFER,
    crs: CrsOption = None,
    layer: LayerOption = None,
    encoding: EncodingOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Walking minutes from each point to the nearest facility of each type.

    Output columns: point_id, snap_m (metres to the street), far_from_street,
    and minutes_<type> for each facility type present (blank when none is
    reachable within --max-minutes).
    """
    from planner.engine import nearest_sites, point_distances, snap_points, to_metres, to_minutes
    from planner.io import hint_style, parse_column_options, validate_inputs
    from planner.outputs.writers import write_csv

    stage = _Stages(quiet)
    try:
        if points is None:
            raise problem_of(PlannerError, "cli_points_missing")
        for p in (points, facilities, network):
            if p is not None and Path(p).resolve() == Path(out).resolve():
                raise problem_of(PlannerError, "cli_out_is_input", out)
        with hint_style("cli"):
            # points are the user's own: the demo's facilities and network are never mixed in
            got = _demo_or_given({"network": network, "facilities": facilities, "points": points},
                                 ("network", "facilities"))
            # the same input checks as `planner analyse` (fatal ones stop; the rest are printed)
            report = validate_inputs(None, got["facilities"], got["network"], points=points,
                                     coord_system=coord_system, progress=stage,
                                     columns=parse_column_options(columns),
                                     **_read_options(crs, layer, encoding, network_buffer))
        _rows_note(report)
        report.raise_if_fatal()
        net, fac, pts = report.network, report.facilities, report.points
        # --points was given, so it was read (or the report was fatal above)
        assert net is not None and fac is not None and pts is not None
        stage(net.report.summary(stage.lang))
        for line in report.warning_texts(DEFAULT_LANG):
            typer.secho(f"  ! {line}", fg=typer.colors.YELLOW, err=True)
        fac = fac[fac["status"].isin(["existing", "planned"])].reset_index(drop=True)
        px, py = net.project(pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy())
        psnap = snap_points(net, px, py)
        fx, fy = net.project(fac.geometry.x.to_numpy(), fac.geometry.y.to_numpy())
        fsnap = snap_points(net, fx, fy)
        limit = float(to_metres(max_minutes, speed))
        table = pd.DataFrame({"point_id": pts["point_id"].astype(str).to_numpy(),
                              "snap_m": np.round(psnap.access, 1), "far_from_street": psnap.far})
        for t in sorted(fac["type"].unique()):
            idx = np.nonzero(fac["type"].to_numpy() == t)[0]
            sites = fsnap.take(idx)
            d, _ = point_distances(net, nearest_sites(net, sites, limit=limit), psnap, sites)
            mins = to_minutes(d, speed)
            table[f"minutes_{t}"] = np.where(np.isfinite(mins), np.round(mins, 2), np.nan)
        write_csv(table, out, lang=None)
    except PlannerError as exc:
        _fail(exc)
    stage.say("wrote_points", out=out, n=len(table))


@app.command()
def validate(
    boundaries: Annotated[Path | None, typer.Option(help="communities/villages layer (GPKG, GeoJSON, SHP, ZIP)")] = None,
    facilities: Annotated[Path | None, typer.Option(help="facilities (layer, CSV or XLSX)")] = None,
    network: Annotated[Path | None, typer.Option(help="walking network: .osm.pbf, .osm, .graphml, or road centre lines (.shp, .zip, .gpkg, .geojson)")] = None,
    points: Annotated[Path | None, typer.Option(help="points (CSV/XLSX with id, longitude, latitude, or a layer)")] = None,
    coord_system: Annotated[str, typer.Option(help="coordinates of CSV/XLSX inputs: wgs84, cgcs2000, gcj02, bd09")] = "wgs84",
    max_snap: Annotated[float, typer.Option(help="metres from a street before points/units are reported")] = DEFAULT_MAX_SNAP,
    report: Annotated[Path | None, typer.Option("--report", help="also write the report as CSV")] = None,
    columns: ColumnsOption = None,
    population: PopulationOption = None,
    snap_tolerance: SnapTolerance = 1.0,
    road_classes: RoadClasses = None,
    network_buffer: NetworkBuffer = DEFAULT_CLIP_BUFFER,
    crs: CrsOption = None,
    layer: LayerOption = None,
    encoding: EncodingOption = None,
    lang: Annotated[str, typer.Option(help="zh or en")] = DEFAULT_LANG,
) -> None:
    """Check the inputs and list every problem with its rows and the fix.

    Inputs not given are the demo county's (as in ``planner analyse``).
    Exits with code 2 when a problem is fatal (the analysis would stop).
    """
    from planner.demo import demo_paths
    from planner.io import hint_style, parse_column_options, validate_inputs
    from planner.outputs.writers import write_csv

    try:
        with hint_style("cli"):
            # the demo county only when nothing is given; any input given is checked on its own
            demo = demo_paths() if all(v is None for v in (boundaries, facilities, network, points,
                                                            population)) else None
            b = boundaries or (demo.boundaries if demo else None)
            rep = validate_inputs(b, facilities or (demo.facilities if demo else None),
                                  network or (demo.network if demo else None), points=points,
                                  coord_system=coord_system, max_snap=max_snap,
                                  boundaries_layer="units" if demo else None,
                                  columns=parse_column_options(columns), population=population,
                                  road_options=_road_options(snap_tolerance, road_classes),
                                  **_read_options(crs, layer, encoding, network_buffer))
        typer.echo(rep.to_text(lang))
        _rows_note(rep, err=False)
        if report is not None:
            write_csv(rep.to_frame(lang), report, lang=None)
        rep.raise_if_fatal()
    except PlannerError as exc:
        _fail(exc)


@app.command()
def suggest(
    facility_type: Annotated[str, typer.Option("--type", help="facility type, e.g. day_care, mutual_aid")],
    out: Annotated[Path, typer.Option("--out", help=_OUT_HELP)] = Path("suggest"),
    count: Annotated[int | None, typer.Option("--count", help="choose K new sites (maximal covering)")] = None,
    target: Annotated[float | None, typer.Option("--target", help="fewest sites reaching this share, 0-1 (set covering)")] = None,
    minutes: Annotated[float | None, typer.Option(help="catchment walk (default: the profile's)")] = None,
    speed: Annotated[float | None, typer.Option(help="walking speed in m/s (default: the profile's, 1.0)")] = None,
    boundaries: Annotated[Path | None, typer.Option(help="communities/villages layer (GPKG, GeoJSON, SHP, ZIP)")] = None,
    facilities: Annotated[Path | None, typer.Option(help="facilities (layer, CSV or XLSX)")] = None,
    network: Annotated[Path | None, typer.Option(help="walking network: .osm.pbf, .osm, .graphml, or road centre lines (.shp, .zip, .gpkg, .geojson)")] = None,
    candidates: Annotated[Path | None, typer.Option(help="candidate points (CSV with id, longitude, latitude, or a layer); default: facilities with status candidate, else generated")] = None,
    demand: Annotated[Path | None, typer.Option(help="weighted demand points (CSV with id, longitude, latitude, weight)")] = None,
    profile: Annotated[str, typer.Option(help="standards profile name or .toml file")] = "national",
    objective: Annotated[str, typer.Option(help="mclp (with --count), lscp (with --target), pmedian or pcenter (with --count: least total / least worst walk); or auto, population, units")] = "auto",
    method: Annotated[str, typer.Option(help="auto, milp (exact) or greedy (approximate)")] = "auto",
    capacitated: Annotated[bool, typer.Option("--capacitated", help="a site's places cap the people it serves")] = False,
    time_limit: Annotated[float, typer.Option(help="seconds for the exact solver")] = 60.0,
    coord_system: Annotated[str, typer.Option(help="coordinates of CSV/XLSX inputs: wgs84, cgcs2000, gcj02, bd09")] = "wgs84",
    columns: ColumnsOption = None,
    population: PopulationOption = None,
    snap_tolerance: SnapTolerance = 1.0,
    road_classes: RoadClasses = None,
    network_buffer: NetworkBuffer = DEFAULT_CLIP_BUFFER,
    crs: CrsOption = None,
    layer: LayerOption = None,
    encoding: EncodingOption = None,
    lang: Annotated[str, typer.Option(help="zh or en (table headers)")] = DEFAULT_LANG,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Suggest new sites of a type, existing ones kept (the demo county by default).

    Without --boundaries, --demand and --network suffice (--facilities
    optional): the study area is then the demand points' convex hull plus
    500 m, taken as one unit whose 60+ population is the demand weight on the
    points; sites are chosen for the demand weight (or walks, with pmedian
    and pcenter) and only the profile's population targets are scored.

    Writes suggestions.csv (candidate id, order chosen, demand gained, why),
    suggestions.gpkg and summary.json (covered before/after, share, target
    met, solver, optimal or approximate) into --out (default ``suggest``,
    its own folder: a folder of ``planner analyse`` results is refused).
    """
    from planner.engine import build_model
    from planner.io import hint_style, parse_column_options
    from planner.io.columns import columns_for
    from planner.outputs.rundir import output_run
    from planner.outputs.suggestion import write_suggestion
    from planner.schema import POINT_ALIASES
    from planner.siting import suggest_sites

    stage = _Stages(quiet, lang)
    try:
        read_opts = _read_options(crs, layer, encoding, network_buffer)
        with output_run(out, "suggest", [boundaries, facilities, network, candidates, demand]) as tmp:
            with hint_style("cli"):
                mapping = parse_column_options(columns)
                cols = columns_for(mapping, "points", POINT_ALIASES) or None
                cand = _read_points(candidates, "candidates", coord_system, cols, read_opts)
                dem = _read_points(demand, "demand", coord_system, cols, read_opts)
            options = dict(count=count, target=target, minutes=minutes, candidates=cand, objective=objective,
                           method=method, capacitated=capacitated, time_limit=time_limit)
            if boundaries is None and dem is not None:
                result = _suggest_for_demand(dem, facilities, network, facility_type, profile, speed, options,
                                             coord_system, mapping, _road_options(snap_tolerance, road_classes),
                                             read_opts, lang, stage)
            else:
                if boundaries is None and any(v is not None for v in (facilities, network, candidates,
                                                                      population)):
                    raise InputError("give --boundaries or --demand: suggestions need units to score or "
                                     "weighted demand points", code="suggest_nothing",
                                     hint="pass --boundaries (with --facilities and --network), or --demand "
                                          "with --network")
                loaded = _load_inputs(boundaries, facilities, network, coord_system, stage,
                                      columns=columns, population=population,
                                      road_options=_road_options(snap_tolerance, road_classes),
                                      read_options=read_opts)
                units, fac, net, paths = loaded[:4]
                stage.say("snapping")
                model = build_model(units, fac, net, profile=profile, speed=speed)
                stage.say("optimising")
                result = suggest_sites(model, facility_type, demand=dem, **options)
            write_suggestion(result, tmp, lang=lang)
    except PlannerError as exc:
        _fail(exc)
    stage.say("done", out=out)
    for line in result.report_lines(lang):
        typer.echo(line)


def _read_points(path: Path | None, kind: str, coord_system: str, columns: dict | None, read_opts: dict):
    """Points of ``--demand``/``--candidates`` (or None), with that input's --crs/--layer/--encoding."""
    if path is None:
        return None
    from planner.io import read_points
    from planner.io.columns import input_option
    from planner.io.problems import reading_input

    def opt(name: str) -> str | None:
        return input_option(read_opts.get(name), kind)

    with reading_input(kind):
        return read_points(path, coord_system=coord_system, columns=columns, crs=opt("crs"),
                           layer=opt("layers"), encoding=opt("encodings"))


def _suggest_for_demand(dem, facilities: Path | None, network: Path | None, facility_type: str, profile: str,
                        speed: float | None, options: dict, coord_system: str, mapping: dict,
                        road_options: dict, read_opts: dict, lang: str, stage: _Stages):
    """``planner suggest --demand`` without boundaries: the demand points' area as one unit."""
    from planner.io import hint_style, validate_inputs
    from planner.siting.demand_area import DEMAND_AREA_BUFFER, demand_area, suggest_for_demand

    if network is None:
        given = ", ".join(f"--{k}" for k, v in (("demand", dem), ("facilities", facilities)) if v is not None)
        raise InputError(f"missing --network (given: {given}); the demo county is used only when no input "
                         "is given at all", code="inputs_missing", hint="pass --network too",
                         params={"missing": "--network", "given": given})
    area = demand_area(dem, lang=lang)
    stage(tr("cli.demand_only", stage.lang, buffer=DEMAND_AREA_BUFFER))
    with hint_style("cli"):
        report = validate_inputs(area, facilities, network, coord_system=coord_system, progress=stage,
                                 lang=stage.lang,
                                 columns=mapping, road_options=road_options, **read_opts)
    if report.fatal:
        _rows_note(report)
    report.raise_if_fatal()
    stage(report.network.report.summary(stage.lang))
    stage.say("snapping_optimising")
    return suggest_for_demand(dem, report.facilities, report.network, facility_type, area=area,
                              profile=profile, speed=speed, **options)


@app.command()
def report(
    by: Annotated[str, typer.Option("--by", help=_both("cli.report_by"))] = "street",
    out: Annotated[Path, typer.Option("--out", help=_OUT_HELP)] = Path("report"),
    boundaries: Annotated[Path | None, typer.Option(help="communities/villages layer (GPKG, GeoJSON, SHP, ZIP)")] = None,
    facilities: Annotated[Path | None, typer.Option(help="facilities (layer, CSV or XLSX)")] = None,
    network: Annotated[Path | None, typer.Option(help="walking network: .osm.pbf, .osm, .graphml, or road centre lines (.shp, .zip, .gpkg, .geojson)")] = None,
    profile: Annotated[str, typer.Option(help="standards profile name or .toml file")] = "national",
    speed: Annotated[float | None, typer.Option(help="walking speed in m/s (default: the profile's, 1.0)")] = None,
    facility_type: Annotated[str | None, typer.Option(help="facility type mapped (default: day_care; mutual_aid with --by township)")] = None,
    minutes: Annotated[float | None, typer.Option(help="walk in minutes (default: the profile's catchment)")] = None,
    map_format: Annotated[str, typer.Option("--format", help="png, pdf or png,pdf")] = "png,pdf",
    paper: Annotated[str, typer.Option(help="A4 or A3")] = "A4",
    orientation: Annotated[str, typer.Option(help="landscape or portrait")] = "landscape",
    dpi: Annotated[int, typer.Option(help="PNG resolution")] = DEFAULT_DPI,
    coord_system: Annotated[str, typer.Option(help="coordinates of CSV/XLSX facilities: wgs84, cgcs2000, gcj02, bd09")] = "wgs84",
    lang: Annotated[str, typer.Option(help="zh or en")] = DEFAULT_LANG,
    workers: Annotated[int, typer.Option(help="districts (or counties) run in parallel on this machine")] = 1,
    scheduler: Annotated[str | None, typer.Option(help="with --by county: run the counties on this Dask scheduler, e.g. tcp://10.0.0.5:8786")] = None,
    buffer_m: Annotated[float, typer.Option("--buffer-m", help="with --by county over several counties: metres of facilities and streets kept around each county")] = 2000.0,
    columns: ColumnsOption = None,
    population: PopulationOption = None,
    snap_tolerance: SnapTolerance = 1.0,
    road_classes: RoadClasses = None,
    network_buffer: NetworkBuffer = DEFAULT_CLIP_BUFFER,
    crs: CrsOption = None,
    layer: LayerOption = None,
    encoding: EncodingOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """One gap map and one table per street/township (or the county), plus index.html/index.csv.

    The analysis runs once over the whole county; a district that fails is
    listed in the index and printed, the others still finish (exit code 1).
    With --by county over units of several counties (first 6 digits of the
    code, or a county column), each county is analysed on its own with a
    border buffer, in parallel (--workers, or a Dask cluster with --scheduler).
    """
    from planner.outputs.rundir import output_run

    stage = _Stages(quiet, lang)
    try:
        fmts = tuple(f.strip().lower() for f in map_format.split(",") if f.strip())
        if not fmts or any(f not in ("png", "pdf") for f in fmts):
            raise problem_of(PlannerError, "cli_format_invalid", None, (), format=map_format)
        if scheduler is not None and by != "county":
            raise problem_of(PlannerError, "cli_scheduler_needs_county")
        with output_run(out, "report", [boundaries, facilities, network]) as tmp:
            index = _report_into(tmp, by, boundaries, facilities, network, profile, speed, facility_type,
                                 minutes, fmts, paper, orientation, dpi, coord_system, lang, workers,
                                 scheduler, buffer_m, stage, quiet, columns, population,
                                 road_options=_road_options(snap_tolerance, road_classes),
                                 read_options=_read_options(crs, layer, encoding, network_buffer))
            if (index["status"] == "failed").all() and len(index):
                # nothing to show: the previous results stay
                raise problem_of(PlannerError, "report_all_failed")
    except PlannerError as exc:
        if "index" in locals():
            _print_failed(index)
        _fail(exc)
    failed = index[index["status"] == "failed"]
    _print_failed(index)
    stage.say("report_done", index=out / "index.html", ok=len(index) - len(failed), failed=len(failed))
    if len(failed):
        raise typer.Exit(code=1)


def _print_failed(index: pd.DataFrame) -> None:
    for _, r in index[index["status"] == "failed"].iterrows():
        typer.secho(f"  ✘ {r['district']}: {r['error']}", fg=typer.colors.RED, err=True)


def _report_into(out: Path, by: str, boundaries: Path | None, facilities: Path | None, network: Path | None,
                 profile: str, speed: float | None, facility_type: str | None, minutes: float | None,
                 fmts: tuple[str, ...], paper: str, orientation: str, dpi: int, coord_system: str, lang: str,
                 workers: int, scheduler: str | None, buffer_m: float, stage: _Stages,
                 quiet: bool, columns: list[str] | None = None,
                 population: Path | None = None, road_options: dict | None = None,
                 read_options: dict | None = None) -> pd.DataFrame:
    """The work of ``planner report`` into the folder ``out``; returns the index."""
    from planner.analysis import analyse as run
    from planner.outputs.printmap import context_layers
    from planner.outputs.report import ReportSettings, run_report

    loaded = _load_inputs(boundaries, facilities, network, coord_system, stage, columns=columns,
                          population=population, road_options=road_options, read_options=read_options)
    units, fac, net, paths = loaded[:4]
    ctx = context_layers(paths[0])
    county = str(ctx["county"]["name"].iloc[0]) if "county" in ctx and "name" in ctx["county"] else ""
    ftype = facility_type or ("mutual_aid" if by == "township" else "day_care")
    settings = ReportSettings(facility_type=ftype, minutes=minutes, map_formats=fmts, paper=paper,
                              orientation=orientation, lang=lang, dpi=dpi, county_name=county,
                              sources={"boundaries": str(paths[0]), "facilities": str(paths[1]),
                                       "network": str(paths[2])})
    from planner.outputs.province import county_keys, run_province

    n_counties = 1
    if by == "county":
        try:
            n_counties = len(set(county_keys(units)))
        except PlannerError:  # no codes: one county, unless asked to distribute
            if scheduler is not None:
                raise
    if by == "county" and (scheduler is not None or n_counties > 1):
        stage(tr("cli.stage.counties", stage.lang, n=n_counties, buffer=buffer_m)
              + (tr("cli.stage.scheduler", stage.lang, scheduler=scheduler) if scheduler
                 else tr("cli.stage.workers", stage.lang, workers=workers)))
        index = run_province(units, fac, net, out, settings=settings, profile=profile, speed=speed,
                             buffer_m=buffer_m, context=ctx, workers=workers, scheduler=scheduler,
                             progress=not quiet)
    else:
        stage.say("snapping")
        result = run(units, fac, net, profile=profile, speed=speed)
        stage.say("per_district", by=tr(f"cli.by.{by}", stage.lang))
        index = run_report(result, out, by, settings=settings, context=ctx, workers=workers,
                           progress=not quiet)
    return index


@app.command()
def profiles(
    as_json: Annotated[bool, typer.Option("--json", help="print every profile as JSON (targets with their sources)")] = False,
    lang: Annotated[str, typer.Option(help="zh or en")] = DEFAULT_LANG,
) -> None:
    """List the shipped standards profiles: document, status, each target's figure, deadline and source."""
    import json

    from planner.io import list_profiles, load_profile
    from planner.io.profiles import describe_profile, profiles_catalogue

    if as_json:
        typer.echo(json.dumps(profiles_catalogue(), ensure_ascii=False, indent=2))
        return
    for name in list_profiles():
        for line in describe_profile(load_profile(name), lang):
            typer.echo(line)
        typer.echo("")


@app.command()
def matrix(
    network: Annotated[Path, typer.Option(help="walking network: .osm.pbf, .osm, .graphml, or road centre lines (.shp, .zip, .gpkg, .geojson)")],
    origins: Annotated[Path, typer.Option(help="origin points (CSV/XLSX with id, longitude, latitude, or a layer)")],
    destinations: Annotated[Path, typer.Option(help="destination points (CSV/XLSX with id, longitude, latitude, or a layer)")],
    out: Annotated[Path, typer.Option("--out", help="od.csv or od.parquet")] = Path("od.csv"),
    speed: Annotated[float, typer.Option(help="walking speed in m/s")] = 1.0,
    max_minutes: Annotated[float, typer.Option(help="pairs beyond this walk are left out")] = 60.0,
    coord_system: Annotated[str, typer.Option(help="coordinates of CSV/XLSX inputs: wgs84, cgcs2000, gcj02, bd09")] = "wgs84",
    columns: ColumnsOption = None,
    snap_tolerance: SnapTolerance = 1.0,
    road_classes: RoadClasses = None,
    network_buffer: NetworkBuffer = DEFAULT_CLIP_BUFFER,
    crs: CrsOption = None,
    layer: LayerOption = None,
    encoding: EncodingOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Origin-destination walking matrix as a long table (for spopt, access, statsmodels).

    Columns: origin_id, destination_id, minutes, metres; one row per pair
    within --max-minutes (pairs beyond it are left out).  A .osm.pbf network
    is clipped to the points' extent plus --network-buffer metres.
    """
    from planner.io import hint_style, parse_column_options
    from planner.siting.cli_methods import run_matrix

    stage = _Stages(quiet)
    try:
        with hint_style("cli"), _said_warnings():
            n = run_matrix(network, origins, destinations, out, speed=speed, max_minutes=max_minutes,
                           coord_system=coord_system, columns=parse_column_options(columns),
                           road_options=_road_options(snap_tolerance, road_classes),
                           **_read_options(crs, layer, encoding, network_buffer), progress=stage,
                           lang=stage.lang)
    except PlannerError as exc:
        _fail(exc)
    stage.say("wrote_pairs", out=out, n=n)


@app.command()
def sweep(
    out: Annotated[Path, typer.Option("--out", help="sweep.csv or sweep.parquet")] = Path("sweep.csv"),
    speeds: Annotated[str, typer.Option(help="walking speeds in m/s, e.g. 0.8,1.0,1.2")] = "0.8,1.0,1.2",
    minutes: Annotated[str, typer.Option(help="catchments in minutes, e.g. 10,15,20")] = "10,15,20",
    profiles: Annotated[str, typer.Option("--profiles", help="standards profiles (names or .toml), comma-separated")] = "national",
    boundaries: Annotated[Path | None, typer.Option(help="communities/villages layer (GPKG, GeoJSON, SHP, ZIP)")] = None,
    facilities: Annotated[Path | None, typer.Option(help="facilities (layer, CSV or XLSX)")] = None,
    network: Annotated[Path | None, typer.Option(help="walking network: .osm.pbf, .osm, .graphml, or road centre lines (.shp, .zip, .gpkg, .geojson)")] = None,
    coord_system: Annotated[str, typer.Option(help="coordinates of CSV/XLSX facilities: wgs84, cgcs2000, gcj02, bd09")] = "wgs84",
    workers: Annotated[int, typer.Option(help="(profile, speed) runs in parallel on this machine")] = 1,
    scheduler: Annotated[str | None, typer.Option(help="run on this Dask scheduler, e.g. tcp://10.0.0.5:8786")] = None,
    scenarios: Annotated[list[Path] | None, typer.Option("--scenario", help="a scenario file saved by the app (repeatable); the baseline is always included")] = None,
    columns: ColumnsOption = None,
    population: PopulationOption = None,
    snap_tolerance: SnapTolerance = 1.0,
    road_classes: RoadClasses = None,
    network_buffer: NetworkBuffer = DEFAULT_CLIP_BUFFER,
    crs: CrsOption = None,
    layer: LayerOption = None,
    encoding: EncodingOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Every target over walking speeds × catchment minutes × profiles × scenarios: one long table.

    Columns: profile, scenario, speed, minutes, metres, target_id, label_en, measure,
    value, target, met, n_units, n_met (the demo county by default).
    """
    from planner.siting.cli_methods import run_sweep

    stage = _Stages(quiet)
    try:
        loaded = _load_inputs(boundaries, facilities, network, coord_system, stage, columns=columns,
                              population=population, road_options=_road_options(snap_tolerance, road_classes),
                              read_options=_read_options(crs, layer, encoding, network_buffer))
        units, fac, net, paths = loaded[:4]
        n = run_sweep(units, fac, net, out, speeds=speeds, minutes=_minutes_list(minutes),
                      profiles=[p.strip() for p in profiles.split(",") if p.strip()], workers=workers,
                      scheduler=scheduler, inputs=paths, progress=stage, scenarios=scenarios or (),
                      lang=stage.lang)
    except PlannerError as exc:
        _fail(exc)
    stage.say("wrote_rows", out=out, n=n)


def main() -> None:  # pragma: no cover - console entry
    """Entry point for ``python -m planner``."""
    app(prog_name="planner")


if __name__ == "__main__":  # pragma: no cover
    main()
