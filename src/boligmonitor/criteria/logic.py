"""Nullable booleans for many areas at once: the three-valued logic of the criteria.

A criterion whose value cannot be computed is unknown, never silently not met; a classification
or category is decided only where its unknowns cannot change it. :class:`Tri` holds one such
nullable boolean per area as two masks, so that "and" and "or" stay numpy operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Tri:
    """A nullable boolean per area: ``yes`` where surely true, ``no`` where surely false."""

    yes: np.ndarray
    no: np.ndarray

    @staticmethod
    def of(value: np.ndarray, known: np.ndarray) -> Tri:
        """True/false from ``value`` where ``known``, unknown elsewhere."""
        return Tri(value & known, ~value & known)

    @staticmethod
    def from_float(met: np.ndarray) -> Tri:
        """From 1.0 / 0.0 / NaN (the form :func:`~boligmonitor.criteria.compare` returns)."""
        return Tri(met == 1.0, met == 0.0)

    @staticmethod
    def const(value: bool, n: int) -> Tri:
        return Tri(np.full(n, value), np.full(n, not value))

    @staticmethod
    def unknown(n: int) -> Tri:
        return Tri(np.zeros(n, bool), np.zeros(n, bool))

    @property
    def known(self) -> np.ndarray:
        return self.yes | self.no

    def __and__(self, other: Tri) -> Tri:
        return Tri(self.yes & other.yes, self.no | other.no)

    def __or__(self, other: Tri) -> Tri:
        return Tri(self.yes | other.yes, self.no & other.no)

    def where(self, mask: np.ndarray, other: Tri) -> Tri:
        """This value where ``mask``, ``other`` elsewhere."""
        return Tri(np.where(mask, self.yes, other.yes), np.where(mask, self.no, other.no))

    def take(self, rows: np.ndarray) -> Tri:
        return Tri(self.yes[rows], self.no[rows])

    def to_pandas(self) -> pd.arrays.BooleanArray:
        return pd.arrays.BooleanArray(self.yes.copy(), ~(self.yes | self.no))
