"""One problem of a file as a row of the problems table, and the error that carries it."""

from __future__ import annotations

import pandas as pd

from boligmonitor.errors import DataValidationError


def problem_row(file: str, problem: str, *, row=pd.NA, column="", value=pd.NA,
             allowed="") -> dict:
    return {"file": file, "row": row, "column": column, "value": value, "problem": problem,
            "allowed": allowed}


def file_error(file: str, problem: str, **kw) -> DataValidationError:
    return DataValidationError(pd.DataFrame([problem_row(file, problem, **kw)]), source=file)
