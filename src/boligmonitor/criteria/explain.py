"""Plain-language explanations of a score, in Danish and English, built vectorised.

Every word comes from the label catalogue (``labels.toml``: groups ``explanation``, ``operator``,
``status``, ``classification``, ``criterion``, ``category``) and every number from
:mod:`boligmonitor.formatting`; this module only fills the templates for many areas at once,
without a Python loop over areas.

"Houlkærvænget opfylder 2 af 4 kriterier for udsat boligområde: ... Kategori: Udsat boligområde."

A sentence is a list of pieces (a literal, or an Arrow array of one text per area) that is
concatenated row-wise in Arrow once per list year and language, so no Python string is made
per area; the columns reach pandas as Arrow-backed text without a conversion.

What an explanation says, in order: the criteria of every list's classification with value,
line and status (the value with the decimals that show on which side of the line it lies); each
non-western test and the category it is a condition for; a consecutive-years count; the
category (for an undetermined one: the least and most severe it can be); the area requirement
(with what the area would be at the required size); the published list and whether it agrees.
"""

from __future__ import annotations

import string
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from boligmonitor import formatting
from boligmonitor.criteria.sources import year_spans
from boligmonitor.labels import label

TEXT = formatting.TEXT
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
    return pa.array(texts, type=TEXT).take(pa.array(np.asarray(codes, dtype=np.int64)))


def _where(mask: np.ndarray, text: pa.Array) -> Piece:
    """``text`` where ``mask``, nothing elsewhere."""
    if not mask.any():
        return ""
    return pc.if_else(pa.array(mask), text, pa.scalar("", TEXT))


def _count(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64)).cast(TEXT)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _cat(cat_id: str, lang: str, *, lower: bool = True) -> str:
    text = label(f"category.{cat_id}", lang)
    return _lower(text) if lower else text


def _cats(ids: np.ndarray, lang: str, *, lower: bool = True) -> pa.Array:
    codes, cats = pd.factorize(np.asarray(ids, dtype=object))
    return _pick([_cat(str(c), lang, lower=lower) for c in cats], codes)


def _class_label(cid: str, lang: str) -> str:
    try:
        return label(f"classification.{cid}", lang)
    except KeyError:
        return cid


def _factor(x: float, lang: str) -> str:
    """A law's factor as written: 3, 2,5."""
    return formatting.number(x, 0 if float(x).is_integer() else 2, lang)


# --- one criterion ------------------------------------------------------------------------------


def _display(scored, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, str, int]:
    """Value and threshold in display units, the unit's suffix kind and the base decimals."""
    crit, ev = scored.criterion, scored.ev
    value, threshold = scored.value[rows], ev.threshold[rows]
    if ev.unit == "ratio_to_national":
        return value, threshold, "ratio", 2
    if crit.reference == "regional" or ev.unit == "ratio_to_region":
        if ev.unit != "ratio_to_region":  # kroner against the regional mean
            ref = ev.reference_value[rows]
            with np.errstate(divide="ignore", invalid="ignore"):
                value, threshold = value / ref, threshold / ref
        return value * 100, threshold * 100, "regional", 1
    if ev.unit == "dkk":
        return value, threshold, "dkk", 0
    # Small shares (the convicted share) need a second decimal to show the distance to the line.
    base = 2 if np.nanmax(np.append(np.abs(threshold), 0.0)) < 0.1 else 1
    return value * 100, threshold * 100, "share", base


def _suffix(kind: str, lang: str) -> str:
    pct = " pct." if lang == "da" else "%"  # as formatting.percent writes it
    return {
        "ratio": " ×",
        "regional": pct + " " + label("explanation.of_regional_mean", lang),
        "dkk": " " + formatting.unit_suffix("dkk", lang),
        "share": pct,
    }[kind]


