"""The assistant over HTTP: the one-shot contract, a conversation to a tracking code, an
emergency answered first, and a report stored before the resident hears it was received."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bia.context import Context
from bia.intake.models import Report

NIGHT = "2026-11-21T00:40:00+01:00"


def test_analyze_follows_the_contract(client: TestClient) -> None:
    body = client.post("/api/v1/analyze", json={
        "text": "voiture garée sur le trottoir devant le 12 av edouard 7 depuis ce matin",
        "at": "2026-11-20T10:00:00+01:00"}).json()
    assert set(body) == {"language", "category", "category_label", "confidence", "emergency",
                         "emergency_number", "actors", "location", "occurred_at", "reply"}
    assert body["category"] == "stationnement" and body["actors"] == ["police_municipale"]
    assert body["location"]["street"] == "Avenue Édouard VII"
    assert body["location"]["number"] == "12" and body["location"]["zone"]
    assert body["emergency"] is False and body["emergency_number"] is None
    assert body["occurred_at"].startswith("2026-11-20")


def test_emergency_number_comes_first(client: TestClient) -> None:
    body = client.post("/api/v1/analyze", json={
        "text": "il y a le feu dans la cuisine de mon voisin, ça fume beaucoup", "at": NIGHT}).json()
    assert body["emergency"] is True and body["emergency_number"] == "18"
    assert body["actors"][0] == "pompiers"
    assert "18" in body["reply"].split(".")[0]


def test_a_conversation_ends_with_a_tracking_code_stored_first(client: TestClient,
                                                               ctx: Context) -> None:
    opened = client.post("/api/v1/conversations", json={"channel": "web", "at": NIGHT})
    assert opened.status_code == 200
    conv = opened.json()
    assert "pas le 17" in conv["reply"]
    url = f"/api/v1/conversations/{conv['id']}/messages"
    turns = ["La musique de la fête d'à côté est beaucoup trop forte",
             "c'est au 4 rue Mazagran", "depuis 23h", "oui c'est bien ça"]
    for text in turns:
        turn = client.post(url, json={"text": text, "at": NIGHT}).json()
        if turn["state"]["tracking_code"]:
            break
    state = turn["state"]
    assert state["done"] is True and state["category"] == "bruit"
    code = state["tracking_code"]
    assert code in turn["reply"]
    with ctx.session() as session:
        stored = session.scalar(select(Report).where(Report.tracking_code == code))
        assert stored is not None and stored.street == "Rue Mazagran" and stored.channel == "web"
    tracking = client.get(f"/api/v1/reports/{code}").json()
    assert tracking["category_label"] == "Nuisances sonores"


def test_emergency_in_chat_records_at_once_and_completes_later(client: TestClient,
                                                               ctx: Context) -> None:
    conv = client.post("/api/v1/conversations", json={"at": NIGHT}).json()
    url = f"/api/v1/conversations/{conv['id']}/messages"
    first = client.post(url, json={"text": "un homme est tombé par terre il ne respire plus",
                                   "at": NIGHT}).json()
    assert first["state"]["emergency"] is True and first["state"]["emergency_number"] == "15"
    assert first["reply"].startswith("Appelez immédiatement")
    assert first["state"]["tracking_code"]
    client.post(url, json={"text": "devant la Grande Plage", "at": NIGHT})
    with ctx.session() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1
        report = session.scalar(select(Report))
        assert report.emergency and report.zone_code == "littoral"


def test_unknown_conversation_and_odd_text_are_handled(client: TestClient) -> None:
    missing = client.post("/api/v1/conversations/nope/messages", json={"text": "bonjour"})
    assert missing.status_code == 404 and "Conversation" in missing.json()["error"]["message"]
    conv = client.post("/api/v1/conversations", json={}).json()
    url = f"/api/v1/conversations/{conv['id']}/messages"
    for odd in ("", "🙂🙂🙂", "\x00\x01\x02", "1234567890", "x" * 4999):
        response = client.post(url, json={"text": odd})
        assert response.status_code == 200, odd
    assert client.post(url, json={"text": "x" * 6000}).status_code == 422


def test_a_refreshed_page_gets_its_conversation_back(client: TestClient, ctx: Context) -> None:
    from datetime import timedelta

    from bia.core.coltypes import utcnow
    from bia.intake.models import Conversation

    conv = client.post("/api/v1/conversations", json={"channel": "web"}).json()
    url = f"/api/v1/conversations/{conv['id']}"
    said = client.post(f"{url}/messages",
                       json={"text": "un camion bloque ma rue depuis ce matin"}).json()
    back = client.get(url)
    assert back.status_code == 200
    body = back.json()
    assert [m["who"] for m in body["messages"]] == ["bia", "resident", "bia"]
    assert body["messages"][0]["text"] == conv["reply"]
    assert body["messages"][1]["text"] == "un camion bloque ma rue depuis ce matin"
    assert body["messages"][2]["text"] == said["reply"]
    assert body["state"]["category"] == said["state"]["category"]
    assert "transcript" not in body["state"]

    unknown = client.get("/api/v1/conversations/00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404 and "introuvable" in unknown.json()["error"]["message"]
    with ctx.session() as session:
        session.get(Conversation, conv["id"]).updated_at = utcnow() - timedelta(days=2)
    old = client.get(url)
    assert old.status_code == 404 and "code de suivi" in old.json()["error"]["message"]
