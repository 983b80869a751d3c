"""Acceptance test of the intervention file, in a real browser: an agent takes a case from the
queue, sets it on site, closes it, opens the rapport d'intervention, sees what BIA pre-filled
and where it came from, is told in French what is missing, completes it, validates it (version,
name, SHA-256 shown), downloads the PDF (which shows the place, the date and the officer); the
resident's tracking page shows the new status; every step is in the audit log, whose chain
holds."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bia.cases import audit
from bia.cases import service as cases
from bia.cases.models import AuditLog, Case
from bia.context import Context
from bia.intake import service as intake
from bia.intake.models import Report
from bia.reports.models import Document

pytestmark = pytest.mark.browser
PASSWORD = "un-mot-de-passe-long"  # as in conftest.staff
PARIS = ZoneInfo("Europe/Paris")
NOISE = "Musique très forte depuis 23h au 12 rue Gambetta, ça ne s'arrête pas"


def log_in(page: Any, base: str, username: str = "agent1") -> None:
    page.goto(f"{base}/console")
    expect(page).to_have_url(f"{base}/console/connexion?suite=/console")
    page.get_by_label("Identifiant", exact=True).fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")
    expect(page).to_have_url(f"{base}/console")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout


def test_agent_completes_validates_and_downloads_the_rapport(
        live_server: Any, tablet: Any, ctx: Context, staff: None,
        report: Callable[..., int], tmp_path: Path) -> None:
    page, base = tablet.page, live_server.url
    case_id = report(ctx, "bruit", NOISE)

    # the queue → the case: taken, on site, closed with an outcome
    log_in(page, base)
    page.locator(f'a[href="/console/dossiers/{case_id}"]').click()
    expect(page).to_have_url(f"{base}/console/dossiers/{case_id}")
    message = page.locator("#message-action")
    page.get_by_role("button", name="Prendre en charge").click()
    expect(message).to_contain_text("Nouvel état : Pris en charge")
    page.get_by_role("button", name="Équipage sur place").click()
    expect(message).to_contain_text("Nouvel état : Sur place")
    page.get_by_label("Suite donnée").fill("Musique baissée après rappel à l'ordre.")
    page.get_by_role("button", name="Clore le dossier").click()
    expect(message).to_contain_text("Nouvel état : Clos")

    # the rapport page, from the case page's link
    page.get_by_role("link", name="Compléter et valider le rapport d'intervention").click()
    expect(page).to_have_url(f"{base}/console/dossiers/{case_id}/documents/rapport")
    expect(page.locator("h1")).to_contain_text(
        "Rapport d'intervention (numéro attribué à la validation)")
    expect(page.locator("#etat-document")).to_have_text("Brouillon — version 1")
    # every field of the legal list has a label; sources are in plain French
    lieu = page.get_by_label("Lieu des faits et de l'intervention *")
    expect(lieu).to_have_value(re.compile("Gambetta"))
    expect(page.locator("#source-lieu")).to_contain_text("Source : d'après")
    expect(page.locator("#source-nature_faits")).to_contain_text(
        "d'après les propos du déclarant")
    expect(page.locator("#source-nature_faits")).to_contain_text("Musique très forte")
    expect(page.get_by_label("Date et heure des faits *")).to_have_attribute(
        "placeholder", "JJ/MM/AAAA HH:MM")
    asked = page.get_by_label("Date et heure de la demande *").input_value()
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", asked), asked
    expect(page.locator("#source-demande_le")).to_contain_text("horloge")
    agent_field = page.get_by_label("Agent rédacteur (nom, prénom, matricule) *")
    expect(agent_field).to_have_value(re.compile("Etchegaray"))
    tablet.shot("document-rapport-brouillon")

    # validating too early: the API's French refusal lists what is missing, and is focused
    page.get_by_role("button", name="Valider").click()
    alert = page.locator("#message-document [role=alert]")
    expect(alert).to_contain_text("Validation impossible.")
    expect(alert).to_contain_text("Champs obligatoires à compléter")
    expect(page.locator("#message-document")).to_be_focused()
    refusal = alert.inner_text()
    tablet.shot("document-rapport-refus")

    # fill every mandatory field still empty (dates in the hinted format), confirm the place
    start = datetime.now(PARIS).replace(second=0, microsecond=0)
    dates = {"faits_le": "20/11/2026 23:00",
             "debut": start.strftime("%d/%m/%Y %H:%M"),
             "fin": (start + timedelta(minutes=20)).strftime("%d/%m/%Y %H:%M")}
    texts = {"constatations": "Sonorisation audible depuis la rue ; occupant rencontré.",
             "suites": "Rappel à l'ordre, musique baissée.",
             "nature_faits": "Tapage nocturne."}
    empty = page.locator("#formulaire-document [aria-required=true]").evaluate_all(
        "els => els.filter(e => !e.value.trim()).map(e => e.name)")
    assert empty, "the refusal above needs at least one empty mandatory field"
    for name in empty:
        assert name in refusal or page.locator(f"#champ-{name}").get_attribute(
            "aria-invalid") == "true"
        page.locator(f"#champ-{name}").fill(dates.get(name) or texts.get(name) or "Néant.")
    for name in ("debut", "fin"):  # an ordered start and end, whatever BIA pre-filled
        page.locator(f"#champ-{name}").fill(dates[name])
    page.locator("label[for=confirme-lieu]").click()  # DSFR draws the box on the label
    expect(page.locator("#confirme-lieu")).to_be_checked()
    page.get_by_role("button", name="Enregistrer").click()
    status = page.locator("#message-document [role=status]")
    expect(status).to_contain_text("Modifications enregistrées")
    expect(page.locator("#confirme-lieu")).to_be_checked()
    expect(page.locator(f"#source-{empty[0]}")).to_contain_text("saisi par l'agent agent1")
    expect(page.locator("#source-lieu")).to_contain_text("confirmé par agent1")

    page.get_by_role("button", name="Valider").click()
    expect(status).to_contain_text("Document validé : version 1")
    expect(page.locator("#etat-document")).to_have_text("Version 1 validée")
    expect(page.locator("#validation-version")).to_have_text("1")
    expect(page.locator("#validation-par")).to_have_text("Jean Etchegaray (matricule PM-042)")
    shown_hash = page.locator("#validation-empreinte").inner_text().replace("\n", "")
    assert re.fullmatch(r"[0-9a-f]{64}", shown_hash), shown_hash
    tablet.shot("document-rapport-valide")

    # the PDF, downloaded as the officer would
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    download = info.value
    assert download.suggested_filename == "RI-2026-000001.pdf"  # the year's first rapport
    pdf = tmp_path / "rapport.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Gambetta" in text
    assert asked[:10] in text  # the date of the request, as BIA pre-filled it
    assert "20/11/2026" in text  # the date of the facts, as the officer typed it
    assert "Etchegaray" in text and "Jean" in text

    with ctx.session() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.status == "clos"
        resident = session.get(Report, case.report_id)
        assert resident is not None
        code = resident.tracking_code
        doc = session.scalar(select(Document).where(Document.case_id == case_id,
                                                    Document.kind == "rapport"))
        assert doc is not None and doc.latest.content_hash == shown_hash
        assert doc.latest.validator_badge == "PM-042"

    # the resident's tracking page shows the new status
    page.goto(f"{base}/suivi/{code}")
    expect(page.locator(".bia-status__label")).to_have_text(
        intake.STATUS_LABELS[cases.REPORT_STATUS["clos"]])

    # every step is in the audit log, and the chain holds
    with ctx.session() as session:
        rows = session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        case_steps = [r.action for r in rows if r.object_type == "case"
                      and r.object_id == str(case_id)]
        doc_steps = [r.action for r in rows if r.object_type == "document"
                     and r.object_id == str(doc.id)]
        assert [a for a in case_steps if a != "case.read"] == [
            "case.prendre", "case.sur_place", "case.clore"], case_steps
        for action in ("document.create", "document.read", "document.validate_refused",
                       "document.update", "document.confirm", "document.validate"):
            assert action in doc_steps, (action, doc_steps)
        assert doc_steps.index("document.validate_refused") < doc_steps.index(
            "document.validate")
        assert all(r.username == "agent1" for r in rows if r.action.startswith("document."))
        assert audit.verify_chain(session) == (True, None)
    assert tablet.errors == [], tablet.errors


def test_unknown_document_kind_is_a_french_404(live_server: Any, tab: Any, ctx: Context,
                                               staff: None,
                                               report: Callable[..., int]) -> None:
    page, base = tab.page, live_server.url
    case_id = report(ctx, "bruit", "Musique forte", at=datetime(2026, 11, 20, 22, 0, tzinfo=UTC))
    log_in(page, base)
    response = page.goto(f"{base}/console/dossiers/{case_id}/documents/proces-verbal")
    assert response is not None and response.status == 404
    expect(page.locator("[role=alert]")).to_contain_text("Document inconnu")
    page.goto(f"{base}/console/dossiers/{case_id}/documents/main-courante")
    expect(page.locator("h1")).to_contain_text("Main courante (numéro attribué à la validation)")
    assert tab.errors == [], tab.errors
