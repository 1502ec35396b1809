"""Plain-language explanations of a score, in Danish and English, built vectorised.

Every word comes from the label catalogue (``labels.toml``: groups ``explanation``, ``operator``,
``status``, ``classification``, ``criterion``, ``category``); this module only fills the
templates for many areas at once, without a Python loop over areas.

"Houlkærvænget opfylder 2 af 4 kriterier for udsat boligområde: ... Kategori: Udsat boligområde."

A sentence is a list of pieces (a literal, or an Arrow array of one text per area) that is
concatenated row-wise in Arrow once per list year and language, so no Python string is made
per area; the columns reach pandas as Arrow-backed text without a conversion.
"""

from __future__ import annotations

import string
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from boligmonitor.labels import label

TEXT = pa.large_string()
Piece = str | pa.Array


def fill(template: str, fields: dict[str, Piece]) -> list[Piece]:
    """Split ``template`` into pieces: its literals and the fields (a text or an array of texts)."""
    pieces: list[Piece] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            pieces.append(literal)
        if name is not None:
            pieces.append(fields[name])
    return pieces


def join(pieces: list[Piece], n: int) -> pa.Array:
    """Concatenate ``pieces`` row by row into ``n`` texts."""
    merged: list[Piece] = []
    for p in pieces:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p  # adjacent literals: one argument fewer per row
        elif not (isinstance(p, str) and not p):
            merged.append(p)
    if not any(isinstance(p, pa.Array) for p in merged):
        return pa.array(["".join(merged)] * n, type=TEXT)  # type: ignore[arg-type]
    args = [p if isinstance(p, pa.Array) else pa.scalar(p, TEXT) for p in merged]
    return pc.binary_join_element_wise(*args, pa.scalar("", TEXT))


def _pick(texts: list[str], codes: np.ndarray) -> pa.Array:
    """One of a few ``texts`` per row, by index."""
    return pa.array(texts, type=TEXT).take(pa.array(codes))


def number(values: np.ndarray, decimals: int, lang: str, suffix: str = "") -> pa.Array:
    """Format numbers with ``decimals`` decimals and ``suffix``; Danish uses a decimal comma.

    Rounds as printf's ``%.{decimals}f`` does (the exact binary value, ties to even). A missing
    value reads as the catalogue's word for missing, without the suffix.
    """
    texts, codes = _numbers(values, decimals, lang, suffix)
    return texts.take(pa.array(codes))


