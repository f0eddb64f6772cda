"""Safe handling of uploaded files (the app's upload widgets).

Pure functions the app calls before anything is read: the file name is reduced
to a plain name, the type is checked against what the widget expects (by
suffix *and* by content), sizes are limited, zip archives are checked for
unsafe paths (``../``, absolute), for decompression bombs (total size and
compression ratio) and for unexpected members.  Nothing uploaded is ever
executed or extracted outside the destination folder; a zip is kept as a zip
(the readers open it in place through GDAL's ``/vsizip``).

:func:`try_load` keeps the app's last good state when a new upload fails: it
returns the previous value together with the error message.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from planner._errors import PlannerError, PlannerWarning
from planner._util import atomic_write_bytes
from planner.io.problems import per_lang, problem

__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_BYTES",
    "LoadResult",
    "check_upload",
    "check_zip",
    "safe_filename",
    "save_upload",
    "save_uploads",
    "try_load",
]

MB = 1024 * 1024

ALLOWED_SUFFIXES: dict[str, tuple[str, ...]] = {
    "boundaries": (".gpkg", ".geojson", ".json", ".zip", ".shp", ".shx", ".dbf", ".prj", ".cpg"),
    "facilities": (".csv", ".xlsx", ".xls", ".gpkg", ".geojson", ".json", ".zip",
                   ".shp", ".shx", ".dbf", ".prj", ".cpg"),
    "points": (".csv", ".xlsx", ".xls", ".gpkg", ".geojson", ".json", ".zip",
               ".shp", ".shx", ".dbf", ".prj", ".cpg"),
    "network": (".pbf", ".osm", ".graphml", ".gpkg", ".geojson", ".zip"),  # + road centre lines
    "profile": (".toml",),
    "scenario": (".json",),
}
"""Suffixes each upload widget accepts (a shapefile is uploaded as its parts or zipped)."""

MAX_BYTES: dict[str, int] = {
    "boundaries": 200 * MB,
    "facilities": 50 * MB,
    "points": 50 * MB,
    "network": 500 * MB,
    "profile": 1 * MB,
    "scenario": 20 * MB,
}
"""Largest upload accepted per kind (bytes)."""

ZIP_MAX_TOTAL = 1024 * MB
"""Largest total uncompressed size of a zip archive."""
ZIP_MAX_RATIO = 200.0
"""Largest compression ratio of a zip member bigger than :data:`ZIP_MAX_RATIO_FLOOR`."""
ZIP_MAX_RATIO_FLOOR = 10 * MB
ZIP_MAX_MEMBERS = 1000

# members a GIS zip may hold: datasets, shapefile sidecars, metadata and notes
ZIP_MEMBER_SUFFIXES = (
    ".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".fix", ".qmd", ".qml",
    ".sld", ".gpkg", ".geojson", ".json", ".csv", ".xlsx", ".xls", ".xml", ".txt", ".md",
    ".pdf", ".lyr", ".lyrx", ".atx", ".ain", ".aih", ".mxs",
)
_IGNORED_MEMBERS = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")

# content signatures: an upload must look like what its suffix says
_SQLITE = b"SQLite format 3\x00"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXECUTABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")


# --------------------------------------------------------------------------
# names and types


def safe_filename(name: str) -> str:
    r"""A plain file name from an uploaded one: no folders, no control characters.

    Parameters
    ----------
    name : str
        The name the browser sent (may contain ``../``, ``C:\\``, NUL...).

    Returns
    -------
    str
        The last path component, NFC-normalised, with control and reserved
        characters replaced by ``_``; Chinese characters are kept.

    Raises
    ------
    InputError
        If nothing usable is left (e.g. ``'..'``).

    Examples
    --------
    >>> safe_filename("../../etc/passwd")
    'passwd'
    >>> safe_filename("C:\\数据\\社区边界.zip")
    '社区边界.zip'
    """
    text = unicodedata.normalize("NFC", str(name)).replace("\\", "/")
    base = text.rsplit("/", 1)[-1]
    base = re.sub(r'[\x00-\x1f\x7f<>:"|?*]', "_", base).strip().lstrip(".")
    if not base or base in (".", ".."):
        raise problem("unusable_name", name=name)
    return base[:200]


def _suffix(name: str) -> str:
    low = name.lower()
    if low.endswith(".osm.pbf"):
        return ".pbf"
    return PurePosixPath(low).suffix


def check_upload(name: str, size: int, kind: str, head: bytes | None = None) -> str:
    """Check an upload's name, size and (optionally) first bytes before saving it.

    Parameters
    ----------
    name : str
        File name as uploaded.
    size : int
        Size in bytes.
    kind : str
        What the widget expects: a key of :data:`ALLOWED_SUFFIXES`.
    head : bytes, optional
        The first bytes of the file, checked against the type's signature.

    Returns
    -------
    str
        The safe file name (see :func:`safe_filename`).

    Raises
    ------
    InputError
        Unknown kind, wrong type, empty or too large, content that does not
        match the suffix (or an executable).
    """
    if kind not in ALLOWED_SUFFIXES:
        raise problem("unknown_upload_kind", kind=kind, kinds=", ".join(ALLOWED_SUFFIXES))
    safe = safe_filename(name)
    suffix = _suffix(safe)
    allowed = ALLOWED_SUFFIXES[kind]
    if suffix not in allowed:
        cad = suffix in (".kml", ".kmz", ".dwg", ".dxf")
        raise problem("upload_cad_refused" if cad else "upload_type_refused", safe,
                      suffix=suffix or "(no suffix)", accepted=", ".join(allowed))
    if size <= 0:
        raise problem("file_empty", safe)
    limit = MAX_BYTES[kind]
    if size > limit:
        raise problem("upload_too_large", safe, mb=size / MB, limit=limit / MB, kind=kind)
    if head is not None:
        _check_signature(safe, suffix, head)
    return safe


def _check_signature(name: str, suffix: str, head: bytes) -> None:
    """Refuse content that does not match its suffix (and anything executable)."""
    if head.startswith(_EXECUTABLE) and suffix not in (".shp", ".shx", ".dbf", ".pbf"):
        raise problem("upload_executable", name)
    expected = {
        ".zip": lambda h: h.startswith(_ZIP),
        ".xlsx": lambda h: h.startswith(_ZIP),
        ".xls": lambda h: h.startswith(_OLE),
        ".gpkg": lambda h: h.startswith(_SQLITE),
        ".shp": lambda h: h[:4] == b"\x00\x00\x27\x0a",
        ".shx": lambda h: h[:4] == b"\x00\x00\x27\x0a",
        ".osm": lambda h: h.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"),
        ".graphml": lambda h: h.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"),
        ".geojson": lambda h: h.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"),
        ".json": lambda h: h.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")),
        ".pbf": lambda h: len(h) >= 16 and b"OSMHeader" in h[:32],
    }.get(suffix)
    if expected is not None and not expected(head):
        raise problem("upload_content_mismatch", name, suffix=suffix)


# --------------------------------------------------------------------------
# zip archives


def check_zip(
    source: str | Path | bytes | IO[bytes],
    *,
    max_total: int = ZIP_MAX_TOTAL,
    max_ratio: float = ZIP_MAX_RATIO,
    max_members: int = ZIP_MAX_MEMBERS,
    allowed: Iterable[str] | None = ZIP_MEMBER_SUFFIXES,
    name: str | None = None,
) -> list[str]:
    """Check a zip archive without extracting it.

    Parameters
    ----------
    source : path, bytes or binary file
        The archive.
    max_total : int
        Largest total uncompressed size (bytes).
    max_ratio : float
        Largest compression ratio of a member bigger than 10 MB (zip bombs
        compress zeros a thousand to one).
    max_members : int
        Largest number of members.
    allowed : iterable of str, optional
        Member suffixes accepted; ``None`` accepts any.  Nested archives and
        programs are never accepted.
    name : str, optional
        The file's name in messages (default: the path's name, else "upload.zip").

    Returns
    -------
    list of str
        The member names (folders and macOS/Windows clutter left out).

    Raises
    ------
    InputError
        Not a zip, encrypted, too many or too large members, a
        decompression bomb, unsafe paths (absolute, ``..``, drive letters,
        links), or unexpected member types.
    """
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "upload.zip")
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise problem("upload_zip_invalid", name) from exc
    if len(infos) > max_members:
        raise problem("zip_too_many_members", name, n=len(infos), limit=max_members)
    total = 0
    members: list[str] = []
    allowed_set = None if allowed is None else {s.lower() for s in allowed}
    for info in infos:
        n = info.filename
        parts = PurePosixPath(n.replace("\\", "/")).parts
        if n.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", n) or "\x00" in n:
            raise problem("upload_zip_unsafe_path", name, entry=n)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise problem("zip_symlink", name, entry=n)
        if info.flag_bits & 0x1:
            raise problem("zip_encrypted", name, entry=n)
        if info.is_dir() or any(n.startswith(i) or n.endswith("/" + i) or n == i
                                for i in _IGNORED_MEMBERS):
            continue
        total += info.file_size
        if total > max_total:
            raise problem("zip_too_large", name, limit=max_total / MB)
        if info.file_size > ZIP_MAX_RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise problem("zip_bomb", name, entry=n, ratio=info.file_size / max(info.compress_size, 1),
                          mb=info.file_size / MB)
        suffix = PurePosixPath(n.lower()).suffix
        if suffix in (".zip", ".7z", ".rar", ".gz", ".tar", ".exe", ".bat", ".cmd", ".sh", ".py",
                      ".js", ".vbs", ".ps1", ".dll", ".so", ".jar", ".msi", ".com", ".scr"):
            raise problem("zip_archive_member", name, entry=n)
        if allowed_set is not None and suffix not in allowed_set:
            raise problem("zip_unexpected_member", name, entry=n, suffix=suffix or "no suffix")
        members.append(n)
    return members


# --------------------------------------------------------------------------
# saving uploads


def _read_limited(data: bytes | IO[bytes], limit: int, name: str) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raw = data.read(limit + 1)
    if len(raw) > limit:
        raise problem("upload_limit", name, limit=limit / MB)
    return raw


def save_upload(name: str, data: bytes | IO[bytes], kind: str, dest_dir: str | Path) -> Path:
    """Check one uploaded file and write it (atomically) into ``dest_dir``.

    Parameters
    ----------
    name : str
        The uploaded file's name.
    data : bytes or binary file
        Its content (e.g. Streamlit's ``UploadedFile``).
    kind : str
        A key of :data:`ALLOWED_SUFFIXES`.
    dest_dir : str or Path
        A folder owned by the app session (created if needed).

    Returns
    -------
    Path
        The saved file, always directly inside ``dest_dir``.

    Raises
    ------
    InputError
        See :func:`check_upload` and :func:`check_zip`.
    """
    limit = MAX_BYTES.get(kind, 0)
    raw = _read_limited(data, limit, safe_filename(name)) if kind in MAX_BYTES else b""
    safe = check_upload(name, len(raw), kind, head=raw[:64])
    if _suffix(safe) == ".zip":
        check_zip(raw, name=safe)
    elif _suffix(safe) == ".xlsx":  # a workbook is a zip too: refuse bombs before anything parses it
        from planner.io.files import check_xlsx

        check_xlsx(io.BytesIO(raw), safe)
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / safe
    if target.resolve().parent != dest.resolve():  # pragma: no cover - safe_filename prevents it
        raise problem("unsafe_file_name", safe)
    return atomic_write_bytes(target, raw)


def save_uploads(files: Iterable[tuple[str, bytes | IO[bytes]]], kind: str, dest_dir: str | Path) -> Path:
    """Save several uploaded files of one dataset (e.g. a shapefile's parts).

    Returns the main file: the ``.shp`` of a shapefile, else the only file.

    Raises
    ------
    InputError
        A file fails :func:`save_upload`; a shapefile lacks its ``.shx`` or
        ``.dbf``; several datasets were uploaded at once; the total is too
        large.
    """
    saved = []
    total = 0
    for name, data in files:
        path = save_upload(name, data, kind, dest_dir)
        total += path.stat().st_size
        if total > MAX_BYTES[kind]:
            raise problem("uploads_too_large", limit=MAX_BYTES[kind] / MB)
        saved.append(path)
    if not saved:
        raise problem("no_upload")
    shp = [p for p in saved if p.suffix.lower() == ".shp"]
    if shp:
        if len(shp) > 1:
            raise problem("several_shapefiles", names=", ".join(p.name for p in shp))
        missing = [s for s in (".shx", ".dbf") if not any(
            p.suffix.lower() == s and p.stem == shp[0].stem for p in saved)]
        if missing:
            sep = {lang: per_lang("and", "upload.and")[f"and@{lang}"] for lang in ("zh", "en")}
            raise problem("shapefile_parts_missing", shp[0].name,
                          **{f"parts@{lang}": sep[lang].join(missing) for lang in ("zh", "en")})
        return shp[0]
    main = [p for p in saved if p.suffix.lower() not in (".shx", ".dbf", ".prj", ".cpg")]
    if len(main) != 1:
        raise problem("one_dataset", names=", ".join(p.name for p in saved))
    return main[0]


# --------------------------------------------------------------------------
# keeping the last good state


@dataclass(frozen=True)
class LoadResult:
    """What :func:`try_load` returns.

    Attributes
    ----------
    value : Any
        The new value, or the previous one when loading failed.
    ok : bool
        Whether the new input was loaded.
    error : str or None
        The error message (shown in the app) when not ``ok``.
    warnings : tuple of str
        :class:`PlannerWarning` messages raised while loading.
    """

    value: Any
    ok: bool
    error: str | None = None
    warnings: tuple[str, ...] = field(default=())


def try_load(loader: Callable[..., Any], *args: Any, previous: Any = None, **kwargs: Any) -> LoadResult:
    """Call ``loader``; on a :class:`PlannerError` keep ``previous`` (the last good state).

    Only errors of the ``planner`` family (bad inputs) are turned into a
    message; a programming error still raises, so it is not hidden.

    Examples
    --------
    >>> from planner.io import read_facilities
    >>> r = try_load(read_facilities, "missing.csv", previous="last good")
    >>> r.ok, r.value
    (False, 'last good')
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        try:
            value = loader(*args, **kwargs)
        except PlannerError as exc:
            return LoadResult(previous, False, str(exc), _planner_messages(caught))
    return LoadResult(value, True, None, _planner_messages(caught))


def _planner_messages(caught) -> tuple[str, ...]:
    out = []
    for w in caught:
        if issubclass(w.category, PlannerWarning):
            out.append(str(w.message))
        else:  # not ours: pass it on
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return tuple(dict.fromkeys(out))
