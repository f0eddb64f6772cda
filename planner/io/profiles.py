"""Standards profiles: the policy targets a county is scored against.

A profile is a plain TOML file (see ``planner/profiles/*.toml``): the document
it reads (title, status: published, draft or the generic default), a default
walking speed, the catchment minutes of each facility type, its targets, and
``[[context]]`` entries (figures a plan reports as status, or states but this
tool cannot measure).  Users copy a shipped profile, edit it and pass its path.

Every target carries its ``level`` (county, township, street, community,
village, home, institution), ``measure``, figure (``share`` for shares,
``min_count`` for counts), ``deadline`` (a year, or none) and a ``source``
table: ``file`` (the plan's file name, or a national document's title and
number), ``quote`` (the plan's words, verbatim) and ``status`` (published,
draft, standard, or reading -- the last when the figure is this tool's reading
of a word such as 全覆盖).  A target without a source is refused.

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
    Counted over the study area (or per county with ``per_county``).

Measures
--------
``units``: share of units meeting the rule; ``population``: share of the 60+
population (of units of that level) within the walk; ``count``: number of
facilities (optionally of one ``institution_level``, with the
``disability_care`` flag); ``bed_share``: nursing-type beds over all beds;
``beds``: sum of a bed column (``bed_column``); ``beds_per_1000``: beds per
1,000 people aged 60+; ``grade_share``: share of institutions graded at least
``min_grade``; ``operator_share``: share of facilities run by social operators
(公建民营 or 民办); ``home_count``: a household-level count (``home_column``)
from the home table.  A target marked ``informative`` is shown, never judged.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from planner._errors import ProfileError
from planner.schema import FACILITY_TYPES
from planner.text import tr

RULES = ("inside", "walk", "inside_or_walk", "count")
MEASURES = ("units", "population", "count", "bed_share", "beds", "beds_per_1000", "grade_share",
            "operator_share", "home_count")
SHARE_MEASURES = ("units", "population", "bed_share", "grade_share", "operator_share")
"""Measures whose figure is a share (0--1); the others are counts or ratios."""
LEVELS = ("county", "township", "street", "community", "village", "home", "institution")
TARGET_UNIT_KINDS = LEVELS  # the former name of the levels
SOURCE_STATUSES = ("published", "draft", "standard", "reading")
PROFILE_STATUSES = ("published", "draft", "default")
STREET_KINDS = ("street", "county_town", "township")
"""Kinds of a street/township: 街道, the county town (县城镇, scored with streets) and 乡镇."""
INSTITUTION_LEVELS = ("county", "township", "community")
CONTEXT_KINDS = ("status", "not_scored")
# the old one-letter tags, kept for outputs that still print them
_TAGS = {"published": "P", "draft": "P", "standard": "F", "reading": "U"}


@dataclass(frozen=True)
class Source:
    """Where a figure comes from.

    Attributes
    ----------
    file : str
        The plan's file name, or a national document's title and number.
    quote : str
        The plan's words that state it, verbatim (short).
    status : str
        ``published``, ``draft``, ``standard`` or ``reading``.
    """

    file: str
    quote: str
    status: str

    def as_dict(self) -> dict[str, str]:
        """The source as a plain dict (for JSON)."""
        return {"file": self.file, "quote": self.quote, "status": self.status}

    def __str__(self) -> str:
        return f"{self.file}: {self.quote} [{self.status}]" if self.quote else f"{self.file} [{self.status}]"


@dataclass(frozen=True)
class Target:
    """One policy target of a profile (see the module docstring for the fields)."""

    id: str
    label_zh: str
    label_en: str
    facility_types: tuple[str, ...]
    level: str
    rule: str
    measure: str
    share: float
    citation: Source
    minutes: float | None = None
    unit_share: float = 0.5
    min_count: float = 1
    deadline: int | None = None
    informative: bool = False
    institution_level: str | None = None
    disability_care: bool | None = None
    per_county: bool = False
    min_grade: int | None = None
    home_column: str | None = None
    bed_column: str | None = None
    street_kinds: tuple[str, ...] | None = None

    def label(self, lang: str = "zh") -> str:
        """The target's label in ``lang`` ('zh' or 'en')."""
        return self.label_zh if lang == "zh" else self.label_en

    @property
    def unit_kind(self) -> str:
        """The level the target is scored at (former name of :attr:`level`)."""
        return self.level

    @property
    def is_share(self) -> bool:
        """Whether the figure is a share (0--1) rather than a count."""
        return self.measure in SHARE_MEASURES

    @property
    def figure(self) -> float | None:
        """The figure to reach (a share or a count); ``None`` when informative."""
        if self.informative:
            return None
        return self.share if self.is_share else float(self.min_count)

    @property
    def source(self) -> str:
        """The source as one line of text (file: quote [status])."""
        return str(self.citation)

    @property
    def status(self) -> str:
        """The source's status (published, draft, standard, reading)."""
        return self.citation.status

    @property
    def tag(self) -> str:
        """The old one-letter tag: P (a plan), F (a national source), U (a reading)."""
        return _TAGS.get(self.citation.status, "U")

    @property
    def uses_walk(self) -> bool:
        """Whether the rule needs walking times."""
        return self.rule in ("walk", "inside_or_walk") or self.measure == "population"

    @property
    def streets(self) -> tuple[str, ...]:
        """Street kinds scored by a street/township target."""
        if self.street_kinds:
            return self.street_kinds
        return ("township",) if self.level == "township" else ("street", "county_town")

    def figure_text(self, lang: str = "zh") -> str:
        """The figure as people read it: ``≥ 85%``, ``≥ 300``, or a dash when informative.

        Examples
        --------
        >>> t = {t.id: t for t in load_profile("jingdezhen").targets}
        >>> t["mutual_aid_village"].figure_text(), t["home_beds"].figure_text()
        ('≥ 85%', '≥ 300')
        """
        fig = self.figure
        if fig is None:
            return "—"
        return f"≥ {fig:.0%}" if self.is_share else f"≥ {fig:,.0f}"

    def as_dict(self) -> dict[str, Any]:
        """The target as plain data (for ``planner profiles --json`` and summaries)."""
        return {"id": self.id, "label_zh": self.label_zh, "label_en": self.label_en,
                "level": self.level, "measure": self.measure, "figure": self.figure,
                "deadline": self.deadline, "informative": self.informative,
                "facility_types": list(self.facility_types), "rule": self.rule,
                "minutes": self.minutes, "source": self.citation.as_dict()}


