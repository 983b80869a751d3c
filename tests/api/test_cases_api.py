"""Staff routes: 401 without a token, 403 for a role that may not see cases, the queue in
priority order, transitions that follow the table, every step in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from bia.cases import audit
from bia.cases.models import AuditLog
from bia.cases.users import add_user
from bia.context import Context
from bia.core.types import Analysis, Location
from bia.intake.flows import submit_report

PASSWORD = "un-mot-de-passe-long"


def login(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def staff(ctx: Context) -> None:
    with ctx.session() as session:
        commune_id = ctx.pack().commune_id
        add_user(session, username="agent1", password=PASSWORD, role="agent",
                 commune_id=commune_id, full_name="Jean Etchegaray", badge_number="PM-042")
        add_user(session, username="analyste1", password=PASSWORD, role="analyste",
                 commune_id=commune_id)


def report(ctx: Context, category: str, text: str, *, emergency: bool = False) -> int:
    loaded = ctx.pack()
    analysis = Analysis(text=text, category=category, emergency=emergency,
                        emergency_number="15" if emergency else None,
                        location=Location(street="Rue Gambetta", lat=43.4822, lon=-1.5588))
    submitted = submit_report(ctx, loaded, channel="web", text=text, analysis=analysis,
                              at=datetime(2026, 11, 20, 22, 0, tzinfo=UTC))
    assert submitted.case_id is not None
    return submitted.case_id


def test_case_routes_need_a_staff_token_and_the_right_role(client: TestClient, staff: None) -> None:
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", headers={"Authorization": "Bearer faux.jeton"}).status_code == 401
    response = client.get("/api/v1/cases", headers=login(client, "analyste1"))
    assert response.status_code == 403
    assert "rôle" in response.json()["error"]["message"]
    bad = client.post("/api/v1/auth/token", data={"username": "agent1", "password": "nope"})
    assert bad.status_code == 401 and "incorrect" in bad.json()["error"]["message"]


def test_queue_puts_emergencies_first_and_actions_follow_the_table(
        client: TestClient, ctx: Context, staff: None) -> None:
    parked = report(ctx, "stationnement", "Voiture sur le trottoir rue Gambetta")
    noise = report(ctx, "bruit", "Musique très forte rue Gambetta")
    drunk = report(ctx, "ivresse", "Un homme ivre inconscient par terre rue Gambetta",
                   emergency=True)
    headers = login(client, "agent1")
    queue = client.get("/api/v1/cases", params={"status": "ouverts"}, headers=headers).json()
    assert [c["id"] for c in queue] == [drunk, noise, parked]
    assert queue[0]["emergency"] is True and queue[0]["category_label"] == "Ivresse sur la voie publique"

    def act(case_id: int, **body: object) -> object:
        return client.post(f"/api/v1/cases/{case_id}/actions", json=body, headers=headers)

    refused = act(noise, action="clore")
    assert refused.status_code == 409
    assert "Indiquez la suite donnée" in refused.json()["error"]["message"]
    refused = act(noise, action="sur_place")
    assert refused.status_code == 409 and "Nouveau" in refused.json()["error"]["message"]
    assert act(noise, action="prendre").json()["status"] == "pris_en_charge"
    assert act(noise, action="affecter", unit="Patrouille 2").json()["assigned_unit"] == "Patrouille 2"
    assert act(noise, action="sur_place").json()["status"] == "sur_place"
    closed = act(noise, action="clore", outcome="Musique baissée après rappel à l'ordre").json()
    assert closed["status"] == "clos"
    assert [h["action"] for h in closed["history"]] == [
        "case.refused", "case.refused", "case.prendre", "case.affecter", "case.sur_place",
        "case.clore"]
    tracking = client.get(f"/api/v1/reports/{closed['tracking_code']}").json()
    assert tracking["status"] == "traite"
    with ctx.session() as session:
        actions = [a.action for a in session.query(AuditLog).order_by(AuditLog.id)]
        assert actions.count("case.list") == 1 and "case.clore" in actions
        assert audit.verify_chain(session) == (True, None)


def test_reading_a_case_is_audited(client: TestClient, ctx: Context, staff: None) -> None:
    case_id = report(ctx, "bruit", "Fête bruyante rue Gambetta")
    headers = login(client, "agent1")
    body = client.get(f"/api/v1/cases/{case_id}", headers=headers).json()
    assert body["text"] == "Fête bruyante rue Gambetta"
    assert "prendre" in body["allowed_actions"]
    assert client.get("/api/v1/cases/999999", headers=headers).status_code == 404
    with ctx.session() as session:
        reads = session.query(AuditLog).filter_by(action="case.read", username="agent1").all()
        assert [r.object_id for r in reads] == [str(case_id)]


def test_a_repeat_report_is_proposed_for_merging_and_follows_the_case(
        client: TestClient, ctx: Context, staff: None) -> None:
    first = report(ctx, "bruit", "Musique très forte rue Gambetta")
    second = report(ctx, "bruit", "Encore la musique rue Gambetta, c'est insupportable")
    headers = login(client, "agent1")
    detail = client.get(f"/api/v1/cases/{second}", headers=headers).json()
    assert detail["details"]["doublon_possible"]["dossier"] == first
    other = report(ctx, "stationnement", "Voiture sur le trottoir rue Gambetta")
    assert "doublon_possible" not in client.get(f"/api/v1/cases/{other}", headers=headers).json()["details"]

    def act(case_id: int, **body: object) -> object:
        return client.post(f"/api/v1/cases/{case_id}/actions", json=body, headers=headers)

    assert act(second, action="fusionner").status_code == 409  # which case?
    assert act(second, action="fusionner", into=second).status_code == 409
    merged = act(second, action="fusionner", into=first).json()
    assert merged["status"] == "fusionne"
    act(first, action="prendre")
    act(first, action="sur_place")
    tracking = client.get(f"/api/v1/reports/{merged['tracking_code']}").json()
    assert tracking["tracking_code"] == merged["tracking_code"]
    assert tracking["status"] == "sur_place"
    assert tracking["status_label"].startswith("Regroupé")
