"""Scoring of place-based forecasts: hit rate and PAI at a share of the area.

Hit rate at ``a`` % of the area: the share of the window's events that fall in the ``a`` % of
cells with the highest scores. PAI (Predictive Accuracy Index, Chainey, Tompson & Uhlig 2008,
"The utility of hotspot mapping for predicting spatial patterns of crime", Security Journal
21:4–28) is that hit rate divided by the area share. Scoring lives apart from the models so
that every model is judged by the same code.

Ties at the selection threshold are shared out: when ``b`` cells tie for the last ``r``
places, each counts for ``r / b`` of its events. That is the expectation under random
tie-breaking, without drawing random numbers, so a model that outputs many equal scores
(recent counts) is neither favoured nor penalised by the order of the cells.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DEFAULT_FRACTIONS: tuple[float, ...] = (0.01, 0.05, 0.10)


def hit_rate(scores: np.ndarray, counts: np.ndarray, fraction: float,
             total: float | None = None) -> float:
    """Share of events caught by the top ``fraction`` of cells (see the module docstring).

    ``counts`` are the window's events per cell, aligned with ``scores``; ``total`` is the
    number of events in the window including those outside the study area (missed by every
    model); it defaults to ``counts.sum()``.
    """
    scores = np.asarray(scores, float)
    counts = np.asarray(counts, float)
    total = float(counts.sum()) if total is None else float(total)
    if total <= 0 or scores.size == 0:
        return float("nan")
    k = selected_cells(scores.size, fraction)
    order = np.sort(scores)[::-1]
    threshold = order[k - 1]
    above = scores > threshold
    tied = scores == threshold
    remaining = k - int(above.sum())
    caught = counts[above].sum() + remaining / int(tied.sum()) * counts[tied].sum()
    return float(caught / total)


def selected_cells(n_cells: int, fraction: float) -> int:
    """Number of cells flagged at ``fraction`` of the area (at least one)."""
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    return max(1, int(round(fraction * n_cells)))


def pai(scores: np.ndarray, counts: np.ndarray, fraction: float,
        total: float | None = None) -> float:
    """Predictive Accuracy Index: hit rate / share of area actually flagged."""
    k = selected_cells(len(scores), fraction)
    return hit_rate(scores, counts, fraction, total) / (k / len(scores))


def score_window(scores: np.ndarray, counts: np.ndarray,
                 fractions: Sequence[float] = DEFAULT_FRACTIONS,
                 total: float | None = None) -> dict[str, dict[float, float]]:
    """Hit rate and PAI at each fraction for one forecast window."""
    return {
        "hit_rate": {f: hit_rate(scores, counts, f, total) for f in fractions},
        "pai": {f: pai(scores, counts, f, total) for f in fractions},
    }


def fraction_label(f: float) -> str:
    return f"{f * 100:g}%"