@dataclass(frozen=True)
class ContextItem:
    """A figure a plan states that is not a target here.

    ``kind`` is ``status`` (a count of what existed, e.g. Jilin's 2019 figures)
    or ``not_scored`` (a target this tool cannot measure from its inputs).
    """

    id: str
    kind: str
    label_zh: str
    label_en: str
    citation: Source
    figure: float | None = None
    year: int | None = None
    deadline: int | None = None

    def label(self, lang: str = "zh") -> str:
        """The entry's label in ``lang``."""
        return self.label_zh if lang == "zh" else self.label_en

    def as_dict(self) -> dict[str, Any]:
        """The entry as plain data."""
        return {"id": self.id, "kind": self.kind, "label_zh": self.label_zh, "label_en": self.label_en,
                "figure": self.figure, "year": self.year, "deadline": self.deadline,
                "source": self.citation.as_dict()}


@dataclass(frozen=True)
class Profile:
    """A standards profile: document, speed, catchments, targets and context."""

    name: str
    title_zh: str
    title_en: str
    speed_mps: float
    catchments: dict[str, float]
    targets: tuple[Target, ...]
    speed_source: str = ""
    path: str | None = field(default=None, compare=False)
    document_zh: str = ""
    document_en: str = ""
    status: str = "default"
    files: tuple[str, ...] = ()
    catchment_status: str = "reading"
    context: tuple[ContextItem, ...] = ()
    speed_source_zh: str = ""

    def title(self, lang: str = "zh") -> str:
        """The profile's title in ``lang``."""
        return self.title_zh if lang == "zh" else self.title_en

    def document(self, lang: str = "zh") -> str:
        """The document the profile reads, in ``lang``."""
        return (self.document_zh if lang == "zh" else self.document_en) or self.title(lang)

    @property
    def is_draft(self) -> bool:
        """Whether the document is a draft (征求意见稿) rather than a published one."""
        return self.status == "draft"

    def status_text(self, lang: str = "zh") -> str:
        """The document's status in words (e.g. 征求意见稿（未正式发布）)."""
        from planner.text import tr

        return tr(f"profiles.status.{self.status}", lang)

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
            replace(t, minutes=float(minutes)) if t.uses_walk or t.minutes is not None else t
            for t in self.targets
        )
        catch = {k: float(minutes) for k in self.catchments}
        return replace(self, targets=targets, catchments=catch)

    def speed_source_text(self, lang: str = "zh") -> str:
        """Where the walking speed comes from, in ``lang`` (the English when no Chinese is given)."""
        return self.speed_source_zh if lang == "zh" and self.speed_source_zh else self.speed_source

    def with_speed(self, speed_mps: float) -> Profile:
        """A copy with another walking speed (metres per second).

        Examples
        --------
        >>> load_profile("national").with_speed(0.8).speed_mps
        0.8
        """
        if not speed_mps > 0:
            raise ProfileError(f"walking speed must be positive, got {speed_mps}", code="profile_speed",
                               params={"speed": speed_mps})
        return replace(self, speed_mps=float(speed_mps))

    def as_dict(self) -> dict[str, Any]:
        """The profile as plain data: name, title, document, status, targets, context."""
        return {"name": self.name, "title": self.title_zh, "title_en": self.title_en,
                "document": self.document_zh, "document_en": self.document_en,
                "status": self.status, "files": list(self.files),
                "speed_mps": self.speed_mps, "catchments": dict(self.catchments),
                "catchment_status": self.catchment_status,
                "targets": [t.as_dict() for t in self.targets],
                "context": [c.as_dict() for c in self.context]}


