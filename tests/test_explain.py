"""The plain-language explanations: texts pinned byte for byte, and the number formatting.

The digests below were taken from the explanations as built before the explanations were
vectorised with Arrow (per-row object arrays and ``np.char.mod``); a change of any text in any
row changes them. A deliberate change of wording (labels.toml) means taking new digests, after
reading the new texts.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import boligmonitor
from boligmonitor.criteria import assess
from boligmonitor.explain import number
from boligmonitor.schemas import REGIONS

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
    for col in list(data)[5:10]:
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


@pytest.fixture(scope="module")
def panel_areas():
    return assess(*_panel()).areas


@pytest.fixture(scope="module")
def list_value_areas():
    return assess(criterion_values=_criterion_values()).areas


# --- pinned texts -------------------------------------------------------------------------------

PINNED = {
    ("example", "da"): "82ed7e64472400081e2af41c3f2137bc0c29aa5f606c375bac4176b6ad64f68f",
    ("example", "en"): "84517ea2f5305e1e61aec4036e58c444f71ab5fd284e8edde41d213faef7602e",
    ("panel", "da"): "b8b8b76f653ebf60c2a848349862a1c7a26f0051e422383d90ecd4a1ef4277f5",
    ("panel", "en"): "a01aa2f9253f2463a83931125b87cde51d2360b407ef2fb08c3988f0e9baedcc",
    ("list_values", "da"): "c6432c8fd32e368e0d31d1c47fc341c0f5b42667850f84c447d48f898dc3598d",
    ("list_values", "en"): "3ac1b777a84494c55d6330cd086867b72d1f548a1bf7856eb951cb3a0b51eb9c",
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
            assert text.str.contains(boligmonitor.label(f"explanation.{key}", lang)).any()
        for key in ("times_national", "of_regional"):
            assert text.str.contains(boligmonitor.label(f"explanation.{key}", lang)).any()
        assert text.str.contains(boligmonitor.label("text.missing", lang)).any()
    assert (both["n_criteria_unknown"] > 0).any()


EXAMPLE_TEXTS = {
    ("Ellekonebakken", 2012, "da"): (
        "Ellekonebakken opfylder 1 af 3 kriterier for ghettoområde: Indvandrere og efterkommere "
        "fra ikke-vestlige lande 53,0 % (grænse: over 50,0 %; opfyldt); Uden for arbejde eller "
        "uddannelse (18-64 år) mangler (grænse: over 40,0 %; ukendt); Dømte for kriminalitet (18 "
        "år+) mangler (grænse: over 2,70 %; ukendt). Kategori: Uafklaret. 2 kriterier kan ikke "
        "beregnes."
    ),
    ("Vestervang", 2025, "en"): (
        "Vestervang meets 0 of 4 criteria for vulnerable housing area: Outside work or education "
        "(18-64) 37.9 % (line: above 40.0 %; not met); Convicted of crime (18+) 2.26 × the "
        "national average (line: at least 3.00 × the national average; not met); Basic schooling "
        "only (30-59) 51.3 % (line: above 60.0 %; not met); Mean gross income (15-64) 65.2 % of "
        "the regional mean (line: below 55.0 % of the regional mean; not met). Non-western "
        "immigrants and descendants 20.2 % (line: above 50.0 %; not met). Vestervang meets 2 of 4"
        " criteria for prevention area. Non-western immigrants and descendants 20.2 % (line: "
        "above 30.0 %; not met). Category: Not listed."
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


def _printf(values: np.ndarray, decimals: int, lang: str, suffix: str) -> list[str]:
    """The reference reading: C printf rounding of the exact binary value."""
    out = []
    # An infinite value (a zero reference) reads as the largest float, as it always has.
    for v in np.nan_to_num(values, nan=np.nan):
        if np.isnan(v):
            out.append(boligmonitor.label("text.missing", lang))
            continue
        txt = f"%.{decimals}f" % v
        out.append((txt.replace(".", ",") if lang == "da" else txt) + suffix)
    return out


@pytest.mark.parametrize("decimals", [0, 1, 2])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_numbers_round_like_printf_even_on_ties(decimals, lang):
    rng = np.random.default_rng(decimals)
    ties = np.array([0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 1.005, 0.045, 1e-9, 99.95, 99.949999])
    values = np.concatenate(
        [
            ties,
            ties * 100,
            rng.uniform(0, 100, 2000),
            np.round(rng.uniform(0, 100, 2000), decimals + 1),
            rng.uniform(100000, 500000, 500),
            [np.nan, 0.0, -0.0, -0.04, -1.5, -123.456, 1e15, 1e20, np.inf, -np.inf],
        ]
    )
    got = number(values, decimals, lang, " %")
    assert [str(t) for t in got] == _printf(values, decimals, lang, " %")


def test_a_missing_number_reads_as_missing_without_its_unit():
    got = number(np.array([np.nan, 0.25]), 1, "da", " kr.")
    assert [str(t) for t in got] == ["mangler", "0,2 kr."]
