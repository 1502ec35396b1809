"""Writing the report's files into a folder: the one module of the report that touches files.

A command never deletes or overwrites a file it did not write. The report keeps a manifest,
:data:`MANIFEST` (``boligmonitor-report.json``), next to its files: the name and SHA-256 of each
file it wrote. Into a folder

- that does not exist, or is empty: the files and the manifest are written;
- that holds a previous report (its manifest): the files the manifest lists are replaced and
  every other file in the folder is left as it is;
- that holds anything else: nothing is written; :class:`~boligmonitor.errors.ReportError` names
  the folder and what is in it.

Whole or not at all: the new files are first written in full into a hidden staging folder inside
the target (the same file system, so each move is an atomic rename), each previous file is kept
aside (a hard link, or a copy where links are not supported), and only then are the new files
renamed into place, the manifest last. A failure on the way puts every previous file back and
removes the staging folder, and a folder this module created for the report.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from boligmonitor.errors import ReportError

MANIFEST = "boligmonitor-report.json"
WRITTEN_BY = "boligmonitor report"
MANIFEST_FORMAT = 1
STAGING_PREFIX = ".boligmonitor-report-"


def _show(name: str) -> str:
    """A file name fit for a one-line message (control characters escaped)."""
    return name if name.isprintable() else repr(name)[1:-1]


def _names(paths: Iterable[str], limit: int = 4) -> str:
    names = sorted(paths)
    shown = ", ".join(_show(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def previous_files(target: Path, allowed: Iterable[str]) -> set[str]:
    """Return the names of the files a previous report wrote into ``target`` (empty for a new
    or empty folder); raise :class:`ReportError` if ``target`` holds anything else.

    ``allowed`` are the file names the report writes: a manifest naming any other file is not
    one this module wrote, and a file of one of those names that no manifest lists is not the
    report's to overwrite.
    """
    allowed = set(allowed)
    where = f"'{_show(str(target))}'"
    if not target.exists():
        return set()
    if not target.is_dir():
        raise ReportError(f"cannot write the report into {where}: it is not a folder")
    try:
        entries = {p.name for p in target.iterdir() if not p.name.startswith(STAGING_PREFIX)}
    except OSError as exc:
        raise ReportError(f"cannot read the folder {where}: {exc.strerror}") from exc
    if not entries:
        return set()
    if MANIFEST not in entries and entries <= allowed:
        raise ReportError(
            f"refusing to write the report into {where}: it holds {_names(entries)} but no "
            f"{MANIFEST}, so boligmonitor cannot tell they are its own (earlier versions wrote "
            "no manifest); remove them or give --out a new folder")
    if MANIFEST not in entries:
        raise ReportError(
            f"refusing to write the report into {where}: it holds files the report did not "
            f"write ({_names(entries)}) and is not a previous report; give --out an empty or "
            "new folder, or the folder of a previous report")
    listed = _read_manifest(target / MANIFEST, where)
    foreign = listed - allowed
    if foreign:
        raise ReportError(
            f"refusing to write the report into {where}: its {MANIFEST} names files the report "
            f"does not write ({_names(foreign)}), so boligmonitor did not write it")
    unlisted = (entries & allowed) - listed
    if unlisted:
        raise ReportError(
            f"refusing to write the report into {where}: it holds {_names(unlisted)}, which "
            f"the previous report's {MANIFEST} does not list (not the report's to overwrite)")
    not_files = [n for n in listed & entries
                 if (target / n).is_dir() and not (target / n).is_symlink()]
    if not_files:
        raise ReportError(f"refusing to write the report into {where}: "
                          f"{_names(not_files)} is a folder now, not the report's file")
    return listed


def _read_manifest(path: Path, where: str) -> set[str]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        record = None
    files = record.get("files") if isinstance(record, dict) else None
    if (not isinstance(record, dict) or record.get("written_by") != WRITTEN_BY
            or not isinstance(files, dict) or not all(isinstance(k, str) for k in files)):
        raise ReportError(f"refusing to write the report into {where}: its {MANIFEST} is not "
                          "a report manifest boligmonitor wrote")
    return set(files)


def manifest_bytes(files: Mapping[str, bytes]) -> bytes:
    """The manifest of ``files``: each name with its SHA-256; no date, so the same report
    gives the same bytes."""
    record = {
        "written_by": WRITTEN_BY,
        "format": MANIFEST_FORMAT,
        "files": {name: hashlib.sha256(blob).hexdigest() for name, blob in files.items()},
    }
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def replace_files(target: Path, files: Mapping[str, bytes], allowed: Iterable[str]) -> None:
    """Write ``files`` (name to bytes) and their manifest into ``target``, whole or not at all,
    replacing only what a previous report wrote (:func:`previous_files` decides)."""
    for name in files:
        if name in (MANIFEST, "", ".", "..") or Path(name).name != name:
            raise ReportError(f"cannot write a report file named {_show(name)!r}")
    previous_files(target, allowed)
    created = _make_folder(target)
    staging: Path | None = None
    swapped: list[tuple[Path, Path | None]] = []  # (file in place, its previous version kept)
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
        new, kept = staging / "new", staging / "previous"
        new.mkdir()
        kept.mkdir()
        order = [*files, MANIFEST]  # the manifest last: it says the files are in place
        blobs = {**files, MANIFEST: manifest_bytes(files)}
        for name in order:
            _write_synced(new / name, blobs[name])
        for name in order:
            dst = target / name
            backup = None
            if dst.exists() or dst.is_symlink():
                backup = kept / name
                _keep(dst, backup)
            os.replace(new / name, dst)
            swapped.append((dst, backup))
    except BaseException:
        for dst, backup in reversed(swapped):
            with contextlib.suppress(OSError):
                if backup is None:
                    dst.unlink()
                else:
                    os.replace(backup, dst)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _make_folder(target: Path) -> list[Path]:
    """Create ``target`` and its missing parents; return those created, outermost first."""
    missing = []
    folder = target
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the folder '{_show(str(target))}': "
                          f"{exc.strerror}") from exc
    return list(reversed(missing))


def _write_synced(path: Path, blob: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())


def _keep(path: Path, backup: Path) -> None:
    """Keep the previous version of ``path`` at ``backup`` without taking it away."""
    try:
        os.link(path, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(path, backup, follow_symlinks=False)
