"""JSON and XML bodies of GeoReport v2, and its error shape.

The spec makes XML the required format and defines JSON as the Spark-convention mapping of it
(a list element becomes an array, a leaf becomes a value), so one payload of dicts and lists
is built once and rendered either way. XML is schemaless, without namespace, UTF-8 with the
declaration, as the spec asks.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from fastapi.responses import Response

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# list key → the element name of its items (Spark convention)
ITEM_TAGS = {"services": "service", "service_requests": "request", "attributes": "attribute",
             "values": "value", "endpoints": "endpoint", "formats": "format", "errors": "error"}


class Open311Error(Exception):
    """An error answered in the spec's shape: ``[{"code": 400, "description": "…"}]``.

    HTTP status follows the spec: 404 for what does not exist, 403 for a bad api_key, 400 for
    anything else the request got wrong. Descriptions are French: they are shown to residents.
    """

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _fill(element: ET.Element, value: Any, tag: str) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child, key)
    elif isinstance(value, list):
        item_tag = ITEM_TAGS.get(tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_tag), child, item_tag)
    else:
        element.text = _text(value)


def to_xml(root: str, payload: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, payload, root)
    body: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def render(fmt: str, root: str, payload: Any, status: int = 200) -> Response:
    """``payload`` in ``fmt``; ``root`` names the XML root element (``services``…)."""
    if fmt == "xml":
        return Response(to_xml(root, payload), status_code=status, media_type=FORMATS["xml"])
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(body, status_code=status, media_type=FORMATS["json"])


def error_response(fmt: str, error: Open311Error) -> Response:
    return render(fmt if fmt in FORMATS else "json", "errors",
                  [{"code": error.status, "description": error.description}], error.status)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(404, f"Format « {fmt} » non pris en charge : utilisez .json ou .xml.")
    return fmt
