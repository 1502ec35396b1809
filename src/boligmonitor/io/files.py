"""Files as they arrive: what kind a file is, and its raw cells.

Says what a path is when it is not a readable file (a directory, a looping link), checks that a
file's bytes agree with its suffix (UTF-16 text is named as such), and reads CSV, Excel and
Parquet into raw cells with the header applied and each row's number in the source. Files are
only ever opened for reading.
"""

from __future__ import annotations

import csv
import hashlib
import io
import stat
from pathlib import Path

import numpy as np
import pandas as pd

from boligmonitor.io.mapping import Mapping
from boligmonitor.io.problems import file_error
from boligmonitor.io.workbook import UnreadableCell, read_xlsx

SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".parquet": "parquet",
            ".pq": "parquet"}

#: The longest CSV field Python's csv module reads.
CSV_FIELD_LIMIT = csv.field_size_limit()

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sha256_of(path: str | Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def format_of(path: Path, head: bytes, tail: bytes, encoding: str = "utf-8-sig") -> str:
    """Return the file's format from its suffix, after checking its bytes agree."""
    name = str(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise file_error(name, "unsupported file type", value=path.suffix,
                    allowed=", ".join(sorted(SUFFIXES)))
    is_zip = head.startswith(b"PK\x03\x04")
    is_parquet = head.startswith(b"PAR1") and tail.endswith(b"PAR1")
    if fmt == "excel" and not is_zip:
        raise file_error(name, "not an Excel .xlsx file (an .xlsx file is a zip archive)")
    if fmt == "parquet" and not is_parquet:
        raise file_error(name, "not a Parquet file (no PAR1 magic bytes)")
    if fmt == "csv" and encoding != "utf-16":
        if head.startswith(_UTF16_BOMS):
            raise file_error(name, "the file is UTF-16 text (it begins with a UTF-16 byte order "
                        "mark), not UTF-8",
                        allowed='declare encoding = "utf-16" in a mapping, or save the file '
                        'as UTF-8 (in Excel: "CSV UTF-8")')
        if is_zip or head.startswith(b"PAR1") or b"\x00" in head:
            raise file_error(name, "not a text CSV file (binary content: NUL bytes)",
                        allowed="a text file; UTF-16 without a byte order mark is not read: "
                        "save it as UTF-8")
    return fmt


def not_a_file(path: Path) -> str:
    """Say what ``path`` is, for a path that is not a regular file."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return "file not found"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISLNK(st.st_mode):
        try:
            path.resolve(strict=True)
        except RuntimeError:
            return "a symbolic link that loops back on itself"
        except FileNotFoundError:
            return f"a symbolic link to {path.readlink()}, which does not exist"
        except OSError as exc:
            if exc.errno == 40:  # ELOOP
                return "a symbolic link that loops back on itself"
            return f"a symbolic link that cannot be followed: {exc.strerror or exc}"
        try:
            st = path.stat()
        except OSError as exc:
            return f"a symbolic link that cannot be followed: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        return "a directory, not a file"
    return "not a regular file (a pipe, socket or device)"


def csv_field_too_long(text: str, sep: str) -> int | None:
    """Return the line on which a field exceeds the csv module's limit (None if none does)."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        for _ in reader:
            pass
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            return reader.line_num
    return None


def read_raw(path: Path, fmt: str, m: Mapping) -> tuple[pd.DataFrame, pd.Series]:
    """Return the raw cells (header applied) and the source row number of each row."""
    name = str(path)
    if fmt == "csv":
        try:
            text = path.read_bytes().decode(m.encoding)
        except UnicodeDecodeError as exc:
            raise file_error(name, f"cannot be decoded as {m.encoding} at byte {exc.start}",
                        allowed="declare the file's encoding in a mapping (utf-8, cp1252)"
                        ) from None
        text = text.removeprefix("\ufeff")
        if not text.strip():
            raise file_error(name, "the file is empty")
        try:
            raw = pd.read_csv(io.StringIO(text), sep=m.separator, header=None, dtype=str,
                              keep_default_na=False, skip_blank_lines=False,
                              skiprows=m.header_row - 1, engine="python")
        except pd.errors.ParserError as exc:
            if "field larger than field limit" in str(exc):
                line = csv_field_too_long(text, m.separator)
                raise file_error(name, f"a field is longer than {CSV_FIELD_LIMIT:,} characters",
                            row=line if line is not None else pd.NA,
                            allowed="a quote character (\") that is never closed makes the "
                            "rest of the file one field: close it, or remove the quote"
                            ) from None
            raise file_error(name, f"not a valid CSV with separator {m.separator!r}: {exc}",
                        allowed="declare the file's separator in a mapping (separator = \";\")"
                        ) from None
        except pd.errors.EmptyDataError:
            raise file_error(name, "the file is empty") from None
        first_row = m.header_row
    elif fmt == "excel":
        raw = read_xlsx(path, m.sheet, m.header_row)
        first_row = m.header_row
    else:
        import pyarrow.lib
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except (pyarrow.lib.ArrowException, OSError) as exc:
            raise file_error(name, f"not a readable Parquet file: {exc}") from None
        data = table.to_pandas()
        header = pd.DataFrame([list(data.columns)], columns=range(data.shape[1]))
        data.columns = range(data.shape[1])
        raw = pd.concat([header, data.astype(object)], ignore_index=True)
        first_row = 0  # Parquet has no header line: data rows are numbered from 1
    if raw.empty:
        raise file_error(name, "the file is empty")
    for h in raw.iloc[0].tolist():
        if isinstance(h, UnreadableCell):
            raise file_error(name, f"header cell {h.ref}: {h.problem}", value=h.text,
                        allowed=h.allowed)
    header = [("" if is_blank(h) else str(h).strip()) for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:].copy()
    body.columns = header
    rows = pd.Series(np.arange(len(body)) + first_row + 1, index=body.index)
    # Fully empty rows (trailing lines, spacer rows in Excel) carry no data.
    blank = body.apply(lambda col: col.map(is_blank)).all(axis=1) if len(body) else None
    if blank is not None and blank.any():
        body, rows = body[~blank], rows[~blank]
    return body.reset_index(drop=True), rows.reset_index(drop=True)


def is_blank(v: object) -> bool:
    """An empty cell: None, NaN, NA or only white space."""
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    if v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, str) and v.strip() == ""
