"""The terminal summary: one language, singular and plural right, published beside computed."""

from __future__ import annotations

import pandas as pd
import pytest

import boligmonitor as bm
from boligmonitor.summary import summary_lines


@pytest.fixture(scope="module")
def example():
    return bm.example_data()


def test_the_danish_summary_speaks_danish_only(example):
    lines = summary_lines(example.assess(list_years=[2018, 2019]), is_example=True)
    head = "\n".join(lines[:6])
    assert "10 områdeår for 5 områder i listeårene 2018-2019 (regler: 2018)." in head
    assert "Lovens uafklarede punkter læses som standard" in head
    for english in ("rules", "options", "area-years", "point_in_time_lag", "=None"):
        assert english not in head, english


def test_one_area_is_singular(example):
    one = example.indicators[example.indicators["area_id"] == "viborg-houlkaervaenget"]
    result = bm.assess(one, example.references, example.memberships, list_years=[2018])
    da, en = summary_lines(result), summary_lines(result, lang="en")
    assert "1 områdeår for 1 område i listeårene 2018" in da[0]
    assert "2018: 1 område på en liste (Udsat boligområde 1)" in da[2]
    assert "1 area-year for 1 area in list years 2018" in en[0]
    assert "2018: 1 area listed" in en[2]


def test_readings_that_differ_from_the_defaults_are_named_in_words(example):
    result = example.assess(list_years=[2019], options=bm.Options(annual_lag=0))
    line = summary_lines(result)[1]
    assert line.startswith("Læsninger, der afviger fra standard:")
    assert "Sidste dataår for årlige kriterier" in line and ": 0" in line


def test_every_disagreement_with_a_published_list_is_a_finding(example):
    extra = pd.DataFrame([{"area_id": "viborg-vestervang", "list_year": 2023,
                           "category": "udsat_boligomraade", "status": "listed",
                           "coverage": "partial", "source": "test"}])
    memberships = pd.concat([example.memberships, extra], ignore_index=True)
    result = bm.assess(example.indicators, example.references, memberships, list_years=[2023])
    lines = summary_lines(result)
    assert "2023: 0 områder på en liste; sammenholdt med de offentliggjorte lister: 1, " \
           "afvigende: 1" in lines
    assert "1 afvigelse fra de offentliggjorte lister (et fund; den offentliggjorte liste står " \
           "ved magt):" in lines
    assert "  Vestervang 2023: beregnet Ikke på en liste, offentliggjort Udsat boligområde" in lines
    assert any("2023: Ikke på en liste (offentliggjort: Udsat boligområde)" in ln for ln in lines)


def test_the_jupyter_grid_marks_agreement_and_lists_every_difference(example):
    from boligmonitor.display import overview_html

    extra = pd.DataFrame([{"area_id": "viborg-vestervang", "list_year": 2023,
                           "category": "udsat_boligomraade", "status": "listed",
                           "coverage": "partial", "source": "test"}])
    memberships = pd.concat([example.memberships, extra], ignore_index=True)
    result = bm.assess(example.indicators, example.references, memberships)
    html = overview_html(result.areas)
    n_known = int(result.areas["agrees_with_published"].notna().sum())
    assert html.count(" ✓</td>") + html.count(" ≠</td>") == n_known
    assert html.count(" ≠</td>") == 1
    assert "offentliggjort: Udsat boligområde (afviger fra beregningen)" in html
    assert "<li>Vestervang 2023: beregnet Ikke på en liste, offentliggjort Udsat boligområde</li>" \
        in html
