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
# **Data:** i en projektmappe projektets data og opsætning (`boligmonitor.toml`; filerne i
# projektets figurmappe under `board/`); ellers eksempeldata (opdigtede tal, og hvert diagram
# siger "Eksempeldata"). Andre data via `BOLIGMONITOR_PROCESSED` eller `PROCESSED` herunder.

# %% tags=["parameters"]
import os

PROCESSED = None
OUT = os.environ.get("BOLIGMONITOR_FIGURES")  # None: <the project's figures>/board
FORMATS = tuple(os.environ.get("BOLIGMONITOR_FIGURE_FORMATS", "png,svg,pdf").split(","))
DPI = int(os.environ.get("BOLIGMONITOR_FIGURE_DPI", "300"))
MIN_CELL = None  # None: the project's, else 5
LANG = None  # None: the project's language, else Danish

# %%
# %matplotlib inline
from pathlib import Path

from IPython.display import display

from boligmonitor import plots
from boligmonitor.io.figures import save_figures
from boligmonitor.notebook import workbench

wb = workbench(PROCESSED, lang=LANG, min_cell=MIN_CELL)
data, LANG, MIN_CELL = wb.data, wb.lang, wb.min_cell
OUT = Path(OUT) if OUT else wb.figures / "board"
print(data.example_note(LANG))
result = data.assess(rules=wb.rules)
year = int(result.areas["list_year"].max())
warning = None
if data.indicators is not None:
    warning = data.early_warning(year, rules=wb.rules)

# %% [markdown]
# Diskretionering før visning, også af den tidlige varsling: kategorierne og om et kriterium
# er opfyldt bevares.

# %%
shown, indicators = plots.suppress_for_charts(result, data.indicators, MIN_CELL)
warning = plots.suppress_warning_for_charts(warning, data.indicators, MIN_CELL)
figures = plots.board_charts(shown, indicators=indicators, warning=warning, list_year=year,
                             plan_period=wb.plan_period, lang=LANG, is_example=data.is_example,
                             targets=wb.targets, criterion_values=data.criterion_values)
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
# Helhedsplanens egne mål (fra projektets `boligmonitor.toml`), adskilt fra listekriterierne:

# %%
for name in sorted(figures):
    if name.startswith("targets_"):
        display(figures[name])

# %% [markdown]
# ## Filerne

# %%
paths = save_figures(figures, OUT, FORMATS, dpi=DPI)
print(f"{len(paths)} filer i {OUT}")