def _numbers(
    values: np.ndarray, decimals: int, lang: str, suffix: str
) -> tuple[pa.Array, np.ndarray]:
    """:func:`number` as the distinct texts and, per value, the index of its text.

    Rounded, the values repeat a lot (a share in percent with one decimal has at most a
    thousand texts), so each distinct text is made once.
    """
    values = np.asarray(values, dtype=float)
    point = "," if lang == "da" else "."
    scaled = values * 10.0**decimals
    with np.errstate(invalid="ignore"):
        # Rounding the scaled value in binary agrees with printf except within its rounding
        # error of a tie; those, negative values (and -0.0) and huge or non-finite values go
        # through Python's printf, which is what the texts have always been made with.
        tie_distance = np.abs(2 * (scaled - np.floor(scaled)) - 1)
        fast = ~np.signbit(values) & (scaled < 2.0**52) & (tie_distance > 1e-9 + scaled * 1e-15)
    k, codes = np.unique(np.rint(scaled[fast]).astype(np.int64), return_inverse=True)
    unit = 10**decimals
    pieces: list[Piece] = [pa.array(k // unit).cast(TEXT)]
    if decimals:
        frac = pc.utf8_lpad(pa.array(k % unit).cast(TEXT), width=decimals, padding="0")
        pieces += [point, frac]
    extra = []
    out = np.empty(len(values), dtype=np.int64)
    out[fast] = codes
    slow = ~fast & ~np.isnan(values)
    if slow.any():
        # An infinite value (a zero reference) reads as the largest float, as it always has.
        odd = np.nan_to_num(values[slow], nan=0.0)
        extra += [(f"%.{decimals}f" % v).replace(".", point) + suffix for v in odd]
        out[slow] = len(k) + np.arange(len(odd))
    missing = np.isnan(values)
    if missing.any():
        out[missing] = len(k) + len(extra)
        extra.append(label("text.missing", lang))
    texts = join([*pieces, suffix], len(k))
    if extra:
        texts = pa.concat_arrays([texts, pa.array(extra, type=TEXT)])
    return texts, out


def _scalar(value: float, decimals: int, lang: str) -> str:
    return number(np.array([value]), decimals, lang)[0].as_py()


def _value_texts(scored, rows: np.ndarray, lang: str) -> tuple[tuple[pa.Array, np.ndarray], str]:
    """The criterion's value and its threshold as read in a sentence, in the same unit."""
    crit = scored.criterion
    value = scored.value[rows]
    unit = scored.ev.unit
    if crit.reference == "national" or unit == "ratio_to_national":
        ratio = value if unit == "ratio_to_national" else value / scored.ev.reference_value[rows]
        tail = " " + label("explanation.times_national", lang)
        return _numbers(ratio, 2, lang, tail), _scalar(crit.threshold, 2, lang) + tail
    if crit.reference == "regional" or unit == "ratio_to_region":
        ratio = value if unit == "ratio_to_region" else value / scored.ev.reference_value[rows]
        tail = " " + label("explanation.of_regional", lang)
        return (_numbers(ratio * 100, 1, lang, tail), _scalar(crit.threshold * 100, 1, lang) + tail)
    if unit == "dkk":
        return _numbers(value, 0, lang, " kr."), _scalar(crit.threshold, 0, lang) + " kr."
    # Small shares (the convicted share) need a second decimal to show the distance to the line.
    decimals = 2 if crit.threshold < 0.1 else 1
    return (
        _numbers(value * 100, decimals, lang, " %"),
        _scalar(crit.threshold * 100, decimals, lang) + " %",
    )


def _criterion_text(scored, rows: np.ndarray, lang: str) -> pa.Array:
    (values, value_codes), threshold = _value_texts(scored, rows, lang)
    yes, no = scored.met.yes[rows], scored.met.no[rows]
    # The sentence depends only on the value's text and the status: make each pair once.
    pairs, codes = np.unique(
        value_codes * 3 + np.where(yes, 0, np.where(no, 1, 2)), return_inverse=True
    )
    status = _pick(
        [label("status.met", lang), label("status.not_met", lang), label("status.unknown", lang)],
        pairs % 3,
    )
    pieces = fill(
        label("explanation.criterion", lang),
        {
            "criterion": label(f"criterion.{scored.criterion.id}", lang),
            "value": values.take(pa.array(pairs // 3)),
            "operator": label(f"operator.{scored.criterion.operator}", lang),
            "threshold": threshold,
            "status": status,
        },
    )
    return join(pieces, len(pairs)).take(pa.array(codes))


def _class_label(cid: str, lang: str) -> str:
    try:
        return label(f"classification.{cid}", lang)
    except KeyError:
        return cid


def _count(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64)).cast(TEXT)


def explain_year(
    year, rows: np.ndarray, names: np.ndarray, category: np.ndarray, lang: str
) -> pa.Array:
    """Return one explanation per area of one scored list year (``rows`` selects the areas)."""
    n = int(rows.sum())
    rules = year.rules
    primary = rules.primary_classification
    names_txt = pa.array(names, type=TEXT)
    sentences: list[list[Piece]] = []
    gates_done: set[str] = set()
    for cl in rules.classifications:
        crits = [s for s in year.scored if s.classification == cl.id]
        if cl.role == "criteria":
            head = fill(
                label("explanation.criteria_met", lang),
                {
                    "area": names_txt,
                    "n": _count(year.n_met[cl.id][rows]),
                    "k": str(len(cl.criteria)),
                    "classification": _class_label(cl.id, lang),
                },
            )
            if cl.id == primary:
                details: list[Piece] = []
                for i, s in enumerate(crits):
                    details += ["; "] * (i > 0) + [_criterion_text(s, rows, lang)]
                sentences.append([*head, ": ", *details, "."])
            else:
                sentences.append([*head, "."])
        else:
            for s in crits:
                key = f"{s.criterion.id}{s.criterion.threshold}"
                if key not in gates_done:
                    gates_done.add(key)
                    sentences.append([_criterion_text(s, rows, lang), "."])
    codes, cats = pd.factorize(np.asarray(category, dtype=object))
    cat_text = _pick([label(f"category.{c}", lang) for c in cats], codes)
    sentences.append(fill(label("explanation.category", lang), {"category": cat_text}))
    unknown = year.n_unknown[primary][rows]
    if (unknown > 0).any():
        unknown_txt = join(
            [" ", *fill(label("explanation.criteria_unknown", lang), {"u": _count(unknown)}), "."],
            n,
        )
        unknown_tail: Piece = pc.if_else(pa.array(unknown > 0), unknown_txt, pa.scalar("", TEXT))
    else:
        unknown_tail = ""
    listable_yes, listable_no = year.listable.yes[rows], year.listable.no[rows]
    listable_tail = _pick(
        [
            "",
            " " + label("explanation.not_listable", lang),
            " " + label("explanation.listability_unknown", lang),
        ],
        np.where(listable_no, 1, np.where(listable_yes, 0, 2)),
    )
    pieces: list[Piece] = []
    for i, sentence in enumerate(sentences):
        pieces += [" "] * (i > 0) + sentence
    return join([*pieces, unknown_tail, listable_tail], n)


@cache
def _text_dtype():
    # The dtype pandas gives a column of Python strings: Arrow-backed "str" from pandas 3,
    # object before it; the explanations keep the dtype they always had.
    return pd.Series(np.array([""], dtype=object)).dtype


def text_column(parts: list[pa.Array]):
    """Join the explanations of several list years into one pandas text column."""
    chunks = pa.chunked_array(parts, type=TEXT)
    if pd.api.types.is_object_dtype(_text_dtype()):
        return chunks.to_numpy()
    return pd.array(chunks, dtype=_text_dtype())
