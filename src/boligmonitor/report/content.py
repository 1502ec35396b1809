"""The report's content model: plain frozen dataclasses the builder fills and the renderers read.

Nothing here computes: :class:`ReportContent` holds every text already in the reader's language
and every number already formatted (:class:`Shown`, with the raw number kept for the
spreadsheet and a state that says whether it is shown, suppressed or missing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from boligmonitor.disclosure import SUPPRESSED_CATEGORY

VALUE, SUPPRESSED, MISSING = "value", "suppressed", "missing"


@dataclass(frozen=True)
class Shown:
    """One displayed value: its text, its raw number (for the spreadsheet) and its state.

    ``state`` is ``"value"``, ``"suppressed"`` (disclosure control) or ``"missing"``; ``kind``
    tells the spreadsheet its number format (``pct``, ``pct2``, ``pp``, ``dkk``, ``ratio``,
    ``persons``, ``int``, ``text``).
    """

    text: str
    raw: float | str | None = None
    state: str = VALUE
    kind: str = "text"

    @staticmethod
    def of_text(text: Any) -> Shown:
        return Shown("" if text is None else str(text), None if text is None else str(text))


def _state_text(text: str, suppressed: bool) -> Shown:
    return Shown(text, None, SUPPRESSED if suppressed else VALUE, "text")


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of one area in the list year, against its line."""

    classification_id: str
    classification: str
    criterion_id: str
    criterion: str
    value: Shown
    operator: str
    threshold: Shown
    line: str  # the line in words and value (``3 × landsgennemsnittet = 2,02 pct.``)
    reference: Shown
    is_met: bool | None
    status: Shown
    margin: Shown
    persons: Shown
    data_years: str
    citation: str

    @property
    def line_with_operator(self) -> str:
        """The line with the law's operator word (``mindst 3 × landsgennemsnittet = 2,02
        pct.``); a line that cannot be computed reads as missing, without an operator."""
        if self.threshold.state != VALUE:
            return self.threshold.text
        return f"{self.operator} {self.line}"


@dataclass(frozen=True)
class AreaSummary:
    """One area's line in the summary."""

    area_id: str
    area_name: str
    municipality: str
    category_id: str
    category: str
    n_met: int | None  # None where disclosure control suppresses it
    n_criteria: int
    criteria_met: str
    residents: Shown
    is_listable: bool | None
    listable_note: str
    direction_id: str
    direction: str
    warnings: tuple[str, ...]
    sentence: str

    # The category, the criteria met and the direction as shown: marked as suppressed where
    # disclosure control withholds them, like a suppressed number.
    @property
    def category_shown(self) -> Shown:
        return _state_text(self.category, self.category_id == SUPPRESSED_CATEGORY)

    @property
    def met_shown(self) -> Shown:
        return _state_text(self.criteria_met, self.n_met is None)

    @property
    def direction_shown(self) -> Shown:
        return _state_text(self.direction, self.direction_id == "suppressed")


@dataclass(frozen=True)
class AreaSection:
    """One area's page: its summary, its criteria against the lines, the explanation, charts."""

    summary: AreaSummary
    lines: tuple[CriterionLine, ...]
    explanation: str
    chart_keys: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """What changed for one area since last year's list, and why."""

    area_id: str
    area_name: str
    before: str
    after: str
    is_category_change: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """A chart recipe: ``make()`` returns a matplotlib Figure; rendered once per report."""

    key: str
    title: str
    make: Callable[[], Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Table:
    """A plain table of shown values with its column headings (method tables, sheets)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Shown, ...], ...]
    key: str = ""


@dataclass(frozen=True)
class RuleText:
    """One rule set as described in the method section."""

    id: str
    name: str
    law: str
    note: str
    list_years: str
    citations: Table


@dataclass(frozen=True)
class Published:
    """Published beside computed: a table of every area and list year a published list covers
    (computed, published, agreement) and every disagreement as a finding."""

    intro: str
    table: Table
    findings_heading: str
    findings: tuple[str, ...]
    n_compared: int
    n_differ: int


@dataclass(frozen=True)
class Method:
    rules: tuple[RuleText, ...]
    options: Table
    data_years: Table
    references: Table
    sources: Table
    disclosure: str


@dataclass(frozen=True)
class OutlookSection:
    """The section "Udsigt": the coming lists' probabilities, the scenarios, the calibration
    verdict with its reasons (``notes``), the charts. ``table`` is None where the outlook could
    not be made (``intro`` then says why)."""

    intro: str
    notes: tuple[str, ...]
    is_calibrated: bool
    table: Table | None
    scenarios: tuple[Table, ...]
    chart_keys: tuple[str, ...]


@dataclass(frozen=True)
class PlanTargets:
    """The plan's own targets and the progress towards them, apart from the list criteria."""

    title: str
    intro: str
    table: Table
    chart_keys: tuple[str, ...]
    # The workbook's sheet: the same rows with the direction and every year in columns of
    # their own, so that a number in a cell never stands without what it means.
    sheet: Table | None = None


@dataclass(frozen=True)
class ReportContent:
    """Everything the four files say, in one language, for one list year."""

    list_year: int
    previous_year: int | None
    lang: str
    date: str
    title: str
    subtitle: str
    is_example: bool
    example_mark: str
    example_note: str
    min_cell: int
    text: dict[str, str]
    summary: tuple[AreaSummary, ...]
    areas: tuple[AreaSection, ...]
    changes: tuple[Change, ...]
    unchanged: tuple[str, ...]
    published: Published
    method: Method
    glossary: tuple[tuple[str, str], ...]
    charts: dict[str, Chart]
    overview_chart_keys: tuple[str, ...]
    sheets: tuple[Table, ...]
    plan: PlanTargets | None = None
    outlook: OutlookSection | None = None

    def t(self, key: str) -> str:
        """Return the report text ``key`` (group ``report``) in the report's language."""
        return self.text[key]
