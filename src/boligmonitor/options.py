"""The unsettled readings of the law, as named options with the defaults of CRITERIA.md.

Where the law (or what is public of its practice) does not settle a detail, the package takes a
documented default and shows it in every output; a user can override each one::

    Options(annual_lag=0)                  # yearly criteria end in the list year itself
    Options(history="computed")            # recount consecutive years from data only

Only *readings* live here; the law itself (thresholds, operators, windows) lives in the rule files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from boligmonitor.errors import RuleSetError

ReferenceAveraging = Literal["like_criterion", "last_year"]
HistorySource = Literal["published", "computed"]


@dataclass(frozen=True)
class Options:
    """The readings in force when scoring. Defaults follow CRITERIA.md, "Not settled".

    Attributes
    ----------
    point_in_time_lag:
        Data year of point-in-time measures (residents, non-western share) for list year N is
        ``N - point_in_time_lag``. Default 0: residents counted on 1 January of the list year.
    annual_lag:
        The last data year of yearly measures (outside work or education, convicted, education,
        income) for list year N is ``N - annual_lag``; a criterion averaged over ``w`` years uses
        ``N - annual_lag - w + 1`` to ``N - annual_lag``. Default 1: 2-year averages over N-2 and
        N-1, 4-year ones over N-4 to N-1, education and income from N-1 (CRITERIA.md, point 1).
    reference_averaging:
        ``"like_criterion"`` (default): a national or regional reference value is averaged over
        the same data years as the criterion it serves (the 2018 crime criterion: "both averaged
        over the last 2 years"). ``"last_year"``: only the criterion's last data year.
    rounding:
        None (default): values are compared unrounded (CRITERIA.md, point 2). An integer ``d``
        rounds the value before comparison to ``d`` decimals of its display unit: percent for
        shares and ratios, kroner for incomes. Thresholds are never rounded.
    unknown_education_is_basic:
        True (default, CRITERIA.md point 3): persons with no registered education count as having
        basic schooling only. This reading is applied where education shares are *made* from
        microdata (:mod:`boligmonitor.microdata`); an indicator table already carries a decided
        share, which the engine scores as given and only records this option alongside.
    history:
        ``"published"`` (default, CRITERIA.md point 4): consecutive years are counted from the
        published lists (memberships) for the years they cover, and computed elsewhere.
        ``"computed"``: every year before the list year is recomputed from the data.
    """

    point_in_time_lag: int = 0
    annual_lag: int = 1
    reference_averaging: ReferenceAveraging = "like_criterion"
    rounding: int | None = None
    unknown_education_is_basic: bool = True
    history: HistorySource = "published"

    def __post_init__(self) -> None:
        allowed: dict[str, tuple[Any, ...]] = {
            "reference_averaging": ("like_criterion", "last_year"),
            "history": ("published", "computed"),
        }
        for name, values in allowed.items():
            if getattr(self, name) not in values:
                raise RuleSetError(
                    f"option {name}={getattr(self, name)!r} is not allowed "
                    f"(allowed: {', '.join(map(repr, values))})"
                )
        for name in ("point_in_time_lag", "annual_lag"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise RuleSetError(
                    f"option {name}={value!r} is not allowed (allowed: integer >= 0)"
                )
        if self.rounding is not None and (
            not isinstance(self.rounding, int) or isinstance(self.rounding, bool)
        ):
            raise RuleSetError(
                f"option rounding={self.rounding!r} is not allowed (allowed: None or an integer)"
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the options as a plain dict."""
        return asdict(self)

    def describe(self) -> str:
        """Return the options as one line ``name=value; ...`` for output tables."""
        return "; ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))

    def differs_from_default(self) -> dict[str, Any]:
        """Return the options that differ from CRITERIA.md's defaults."""
        default = Options()
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }

    def with_(self, **changes: Any) -> Options:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)


DEFAULT_OPTIONS = Options()