def list_profiles() -> list[str]:
    """Names of the profiles shipped with the package.

    Examples
    --------
    >>> "national" in list_profiles(), "wolong" in list_profiles()
    (True, True)
    """
    folder = resources.files("planner") / "profiles"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def profiles_catalogue() -> list[dict[str, Any]]:
    """Every shipped profile as plain data (what ``planner profiles --json`` prints).

    Returns
    -------
    list of dict
        One per profile: ``name``, ``title``, ``document``, ``status``,
        ``targets`` (each with ``id``, labels, ``level``, ``measure``,
        ``figure``, ``deadline`` and ``source`` as ``{file, quote, status}``)
        and ``context``.

    Examples
    --------
    >>> cat = {p["name"]: p for p in profiles_catalogue()}
    >>> cat["chaoyang"]["status"], cat["jilin"]["targets"][0]["source"]["status"]
    ('published', 'reading')
    """
    return [load_profile(n).as_dict() for n in list_profiles()]


def describe_profile(profile: Profile, lang: str = "zh") -> list[str]:
    """Lines that list a profile for people: title, status, each target with its figure and source.

    Figures read as percentages or counts (``≥ 85%``, ``≥ 300``); each line
    ends with the source's status in words, and the profile's status note
    (draft, generic default) comes first.

    Examples
    --------
    >>> lines = describe_profile(load_profile("jingdezhen"), "en")
    >>> lines[0].startswith("jingdezhen: "), any("≥ 85%" in x for x in lines)
    (True, True)
    """
    from planner.text import tr

    out = [f"{profile.name}: {profile.title(lang)} — {profile.status_text(lang)}"]
    if profile.status in ("draft", "default"):
        out.append("    " + tr(f"profiles.{profile.status}_note", lang))
    for t in profile.targets:
        when = tr("profiles.deadline", lang, year=t.deadline) if t.deadline else tr("profiles.no_deadline", lang)
        fig = tr("profiles.informative", lang) if t.informative else t.figure_text(lang)
        out.append(f"    {t.id}: {t.label(lang)} — {fig}, {when} "
                   f"[{tr(f'profiles.source.{t.citation.status}', lang)}: {t.citation.file}]")
    for c in profile.context:
        out.append(f"    ({tr(f'profiles.context.{c.kind}', lang)}) {c.label(lang)}")
    out.append("    " + tr("profiles.catchment_reading", lang))
    return out


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
        If the profile does not exist or a field is missing or invalid (a
        target without a source: code ``profile_source_missing``).

    Examples
    --------
    >>> p = load_profile("jingdezhen")
    >>> [(t.share, t.deadline) for t in p.targets if t.id == "mutual_aid_village"]
    [(0.85, 2025)]
    """
    text, where = _profile_text(name_or_path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"not valid TOML: {exc}", path=where, code="profile_toml",
                           params={"detail": str(exc)}) from exc
    return _parse_profile(raw, where)


def _profile_text(name_or_path: str | Path) -> tuple[str, str]:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ProfileError("profile file not found", path=path,
                               hint=f"use a shipped profile ({', '.join(list_profiles())}) or an existing .toml file",
                               code="profile_not_found", params={"profiles": ", ".join(list_profiles())})
        return path.read_text(encoding="utf-8"), str(path)
    name = str(name_or_path)
    res = resources.files("planner") / "profiles" / f"{name}.toml"
    if not res.is_file():
        raise ProfileError(f"unknown profile {name!r}",
                           hint=f"shipped profiles: {', '.join(list_profiles())}; or pass a .toml file",
                           code="profile_unknown", params={"name": name, "profiles": ", ".join(list_profiles())})
    return res.read_text(encoding="utf-8"), name


def _parse_profile(raw: dict, where: str) -> Profile:
    head = raw.get("profile", {})
    try:
        speed = float(head.get("speed_mps", 1.0))
        catch = {str(k): float(v) for k, v in raw.get("catchments", {}).items()}
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"speed_mps and catchments must be numbers ({exc})", path=where,
                           code="profile_numbers", params={"detail": str(exc)}) from exc
    if speed <= 0:
        raise ProfileError("speed_mps must be positive", path=where, code="profile_speed_mps", params={})
    unknown = sorted(set(catch) - set(FACILITY_TYPES))
    if unknown:
        raise ProfileError(f"unknown facility types in [catchments]: {unknown}", path=where,
                           hint=f"use {', '.join(FACILITY_TYPES)}", code="profile_catchment_types",
                           params={"unknown@en": str(unknown), "unknown@zh": _zh(unknown),
                                   "types": ", ".join(FACILITY_TYPES)})
    status = str(head.get("status", "default"))
    _check_choice(status, PROFILE_STATUSES, "status", where, code="profile_status")
    targets = tuple(_parse_target(t, where, catch) for t in raw.get("targets", []))
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise ProfileError("target ids must be unique", path=where, code="profile_duplicate_ids", params={})
    context = tuple(_parse_context(c, where) for c in raw.get("context", []))
    return Profile(
        name=str(head.get("name", Path(where).stem)),
        title_zh=str(head.get("title_zh", head.get("name", where))),
        title_en=str(head.get("title_en", head.get("name", where))),
        speed_mps=speed,
        catchments=catch,
        targets=targets,
        speed_source=str(head.get("speed_source", "")),
        speed_source_zh=str(head.get("speed_source_zh", "")),
        path=where,
        document_zh=str(head.get("document_zh", "")),
        document_en=str(head.get("document_en", "")),
        status=status,
        files=tuple(str(f) for f in head.get("files", ())),
        catchment_status=str(head.get("catchment_status", "reading")),
        context=context,
    )


def _zh(value: Any) -> str:
    """``value`` as a Chinese message shows it: “quoted”, a list item by item, (missing) for none.

    >>> _zh(["spa", "day_care"]), _zh(None)
    ('“spa”、“day_care”', '（未填写）')
    """
    if value is None:
        return tr("profiles.value_missing", "zh")
    if isinstance(value, (list, tuple)):
        if not value:
            return tr("profiles.value_empty", "zh")
        return tr("io.sep.list", "zh").join(tr("io.quoted", "zh", v=v) for v in value)
    return tr("io.quoted", "zh", v=value)


def _check_choice(value: Any, allowed: tuple[str, ...], what: str, where: str, *, code: str,
                  item: str | None = None) -> None:
    """Refuse ``value`` unless it is one of ``allowed``.

    ``what`` names the field by its catalogue key ``profiles.what.<what>``
    (worded per language, with the target or context id ``item``).
    """
    if value not in allowed:
        what_zh, what_en = (tr(f"profiles.what.{what}", lang, item=item) for lang in ("zh", "en"))
        raise ProfileError(f"{what_en} must be one of {allowed}, got {value!r}", path=where, code=code,
                           hint=tr(f"fix.{code}", "en"),  # the catalogue's fix, in English too
                           params={"what@zh": what_zh, "what@en": what_en, "allowed@en": str(allowed),
                                   "allowed@zh": tr("profiles.type_sep", "zh").join(allowed),
                                   "value@en": repr(value), "value@zh": str(value)})


def _parse_source(raw: Any, tid: str, where: str) -> Source:
    """The target's source table; refused when missing or incomplete."""
    if not isinstance(raw, dict) or not str(raw.get("file", "")).strip():
        raise ProfileError(f"target {tid!r}: every target needs a source = {{file, quote, status}}",
                           path=where, code="profile_source_missing", params={"target": tid},
                           hint="name the plan's file (or the national standard's title and number), "
                                "quote its words and give the status")
    status = str(raw.get("status", ""))
    _check_choice(status, SOURCE_STATUSES, "source_status", where, code="profile_source_status", item=tid)
    quote = str(raw.get("quote", "")).strip()
    if not quote and status != "standard":
        raise ProfileError(f"target {tid!r}: the source needs the plan's words (quote)", path=where,
                           code="profile_source_quote", hint=tr("fix.profile_source_quote", "en"),
                           params={"target": tid})
    return Source(str(raw["file"]).strip(), quote, status)


