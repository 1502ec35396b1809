"""Write the bundled example dataset (src/boligmonitor/data/example/).

The indicator values are ILLUSTRATIVE, not real: no per-area figures for the five Viborg areas
are public. They are chosen to be plausible and consistent with the known list history in
CRITERIA.md (Houlkærvænget udsat 2018-2021 and off in 2022; Ellekonebakken a ghetto area in
2018 only and udsat in 2019; Klostervænget, Vestervang and Ringparken never listed), with a
clear distance to every threshold so the history does not hinge on rounding. The list
memberships, by contrast, are the real published ones named in CRITERIA.md.

Run from the repository root: ``python tools/make_example_data.py``. Output is deterministic.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "boligmonitor" / "data" / "example"
YEARS = list(range(2012, 2026))

# Age structure of the residents (fractions of all residents), per area.
AREAS = {
    "viborg-ellekonebakken": {
        "area_name": "Ellekonebakken",
        "residents": [1140, 1152, 1160, 1171, 1165, 1158, 1149, 1137, 1128, 1120, 1116, 1109,
                      1104, 1098],
        "age": (0.60, 0.70, 0.37),
        # non-western share on 1 January: above 50 % until 2018, below from 2019
        "non_western": [.530, .535, .540, .538, .531, .524, .512, .493, .478, .466, .455, .447,
                        .440, .432],
        # outside work or education, 18-64, full-time share of the year
        "outside": [.452, .448, .446, .441, .436, .428, .414, .368, .352, .341, .333, .318, .305,
                    .296],
        # convicted 18+: between 3 x the national average and 2.7 % in 2014-2018
        "convicted": [.0240, .0250, .0230, .0240, .0250, .0240, .0230, .0150, .0110, .0120,
                      .0110, .0105, .0100, .0095],
        "basic": [.450, .452, .448, .446, .444, .440, .436, .431, .428, .424, .420, .416, .412,
                  .408],
        "income_ratio": [.600, .602, .605, .608, .604, .600, .606, .630, .655, .668, .672, .676,
                         .680, .684],
    },
    "viborg-klostervaenget": {
        "area_name": "Klostervænget",
        "residents": [634, 630, 628, 625, 622, 626, 631, 628, 624, 620, 618, 615, 612, 610],
        "age": (0.58, 0.74, 0.36),
        "non_western": [.118, .120, .121, .123, .124, .126, .127, .128, .128, .129, .130, .131,
                        .131, .132],
        "outside": [.262, .258, .255, .251, .247, .243, .240, .236, .238, .234, .229, .226, .222,
                    .220],
        "convicted": [.0090, .0090, .0085, .0085, .0085, .0080, .0080, .0075, .0075, .0070,
                      .0070, .0070, .0065, .0065],
        "basic": [.352, .350, .347, .344, .341, .338, .335, .332, .329, .326, .323, .320, .317,
                  .314],
        "income_ratio": [.752, .754, .756, .758, .760, .762, .764, .766, .768, .770, .772, .774,
                         .776, .778],
    },
    "viborg-houlkaervaenget": {
        "area_name": "Houlkærvænget",
        "residents": [1046, 1051, 1058, 1062, 1070, 1074, 1068, 1061, 1055, 1048, 1039, 1031,
                      1024, 1018],
        "age": (0.61, 0.73, 0.38),
        "non_western": [.231, .234, .236, .239, .242, .245, .246, .247, .248, .249, .250, .251,
                        .252, .253],
        "outside": [.468, .462, .458, .455, .450, .440, .430, .420, .405, .370, .360, .350, .345,
                    .335],
        "convicted": [.0290, .0290, .0295, .0290, .0285, .0255, .0250, .0250, .0245, .0240,
                      .0240, .0235, .0235, .0230],
        "basic": [.482, .480, .478, .476, .474, .472, .470, .468, .466, .464, .462, .460, .458,
                  .456],
        "income_ratio": [.588, .590, .592, .594, .596, .598, .600, .602, .604, .606, .608, .610,
                         .612, .614],
    },
    "viborg-vestervang": {
        "area_name": "Vestervang",
        "residents": [1262, 1258, 1255, 1251, 1249, 1246, 1244, 1240, 1238, 1236, 1233, 1230,
                      1228, 1226],
        "age": (0.62, 0.72, 0.37),
        "non_western": [.176, .178, .180, .182, .184, .186, .188, .190, .192, .194, .196, .198,
                        .200, .202],
        "outside": [.372, .375, .378, .381, .384, .386, .388, .390, .388, .385, .383, .380, .378,
                    .376],
        "convicted": [.0180, .0180, .0175, .0175, .0170, .0170, .0165, .0165, .0160, .0160,
                      .0155, .0155, .0150, .0150],
        "basic": [.525, .524, .523, .522, .521, .520, .519, .518, .517, .516, .515, .514, .513,
                  .512],
        "income_ratio": [.628, .630, .632, .634, .636, .638, .640, .642, .644, .646, .648, .650,
                         .652, .654],
    },
    "viborg-ringparken": {
        "area_name": "Ringparken",
        "residents": [478, 482, 485, 481, 476, 472, 469, 471, 474, 476, 473, 470, 468, 466],
        "age": (0.60, 0.72, 0.37),
        "non_western": [.271, .273, .275, .276, .278, .279, .280, .281, .282, .283, .284, .285,
                        .286, .287],
        "outside": [.425, .428, .426, .424, .422, .421, .419, .418, .416, .414, .412, .410, .408,
                    .406],
        "convicted": [.0095, .0095, .0090, .0090, .0090, .0085, .0085, .0085, .0080, .0080,
                      .0080, .0075, .0075, .0075],
        "basic": [.548, .550, .552, .554, .553, .552, .551, .550, .549, .548, .547, .546, .545,
                  .544],
        "income_ratio": [.618, .620, .622, .624, .626, .628, .630, .632, .634, .636, .638, .640,
                         .642, .644],
    },
}

# National share of residents 18+ convicted; 2016-2017 averages 0.73 %, the level implied by the
# ministry's 2018 note ("2,2 pct. = 3 x the national average").
NATIONAL_CONVICTED = [.0078, .0077, .0076, .0075, .0074, .0072, .0071, .0070, .0070, .0069,
                      .0068, .0068, .0067, .0067]
# Mean gross income of taxable 15-64 excluding students, Region Midtjylland, DKK.
REGION_INCOME = [331_000, 337_000, 343_500, 350_000, 357_500, 366_000, 374_500, 382_000,
                 389_500, 401_000, 414_000, 426_500, 438_000, 449_500]

MEMBERSHIPS = [
    ("viborg-houlkaervaenget", 2010, "ghettoomraade",
     "Ministeriets ghettoliste oktober 2010 (beskæftigelses- og kriminalitetskriteriet)"),
    ("viborg-houlkaervaenget", 2011, "ghettoomraade", "Ministeriets ghettoliste oktober 2011"),
    ("viborg-houlkaervaenget", 2018, "udsat_boligomraade",
     "Ministeriets liste over udsatte boligområder 1. december 2018"),
    ("viborg-ellekonebakken", 2018, "ghettoomraade", "Ministeriets ghettoliste 1. december 2018"),
    ("viborg-ellekonebakken", 2019, "udsat_boligomraade",
     "Ministeriets liste over udsatte boligområder 1. december 2019"),
    ("viborg-houlkaervaenget", 2021, "udsat_boligomraade",
     "Ministeriets liste over udsatte boligområder 1. december 2021"),
]

INDICATOR_COLUMNS = [
    "area_id", "area_name", "municipality", "region", "year", "residents",
    "share_non_western", "share_outside_work_education_18_64", "share_convicted_18plus",
    "share_basic_education_30_59", "mean_gross_income_15_64",
    "n_residents_18_64", "n_outside_work_education_18_64", "n_residents_18plus",
    "n_convicted_18plus", "n_residents_30_59", "n_basic_education_30_59", "n_non_western",
]


def _share(num: float, den: float) -> float:
    return round(num / den, 6)


def indicator_rows() -> list[dict]:
    rows = []
    for area_id, a in AREAS.items():
        f18_64, f18plus, f30_59 = a["age"]
        for i, year in enumerate(YEARS):
            res = a["residents"][i]
            n18_64 = round(res * f18_64)
            n18 = round(res * f18plus)
            n30 = round(res * f30_59)
            n_out = round(a["outside"][i] * n18_64, 1)  # full-time persons: tenths are real
            n_conv = round(a["convicted"][i] * n18)
            n_basic = round(a["basic"][i] * n30)
            n_nw = round(a["non_western"][i] * res)
            rows.append({
                "area_id": area_id,
                "area_name": a["area_name"],
                "municipality": "Viborg",
                "region": "Midtjylland",
                "year": year,
                "residents": res,
                "share_non_western": _share(n_nw, res),
                "share_outside_work_education_18_64": _share(n_out, n18_64),
                "share_convicted_18plus": _share(n_conv, n18),
                "share_basic_education_30_59": _share(n_basic, n30),
                "mean_gross_income_15_64": int(round(a["income_ratio"][i] * REGION_INCOME[i], -2)),
                "n_residents_18_64": n18_64,
                "n_outside_work_education_18_64": n_out,
                "n_residents_18plus": n18,
                "n_convicted_18plus": n_conv,
                "n_residents_30_59": n30,
                "n_basic_education_30_59": n_basic,
                "n_non_western": n_nw,
            })
    return rows


def reference_rows() -> list[dict]:
    rows = []
    for i, year in enumerate(YEARS):
        rows.append({
            "year": year, "scope": "national", "indicator": "share_convicted_18plus",
            "value": NATIONAL_CONVICTED[i],
            "source": "Eksempeldata: illustrativ værdi; niveauet for 2016-2017 (0,73 %) svarer "
                      "til ministeriets '2,2 pct. = 3 x landsgennemsnittet' (2018)",
        })
        rows.append({
            "year": year, "scope": "Midtjylland", "indicator": "mean_gross_income_15_64",
            "value": REGION_INCOME[i],
            "source": "Eksempeldata: illustrativ værdi, ikke en officiel opgørelse",
        })
    return rows


def _write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    _write_csv(OUT / "indicators.csv", indicator_rows(), INDICATOR_COLUMNS)
    _write_csv(OUT / "references.csv", reference_rows(),
               ["year", "scope", "indicator", "value", "source"])
    _write_csv(OUT / "memberships.csv",
               [dict(zip(["area_id", "list_year", "category", "source"], m, strict=True))
                for m in MEMBERSHIPS],
               ["area_id", "list_year", "category", "source"])
    meta = {
        "is_example": True,
        "title": "Eksempeldata: de fem områder i Viborg Kommunes boligsociale helhedsplan "
                 "2021-2025",
        "note_da": "Indikatorværdierne og referenceværdierne er opdigtede til illustration og "
                   "er ikke reelle tal for områderne. Listemedlemskaberne er de offentliggjorte.",
        "note_en": "The indicator and reference values are invented for illustration and are "
                   "not real figures for the areas. The list memberships are the published "
                   "ones.",
        "data_years": [YEARS[0], YEARS[-1]],
        "generated_by": "tools/make_example_data.py",
        "memberships_scope": "Only the five areas; only list years and categories named in the "
                             "known list history. Houlkærvænget's status on the udsat lists "
                             "of 2019 and 2020 is not stated there.",
    }
    (OUT / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")


if __name__ == "__main__":
    main()
