"""Standards profiles: the policy targets a county is scored against.

A profile is a plain TOML file (see ``planner/profiles/*.toml``): a default
walking speed, the catchment minutes of each facility type, and a list of
targets.  Each target names the facility types that count, the unit kind it is
scored on, the rule a unit must meet, and the target share, with the source of
every figure.  Users copy a shipped profile, edit it and pass its path.

Rules
-----
``inside``
    The unit has at least one facility of the types inside its boundary.
``walk``
    The unit's 60+ population lives within ``minutes`` of a facility (share of
    the unit's 60+ population at or above ``unit_share``).
``inside_or_walk``
    Either of the above.
``count``
    The whole study area holds at least ``min_count`` facilities of the types.

Measures
--------
``units``: share of units meeting the rule; ``population``: share of the 60+
population (of units of that kind) within the walk; ``count``: number of
facilities.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from planner._errors import ProfileError
from planner.schema import FACILITY_TYPES

RULES = ("inside", "walk", "inside_or_walk", "count")
MEASURES = ("units", "population", "count")
TARGET_UNIT_KINDS = ("community", "village", "street", "county")


@dataclass(frozen=True)
class Target:
    """One policy target of a profile."""

    id: str
    label_zh: str
    label_en: str
    facility_types: tuple[str, ...]
    unit_kind: str
    rule: str
    measure: str
    share: float
    minutes: float | None = None
    unit_share: float = 0.5
    min_count: int = 1
    source: str = ""
    tag: str = "U"

    def label(self, lang: str = "zh") -> str:
        """The target's label in ``lang`` ('zh' or 'en')."""
        return self.label_zh if lang == "zh" else self.label_en

    @property
    def uses_walk(self) -> bool:
        """Whether the rule needs walking times."""
        return self.rule in ("walk", "inside_or_walk") or self.measure == "population"


@dataclass(frozen=True)
class Profile:
    """A standards profile: speed, catchments and targets."""

    name: str
    title_zh: str
    title_en: str
    speed_mps: float
    catchments: dict[str, float]
    targets: tuple[Target, ...]
    speed_source: str = ""
    path: str | None = field(default=None, compare=False)

    def title(self, lang: str = "zh") -> str:
        """The profile's title in ``lang``."""
        return self.title_zh if lang == "zh" else self.title_en

    def catchment(self, facility_type: str) -> float:
        """Catchment minutes of a facility type (15 when the profile is silent)."""
        return float(self.catchments.get(facility_type, 15.0))

    def with_minutes(self, minutes: float) -> Profile:
        """A copy with every walk-based target and catchment set to ``minutes``.

        Examples
        --------
        >>> p = load_profile("national").with_minutes(10)
        >>> sorted({t.minutes for t in p.targets if t.uses_walk}), p.catchment("day_care")
        ([10.0], 10.0)
        """
        targets = tuple(
            replace(t, minutes=float(minutes)) if t.uses_walk else t for t in self.targets
        )
        catch = {k: float(minutes) for k in self.catchments}
        return replace(self, targets=targets, catchments=catch)

    def with_speed(self, speed_mps: float) -> Profile:
        """A copy with another walking speed (metres per second).

        Examples
        --------
        >>> load_profile("national").with_speed(0.8).speed_mps
        0.8
        """
        if not speed_mps > 0:
            raise ProfileError(f"walking speed must be positive, got {speed_mps}")
        return replace(self, speed_mps=float(speed_mps))


def list_profiles() -> list[str]:
    """Names of the profiles shipped with the package.

    Examples
    --------
    >>> "national" in list_profiles()
    True
    """
    folder = resources.files("planner") / "profiles"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_profile(name_or_path: str | Path = "national") -> Profile:
    """Load a shipped profile by name or a user's profile from a TOML file.

    Parameters
    ----------
    name_or_path : str or Path
        A shipped profile name (see :func:`list_profiles`) or the path of a
        TOML file in the same format.

    Returns
    -------
    Profile

    Raises
    ------
    ProfileError
        If the profile does not exist or a field is missing or invalid.

    Examples
    --------
    >>> p = load_profile("jingdezhen")
    >>> [t.share for t in p.targets if t.id == "mutual_aid_village"]
    [0.85]
    """
    text, where = _profile_text(name_or_path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"not valid TOML: {exc}", path=where) from exc
    return _parse_profile(raw, where)


