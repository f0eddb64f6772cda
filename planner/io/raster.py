"""Population rasters (GeoTIFF, e.g. WorldPop 100 m) as weighted demand points.

Each cell with people inside the study area becomes a point at the cell's
centre weighted by its value; :func:`planner.engine.model.build_model` spreads
each unit's census figures over its points in proportion to those weights
(``buildings=``), exactly as it does for residential buildings.  Only GeoTIFF is
opened (GDAL's ``GTiff`` driver, named explicitly), and only the window that
covers the study area is read, so a national raster stays within memory.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np

from planner.io.files import check_path
from planner.io.problems import problem

__all__ = ["MAX_CELLS", "RASTER_SUFFIXES", "read_population_raster"]

RASTER_SUFFIXES = (".tif", ".tiff")
MAX_CELLS = 25_000_000
"""Cells read at most (a 100 m raster of a 250 km square); larger windows are refused."""

_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def read_population_raster(path: str | Path, units: gpd.GeoDataFrame | None = None, *,
                           band: int = 1) -> gpd.GeoDataFrame:
    """The cells of a population raster that hold people, as points with a ``population`` weight.

    Parameters
    ----------
    path : str or Path
        A GeoTIFF with people per cell (WorldPop, LandScan, a census grid...).
    units : GeoDataFrame, optional
        The study area: only the window covering its bounds is read, and only
        cells whose centre falls inside a unit are kept.
    band : int
        The band holding the counts.

    Returns
    -------
    GeoDataFrame
        ``population`` (people in the cell, > 0) and point geometry in the
        raster's CRS; pass it as ``buildings=`` to :func:`planner.analyse` or
        :func:`planner.build_model`.

    Raises
    ------
    InputError
        Not a GeoTIFF, unreadable, without a coordinate system, not covering
        the study area, or a window over :data:`MAX_CELLS` cells.
    """
    p = Path(path)
    if p.suffix.lower() not in RASTER_SUFFIXES:
        raise problem("raster_not_tiff", p.name)
    p = check_path(p, RASTER_SUFFIXES)
    with open(p, "rb") as fh:
        if fh.read(4) not in _TIFF_MAGIC:
            raise problem("raster_not_tiff", p.name)
    import rasterio
    from rasterio.errors import RasterioError
    from rasterio.windows import from_bounds

    try:
        with rasterio.open(p, driver="GTiff") as src:
            if src.crs is None:
                raise problem("raster_no_crs", p.name)
            window = None
            if units is not None and len(units):
                bounds = units.to_crs(src.crs).total_bounds
                window = from_bounds(*bounds, transform=src.transform).round_offsets().round_lengths()
                window = window.intersection(rasterio.windows.Window(0, 0, src.width, src.height))
            n_cells = (window.width * window.height) if window is not None else src.width * src.height
            if n_cells > MAX_CELLS:
                raise problem("raster_too_large", p.name, cells=int(n_cells), limit=MAX_CELLS)
            values = src.read(band, window=window, masked=True).astype(float)
            transform = src.window_transform(window) if window is not None else src.transform
            crs = src.crs
    except rasterio.errors.WindowError as exc:
        raise problem("raster_outside", p.name) from exc
    except RasterioError as exc:
        raise problem("raster_unreadable", p.name, detail=str(exc)) from exc
    filled = np.ma.filled(values, 0.0)
    rows, cols = np.nonzero(np.isfinite(filled) & (filled > 0))
    xs, ys = rasterio.transform.xy(transform, rows, cols, offset="center")
    out = gpd.GeoDataFrame({"population": filled[rows, cols]},
                           geometry=gpd.points_from_xy(np.asarray(xs, float), np.asarray(ys, float)),
                           crs=crs)
    if units is not None and len(units):
        inside = out.sindex.query(units.to_crs(crs).geometry.values, predicate="contains")[1]
        out = out.iloc[np.unique(inside)].reset_index(drop=True)
        if not len(out):
            raise problem("raster_outside", p.name)
    return out
