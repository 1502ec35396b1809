"""Byte-stable Office files: rewrite an OOXML zip with pinned dates.

openpyxl stamps the save time into ``docProps/core.xml`` and zipfile stamps every entry with
the clock; both are replaced here by a given date (the report's own date; for a result table,
:data:`TABLE_DATE`), so the same content gives the same bytes. Entry order and content are
otherwise kept as written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

_CORE_DATES = re.compile(
    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)"
)


# The date of a result table's workbook (boligmonitor ... --out F.xlsx): the earliest a zip entry
# can hold. The table's content, not the time it was written, decides its bytes.
TABLE_DATE = "1980-01-01"


def pin_zip(data: bytes, date: str) -> bytes:
    """Return ``data`` (a zip) with every entry dated ``date`` (YYYY-MM-DD) and the
    ``created``/``modified`` core properties set to it."""
    day = dt.date.fromisoformat(date)
    stamp = f"{day.isoformat()}T00:00:00Z".encode("ascii")
    when = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", compression=zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), blob)
            pinned = zipfile.ZipInfo(info.filename, date_time=when)
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.create_system = 3
            pinned.external_attr = 0o644 << 16
            dst.writestr(pinned, blob, compresslevel=6)
    return out.getvalue()
