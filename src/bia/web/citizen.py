"""Resident pages: the web chat and the tracking page.

The tracking page is rendered on the server from the same function as the public JSON route,
so it works without JavaScript (old phones, screen readers) and shows exactly what the API
shows: a status in plain words, never the resident's words or contact.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bia.api.deps import ContextDep
from bia.api.public import track
from bia.api.security import photo_settings_of
from bia.context import Context, LoadedPack
from bia.core.errors import BiaError
from bia.intake import codes
from bia.web.render import page

router = APIRouter(include_in_schema=False)
BANNER_ORDER = ("police", "pompiers", "samu", "europe", "sourds", "mer")
SHORT = {"police": "Police", "pompiers": "Pompiers", "samu": "SAMU", "europe": "Toute urgence",
         "sourds": "SMS", "mer": "Mer"}  # phone screens: the full label stays for screen readers


def emergency_lines(loaded: LoadedPack) -> list[dict[str, str]]:
    """The always-visible banner, from the pack (another commune, another coast, other lines)."""
    spec = loaded.pack.commune
    labels = {line.number: line.label for line in spec.national_lines}
    lines = []
    for key in BANNER_ORDER:
        number = spec.emergency_numbers.get(key)
        if not number:
            continue
        sms = key == "sourds"
        lines.append({"number": number, "label": labels.get(number, key),
                      "short": SHORT.get(key, labels.get(number, key)),
                      "href": f"sms:{number}" if sms else f"tel:{number}",
                      "how": "par SMS" if sms and "SMS" not in labels.get(number, "") else ""})
    return lines


def _common(ctx: Context) -> dict[str, Any]:
    loaded = ctx.pack()
    return {"commune": loaded.pack.commune, "urgences": emergency_lines(loaded)}


@router.get("/")
def chat(request: Request, ctx: ContextDep) -> Response:
    return page(request, ctx.settings, "citoyen/discussion.html",
                photos=photo_settings_of(request.app), **_common(ctx))


@router.get("/suivi")
def tracking_form(request: Request, ctx: ContextDep, code: str = "") -> Response:
    code = code.strip()[:40]
    if code:
        canonical = codes.normalise(code) or code
        return RedirectResponse(f"/suivi/{quote(canonical, safe='')}", status_code=303)
    return page(request, ctx.settings, "citoyen/suivi.html", report=None, code="",
                **_common(ctx))


@router.get("/suivi/{code}")
def tracking(code: str, request: Request, ctx: ContextDep) -> Response:
    code = code.strip()[:40]
    try:
        with ctx.session() as session:
            report = track(code, session, ctx.pack())
    except BiaError as exc:
        return page(request, ctx.settings, "citoyen/suivi.html", status_code=exc.status,
                    report=None, code=code, error=exc.message, **_common(ctx))
    return page(request, ctx.settings, "citoyen/suivi.html", report=report, code=code,
                **_common(ctx))
