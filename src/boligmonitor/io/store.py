"""The processed store: validated tables as Parquet plus a manifest of their sources.

Layout of a processed directory::

    manifest.json                      which table file is current, and every source's record
    indicators-<sha12>.parquet         one file per layout, named by its content hash
    ...

Writes are atomic: new table files get new names (never overwriting a current one), then
``manifest.json`` is replaced in one ``os.replace``, and only then are table files that no
manifest refers to removed. A failure at any point before the manifest is replaced leaves the
previous processed data exactly as it was. Nothing in the store depends on the clock, so
ingesting the same file twice changes no byte.

One writer at a time: an ingest holds the lock file ``.ingest.lock`` in the directory from
reading the manifest to replacing it, so two ingests started together both land (the second
waits for the first, up to ``lock_timeout`` seconds, then fails saying so). Under the lock, an
ingest also removes the temporary files a killed ingest left behind: only files named as
:func:`boligmonitor.io.atomic.write_atomic` names the temporary files of the store's own files.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from boligmonitor.errors import DataSourceError, DataValidationError
from boligmonitor.io.atomic import leftover_target, write_atomic
from boligmonitor.io.example import example_hashes, example_metadata
from boligmonitor.io.mapping import Mapping, read_mapping
from boligmonitor.io.readers import read_table, sha256_of
from boligmonitor.labels import label, label_n
from boligmonitor.schemas import (
    KEYS,
    LAYOUT_NAMES,
    REPLACE_KEYS,
    SOURCE_COLUMNS,
    TEXT_KINDS,
    columns,
    spec,
)
from boligmonitor.validation import table_problems

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
SOURCE_COL = "source_sha256"
LOCK_FILE = ".ingest.lock"
#: How long an ingest waits for another one into the same directory, in seconds.
LOCK_TIMEOUT = 600.0
# The names of the store's own files: a temporary file is a leftover only if it was one of these.
_STORE_FILE = re.compile(
    r"^(?:" + re.escape(MANIFEST) + r"|(?:" + "|".join(map(re.escape, LAYOUT_NAMES))
    + r")-[0-9a-f]{12}\.parquet)$"
)


@dataclass
class IngestResult:
    """What an ingest did, one entry per file."""

    processed_dir: Path
    actions: list[dict] = field(default_factory=list)
    #: Seconds this ingest waited for another ingest into the same directory to finish.
    waited_s: float = 0.0
    #: Temporary files of a killed earlier ingest that this one removed.
    leftovers_removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(a["action"] != "unchanged" for a in self.actions)

    def summary_lines(self, lang: str = "da") -> list[str]:
        """What the ingest did, one line per file, in ``lang`` (labels ``ingest.*``)."""
        from boligmonitor import formatting

        def rows(n: int) -> str:
            return label_n("cli.rows", n, lang).format(n=formatting.number(n, 0, lang))

        lines = []
        if self.waited_s > 0:
            lines.append(label("ingest.waited", lang).format(
                seconds=formatting.number(self.waited_s, 1, lang), dir=self.processed_dir))
        for a in self.actions:
            if a["action"] == "unchanged":
                lines.append(label("ingest.unchanged", lang).format(name=a["name"],
                                                                     sha=a["sha256"][:12]))
                continue
            line = label("ingest.ingested", lang).format(
                name=a["name"], rows=rows(a["rows"]),
                layout=label(f"report.layout_{a['layout']}", lang),
                example=label("cli.example", lang) if a.get("is_example") else "")
            if a["replaced"]:
                parts = ", ".join(label("ingest.replaced_part", lang).format(
                    rows=rows(r["rows"]), name=r["name"]) for r in a["replaced"])
                line += label("ingest.replaced", lang).format(parts=parts)
            lines.append(line)
        if self.leftovers_removed:
            lines.append(label("ingest.leftovers", lang).format(
                files=", ".join(self.leftovers_removed)))
        lines.append(label("ingest.where", lang).format(dir=self.processed_dir))
        return lines


def _empty_manifest() -> dict:
    return {"format": MANIFEST_FORMAT, "tables": {}, "sources": []}


def read_manifest(processed_dir: str | Path) -> dict:
    """Return the store's manifest (an empty one where the directory has none)."""
    path = Path(processed_dir) / MANIFEST
    if not path.is_file():
        return _empty_manifest()
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataSourceError(f"{path}: not a valid manifest: {exc}") from None
    if not isinstance(manifest, dict):
        raise _damaged(path, "not a JSON object")
    if manifest.get("format") != MANIFEST_FORMAT:
        raise DataSourceError(
            f"{path}: manifest format {manifest.get('format')!r}; this version reads "
            f"{MANIFEST_FORMAT}"
        )
    _check_manifest(manifest, path)
    return manifest


