"""Multiple-testing correction shared by hot spots, trend tests and recurring patterns."""

from __future__ import annotations

import numpy as np


def benjamini_hochberg(pvalues: np.ndarray, n_tests: int | None = None) -> np.ndarray:
    """BH-adjusted p-values (q-values).

    Benjamini & Hochberg (1995), "Controlling the false discovery rate: a practical and
    powerful approach to multiple testing", JRSS B 57:289–300. Rejecting every hypothesis
    with q ≤ α keeps the expected share of false discoveries under α (independent or
    positively dependent tests). NaN p-values stay NaN and do not count as tests.
    ``n_tests`` (≥ the number of finite p-values) counts hypotheses that were tested but not
    listed because they could not be significant (their p-values are taken as 1).
    """
    p = np.asarray(pvalues, float)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv, kind="stable")
    total = max(m, int(n_tests or 0))
    ranked = pv[order] * total / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    q[ok] = out
    return q
