"""Pages without a browser: French content, security headers, no inline script, login and
role handling, the queue's pagination, the case page, tracking, static assets and their cache."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from bia.cases.models import AuditLog, StaffUser
from bia.context import Context, build_context
from bia.core.settings import Settings
from bia.intake.models import Report

PASSWORD = "un-mot-de-passe-long"  # as in conftest.staff
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the form"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD,
          suite: str = "/console") -> object:
    form = client.get("/console/connexion")
    return client.post("/console/connexion", follow_redirects=False,
                       data={"username": username, "password": password,
                             "csrf": csrf_of(form.text), "suite": suite})


def assert_safe_page(response: object) -> str:
    html = response.text  # type: ignore[attr-defined]
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert '<html lang="fr"' in html
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html)
    assert "style=" not in html
    return html


def test_chat_page_is_french_and_shows_the_emergency_numbers(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = assert_safe_page(response)
    assert "ce n'est pas le 17" in html
    for number in ("17", "18", "15", "112", "114"):
        assert f'href="tel:{number}"' in html or f'href="sms:{number}"' in html
    assert 'role="log"' in html and 'aria-live="polite"' in html
    assert '<label class="fr-label" for="message">' in html
    assert "/static/js/chat.js?v=" in html


def test_console_redirects_to_login_then_login_failure_is_in_french(
        client: TestClient, staff: None) -> None:
    response = client.get("/console", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/connexion?suite=/console")
    form = client.get("/console/connexion")
    assert_safe_page(form)
    assert "Connexion à la console" in form.text
    bad = login(client, "agent1", "mauvais-mot-de-passe")
    assert bad.status_code == 401  # type: ignore[attr-defined]
    assert "Identifiant ou mot de passe incorrect." in bad.text  # type: ignore[attr-defined]
    assert 'role="alert"' in bad.text  # type: ignore[attr-defined]
    forged = client.post("/console/connexion", data={"username": "agent1", "password": PASSWORD,
                                                      "csrf": "forge"}, follow_redirects=False)
    assert forged.status_code == 403 and "expiré" in forged.text


def test_lockout_message_after_repeated_failures(client: TestClient, staff: None) -> None:
    for _ in range(5):
        login(client, "agent1", "mauvais-mot-de-passe")
    locked = login(client, "agent1")
    assert "Compte verrouillé" in locked.text  # type: ignore[attr-defined]
    assert "bia_session" not in locked.headers.get("set-cookie", "")  # type: ignore[attr-defined]


def test_login_returns_to_the_filtered_queue(client: TestClient, staff: None) -> None:
    first = client.get("/console?zone=centre&categorie=bruit", follow_redirects=False)
    assert first.headers["location"] == (
        "/console/connexion?suite=/console%3Fzone%3Dcentre%26categorie%3Dbruit")
    form = client.get(first.headers["location"]).text
    assert 'name="suite" value="/console?zone=centre&amp;categorie=bruit"' in form
    done = client.post("/console/connexion", follow_redirects=False, data={
        "username": "agent1", "password": PASSWORD, "csrf": csrf_of(form),
        "suite": "/console?zone=centre&categorie=bruit"})
    assert done.headers["location"] == "/console?zone=centre&categorie=bruit"


def test_map_tiles_come_from_the_setting_and_the_csp_allows_them(
        ctx: Context, settings: Settings, staff: None) -> None:
    from bia.api.app import create_app

    tiled = settings.model_copy(update={"map_tile_url":
                                        "https://{s}.tuiles.example.org/{z}/{x}/{y}.png"})
    context = build_context(tiled)
    try:
        with TestClient(create_app(tiled, context=context)) as client:
            login(client, "agent1")
            page = client.get("/console")
    finally:
        context.close()
    assert 'data-tiles="https://{s}.tuiles.example.org/{z}/{x}/{y}.png"' in page.text
    assert "img-src 'self' data: https://*.tuiles.example.org;" in \
        page.headers["content-security-policy"]


def test_login_sets_the_session_cookie_and_redirects_inside_the_console_only(
        client: TestClient, staff: None) -> None:
    response = login(client, "agent1", suite="https://ailleurs.example/")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/console"  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"]  # type: ignore[attr-defined]
    assert "bia_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/console")
    assert page.status_code == 200 and "File des signalements" in page.text
    assert "Jean Etchegaray" in page.text


def test_analyste_gets_the_reserved_access_page(client: TestClient, staff: None,
                                                ctx: Context, report: Callable[..., int]) -> None:
    case_id = report(ctx, "bruit", "Musique forte rue Gambetta")
    login(client, "analyste1")
    for path in ("/console", f"/console/dossiers/{case_id}"):
        response = client.get(path)
        assert response.status_code == 403
        html = assert_safe_page(response)
        assert "Accès réservé" in html and "Musique forte" not in html
    assert client.get("/console/file").status_code == 401


def test_queue_puts_emergencies_first_and_filters(client: TestClient, staff: None, ctx: Context,
                                                  report: Callable[..., int]) -> None:
    parked = report(ctx, "stationnement", "Voiture sur le trottoir")
    noise = report(ctx, "bruit", "Musique très forte")
    drunk = report(ctx, "ivresse", "Un homme inconscient par terre", emergency=True)
    login(client, "agent1")
    html = assert_safe_page(client.get("/console"))
    order = [int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)]
    assert order == [drunk, noise, parked]
    assert "3 dossiers ouverts" in html and "dont 1 urgence" in html
    only_noise = client.get("/console", params={"categorie": "bruit"}).text
    assert re.findall(r'<tr data-id="(\d+)"', only_noise) == [str(noise)]
    junk = client.get("/console", params={"zone": "<script>", "etat": "x", "periode": "y"})
    assert junk.status_code == 200 and "<script>" not in junk.text.split("<main")[1]
    fragment = client.get("/console/file")
    assert fragment.text.lstrip().startswith('<div id="file-contenu"')
    with ctx.session() as session:
        lists = session.scalars(select(AuditLog).where(AuditLog.action == "case.list")).all()
        assert len(lists) == 4 and lists[0].detail["via"] == "console"


def test_case_page_shows_words_fields_routing_history_and_actions(
        client: TestClient, staff: None, ctx: Context, report: Callable[..., int]) -> None:
    case_id = report(ctx, "bruit", "Musique <b>très</b> forte depuis 23h")
    login(client, "agent1")
    response = client.get(f"/console/dossiers/{case_id}")
    html = assert_safe_page(response)
    assert "Musique &lt;b&gt;très&lt;/b&gt; forte depuis 23h" in html  # escaped, never markup
    for text in ("Ce que dit le résident", "Informations extraites", "Orientation", "Historique",
                 "Rue Gambetta", "Police municipale", "Prendre en charge",
                 f"/api/v1/cases/{case_id}/documents/rapport.pdf"):
        assert text in html, text
    assert 'data-action="prendre"' in html and 'data-action="sur_place"' not in html
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    missing = client.get("/console/dossiers/999999")
    assert missing.status_code == 404 and "Dossier 999999 introuvable." in missing.text
    with ctx.session() as session:
        reads = session.scalars(select(AuditLog).where(AuditLog.action == "case.read")).all()
        assert [r.object_id for r in reads] == [str(case_id)]


def test_actions_through_the_api_with_the_cookie_need_the_csrf_header(
        client: TestClient, staff: None, ctx: Context, report: Callable[..., int]) -> None:
    case_id = report(ctx, "bruit", "Musique forte")
    login(client, "agent1")
    html = client.get(f"/console/dossiers/{case_id}").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)  # type: ignore[union-attr]
    url = f"/api/v1/cases/{case_id}/actions"
    assert client.post(url, json={"action": "prendre"}).status_code == 403
    taken = client.post(url, json={"action": "prendre"}, headers={"X-CSRF-Token": token})
    assert taken.status_code == 200 and taken.json()["status"] == "pris_en_charge"
    again = client.post(url, json={"action": "prendre"}, headers={"X-CSRF-Token": token})
    assert again.status_code == 409 and "Pris en charge" in again.json()["error"]["message"]
    page = client.get(f"/console/dossiers/{case_id}").text
    assert "Action refusée" in page and 'data-action="sur_place"' in page


def test_logout_needs_the_session_csrf(client: TestClient, staff: None) -> None:
    login(client, "agent1")
    token = csrf_of(client.get("/console").text)
    assert client.post("/console/deconnexion", data={"csrf": "faux"},
                       follow_redirects=False).headers["location"] == "/console"
    out = client.post("/console/deconnexion", data={"csrf": token}, follow_redirects=False)
    assert out.headers["location"] == "/console/connexion?sortie=1"
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_map_layers_come_from_the_pack(client: TestClient, staff: None) -> None:
    assert client.get("/console/carte/zones.geojson").status_code == 401
    login(client, "agent1")
    zones = client.get("/console/carte/zones.geojson")
    assert zones.headers["content-type"] == "application/geo+json"
    kinds = {f["properties"]["kind"] for f in zones.json()["features"]}
    assert kinds == {"commune", "zone"}
    streets = client.get("/console/carte/rues.geojson").json()
    assert len(streets["features"]) > 100


def test_tracking_page_shows_the_status_and_nothing_personal(
        client: TestClient, ctx: Context, report: Callable[..., int]) -> None:
    report(ctx, "bruit", "Musique forte, je suis Mme Etcheverry 0612345678")
    with ctx.session() as session:
        code = session.scalars(select(Report.tracking_code)).one()
    form = client.get("/suivi")
    assert_safe_page(form)
    assert "Code de suivi" in form.text
    redirect = client.get("/suivi", params={"code": code.lower().replace("-", " ")},
                          follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == f"/suivi/{code}"
    html = assert_safe_page(client.get(f"/suivi/{code}"))
    assert "Reçu : votre signalement est enregistré." in html and "Nuisances sonores" in html
    assert "Etcheverry" not in html and "0612345678" not in html
    unknown = client.get("/suivi/BIA-2222-3333-44")
    assert unknown.status_code == 404
    assert "Aucun signalement ne correspond à ce code de suivi." in unknown.text


def test_static_assets_are_local_and_cached(client: TestClient) -> None:
    css = client.get("/static/vendor/dsfr/dsfr.min.css")
    assert css.status_code == 200 and "DSFR" in css.text[:300]
    assert "max-age=604800" in css.headers["cache-control"]
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    font = client.get("/static/vendor/dsfr/fonts/Marianne-Regular.woff2")
    assert font.status_code == 200 and "max-age" in font.headers["cache-control"]
    page = client.get("/").text
    own = re.search(r'src="(/static/js/chat\.js\?v=\w+)"', page).group(1)  # type: ignore[union-attr]
    js = client.get(own)
    assert js.status_code == 200 and "immutable" in js.headers["cache-control"]
    etag = css.headers["etag"]
    again = client.get("/static/vendor/dsfr/dsfr.min.css", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_stream_needs_a_staff_session(client: TestClient, staff: None, ctx: Context) -> None:
    assert client.get("/api/v1/cases/stream").status_code == 401
    login(client, "analyste1")
    assert client.get("/api/v1/cases/stream").status_code == 403
    with ctx.session() as session:
        assert session.scalar(select(StaffUser.id).where(StaffUser.username == "agent1"))
