"""The unsettled readings of the law, as named options with documented defaults (docs/law.md).

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
from boligmonitor.labels import has_label, label, label_n

ReferenceAveraging = Literal["like_criterion", "last_year"]
HistorySource = Literal["published", "computed"]
ShareSource = Literal["share", "counts"]
WindowAverage = Literal["mean_of_shares", "pooled_counts"]


@dataclass(frozen=True)
class Options:
    """The readings in force when scoring. Defaults follow docs/law.md, "Open questions".

    Attributes
    ----------
    point_in_time_lag:
        Data year of point-in-time measures (residents, non-western share) for list year N is
        ``N - point_in_time_lag``. Default 0: residents counted on 1 January of the list year.
    annual_lag:
        The last data year of yearly measures (outside work or education, convicted, education,
        income) for list year N is ``N - annual_lag``; a criterion averaged over ``w`` years uses
        ``N - annual_lag - w + 1`` to ``N - annual_lag``. Default 1: 2-year averages over N-2 and
        N-1, 4-year ones over N-4 to N-1, education and income from N-1 (docs/law.md, point 1).
    reference_averaging:
        ``"like_criterion"`` (default): a national or regional reference value is averaged over
        the same data years as the criterion it serves (the 2018 crime criterion: "both averaged
        over the last 2 years"). ``"last_year"``: only the criterion's last data year.
    rounding:
        None (default): values are compared unrounded (docs/law.md, point 2). An integer ``d``
        rounds the value before comparison to ``d`` decimals of its display unit: percent for
        shares and ratios, kroner for incomes. Thresholds are never rounded.
    unknown_education_is_basic:
        True (default, docs/law.md point 3): persons with no registered education count as having
        basic schooling only. This reading is applied where education shares are *made* from
        microdata (:mod:`boligmonitor.microdata`); an indicator table already carries a decided
        share, which the engine scores as given and only records this option alongside.
    history:
        ``"published"`` (default, docs/law.md point 4): consecutive years are counted from the
        published lists (memberships) for the years and areas they cover, and computed
        elsewhere. ``"computed"``: every year before the list year is recomputed from the data.
    below_minimum_breaks_run:
        True (default): a year in which the area had fewer residents than the law's minimum
        (1,000) breaks a run of consecutive years, since the area could not be on a list that
        year. False: a computed year counts if the area met the category's conditions, whatever
        its size. (Published years count as published either way.)
    share_source:
        Which value wins where a share and both of its counts are given (the readers check
        that they agree within a tolerance). ``"share"`` (default): the share as given; counts
        only fill a missing share. ``"counts"``: numerator / denominator wherever both are
        given.
    window_average:
        How a criterion averaged over several data years is averaged. ``"mean_of_shares"``
        (default): the mean of the yearly shares. ``"pooled_counts"``: the window's summed
        numerators over its summed denominators (needs the counts of every year of the window;
        where they are missing, the value is unknown rather than averaged otherwise).
    equality_tolerance:
        Relative tolerance within which a value equals its threshold (default 1e-9: floating
        point noise only, so that two shares that average exactly to a threshold in decimals
        equal it). Not a rounding rule; use ``rounding`` for that.
    """

    point_in_time_lag: int = 0
    annual_lag: int = 1
    reference_averaging: ReferenceAveraging = "like_criterion"
    rounding: int | None = None
    unknown_education_is_basic: bool = True
    history: HistorySource = "published"
    below_minimum_breaks_run: bool = True
    share_source: ShareSource = "share"
    window_average: WindowAverage = "mean_of_shares"
    equality_tolerance: float = 1e-9

    def __post_init__(self) -> None:
        allowed: dict[str, tuple[Any, ...]] = {
            "reference_averaging": ("like_criterion", "last_year"),
            "history": ("published", "computed"),
            "share_source": ("share", "counts"),
            "window_average": ("mean_of_shares", "pooled_counts"),
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
        for name in ("below_minimum_breaks_run", "unknown_education_is_basic"):
            if not isinstance(getattr(self, name), bool):
                raise RuleSetError(
                    f"option {name}={getattr(self, name)!r} is not allowed (allowed: True, False)"
                )
        tol = self.equality_tolerance
        if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 <= tol < 1e-3:
            raise RuleSetError(
                f"option equality_tolerance={tol!r} is not allowed "
                "(allowed: a number from 0 up to 0.001)"
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
        """Return the options that differ from docs/law.md's defaults."""
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


# --- the readings in words (every output that shows them) ---------------------------------------

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def reading_value(name: str, value: Any, lang: str = "da") -> str:
    """The value of reading ``name`` in words: ``ja``/``nej``, ``som kriteriet (samme dataår)``,
    ``1 år``, ``ingen afrunding``, ``10⁻⁹``, never a Python value.

    >>> reading_value("history", "published")
    'offentliggjorte lister, hvor de findes; ellers beregnet'
    >>> reading_value("below_minimum_breaks_run", True, "en"), reading_value("annual_lag", 1)
    ('yes', '1 år')
    >>> reading_value("equality_tolerance", 1e-9), reading_value("rounding", None, "en")
    ('10⁻⁹', 'no rounding')
    """
    if value is None:
        return label(f"option_value.{name}.none", lang)
    if isinstance(value, bool):
        return label("report.yes" if value else "report.no", lang)
    key = f"option_value.{name}.{value}"
    if isinstance(value, str):
        return label(key, lang) if has_label(key) else value
    if name in ("point_in_time_lag", "annual_lag"):
        return label_n("option_value.years", int(value), lang).format(n=int(value))
    if name == "rounding":
        return label_n("option_value.decimals", int(value), lang).format(n=int(value))
    if isinstance(value, float) and value and (abs(value) < 1e-3 or abs(value) >= 1e6):
        mantissa, exponent = f"{value:e}".split("e")
        power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
        m = float(mantissa)
        return power if m == 1 else f"{mantissa.rstrip('0').rstrip('.')} × {power}"
    return str(value)


def reading_note(name: str, lang: str = "da") -> str:
    """The one-line explanation of reading ``name``."""
    return label(f"option_note.{name}", lang)
