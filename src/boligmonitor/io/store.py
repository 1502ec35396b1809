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
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from boligmonitor.datasets import LAYOUT_NAMES, SOURCE_COLUMNS, Dataset, example_hashes
from boligmonitor.errors import DataSourceError, DataValidationError
from boligmonitor.io.mapping import Mapping, read_mapping
from boligmonitor.io.readers import read_table, sha256_of
from boligmonitor.schemas import KEYS, REPLACE_KEYS, TEXT_KINDS, columns, spec
from boligmonitor.validation import table_problems

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
SOURCE_COL = "source_sha256"


@dataclass
class IngestResult:
    """What an ingest did, one entry per file."""

    processed_dir: Path
    actions: list[dict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(a["action"] != "unchanged" for a in self.actions)

    def summary_lines(self) -> list[str]:
        lines = []
        for a in self.actions:
            if a["action"] == "unchanged":
                lines.append(f"{a['name']}: already ingested (sha256 {a['sha256'][:12]}), "
                             "nothing changed")
                continue
            line = f"{a['name']}: {a['rows']} rows of {a['layout']} ingested"
            if a["replaced"]:
                reps = ", ".join(f"{r['rows']} rows from {r['name']}" for r in a["replaced"])
                line += f"; replaced {reps}"
            lines.append(line)
        lines.append(f"processed data in {self.processed_dir}")
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
    if manifest.get("format") != MANIFEST_FORMAT:
        raise DataSourceError(
            f"{path}: manifest format {manifest.get('format')!r}; this version reads "
            f"{MANIFEST_FORMAT}"
        )
    return manifest


def _read_current(processed_dir: Path, manifest: dict) -> dict[str, pd.DataFrame]:
    tables = {}
    for layout, entry in manifest["tables"].items():
        path = processed_dir / entry["file"]
        if not path.is_file():
            raise DataSourceError(f"{path}: listed in {MANIFEST} but missing")
        table = pd.read_parquet(path)
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


def read_processed(processed_dir: str | Path = "data/processed") -> Dataset:
    """Return the processed store as a :class:`~boligmonitor.datasets.Dataset`.

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
    meta: dict = {}
    if is_example:
        from boligmonitor.datasets import example_metadata

        meta = example_metadata()
    return Dataset(**out, sources=sources, is_example=is_example, metadata=meta)


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
) -> IngestResult:
    """Validate files and merge them into the processed store, atomically.

    Every file is read and validated first; if any has problems, all problems of all files are
    raised together in one DataValidationError and nothing is written. A file already in the
    manifest (same sha256) changes nothing. Rows of a newer file replace the rows with the same
    key (area and year; area and list year; year, scope and indicator; for memberships the
    whole list year), and the manifest records which rows of which file were replaced.
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

    manifest = read_manifest(processed_dir) if processed_dir.exists() else _empty_manifest()
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
        record = {"name": name, "sha256": sha, "layout": lay, "rows": len(table),
                  "rows_current": len(table), "is_example": sha in example_hashes(),
                  "format": meta["format"], "mapping": Path(meta["mapping"]).name
                  if meta["mapping"] else None, "mapping_sha256": mapping_sha,
                  "replaced": replaced, "replaced_by": []}
        manifest["sources"].append(record)
        by_sha[sha] = record
        result.actions.append({"name": name, "sha256": sha, "layout": lay, "action": "ingested",
                               "rows": len(table), "replaced": replaced})

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

    processed_dir.mkdir(parents=True, exist_ok=True)
    entries = {}
    for lay in LAYOUT_NAMES:
        if lay not in tables:
            continue
        data = _parquet_bytes(tables[lay][[*columns(lay), SOURCE_COL]])
        fname = f"{lay}-{hashlib.sha256(data).hexdigest()[:12]}.parquet"
        target = processed_dir / fname
        if not target.exists():
            _write_bytes_atomic(target, data)
        entries[lay] = {"file": fname, "rows": len(tables[lay])}
    manifest["tables"] = entries
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    _write_bytes_atomic(processed_dir / MANIFEST, text.encode("utf-8"))
    referenced = {e["file"] for e in entries.values()}
    for stale in processed_dir.glob("*-*.parquet"):
        if stale.name not in referenced and stale.name.split("-")[0] in LAYOUT_NAMES:
            stale.unlink(missing_ok=True)
    return result