def _profile_text(name_or_path: str | Path) -> tuple[str, str]:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ProfileError("profile file not found", path=path,
                               hint=f"use a shipped profile ({', '.join(list_profiles())}) or an existing .toml file")
        return path.read_text(encoding="utf-8"), str(path)
    name = str(name_or_path)
    res = resources.files("planner") / "profiles" / f"{name}.toml"
    if not res.is_file():
        raise ProfileError(f"unknown profile {name!r}",
                           hint=f"shipped profiles: {', '.join(list_profiles())}; or pass a .toml file")
    return res.read_text(encoding="utf-8"), name


def _parse_profile(raw: dict, where: str) -> Profile:
    head = raw.get("profile", {})
    try:
        speed = float(head.get("speed_mps", 1.0))
        catch = {str(k): float(v) for k, v in raw.get("catchments", {}).items()}
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"speed_mps and catchments must be numbers ({exc})", path=where) from exc
    if speed <= 0:
        raise ProfileError("speed_mps must be positive", path=where)
    unknown = sorted(set(catch) - set(FACILITY_TYPES))
    if unknown:
        raise ProfileError(f"unknown facility types in [catchments]: {unknown}", path=where,
                           hint=f"use {', '.join(FACILITY_TYPES)}")
    targets = tuple(_parse_target(t, where, catch) for t in raw.get("targets", []))
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise ProfileError("target ids must be unique", path=where)
    return Profile(
        name=str(head.get("name", Path(where).stem)),
        title_zh=str(head.get("title_zh", head.get("name", where))),
        title_en=str(head.get("title_en", head.get("name", where))),
        speed_mps=speed,
        catchments=catch,
        targets=targets,
        speed_source=str(head.get("speed_source", "")),
        path=where,
    )


def _parse_target(t: dict, where: str, catch: dict[str, float]) -> Target:
    tid = t.get("id")
    if not tid:
        raise ProfileError("every [[targets]] entry needs an id", path=where)
    types = t.get("facility_types") or ([t["facility_type"]] if "facility_type" in t else [])
    bad = [x for x in types if x not in FACILITY_TYPES]
    if not types or bad:
        raise ProfileError(f"target {tid!r}: facility_types {types!r} must be a non-empty list of "
                           f"{', '.join(FACILITY_TYPES)}", path=where)
    checks = (("rule", RULES), ("measure", MEASURES), ("unit_kind", TARGET_UNIT_KINDS))
    for key, allowed in checks:
        if t.get(key) not in allowed:
            raise ProfileError(f"target {tid!r}: {key} must be one of {allowed}, got {t.get(key)!r}",
                               path=where)
    rule, measure = t["rule"], t["measure"]
    minutes = t.get("minutes")
    if minutes is None and (rule in ("walk", "inside_or_walk") or measure == "population"):
        minutes = catch.get(types[0], 15.0)
    share = float(t.get("share", 1.0))
    if not 0 <= share <= 1:
        raise ProfileError(f"target {tid!r}: share must be between 0 and 1, got {share}", path=where)
    return Target(
        id=str(tid),
        label_zh=str(t.get("label_zh", tid)),
        label_en=str(t.get("label_en", tid)),
        facility_types=tuple(types),
        unit_kind=t["unit_kind"],
        rule=rule,
        measure=measure,
        share=share,
        minutes=None if minutes is None else float(minutes),
        unit_share=float(t.get("unit_share", 0.5)),
        min_count=int(t.get("min_count", 1)),
        source=str(t.get("source", "")),
        tag=str(t.get("tag", "U")),
    )
