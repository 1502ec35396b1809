"""Years ahead: where each area is heading, with honest uncertainty, and what would change it.

:func:`outlook` projects every area's indicators (and the national and regional references the
relative thresholds move with) over the coming data years with prediction intervals, draws
thousands of joint future paths per area, scores every draw through the criteria engine itself
and returns the probability of each category on each coming 1 December list, for the baseline
and for what-if scenarios (:mod:`.scenarios`). :func:`required_change` answers the reverse
question: how much must an indicator improve for a category's probability to fall below a
level. :mod:`.calibration` says how far to trust the numbers; :mod:`.backtest` measures it.

The method, its assumptions and its limits: docs/outlook.md.

The modules, in the order the data flows: :mod:`.models` (the state-space model),
:mod:`.series` (fitting every series), :mod:`.paths` (drawing), :mod:`.scenarios`,
:mod:`.probabilities` (through the engine), :mod:`.projections` (intervals),
:mod:`.calibration`, :mod:`.run` (the entry point), :mod:`.requirements` (the reverse
question), :mod:`.backtest`.
"""

from boligmonitor.outlook.calibration import Calibration
from boligmonitor.outlook.requirements import ANY, required_change
from boligmonitor.outlook.run import DEFAULT_DRAWS, YEARS_AHEAD, Outlook, outlook
from boligmonitor.outlook.scenarios import (
    BASELINE,
    Change,
    Scenario,
    parse_scenario,
    read_scenario,
)

__all__ = [
    "ANY",
    "BASELINE",
    "DEFAULT_DRAWS",
    "YEARS_AHEAD",
    "Calibration",
    "Change",
    "Outlook",
    "Scenario",
    "outlook",
    "parse_scenario",
    "read_scenario",
    "required_change",
]
