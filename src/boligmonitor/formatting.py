"""The one formatter: every number, percentage, point difference, ratio, amount and date that a
person reads, in Danish (``da``, default) or English (``en``).

Babel formats with the locale data of CLDR (decimal and group signs, long dates); this module
only adds the units the board reads (``41,2 pct.``, ``+2,5 pct.-point``, ``210.100 kr.``,
``2,50 ×``) and the one rule of the package: **the value shown beside a threshold has the
decimals that make the comparison visible** (:func:`separating_decimals`). A value above its
line never reads as equal to it because of rounding.

Rounding is Babel's: half to even on the number's shortest decimal form (0,45 reads 0,4 with one
decimal; 0,451 reads 0,5). :func:`numbers` formats many values at once for the explanations and
gives the same text as :func:`number` for every value.

Examples
--------
>>> number(1234567.891, 1)
'1.234.567,9'
>>> number(1234567.891, 1, "en")
'1,234,567.9'
>>> percent(0.412), percent(0.412, lang="en")
('41,2 pct.', '41.2%')
>>> points(-0.025), kroner(210100), kroner(210100, "en"), ratio(2.5)
('−2,5 pct.-point', '210.100 kr.', 'DKK 210,100', '2,50 ×')
>>> long_date("2025-12-01"), long_date("2025-12-01", "en")
('1. december 2025', '1 December 2025')

A line of the law reads as the law words it and as the number it works out to, so the two can
be connected wherever either is shown:

>>> threshold_text(0.02025, "share", operator="mindst", reference="national",
...                reference_value=0.00675)
'mindst 3 × landsgennemsnittet = 2,02 pct.'
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from boligmonitor.labels import label

LOCALES = {"da": "da_DK", "en": "en_GB"}
MISSING = "–"
MINUS = "−"  # U+2212, the typographic minus
MAX_DECIMALS = 6
TEXT = pa.large_string()

# The display scale of each of the engine's units (shares and ratios to the region in percent).
UNIT_SCALE = {"share": 100.0, "ratio_to_region": 100.0, "ratio_to_national": 1.0, "dkk": 1.0}
UNIT_DECIMALS = {"share": 1, "ratio_to_region": 1, "ratio_to_national": 2, "dkk": 0}


def is_missing(x: Any) -> bool:
    """True for None, NaN and pandas' NA (and anything that is not a number)."""
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return True


@cache
def _pattern(decimals: int, sign: bool) -> str:
    frac = "." + "0" * decimals if decimals else ""
    return f"+#,##0{frac};-#,##0{frac}" if sign else f"#,##0{frac}"


def number(x: Any, decimals: int = 0, lang: str = "da", *, sign: bool = False) -> str:
    """``x`` with ``decimals`` decimals and the language's separators; ``–`` if missing.

    ``sign`` writes a plus before positive values. A value that rounds to zero has no sign.
    """
    if is_missing(x):
        return MISSING
    text = format_decimal(float(x), format=_pattern(decimals, sign), locale=LOCALES[lang],
                          decimal_quantization=True)
    if text.lstrip("+-").replace("0", "").strip(".,") == "":
        text = text.lstrip("+-")  # -0,0 and +0,0 read 0,0
    return text.replace("-", MINUS)


def percent(share: Any, decimals: int = 1, lang: str = "da", *, sign: bool = False) -> str:
    """A share (0-1) in percent: ``41,2 pct.`` / ``41.2%``."""
    if is_missing(share):
        return MISSING
    num = number(float(share) * 100, decimals, lang, sign=sign)
    return f"{num} pct." if lang == "da" else f"{num}%"


def points(diff: Any, decimals: int = 1, lang: str = "da", *, sign: bool = True) -> str:
    """A difference of shares in percentage points: ``+2,5 pct.-point`` / ``+2.5 pp``."""
    if is_missing(diff):
        return MISSING
    num = number(float(diff) * 100, decimals, lang, sign=sign)
    return f"{num} pct.-point" if lang == "da" else f"{num} pp"


def kroner(x: Any, lang: str = "da", *, sign: bool = False) -> str:
    """Kroner: ``210.100 kr.`` / ``DKK 210,100``."""
    if is_missing(x):
        return MISSING
    num = number(x, 0, lang, sign=sign)
    return f"{num} kr." if lang == "da" else f"DKK {num}"


def ratio(x: Any, decimals: int = 2, lang: str = "da", *, sign: bool = False) -> str:
    """A ratio to a reference: ``2,50 ×``."""
    if is_missing(x):
        return MISSING
    return f"{number(x, decimals, lang, sign=sign)} ×"


def unit_suffix(unit: str, lang: str = "da", *, margin: bool = False) -> str:
    """The unit written after a number or an axis label: ``pct.``, ``pct.-point``, ``kr.``."""
    if unit == "dkk":
        return "kr." if lang == "da" else "DKK"
    if unit == "ratio_to_national":
        return "×"
    if margin:
        return "pct.-point" if lang == "da" else "pp"
    return "pct." if lang == "da" else "%"


