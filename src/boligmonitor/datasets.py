"""The :class:`Dataset` bundle (the four layouts plus provenance) and the ways to get one: the
bundled example data, tables read from files, a processed store.

A Dataset sits above the engine: its methods score it (:meth:`Dataset.assess`,
:meth:`Dataset.early_warning`). The example dataset covers the five areas of Viborg Kommune's
boligsociale helhedsplan 2021-2025; its indicator and reference values are invented for
illustration (``is_example`` is True, and every output built from it says "Eksempeldata").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from boligmonitor.criteria import assess
from boligmonitor.errors import BoligmonitorError
from boligmonitor.io.example import example_files, example_hashes, example_metadata
from boligmonitor.io.readers import read_table
from boligmonitor.io.store import read_store
from boligmonitor.labels import label
from boligmonitor.schemas import LAYOUT_NAMES, SOURCE_COLUMNS
from boligmonitor.warning import early_warning

__all__ = ["LAYOUT_NAMES", "SOURCE_COLUMNS", "Dataset", "dataset_from_tables", "example_data",
           "example_files", "example_hashes", "example_metadata", "read_processed"]


@dataclass
class Dataset:
    """The tables a scoring or a report needs, with where they came from.

    Attributes
    ----------
    indicators, criterion_values, references, memberships
        Validated tables of layouts (a)-(d), or None where the dataset has none.
    sources
        One row per source file: name, sha256, layout, rows, is_example.
    is_example
        True when any source is the bundled, illustrative example data.
    metadata
        Free-form notes (for the example data: its title and the note that the figures are
        invented).
    """

    indicators: pd.DataFrame | None = None
    criterion_values: pd.DataFrame | None = None
    references: pd.DataFrame | None = None
    memberships: pd.DataFrame | None = None
    sources: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SOURCE_COLUMNS))
    is_example: bool = False
    metadata: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables that are present, by layout name."""
        return {n: getattr(self, n) for n in LAYOUT_NAMES if getattr(self, n) is not None}

    def assess(self, **kwargs):
        """Score this dataset: :func:`boligmonitor.criteria.assess` on its tables.

        Keyword arguments (``list_years``, ``rules``, ``options``, ``explain``) are passed on.

        Examples
        --------
        >>> result = example_data().assess(list_years=[2018])
        >>> sorted(result.areas["category"].astype(str))[:2]
        ['ghettoomraade', 'none']
        """
        return assess(self.indicators, self.references, self.memberships,
                      criterion_values=self.criterion_values, **kwargs)

    def early_warning(self, list_year: int, **kwargs):
        """The early warning for list year ``list_year + 1``: :func:`boligmonitor.warning.
        early_warning` on this dataset's tables (``rules``, ``options`` are passed on)."""
        return early_warning(self.indicators, self.references, self.memberships,
                             list_year=list_year, **kwargs)

    def outlook(self, **kwargs):
        """Where each area is heading: :func:`boligmonitor.outlook.outlook` on this dataset's
        tables (``list_years``, ``scenarios``, ``draws``, ``seed``, ``rules``, ``options`` are
        passed on). Returns an :class:`~boligmonitor.outlook.Outlook` of tidy tables:
        ``projections`` (with 50 % and 80 % intervals), ``probabilities`` (per area, list year,
        category and scenario), ``differences`` (each scenario against the baseline).

        Examples
        --------
        >>> result = example_data().outlook(list_years=[2026], draws=200)
        >>> sorted(result.probabilities["category"].unique())[:2]
        ['forebyggelsesomraade', 'none']
        """
        from boligmonitor.outlook import outlook

        if self.indicators is None:
            raise BoligmonitorError("the outlook needs yearly indicators (layout a); this "
                                    "dataset has only published criterion values (layout b)")
        kwargs.setdefault("validate", False)  # a Dataset's tables are already valid
        return outlook(self.indicators, self.references, self.memberships, **kwargs)

    def required_change(self, **kwargs):
        """The reverse question: :func:`boligmonitor.outlook.required_change` on this
        dataset's tables (how much must an indicator improve for a category's probability to
        fall below a level by a list year)."""
        from boligmonitor.outlook import required_change

        kwargs.setdefault("validate", False)
        return required_change(self.indicators, self.references, self.memberships, **kwargs)

    def example_note(self, lang: str = "da") -> str:
        """The note that the figures are invented, in ``lang``; empty for real data."""
        if not self.is_example:
            return ""
        return label("text.example_data_note", lang)

    def __repr__(self) -> str:
        parts = [f"{n}={len(t)} rows" for n, t in self.tables().items()]
        mark = ", EXAMPLE DATA" if self.is_example else ""
        return f"Dataset({', '.join(parts)}{mark})"


def example_data() -> Dataset:
    """Return the bundled example dataset, validated.

    The indicator and reference values are illustrative, not real; ``is_example`` is True.

    Examples
    --------
    >>> ds = example_data()
    >>> ds.is_example
    True
    >>> sorted(ds.indicators["area_name"].unique())
    ['Ellekonebakken', 'Houlkærvænget', 'Klostervænget', 'Ringparken', 'Vestervang']
    """
    tables = {n: read_table(p, n) for n, p in example_files().items()}
    sources = pd.DataFrame([
        {"name": f"boligmonitor/data/example/{p.name}", "sha256": tables[n].attrs[
            "boligmonitor"]["sha256"], "layout": n, "rows": len(tables[n]), "is_example": True}
        for n, p in example_files().items()
    ], columns=SOURCE_COLUMNS)
    return Dataset(**tables, sources=sources, is_example=True, metadata=example_metadata())


def dataset_from_tables(**tables: pd.DataFrame | None) -> Dataset:
    """Bundle tables (read with :func:`~boligmonitor.io.readers.read_table`) into a Dataset.

    Provenance is taken from each table's ``attrs``; a table that came from a bundled example
    file, or from a source that declares its figures invented (its mapping's
    ``is_example = true``), marks the dataset as example data.
    """
    unknown = set(tables) - set(LAYOUT_NAMES)
    if unknown:
        raise TypeError(f"unknown layouts {sorted(unknown)}; allowed: {', '.join(LAYOUT_NAMES)}")
    rows = []
    for name, t in tables.items():
        if t is None:
            continue
        meta = t.attrs.get("boligmonitor", {})
        sha = meta.get("sha256", "")
        rows.append({"name": meta.get("file", f"<{name} table>"), "sha256": sha,
                     "layout": name, "rows": len(t),
                     "is_example": sha in example_hashes() or bool(meta.get("is_example"))})
    sources = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    is_example = bool(sources["is_example"].any()) if len(sources) else False
    bundled = bool(sources["sha256"].isin(example_hashes()).any()) if len(sources) else False
    return Dataset(**{k: v for k, v in tables.items() if v is not None}, sources=sources,
                   is_example=is_example,
                   metadata=example_metadata() if bundled else {})


def read_processed(processed_dir: str | Path = "data/processed") -> Dataset:
    """Return the processed store written by :func:`~boligmonitor.io.store.ingest` as a
    :class:`Dataset`.

    Raises DataSourceError where the directory holds no processed data.
    """
    stored = read_store(processed_dir)
    return Dataset(**stored.tables, sources=stored.sources, is_example=stored.is_example,
                   metadata=stored.metadata)
