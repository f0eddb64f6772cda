"""The walking engine: network, junction graph, travel distances, service areas, demand, model.

Arrays in, arrays out; no files and no text for people.
"""

from planner.engine.model import Model, build_model
from planner.engine.network import (
    WalkNetwork,
    download_network,
    load_network,
    network_from_graph,
)
from planner.engine.travel import (
    nearest_sites,
    point_distances,
    snap_points,
    to_metres,
    to_minutes,
)

__all__ = [
    "Model",
    "WalkNetwork",
    "build_model",
    "download_network",
    "load_network",
    "nearest_sites",
    "network_from_graph",
    "point_distances",
    "snap_points",
    "to_metres",
    "to_minutes",
]
