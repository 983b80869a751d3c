"""Hot spots on a grid: Getis–Ord Gi* with a false-discovery-rate correction.

Gi* (Getis & Ord 1992, "The analysis of spatial association by use of distance statistics",
Geographical Analysis 24:189; Ord & Getis 1995, Geographical Analysis 27:286) compares the
count of a cell *and its neighbours* with the mean over the whole area; its z-score is
approximately normal. Neighbours are the cells within ``k`` rings (queen contiguity for
``k = 1``) inside the study area, binary weights including the cell itself — the same
definition as ``esda.G_Local(y, w, transform="B", star=True)``, against which it is tested.
With thousands of cells, about 5 % would look "significant" at p < 0.05 by chance, so the
p-values are corrected by Benjamini–Hochberg (see :mod:`bia.analytics.multitest`); the FDR
control is valid under the positive dependence that neighbouring Gi* values have (Benjamini &
Yekutieli 2001; Caldas de Castro & Singer 2006, Geographical Analysis 38:180).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import ndimage, stats

from bia.analytics.forecast import grid_for, prepare
from bia.analytics.multitest import benjamini_hochberg


def gi_star(values: np.ndarray, mask: np.ndarray | None = None, k: int = 1) -> np.ndarray:
    """Gi* z-scores of a (ny, nx) field; cells outside ``mask`` are NaN and not neighbours."""
    y = np.asarray(values, float)
    m = np.ones(y.shape, bool) if mask is None else np.asarray(mask, bool)
    yy = np.where(m, y, 0.0)
    kernel = np.ones((2 * k + 1, 2 * k + 1))
    local_sum = ndimage.convolve(yy, kernel, mode="constant")
    n_neigh = ndimage.convolve(m.astype(float), kernel, mode="constant")
    n = float(m.sum())
    mean = yy.sum() / n
    s = np.sqrt((yy[m] ** 2).sum() / n - mean**2)
    denom = s * np.sqrt(np.maximum(n * n_neigh - n_neigh**2, 0.0) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (local_sum - mean * n_neigh) / denom
    z[~m] = np.nan
    return z


def hotspots(events: pd.DataFrame, *, cell_m: float = 200.0, k: int = 1,
             fdr: float = 0.05, area: str = "support") -> pd.DataFrame:
    """One row per study-area cell with its count, Gi* z, two-sided p, BH q and a label.

    ``label`` is ``"point chaud"`` (z > 0 and q ≤ fdr), ``"point froid"`` (z < 0 and
    q ≤ fdr) or ``""``.
    """
    grid = grid_for(events, cell_m, area)
    data = prepare(events, grid, source_weights={})
    counts = grid.counts(data.cell)
    z = gi_star(counts, grid.mask, k).ravel()[grid.active]
    p = 2 * stats.norm.sf(np.abs(z))
    q = benjamini_hochberg(p)
    frame = grid.to_frame()
    frame["count"] = counts.ravel()[grid.active].astype(int)
    frame["z"] = z
    frame["p_value"] = p
    frame["q_value"] = q
    frame["label"] = np.where(q <= fdr, np.where(z > 0, "point chaud", "point froid"), "")
    return frame
