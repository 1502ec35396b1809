"""An analyst's project folder: its configuration, found and checked, and the scaffold.

A project folder holds one configuration file, ``boligmonitor.toml``, beside the data it names::

    boligmonitor.toml        the set-up: data, areas, plan and targets, language, output
    data/raw/                files exactly as received; README.md is the data log
    data/processed/          the store `boligmonitor ingest` writes (disposable)
    notebooks/               the analyst notebooks (jupytext py:percent)
    reports/<N>/             the yearly report of list year N

Every command run inside the folder (or in a folder below it, or given ``--project DIR``) uses
the configuration, so that next year's report is the same command as this year's:
``boligmonitor ingest`` (the raw files the configuration names) and ``boligmonitor report``.
Command-line options override the file. :func:`init_project` writes the scaffold and never
overwrites or deletes anything.

The configuration is checked like data: every problem at once, each naming the key, the value
and what is allowed (a :class:`~boligmonitor.errors.DataValidationError` whose file is the
configuration). Relative paths are relative to the project folder. This is an entry point
(like the command line), beside :mod:`boligmonitor.cli`.

The modules: :mod:`~boligmonitor.project.config` (the configuration: its model, finding,
reading and checking) and :mod:`~boligmonitor.project.scaffold` (the files ``init`` writes).
"""

from boligmonitor.project.config import (
    CONFIG_NAME,
    DATA_KEYS,
    DATE_RULES,
    EXAMPLE_PLAN_PERIOD,
    FIGURE_FORMATS,
    LANGUAGES,
    OUTPUT_KEYS,
    PLAN_KEYS,
    PROJECT_ENV,
    RAW_KEYS,
    TARGET_KEYS,
    TOP_KEYS,
    Plan,
    ProjectConfig,
    ProjectError,
    RawFiles,
    Target,
    find_project,
    load_project,
    parse_config,
    parse_period,
    restrict_areas,
)
from boligmonitor.project.scaffold import (
    SCAFFOLD,
    InitResult,
    example_raw_files,
    init_project,
    scaffold_files,
)

__all__ = [
    "CONFIG_NAME",
    "DATA_KEYS",
    "DATE_RULES",
    "EXAMPLE_PLAN_PERIOD",
    "FIGURE_FORMATS",
    "LANGUAGES",
    "OUTPUT_KEYS",
    "PLAN_KEYS",
    "PROJECT_ENV",
    "RAW_KEYS",
    "SCAFFOLD",
    "TARGET_KEYS",
    "TOP_KEYS",
    "InitResult",
    "Plan",
    "ProjectConfig",
    "ProjectError",
    "RawFiles",
    "Target",
    "example_raw_files",
    "find_project",
    "init_project",
    "load_project",
    "parse_config",
    "parse_period",
    "restrict_areas",
    "scaffold_files",
]
