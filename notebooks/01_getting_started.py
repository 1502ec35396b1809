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
# # 01 Kom i gang: data, validering, scoring og forklaring
#
# Denne notebook indlæser data, kontrollerer dem, scorer ét listeår og viser forklaringen
# for hvert område.
#
# **Data:** i en projektmappe (lavet med `boligmonitor init`) bruges projektets data og
# opsætning fra `boligmonitor.toml`; ellers den medfølgende *eksempeldata* (opdigtede tal til
# illustration). En anden mappe skrevet af `boligmonitor ingest` kan vælges med
# miljøvariablen `BOLIGMONITOR_PROCESSED` eller `PROCESSED` i cellen herunder.

# %% tags=["parameters"]
PROCESSED = None  # e.g. "data/processed"; None: $BOLIGMONITOR_PROCESSED, the project or the example
LIST_YEAR = None  # None: the latest list year the data allows

# %%
# %matplotlib inline
import boligmonitor as bm
from boligmonitor.notebook import workbench

wb = workbench(PROCESSED)
data = wb.data
wb

# %% [markdown]
# Hvis det er eksempeldata, står det her (og på hvert diagram og hver tabel):

# %%
if data.is_example:
    print(data.example_note())
    print(data.metadata["note_da"])
data.sources

# %% [markdown]
# ## Validering
# Hver tabel kontrolleres mod sit layout; en tom problemtabel betyder, at alt er i orden.

# %%
for layout, table in data.tables().items():
    problems = bm.table_problems(table, layout)
    print(f"{layout}: {len(table)} rækker, {len(problems)} problemer")

# %% [markdown]
# ## Scoring af ét listeår
# Resultatet vises som en farvet tabel: kategori pr. område og de enkelte kriterier.

# %%
everything = data.assess()  # the same as bm.assess(data.indicators, data.references, ...)
year = LIST_YEAR or int(everything.areas["list_year"].max())
result = data.assess(list_years=[year])
result

# %% [markdown]
# ## Forklaringen
# Hvert område får en forklaring på dansk (og engelsk i `explanation_en`).

# %%
for name, text in zip(result.areas["area_name"], result.areas["explanation_da"], strict=True):
    print(f"{name}: {text}\n")

# %% [markdown]
# Tabellerne bag visningen er almindelige DataFrames:

# %%
result.criteria[["area_name", "criterion", "value", "threshold", "operator_symbol", "is_met",
                 "margin", "persons_to_threshold"]].head(10)

# %% [markdown]
# ## Offentliggjort og beregnet
# En offentliggjort liste er et faktum; pakkens kategori er en beregning. De står side om side:
# `published_category` er den kategori, de offentliggjorte lister gav området (tom, hvor de
# ikke siger noget om området), og `agrees_with_published` siger, om beregningen stemmer.
# En afvigelse er et fund, der skal undersøges; den offentliggjorte liste står ved magt.

# %%
from boligmonitor.summary import disagreements

checked = everything.areas[everything.areas["published_category"].notna()]
print(f"{len(checked)} områdeår med offentliggjort status, "
      f"{len(disagreements(everything.areas))} afvigelser")
checked[["area_name", "list_year", "category", "published_category", "agrees_with_published"]]

# %%
disagreements(everything.areas)[["area_name", "list_year", "category", "published_category",
                                 "explanation_da"]]
