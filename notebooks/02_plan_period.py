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
# **Data:** i en projektmappe projektets data, plan og mål (`boligmonitor.toml`); ellers
# eksempeldata (opdigtede tal) og eksemplets plan 2021-2025. Andre data via
# `BOLIGMONITOR_PROCESSED` eller `PROCESSED` herunder.

# %% tags=["parameters"]
PROCESSED = None
PLAN_PERIOD = None  # e.g. (2026, 2030); None: the project's plan, else the example's 2021-2025
LANG = None  # "da" or "en"; None: the project's language, else Danish

# %%
# %matplotlib inline
from IPython.display import display

import boligmonitor as bm
from boligmonitor import plots
from boligmonitor.display import target_progress_table, year_changes
from boligmonitor.notebook import workbench
from boligmonitor.targets import target_progress

wb = workbench(PROCESSED, lang=LANG, plan_period=PLAN_PERIOD)
data, LANG, PLAN_PERIOD = wb.data, wb.lang, wb.plan_period
print(data.example_note(LANG))
print(wb.plan_name, PLAN_PERIOD)
result = data.assess(rules=wb.rules)
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
# ## Helhedsplanens mål
# Planens egne mål (projektets `boligmonitor.toml`, `[[plan.targets]]`) holdt op mod de årlige
# værdier. De er bestyrelsens mål, ikke lovens: de står for sig, adskilt fra listekriterierne
# og deres grænser.

# %%
progress = target_progress(wb.targets, data.indicators, data.criterion_values, PLAN_PERIOD)
if len(progress):
    display(target_progress_table(progress, lang=LANG))
    for fig in plots.target_charts(wb.targets, data.indicators,
                                   criterion_values=data.criterion_values,
                                   plan_period=PLAN_PERIOD, lang=LANG,
                                   is_example=data.is_example).values():
        display(fig)
else:
    print(bm.label("target.none", LANG))

# %% [markdown]
# ## Hvad ændrede sig fra år til år?

# %%
changes = year_changes(result, lang=LANG)
first, last = PLAN_PERIOD
changes[changes[bm.label("column.list_year", LANG)].between(first, last)]
