"""The resident's web chat in a real browser, on a phone, against the real dialogue engine:
greeting, keyboard-only exchange, the tracking code shown large with its link, the tracking
page, the emergency alert, the banner always on screen, and a refreshed page that keeps the
exchange."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SLOW = 60_000  # the first turn loads the NLU model in the server process


def answer_until_recorded(page: Any, box: Any) -> str:
    """Confirm the read-back if the assistant asks, then return the tracking code shown."""
    log = page.get_by_role("log")
    if "(oui / non)" in log.locator(".bia-msg--bot").last.inner_text():
        box.fill("oui")
        box.press("Enter")
    expect(page.locator(".bia-tracking__code")).to_contain_text("BIA-", timeout=SLOW)
    return page.locator(".bia-tracking__code").inner_text()


def test_resident_reports_from_a_phone_and_follows_the_report(
        live_server: Any, phone: Any) -> None:
    page, base = phone.page, live_server.url
    page.goto(f"{base}/")
    expect(page.locator(".bia-urgence")).to_contain_text("17")
    expect(page.locator("h1")).to_contain_text("Signaler un problème")
    phone.shot("chat-telephone-accueil", full_page=False)
    expect(page.get_by_text("ce n'est pas le 17")).to_be_visible()
    log = page.get_by_role("log")
    expect(log).to_contain_text("Quel est le problème ?", timeout=SLOW)
    page.keyboard.press("Tab")  # keyboard users first meet the skip links
    expect(page.locator(":focus")).to_have_text("Aller au contenu")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Aller à la saisie du message")
    page.keyboard.press("Enter")
    box = page.get_by_label("Votre message")
    expect(box).to_be_focused()
    # parking is the police municipale's at any hour (queued while off duty), so the case and
    # the status below do not depend on when the suite runs
    box.type("Une voiture AB-123-CD est garée sur le passage piéton depuis une heure")
    box.press("Enter")
    expect(log).to_contain_text("Vous :Une voiture AB-123-CD est garée")
    expect(log).to_contain_text("Où cela se passe-t-il ?", timeout=SLOW)
    expect(box).to_be_focused()
    box.type("Au 12 avenue Édouard VII")
    box.press("Enter")
    expect(log.locator(".bia-msg--bot")).to_have_count(3, timeout=SLOW)
    code = answer_until_recorded(page, box)
    expect(page.locator("#suivi")).to_contain_text("Votre code de suivi")
    assert code.startswith("BIA-")
    expect(box).to_be_focused()
    expect(page.get_by_role("button", name="Faire un autre signalement")).to_be_visible()
    phone.shot("chat-telephone", full_page=False)
    page.mouse.wheel(0, 3000)
    banner = page.locator(".bia-urgence").bounding_box()
    assert banner is not None and banner["y"] == 0  # always on screen

    page.get_by_role("link", name="Suivre ce signalement").click()
    expect(page).to_have_url(f"{base}/suivi/{code}")
    expect(page.locator(".bia-status__label")).to_have_text(
        "Reçu : votre signalement est enregistré.")
    expect(page.locator("main")).not_to_contain_text("AB-123-CD")
    phone.shot("suivi-telephone")
    page.goto(f"{base}/suivi")
    page.get_by_label("Code de suivi").fill("BIA-2222-3333-44")
    page.get_by_label("Code de suivi").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Aucun signalement ne correspond")
    assert phone.errors == [], phone.errors


def test_emergency_is_shown_first_and_large(live_server: Any, tab: Any) -> None:
    page = tab.page
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("log")).to_contain_text("Quel est le problème ?", timeout=SLOW)
    box = page.get_by_label("Votre message")
    box.fill("Un homme se fait frapper devant chez moi")
    page.get_by_role("button", name="Envoyer").click()
    alert = page.locator("#etat-urgence")
    expect(alert).to_contain_text("Urgence : appelez le 17 maintenant.", timeout=SLOW)
    expect(page.get_by_role("log").locator(".bia-msg--bot").last).to_contain_text(
        "Appelez immédiatement le 17")
    expect(alert.get_by_role("link", name="Appeler le 17")).to_have_attribute("href", "tel:17")
    expect(box).to_be_focused()
    tab.shot("chat-urgence")
    assert tab.errors == [], tab.errors


def test_chat_against_the_real_conversation_routes(live_server: Any, tab: Any) -> None:
    page = tab.page
    page.goto(f"{live_server.url}/")
    log = page.get_by_role("log")
    expect(log).to_contain_text("Assistant :", timeout=SLOW)
    box = page.get_by_label("Votre message")
    box.fill("Il y a de la musique très forte au 12 avenue Édouard VII depuis 23h")
    box.press("Enter")
    expect(log.locator(".bia-msg--bot")).to_have_count(2, timeout=SLOW)
    code = answer_until_recorded(page, box)
    expect(log.locator(".bia-msg--bot").last).to_contain_text(code)
    expect(box).to_be_focused()
    tab.shot("chat-reel")
    assert tab.errors == [], tab.errors


def test_a_refreshed_page_keeps_the_exchange(live_server: Any, tab: Any) -> None:
    page = tab.page
    page.goto(f"{live_server.url}/")
    log = page.get_by_role("log")
    expect(log).to_contain_text("Quel est le problème ?", timeout=SLOW)
    box = page.get_by_label("Votre message")
    box.fill("Des sacs poubelle éventrés sur le trottoir depuis hier soir")
    box.press("Enter")
    expect(log).to_contain_text("Où cela se passe-t-il ?", timeout=SLOW)

    page.reload()  # the resident refreshes, or comes back to the page in the same tab
    expect(log).to_contain_text("Vous :Des sacs poubelle éventrés", timeout=SLOW)
    expect(log.locator(".bia-msg--bot")).to_have_count(2)
    box = page.get_by_label("Votre message")
    box.fill("rue Gambetta devant le 10")
    box.press("Enter")
    expect(log.locator(".bia-msg--bot")).to_have_count(3, timeout=SLOW)
    code = answer_until_recorded(page, box)

    page.reload()  # the code stays on screen after a refresh too
    expect(page.locator(".bia-tracking__code")).to_have_text(code, timeout=SLOW)
    page.get_by_role("button", name="Faire un autre signalement").click()
    expect(log.locator(".bia-msg")).to_have_count(1, timeout=SLOW)  # a new greeting only
    expect(log).not_to_contain_text("sacs poubelle")
    assert tab.errors == [], tab.errors