def _damaged(path: Path, why: str) -> DataSourceError:
    return DataSourceError(
        f"{path}: damaged processed data ({why}); ingest the raw files again into a new "
        "processed directory")


def _check_manifest(manifest: dict, path: Path) -> None:
    """Check the parts of a manifest the store reads: a damaged or hand-edited manifest is one
    clear error, and a table file is always one of the store's own, in its directory."""
    tables, sources = manifest.get("tables"), manifest.get("sources")
    if not isinstance(tables, dict) or not isinstance(sources, list):
        raise _damaged(path, "its tables or its sources are missing")
    for layout, entry in tables.items():
        file = entry.get("file") if isinstance(entry, dict) else None
        if (layout not in LAYOUT_NAMES or not isinstance(file, str) or file == MANIFEST
                or not _STORE_FILE.match(file) or not file.startswith(f"{layout}-")):
            raise _damaged(path, f"its entry for the table {layout!r} is not one it writes")
    needed = {*SOURCE_COLUMNS, "rows_current"}
    for record in sources:
        if not isinstance(record, dict) or not needed <= set(record) \
                or not isinstance(record["rows_current"], int):
            raise _damaged(path, "a source's record is incomplete")


def _read_current(processed_dir: Path, manifest: dict) -> dict[str, pd.DataFrame]:
    tables = {}
    for layout, entry in manifest["tables"].items():
        path = processed_dir / entry["file"]
        if not path.is_file():
            raise DataSourceError(f"{path}: listed in {MANIFEST} but missing")
        try:
            table = pd.read_parquet(path)
        except (pa.ArrowException, OSError) as exc:
            raise _damaged(path, f"not a Parquet file the store wrote: {exc}") from None
        if not {SOURCE_COL, *columns(layout)} <= set(table.columns):
            raise _damaged(path, "its columns are not the store's")
        # Parquet gives text back as the default str dtype; the contract is "string".
        for col in table.columns:
            if spec_kind(layout, col) in TEXT_KINDS:
                table[col] = table[col].astype("string")
        tables[layout] = table
    return tables


def spec_kind(layout: str, column: str) -> str | None:
    """Return the kind of ``column`` in ``layout`` (None for the store's own columns)."""
    try:
        return spec(layout, column).kind
    except KeyError:
        return None


@dataclass(frozen=True)
class StoredTables:
    """What a processed store holds now: its tables by layout, the sources behind their rows,
    and whether (and with what note) they are the bundled example data."""

    tables: dict[str, pd.DataFrame]
    sources: pd.DataFrame
    is_example: bool
    metadata: dict


def read_store(processed_dir: str | Path = "data/processed") -> StoredTables:
    """Return what the processed store holds now (see :func:`boligmonitor.datasets.
    read_processed` for the same as a Dataset).

    Raises DataSourceError where the directory holds no processed data.
    """
    processed_dir = Path(processed_dir)
    manifest = read_manifest(processed_dir)
    if not manifest["tables"]:
        raise DataSourceError(
            f"{processed_dir}: no processed data; run `boligmonitor ingest FILE...` first"
        )
    tables = _read_current(processed_dir, manifest)
    current = [s for s in manifest["sources"] if s["rows_current"] > 0]
    sources = pd.DataFrame(
        [{k: s[k] for k in SOURCE_COLUMNS} for s in current], columns=SOURCE_COLUMNS
    )
    out = {n: t.drop(columns=[SOURCE_COL]) for n, t in tables.items()}
    is_example = bool(sources["is_example"].any()) if len(sources) else False
    # The bundled example's notes (its title, its date) only for the bundled files; another
    # source that declares itself example data gets the catalogue's note.
    bundled = bool(sources["sha256"].isin(example_hashes()).any()) if len(sources) else False
    return StoredTables(out, sources, is_example, example_metadata() if bundled else {})


