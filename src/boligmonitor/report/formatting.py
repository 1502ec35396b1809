"""How the report shows numbers, dates and the engine's ids in the reader's language.

:func:`show_value` and :func:`show_count` turn one number into a :class:`~.content.Shown` (text,
raw number, state); the other helpers turn category, classification and status ids into their
labels. Shared by every section of the content.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from boligmonitor.labels import has_label, label
from boligmonitor.report.content import MISSING, SUPPRESSED, VALUE, Shown


def fmt_number(x: float, decimals: int, lang: str, *, sign: bool = False) -> str:
    """Format ``x`` with thousands separators; Danish uses ``.`` and ``,`` the other way round.

    Examples
    --------
    >>> fmt_number(1234567.891, 1, "da")
    '1.234.567,9'
    >>> fmt_number(-0.5, 2, "en", sign=True)
    '-0.50'
    >>> fmt_number(0.5, 1, "da", sign=True)
    '+0,5'
    """
    txt = f"{x:{'+' if sign else ''},.{decimals}f}"
    if lang == "da":
        txt = txt.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return txt


def is_missing(x: Any) -> bool:
    """Whether ``x`` is a missing value (None, pandas NA or a float NaN)."""
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _mark(state: str, lang: str, kind: str) -> Shown:
    key = "text.suppressed" if state == SUPPRESSED else "text.missing"
    return Shown(label(key, lang), None, state, kind)


def share_decimals(threshold: float) -> int:
    """The decimals of a share shown against ``threshold``."""
    # Small shares (the convicted share) need a second decimal to show the distance to the line.
    return 2 if abs(threshold) < 0.1 else 1


def show_value(x: Any, unit: str, lang: str, *, decimals: int = 1, suppressed: bool = False,
               margin: bool = False) -> Shown:
    """Format a criterion value (or, with ``margin``, a signed distance) in its display unit."""
    if suppressed:
        return _mark(SUPPRESSED, lang, "text")
    if is_missing(x):
        return _mark(MISSING, lang, "text")
    x = float(x)
    if unit in ("share", "ratio_to_region"):
        suffix = " " + label("report.unit_pp", lang) if margin else " %"
        if unit == "ratio_to_region" and not margin:
            suffix = " " + label("explanation.of_regional", lang)
        kind = "pp" if margin else ("pct2" if decimals == 2 else "pct")
        return Shown(fmt_number(100 * x, decimals, lang, sign=margin) + suffix, x, VALUE, kind)
    if unit == "ratio_to_national":
        return Shown(fmt_number(x, 2, lang, sign=margin) + " ×", x, VALUE, "ratio")
    if unit == "dkk":
        return Shown(fmt_number(x, 0, lang, sign=margin) + " kr.", x, VALUE, "dkk")
    return Shown(fmt_number(x, decimals, lang, sign=margin), x, VALUE, "ratio")


def show_count(x: Any, lang: str, *, suppressed: bool = False, decimals: int = 0,
               sign: bool = False, kind: str = "int") -> Shown:
    if suppressed:
        return _mark(SUPPRESSED, lang, kind)
    if is_missing(x):
        return _mark(MISSING, lang, kind)
    return Shown(fmt_number(float(x), decimals, lang, sign=sign), float(x), VALUE, kind)


def show_text(text: Any) -> Shown:
    """A plain text cell."""
    return Shown.of_text(text)


def long_date(iso: str, lang: str) -> str:
    """``YYYY-MM-DD`` as the reader writes a date (``1. december 2025``)."""
    d = dt.date.fromisoformat(iso)
    month = label(f"month.m{d.month}", lang)
    return f"{d.day}. {month} {d.year}" if lang == "da" else f"{d.day} {month} {d.year}"


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
