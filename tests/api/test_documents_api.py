"""The officer's paperwork over HTTP: pre-filled rapport, completed, validated, downloaded."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from bia.cases import audit
from bia.cases.users import add_user
from bia.context import Context
from bia.core.types import Analysis, Location
from bia.intake.flows import submit_report

PASSWORD = "un-mot-de-passe-long"


@pytest.fixture
def case_id(ctx: Context) -> int:
    loaded = ctx.pack()
    with ctx.session() as session:
        add_user(session, username="etchegaray", password=PASSWORD, role="agent",
                 commune_id=loaded.commune_id, full_name="Jean Etchegaray", badge_number="PM-042")
        add_user(session, username="chef", password=PASSWORD, role="chef_de_poste",
                 commune_id=loaded.commune_id, full_name="Anne Duhalde", badge_number="PM-001")
    text = "Musique très forte au 9 rue Mazagran depuis 23h, ça ne s'arrête pas"
    analysis = Analysis(text=text, category="bruit",
                        location=Location(text="au 9 rue Mazagran", street="Rue Mazagran",
                                          number="9", lat=43.4829, lon=-1.5592, zone="centre"),
                        occurred_at=datetime(2026, 11, 20, 22, 0, tzinfo=UTC))
    submitted = submit_report(ctx, loaded, channel="web", text=text, analysis=analysis,
                              at=datetime(2026, 11, 20, 23, 30, tzinfo=UTC))
    assert submitted.case_id is not None
    return submitted.case_id


def login(client: TestClient, user: str) -> dict[str, str]:
    token = client.post("/api/v1/auth/token", data={"username": user, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_prefilled_rapport_is_validated_and_printed(client: TestClient, ctx: Context,
                                                   case_id: int) -> None:
    headers = login(client, "etchegaray")
    base = f"/api/v1/cases/{case_id}"
    for action in ({"action": "prendre"}, {"action": "sur_place"},
                   {"action": "clore", "outcome": "Rappel à l'ordre, musique baissée"}):
        assert client.post(f"{base}/actions", json=action, headers=headers).status_code == 200
    draft = client.get(f"{base}/documents/rapport", headers=headers).json()
    assert draft["status"] != "valide" and draft["prefilled"] > draft["typed"]
    fields = draft["fields"]
    sourced = {k: v for k, v in fields.items() if v.get("value")}
    assert any(v["source"] == "transcript" for v in sourced.values())
    refused = client.post(f"{base}/documents/rapport/validation", headers=headers)
    if refused.status_code == 422:  # mandatory fields the officer must type
        message = refused.json()["error"]["message"]
        assert message.startswith("Validation impossible")
        missing = refused.json()["error"]["details"]["missing"]
        form = {f["label"]: f for f in draft["form"]}
        typed = {form[label]["key"]: ("20/11/2026 23:45" if form[label]["datetime"]
                                      else "Constaté sur place : musique forte.")
                 for label in missing}
        edited = client.put(f"{base}/documents/rapport", json={"fields": typed},
                            headers=headers)
        assert edited.status_code == 200, edited.text
        validated = client.post(f"{base}/documents/rapport/validation", headers=headers)
    else:
        validated = refused
    assert validated.status_code == 200, validated.text
    body = validated.json()
    assert body["content_hash"] and body["validated_by"] == "etchegaray"
    pdf = client.get(f"{base}/documents/rapport.pdf", headers=headers)
    assert pdf.headers["content-type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                          check=True).stdout.decode()
    assert "Mazagran" in text and "Etchegaray" in text and "PM-042" in text
    assert "20/11/2026" in text or "21/11/2026" in text
    odt = client.get(f"{base}/documents/main-courante.odt", headers=headers)
    assert odt.status_code == 200 and odt.content[:2] == b"PK"
    assert client.get(f"/api/v1/main-courante/2026-11-20.csv", headers=headers).status_code == 403
    daily = client.get("/api/v1/main-courante/2026-11-20.csv", headers=login(client, "chef"))
    assert daily.status_code == 200
    with ctx.session() as session:
        assert audit.verify_chain(session) == (True, None)


def test_documents_need_a_case_role(client: TestClient, case_id: int) -> None:
    assert client.get(f"/api/v1/cases/{case_id}/documents/rapport.pdf").status_code == 401
    headers = login(client, "etchegaray")
    missing = client.get(f"/api/v1/cases/{case_id}/documents/proces-verbal.pdf", headers=headers)
    assert missing.status_code == 404