@contextlib.contextmanager
def store_lock(processed_dir: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[float]:
    """Hold the store's writer lock; yield the seconds waited for it.

    Raises DataSourceError when another ingest holds it for longer than ``timeout`` seconds,
    or when the lock file cannot be created (a directory the user may not write to).
    """
    from filelock import FileLock, Timeout

    path = processed_dir / LOCK_FILE
    lock = FileLock(path)
    waited = 0.0
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            start = time.monotonic()
            try:
                lock.acquire(timeout=timeout)
                waited = max(time.monotonic() - start, 1e-3)
            except Timeout:
                raise DataSourceError(
                    f"{processed_dir}: another ingest into this directory is still running "
                    f"(it holds {path}); waited {timeout:.0f} s. Try again when it has finished"
                ) from None
    except OSError as exc:
        raise DataSourceError(
            f"{processed_dir}: cannot write to the processed directory: "
            f"{exc.strerror or exc}"
        ) from None
    try:
        yield waited
    finally:
        lock.release()


def _remove_leftovers(processed_dir: Path) -> list[str]:
    """Remove temporary files of the store's own files that a killed ingest left behind.

    Called with the lock held, so no other ingest is writing: every such file is a leftover.
    """
    removed = []
    for p in sorted(processed_dir.iterdir()):
        target = leftover_target(p.name)
        if target is not None and _STORE_FILE.match(target) and p.is_file() \
                and not p.is_symlink():
            p.unlink(missing_ok=True)
            removed.append(p.name)
    return removed


def _identity_conflicts(new: pd.DataFrame, path: str, stored: pd.DataFrame,
                        by_sha: dict[str, dict], layout: str) -> pd.DataFrame:
    """Rows of ``new`` whose area name, municipality or region differ from the stored ones."""
    attrs = [a for a in ("area_name", "municipality", "region") if a in new.columns]
    if layout not in ("indicators", "criterion_values") or not len(stored) or not attrs:
        return pd.DataFrame()
    firsts = stored.groupby("area_id", sort=False).first()
    rows = []
    for attr in attrs:
        old = new["area_id"].map(firsts[attr])
        src = new["area_id"].map(firsts[SOURCE_COL])
        bad = old.notna() & new[attr].notna() & (new[attr] != old)
        seen: set[tuple[str, str]] = set()
        for i in new.index[bad.fillna(False).to_numpy(dtype=bool)]:
            key = (new.at[i, "area_id"], new.at[i, attr])
            if key in seen:  # one problem per area and value, not one per year
                continue
            seen.add(key)
            name = by_sha.get(src[i], {}).get("name", "an earlier file")
            rows.append({
                "file": path, "row": pd.NA, "column": attr, "value": new.at[i, attr],
                "problem": f"area_id {key[0]!r} is stored with {attr} {old[i]!r} (from {name})",
                "allowed": f"one {attr} per area_id across every ingested file",
            })
    return pd.DataFrame(rows)


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(df, preserve_index=False)
    # No pandas metadata blob: it is not needed to read the table back and keeps bytes stable.
    table = table.replace_schema_metadata(None)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def _sort(df: pd.DataFrame, layout: str) -> pd.DataFrame:
    return df.sort_values(list(KEYS[layout]), kind="stable", ignore_index=True)


def ingest(
    files: list[str | Path] | str | Path,
    processed_dir: str | Path = "data/processed",
    *,
    layout: str | None = None,
    mapping: str | Path | Mapping | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
) -> IngestResult:
    """Validate files and merge them into the processed store, atomically.

    Every file is read and validated first; if any has problems, all problems of all files are
    raised together in one DataValidationError and nothing is written. A file already in the
    manifest (same sha256) changes nothing. Rows of a newer file replace the rows with the same
    key (area and year; area and list year; year, scope and indicator; for memberships the
    whole list year), and the manifest records which rows of which file were replaced.

    One ingest into a directory at a time: the merge waits for another ingest's lock (up to
    ``lock_timeout`` seconds), so two ingests started together both land.
    """
    if isinstance(files, str | Path):
        files = [files]
    processed_dir = Path(processed_dir)
    m = read_mapping(mapping) if isinstance(mapping, str | Path) else mapping
    mapping_sha = sha256_of(mapping) if isinstance(mapping, str | Path) else None

    parsed: list[pd.DataFrame] = []
    problems: list[pd.DataFrame] = []
    for f in files:
        try:
            parsed.append(read_table(f, layout, m, sheet=sheet, header_row=header_row))
        except DataValidationError as exc:
            problems.append(exc.problems)
    if problems:
        raise DataValidationError(pd.concat(problems, ignore_index=True),
                                  source=", ".join(map(str, files)))

    if processed_dir.exists() and not processed_dir.is_dir():
        raise DataSourceError(f"{processed_dir}: the processed directory is a file, not a "
                              "directory")
    created = not processed_dir.exists()
    try:
        processed_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataSourceError(f"{processed_dir}: cannot create the processed directory: "
                              f"{exc.strerror or exc}") from None
    try:
        with store_lock(processed_dir, lock_timeout) as waited:
            result = _merge(parsed, processed_dir, mapping_sha)
            result.waited_s = waited
            result.leftovers_removed = _remove_leftovers(processed_dir)
    except BaseException:
        if created:  # leave no trace of a directory this failed ingest made
            (processed_dir / LOCK_FILE).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                processed_dir.rmdir()
        raise
    return result


def _merge(parsed: list[pd.DataFrame], processed_dir: Path,
           mapping_sha: str | None) -> IngestResult:
    """Merge validated tables into the store; the caller holds the store's lock."""
    manifest = read_manifest(processed_dir)
    tables = _read_current(processed_dir, manifest) if manifest["tables"] else {}
    by_sha = {s["sha256"]: s for s in manifest["sources"]}
    result = IngestResult(processed_dir)

    for table in parsed:
        meta = table.attrs["boligmonitor"]
        name, sha, lay = meta["file"], meta["sha256"], meta["layout"]
        if sha in by_sha and by_sha[sha]["layout"] == lay:
            result.actions.append({"name": name, "sha256": sha, "layout": lay,
                                   "action": "unchanged", "rows": 0, "replaced": []})
            continue
        new = table.copy()
        new.attrs = {}
        new[SOURCE_COL] = sha
        old = tables.get(lay)
        replaced: list[dict] = []
        if old is not None:
            key = list(REPLACE_KEYS[lay])
            hit = old.set_index(key).index.isin(new.set_index(key).index)
            conflicts = _identity_conflicts(new, meta["path"], old[~hit], by_sha, lay)
            if len(conflicts):
                raise DataValidationError(conflicts, source=meta["path"])
            if hit.any():
                for src_sha, n in old.loc[hit, SOURCE_COL].value_counts(sort=False).items():
                    src = by_sha[src_sha]
                    src["rows_current"] -= int(n)
                    src.setdefault("replaced_by", []).append(
                        {"name": name, "sha256": sha, "rows": int(n)})
                    replaced.append({"name": src["name"], "sha256": src_sha, "rows": int(n)})
            merged = pd.concat([old[~hit], new], ignore_index=True)
        else:
            merged = new
        tables[lay] = _sort(merged, lay)
        # Example data: a bundled example file, or a source that declares itself one.
        is_example = sha in example_hashes() or bool(meta.get("is_example"))
        record = {"name": name, "sha256": sha, "layout": lay, "rows": len(table),
                  "rows_current": len(table), "is_example": is_example,
                  "format": meta["format"], "mapping": Path(meta["mapping"]).name
                  if meta["mapping"] else None, "mapping_sha256": mapping_sha,
                  "replaced": replaced, "replaced_by": []}
        manifest["sources"].append(record)
        by_sha[sha] = record
        result.actions.append({"name": name, "sha256": sha, "layout": lay, "action": "ingested",
                               "rows": len(table), "replaced": replaced,
                               "is_example": is_example})

    if not result.changed:
        return result

    # The merged store must hold together too: one name, municipality and region per area.
    merged_problems = []
    for lay, t in tables.items():
        probs = table_problems(t[columns(lay)], lay, source=f"{processed_dir} ({lay}, merged)")
        if len(probs):
            merged_problems.append(probs)
    if merged_problems:
        raise DataValidationError(pd.concat(merged_problems, ignore_index=True),
                                  source=f"{processed_dir} after merging")

    entries = {}
    for lay in LAYOUT_NAMES:
        if lay not in tables:
            continue
        data = _parquet_bytes(tables[lay][[*columns(lay), SOURCE_COL]])
        fname = f"{lay}-{hashlib.sha256(data).hexdigest()[:12]}.parquet"
        target = processed_dir / fname
        if not target.exists():
            write_atomic(target, data)
        entries[lay] = {"file": fname, "rows": len(tables[lay])}
    manifest["tables"] = entries
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_atomic(processed_dir / MANIFEST, text.encode("utf-8"))
    # Only the store's own table files (<layout>-<12 hex>.parquet): a user's
    # indicators-backup.parquet beside them is not the store's to delete.
    referenced = {e["file"] for e in entries.values()}
    for stale in processed_dir.glob("*-*.parquet"):
        if stale.name not in referenced and _STORE_FILE.match(stale.name) \
                and stale.is_file() and not stale.is_symlink():
            stale.unlink(missing_ok=True)
    return result
