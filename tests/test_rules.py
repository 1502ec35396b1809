"""Rule files: the bundled regimes load and hold the law; malformed files are rejected loudly;
a user's edited copy is scored."""

from __future__ import annotations

import itertools
import re
import tomllib
from pathlib import Path

import pytest

from boligmonitor.criteria import assess
from boligmonitor.errors import RuleSetError
from boligmonitor.rules import (
    CRITERION_IDS,
    OPERATORS,
    available_rules,
    bundled_rule_paths,
    load_rules,
    rules_for_year,
)
from scenarios import builder

RULES_DIR = Path(__file__).parents[1] / "src" / "boligmonitor" / "rules"


def test_the_four_regimes_are_bundled():
    assert available_rules() == ("2010", "2013", "2018", "2021")


@pytest.mark.parametrize(
    ("list_year", "regime"),
    [
        (2010, "2010"),
        (2012, "2010"),
        (2013, "2013"),
        (2017, "2013"),
        (2018, "2018"),
        (2020, "2018"),
        (2021, "2021"),
        (2030, "2021"),
    ],
)
def test_the_regime_is_picked_from_the_list_year(list_year, regime):
    assert rules_for_year(list_year).id == regime


def test_a_list_year_before_the_first_list_has_no_rule_set():
    with pytest.raises(RuleSetError, match="no bundled rule set governs list year 2009"):
        rules_for_year(2009)


def test_the_2018_crime_criterion_is_at_least_3_times_the_national_average_over_2_years():
    crime = load_rules("2018").classification("udsat").criteria[1]
    assert (crime.id, crime.operator, crime.threshold, crime.reference, crime.window) == (
        "crime",
        "mindst",
        3.0,
        "national",
        2,
    )


def test_the_hard_ghetto_rule_asks_5_years_for_the_lists_of_2018_to_2020():
    hard = next(c for c in load_rules("2018").categories if c.id == "haardt_ghettoomraade")
    assert hard.consecutive is not None
    assert [hard.consecutive.years_for(y) for y in (2018, 2019, 2020, 2021)] == [5, 5, 5, 4]


def test_the_omdannelse_rule_counts_earlier_ghetto_lists_as_parallelsamfund():
    omd = next(c for c in load_rules("2021").categories if c.id == "omdannelsesomraade")
    assert omd.consecutive is not None
    assert omd.consecutive.years_for(2021) == 5
    assert "ghettoomraade" in omd.consecutive.counts_as


def test_the_2021_prevention_area_has_its_own_gate_and_thresholds():
    rules = load_rules("2021")
    gate = rules.classification("forebyggelse_gate").criteria[0]
    assert (gate.indicator, gate.operator, gate.threshold) == (
        "share_non_western",
        "overstiger",
        0.30,
    )
    thresholds = {c.id: c.threshold for c in rules.classification("forebyggelse").criteria}
    assert thresholds == {"employment": 0.30, "crime": 2.0, "education": 0.60, "income": 0.65}


# --- code health: every rule file ---------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_rule_file_loads_cites_its_law_and_uses_only_the_laws_words(path):
    rules = load_rules(path)
    assert rules.law and rules.min_residents_citation
    for cl, crit in rules.criteria():
        assert crit.citation.strip(), f"{path.name}: {cl.id}.{crit.id} has no citation"
        assert crit.operator in OPERATORS
        assert crit.id in CRITERION_IDS
    for cat in rules.categories:
        assert cat.citation.strip(), f"{path.name}: category {cat.id} has no citation"
    assert rules.primary_classification in {c.id for c in rules.classifications}


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_rule_file_is_named_after_its_id(path):
    raw = tomllib.loads(path.read_text("utf-8"))
    assert path.name == f"regime_{raw['id']}.toml"


def test_the_regimes_govern_consecutive_list_years_without_overlap():
    spans = [load_rules(r).list_years for r in available_rules()]
    for before, after in itertools.pairwise(spans):
        assert before.last is not None and before.last + 1 == after.first
    assert spans[-1].last is None


def test_no_threshold_literal_in_the_scoring_code():
    """Law is data: the scoring modules hold no share or multiplier of the law."""
    src = Path(__file__).parents[1] / "src" / "boligmonitor"
    law_numbers = re.compile(
        r"(?<![\w.])(0\.(27|3|30|4|40|5|50|55|6|60|65)|0\.027|1000|5000)(?![\w.])"
    )
    modules = [src / n for n in ("warning.py", "options.py", "formatting.py")]
    modules += sorted((src / "criteria").glob("*.py"))
    assert len(modules) > 5, "the scoring modules were not found"
    for path in modules:
        code = "\n".join(line.split("#")[0] for line in path.read_text().splitlines())
        assert not law_numbers.search(code), f"{path.name} holds a threshold literal"


# --- malformed files ----------------------------------------------------------------------------


