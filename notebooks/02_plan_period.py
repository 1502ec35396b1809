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
# # 02 Planperioden: hvert områdes udvikling mod grænserne
#
# Hvert kriterium for alle områder over listeårene, med helhedsplanens periode skraveret og
# grænsen fra hvert års regelsæt. Til sidst: hvad ændrede sig fra år til år.
#
# **Data:** eksempeldata (opdigtede tal) uden ændringer; jeres egne data via
# `BOLIGMONITOR_PROCESSED` eller `PROCESSED` herunder.

# %% tags=["parameters"]
PROCESSED = None
PLAN_PERIOD = (2021, 2025)
LANG = "da"

# %%
# %matplotlib inline
from IPython.display import display

import boligmonitor as bm
from boligmonitor import plots
from boligmonitor.display import year_changes
from boligmonitor.notebook import notebook_dataset

data = notebook_dataset(PROCESSED)
print(data.example_note(LANG))
result = data.assess()
result.rules

# %% [markdown]
# ## Overblik: kategori pr. område og listeår

# %%
plots.plot_overview(result, plan_period=PLAN_PERIOD, lang=LANG, is_example=data.is_example)

# %% [markdown]
# ## Hvert kriterium mod grænsen
# Den skraverede side af grænsen er den side, hvor kriteriet er opfyldt. Stiplede lodrette
# linjer markerer et nyt regelsæt; relative grænser (kriminalitet, indkomst) flytter sig med
# landsgennemsnittet og regionens gennemsnit.

# %%
for criterion in plots.CRITERION_ORDER:
    display(plots.plot_trend(result, criterion, plan_period=PLAN_PERIOD, lang=LANG,
                             is_example=data.is_example))

# %% [markdown]
# ## Hvad ændrede sig fra år til år?

# %%
changes = year_changes(result, lang=LANG)
first, last = PLAN_PERIOD
changes[changes[bm.label("column.list_year", LANG)].between(first, last)]