def value(x: Any, unit: str, lang: str = "da", *, decimals: int | None = None,
          sign: bool = False) -> str:
    """A criterion value in the engine's ``unit`` (share, ratio_to_region, ratio_to_national,
    dkk), with the unit's usual decimals unless ``decimals`` says otherwise."""
    d = UNIT_DECIMALS.get(unit, 1) if decimals is None else decimals
    if unit == "dkk":
        return kroner(x, lang, sign=sign)
    if unit == "ratio_to_national":
        return ratio(x, d, lang, sign=sign)
    return percent(x, d, lang, sign=sign)


def margin(x: Any, unit: str, lang: str = "da", *, decimals: int | None = None) -> str:
    """A signed distance to the line in the engine's ``unit``: ``+2,5 pct.-point``."""
    d = UNIT_DECIMALS.get(unit, 1) if decimals is None else decimals
    if unit in ("dkk", "ratio_to_national"):
        return value(x, unit, lang, decimals=d, sign=True)
    return points(x, d, lang)


def base_decimals(unit: str, threshold: Any = None) -> int:
    """The fewest decimals a value of ``unit`` is shown with beside ``threshold``: a share's
    line under 10 pct. (the convicted share) needs a second decimal to show the distance."""
    if unit == "share" and not is_missing(threshold) and abs(float(threshold)) < 0.1:
        return 2
    return UNIT_DECIMALS.get(unit, 1)


def value_decimals(values: Any, thresholds: Any, unit: str, lang: str = "da") -> np.ndarray:
    """Per value: the decimals that show on which side of its threshold it lies
    (:func:`separating_decimals` in the unit's display scale, from :func:`base_decimals`)."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    thresholds = np.broadcast_to(np.asarray(thresholds, dtype=float), values.shape)
    scale = UNIT_SCALE.get(unit, 1.0)
    base = np.array([base_decimals(unit, t) for t in thresholds], dtype=np.int64)
    out = np.empty(values.shape, dtype=np.int64)
    for b in np.unique(base):
        rows = base == b
        out[rows] = separating_decimals(values[rows] * scale, thresholds[rows] * scale, int(b),
                                        lang)
    return out


def _factor(x: float, lang: str) -> str:
    """A factor of the law as written: ``3``, ``2,5`` (rounding noise of a quotient dropped)."""
    x = round(float(x), 6)
    decimals = next(d for d in range(0, 7) if round(x, d) == x)
    return number(x, decimals, lang)


def threshold_text(threshold: Any, unit: str, lang: str = "da", *, operator: str | None = None,
                   reference: str | None = None, reference_value: Any = None,
                   decimals: int | None = None, relation_only: bool = False) -> str:
    """A line as the law words it and the number it works out to, with its operator word.

    ``reference`` is the criterion's reference (``"national"``, ``"regional"`` or
    ``"absolute"``) and ``reference_value`` the average the line is a multiple of; a relative
    line reads as its relation and its value (``mindst 3 × landsgennemsnittet = 2,02 pct.``,
    ``under 55 pct. af regionens gennemsnit = 240.900 kr.``), an absolute one as its value.
    ``relation_only``: the relation without the value (for lines that differ by region).
    """
    if is_missing(threshold):
        text = MISSING
    else:
        d = base_decimals(unit, threshold) if decimals is None else decimals
        shown = value(threshold, unit, lang, decimals=d)
        text = shown
        if reference == "national" and unit == "ratio_to_national":
            text = label("explanation.national_ratio", lang).format(factor=_factor(threshold,
                                                                                    lang))
        elif reference == "national" and not is_missing(reference_value) and reference_value:
            factor = _factor(float(threshold) / float(reference_value), lang)
            text = (label("explanation.national_ratio", lang).format(factor=factor)
                    if relation_only else
                    label("explanation.national_line", lang).format(factor=factor, line=shown))
        elif reference == "regional" and unit == "ratio_to_region":
            text = label("explanation.regional_ratio", lang).format(
                share=percent(threshold, 0 if round(float(threshold) * 100, 6).is_integer()
                              else 1, lang))
        elif reference == "regional" and not is_missing(reference_value) and reference_value:
            share = round(float(threshold) / float(reference_value), 8)
            share_text = percent(share, 0 if round(share * 100, 6).is_integer() else 1, lang)
            text = (label("explanation.regional_ratio", lang).format(share=share_text)
                    if relation_only else
                    label("explanation.regional_line", lang).format(share=share_text,
                                                                      line=shown))
    if operator:
        return f"{label(f'operator.{operator}', lang)} {text}"
    return text


def long_date(day: str | dt.date, lang: str = "da") -> str:
    """A date as the board reads it: ``1. december 2025`` / ``1 December 2025``."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return format_date(day, format="long", locale=LOCALES[lang])


# --- many values at once, and the decimals that keep a comparison visible ------------------------


@cache
def _symbols(lang: str) -> tuple[str, str]:
    sym = Locale.parse(LOCALES[lang]).number_symbols["latn"]
    return sym["decimal"], sym["group"]


