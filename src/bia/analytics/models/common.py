"""Helpers shared by models: windowed counts and Gaussian smoothing on the grid."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from bia.analytics.grid import Grid
from bia.analytics.types import SpaceTimeEvents


def window_counts(history: SpaceTimeEvents, grid: Grid, start: float, end: float,
                  decay_days: float | None = None, weighted: bool = True) -> np.ndarray:
    """(ny, nx) weighted counts of events in ``[start, end)``.

    With ``decay_days``, each event also counts ``exp(-(end - t) / decay_days)``.
    """
    win = history.between(start, end)
    w = win.weight.copy() if weighted else np.ones(len(win))
    if decay_days:
        w = w * np.exp(-(end - win.t) / decay_days)
    return grid.counts(win.cell, w)


def smooth(field: np.ndarray, grid: Grid, bandwidth_m: float) -> np.ndarray:
    """Gaussian kernel smoothing of a gridded field, keeping the mass inside the study area.

    Mass spilling outside the study-area mask is lost (not renormalised): edge cells are
    slightly down-weighted, the usual behaviour of a fixed-bandwidth kernel estimate.
    """
    if bandwidth_m <= 0:
        return field * grid.mask
    sigma = bandwidth_m / grid.cell_m
    out = ndimage.gaussian_filter(field * grid.mask, sigma=sigma, mode="constant",
                                  truncate=3.0)
    return out * grid.mask


def active(field: np.ndarray, grid: Grid) -> np.ndarray:
    """Values of a (ny, nx) field at the study-area cells (the order of ``grid.active``)."""
    return field.ravel()[grid.active]
