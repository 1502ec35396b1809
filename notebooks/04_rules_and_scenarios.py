# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# ruff: noqa: E402, B018

# %% [markdown]
# # 04 Regelsæt og scenarier
#
# De samme data scoret under reglerne fra 2018 og 2021 og under en redigeret kopi af en
# regelfil (her: 2021-reglerne uden kriteriet om ikke-vestlig baggrund, som EU-Domstolen har
# sat spørgsmålstegn ved i C-417/23).
#
# **Data:** i en projektmappe projektets data (`boligmonitor.toml`); ellers eksempeldata
# (opdigtede tal). Andre data via `BOLIGMONITOR_PROCESSED` eller `PROCESSED` herunder.

# %% tags=["parameters"]
import tempfile
from pathlib import Path

PROCESSED = None
LIST_YEARS = None  # None: every list year from 2018 the data allows
SCENARIO_DIR = Path(tempfile.mkdtemp(prefix="boligmonitor-rules-"))
LANG = None  # None: the project's language, else Danish

# %%
# %matplotlib inline
import pandas as pd

import boligmonitor as bm
from boligmonitor import plots
from boligmonitor.notebook import workbench
from boligmonitor.rules import bundled_rule_paths

wb = workbench(PROCESSED, lang=LANG)
data, LANG = wb.data, wb.lang
print(data.example_note(LANG))
base = data.assess()
years = LIST_YEARS or [y for y in sorted(base.areas["list_year"].unique()) if y >= 2018]

# %% [markdown]
# ## De bundne regelsæt

# %%
for rid in ("2018", "2021"):
    rules = bm.load_rules(rid)
    print(f"{rid}: {rules.name_da} (listeår {rules.list_years})")
    for cl, crit in rules.criteria():
        print(f"   {cl.id:22} {crit.id:12} {crit.operator:10} {crit.threshold} ({crit.reference})")

# %% [markdown]
# ## En redigeret kopi af 2021-reglerne
# Regelsæt er data: kopier filen, ret den, og scor med stien. Her fjernes porten om
# ikke-vestlig baggrund, så et udsat boligområde aldrig bliver parallelsamfund.

# %%
text = bundled_rule_paths()["2021"].read_text(encoding="utf-8")
edited = text.replace('id = "2021"', 'id = "2021-uden-etnicitet"').replace(
    "[classifications.parallelsamfund_gate.criteria.non_western]\n"
    'indicator = "share_non_western"\n'
    'operator = "overstiger"\n'
    "threshold = 0.50",
    "[classifications.parallelsamfund_gate.criteria.non_western]\n"
    'indicator = "share_non_western"\n'
    'operator = "overstiger"\n'
    "threshold = 1.00",
)
assert edited != text, "the rule file changed shape: edit the scenario by hand"
scenario_path = SCENARIO_DIR / "regime_2021_uden_etnicitet.toml"
scenario_path.write_text(edited, encoding="utf-8")
scenario = bm.load_rules(scenario_path)
scenario.id

# %% [markdown]
# ## De samme data under tre regelsæt

# %%
runs = {rid: data.assess(list_years=years, rules=rules)
        for rid, rules in (("2018", "2018"), ("2021", "2021"), (scenario.id, scenario))}
table = pd.concat(
    {rid: r.areas.set_index(["area_name", "list_year"])["category"].astype(str)
     for rid, r in runs.items()}, axis=1)
table.map(lambda c: bm.label(f"category.{c}", LANG))

# %% [markdown]
# Hvor giver regelsættene forskellige kategorier?

# %%
differs = table.nunique(axis=1) > 1
table[differs].map(lambda c: bm.label(f"category.{c}", LANG))

# %% [markdown]
# Overblik under scenariet:

# %%
plots.plot_overview(runs[scenario.id], lang=LANG, is_example=data.is_example)
