"""A resident attaches a photo in the web chat of a real browser (Debian's Chromium), sees it
acknowledged, gets a refused file explained in French without losing the report, and an agent
then sees the photo on the case page of the console."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from bia.api.app import create_app
from bia.cases.users import add_user
from bia.context import Context
from bia.core.settings import Settings
from bia.intake.models import Report
from bia.intake.photos import Photo

pytestmark = pytest.mark.browser


@pytest.fixture
def base_url(ctx: Context, settings: Settings) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(settings, context=ctx), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="on",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris",
                                  viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.errors = []  # script errors and CSP violations fail the test
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("console", lambda m: tab.errors.append(m.text)
           if m.type == "error" and "status of 4" not in m.text else None)
    yield tab
    context.close()


def _say(page: Any, text: str) -> None:
    from playwright.sync_api import expect

    page.get_by_label("Votre message").fill(text)
    page.keyboard.press("Enter")
    expect(page.locator("#formulaire")).to_have_attribute("aria-busy", "false", timeout=20_000)


def test_resident_attaches_a_photo_and_the_agent_sees_it(
        base_url: str, page: Any, ctx: Context, kit: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base_url}/")
    expect(page.get_by_label("Votre message")).to_be_enabled(timeout=20_000)
    upload = page.get_by_label("Joindre une photo (facultatif)")
    expect(upload).to_be_enabled()

    consent = page.get_by_label("J'accepte que la position GPS")
    consent.focus()
    page.keyboard.press("Space")  # from the keyboard, as DSFR draws its own box over it
    expect(consent).to_be_checked()
    upload.set_input_files({"name": "IMG_0042.jpg", "mimeType": "image/jpeg",
                            "buffer": kit.camera_photo()})
    log = page.locator("#journal")
    expect(log).to_contain_text("Photo reçue", timeout=20_000)
    expect(log).to_contain_text("position GPS est jointe")
    expect(page.locator("#photo-etat")).to_contain_text("1 sur 3")

    upload.set_input_files({"name": "faux.jpg", "mimeType": "image/jpeg",
                            "buffer": b"Ceci n'est pas une photo.\n" * 10})
    expect(page.locator("#erreur")).to_contain_text("pas une photo", timeout=20_000)
    expect(upload).to_be_enabled()

    # parking is the police municipale's at any hour (queued while off duty): a police case
    # exists whenever the suite runs
    for text in ("Une camionnette AB-123-CD est garée devant mon garage, je ne peux pas sortir",
                 "c'est au 4 rue Mazagran", "depuis ce matin 8h", "oui c'est bien ça", "non"):
        _say(page, text)
        if page.locator("#suivi").is_visible():
            break
    code_box = page.locator(".bia-tracking__code")
    expect(code_box).to_be_visible()
    code = code_box.inner_text().strip()

    with ctx.session() as session:
        report = session.scalar(select(Report).where(Report.tracking_code == code))
        assert report is not None
        photos = session.scalars(select(Photo).where(Photo.report_id == report.id)).all()
        assert len(photos) == 1 and photos[0].location_consent
        assert report.details["position_photo"]["lat"] == pytest.approx(kit.GPS_DEG[0])
        add_user(session, username="agent1", password=kit.PASSWORD, role="agent",
                 commune_id=report.commune_id)
    case_id, _ = kit.case_of(ctx, code)

    page.goto(f"{base_url}/console")
    page.get_by_label("Identifiant", exact=True).fill("agent1")
    page.get_by_label("Mot de passe").fill(kit.PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")
    expect(page).to_have_url(f"{base_url}/console")
    page.goto(f"{base_url}/console/dossiers/{case_id}")
    gallery = page.locator("#photos img")
    expect(gallery).to_have_count(1, timeout=20_000)
    deadline = time.monotonic() + 20  # the image itself loaded (the staff route answered)
    while not gallery.evaluate("img => img.complete && img.naturalWidth"):
        assert time.monotonic() < deadline, "the photo did not load"
        time.sleep(0.1)
    assert "position GPS jointe" in (gallery.get_attribute("alt") or "")
    expect(page.locator(".bia-facts").first).to_contain_text("Position de la photo")
    assert page.errors == []
