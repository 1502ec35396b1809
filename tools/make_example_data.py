"""Write the bundled example dataset (src/boligmonitor/data/example/).

The indicator values are ILLUSTRATIVE, not real: no per-area figures for the five Viborg areas
are public. They are chosen to be plausible and consistent with the known list history
(Houlkærvænget a ghetto area in 2010 and 2011 by employment and crime, off in 2012, udsat in
2018-2021 and off in 2022; Ellekonebakken a ghetto area in 2018 only and udsat in 2019;
Klostervænget, Vestervang and Ringparken never listed), with a clear distance to every
threshold so the history does not hinge on rounding. They start in 2006, so that the 2010 rules'
four-year averages can feed the list of 2010. The list memberships, by contrast, are what public
sources say, and no more (see MEMBERSHIPS below and tests/data/published/README.md).

Run from the repository root: ``python tools/make_example_data.py``. Output is deterministic.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "boligmonitor" / "data" / "example"
YEARS = list(range(2006, 2026))

# Age structure of the residents (fractions of all residents), per area.
AREAS = {
    "viborg-ellekonebakken": {
        "area_name": "Ellekonebakken",
        "residents": [1098, 1105, 1112, 1120, 1127, 1134, 1140, 1152, 1160, 1171, 1165, 1158, 1149,
                      1137, 1128, 1120, 1116, 1109, 1104, 1098],
        "age": (0.60, 0.70, 0.37),
        # non-western share on 1 January: above 50 % from 2013 to 2018, below before and after
        "non_western": [.455, .461, .467, .473, .479, .485, .496, .508, .515, .521, .524, .522,
                        .512, .493, .478, .466, .455, .447, .44, .432],
        # outside work or education, 18-64, full-time share of the year
        "outside": [.438, .441, .444, .447, .449, .451, .452, .448, .446, .441, .436, .428, .414,
                    .368, .352, .341, .333, .318, .305, .296],
        # convicted 18+: between 3 x the national average and 2.7 % in 2014-2018
        "convicted": [.0215, .022, .0225, .023, .0235, .0238, .024, .025, .023, .024, .025, .024,
                      .023, .015, .011, .012, .011, .0105, .01, .0095],
        "basic": [.462, .46, .458, .456, .454, .452, .45, .452, .448, .446, .444, .44, .436, .431,
                  .428, .424, .42, .416, .412, .408],
        "income_ratio": [.59, .592, .594, .596, .597, .599, .6, .602, .605, .608, .604, .6, .606,
                         .63, .655, .668, .672, .676, .68, .684],
    },
    "viborg-klostervaenget": {
        "area_name": "Klostervænget",
        "residents": [648, 645, 642, 640, 638, 636, 634, 630, 628, 625, 622, 626, 631, 628, 624,
                      620, 618, 615, 612, 610],
        "age": (0.58, 0.74, 0.36),
        "non_western": [.108, .11, .112, .114, .115, .117, .118, .12, .121, .123, .124, .126, .127,
                        .128, .128, .129, .13, .131, .131, .132],
        "outside": [.281, .278, .275, .271, .268, .265, .262, .258, .255, .251, .247, .243, .24,
                    .236, .238, .234, .229, .226, .222, .22],
        "convicted": [.01, .0098, .0096, .0094, .0092, .0091, .009, .009, .0085, .0085, .0085, .008,
                      .008, .0075, .0075, .007, .007, .007, .0065, .0065],
        "basic": [.37, .367, .364, .361, .358, .355, .352, .35, .347, .344, .341, .338, .335, .332,
                  .329, .326, .323, .32, .317, .314],
        "income_ratio": [.74, .742, .744, .746, .748, .75, .752, .754, .756, .758, .76, .762, .764,
                         .766, .768, .77, .772, .774, .776, .778],
    },
    "viborg-houlkaervaenget": {
        "area_name": "Houlkærvænget",
        "residents": [1012, 1018, 1025, 1031, 1036, 1041, 1046, 1051, 1058, 1062, 1070, 1074, 1068,
                      1061, 1055, 1048, 1039, 1031, 1024, 1018],
        "age": (0.61, 0.73, 0.38),
        "non_western": [.21, .214, .218, .222, .226, .229, .231, .234, .236, .239, .242, .245, .246,
                        .247, .248, .249, .25, .251, .252, .253],
        "outside": [.492, .488, .484, .479, .474, .471, .468, .462, .458, .455, .45, .44, .43, .42,
                    .405, .37, .36, .35, .345, .335],
        "convicted": [.031, .03, .029, .028, .0275, .0215, .029, .029, .0295, .029, .0285, .0255,
                      .025, .025, .0245, .024, .024, .0235, .0235, .023],
        "basic": [.494, .492, .49, .488, .486, .484, .482, .48, .478, .476, .474, .472, .47, .468,
                  .466, .464, .462, .46, .458, .456],
        "income_ratio": [.575, .577, .579, .582, .584, .586, .588, .59, .592, .594, .596, .598, .6,
                         .602, .604, .606, .608, .61, .612, .614],
    },
    "viborg-vestervang": {
        "area_name": "Vestervang",
        "residents": [1280, 1277, 1274, 1271, 1268, 1265, 1262, 1258, 1255, 1251, 1249, 1246, 1244,
                      1240, 1238, 1236, 1233, 1230, 1228, 1226],
        "age": (0.62, 0.72, 0.37),
        "non_western": [.164, .166, .168, .17, .172, .174, .176, .178, .18, .182, .184, .186, .188,
                        .19, .192, .194, .196, .198, .2, .202],
        "outside": [.36, .362, .364, .366, .368, .37, .372, .375, .378, .381, .384, .386, .388, .39,
                    .388, .385, .383, .38, .378, .376],
        "convicted": [.019, .019, .0188, .0186, .0184, .0182, .018, .018, .0175, .0175, .017, .017,
                      .0165, .0165, .016, .016, .0155, .0155, .015, .015],
        "basic": [.531, .53, .529, .528, .527, .526, .525, .524, .523, .522, .521, .52, .519, .518,
                  .517, .516, .515, .514, .513, .512],
        "income_ratio": [.616, .618, .62, .622, .624, .626, .628, .63, .632, .634, .636, .638, .64,
                         .642, .644, .646, .648, .65, .652, .654],
    },
    "viborg-ringparken": {
        "area_name": "Ringparken",
        "residents": [462, 465, 468, 471, 474, 476, 478, 482, 485, 481, 476, 472, 469, 471, 474,
                      476, 473, 470, 468, 466],
        "age": (0.60, 0.72, 0.37),
        "non_western": [.262, .264, .266, .267, .268, .27, .271, .273, .275, .276, .278, .279, .28,
                        .281, .282, .283, .284, .285, .286, .287],
        "outside": [.432, .431, .43, .429, .428, .426, .425, .428, .426, .424, .422, .421, .419,
                    .418, .416, .414, .412, .41, .408, .406],
        "convicted": [.01, .01, .0098, .0098, .0096, .0096, .0095, .0095, .009, .009, .009, .0085,
                      .0085, .0085, .008, .008, .008, .0075, .0075, .0075],
        "basic": [.536, .538, .54, .542, .544, .546, .548, .55, .552, .554, .553, .552, .551, .55,
                  .549, .548, .547, .546, .545, .544],
        "income_ratio": [.606, .608, .61, .612, .614, .616, .618, .62, .622, .624, .626, .628, .63,
                         .632, .634, .636, .638, .64, .642, .644],
    },
}

# National share of residents 18+ convicted; 2016-2017 averages 0.73 %, the level implied by the
# ministry's 2018 note ("2,2 pct. = 3 x the national average").
NATIONAL_CONVICTED = [.0084, .0083, .0082, .0081, .008, .0079, .0078, .0077, .0076, .0075, .0074,
                      .0072, .0071, .007, .007, .0069, .0068, .0068, .0067, .0067]
# Mean gross income of taxable 15-64 excluding students, Region Midtjylland, DKK.
REGION_INCOME = [296_000, 303_000, 309_500, 313_000, 319_000, 325_000, 331_000, 337_000, 343_500,
                 350_000, 357_500, 366_000, 374_500, 382_000, 389_500, 401_000, 414_000, 426_500,
                 438_000, 449_500]

# What is known of the five areas' published list status, and no more (research notes with every
# source: tests/data/published/README.md). Every row is "partial": the file does not hold whole
# lists, so an area and year it does not mention is unknown. "none": the area is absent from the
# whole published list of a year in which that list was the only one; "not_listed": the area is
# absent from that year's whole published list of the category (udsat lists were not found whole).
ALL_FIVE = ("viborg-ellekonebakken", "viborg-klostervaenget", "viborg-houlkaervaenget",
            "viborg-vestervang", "viborg-ringparken")
SRC_2012 = ("Ghettolisten pr. 1. oktober 2012, hele listen (Folketinget, UUI alm. del spm. 550, "
            "bilag 1)")
SRC_2014_2016 = ("Ghettolisterne 2014-2016, genskabt fra listen 2017 og de offentliggjorte "
                 "ændringer (BT, DR, boligsocialnet)")
SRC_2017 = "Ghettolisten 1. december 2017, hele listen (Ritzau/DK Teknik og Miljø)"
SRC_2018 = ("Ghettolisten og listen over hårde ghettoområder 1. december 2018, genskabt (TV2 Fyn, "
            "ministeriets notat 1. december 2020)")
SRC_2019 = "Ghettolisten 1. december 2019, hele listen (Politiken)"
SRC_2020 = ("Ghettolisten og listen over hårde ghettoområder 1. december 2020, genskabt (TV2, "
            "ministeriets notat 1. december 2020)")
SRC_2021_2022 = ("Listerne over parallelsamfund og omdannelsesområder 2021-2022, genskabt "
                 "(TV2, CPH Post, dknyt)")
MEMBERSHIPS = [
    ("viborg-houlkaervaenget", 2010, "ghettoomraade", "listed",
     "Trap Danmark (Houlkærvænget): 'i årene 2010-11 på regeringens såkaldte ghettoliste'; "
     "beskæftigelses- og kriminalitetskriteriet (houlkaerportalen.dk)"),
    ("viborg-houlkaervaenget", 2011, "ghettoomraade", "listed",
     "Trap Danmark (Houlkærvænget): 'i årene 2010-11 på regeringens såkaldte ghettoliste'"),
    *[(a, 2012, "none", "listed", SRC_2012) for a in ALL_FIVE],
    *[(a, y, "none", "listed", SRC_2014_2016) for y in (2014, 2015, 2016) for a in ALL_FIVE],
    *[(a, 2017, "none", "listed", SRC_2017) for a in ALL_FIVE],
    ("viborg-houlkaervaenget", 2018, "udsat_boligomraade", "listed",
     "Trap Danmark (Houlkærvænget): på listen over udsatte boligområder 1. december 2018"),
    ("viborg-ellekonebakken", 2018, "ghettoomraade", "listed",
     "Ghettolisten 1. december 2018 (TV2 Fyn, DR, Ekstra Bladet)"),
    *[(a, 2018, "ghettoomraade", "not_listed", SRC_2018) for a in ALL_FIVE
      if a != "viborg-ellekonebakken"],
    *[(a, 2018, "haardt_ghettoomraade", "not_listed", SRC_2018) for a in ALL_FIVE],
    ("viborg-houlkaervaenget", 2019, "udsat_boligomraade", "listed",
     "Listen over udsatte boligområder 1. december 2019: ikke blandt de fem områder, der udgik "
     "(DR 1. december 2019); udledt"),
    ("viborg-ellekonebakken", 2019, "udsat_boligomraade", "listed",
     "Listen over udsatte boligområder 1. december 2019: udgik af ghettolisten, men forblev "
     "udsat (DR 1. december 2019)"),
    *[(a, 2019, "ghettoomraade", "not_listed", SRC_2019) for a in ALL_FIVE],
    *[(a, 2019, "haardt_ghettoomraade", "not_listed", SRC_2018) for a in ALL_FIVE],
    *[(a, 2020, c, "not_listed", SRC_2020) for a in ALL_FIVE
      for c in ("ghettoomraade", "haardt_ghettoomraade")],
    ("viborg-houlkaervaenget", 2021, "udsat_boligomraade", "listed",
     "Listen over udsatte boligområder 1. december 2021: udgik 1. december 2022 (CPH Post "
     "1. december 2022); udledt"),
    ("viborg-houlkaervaenget", 2022, "udsat_boligomraade", "not_listed",
     "Listen over udsatte boligområder 1. december 2022: Houlkærvænget udgik (CPH Post "
     "1. december 2022)"),
    *[(a, y, c, "not_listed", SRC_2021_2022) for y in (2021, 2022) for a in ALL_FIVE
      for c in ("parallelsamfund", "omdannelsesomraade")],
]
MEMBERSHIP_COLUMNS = ["area_id", "list_year", "category", "status", "coverage", "source"]

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
               [{"area_id": a, "list_year": y, "category": c, "status": st,
                 "coverage": "partial", "source": src} for a, y, c, st, src in MEMBERSHIPS],
               MEMBERSHIP_COLUMNS)
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
        "memberships_scope": "Only the five areas, and only what public sources say: listings, "
                             "absences from whole published lists ('none', 'not_listed'); "
                             "every row is 'partial', so whatever it does not mention is "
                             "unknown (e.g. every udsat list of 2020, every forebyggelse list, "
                             "the lists of 2013 and from 2023).",
    }
    (OUT / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")


if __name__ == "__main__":
    main()
