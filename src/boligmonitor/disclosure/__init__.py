"""Statistical disclosure control for published outputs (docs/disclosure.md).

Statistics Denmark asks for at least 3 persons behind any published cell; derived products
often use 5. Published outputs (report, exports, charts) must not show counts below a
configurable minimum ``min_cell`` (default 5), nor shares whose numerator or denominator is
below it, nor anything from which such a count can be worked out. Everything the package
publishes goes through this module: the ``assess`` exports (:func:`suppress_assessment`), the
report (:func:`disclose`, :func:`suppress_early_warning`) and the charts (through
``boligmonitor.plots.suppress_for_charts``). The rule in full, with the reasons, is
``docs/disclosure.md``; in short:

Primary cells (annual indicator table, layout a; one area and data year per row):

1. a count below ``min_cell`` is suppressed, zero included (a count of 0 says that nobody in
   the area is in the group, and 0 of the complement says that everybody is);
2. a count an attacker can compute from a share and the other count of its pair
   (``n = share x base``, ``base = n / share``) is a count too, under the same rule;
3. a share whose numerator, denominator or complement (denominator minus numerator) is below
   ``min_cell`` is suppressed; a share is shown only where both its counts are shown (any two
   of numerator, denominator and share give the third);
4. the mean income is suppressed where its base (residents 18-64) is suppressed.

Secondary cells (complementary suppression). The groups are nested: residents contain the
residents 18+, who contain the 18-64, who contain the 30-59; each numerator is contained in
its denominator (:data:`CONTAINED_IN`). The difference of a count and any count that contains
it is the count of a group of persons (residents 1,000 minus residents 18+ 997 are 3 children),
so no two shown counts of one row may differ by less than ``min_cell`` (0 included). Where two
do, one more cell is suppressed, chosen deterministically: the cell in the most such pairs,
ties broken by :data:`COMPLEMENT_ORDER` (the cell that costs the fewest other published
values). Differences between data years (a net change) and between areas (no total is ever
published) are not counts of a group and are not protected.

Values derived from several cells, in the criteria table and the early warning:

5. a criterion value averaged over data years, its margin and its persons to threshold are
   suppressed where any annual cell they are built from is (the average and one year give the
   other year; ``persons_to_threshold / margin`` is the harmonic mean of the bases);
6. the status of a criterion (``is_met``) is suppressed where its base is suppressed in any of
   its data years ("met" on a base of 3 says at least 1 of 3 is convicted), and where its value
   is suppressed and the line leaves less than one person of room in a data year ("not met" on
   20 adults and a line of 2 % over 2 years says nobody is convicted);
7. in the areas table, ``n_criteria_met`` (and the other counts of met criteria) is suppressed
   where any status of the area and list year is; the category (with its variants certain,
   possible and if listable, the ``is_<category>`` flags, agreement with the published list,
   kombineret udlejning and the consecutive-years count) where the residents or any
   status are suppressed, or where a counted year of a consecutive-years category was computed
   from data and is itself suppressed: a shown category with the shown statuses would give a
   hidden status back ("udsat" with 1 of 3 shown criteria met says the fourth is met).

Suppressed is not zero and not missing: a number becomes NaN (a status or flag <NA>) and the
row is marked ``is_suppressed``; a category becomes :data:`SUPPRESSED_CATEGORY`; every
renderer shows a suppressed cell with its own mark ("diskretioneret").

The modules, in the order the rules build on each other:

* :mod:`~boligmonitor.disclosure.cells`: the annual indicator table, primary and complementary
  cells (rules 1-4), and the :class:`Suppressed` result every step returns;
* :mod:`~boligmonitor.disclosure.derived`: values derived from several cells: the criteria
  table, the early warning, layout (b) list values, the areas table (rules 5-7);
* :mod:`~boligmonitor.disclosure.assessment`: everything at once, for an assessment
  (:func:`disclose`, :func:`suppress_assessment`) and for the early warning.
"""

from boligmonitor.disclosure.assessment import (
    Disclosed,
    disclose,
    suppress_assessment,
    suppress_early_warning,
)
from boligmonitor.disclosure.cells import (
    BASE_OF,
    COMPLEMENT_ORDER,
    CONTAINED_IN,
    COUNT_COLUMNS,
    DEFAULT_MIN_CELL,
    INCOME,
    NESTED_PAIRS,
    Suppressed,
    parse_years,
    suppress_indicators,
)
from boligmonitor.disclosure.derived import (
    CATEGORY_COLUMNS,
    CRITERIA_COLUMNS,
    SUPPRESSED_CATEGORY,
    WARNING_COLUMNS,
    WHOLE_PERSON_SHARES,
    suppress_areas,
    suppress_criteria,
    suppress_list_values,
    suppress_warning,
)

__all__ = [
    "BASE_OF",
    "CATEGORY_COLUMNS",
    "COMPLEMENT_ORDER",
    "CONTAINED_IN",
    "COUNT_COLUMNS",
    "CRITERIA_COLUMNS",
    "DEFAULT_MIN_CELL",
    "INCOME",
    "NESTED_PAIRS",
    "SUPPRESSED_CATEGORY",
    "WARNING_COLUMNS",
    "WHOLE_PERSON_SHARES",
    "Disclosed",
    "Suppressed",
    "disclose",
    "parse_years",
    "suppress_areas",
    "suppress_assessment",
    "suppress_criteria",
    "suppress_early_warning",
    "suppress_indicators",
    "suppress_list_values",
    "suppress_warning",
]
