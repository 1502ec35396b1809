"""Plain-language explanations of a score, in Danish and English, built vectorised.

Every word comes from the label catalogue (``labels.toml``: groups ``explanation``, ``operator``,
``status``, ``classification``, ``criterion``, ``category``); this module only fills the
templates for many areas at once, without a Python loop over areas.

"Houlkærvænget opfylder 2 af 4 kriterier for udsat boligområde: ... Kategori: Udsat boligområde."
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from boligmonitor.labels import label


def fill(template: str, fields: dict[str, Any], n: int) -> np.ndarray:
    """Fill ``template`` for ``n`` rows; each field is a scalar or an array of ``n`` strings."""
    out = np.full(n, "", dtype=object)
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if name is not None:
            value = fields[name]
            out = out + (value.astype(object) if isinstance(value, np.ndarray) else str(value))
    return out


def number(values: np.ndarray, decimals: int, lang: str, suffix: str = "") -> np.ndarray:
    """Format numbers with ``decimals`` decimals and ``suffix``; Danish uses a decimal comma.

    A missing value reads as the catalogue's word for missing, without the suffix.
    """
    txt = np.char.mod(f"%.{decimals}f", np.nan_to_num(values, nan=0.0)).astype(object)
    if lang == "da":
        txt = np.char.replace(txt.astype(str), ".", ",").astype(object)
    txt = txt + suffix
    txt[np.isnan(values)] = label("text.missing", lang)
    return txt


def _value_texts(scored, rows: np.ndarray, lang: str) -> tuple[np.ndarray, str]:
    """The criterion's value and its threshold as read in a sentence, in the same unit."""
    crit = scored.criterion
    value = scored.value[rows]
    unit = scored.ev.unit
    if crit.reference == "national" or unit == "ratio_to_national":
        ratio = value if unit == "ratio_to_national" else value / scored.ev.reference_value[rows]
        tail = " " + label("explanation.times_national", lang)
        return number(ratio, 2, lang, tail), _scalar(crit.threshold, 2, lang) + tail
    if crit.reference == "regional" or unit == "ratio_to_region":
        ratio = value if unit == "ratio_to_region" else value / scored.ev.reference_value[rows]
        tail = " " + label("explanation.of_regional", lang)
        return (number(ratio * 100, 1, lang, tail), _scalar(crit.threshold * 100, 1, lang) + tail)
    if unit == "dkk":
        return number(value, 0, lang, " kr."), _scalar(crit.threshold, 0, lang) + " kr."
    # Small shares (the convicted share) need a second decimal to show the distance to the line.
    decimals = 2 if crit.threshold < 0.1 else 1
    return (
        number(value * 100, decimals, lang, " %"),
        _scalar(crit.threshold * 100, decimals, lang) + " %",
    )


def _scalar(value: float, decimals: int, lang: str) -> str:
    return str(number(np.array([value]), decimals, lang)[0])


def _criterion_text(scored, rows: np.ndarray, lang: str) -> np.ndarray:
    n = int(rows.sum())
    value, threshold = _value_texts(scored, rows, lang)
    yes, no = scored.met.yes[rows], scored.met.no[rows]
    status = np.where(
        yes,
        label("status.met", lang),
        np.where(no, label("status.not_met", lang), label("status.unknown", lang)),
    ).astype(object)
    crit_label = label(f"criterion.{scored.criterion.id}", lang)
    return fill(
        label("explanation.criterion", lang),
        {
            "criterion": crit_label,
            "value": value,
            "operator": label(f"operator.{scored.criterion.operator}", lang),
            "threshold": threshold,
            "status": status,
        },
        n,
    )


def _class_label(cid: str, lang: str) -> str:
    try:
        return label(f"classification.{cid}", lang)
    except KeyError:
        return cid


def explain_year(
    year, rows: np.ndarray, names: np.ndarray, category: np.ndarray, lang: str
) -> np.ndarray:
    """Return one explanation per area of one scored list year (``rows`` selects the areas)."""
    n = int(rows.sum())
    rules = year.rules
    primary = rules.primary_classification
    parts: list[np.ndarray] = []
    gates_done: set[str] = set()
    for cl in rules.classifications:
        crits = [s for s in year.scored if s.classification == cl.id]
        if cl.role == "criteria":
            head = fill(
                label("explanation.criteria_met", lang),
                {
                    "area": names,
                    "n": year.n_met[cl.id][rows].astype(str).astype(object),
                    "k": str(len(cl.criteria)),
                    "classification": _class_label(cl.id, lang),
                },
                n,
            )
            if cl.id == primary:
                details = _criterion_text(crits[0], rows, lang)
                for s in crits[1:]:
                    details = details + "; " + _criterion_text(s, rows, lang)
                parts.append(head + ": " + details + ".")
            else:
                parts.append(head + ".")
        else:
            for s in crits:
                key = f"{s.criterion.id}{s.criterion.threshold}"
                if key not in gates_done:
                    gates_done.add(key)
                    parts.append(_criterion_text(s, rows, lang) + ".")
    unknown = year.n_unknown[primary][rows]
    cat_text = np.array([label(f"category.{c}", lang) for c in np.unique(category)], dtype=object)[
        np.searchsorted(np.unique(category), category)
    ]
    parts.append(fill(label("explanation.category", lang), {"category": cat_text}, n))
    out = parts[0]
    for p in parts[1:]:
        out = out + " " + p
    unknown_txt = fill(
        label("explanation.criteria_unknown", lang), {"u": unknown.astype(str).astype(object)}, n
    )
    out = np.where(unknown > 0, out + " " + unknown_txt + ".", out)
    listable_yes, listable_no = year.listable.yes[rows], year.listable.no[rows]
    out = np.where(listable_no, out + " " + label("explanation.not_listable", lang), out)
    out = np.where(
        ~(listable_yes | listable_no),
        out + " " + label("explanation.listability_unknown", lang),
        out,
    )
    return out.astype(object)
