"""How the report shows numbers and the engine's ids in the reader's language.

:func:`show_value` and :func:`show_count` turn one number into a :class:`~.content.Shown` (text,
raw number, state), every text written by :mod:`boligmonitor.formatting` (the package's one
formatter); the other helpers turn category, classification and status ids into their labels.
Shared by every section of the content.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from boligmonitor import formatting
from boligmonitor.labels import has_label, label
from boligmonitor.report.content import MISSING, SUPPRESSED, VALUE, Shown


def is_missing(x: Any) -> bool:
    """Whether ``x`` is a missing value (None, pandas NA or a float NaN)."""
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _mark(state: str, lang: str, kind: str) -> Shown:
    key = "text.suppressed" if state == SUPPRESSED else "text.missing"
    return Shown(label(key, lang), None, state, kind)


def show_value(x: Any, unit: str, lang: str, *, decimals: int | None = None,
               suppressed: bool = False, margin: bool = False) -> Shown:
    """A criterion value (or, with ``margin``, a signed distance) in its display unit, written by
    the package's one formatter (:mod:`boligmonitor.formatting`); ``decimals`` default to the
    unit's. The spreadsheet kind carries the decimals (``pct2``: a percentage with two)."""
    if suppressed:
        return _mark(SUPPRESSED, lang, "text")
    if is_missing(x):
        return _mark(MISSING, lang, "text")
    x = float(x)
    d = formatting.UNIT_DECIMALS.get(unit, 1) if decimals is None else int(decimals)
    if unit in ("share", "ratio_to_region"):
        if margin:
            return Shown(formatting.points(x, d, lang), x, VALUE, f"pp{d}")
        text = formatting.percent(x, d, lang)
        if unit == "ratio_to_region":
            text += " " + label("explanation.of_regional_mean", lang)
        return Shown(text, x, VALUE, f"pct{d}")
    if unit == "ratio_to_national":
        return Shown(formatting.ratio(x, d, lang, sign=margin), x, VALUE, "ratio")
    if unit == "dkk":
        return Shown(formatting.kroner(x, lang, sign=margin), x, VALUE, "dkk")
    return Shown(formatting.number(x, d, lang, sign=margin), x, VALUE, "ratio")


def show_count(x: Any, lang: str, *, suppressed: bool = False, decimals: int = 0,
               sign: bool = False, kind: str = "int") -> Shown:
    if suppressed:
        return _mark(SUPPRESSED, lang, kind)
    if is_missing(x):
        return _mark(MISSING, lang, kind)
    return Shown(formatting.number(float(x), decimals, lang, sign=sign), float(x), VALUE, kind)


def show_text(text: Any) -> Shown:
    """A plain text cell."""
    return Shown.of_text(text)


def category_name(cat_id: str, lang: str) -> str:
    key = f"category.{cat_id}"
    return label(key, lang) if has_label(key) else str(cat_id)


def classification_name(cid: str, lang: str) -> str:
    key = f"classification.{cid}"
    return label(key, lang) if has_label(key) else cid


def tri(x: Any) -> bool | None:
    """True, False or None (unknown) from a nullable boolean."""
    return None if is_missing(x) else bool(x)


def status_text(is_met: bool | None, lang: str) -> str:
    return label({True: "status.met", False: "status.not_met", None: "status.unknown"}[is_met],
                 lang)


def yes_no(x: bool | None, lang: str) -> str:
    return label({True: "report.yes", False: "report.no", None: "status.unknown"}[x], lang)
