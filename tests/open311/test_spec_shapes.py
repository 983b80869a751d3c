"""Field names, types and list shapes of each resource, checked against the GeoReport v2
specification's own examples (wiki.open311.org/GeoReport_v2, Service_Discovery), in JSON and
in XML (Spark convention: a list element holds items of the singular name)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from fastapi.testclient import TestClient

from bia.context import Context

# keys of the spec's example responses
SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords",
                "group"}
ATTRIBUTE_KEYS = {"variable", "code", "datatype", "required", "datatype_description", "order",
                  "description", "values"}
DISCOVERY_KEYS = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT_KEYS = {"specification", "url", "changeset", "type", "formats"}
ERROR_KEYS = {"code", "description"}


def test_discovery_json_and_xml(o311: TestClient) -> None:
    body = o311.get("/open311/v2/discovery.json").json()
    assert set(body) == DISCOVERY_KEYS and isinstance(body["endpoints"], list)
    endpoint = body["endpoints"][0]
    assert set(endpoint) == ENDPOINT_KEYS
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    xml = o311.get("/open311/v2/discovery.xml")
    assert xml.headers["content-type"].startswith("text/xml")
    assert xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(xml.content)
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml", "application/json"]


def test_services_list_every_category_but_information(o311: TestClient, ctx: Context) -> None:
    response = o311.get("/open311/v2/services.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    services = response.json()
    codes = [s["service_code"] for s in services]
    assert codes == [c for c in ctx.pack().pack.categories if c != "information"]
    for service in services:
        assert set(service) == SERVICE_KEYS
        assert isinstance(service["metadata"], bool) and service["type"] == "realtime"
        assert isinstance(service["service_code"], str) and isinstance(service["keywords"], str)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["bruit"]["service_name"] == "Nuisances sonores"
    assert by_code["bruit"]["group"] == "tranquillite" and by_code["bruit"]["metadata"] is False
    assert by_code["ivresse"]["metadata"] is True  # may become an emergency: one question
    root = ET.fromstring(o311.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and len(root.findall("service")) == len(services)
    assert root.findtext("service/metadata") in ("true", "false")


def test_service_definition_shapes(o311: TestClient) -> None:
    body = o311.get("/open311/v2/services/ivresse.json").json()
    assert set(body) == {"service_code", "attributes"} and body["service_code"] == "ivresse"
    (attribute,) = body["attributes"]
    assert set(attribute) == ATTRIBUTE_KEYS
    assert attribute["datatype"] == "singlevaluelist" and attribute["variable"] is True
    assert attribute["order"] == 1 and attribute["required"] is False
    assert attribute["values"] == [{"key": "oui", "name": "Oui"}, {"key": "non", "name": "Non"}]
    assert "15" in attribute["description"]
    fire = o311.get("/open311/v2/services/incendie.json").json()["attributes"][0]
    assert fire["variable"] is False and "18" in fire["description"]
    assert o311.get("/open311/v2/services/bruit.json").json() == {"service_code": "bruit",
                                                                  "attributes": []}
    root = ET.fromstring(o311.get("/open311/v2/services/ivresse.xml").content)
    assert root.tag == "service_definition"
    assert [k.text for k in root.findall("attributes/attribute/values/value/key")] == ["oui", "non"]


def test_errors_follow_the_spec_shape_in_french(o311: TestClient) -> None:
    for path, status in [("/open311/v2/services/inconnu.json", 404),
                         ("/open311/v2/services/information.json", 404),
                         ("/open311/v2/services.json?jurisdiction_id=99999", 404),
                         ("/open311/v2/services.json?jurisdiction_id=sfgov.org", 404),
                         ("/open311/v2/services.yaml", 404),
                         ("/open311/v2/requests.json?status=pending", 400),
                         ("/open311/v2/requests.json?start_date=hier", 400),
                         ("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z"
                          "&end_date=2026-06-01T00:00:00Z", 400),
                         ("/open311/v2/requests/abc.json", 404),
                         ("/open311/v2/requests/999999.json", 404),
                         ("/open311/v2/nimporte.json", 404)]:
        response = o311.get(path)
        assert response.status_code == status, (path, response.text)
        body = response.json()
        assert isinstance(body, list) and set(body[0]) == ERROR_KEYS, path
        assert body[0]["code"] == status and isinstance(body[0]["description"], str)
    assert "90 jours" in o311.get("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z"
                                  "&end_date=2026-06-01T00:00:00Z").json()[0]["description"]
    xml = o311.get("/open311/v2/services/inconnu.xml")
    root = ET.fromstring(xml.content)
    assert xml.status_code == 404 and root.tag == "errors"
    assert root.find("error/code").text == "404"  # type: ignore[union-attr]
    ok = o311.get("/open311/v2/services.json?jurisdiction_id=64122")
    assert ok.status_code == 200


def test_wrong_method_is_405_in_the_spec_shape(o311: TestClient) -> None:
    response = o311.delete("/open311/v2/requests.json")
    assert response.status_code == 405
    assert response.json()[0]["code"] == 405 and "DELETE" in response.json()[0]["description"]
    assert o311.put("/open311/v2/requests/1.xml").headers["content-type"].startswith("text/xml")
