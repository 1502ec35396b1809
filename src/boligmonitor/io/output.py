"""Writing a command's files into a user's folder without touching what the command did not write.

A command never deletes or overwrites a file it did not write, and writes its files whole or not
at all. Each command that writes into a folder of the user's choosing keeps a manifest there
(:attr:`OutputKind.manifest`, e.g. ``boligmonitor-report.json``): the name and SHA-256 of each
file it wrote. A file of a name the command writes is replaced only if the manifest lists it
and its SHA-256 is still the recorded one; a file the user wrote, or changed after the command
wrote it, stops the command before anything is written, with an error naming the file.

Two kinds of folder:

- *exclusive* (the report): the folder must be new, empty, or a previous run's (its manifest);
  a folder holding anything else is refused. Files the user added next to a previous run's
  are left as they are.
- *shared* (the charts, the aggregates): the folder may hold anything; only files of the names
  the command writes are checked, every other file is left alone. A previous run's files not
  rewritten this time stay listed in the manifest with their recorded SHA-256 (so they are
  still recognised as the command's own), unless they are gone.

Whole or not at all: the new files are first written in full into a hidden staging folder inside
the target (the same file system, so each move is an atomic rename), each previous file is kept
aside (a hard link, or a copy where links are not supported), and only then are the new files
renamed into place, the manifest last. A failure on the way puts every previous file back and
removes the staging folder, and a folder created for the output. A staging folder left by a
killed run (the command's own prefix, older than the current run's) is removed by the next run
that succeeds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from boligmonitor.errors import BoligmonitorError

MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class OutputKind:
    """What a command writes into a folder, and how it speaks of it in a message."""

    manifest: str          # the manifest's file name
    written_by: str        # the manifest's "written_by": whose manifest it is
    staging_prefix: str    # the hidden staging folders' prefix
    what: str              # "the report", "the charts": for messages
    flag: str = "--out"    # the command-line option that names the folder (exclusive kinds)
    error: type[BoligmonitorError] = BoligmonitorError
    exclusive: bool = False  # refuse a folder that holds anything but a previous run's files


def show(name: str) -> str:
    """A file name fit for a one-line message (control characters escaped)."""
    return name if name.isprintable() else repr(name)[1:-1]


def names_text(paths: Iterable[str], limit: int = 4) -> str:
    """Up to ``limit`` names, sorted, for a one-line message."""
    names = sorted(paths)
    shown = ", ".join(show(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path`` (read in blocks: a table may be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def previous_output(target: Path, kind: OutputKind, names: Iterable[str],
                    allowed: Iterable[str] | None = None) -> dict[str, str]:
    """Return the files (name to SHA-256) a previous run listed in ``target``'s manifest
    (empty for a new folder, or one without the manifest); raise ``kind.error`` if writing
    ``names`` into ``target`` would replace a file the command did not write, or one changed
    since it wrote it.

    ``allowed`` (exclusive kinds) are the names the command ever writes: a manifest naming any
    other file is not one boligmonitor wrote.
    """
    names = set(names)
    allowed = names if allowed is None else set(allowed)
    where = f"'{show(str(target))}'"
    refusing = f"refusing to write {kind.what} into {where}"
    if not target.exists():
        return {}
    if not target.is_dir():
        raise kind.error(f"cannot write {kind.what} into {where}: it is not a folder")
    try:
        entries = {p.name for p in target.iterdir()
                   if not p.name.startswith(kind.staging_prefix)}
    except OSError as exc:
        raise kind.error(f"cannot read the folder {where}: {exc.strerror}") from exc
    if kind.exclusive and entries and kind.manifest not in entries:
        if entries <= allowed:
            raise kind.error(
                f"{refusing}: it holds {names_text(entries)} but no {kind.manifest}, so "
                "boligmonitor cannot tell they are its own (earlier versions wrote no "
                f"manifest); remove them or give {kind.flag} a new folder")
        raise kind.error(
            f"{refusing}: it holds files {kind.what} did not write ({names_text(entries)}) "
            f"and is not a previous output of it; give {kind.flag} an empty or new folder, "
            f"or the folder of {kind.what} written before")
    listed: dict[str, str] = {}
    if kind.manifest in entries:
        listed = read_manifest(target / kind.manifest, kind, where)
    if kind.exclusive:
        foreign = set(listed) - allowed
        if foreign:
            raise kind.error(
                f"{refusing}: its {kind.manifest} names files {kind.what} does not write "
                f"({names_text(foreign)}), so boligmonitor did not write it")
    present = names & entries
    unlisted = present - set(listed)
    if unlisted:
        raise kind.error(
            f"{refusing}: it holds {names_text(unlisted)}, which boligmonitor did not write "
            f"(no {kind.manifest} lists it); move it away or choose another folder")
    changed = sorted(n for n in present if not _unchanged(target / n, listed[n]))
    if changed:
        raise kind.error(
            f"{refusing}: {names_text(changed)} changed since boligmonitor wrote it (its "
            f"SHA-256 is not the one {kind.manifest} records); move it away or choose "
            "another folder")
    return listed


def _unchanged(path: Path, sha256: str) -> bool:
    """Whether ``path`` is still the plain file boligmonitor wrote (a folder or a link in its
    place is not)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        return file_sha256(path) == sha256
    except OSError:
        return False


