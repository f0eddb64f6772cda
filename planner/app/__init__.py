"""The Streamlit app's logic, testable without Streamlit; ``app.py`` holds the widgets only.

One module per concern: :mod:`~planner.app.state` (inputs, uploads, caches),
:mod:`~planner.app.edits` (edits and their labels), :mod:`~planner.app.coords`
(positions and coordinate systems), :mod:`~planner.app.views` (what the panels
show) and :mod:`~planner.app.downloads` (the download files).  Their public
names are importable from here.
"""

from planner.app.coords import facility_lonlat, in_study_area, lonlat_as, lonlat_in
from planner.app.downloads import (
    gap_map_print,
    gap_table_csv,
    gap_table_xlsx,
    layers_shapefile_zip,
    map_html,
    units_gpkg,
)
from planner.app.edits import (
    add_edit,
    click_edit,
    click_key,
    default_site,
    edit_label,
    edits_from_dicts,
    is_new_click,
    move_edit,
    scenario_of,
)
from planner.app.state import (
    DataSet,
    ModelChain,
    ServiceAreaCache,
    check_overlap,
    demo_dataset,
    empty_facilities,
    error_text,
    layer_names,
    next_facility_id,
    raw_columns,
    read_user_data,
    save_upload,
    settings_profile,
    suggest_available,
    suggestion_edits,
    upload_dir,
)
from planner.app.views import (
    implied_metres,
    kept_view,
    places_column,
    places_summary,
    places_table,
    summary_text,
    unit_view,
    view_state,
)

__all__ = [
    "DataSet",
    "ModelChain",
    "ServiceAreaCache",
    "add_edit",
    "check_overlap",
    "click_edit",
    "click_key",
    "default_site",
    "demo_dataset",
    "edit_label",
    "edits_from_dicts",
    "empty_facilities",
    "error_text",
    "facility_lonlat",
    "gap_map_print",
    "gap_table_csv",
    "gap_table_xlsx",
    "implied_metres",
    "in_study_area",
    "is_new_click",
    "kept_view",
    "layer_names",
    "layers_shapefile_zip",
    "lonlat_as",
    "lonlat_in",
    "map_html",
    "move_edit",
    "next_facility_id",
    "places_column",
    "places_summary",
    "places_table",
    "raw_columns",
    "read_user_data",
    "save_upload",
    "scenario_of",
    "settings_profile",
    "suggest_available",
    "suggestion_edits",
    "summary_text",
    "unit_view",
    "upload_dir",
    "units_gpkg",
    "view_state",
]