def _rounded(values: np.ndarray, dec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value scaled by its decimals and rounded to a whole number, and where that agrees
    with Babel's rounding for sure: not negative, not huge, not within noise of a tie (those
    go through :func:`number` itself)."""
    scaled = values * 10.0 ** dec
    with np.errstate(invalid="ignore"):
        tie_distance = np.abs(2 * (scaled - np.floor(scaled)) - 1)
        fast = ~np.signbit(values) & (scaled < 2.0**52) & (tie_distance > 1e-6)
    return np.rint(np.where(fast, scaled, 0)).astype(np.int64), fast


def numbers(values: np.ndarray, decimals: np.ndarray | int, lang: str, suffix: str = "",
            missing: str = MISSING, prefix: str = "") -> tuple[pa.Array, np.ndarray]:
    """:func:`number` for many values: the distinct texts and, per value, the index of its text.

    ``decimals`` is one number or one per value; a number reads ``prefix`` + number +
    ``suffix`` ("DKK 210,100"), a missing value reads ``missing``, without either. Rounded values
    repeat a lot, so each distinct text is made once. Values whose binary form lies within
    rounding noise of a tie, and huge or negative ones, go through :func:`number` itself, so the
    texts always agree with it.
    """
    values = np.asarray(values, dtype=float)
    dec = np.broadcast_to(np.asarray(decimals, dtype=np.int64), values.shape)
    point, group = _symbols(lang)
    ints, fast = _rounded(values, dec)
    # One key per (rounded value, decimals); hashed, not sorted: each distinct text once.
    codes, uniq = pd.factorize(ints[fast] * (MAX_DECIMALS + 1) + dec[fast])
    texts: list[str] = []
    for key in uniq.tolist():
        k, d = divmod(key, MAX_DECIMALS + 1)
        whole, frac = divmod(k, 10**d) if d else (k, 0)
        txt = f"{whole:,}".replace(",", group)
        if d:
            txt += point + str(frac).rjust(d, "0")
        texts.append(prefix + txt + suffix)
    out = np.empty(len(values), dtype=np.int64)
    out[fast] = codes
    slow = np.flatnonzero(~fast & ~np.isnan(values))
    for i in slow:
        out[i] = len(texts)
        texts.append(prefix + number(values[i], int(dec[i]), lang) + suffix)
    nan = np.isnan(values)
    if nan.any():
        out[nan] = len(texts)
        texts.append(missing)
    return pa.array(texts, type=TEXT), out


def numbers_text(values: np.ndarray, decimals: np.ndarray | int, lang: str,
                 suffix: str = "", missing: str = MISSING) -> pa.Array:
    """:func:`numbers` as one text per value."""
    texts, codes = numbers(values, decimals, lang, suffix, missing)
    return texts.take(pa.array(codes))


def separating_decimals(values: np.ndarray, thresholds: np.ndarray, base: int,
                        lang: str = "da") -> np.ndarray:
    """Per value: the fewest decimals (at least ``base``) at which the value and its threshold,
    both rounded, read differently, so a reader sees on which side of the line it lies.

    Where they are equal (within rounding noise of the comparison) ``base`` is kept: an equal
    text then means an equal value. Both are in display units (percent, kroner). Texts are
    compared as :func:`number` makes them (the rounded whole numbers where that is sure, the
    texts themselves near a tie).

    >>> separating_decimals(np.array([40.04, 39.96, 40.0, 41.0]), np.full(4, 40.0), 1)
    array([2, 2, 1, 1])
    """
    values = np.asarray(values, dtype=float)
    thresholds = np.asarray(thresholds, dtype=float)
    out = np.full(values.shape, base, dtype=np.int64)
    open_ = ~np.isnan(values) & ~np.isnan(thresholds)
    with np.errstate(invalid="ignore"):
        open_ &= ~np.isclose(values, thresholds, rtol=1e-9, atol=0.0)
    for d in range(base, MAX_DECIMALS + 1):
        if not open_.any():
            break
        idx = np.flatnonzero(open_)
        dec = np.full(len(idx), d, dtype=np.int64)
        v, v_fast = _rounded(values[idx], dec)
        t, t_fast = _rounded(thresholds[idx], dec)
        same = v == t
        for j in np.flatnonzero(~(v_fast & t_fast)):
            same[j] = number(values[idx[j]], d, lang) == number(thresholds[idx[j]], d, lang)
        out[idx] = d
        open_[idx[~same]] = False
    return out


def text_list(items: list[str], lang: str = "da") -> str:
    """``a, b og c`` / ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    word = " og " if lang == "da" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def year_span(years: Any, sep: str = ",") -> str:
    """Years as a compact text: runs as ``2016-2019``, joined by ``sep`` (a comma in data
    columns; :func:`years_text` for a reader).

    >>> year_span([2014, 2016, 2017, 2018])
    '2014,2016-2018'
    """
    runs: list[list[int]] = []
    for y in sorted({int(y) for y in years}):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return sep.join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def years_text(years: Any) -> str:
    """Years for a reader: runs as ``2016-2019``, joined by a comma and a space.

    >>> years_text([2014, 2016, 2017, 2018, 2023, 2024])
    '2014, 2016-2018, 2023-2024'
    """
    return year_span(years, ", ")
