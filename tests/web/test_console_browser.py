"""The console in a real browser: log in, the queue with the emergency first, a case taken, set
on site and closed; the queue updates live (SSE) when a report arrives through the intake flow;
a stale action shows the API's French refusal; no CSP violation on the way."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from bia.cases import service as cases
from bia.context import Context

pytestmark = pytest.mark.browser
PASSWORD = "un-mot-de-passe-long"  # as in conftest.staff
MARKERS = "document.querySelectorAll('#carte path.bia-marker').length === {}"


def log_in(page: Any, base: str, username: str = "agent1") -> None:
    page.goto(f"{base}/console")
    expect(page).to_have_url(f"{base}/console/connexion?suite=/console")
    page.get_by_label("Identifiant", exact=True).fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")  # keyboard only
    expect(page).to_have_url(f"{base}/console")


def row_ids(page: Any) -> list[int]:
    return [int(i) for i in page.locator("#table-file tbody tr[data-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")]


def test_agent_handles_a_case_and_the_queue_updates_live(
        live_server: Any, tab: Any, ctx: Context, staff: None,
        report: Callable[..., int]) -> None:
    page, base = tab.page, live_server.url
    parked = report(ctx, "stationnement", "Voiture garée sur le trottoir devant l'école")
    noise = report(ctx, "bruit", "Musique très forte depuis 23h, ça ne s'arrête pas",
                   street="Avenue Édouard VII", lat=43.4836, lon=-1.5597)
    drunk = report(ctx, "ivresse", "Un homme ivre inconscient par terre", emergency=True,
                   street="Place Clemenceau", lat=43.4832, lon=-1.5585)
    log_in(page, base)
    assert row_ids(page) == [drunk, noise, parked]
    first = page.locator("#table-file tbody tr").first
    expect(first).to_contain_text("Urgence")
    expect(page.locator("#direct")).to_have_text("En direct", timeout=10_000)
    page.wait_for_function(MARKERS.format(3))
    tab.shot("console-file")

    # live: a report stored by the intake flow shows up without a reload
    fight = report(ctx, "ivresse", "Une femme ivre allongée sur la chaussée, elle ne répond "
                   "plus", emergency=True, street="Rue Mazagran", lat=43.4829, lon=-1.5603)
    expect(page.locator(f'#table-file tr[data-id="{fight}"]')).to_be_visible(timeout=15_000)
    assert row_ids(page)[:2] == [drunk, fight]  # emergencies first, then the oldest
    expect(page.locator("#annonce")).to_contain_text("1 nouveau dossier, dont 1 urgence")
    assert page.title().startswith("(2 urgences)")
    page.wait_for_function(MARKERS.format(4))  # and on the map
    assert page.locator("#carte path.bia-marker--urgence").count() == 2

    # open the noise case from the queue, with the keyboard
    page.locator(f'a[href="/console/dossiers/{noise}"]').focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/console/dossiers/{noise}")
    expect(page.locator("h1")).to_contain_text(f"Dossier n° {noise}")
    expect(page.locator(".bia-words")).to_have_text("Musique très forte depuis 23h, ça ne "
                                                    "s'arrête pas")
    page.wait_for_function(MARKERS.format(1))

    page.get_by_role("button", name="Prendre en charge").click()
    expect(page.locator("#message-action")).to_contain_text("Nouvel état : Pris en charge")
    expect(page.locator("#message-action")).to_be_focused()
    page.get_by_role("button", name="Équipage sur place").click()
    expect(page.locator("#message-action")).to_contain_text("Nouvel état : Sur place")
    page.get_by_role("button", name="Clore le dossier").click()  # empty outcome: refused here
    expect(page.locator("#message-action")).to_contain_text("Complétez le champ « Suite donnée »")
    page.get_by_label("Suite donnée").fill("Musique baissée après rappel à l'ordre.")
    page.get_by_role("button", name="Clore le dossier").click()
    expect(page.locator("#message-action")).to_contain_text("Nouvel état : Clos")
    history = page.locator(".bia-history")
    for text in ("Pris en charge par agent1", "Sur place par agent1", "Clos par agent1",
                 "Musique baissée après rappel à l'ordre."):
        expect(history).to_contain_text(text)
    expect(page.get_by_role("button", name="Rouvrir le dossier")).to_be_visible()
    tab.shot("console-dossier-clos")

    # a stale page: another agent took the case meanwhile; the API's French refusal is shown
    page.goto(f"{base}/console/dossiers/{parked}")
    with ctx.session() as session:
        case = cases.get_case(session, case_id=parked, commune_id=ctx.pack().commune_id)
        cases.apply(session, case=case, action="prendre", username="chef1")
    page.get_by_role("button", name="Prendre en charge").click()
    alert = page.locator("#message-action [role=alert]")
    expect(alert).to_have_text("Impossible de « prendre en charge » un dossier à l'état "
                               "« Pris en charge ».")
    tab.shot("console-refus")

    page.goto(f"{base}/console")
    assert noise not in row_ids(page)  # closed cases leave the open queue
    assert tab.errors == [], tab.errors


def test_stream_sends_an_event_when_a_case_changes(
        live_server: Any, ctx: Context, staff: None, report: Callable[..., int]) -> None:
    token = httpx.post(f"{live_server.url}/api/v1/auth/token",
                       data={"username": "agent1", "password": PASSWORD}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    events: list[dict[str, str]] = []
    with httpx.stream("GET", f"{live_server.url}/api/v1/cases/stream", headers=headers,
                      timeout=20) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
                if len(events) == 1:
                    report(ctx, "bruit", "Fête bruyante")
                else:
                    break
    assert events[0]["signature"] != events[1]["signature"]
    assert events[1]["signature"].startswith("1-")


def test_console_on_a_tablet_login_error_and_refusal_for_analyste(
        live_server: Any, tablet: Any, ctx: Context, staff: None,
        report: Callable[..., int]) -> None:
    page, base = tablet.page, live_server.url
    report(ctx, "ivresse", "Un homme inconscient", emergency=True)
    report(ctx, "bruit", "Musique forte")
    page.goto(f"{base}/console/connexion")
    page.get_by_label("Identifiant", exact=True).fill("agent1")
    page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    alert = page.locator("#erreur-connexion")
    expect(alert).to_contain_text("Identifiant ou mot de passe incorrect.")
    expect(alert).to_be_focused()
    tablet.shot("console-connexion-erreur")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{base}/console")
    expect(page.locator("#direct")).to_have_text("En direct", timeout=10_000)
    tablet.shot("console-file-tablette")
    page.context.clear_cookies()
    log_in(page, base, "analyste1")
    expect(page.locator("h1")).to_have_text("Accès réservé")
    tablet.shot("console-acces-reserve")
    assert tablet.errors == [], tablet.errors


def test_console_on_a_phone_logs_out_from_the_menu(live_server: Any, phone: Any,
                                                   staff: None) -> None:
    page, base = phone.page, live_server.url
    log_in(page, base)
    expect(page.locator("#direct")).to_have_text("En direct", timeout=10_000)
    phone.shot("console-telephone", full_page=False)
    page.get_by_role("button", name="Menu").click()
    menu = page.locator("#menu-principal")
    expect(menu.get_by_role("button", name="Se déconnecter")).to_be_visible()
    menu.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{base}/console/connexion?sortie=1")
    expect(page.get_by_role("status")).to_have_text("Vous êtes déconnecté.")
    page.goto(f"{base}/console")
    expect(page).to_have_url(f"{base}/console/connexion?suite=/console")
    assert phone.errors == [], phone.errors
