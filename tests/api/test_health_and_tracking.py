from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import text

from bia.context import Context
from bia.core.types import Analysis, Location
from bia.intake.service import create_report


def test_health_is_green_with_database_and_pack(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["communes"][0]["insee"] == "64122"
    assert body["pack"]


def test_health_is_red_without_a_pack(client: TestClient, ctx: Context) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE commune SET insee = '99999'"))
    try:
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["status"] == "degrade"
    finally:
        with ctx.engine.begin() as conn:
            conn.execute(text("UPDATE commune SET insee = '64122'"))


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/reports/{tracking_code}" in paths


def test_tracking_page_shows_status_and_nothing_personal(client: TestClient, ctx: Context) -> None:
    loaded = ctx.pack()
    now = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
    decision = loaded.router.route(category="bruit", zone="centre", at=now, emergency=False)
    analysis = Analysis(text="Musique très forte au 9 rue Mazagran, je suis Mme Etcheverry 0612345678",
                        category="bruit", location=Location(street="Rue Mazagran", number="9",
                                                            zone="centre"))
    with ctx.session() as session:
        report = create_report(session, commune_id=loaded.commune_id, channel="web",
                               text=analysis.text, analysis=analysis, decision=decision,
                               received_at=now, contact={"phone": "0612345678"},
                               contact_consent=True)
        code = report.tracking_code
    response = client.get(f"/api/v1/reports/{code.lower().replace('-', ' ')}")
    assert response.status_code == 200
    body = response.json()
    assert body["category_label"] == "Nuisances sonores"
    assert body["handled_by"] == ["la Police municipale de Biarritz"]
    assert body["status_label"].startswith("Reçu")
    dumped = response.text
    for personal in ("Etcheverry", "0612345678", "Mazagran"):
        assert personal not in dumped


def test_unknown_tracking_code_is_a_french_404(client: TestClient) -> None:
    response = client.get("/api/v1/reports/BIA-2222-3333-44")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "code_suivi_inconnu"
    assert "Aucun signalement" in response.json()["error"]["message"]
