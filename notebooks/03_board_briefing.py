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

# ruff: noqa: E402

# %% [markdown]
# # 03 Bestyrelsens briefing: diagrammerne som filer til slides
#
# Alle bestyrelsens diagrammer for det seneste listeår, skrevet som PNG (300 dpi), SVG og
# PDF i `OUT`. Små tal diskretioneres (under `MIN_CELL` personer) og vises som huller.
#
# **Data:** eksempeldata (opdigtede tal, og hvert diagram siger "Eksempeldata") uden
# ændringer; jeres egne data via `BOLIGMONITOR_PROCESSED` eller `PROCESSED` herunder.

# %% tags=["parameters"]
import os

PROCESSED = None
OUT = os.environ.get("BOLIGMONITOR_FIGURES", "figures/board")
FORMATS = tuple(os.environ.get("BOLIGMONITOR_FIGURE_FORMATS", "png,svg,pdf").split(","))
DPI = int(os.environ.get("BOLIGMONITOR_FIGURE_DPI", "300"))
MIN_CELL = 5
LANG = "da"

# %%
# %matplotlib inline
from IPython.display import display

from boligmonitor import plots
from boligmonitor.io.figures import save_figures
from boligmonitor.notebook import notebook_dataset

data = notebook_dataset(PROCESSED)
print(data.example_note(LANG))
result = data.assess()
year = int(result.areas["list_year"].max())
warning = None
if data.indicators is not None:
    warning = data.early_warning(year)

# %% [markdown]
# Diskretionering før visning, også af den tidlige varsling: kategorierne og om et kriterium
# er opfyldt bevares.

# %%
shown, indicators = plots.suppress_for_charts(result, data.indicators, MIN_CELL)
warning = plots.suppress_warning_for_charts(warning, data.indicators, MIN_CELL)
figures = plots.board_charts(shown, indicators=indicators, warning=warning, list_year=year,
                             lang=LANG, is_example=data.is_example)
sorted(figures)

# %% [markdown]
# Et udvalg til første slide:

# %%
figures["overview"]

# %%
figures[f"margins_{year}"]

# %%
if warning is not None:
    display(figures[f"early_warning_{warning.list_year}"])

# %% [markdown]
# ## Filerne

# %%
paths = save_figures(figures, OUT, FORMATS, dpi=DPI)
print(f"{len(paths)} filer i {OUT}")