def _year(value: Any, tid: str, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 1990 <= year <= 2100:
        raise ProfileError(f"target {tid!r}: deadline must be a year, got {value!r}", path=where,
                           code="profile_deadline", hint=tr("fix.profile_deadline", "en"),
                           params={"target": tid, "value@en": repr(value), "value@zh": str(value)})
    return year


def _parse_target(t: dict, where: str, catch: dict[str, float]) -> Target:
    tid = t.get("id")
    if not tid:
        raise ProfileError("every [[targets]] entry needs an id", path=where, code="profile_target_id",
                           params={})
    types = t.get("facility_types")
    if types is None:
        types = [t["facility_type"]] if "facility_type" in t else []
    measure = t.get("measure")
    bad = [x for x in types if x not in FACILITY_TYPES]
    if bad or (not types and measure != "home_count"):
        raise ProfileError(f"target {tid!r}: facility_types {types!r} must be a non-empty list of "
                           f"{', '.join(FACILITY_TYPES)}", path=where, code="profile_facility_types",
                           params={"target": tid, "types@en": repr(types), "types@zh": _zh(types),
                                   "allowed": ", ".join(FACILITY_TYPES)})
    level = t.get("level", t.get("unit_kind"))
    checks = (("rule", t.get("rule"), RULES), ("measure", measure, MEASURES), ("level", level, LEVELS))
    for key, value, allowed in checks:
        if value not in allowed:
            raise ProfileError(f"target {tid!r}: {key} must be one of {allowed}, got {value!r}",
                               path=where, code="profile_target_field",
                               params={"target": tid, "key": key, "allowed@en": str(allowed),
                                       "allowed@zh": tr("io.sep.list", "zh").join(allowed),
                                       "value@en": repr(value), "value@zh": _zh(value)})
    rule = t["rule"]
    minutes = t.get("minutes")
    if minutes is None and types and rule != "count":
        # inside rules keep a walk too: the unit's walk share is shown beside the count
        minutes = catch.get(types[0], 15.0)
    share = float(t.get("share", t["figure"] if "figure" in t and measure in SHARE_MEASURES else 1.0))
    if not 0 <= share <= 1:
        raise ProfileError(f"target {tid!r}: share must be between 0 and 1, got {share}", path=where,
                           code="profile_share", params={"target": tid, "share": share})
    count = float(t.get("min_count", t["figure"] if "figure" in t and measure not in SHARE_MEASURES else 1))
    inst = t.get("institution_level")
    if inst is not None:
        _check_choice(inst, INSTITUTION_LEVELS, "institution_level", where, code="profile_choice", item=tid)
    kinds = t.get("street_kinds")
    for k in kinds or ():
        _check_choice(k, STREET_KINDS, "street_kinds", where, code="profile_choice", item=tid)
    if measure == "home_count" and not t.get("home_column"):
        raise ProfileError(f"target {tid!r}: a home_count target needs home_column", path=where,
                           code="profile_home_column", params={"target": tid})
    citation = _parse_source(t.get("source"), str(tid), where)
    return Target(
        id=str(tid),
        label_zh=str(t.get("label_zh", tid)),
        label_en=str(t.get("label_en", tid)),
        facility_types=tuple(types),
        level=str(level),
        rule=rule,
        measure=str(measure),
        share=share,
        citation=citation,
        minutes=None if minutes is None else float(minutes),
        unit_share=float(t.get("unit_share", 0.5)),
        min_count=int(count) if float(count).is_integer() else count,
        deadline=_year(t.get("deadline"), str(tid), where),
        informative=bool(t.get("informative", False)),
        institution_level=inst,
        disability_care=None if t.get("disability_care") is None else bool(t["disability_care"]),
        per_county=bool(t.get("per_county", False)),
        min_grade=None if t.get("min_grade") is None else int(t["min_grade"]),
        home_column=t.get("home_column"),
        bed_column=t.get("bed_column"),
        street_kinds=tuple(kinds) if kinds else None,
    )


def _parse_context(c: dict, where: str) -> ContextItem:
    cid = str(c.get("id", ""))
    if not cid:
        raise ProfileError("every [[context]] entry needs an id", path=where, code="profile_context_id",
                           params={})
    kind = str(c.get("kind", "not_scored"))
    _check_choice(kind, CONTEXT_KINDS, "context_kind", where, code="profile_choice", item=cid)
    fig = c.get("figure")
    return ContextItem(
        id=cid, kind=kind, label_zh=str(c.get("label_zh", cid)), label_en=str(c.get("label_en", cid)),
        citation=_parse_source(c.get("source"), cid, where),
        figure=None if fig is None else float(fig),
        year=None if c.get("year") is None else int(c["year"]),
        deadline=_year(c.get("deadline"), cid, where),
    )