def read_manifest(path: Path, kind: OutputKind, where: str) -> dict[str, str]:
    """The files (name to SHA-256) the manifest at ``path`` lists; ``kind.error`` if it is not
    a manifest of ``kind`` boligmonitor wrote."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        record = None
    files = record.get("files") if isinstance(record, dict) else None
    if (not isinstance(record, dict) or record.get("written_by") != kind.written_by
            or not isinstance(files, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())):
        raise kind.error(f"refusing to write {kind.what} into {where}: its {kind.manifest} is "
                         f"not a manifest of {kind.what} boligmonitor wrote")
    return dict(files)


def manifest_bytes(kind: OutputKind, files: Mapping[str, bytes],
                   kept: Mapping[str, str] | None = None) -> bytes:
    """The manifest of ``files`` (each name with its SHA-256) and of ``kept`` (a previous run's
    files not rewritten, name to recorded SHA-256); no date, so the same output gives the same
    bytes."""
    listed = dict(kept or {})
    listed.update({name: hashlib.sha256(blob).hexdigest() for name, blob in files.items()})
    record = {
        "written_by": kind.written_by,
        "format": MANIFEST_FORMAT,
        "files": dict(sorted(listed.items())) if kept else listed,
    }
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_output(target: str | Path, files: Mapping[str, bytes], kind: OutputKind,
                 allowed: Iterable[str] | None = None) -> list[Path]:
    """Write ``files`` (name to bytes) and their manifest into ``target``, whole or not at all,
    replacing only files the command wrote and nobody changed since (:func:`previous_output`
    decides); return the paths of ``files``."""
    target = Path(target)
    for name in files:
        if (name in (kind.manifest, "", ".", "..") or Path(name).name != name
                or name.startswith(kind.staging_prefix)):
            raise kind.error(f"cannot write a file named {show(name)!r}")
    listed = previous_output(target, kind, files, allowed)
    # A previous run's files not rewritten now: still the command's own while they exist.
    kept = {} if kind.exclusive else {
        n: h for n, h in listed.items()
        if n not in files and (os.path.lexists(target / n))}
    created = _make_folder(target, kind)
    staging: Path | None = None
    swapped: list[tuple[Path, Path | None]] = []  # (file in place, its previous version kept)
    try:
        staging = Path(tempfile.mkdtemp(prefix=kind.staging_prefix, dir=target))
        new, previous = staging / "new", staging / "previous"
        new.mkdir()
        previous.mkdir()
        order = [*files, kind.manifest]  # the manifest last: it says the files are in place
        blobs = {**files, kind.manifest: manifest_bytes(kind, files, kept)}
        for name in order:
            _write_synced(new / name, blobs[name])
        for name in order:
            dst = target / name
            backup = None
            if dst.exists() or dst.is_symlink():
                backup = previous / name
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
    remove_stale_staging(target, kind, staging)
    shutil.rmtree(staging, ignore_errors=True)
    return [target / name for name in files]


def remove_stale_staging(target: Path, kind: OutputKind, current: Path) -> list[Path]:
    """Remove the staging folders a killed run of ``kind`` left in ``target``: folders (not
    links, not files) of the kind's prefix last changed before ``current``, this run's own,
    was made. Return those removed."""
    removed = []
    try:
        since = os.lstat(current).st_mtime_ns
        candidates = [p for p in target.iterdir() if p.name.startswith(kind.staging_prefix)
                      and p != current]
    except OSError:
        return removed
    for path in candidates:
        with contextlib.suppress(OSError):
            info = os.lstat(path)
            if stat.S_ISDIR(info.st_mode) and info.st_mtime_ns < since:
                shutil.rmtree(path)
                removed.append(path)
    return removed


def _make_folder(target: Path, kind: OutputKind) -> list[Path]:
    """Create ``target`` and its missing parents; return those created, outermost first."""
    missing = []
    folder = target
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise kind.error(f"cannot create the folder '{show(str(target))}': "
                         f"{exc.strerror}") from exc
    return list(reversed(missing))


def _write_synced(path: Path, blob: bytes) -> None:
    # open() gives the file the mode the umask says (the staging folder itself is private).
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
