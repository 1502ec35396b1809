"""The bundled example files: where they are, their metadata, and how to recognise them.

The example dataset covers the five areas of Viborg Kommune's boligsociale helhedsplan
2021-2025. Its indicator and reference values are invented for illustration; its memberships
say what public sources say of the five areas, and no more (``tools/make_example_data.py``).
A file whose content hash is one of the example's is example data wherever it goes (a copy, a
processed store), so every output built from it says so.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from boligmonitor.io.readers import sha256_of
from boligmonitor.schemas import LAYOUT_NAMES


def example_dir() -> Path:
    return Path(str(resources.files("boligmonitor").joinpath("data", "example")))


def example_files() -> dict[str, Path]:
    """Return the paths of the bundled example files, by layout name.

    Examples
    --------
    >>> sorted(example_files())
    ['indicators', 'memberships', 'references']
    """
    d = example_dir()
    return {n: d / f"{n}.csv" for n in LAYOUT_NAMES if (d / f"{n}.csv").is_file()}


def example_metadata() -> dict:
    """Return the example data's metadata (title, the note that it is illustrative)."""
    return json.loads((example_dir() / "metadata.json").read_text(encoding="utf-8"))


def example_export_files() -> dict[str, Path]:
    """The example indicators as a typical Danish export and the mapping file that reads it
    (``tools/make_example_export.py``; the worked example of docs/your-data.md), by name."""
    d = example_dir() / "export"
    return {p.name: p for p in sorted(d.iterdir()) if p.is_file()} if d.is_dir() else {}


@cache
def example_hashes() -> frozenset[str]:
    """Return the sha256 of every bundled example file (the Danish export too), to recognise
    them wherever they go."""
    paths = [*example_files().values(), *example_export_files().values()]
    return frozenset(sha256_of(p) for p in paths)
