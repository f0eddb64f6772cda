"""Words shown to people: one zh/en catalogue and the labels of types, kinds, statuses and columns.

>>> from planner.text import tr
>>> tr("met", "zh"), tr("met", "en")
('达标', 'met')
"""

from planner.text.catalogue import CATALOGUE, LANGS, lookup, t, tr
from planner.text.labels import column_label, kind_label, pick, role_label, status_label, type_label

__all__ = [
    "CATALOGUE",
    "LANGS",
    "column_label",
    "kind_label",
    "lookup",
    "pick",
    "role_label",
    "status_label",
    "t",
    "tr",
    "type_label",
]
