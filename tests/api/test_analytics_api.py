"""Analyst routes over stored events: zone figures, profiles, hot spots, recurrence, forecast.
Places only; analysts allowed, agents refused; calls audited."""

from __future__ import annotations


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


def test_profiles_hotspots_recurring_and_forecast(client: TestClient, history: pd.DataFrame) -> None:
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
                          params={"horizon": "1d", "crews": 2}).json()
    scores = [c["score"] for c in forecast["cells"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert 0 < forecast["plan"]["covered_share"] <= 1
    recurring = client.get("/api/v1/analytics/recurring", headers=headers,
                           params={"start": (pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=365)).isoformat()})
    assert recurring.status_code == 200
    for pattern in recurring.json():
        assert pattern["explanation"] and "event_ids" not in pattern


def test_agents_cannot_use_analytics_and_calls_are_audited(client: TestClient, ctx: Context,
                                                           history: pd.DataFrame) -> None:
    assert client.get("/api/v1/analytics/zones").status_code == 401
    assert client.get("/api/v1/analytics/zones", headers=token(client, "agent7")).status_code == 403
    client.get("/api/v1/analytics/heatmap", headers=token(client, "ana"))
    with ctx.session() as session:
        assert session.query(AuditLog).filter_by(action="analytics.heatmap", username="ana").count() == 1
