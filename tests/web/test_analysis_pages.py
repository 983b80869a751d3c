"""Analyst pages: /analyse (map, zone table, heat map, trend, recurring nuisances) and the
weekly briefing PDF. Places only; analysts allowed, agents refused, anonymous sent to login."""

from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from bia.cases.models import AuditLog
from bia.context import Context
from bia.web.queue import zone_names

PASSWORD = "un-mot-de-passe-long"
VERDICTS = ("hausse significative", "baisse significative", "variation dans le bruit")


def login(client: TestClient, user: str) -> None:
    """Log in through the console's form (login CSRF cookie + field), like a browser."""
    form = client.get("/console/connexion")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    response = client.post("/console/connexion", follow_redirects=False,
                           data={"username": user, "password": PASSWORD,
                                 "csrf": csrf.group(1)})
    assert response.status_code == 303


def test_anonymous_is_sent_to_login(client: TestClient) -> None:
    response = client.get("/analyse", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/connexion")
    assert client.get("/analyse/briefing.pdf", follow_redirects=False).status_code == 303


def test_page_renders_for_an_analyst(client: TestClient, ctx: Context,
                                     history: pd.DataFrame) -> None:
    login(client, "ana")
    response = client.get("/analyse", params={"periode": "90j"})
    assert response.status_code == 200
    html = response.text
    assert "Analyse territoriale" in html
    for name in zone_names(ctx.pack()).values():
        assert name.replace("'", "&#39;") in html
    assert any(v in html for v in VERDICTS)
    assert 'class="bia-heat-' in html and "<svg" in html
    assert "/api/v1/analytics/forecast" in html and "js/analyse.js" in html
    # CSP: no inline script or style
    assert "<script>" not in html and "style=" not in html
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # the category filter narrows the figures
    filtered = client.get("/analyse", params={"categorie": "bruit", "periode": "365j"})
    assert filtered.status_code == 200 and 'value="bruit" selected' in filtered.text
    # the map's data comes from the JSON route with the same cookie
    forecast = client.get("/api/v1/analytics/forecast", params={"horizon": "1d"})
    assert forecast.status_code == 200 and forecast.json()["cells"]
    assert client.get("/analyse/analyse.css").headers["content-type"].startswith("text/css")
    with ctx.session() as session:
        assert session.query(AuditLog).filter_by(action="analytics.zones",
                                                 username="ana").count() >= 1


def test_bearer_token_works_too(client: TestClient, history: pd.DataFrame) -> None:
    token = client.post("/api/v1/auth/token",
                        data={"username": "ana", "password": PASSWORD}).json()["access_token"]
    response = client.get("/analyse", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and "Quartiers" in response.text


def test_an_agent_is_refused(client: TestClient, history: pd.DataFrame) -> None:
    login(client, "agent7")
    response = client.get("/analyse")
    assert response.status_code == 403
    assert "Accès réservé" in response.text and "Centre-ville" not in response.text
    assert client.get("/analyse/briefing.pdf").status_code == 403


def test_bad_week_is_refused_in_french(client: TestClient, history: pd.DataFrame) -> None:
    login(client, "ana")
    response = client.get("/analyse/briefing.pdf", params={"semaine": "2026-W99"})
    assert response.status_code == 422 and "AAAA-Www" in response.text


def test_weekly_briefing_pdf(client: TestClient, ctx: Context, history: pd.DataFrame,
                             tmp_path: object) -> None:
    login(client, "ana")
    # a full week inside the demo history, so that every section has figures
    week = (history["occurred_at"].max() - pd.Timedelta(days=7)).isocalendar()
    semaine = f"{week[0]}-W{week[1]:02d}"
    response = client.get("/analyse/briefing.pdf", params={"semaine": semaine})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext missing (apt install poppler-utils)")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content,
                          capture_output=True, check=True).stdout.decode()
    assert "Semaine" in text and semaine in text
    assert "Centre-ville" in text
    assert "PAI" in text and "KDE" in text
    pages = subprocess.run(["pdfinfo", "-"], input=response.content, capture_output=True,
                           check=True).stdout.decode()
    assert re.search(r"Pages:\s+[12]\b", pages), pages
    with ctx.session() as session:
        assert session.query(AuditLog).filter_by(action="analytics.briefing",
                                                  username="ana").count() == 1


def test_zone_forecast_table_ranks_the_quartiers(client: TestClient, ctx: Context,
                                                 history: pd.DataFrame) -> None:
    from bia.analytics.cache import ForecastCache

    login(client, "ana")
    html = client.get("/analyse").text
    assert "Prévision par quartier" in html
    section = html.split('id="titre-prevision-zones"')[1].split("</section>")[0]
    rows = re.findall(r"<td>(\d+)</td>\s*<th scope=\"row\">([^<]+)</th>", section)
    assert [int(rank) for rank, _ in rows] == list(range(1, 12))
    assert {name.replace("&#39;", "'") for _, name in rows} == set(
        zone_names(ctx.pack()).values())
    assert rows[0][1] == "Centre-ville"  # the demo's hot spots are central
    if "Modèle : ensemble" not in section:  # first view: KDE while the ensemble computes
        assert "KDE" in section and "en cours de calcul" in section
    cache: ForecastCache = ctx.service("forecast-cache", ForecastCache)
    assert cache.wait_idle(600)
    later = client.get("/analyse").text.split('id="titre-prevision-zones"')[1]
    later = later.split("</section>")[0]
    assert "Modèle : ensemble" in later and "en cours de calcul" not in later
    assert re.findall(r"<td>1</td>\s*<th scope=\"row\">([^<]+)</th>", later) == ["Centre-ville"]