def _criterion_text(scored, rows: np.ndarray, lang: str) -> pa.Array:
    crit = scored.criterion
    value, threshold, kind, base = _display(scored, rows)
    decimals = formatting.separating_decimals(value, threshold, base, lang)
    suffix = _suffix(kind, lang) if kind != "dkk" or lang == "da" else ""
    prefix = "DKK " if kind == "dkk" and lang == "en" else ""
    missing = label("text.missing", lang)
    v_texts, v_codes = formatting.numbers(value, decimals, lang, suffix, missing, prefix)
    l_texts, l_codes = formatting.numbers(threshold, decimals, lang, suffix, missing, prefix)
    status = np.where(scored.met.yes[rows], 0, np.where(scored.met.no[rows], 1, 2))
    # The sentence depends only on the value's text, the line's text and the status: make each
    # combination once, then give every area its own.
    n_lines = len(l_texts)
    codes, combos = pd.factorize((v_codes * n_lines + l_codes) * 3 + status)
    combos = np.asarray(combos, dtype=np.int64)
    m = len(combos)
    value_txt = v_texts.take(pa.array(combos // 3 // n_lines))
    line_txt = l_texts.take(pa.array(combos // 3 % n_lines))
    factor = _factor(crit.threshold, lang)
    line: Piece
    if crit.reference == "national" and kind == "ratio":
        line = label("explanation.national_ratio", lang).format(factor=factor)
    elif crit.reference == "national":
        line = join(fill(label("explanation.national_line", lang),
                         {"factor": factor, "line": line_txt}), m)
    else:
        line = line_txt
    status_txt = _pick(
        [label("status.met", lang), label("status.not_met", lang), label("status.unknown", lang)],
        combos % 3,
    )
    pieces = fill(
        label("explanation.criterion", lang),
        {
            "criterion": label(f"criterion.{crit.id}", lang),
            "value": value_txt,
            "operator": label(f"operator.{crit.operator}", lang),
            "threshold": line,
            "status": status_txt,
        },
    )
    return join(pieces, m).take(pa.array(codes))


# --- one list year ------------------------------------------------------------------------------


def _gated(rules, gate_id: str, lang: str) -> str:
    """The categories a gate (a non-western test) is a condition for."""
    cats = [c.id for c in sorted(rules.categories, key=lambda c: c.severity)
            if gate_id in c.all_of]
    return formatting.text_list([_cat(c, lang) for c in cats], lang)


def _criteria_sentences(year, rows: np.ndarray, names: pa.Array, lang: str) -> list[list[Piece]]:
    rules = year.rules
    sentences: list[list[Piece]] = []
    for cl in rules.classifications:
        crits = [s for s in year.scored if s.classification == cl.id]
        if cl.role == "criteria":
            head = fill(
                label("explanation.criteria_met", lang),
                {
                    "area": names,
                    "n": _count(year.n_met[cl.id][rows]),
                    "k": str(len(cl.criteria)),
                    "classification": _class_label(cl.id, lang),
                },
            )
            details: list[Piece] = []
            for i, s in enumerate(crits):
                details += ["; "] * (i > 0) + [_criterion_text(s, rows, lang)]
            sentences.append([*head, ": ", *details, "."])
        else:
            gated = fill(label("explanation.gate_for", lang), {"categories": _gated(rules, cl.id,
                                                                                    lang)})
            for s in crits:
                sentences.append([_criterion_text(s, rows, lang), " ", *gated, "."])
    return sentences


def _run_sentence(year, rows: np.ndarray, category: np.ndarray, lang: str) -> list[Piece]:
    run = next(iter(year.runs.values()), None)
    if run is None:
        return []
    n = int(rows.sum())
    counted = run.run[rows]
    missing = year_spans(run.missing()[rows][:, 1:], run.years[1:])
    fields = {"base": _cat(run.base, lang, lower=False), "run": _count(counted),
              "category": _cat(run.category, lang), "k": str(run.years_required)}
    counting = _where(counted > 0, join(fill(label("explanation.run", lang), fields), n))
    gaps = (missing != "") & (category == "undetermined")
    missing_txt = _where(gaps, join(
        fill(label("explanation.run_missing", lang),
             {**fields, "missing": pa.array(missing.astype(str), type=TEXT)}), n))
    both = counted.astype(bool) & gaps
    said = (counted > 0) | gaps
    return [_where(said, pa.array([" "] * n, type=TEXT)), counting,
            _where(both, pa.array(["; "] * n, type=TEXT)), missing_txt,
            _where(said, pa.array(["."] * n, type=TEXT))]


def _category_sentence(cats: dict[str, np.ndarray], lang: str) -> list[Piece]:
    category, certain, possible = cats["category"], cats["category_certain"], \
        cats["category_possible"]
    n = len(category)
    decided = join(fill(label("explanation.category", lang),
                        {"category": _cats(category, lang, lower=False)}), n)
    at_least = join(fill(label("explanation.category_range", lang),
                         {"certain": _cats(certain, lang), "possible": _cats(possible, lang)}), n)
    up_to = join(fill(label("explanation.category_upto", lang),
                      {"possible": _cats(possible, lang)}), n)
    code = np.where(category != "undetermined", 0, np.where(certain == "none", 2, 1))
    return [pc.choose(pa.array(code.astype(np.int8)), decided, at_least, up_to)]


def _listable_sentence(year, rows: np.ndarray, if_listable: np.ndarray, lang: str) -> list[Piece]:
    n = int(rows.sum())
    yes, no = year.listable.yes[rows], year.listable.no[rows]
    minimum = formatting.number(year.rules.min_residents, 0, lang)
    small = " " + label("explanation.not_listable", lang).format(min=minimum)
    unknown = " " + label("explanation.listability_unknown", lang).format(min=minimum)
    pieces: list[Piece] = [_pick(["", small, unknown], np.where(no, 1, np.where(yes, 0, 2)))]
    would = no & (if_listable != "none")
    if would.any():
        pieces += [_where(would, join([" ", *fill(label("explanation.if_listable", lang), {
            "min": minimum, "category": _cats(if_listable, lang)})], n))]
    return pieces


def _published_sentence(published: np.ndarray, agrees, rows: np.ndarray,
                        lang: str) -> list[Piece]:
    n = len(published)
    known = published != ""
    if not known.any():
        return []
    yes, no = agrees.yes[rows], agrees.no[rows]
    agreement = _pick(
        [label("explanation.agrees", lang), label("explanation.differs", lang),
         label("explanation.not_comparable", lang)],
        np.where(yes, 0, np.where(no, 1, 2)),
    )
    text = join([" ", *fill(label("explanation.published", lang), {
        "category": _cats(np.where(known, published, "none"), lang), "agreement": agreement})], n)
    return [_where(known, text)]


def explain_year(year, rows: np.ndarray, names: np.ndarray, cats: dict[str, np.ndarray],
                 published: np.ndarray, agrees, lang: str) -> pa.Array:
    """Return one explanation per area of one scored list year (``rows`` selects the areas).

    ``cats`` holds the category columns (``category``, ``category_certain``,
    ``category_possible``, ``category_if_listable``) for the selected areas; ``published`` their
    published category (``""`` where unknown) and ``agrees`` the agreement for all areas.
    """
    n = int(rows.sum())
    primary = year.rules.primary_classification
    sentences = _criteria_sentences(year, rows, pa.array(names, type=TEXT), lang)
    unknown = year.n_unknown[primary][rows]
    pieces: list[Piece] = []
    for i, sentence in enumerate(sentences):
        pieces += [" "] * (i > 0) + sentence
    pieces += _run_sentence(year, rows, cats["category"], lang)  # brings its own space
    pieces += [" ", *_category_sentence(cats, lang)]
    if (unknown > 0).any():
        one = " " + label("explanation.criteria_unknown_one", lang) + "."
        many = join([" ", *fill(label("explanation.criteria_unknown", lang),
                                {"u": _count(unknown)}), "."], n)
        pieces.append(pc.choose(pa.array(np.minimum(unknown, 2).astype(np.int8)),
                                pa.array([""] * n, type=TEXT), pa.array([one] * n, type=TEXT),
                                many))
    pieces += _listable_sentence(year, rows, cats["category_if_listable"], lang)
    pieces += _published_sentence(published, agrees, rows, lang)
    return join(pieces, n)


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
