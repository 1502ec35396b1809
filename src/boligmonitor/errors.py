"""The package's one exception hierarchy.

Every error the package raises on purpose derives from :class:`BoligmonitorError`, so a caller
can catch them all in one place; the CLI turns them into one clear line and a non-zero exit code.
"""

from __future__ import annotations

import pandas as pd

from boligmonitor.schemas import escape_text

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
        # Text from a file (a header, a cell, a file name) is shown escaped wherever the
        # problems go: a control character or a bidi override never reaches a terminal raw.
        self.problems = _escaped(problems.reindex(columns=PROBLEM_COLUMNS)
                                 .reset_index(drop=True))
        self.source = None if source is None else escape_text(str(source))
        n = len(self.problems)
        where = f" in {source}" if source else ""
        super().__init__(f"{n} problem{'s' if n != 1 else ''}{where}:\n{self.format()}")

    def format(self, limit: int | None = 50) -> str:
        """Return the problems as readable lines, one per problem."""
        return format_problems(self.problems, limit)


def _escaped(problems: pd.DataFrame) -> pd.DataFrame:
    out = problems.copy()
    for col in ("file", "column", "value", "problem", "allowed"):
        out[col] = out[col].map(lambda v: escape_text(v) if isinstance(v, str) else v)
    return out


class DataWarning(UserWarning):
    """A value that is possible but implausible (a percent typed as a fraction, an income in
    thousands of kroner). ``problems`` lists them like :class:`DataValidationError`'s."""

    def __init__(self, problems: pd.DataFrame | str, *, source: str | None = None) -> None:
        if isinstance(problems, str):
            # Rebuilt from its message (a warning passed between processes, e.g. by
            # pytest-xdist, travels as text): the message is all there is.
            self.problems = pd.DataFrame(columns=PROBLEM_COLUMNS)
            self.source = source
            super().__init__(problems)
            return
        self.problems = _escaped(problems.reindex(columns=PROBLEM_COLUMNS)
                                 .reset_index(drop=True))
        self.source = source
        n = len(self.problems)
        where = f" in {escape_text(source)}" if source else ""
        super().__init__(f"{n} implausible value{'s' if n != 1 else ''}{where}:\n"
                         + format_problems(self.problems))


SHOWN_VALUE_CHARS = 80


def _quoted(v: object) -> str:
    # Text is escaped already (see _escaped); repr would double its backslashes. A long value
    # is cut: the message must stay readable (a 5,000-character name is one line, not five
    # thousand characters of it).
    if isinstance(v, str):
        if len(v) > SHOWN_VALUE_CHARS:
            v = f"{v[:SHOWN_VALUE_CHARS - 20]}… ({len(v):,} characters)"
        return f"'{v}'"
    return repr(v)


def format_problems(problems: pd.DataFrame, limit: int | None = 50) -> str:
    """Return a problems table as readable lines, one per problem."""
    lines = []
    rows = problems if limit is None else problems.head(limit)
    for rec in rows.itertuples(index=False):
        parts = [str(rec.file)]
        if pd.notna(rec.row):
            parts.append(f"row {int(rec.row)}")
        if pd.notna(rec.column) and rec.column != "":
            parts.append(f"column {_quoted(rec.column)}")
        where = ", ".join(parts)
        value = "" if pd.isna(rec.value) else f" value {_quoted(rec.value)}:"
        no_allowed = pd.isna(rec.allowed) or rec.allowed == ""
        allowed = "" if no_allowed else f" (allowed: {rec.allowed})"
        lines.append(escape_text(f"  {where}:{value} {rec.problem}{allowed}"))
    if limit is not None and len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more")
    return "\n".join(lines)


class RuleSetError(BoligmonitorError):
    """A rule file is malformed or a rule set cannot be applied."""


class ScenarioError(BoligmonitorError):
    """A scenario file (the outlook's what-if changes) is malformed or does not fit the data."""


class OptionError(BoligmonitorError, ValueError):
    """An option was given a value it does not allow."""


class OutputError(BoligmonitorError):
    """A command's output cannot be written without replacing a file boligmonitor did not write
    (or one changed since it wrote it), or the output folder cannot be used."""


class ReportError(BoligmonitorError):
    """A report could not be built or written."""
