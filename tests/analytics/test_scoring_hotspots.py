"""Reference values: PAI on a hand-computed example, Gi* against esda, BH against a table."""

from __future__ import annotations

import numpy as np
import pytest

from bia.analytics.hotspots import gi_star, hotspots
from bia.analytics.multitest import benjamini_hochberg
from bia.analytics.scoring import hit_rate, pai, score_window


def test_hit_rate_and_pai_by_hand() -> None:
    # 20 cells; 10 events: 4 in cell 0, 3 in cell 1, 1 in cell 5, 2 outside the study area.
    scores = np.arange(20, 0, -1, dtype=float)  # cell 0 highest
    counts = np.zeros(20)
    counts[[0, 1, 5]] = [4, 3, 1]
    # 5 % of 20 cells = 1 cell -> catches 4 of 10 events.
    assert hit_rate(scores, counts, 0.05, total=10) == pytest.approx(0.4)
    assert pai(scores, counts, 0.05, total=10) == pytest.approx(0.4 / 0.05)
    # 10 % = 2 cells -> 7/10, PAI 0.7 / 0.1 = 7; 30 % = 6 cells -> 8/10.
    assert pai(scores, counts, 0.10, total=10) == pytest.approx(7.0)
    assert hit_rate(scores, counts, 0.30, total=10) == pytest.approx(0.8)


def test_ties_count_as_expected_random_order() -> None:
    scores = np.array([5.0, 1.0, 1.0, 1.0, 0.0])
    counts = np.array([1.0, 3.0, 0.0, 0.0, 0.0])
    # 2 cells flagged: cell 0, plus one of three tied cells (1/3 chance of catching 3).
    assert hit_rate(scores, counts, 0.4) == pytest.approx((1 + 3 / 3) / 4)
    res = score_window(scores, counts, (0.4,))
    assert res["pai"][0.4] == pytest.approx(0.5 / 0.4)


def test_benjamini_hochberg_reference() -> None:
    # Benjamini & Hochberg (1995), worked example p-values (first 6 of 15).
    p = np.array([0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278])
    q = benjamini_hochberg(p)
    expected = np.minimum.accumulate((p * 6 / np.arange(1, 7))[::-1])[::-1]
    assert np.allclose(q, expected)
    assert np.allclose(benjamini_hochberg(p, n_tests=15), np.minimum.accumulate(
        (p * 15 / np.arange(1, 7))[::-1])[::-1])
    assert np.isnan(benjamini_hochberg(np.array([np.nan, 0.01]))[0])


@pytest.mark.parametrize("k", [1, 2])
def test_gi_star_matches_esda(k: int) -> None:
    esda = pytest.importorskip("esda")
    from libpysal.weights import W

    rng = np.random.default_rng(3)
    ny, nx = 9, 12
    y = rng.poisson(2.0, (ny, nx)).astype(float)
    y[2:4, 3:5] += 9
    neighbours: dict[int, list[int]] = {}
    for r in range(ny):
        for c in range(nx):
            neighbours[r * nx + c] = [rr * nx + cc for rr in range(r - k, r + k + 1)
                                      for cc in range(c - k, c + k + 1)
                                      if 0 <= rr < ny and 0 <= cc < nx and (rr, cc) != (r, c)]
    w = W(neighbours, silence_warnings=True)
    ref = esda.G_Local(y.ravel(), w, transform="B", star=True, permutations=0)
    ours = gi_star(y, k=k).ravel()
    assert np.allclose(ours, ref.Zs, atol=1e-9)


def test_hotspots_flags_planted_cluster(synthetic) -> None:  # type: ignore[no-untyped-def]
    ev = synthetic(np.random.default_rng(1))
    frame = hotspots(ev, cell_m=200)
    hot = frame[frame["label"] == "point chaud"]
    assert len(hot) >= 1
    top = frame.sort_values("z", ascending=False).iloc[0]
    assert top["lat_min"] - 0.003 <= 43.4832 <= top["lat_max"] + 0.003
    assert (frame["q_value"] >= frame["p_value"] - 1e-12).all()
