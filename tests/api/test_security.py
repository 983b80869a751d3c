"""Hardening a resident or an attacker would notice: headers, size limits, rate limits,
an API documentation page that needs no network."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_security_headers_on_every_answer(client: TestClient) -> None:
    response = client.get("/health")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP on loopback
    https = client.get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in https.headers  # proxy not trusted by default


def test_oversized_body_is_refused_in_french(client: TestClient) -> None:
    response = client.post("/api/v1/analyze", content=b"x" * 2_000_000,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "trop volumineux" in response.json()["error"]["message"]


def test_tracking_lookups_are_rate_limited(client: TestClient) -> None:
    codes = [client.get(f"/api/v1/reports/BIA-2222-3333-{n:02d}").status_code for n in range(25)]
    assert codes[:20] == [404] * 20
    assert codes[-1] == 429
    limited = client.get("/api/v1/reports/BIA-2222-3333-44")
    assert "réessayez" in limited.json()["error"]["message"]
    assert int(limited.headers["Retry-After"]) > 0


def test_api_docs_use_local_assets(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "/static/vendor/swagger/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/static/vendor/swagger/swagger-ui-bundle.js").status_code == 200
