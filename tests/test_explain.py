"""The plain-language explanations: what they must say, texts pinned byte for byte, and the
numbers they show.

The digests below pin every text of three samples; a change of any text in any row changes
them. A deliberate change of wording (labels.toml) or of formatting means taking new digests,
after reading the new texts (they were last taken when the explanations learned to show the
decimals that separate a value from its line, to name every list's criteria and to say the
published status; the panel's again when an undetermined category whose range excludes the
published one became a disagreement: 11 of its 5,600 texts changed, each only from "kan ikke
sammenlignes med beregningen" to "afviger fra beregningen").
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

import boligmonitor
from boligmonitor import formatting
from boligmonitor.criteria import assess
from boligmonitor.schemas import REGIONS
from scenarios import builder

# Values that sit exactly on (or one binary step from) a rounding tie, and thresholds of the law.
EDGE_SHARES = (0.0, 0.125, 0.0125, 0.00125, 0.4, 0.40049999999999997, 0.5, 0.6, 0.027, 0.0265)
EDGE_INCOMES = (0.5, 150000.5, 165000.0, 164999.49999999997, 299999.5)


def _panel(n_areas: int = 400, first_year: int = 2004, n_years: int = 20, seed: int = 7):
    """Indicators and references with missing values, tiny areas and values on rounding ties."""
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, first_year + n_years)
    area = np.repeat(np.arange(n_areas), n_years)
    n = len(area)
    ids = np.array([f"A{i:04d}" for i in range(n_areas)], dtype=object)
    names = np.array([f"Ærøvej {i}" if i % 3 else f"Område {i}" for i in range(n_areas)], object)
    regions = np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), n_areas)]
    data = {
        "area_id": ids[area],
        "area_name": names[area],
        "municipality": "Kommune",
        "region": regions[area],
        "year": np.tile(years, n_areas).astype(np.int64),
        "residents": rng.choice([400.0, 999.0, 1000.0, 2500.0, 6000.0], n),
        "share_non_western": rng.uniform(0, 0.8, n),
        "share_outside_work_education_18_64": rng.uniform(0.1, 0.6, n),
        "share_convicted_18plus": rng.uniform(0, 0.04, n),
        "share_basic_education_30_59": rng.uniform(0.2, 0.8, n),
        "mean_gross_income_15_64": rng.uniform(120000, 400000, n),
        "n_residents_18_64": rng.integers(300, 4000, n).astype(float),
        "n_residents_18plus": rng.integers(400, 5000, n).astype(float),
        "n_residents_30_59": rng.integers(200, 3000, n).astype(float),
    }
    for col in list(data)[6:11]:  # the five indicators (not the residents)
        edges = EDGE_INCOMES if col.startswith("mean") else EDGE_SHARES
        on_edge = rng.random(n) < 0.2
        data[col][on_edge] = rng.choice(edges, int(on_edge.sum()))
        data[col][rng.random(n) < 0.03] = np.nan
    indicators = pd.DataFrame(data)
    refs = pd.DataFrame(
        [
            {
                "year": int(y),
                "scope": "national",
                "indicator": "share_convicted_18plus",
                "value": 0.0073,
                "source": "synthetic",
            }
            for y in years
            if y != first_year + 10  # a year without the national reference
        ]
        + [
            {
                "year": int(y),
                "scope": r,
                "indicator": "mean_gross_income_15_64",
                "value": 300000.0,
                "source": "synthetic",
            }
            for y in years
            for r in REGIONS
        ]
    )
    return indicators, refs


def _criterion_values(seed: int = 3) -> pd.DataFrame:
    """Layout (b): list values for every regime, with ties and missing values."""
    rng = np.random.default_rng(seed)
    list_years = np.arange(2011, 2026)
    n_areas = 30
    n = n_areas * len(list_years)
    frame = pd.DataFrame(
        {
            "area_id": np.repeat([f"B{i}" for i in range(n_areas)], len(list_years)),
            "area_name": np.repeat([f"Blok {i}" for i in range(n_areas)], len(list_years)),
            "municipality": "Viborg",
            "region": "Midtjylland",
            "list_year": np.tile(list_years, n_areas).astype(np.int64),
            "residents": rng.choice([800.0, 1000.0, 1200.0, np.nan], n),
            "share_non_western": rng.choice([0.2, 0.5, 0.50049, 0.6, np.nan], n),
            "share_outside_work_education_18_64": rng.uniform(0.1, 0.6, n),
            "convicted_ratio_to_national": rng.choice([1.0, 2.0, 2.005, 3.0, 3.125, np.nan], n),
            "share_basic_education_30_59": rng.uniform(0.2, 0.8, n),
            "income_ratio_to_region": rng.choice([0.55, 0.5505, 0.5, 0.6, np.nan], n),
        }
    )
    return frame


def _digest(areas: pd.DataFrame, lang: str) -> str:
    text = "\n".join(areas[f"explanation_{lang}"].tolist())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def example_areas(example):
    return assess(example.indicators, example.references, example.memberships).areas


def _panel_memberships() -> pd.DataFrame:
    """Whole published lists of 2019 and 2022 naming every seventh area: agreements and
    disagreements with the computed categories."""
    rows = [{"area_id": f"A{i:04d}", "list_year": y, "category": "udsat_boligomraade",
             "source": "synthetic"} for y in (2019, 2022) for i in range(0, 400, 7)]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def panel_areas():
    return assess(*_panel(), _panel_memberships()).areas


@pytest.fixture(scope="module")
def list_value_areas():
    return assess(criterion_values=_criterion_values()).areas


# --- pinned texts -------------------------------------------------------------------------------

PINNED = {
    ("example", "da"): "619cb873211edd0cf628d03de183e21e29202f21dd4e430d0b05e3d8a88bbb62",
    ("example", "en"): "48296fcc1637dc3da728d14f221d7f74fa7a99bf91550199cb362d4a278f89a3",
    ("panel", "da"): "479acf6598819acd5fa2bee36114a951e21f750e115a9c0f2307334077d807d1",
    ("panel", "en"): "3d05ee3c11e958ce3dbc8bda5894fcb906a849b98ea97261da94a34f0269c7ea",
    ("list_values", "da"): "303b40cd44d4c97471e34ebe4aad31510ced7d40f7dcb47c07642c934104a554",
    ("list_values", "en"): "1fc6cf1db641ccd135ec4c8f90d9605eeaff30050668b89476334261daf443f1",
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_explanations_of_the_example_data_are_unchanged(example_areas, lang):
    assert _digest(example_areas, lang) == PINNED[("example", lang)]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_explanations_of_a_panel_with_gaps_and_ties_are_unchanged(panel_areas, lang):
    assert _digest(panel_areas, lang) == PINNED[("panel", lang)]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_explanations_of_list_values_are_unchanged(list_value_areas, lang):
    assert _digest(list_value_areas, lang) == PINNED[("list_values", lang)]


def test_the_samples_cover_every_regime_and_every_kind_of_sentence(
    example_areas, panel_areas, list_value_areas
):
    """The digests above only pin what the samples hold: check that they hold enough."""
    both = pd.concat([example_areas, panel_areas, list_value_areas], ignore_index=True)
    assert set(both["rules"].astype(str)) == {"2010", "2013", "2018", "2021"}
    for lang in ("da", "en"):
        text = both[f"explanation_{lang}"]
        for key in ("not_listable", "listability_unknown"):
            head = boligmonitor.label(f"explanation.{key}", lang).split("{")[0]
            assert text.str.contains(head, regex=False).any(), key
        for key in ("of_regional_mean", "agrees", "differs", "criteria_unknown_one"):
            assert text.str.contains(boligmonitor.label(f"explanation.{key}", lang),
                                     regex=False).any(), key
        for key in ("national_line", "national_ratio", "gate_for", "run", "run_missing",
                    "category_range", "category_upto", "if_listable", "published"):
            head = boligmonitor.label(f"explanation.{key}", lang).split("{")[1].split("}")[1]
            assert text.str.contains(head, regex=False).any(), key
        assert text.str.contains(boligmonitor.label("text.missing", lang)).any()
    assert (both["n_criteria_unknown"] > 0).any()


EXAMPLE_TEXTS = {
    ("Ellekonebakken", 2012, "da"): (
        'Ellekonebakken opfylder 1 af 3 kriterier for ghettoområde: Indvandrere og efterkommere '
        'fra ikke-vestlige lande 49,6 pct. (grænse: over 50,0 pct.; ikke opfyldt); Uden for '
        'arbejde eller uddannelse (18-64 år) 44,8 pct. (grænse: over 40,0 pct.; opfyldt); Dømte '
        'for kriminalitet (18 år+) 2,35 pct. (grænse: over 2,70 pct.; ikke opfyldt). Kategori: '
        'Ikke på en liste. Offentliggjort liste: ikke på en liste; stemmer med beregningen.'
    ),
    ("Vestervang", 2025, "en"): (
        'Vestervang meets 0 of 4 criteria for vulnerable housing area: Outside work or education '
        '(18-64) 37.9% (line: above 40.0%; not met); Convicted of crime (18+) 1.53% (line: at '
        'least 3 × the national average = 2.02%; not met); Basic schooling only (30-59) 51.3% '
        '(line: above 60.0%; not met); Mean gross income (15-64) 65.2% of the regional mean '
        '(line: below 55.0% of the regional mean; not met). Non-western immigrants and '
        'descendants 20.2% (line: above 50.0%; not met) – a condition for parallel society. '
        'Vestervang meets 2 of 4 criteria for prevention area: Outside work or education (18-64) '
        '37.9% (line: above 30.0%; met); Convicted of crime (18+) 1.53% (line: at least 2 × the '
        'national average = 1.35%; met); Basic schooling only (30-59) 51.3% (line: above 60.0%; '
        'not met); Mean gross income (15-64) 65.2% of the regional mean (line: below 65.0% of the'
        ' regional mean; not met). Non-western immigrants and descendants 20.2% (line: above '
        '30.0%; not met) – a condition for prevention area. Category: Not listed.'
    ),
}


@pytest.mark.parametrize("key", list(EXAMPLE_TEXTS))
def test_an_example_explanation_reads_in_full(example_areas, key):
    name, year, lang = key
    row = example_areas[(example_areas["area_name"] == name) & (example_areas["list_year"] == year)]
    assert row[f"explanation_{lang}"].tolist() == [EXAMPLE_TEXTS[key]]


def test_the_explanations_are_text_columns_without_gaps(example_areas, panel_areas):
    for areas in (example_areas, panel_areas):
        for lang in ("da", "en"):
            col = areas[f"explanation_{lang}"]
            assert col.dtype == "str"
            assert col.notna().all()


def test_without_explain_there_are_no_explanation_columns(example):
    areas = assess(example.indicators, example.references, explain=False).areas
    assert not any(c.startswith("explanation_") for c in areas.columns)


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("decimals", [0, 1, 2])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_many_numbers_read_exactly_as_one_number_does_even_on_ties(decimals, lang):
    rng = np.random.default_rng(decimals)
    ties = np.array([0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 1.005, 1.015, 0.045, 0.45, 1e-9, 99.95,
                     99.949999])
    values = np.concatenate(
        [
            ties,
            ties * 100,
            rng.uniform(0, 100, 2000),
            np.round(rng.uniform(0, 100, 2000), decimals + 1),
            rng.uniform(100000, 500000, 500),
            [np.nan, 0.0, -0.0, -0.04, -1.5, -123.456, 1e15, 1e20],
        ]
    )
    got = formatting.numbers_text(values, decimals, lang, " kr.", missing="mangler")
    want = [("mangler" if np.isnan(v) else formatting.number(v, decimals, lang) + " kr.")
            for v in values]
    assert got.to_pylist() == want


def test_thousands_are_grouped_in_each_language():
    assert formatting.numbers_text(np.array([1234567.5]), 1, "da").to_pylist() == ["1.234.567,5"]
    assert formatting.numbers_text(np.array([1234567.5]), 1, "en").to_pylist() == ["1,234,567.5"]


# --- what an explanation must say (issue 9, point 7) ---------------------------------------------

_FRAGMENT = re.compile(
    r"(?P<value>[−\d.,]+|mangler) (?P<unit>pct\.(?: af regionens gennemsnit)?|×) \(grænse: "
    r"(?P<op>over|mindst|under) (?:[\d,]+ × landsgennemsnittet = )?"
    r"(?P<line>[−\d.,]+|mangler)(?: (?:pct\.(?: af regionens gennemsnit)?|×))?; "
    r"(?P<status>opfyldt|ikke opfyldt|ukendt)\)"
)


def test_a_rounded_value_never_looks_equal_to_its_line_when_the_comparison_says_otherwise(
        panel_areas, list_value_areas, example_areas):
    """"40,0 pct. (grænse: over 40,0 pct.; opfyldt)" must not occur: where value and line read
    the same, the status is what equality gives (over/under: not met; mindst: met)."""
    seen_equal = 0
    n = 0
    for areas in (panel_areas, list_value_areas, example_areas):
        for text in areas["explanation_da"]:
            for m in _FRAGMENT.finditer(text):
                n += 1
                if m["value"] != m["line"] or m["status"] == "ukendt":
                    continue
                seen_equal += 1
                want = "opfyldt" if m["op"] == "mindst" else "ikke opfyldt"
                assert m["status"] == want, m.group(0)
    assert n > 10_000, "the pattern no longer finds the criterion fragments"
    assert seen_equal > 0, "the samples no longer hold values exactly on a line"


def test_a_value_a_hair_above_its_line_shows_the_decimals_that_say_so():
    ind = builder.indicators({"share_outside_work_education_18_64": 0.40004,
                              "share_basic_education_30_59": 0.65})
    text = assess(ind, builder.references(), list_years=[2022]).areas["explanation_da"].iloc[0]
    assert "40,004 pct. (grænse: over 40,000 pct.; opfyldt)" in text
    below = builder.indicators({"share_convicted_18plus": 0.021899})
    text = assess(below, builder.references(), list_years=[2022]).areas["explanation_da"].iloc[0]
    assert "2,1899 pct. (grænse: mindst 3 × landsgennemsnittet = 2,1900 pct.; ikke opfyldt)" \
        in text


def test_the_criteria_of_a_forebyggelsesomraade_are_named_and_each_gate_says_what_it_gates():
    ind = builder.indicators({"share_outside_work_education_18_64": 0.35,
                              "mean_gross_income_15_64": 180000, "share_non_western": 0.35})
    text = assess(ind, builder.references(), list_years=[2022]).areas["explanation_da"].iloc[0]
    assert "opfylder 2 af 4 kriterier for forebyggelsesområde: Uden for arbejde" in text
    assert "(grænse: over 30,0 pct.; opfyldt)" in text
    assert "(grænse: over 50,0 pct.; ikke opfyldt) – betingelse for parallelsamfund." in text
    assert "(grænse: over 30,0 pct.; opfyldt) – betingelse for forebyggelsesområde." in text
    assert text.endswith("Kategori: Forebyggelsesområde.")


def test_a_consecutive_years_count_is_explained():
    ind = builder.indicators({"share_outside_work_education_18_64": 0.45,
                              "share_basic_education_30_59": 0.65,
                              "share_non_western": {"2019": 0.4, "2020": 0.6, "2021": 0.6,
                                                    "2022": 0.6}})
    areas = assess(ind, builder.references(), list_years=[2022]).areas
    assert "Parallelsamfund 3. år i træk; omdannelsesområde efter 5 år i træk." in \
        areas["explanation_da"].iloc[0]
    assert "Parallel society for year 3 in a row; transformation area after 5 years in a row." \
        in areas["explanation_en"].iloc[0]


def test_an_undetermined_category_says_its_range_and_which_years_are_missing():
    ind = builder.indicators({"share_outside_work_education_18_64": 0.45,
                              "share_basic_education_30_59": 0.65,
                              "share_non_western": {str(y): "missing" for y in range(2014, 2018)}
                              | {"2018": 0.6}})
    text = assess(ind, builder.references(), list_years=[2018]).areas["explanation_da"].iloc[0]
    assert ("hårdt ghettoområde kræver 5 år i træk, og listestatus for 2014-2017 mangler."
            in text)
    assert "Kategori: uafklaret (mindst ghettoområde, højst hårdt ghettoområde)." in text


@pytest.mark.parametrize(("missing", "words"), [
    ({"share_convicted_18plus": "missing"}, ("1 kriterium kan ikke beregnes",
                                             "1 criterion cannot be computed")),
    ({"share_convicted_18plus": "missing", "share_basic_education_30_59": "missing"},
     ("2 kriterier kan ikke beregnes", "2 criteria cannot be computed")),
])
def test_singular_and_plural_are_right(missing, words):
    areas = assess(builder.indicators(missing), builder.references(), list_years=[2022]).areas
    assert words[0] in areas["explanation_da"].iloc[0]
    assert words[1] in areas["explanation_en"].iloc[0]


def test_a_small_area_is_told_what_it_would_be_at_1000_residents():
    ind = builder.indicators({"residents": 800, "share_outside_work_education_18_64": 0.45,
                              "share_basic_education_30_59": 0.65})
    text = assess(ind, builder.references(), list_years=[2022]).areas["explanation_da"].iloc[0]
    assert "Kategori: Ikke på en liste. Under 1.000 beboere 1. januar: kan ikke komme på en " \
        "liste og har derfor ingen kategori. Med mindst 1.000 beboere ville det være: udsat " \
        "boligområde." in text


def test_the_published_list_and_the_agreement_are_said(example_areas):
    rows = example_areas.set_index(["area_name", "list_year"])
    assert rows.loc[("Houlkærvænget", 2010), "explanation_da"].endswith(
        "Offentliggjort liste: ghettoområde; stemmer med beregningen.")
    ind = builder.indicators({"share_outside_work_education_18_64": 0.45})
    pub = builder.memberships([{"list_year": 2021, "category": "udsat_boligomraade",
                                "areas": ["X"]}])
    text = assess(ind, builder.references(), pub, list_years=[2021]).areas["explanation_en"]
    assert text.iloc[0].endswith("Published list: vulnerable housing area; differs from the "
                                 "computation.")
