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
# # 05 Udsigt: hvor er områderne på vej hen?
#
# Sandsynligheden for, at hvert område kommer på hver af de kommende lister (1. december), med
# helhedsplanens mål som scenarie ved siden af grundforløbet, indikatorerne fremskrevet mod
# grænserne med usikkerhed, og det omvendte spørgsmål: hvor meget skal en indikator forbedres,
# for at sandsynligheden for en liste kommer under et givet niveau? Metoden: docs/outlook.md.
#
# **Data:** eksempeldata (opdigtede tal) uden ændringer; jeres egne data via
# `BOLIGMONITOR_PROCESSED` eller `PROCESSED` herunder. Eksempeldataene er jævne, opdigtede
# kurver, så metoden melder (ærligt) at den ikke er kalibreret på dem.

# %% tags=["parameters"]
import os

PROCESSED = None
# A scenario as the plan might write it (the same format as docs/examples/
# helhedsplan_scenario.toml; area ids of the example data).
SCENARIO = """
name = "Helhedsplanen"

[[change]]
areas = ["viborg-ellekonebakken", "viborg-houlkaervaenget"]
indicator = "share_outside_work_education_18_64"
persons = -30
from_year = 2026

[[change]]
indicator = "share_convicted_18plus"
relative = -0.20
phase_in_from = 2026
from_year = 2027
"""
DRAWS = int(os.environ.get("BOLIGMONITOR_OUTLOOK_DRAWS", "1000"))
SEED = 0
TARGET = 0.02  # the example's areas are all below 10 % already
MIN_CELL = 5
LANG = "da"

# %%
# %matplotlib inline
import tomllib

import pandas as pd
from IPython.display import display

import boligmonitor as bm
from boligmonitor import plots
from boligmonitor.notebook import notebook_dataset
from boligmonitor.outlook import parse_scenario
from boligmonitor.outlook.publish import suppress_outlook, suppress_requirements

data = notebook_dataset(PROCESSED)
print(data.example_note(LANG))
scenario = parse_scenario(tomllib.loads(SCENARIO), "SCENARIO")
result = data.outlook(scenarios=[scenario], draws=DRAWS, seed=SEED)
# Disclosure control before anything is shown (docs/disclosure.md): observed small counts and
# the projections that start from them are gaps; the probabilities of an area and list year
# whose category would give a small count back read "diskretioneret".
shown = suppress_outlook(result, data.indicators, data.references, data.memberships, MIN_CELL)
years = list(result.list_years)
print(f"Listeår {years[0]}-{years[-1]}, {result.draws} fremskrivninger pr. område, frø {SEED}; "
      f"scenarie: {scenario.name}")

# %% [markdown]
# ## Kan vi stole på det?
# Hver udsigt kontrollerer sig selv på de data, den får, og bærer backtesten på kunstige
# områder med kendt fremtid. Hvor metoden ikke holder, står det her og i hver graf.

# %%
for line in result.notes(LANG):
    print(line)
result.calibration.intervals

# %% [markdown]
# ## Sandsynligheden for at komme på en liste

# %%
summary = shown.summary[shown.summary["scenario"] == bm.outlook.BASELINE]
summary.pivot(index="area_name", columns="list_year", values="probability_listed").round(3)

# %% [markdown]
# Diskretioneret før visning (`shown`): observerede værdier af små tal, og fremskrivninger der
# starter i dem, vises som huller; et områdes sandsynligheder for et listeår, hvis kategori
# ville afsløre et lille tal, vises ikke.

# %%
plots.plot_outlook_probabilities(shown, lang=LANG, is_example=data.is_example)

# %% [markdown]
# ## Helhedsplanen som scenarie

# %%
diff = shown.differences
any_list = diff[~diff["category"].isin(["none", "undetermined"])]
any_list.groupby(["area_name", "list_year"])["difference"].sum(min_count=1).unstack().round(3)

# %%
plots.plot_outlook_probabilities(shown, scenario=scenario.id, lang=LANG,
                                 is_example=data.is_example)

# %% [markdown]
# ## Indikatorerne fremskrevet mod grænserne
# Medianen og 50 %- og 80 %-intervallerne; grænserne flytter sig, hvor de regnes af
# landsgennemsnittet eller regionens indkomst.

# %%
for area_id in shown.summary["area_id"].drop_duplicates():
    display(plots.plot_outlook_area(shown, area_id, lang=LANG, is_example=data.is_example))

# %% [markdown]
# ## Hvad skal der til? (det omvendte spørgsmål)
# Hvor mange færre personer (eller hvor meget højere indkomst), fra det første kommende dataår,
# før sandsynligheden for en liste i det sidste listeår er under `TARGET`?

# %%
needed = data.required_change(list_year=years[-1], target=TARGET, draws=DRAWS, seed=SEED)
needed = suppress_requirements(needed, data.indicators, MIN_CELL)
pd.set_option("display.width", 140)
needed[needed["baseline_probability"] > TARGET][
    ["area_name", "indicator", "baseline_probability", "change", "unit", "probability",
     "is_reachable", "is_calibrated"]]
