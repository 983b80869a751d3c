"""Hardening a resident or an attacker would notice: headers, size limits, rate limits,
an API documentation page that needs no network."""

from __future__ import annotations

import io
import logging
import os
import uuid

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from bia.api.app import create_app
from bia.context import Context
from bia.core.settings import Settings

REDIS_URL = os.environ.get("BIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_security_headers_on_every_answer(client: TestClient) -> None:
    response = client.get("/health")
    csp = response.headers["Content-Security-Policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "script-src 'self'" in csp and "unsafe-inline" not in script_src
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


def test_guessing_conversation_ids_is_rate_limited(client: TestClient) -> None:
    codes = [client.get(f"/api/v1/conversations/00000000-0000-4000-8000-{n:012d}").status_code
             for n in range(21)]
    assert codes[:20] == [404] * 20 and codes[20] == 429


def test_api_docs_use_local_assets(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "/static/vendor/swagger/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/static/vendor/swagger/swagger-ui-bundle.js").status_code == 200


# --- rate limits shared through Redis (the real server on 127.0.0.1:6379) -------------------

def _redis_settings(settings: Settings, url: str) -> tuple[Settings, str]:
    prefix = f"bia:test:{uuid.uuid4().hex}:"
    return settings.model_copy(update={"rate_limit_redis_url": url,
                                       "rate_limit_redis_prefix": prefix}), prefix


def test_two_app_instances_share_one_budget_through_redis(ctx: Context,
                                                          settings: Settings) -> None:
    import redis

    shared, prefix = _redis_settings(settings, REDIS_URL)
    server = redis.Redis.from_url(REDIS_URL)
    try:
        with TestClient(create_app(shared, context=ctx)) as first, \
                TestClient(create_app(shared, context=ctx)) as second:
            codes = [first.get(f"/api/v1/reports/BIA-2222-3333-{n:02d}").status_code
                     for n in range(12)]
            codes += [second.get(f"/api/v1/reports/BIA-2222-4444-{n:02d}").status_code
                      for n in range(10)]
            assert codes[:20] == [404] * 20  # 20 a minute in all, whichever worker answers
            assert codes[20:] == [429, 429]
            refused = second.get("/api/v1/reports/BIA-2222-3333-99")
            assert "réessayez" in refused.json()["error"]["message"]
            assert 0 < int(refused.headers["Retry-After"]) <= 60
            assert first.get("/api/v1/reports/BIA-2222-3333-98").status_code == 429
            assert first.get("/health").status_code == 200  # other routes are not counted
        assert server.keys(f"{prefix}*") == [f"{prefix}tracking:testclient".encode()]
    finally:
        for key in server.scan_iter(f"{prefix}*"):
            server.delete(key)
        server.close()


def test_a_dead_redis_fails_open_with_a_warning(ctx: Context, settings: Settings,
                                                caplog: pytest.LogCaptureFixture) -> None:
    dead, _ = _redis_settings(settings, "redis://127.0.0.1:1/0")  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="bia.security"), \
            TestClient(create_app(dead, context=ctx)) as client:
        codes = [client.get(f"/api/v1/reports/BIA-2222-3333-{n:02d}").status_code
                 for n in range(5)]
        opened = client.post("/api/v1/conversations", json={"channel": "web"})
    assert codes == [404] * 5  # answered, not 500, not refused
    assert opened.status_code == 200 and opened.json()["reply"]
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once, not once per request


# --- body limits: the photo route alone gets its larger limit -------------------------------

def test_only_the_photo_route_takes_a_large_body(client: TestClient) -> None:
    noise = Image.frombytes("RGB", (900, 900), os.urandom(900 * 900 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    photo = out.getvalue()
    assert 1_000_000 < len(photo) < 8_000_000  # above BIA_MAX_BODY_BYTES, within the photo's
    chat = client.post("/api/v1/conversations", json={"channel": "web"}).json()["id"]
    taken = client.post(f"/api/v1/conversations/{chat}/photos",
                        files={"photo": ("bruit.png", photo, "image/png")})
    assert taken.status_code == 201, taken.text
    elsewhere = client.post(f"/api/v1/conversations/{chat}/messages",
                            files={"photo": ("bruit.png", photo, "image/png")})
    assert elsewhere.status_code == 413
    # a chunked body announces no length: it is counted while read
    chunked = client.post("/api/v1/analyze", content=iter([b"x" * 400_000] * 4),
                          headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413
    assert "trop volumineux" in chunked.json()["error"]["message"]
