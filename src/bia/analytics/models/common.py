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


def smooth(field: np.ndarray, grid: Grid, bandwidth_m: float,
           edge_correct: bool = False) -> np.ndarray:
    """Gaussian kernel smoothing of a gridded field over the study area.

    Without ``edge_correct``, mass spilling outside the study-area mask is lost, the usual
    behaviour of a fixed-bandwidth kernel estimate. With it, each cell is divided by the
    kernel mass falling inside the area (Diggle 1985, "A kernel method for smoothing point
    process data", Applied Statistics 34:138), so edges are not under-estimated.
    """
    if bandwidth_m <= 0:
        return field * grid.mask
    sigma = bandwidth_m / grid.cell_m
    mask = grid.mask.astype(float)
    out = ndimage.gaussian_filter(field * mask, sigma=sigma, mode="constant", truncate=3.0)
    if edge_correct:
        inside = ndimage.gaussian_filter(mask, sigma=sigma, mode="constant", truncate=3.0)
        out = np.divide(out, inside, out=np.zeros_like(out), where=inside > 1e-9)
    return out * mask


def active(field: np.ndarray, grid: Grid) -> np.ndarray:
    """Values of a (ny, nx) field at the study-area cells (the order of ``grid.active``)."""
    return field.ravel()[grid.active]
