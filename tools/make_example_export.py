"""Write the example data as a typical Danish export, the worked example of docs/your-data.md.

From the bundled example indicators (illustrative values, not real) this writes the ten data
years 2015-2024 the way a Beboerdata export arrives: cp1252, semicolons, decimal commas,
thousands dots, percent, Danish headers, a title line above the header, a remark column. With
it, the column-mapping file that reads it. Both go into the package (so that files with these
bytes are recognised as example data wherever they are copied, and ``boligmonitor init --example``
can copy them) and into docs/examples/, with the example's reference values and published lists
(the bundled files, byte for byte); the mapping also as the template of ``boligmonitor init``.

Run from the repository root: ``python tools/make_example_export.py``. Output is deterministic.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "boligmonitor" / "data" / "example"
PACKAGE_OUT = EXAMPLE / "export"
DOCS_OUT = ROOT / "docs" / "examples"
SCAFFOLD_RAW = ROOT / "src" / "boligmonitor" / "data" / "project" / "data" / "raw"
YEARS = range(2015, 2025)
TITLE = ("Beboerdata - kriterieværdier pr. boligområde 2015-2024 (eksport). "
         "EKSEMPEL: tallene er opdigtede")
HEADER = ["Afdeling", "Boligområde", "Kommune", "Region", "År", "Beboere", "Beboere 18-64 år",
          "Beboere 18 år og derover", "Beboere 30-59 år", "Andel ikke-vestlige (%)",
          "Uden for arbejde eller uddannelse (%)", "Dømte (%)", "Kun grundskole (%)",
          "Gns. bruttoindkomst (kr.)", "Bemærkning"]

MAPPING = """\
# Reads beboerdata.csv exactly as it was received (illustrative figures): a Beboerdata-style
# export in cp1252 with semicolons, decimal commas, thousands dots, percent columns, a title line
# above the header and a remark column. Copy it beside your own export and change the left-hand
# side of [columns] to your file's headers. Every key: docs/formats.md, "The column-mapping file".
layout = "indicators"
encoding = "cp1252"
separator = ";"
decimal = ","
thousands = "."
header_row = 2
na_values = ["-", ".."]
ignore = ["Bemærkning"]

[columns]
"Afdeling" = "area_id"
"Boligområde" = "area_name"
"Kommune" = "municipality"
"Region" = "region"
"År" = "year"
"Beboere" = "residents"
"Beboere 18-64 år" = "n_residents_18_64"
"Beboere 18 år og derover" = "n_residents_18plus"
"Beboere 30-59 år" = "n_residents_30_59"
"Andel ikke-vestlige (%)" = { column = "share_non_western", unit = "percent" }
"Dømte (%)" = { column = "share_convicted_18plus", unit = "percent" }
"Kun grundskole (%)" = { column = "share_basic_education_30_59", unit = "percent" }
"Gns. bruttoindkomst (kr.)" = "mean_gross_income_15_64"

[columns."Uden for arbejde eller uddannelse (%)"]
column = "share_outside_work_education_18_64"
unit = "percent"

[values.region]
"Region Hovedstaden" = "Hovedstaden"
"Region Sjælland" = "Sjælland"
"Region Syddanmark" = "Syddanmark"
"Region Midtjylland" = "Midtjylland"
"Region Nordjylland" = "Nordjylland"
"""


def _dk(x: float, decimals: int) -> str:
    text = f"{x:,.{decimals}f}"  # 1,234.5
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def export_rows() -> list[list[str]]:
    with (EXAMPLE / "indicators.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if int(r["year"]) in YEARS]
    out = []
    for r in rows:
        out.append([
            r["area_id"], r["area_name"], r["municipality"], f"Region {r['region']}", r["year"],
            _dk(float(r["residents"]), 0), _dk(float(r["n_residents_18_64"]), 0),
            _dk(float(r["n_residents_18plus"]), 0), _dk(float(r["n_residents_30_59"]), 0),
            _dk(100 * float(r["share_non_western"]), 1),
            _dk(100 * float(r["share_outside_work_education_18_64"]), 1),
            _dk(100 * float(r["share_convicted_18plus"]), 2),
            _dk(100 * float(r["share_basic_education_30_59"]), 1),
            _dk(float(r["mean_gross_income_15_64"]), 0),
            "foreløbigt tal" if r["year"] == str(YEARS[-1]) else "",
        ])
    return out


def main() -> None:
    lines = [TITLE, ";".join(HEADER), *(";".join(r) for r in export_rows())]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    PACKAGE_OUT.mkdir(parents=True, exist_ok=True)
    DOCS_OUT.mkdir(parents=True, exist_ok=True)
    for folder in (PACKAGE_OUT, DOCS_OUT):
        (folder / "beboerdata.csv").write_bytes(data)
        (folder / "beboerdata.mapping.toml").write_bytes(MAPPING.encode("utf-8"))
    for name in ("references.csv", "memberships.csv"):
        shutil.copyfile(EXAMPLE / name, DOCS_OUT / name)
    # The mapping template `boligmonitor init` writes is the worked example's.
    (SCAFFOLD_RAW / "beboerdata.mapping.toml").write_bytes(MAPPING.encode("utf-8"))


if __name__ == "__main__":
    main()