def _edited(tmp_path: Path, regime: str, old: str, new: str) -> Path:
    text = bundled_rule_paths()[regime].read_text("utf-8")
    assert old in text, old
    path = tmp_path / "my_rules.toml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def test_an_unknown_operator_is_rejected_naming_file_key_and_allowed_words(tmp_path):
    path = _edited(
        tmp_path,
        "2018",
        'operator = "mindst"\nthreshold = 3.0',
        'operator = "at least"\nthreshold = 3.0',
    )
    with pytest.raises(RuleSetError) as exc:
        load_rules(path)
    msg = str(exc.value)
    assert str(path) in msg
    assert "classifications.udsat.criteria.crime.operator" in msg
    assert "'overstiger', 'mindst', 'mindre end'" in msg


def test_a_share_threshold_above_one_is_rejected(tmp_path):
    path = _edited(tmp_path, "2021", "threshold = 0.40", "threshold = 40")
    with pytest.raises(RuleSetError, match=r"criteria\.employment\.threshold.*out of range"):
        load_rules(path)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    path = _edited(tmp_path, "2013", 'reference = "regional"', 'reference = "municipal"')
    path.write_text(path.read_text("utf-8").replace("min_met = 3", "min_met = 6"), "utf-8")
    with pytest.raises(RuleSetError) as exc:
        load_rules(path)
    assert "2 problems" in str(exc.value)
    assert "'absolute', 'national', 'regional'" in str(exc.value)
    assert "an integer from 1 to 5" in str(exc.value)


def test_an_unknown_key_is_rejected(tmp_path):
    path = _edited(tmp_path, "2010", "min_met = 2", "min_met = 2\nminimum = 2")
    with pytest.raises(RuleSetError, match=r"classifications\.ghetto\.minimum.*unknown key"):
        load_rules(path)


def test_an_unknown_category_is_rejected(tmp_path):
    path = _edited(tmp_path, "2010", "[categories.ghettoomraade]", "[categories.ghetto_area]")
    with pytest.raises(RuleSetError, match="unknown category id"):
        load_rules(path)


def test_a_file_that_is_not_toml_is_rejected(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("id = ", "utf-8")
    with pytest.raises(RuleSetError, match="not valid TOML"):
        load_rules(path)


def test_a_missing_rule_set_names_the_bundled_ids():
    with pytest.raises(RuleSetError, match="2010, 2013, 2018, 2021"):
        load_rules("2016")


# --- a user's edited copy -----------------------------------------------------------------------


def test_an_edited_copy_without_the_ethnicity_gate_is_scored(tmp_path):
    """After C-417/23 a user may score 2022 with parallelsamfund = udsat alone."""
    path = _edited(
        tmp_path, "2021", 'all_of = ["udsat", "parallelsamfund_gate"]', 'all_of = ["udsat"]'
    )
    frame = builder.indicators(
        {"share_outside_work_education_18_64": 0.45, "share_basic_education_30_59": 0.65}
    )
    refs = builder.references()
    bundled = assess(frame, refs, list_years=[2022]).areas.iloc[0]
    edited = assess(frame, refs, list_years=[2022], rules=path).areas.iloc[0]
    assert bundled["category"] == "udsat_boligomraade"
    assert edited["is_parallelsamfund"]
    assert edited["rules"] == "2021"


def test_an_edited_threshold_changes_the_result(tmp_path):
    path = _edited(tmp_path, "2018", "threshold = 0.40", "threshold = 0.50")
    frame = builder.indicators({"share_outside_work_education_18_64": 0.45})
    crit = assess(frame, builder.references(), list_years=[2019], rules=path).criteria
    employment = crit[(crit["classification"] == "udsat") & (crit["criterion"] == "employment")]
    assert not employment["is_met"].iloc[0]
    assert employment["threshold"].iloc[0] == 0.50


def test_the_citations_use_the_statutes_word_and_the_verified_paragraphs():
    """The statute says "grundskoleuddannelse" (L 45 2013, LBK 1171/2024); omdannelse is § 61 a,
    stk. 4 and the area definition stk. 3 in the text in force; the 2018 area definition stands
    in bekendtgørelse nr. 1365 af 29. november 2018."""
    for rid in ("2013", "2018", "2021"):
        rules = load_rules(rid)
        for _cl, crit in rules.criteria():
            if crit.indicator == "share_basic_education_30_59":
                assert "grundskoleuddannelse" in crit.citation, (rid, crit.citation)
    r2021 = load_rules("2021")
    omdannelse = next(c for c in r2021.categories if c.id == "omdannelsesomraade")
    assert "stk. 4" in omdannelse.citation
    assert "stk. 3" in r2021.min_residents_citation
    assert "nr. 1365 af 29. november 2018" in load_rules("2018").min_residents_citation


def test_every_bundled_rule_file_explains_itself_in_both_languages():
    for rid in ("2010", "2013", "2018", "2021"):
        rules = load_rules(rid)
        assert rules.note_in("da") and rules.note_in("en")
        assert rules.note_in("da") != rules.note_in("en")
        # What could not be verified is said in the file itself.
        assert "verificeret" in rules.law or "ikke set" in rules.note_in("da"), rid
