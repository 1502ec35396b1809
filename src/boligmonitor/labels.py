"""Access to the one bilingual label catalogue (``labels.toml``).

Every text that a person reads comes from the catalogue, in Danish (``da``, the default) or
English (``en``). Code asks by key, such as ``"category.parallelsamfund"``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

Lang = Literal["da", "en"]
LANGS: tuple[str, ...] = ("da", "en")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Return the whole catalogue as ``{"group.key": {"da": ..., "en": ...}}``."""
    raw = tomllib.loads(resources.files("boligmonitor").joinpath("labels.toml").read_text("utf-8"))
    flat: dict[str, dict[str, str]] = {}
    for group, entries in raw.items():
        for key, texts in entries.items():
            flat[f"{group}.{key}"] = texts
    return flat


def label(key: str, lang: str = "da") -> str:
    """Return the label ``key`` in ``lang``.

    Examples
    --------
    >>> label("category.parallelsamfund", "en")
    'Parallel society'
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    try:
        return catalogue()[key][lang]
    except KeyError:
        raise KeyError(f"no label {key!r} in {lang!r} in labels.toml") from None


def label_n(key: str, n: int, lang: str = "da") -> str:
    """The singular (``<key>_one``) or plural (``<key>_other``) label for a count ``n``.

    Examples
    --------
    >>> label_n("summary.areas", 1, "da").format(n=1), label_n("summary.areas", 2).format(n=2)
    ('1 område', '2 områder')
    """
    return label(f"{key}_one" if n == 1 else f"{key}_other", lang)


def has_label(key: str) -> bool:
    """Return whether the catalogue has ``key``."""
    return key in catalogue()
