"""Analyst routes over stored events: zone figures, profiles, hot spots, recurrence, forecast.
Places only; analysts allowed, agents refused; calls audited."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from bia.cases.models import AuditLog
from bia.context import Context

PASSWORD = "un-mot-de-passe-long"


def token(client: TestClient, user: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": user, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_zone_statistics_match_the_stored_events(client: TestClient, ctx: Context,
                                                 history: pd.DataFrame) -> None:
    headers = token(client, "ana")
    end = pd.Timestamp.now(tz="UTC").normalize()
    start = end - pd.Timedelta(days=60)
    body = client.get("/api/v1/analytics/zones", headers=headers,
                      params={"start": start.isoformat(), "end": end.isoformat()}).json()
    by_zone = {z["zone"]: z["count"] for z in body["zones"]}
    expected = history[(history["occurred_at"] >= start) & (history["occurred_at"] < end)]
    assert sum(by_zone.values()) == pytest.approx(len(expected), abs=len(expected) * 0.01)
    assert by_zone["centre"] == max(by_zone.values())  # the demo's hot spots are central
    assert {t["verdict"] for t in body["trend"]} <= {"hausse significative",
                                                     "baisse significative",
                                                     "variation dans le bruit"}


def test_profiles_hotspots_recurring_and_forecast(client: TestClient,
                                                  history: pd.DataFrame) -> None:
    headers = token(client, "ana")
    heat = client.get("/api/v1/analytics/heatmap", headers=headers,
                      params={"category": "bruit"}).json()
    counts = heat["counts"]
    night = sum(counts[d][h] for d in range(7) for h in (22, 23, 0, 1, 2))
    morning = sum(counts[d][h] for d in range(7) for h in (8, 9, 10, 11, 12))
    assert night > 2 * morning
    hot = client.get("/api/v1/analytics/hotspots", headers=headers).json()["cells"]
    assert any(c["label"] == "point chaud" for c in hot)
    forecast = client.get("/api/v1/analytics/forecast", headers=headers,
                          params={"horizon": "1d", "crews": 2, "model": "kde"}).json()
    scores = [c["score"] for c in forecast["cells"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert 0 < forecast["plan"]["covered_share"] <= 1
    year_ago = (pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=365)).isoformat()
    recurring = client.get("/api/v1/analytics/recurring", headers=headers,
                           params={"start": year_ago})
    assert recurring.status_code == 200
    for pattern in recurring.json():
        assert pattern["explanation"] and "event_ids" not in pattern


def test_agents_cannot_use_analytics_and_calls_are_audited(client: TestClient, ctx: Context,
                                                           history: pd.DataFrame) -> None:
    assert client.get("/api/v1/analytics/zones").status_code == 401
    agent = token(client, "agent7")
    assert client.get("/api/v1/analytics/zones", headers=agent).status_code == 403
    client.get("/api/v1/analytics/heatmap", headers=token(client, "ana"))
    with ctx.session() as session:
        assert session.query(AuditLog).filter_by(action="analytics.heatmap",
                                                 username="ana").count() == 1


def _poll(client: TestClient, headers: dict[str, str], params: dict[str, str],
          until_status: str, timeout: float = 300.0) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get("/api/v1/analytics/forecast", headers=headers,
                                          params=params).json()
        if body["statut"] == until_status or time.monotonic() > end:
            return body
        time.sleep(1.0)


def test_ensemble_forecast_by_zone_is_served_from_a_cache_refreshed_by_new_events(
        client: TestClient, ctx: Context, history: pd.DataFrame,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bia.cases.events import store_events

    monkeypatch.setenv("BIA_ANALYTICS_FORECAST_WAIT_S", "0")  # never wait: see the stand-in
    headers = token(client, "ana")
    params = {"horizon": "8h"}
    first = client.get("/api/v1/analytics/forecast", headers=headers, params=params).json()
    assert first["requested_model"] == "ensemble"
    if first["statut"] == "repli":  # the ensemble is computed off-thread; KDE meanwhile
        assert first["model"] == "kde" and "KDE" in first["note"]
    assert len(first["zones"]) == 11
    ready = _poll(client, headers, params, "a_jour")
    assert ready["statut"] == "a_jour" and ready["model"] == "ensemble" and ready["note"] is None
    zones = {z["zone"]: z for z in ready["zones"]}
    assert sorted(z["rank"] for z in ready["zones"]) == list(range(1, 12))
    assert zones["centre"]["rank"] == 1  # the demo's hot spots are central
    # every Biarritz cell is listed (< 500): the zones never hold more than the cells
    assert len(ready["cells"]) < 500
    assert sum(z["expected"] for z in ready["zones"]) <= sum(
        c["score"] for c in ready["cells"]) + 1e-6
    again = client.get("/api/v1/analytics/forecast", headers=headers, params=params).json()
    assert again["statut"] == "a_jour" and again["cells"] == ready["cells"]
    assert again["compute_seconds"] == ready["compute_seconds"]  # the same computation
    # A new event invalidates the cache: the previous forecast is served, flagged, until
    # the refresh (warm-started from the previous fit) is done.
    loaded = ctx.pack()
    now = pd.Timestamp.now(tz="UTC") - pd.Timedelta(minutes=5)
    new = pd.DataFrame([{"event_id": "nouveau-1", "t": now, "lat": 43.4832, "lon": -1.5586,
                         "category": "bruit", "source": "resident"}])
    with ctx.session() as session:
        store_events(session, commune_id=loaded.commune_id, dataset="live", frame=new,
                     zones=loaded.zones)
    stale = client.get("/api/v1/analytics/forecast", headers=headers, params=params).json()
    if stale["statut"] != "a_jour":
        assert stale["statut"] == "precedente" and stale["cells"] == ready["cells"]
        assert "événements précédents" in stale["note"]
    fresh = _poll(client, headers, params, "a_jour")
    assert fresh["statut"] == "a_jour" and fresh["cells"] != ready["cells"]


def test_forecast_rejects_unknown_models_in_french(client: TestClient,
                                                  history: pd.DataFrame) -> None:
    response = client.get("/api/v1/analytics/forecast", headers=token(client, "ana"),
                          params={"model": "boule-de-cristal"})
    assert response.status_code == 422
    assert "Modèle inconnu" in response.text


def test_forecast_horizons_out_of_range_get_a_french_422(client: TestClient,
                                                         history: pd.DataFrame) -> None:
    headers = token(client, "ana")
    for horizon, words in (("52720975011199d", "horizon"), ("9999w", "trop long"),
                           ("0h", "positif")):
        response = client.get("/api/v1/analytics/forecast", headers=headers,
                              params={"horizon": horizon})
        assert response.status_code == 422, horizon
        assert words in response.text, horizon
