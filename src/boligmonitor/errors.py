"""The package's one exception hierarchy.

Every error the package raises on purpose derives from :class:`BoligmonitorError`, so a caller
can catch them all in one place; the CLI turns them into one clear line and a non-zero exit code.
"""

from __future__ import annotations

import pandas as pd

PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "allowed"]


class BoligmonitorError(Exception):
    """Base class of every error raised by boligmonitor."""


class DataSourceError(BoligmonitorError):
    """A file or source could not be read at all (missing, wrong format, undeclared sheet)."""


class DataValidationError(BoligmonitorError):
    """A table broke its contract. ``problems`` lists every problem at once.

    ``problems`` is a DataFrame with the columns file, row, column, value, problem and allowed.
    ``row`` is the 1-based line (CSV) or row (Excel) number in the source file where one
    applies, and missing for problems of the whole file or column.
    """

    def __init__(self, problems: pd.DataFrame, *, source: str | None = None) -> None:
        self.problems = problems.reindex(columns=PROBLEM_COLUMNS).reset_index(drop=True)
        self.source = source
        n = len(self.problems)
        where = f" in {source}" if source else ""
        super().__init__(f"{n} problem{'s' if n != 1 else ''}{where}:\n{self.format()}")

    def format(self, limit: int | None = 50) -> str:
        """Return the problems as readable lines, one per problem."""
        lines = []
        rows = self.problems if limit is None else self.problems.head(limit)
        for rec in rows.itertuples(index=False):
            parts = [str(rec.file)]
            if pd.notna(rec.row):
                parts.append(f"row {int(rec.row)}")
            if pd.notna(rec.column) and rec.column != "":
                parts.append(f"column {rec.column!r}")
            where = ", ".join(parts)
            value = "" if pd.isna(rec.value) else f" value {rec.value!r}:"
            no_allowed = pd.isna(rec.allowed) or rec.allowed == ""
            allowed = "" if no_allowed else f" (allowed: {rec.allowed})"
            lines.append(f"  {where}:{value} {rec.problem}{allowed}")
        if limit is not None and len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join(lines)


class RuleSetError(BoligmonitorError):
    """A rule file is malformed or a rule set cannot be applied."""


class ScenarioError(BoligmonitorError):
    """A scenario file (the outlook's what-if changes) is malformed or does not fit the data."""


class OptionError(BoligmonitorError, ValueError):
    """An option was given a value it does not allow."""


class ReportError(BoligmonitorError):
    """A report could not be built or written."""
