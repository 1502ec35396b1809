"""What the notebooks start from: the data they work on and the project's set-up.

The notebooks in ``notebooks/`` call :func:`workbench` in their first cell, so that they run on
the bundled example data without edits and on the user's own data when pointed at it: a
processed store (``PROCESSED`` in the notebook, or the environment variable
``BOLIGMONITOR_PROCESSED``), or a project folder (``BOLIGMONITOR_PROJECT``, or the folder
holding the notebook, found by its ``boligmonitor.toml``), whose configuration then also gives
the plan, its targets, the language and the disclosure rule. This is an entry point (like the
command line), above the presentation modules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from boligmonitor.datasets import Dataset, example_data, read_processed
from boligmonitor.disclosure import DEFAULT_MIN_CELL
from boligmonitor.project import (
    EXAMPLE_PLAN_PERIOD,
    PROJECT_ENV,
    ProjectConfig,
    find_project,
    load_project,
)

PROCESSED_ENV = "BOLIGMONITOR_PROCESSED"


@dataclass
class Workbench:
    """A notebook's starting point: the data and the set-up it is read under."""

    data: Dataset
    project: ProjectConfig | None
    lang: str
    plan_name: str
    plan_period: tuple[int, int] | None
    targets: pd.DataFrame
    min_cell: int
    figures: Path
    rules: str | None

    def __repr__(self) -> str:
        where = f"project {self.project.root}" if self.project else "no project"
        return (f"Workbench({self.data!r}, {where}, plan {self.plan_name or '-'} "
                f"{self.plan_period}, {len(self.targets)} targets, lang={self.lang})")


def notebook_project(project: str | Path | None = None) -> ProjectConfig | None:
    """The project a notebook runs in: ``project``, else ``$BOLIGMONITOR_PROJECT``, else the
    folder holding the working directory (the notebook's) with a boligmonitor.toml."""
    where = project if project is not None else os.environ.get(PROJECT_ENV) or None
    folder = where if where is not None else find_project()
    return None if folder is None else load_project(folder)


def notebook_dataset(processed: str | Path | None = None,
                     project: str | Path | None = None) -> Dataset:
    """The data a notebook works on: the processed store at ``processed`` or named by
    ``$BOLIGMONITOR_PROCESSED``, else the project's data (see :func:`notebook_project`), else
    the bundled example data."""
    return workbench(processed, project).data


def workbench(processed: str | Path | None = None, project: str | Path | None = None, *,
              lang: str | None = None, plan_period: tuple[int, int] | None = None,
              min_cell: int | None = None) -> Workbench:
    """The data and set-up a notebook starts from (see the module's docstring); arguments
    given here override the project's configuration. Without a project the plan period is the
    example's (2021-2025) and there are no targets."""
    where = processed if processed is not None else os.environ.get(PROCESSED_ENV) or None
    config = notebook_project(project)
    if where is not None:
        data = read_processed(where)
    elif config is not None:
        data = config.dataset()
    else:
        data = example_data()
    if config is not None:
        plan = config.plan
        return Workbench(
            data=data, project=config, lang=lang or config.language, plan_name=plan.name,
            plan_period=plan_period or plan.period, targets=plan.targets_table(),
            min_cell=config.min_cell if min_cell is None else min_cell,
            figures=config.figures, rules=config.rules)
    return Workbench(
        data=data, project=None, lang=lang or "da", plan_name="",
        plan_period=plan_period or EXAMPLE_PLAN_PERIOD,
        targets=pd.DataFrame(columns=["area_id", "indicator", "value", "year", "direction",
                                      "note"]),
        min_cell=DEFAULT_MIN_CELL if min_cell is None else min_cell, figures=Path("figures"),
        rules=None)
