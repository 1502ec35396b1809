"""Writing the report's files into a folder: the one module of the report that touches files.

A command never deletes or overwrites a file it did not write. The report keeps a manifest,
:data:`MANIFEST` (``boligmonitor-report.json``), next to its files: the name and SHA-256 of each
file it wrote. Into a folder

- that does not exist, or is empty: the files and the manifest are written;
- that holds a previous report (its manifest): the files the manifest lists are replaced, if
  each is still the file the report wrote (its SHA-256 is the recorded one), and every other
  file in the folder is left as it is;
- that holds anything else, or a report file changed since: nothing is written;
  :class:`~boligmonitor.errors.ReportError` names the folder and the file.

Whole or not at all, through the package's manifest writer (:mod:`boligmonitor.io.output`,
which the charts and the aggregates share): the new files are written into a hidden staging
folder inside the target and renamed into place, the manifest last; a failure puts every
previous file back. A staging folder a killed report left behind is removed by the next report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from boligmonitor.errors import ReportError
from boligmonitor.io import output
from boligmonitor.io.output import MANIFEST_FORMAT

__all__ = ["MANIFEST", "MANIFEST_FORMAT", "REPORT_OUTPUT", "STAGING_PREFIX", "WRITTEN_BY",
           "manifest_bytes", "previous_files", "replace_files"]

MANIFEST = "boligmonitor-report.json"
WRITTEN_BY = "boligmonitor report"
STAGING_PREFIX = ".boligmonitor-report-"

REPORT_OUTPUT = output.OutputKind(
    manifest=MANIFEST, written_by=WRITTEN_BY, staging_prefix=STAGING_PREFIX,
    what="the report", flag="--out", error=ReportError, exclusive=True)


def previous_files(target: Path, allowed: Iterable[str]) -> set[str]:
    """Return the names of the files a previous report wrote into ``target`` (empty for a new
    or empty folder); raise :class:`ReportError` if ``target`` holds anything else, or a report
    file changed since the report wrote it.

    ``allowed`` are the file names the report writes: a manifest naming any other file is not
    one this module wrote, and a file of one of those names that no manifest lists is not the
    report's to overwrite.
    """
    allowed = set(allowed)
    return set(output.previous_output(Path(target), REPORT_OUTPUT, allowed, allowed))


def manifest_bytes(files: Mapping[str, bytes]) -> bytes:
    """The manifest of ``files``: each name with its SHA-256; no date, so the same report
    gives the same bytes."""
    return output.manifest_bytes(REPORT_OUTPUT, files)


def replace_files(target: Path, files: Mapping[str, bytes], allowed: Iterable[str]) -> None:
    """Write ``files`` (name to bytes) and their manifest into ``target``, whole or not at all,
    replacing only what a previous report wrote (:func:`previous_files` decides)."""
    output.write_output(Path(target), files, REPORT_OUTPUT, allowed)
