"""POST and GET requests: a real round trip through the intake pipeline and the case
lifecycle, filters, and nothing personal in what anyone can read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from bia.cases.models import Case
from bia.cases.service import apply
from bia.context import Context
from bia.core.types import Analysis, Location
from bia.intake.flows import submit_report
from bia.intake.models import Delivery, Report

# keys of the spec's GET Service Requests example (wiki.open311.org/GeoReport_v2)
REQUEST_KEYS = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                "description", "agency_responsible", "service_notice", "requested_datetime",
                "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                "lat", "long", "media_url"}
GAMBETTA = {"lat": "43.48221", "long": "-1.55884"}
PERSONAL = ["Etchegaray", "06 12 34 56 78", "0612345678", "jean.etchegaray@example.org",
            "AB-123-CD", "12 bis", "43.48221", "-1.55884"]


def post(client: TestClient, **fields: str) -> dict[str, object]:
    response = client.post("/open311/v2/requests.json", data=fields)
    assert response.status_code == 200, response.text
    (body,) = response.json()
    return body  # type: ignore[no-any-return]


def test_round_trip_post_then_track_then_close(o311: TestClient, ctx: Context) -> None:
    answer = post(o311, api_key="ignored", jurisdiction_id="64122", service_code="stationnement",
                  description="Une voiture bloque la sortie du garage", **GAMBETTA)
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None and isinstance(answer["service_request_id"], str)
    assert "Police municipale" in str(answer["service_notice"])
    rid = int(str(answer["service_request_id"]))
    with ctx.session() as session:  # stored (and committed) before the answer
        report = session.get(Report, rid)
        assert report is not None and report.channel == "open311"
        assert report.category_code == "stationnement" and report.zone_code == "centre"
        assert report.contact is None and report.details["source"] == "open311"
        case = session.scalar(select(Case).where(Case.report_id == rid))
        assert case is not None and case.status == "nouveau"

    (shown,) = o311.get(f"/open311/v2/requests/{rid}.json").json()
    assert set(shown) == REQUEST_KEYS
    assert shown["status"] == "open" and shown["service_code"] == "stationnement"
    assert shown["service_name"] == "Stationnement gênant ou dangereux"
    assert shown["agency_responsible"] == "Police municipale de Biarritz"
    assert shown["description"] == "Une voiture bloque la sortie du garage"
    assert shown["zipcode"] == "64200" and shown["lat"] == 43.482 and shown["long"] == -1.559
    assert shown["requested_datetime"].endswith(("+01:00", "+02:00"))
    assert shown["status_notes"].startswith("Reçu")

    with ctx.session() as session:
        case = session.scalar(select(Case).where(Case.report_id == rid))
        assert case is not None
        apply(session, case=case, action="prendre", username="agent1")
        apply(session, case=case, action="clore", username="agent1",
              data={"outcome": "Véhicule de M. Durand enlevé par la fourrière"},
              now=datetime.now(UTC) + timedelta(minutes=5))
    (closed,) = o311.get(f"/open311/v2/requests/{rid}.json?extensions=true").json()
    assert closed["status"] == "closed" and closed["status_notes"].startswith("Traité")
    assert closed["updated_datetime"] > shown["updated_datetime"]
    assert "Durand" not in json.dumps(closed)  # the police's outcome is never published
    extra = closed["extended_attributes"]
    assert extra["bia_status"] == "traite" and extra["channel"] == "open311"
    assert extra["agency_responsible_id"] == "police_municipale" and extra["zone"] == "centre"
    assert "tracking_code" not in extra

    listed = o311.get("/open311/v2/requests.json?status=closed").json()
    assert [r["service_request_id"] for r in listed] == [str(rid)]
    assert o311.get("/open311/v2/requests.json?status=open").json() == []


def test_json_body_address_string_idempotency_and_xml_answer(o311: TestClient,
                                                             ctx: Context) -> None:
    body = {"service_code": "eclairage", "address_string": "12 rue Gambetta, Biarritz",
            "description": "Lampadaire éteint", "extensions": True}
    headers = {"Idempotency-Key": "client-42"}
    first = o311.post("/open311/v2/requests.json", json=body, headers=headers).json()[0]
    again = o311.post("/open311/v2/requests.json", json=body, headers=headers).json()[0]
    assert first["service_request_id"] == again["service_request_id"]
    assert first["extended_attributes"]["tracking_code"].startswith("BIA-")
    with ctx.session() as session:
        report = session.get(Report, int(first["service_request_id"]))
        assert report is not None and report.street == "Rue Gambetta"
        assert report.zone_code == "centre" and report.lat is not None
        assert report.status == "transmis"  # services techniques: forwarded
        assert session.scalar(select(Delivery).where(Delivery.report_id == report.id))
    (shown,) = o311.get(f"/open311/v2/requests/{report.id}.json").json()
    assert shown["status"] == "closed"  # handed over: BIA's part is done (documented)
    assert shown["address"] == "Rue Gambetta, Centre-ville, 64200 Biarritz"
    xml = o311.post("/open311/v2/requests.xml", data={"service_code": "voirie",
                                                       "address_string": "avenue Édouard VII"})
    root = ET.fromstring(xml.content)
    assert xml.status_code == 200 and root.tag == "service_requests"
    assert root.find("request/service_request_id").text.isdigit()  # type: ignore[union-attr]
    assert root.find("request/account_id").text is None  # type: ignore[union-attr]


def test_post_errors(o311: TestClient) -> None:
    cases = [({"description": "x", **GAMBETTA}, 400, "service_code"),
             ({"service_code": "ovni", **GAMBETTA}, 404, "ovni"),
             ({"service_code": "information", **GAMBETTA}, 404, "information"),
             ({"service_code": "bruit"}, 400, "Lieu manquant"),
             ({"service_code": "bruit", "address_id": "42"}, 400, "address_id"),
             ({"service_code": "bruit", "lat": "43.48"}, 400, "ensemble"),
             ({"service_code": "bruit", "lat": "48.85", "long": "2.35"}, 400, "hors de la commune"),
             ({"service_code": "bruit", "lat": "nord", "long": "-1.55"}, 400, "lat"),
             ({"service_code": "bruit", "description": "x" * 4001, **GAMBETTA}, 400, "4 000"),
             ({"service_code": "ivresse", "attribute[danger_immediat]": "peut-être", **GAMBETTA},
              400, "danger_immediat"),
             ({"service_code": "bruit", "jurisdiction_id": "75056", **GAMBETTA}, 404, "75056")]
    for data, status, words in cases:
        response = o311.post("/open311/v2/requests.json", data=data)
        assert response.status_code == status, (data, response.text)
        (error,) = response.json()
        assert error["code"] == status and words in error["description"], error
    bad_json = o311.post("/open311/v2/requests.json", content=b"{oops",
                         headers={"content-type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()[0]["code"] == 400


def test_danger_attribute_makes_an_emergency(o311: TestClient, ctx: Context) -> None:
    answer = post(o311, service_code="ivresse", description="Un homme inconscient par terre",
                  **{"attribute[danger_immediat]": "oui"}, **GAMBETTA)
    assert "15" in str(answer["service_notice"])
    with ctx.session() as session:
        report = session.get(Report, int(str(answer["service_request_id"])))
        assert report is not None and report.emergency and report.emergency_number == "15"
        assert report.details["open311_attributes"] == {"danger_immediat": "oui"}
    # an emergency is about a person: listed nowhere, and by id without place nor words
    assert o311.get("/open311/v2/requests.json").json() == []
    (shown,) = o311.get(f"/open311/v2/requests/{answer['service_request_id']}.json").json()
    assert shown["lat"] is None and shown["address"] is None and shown["description"] is None


def test_contact_needs_consent_and_nothing_personal_is_published(o311: TestClient,
                                                                ctx: Context) -> None:
    planted = ("Je m'appelle Jean Etchegaray, j'habite au 12 bis rue Gambetta. La voiture "
               "AB-123-CD bloque mon garage, appelez-moi au 06 12 34 56 78 ou "
               "jean.etchegaray@example.org")
    contact = {"first_name": "Jean", "last_name": "Etchegaray", "phone": "0612345678",
               "email": "jean.etchegaray@example.org"}
    without = post(o311, service_code="stationnement", description=planted, **contact,
                   **GAMBETTA)
    assert "coordonnées n'ont pas été conservées" in str(without["service_notice"])
    with_consent = post(o311, service_code="stationnement", description=planted,
                        contact_consent="true", **contact, **GAMBETTA)
    with ctx.session() as session:
        kept = session.get(Report, int(str(without["service_request_id"])))
        assert kept is not None and kept.contact is None and not kept.contact_consent
        assert "AB-123-CD" in kept.text  # police keep the resident's words
        consented = session.get(Report, int(str(with_consent["service_request_id"])))
        assert consented is not None  # the number kept in E.164
        assert consented.contact == {**contact, "phone": "+33612345678"}
    ids = f"{without['service_request_id']},{with_consent['service_request_id']}"
    answers = [o311.get("/open311/v2/requests.json?extensions=true").text,
               o311.get(f"/open311/v2/requests.json?service_request_id={ids}").text,
               o311.get(f"/open311/v2/requests/{without['service_request_id']}.xml").text]
    for text in answers:
        for secret in PERSONAL:
            assert secret not in text, (secret, text)
    description = o311.get("/open311/v2/requests.json").json()[0]["description"]
    assert "rue Gambetta" in description and "[immatriculation masquée]" in description


def test_chat_reports_are_listed_without_the_residents_words(o311: TestClient,
                                                             ctx: Context) -> None:
    loaded = ctx.pack()
    at = datetime.now(UTC)

    def chat(category: str, text: str) -> int:
        analysis = Analysis(text=text, category=category, location=Location(
            street="Rue Gambetta", number="3", lat=43.48221, lon=-1.55884, zone="centre"))
        return submit_report(ctx, loaded, channel="web", text=text, analysis=analysis,
                             at=at).report_id

    noise = chat("depot_sauvage", "Mme Irigoyen a vidé sa cave devant chez moi")
    assault = chat("agression_violence", "Mon voisin m'a frappé")
    old = chat("tags_degradations", "Tag sur le mur")
    with ctx.session() as session:
        session.execute(update(Report).where(Report.id == old).values(
            received_at=at - timedelta(days=120)))
    listed = o311.get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in listed] == [str(noise)]  # 90 days, not restricted
    assert listed[0]["description"] is None and listed[0]["address"].startswith("Rue Gambetta")
    by_code = o311.get("/open311/v2/requests.json?service_code=tags_degradations,bruit"
                       f"&start_date={(at - timedelta(days=130)).date()}T00:00:00Z"
                       f"&end_date={(at - timedelta(days=100)).date()}T00:00:00Z").json()
    assert [r["service_request_id"] for r in by_code] == [str(old)]
    (hidden,) = o311.get(f"/open311/v2/requests.json?service_request_id={assault}").json()
    assert hidden["service_code"] == "agression_violence" and hidden["lat"] is None
    assert hidden["description"] is None and hidden["service_notice"] is None
