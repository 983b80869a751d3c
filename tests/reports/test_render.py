"""PDF and ODT outputs, checked the way an officer reads them (pdftotext, LibreOffice's format)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from odf import teletype
from odf.opendocument import load
from odf.text import P

from bia.context import Context
from bia.reports import render_pdf, service
from bia.reports.layout import build_sheet

MakeCase = Callable[..., int]
WHEN = datetime(2026, 11, 20, 22, 5, tzinfo=UTC)
ON_SITE, CLOSED = WHEN + timedelta(minutes=12), WHEN + timedelta(minutes=40)
NASTY = ("<script>alert('x')</script> & <b>gras</b> </style> \"guillemets\" 🚨🎶 "
         "ctrl:\x00\x07\x1b\x7f fin\r\nligne 2\t tab " + "A" * 3000 + " "
         + "Très long récit de la nuit. " * 550)


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext missing: install Debian poppler-utils (deps/apt.txt)")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                         capture_output=True, check=True).stdout.decode("utf-8")
    return re.sub(r"\s+", " ", out)


def odt_text(odt: bytes) -> str:
    doc = load(io.BytesIO(odt))
    return "\n".join(teletype.extractText(p) for p in doc.getElementsByType(P))


def _validated_rapport(ctx: Context, make_case: MakeCase, **kwargs: object) -> int:
    case_id = make_case(on_site_at=ON_SITE, closed_at=CLOSED, outcome="Rappel à la loi",
                        **kwargs)
    with ctx.session() as session:
        doc = service.prefill(session, case_id=case_id, kind="rapport", pack=ctx.pack().pack,
                              now=CLOSED)
        service.update_fields(session, document_id=doc.id, username="dupont",
                              fields={"constatations": "Musique audible depuis la rue."})
        service.validate(session, document_id=doc.id, username="dupont")
        return doc.id


def test_pdf_shows_place_date_officer_and_validation(ctx: Context, officers: dict[str, str],
                                                     make_case: MakeCase) -> None:
    doc_id = _validated_rapport(ctx, make_case)
    with ctx.session() as session:
        pdf = service.render(session, document_id=doc_id, fmt="pdf")
        doc = service.get_document(session, document_id=doc_id)
        number, digest = doc.number, doc.latest.content_hash
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in ("Police municipale de Biarritz", "Ville de Biarritz",
                     "Rapport d'intervention", f"N° {number}", "N° RI-2026-000001",
                     "12 Avenue Édouard VII, 64200 Biarritz",  # the place
                     "20/11/2026 23:05",  # the date of the request
                     "Jean Dupont", "PM-042", "Validé par : Jean Dupont, matricule PM-042",
                     "Musique audible depuis la rue.", "Source : propos du demandeur"):
        assert expected in text, expected
    assert digest and digest in text.replace(" ", "")


def test_draft_pdf_says_it_is_not_validated(ctx: Context, officers: dict[str, str],
                                            make_case: MakeCase) -> None:
    with ctx.session() as session:
        doc = service.prefill(session, case_id=make_case(), kind="main-courante",
                              pack=ctx.pack().pack, now=CLOSED)
        text = pdf_text(service.render(session, document_id=doc.id, fmt="pdf"))
    assert "BROUILLON" in text and "Document non validé" in text
    assert "N° attribué à la validation" in text  # no number is spent on a draft
    assert "à compléter" in text  # the empty mandatory fields are visible


def test_odt_opens_and_holds_the_fields(ctx: Context, officers: dict[str, str],
                                        make_case: MakeCase) -> None:
    doc_id = _validated_rapport(ctx, make_case)
    with ctx.session() as session:
        odt = service.render(session, document_id=doc_id, fmt="odt")
        doc = service.get_document(session, document_id=doc_id)
        expected_values = [f["value"] for f in doc.latest.fields.values() if f["value"]]
        digest = doc.latest.content_hash
    assert odt[:2] == b"PK"
    text = odt_text(odt)
    for value in expected_values:
        assert value in text, value
    assert "Police municipale de Biarritz" in text
    assert "Validé par : Jean Dupont, matricule PM-042" in text and digest and digest in text


def test_odd_text_renders_escaped_in_both_formats(ctx: Context, officers: dict[str, str],
                                                  make_case: MakeCase) -> None:
    # intake cannot store NUL on PostgreSQL (its own concern); the officer's input below can
    doc_id = _validated_rapport(ctx, make_case, text=NASTY.replace("\x00", ""))
    with ctx.session() as session:
        service.update_fields(session, document_id=doc_id, username="dupont",
                              fields={"observations": NASTY})
        doc = service.get_document(session, document_id=doc_id)
        html = render_pdf.html(build_sheet(session, doc, doc.latest))
        pdf = service.render(session, document_id=doc_id, fmt="pdf")
        odt = service.render(session, document_id=doc_id, fmt="odt")
        stored = doc.latest.fields["observations"]["value"]
    assert "\x00" not in stored and "\x1b" not in stored and "\r" not in stored
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "</style> \"" not in html
    text = pdf_text(pdf)
    assert "<script>alert('x')</script> & <b>gras</b>" in text  # shown as text, not markup
    assert "Très long récit de la nuit." in text
    assert int(re.search(r"Page 1 / (\d+)", text).group(1)) > 3  # type: ignore[union-attr]
    odt_body = odt_text(odt)
    assert "<script>alert('x')</script> & <b>gras</b>" in odt_body and "🚨🎶" in odt_body


def test_an_earlier_version_can_still_be_printed(ctx: Context, officers: dict[str, str],
                                                 make_case: MakeCase) -> None:
    doc_id = _validated_rapport(ctx, make_case)
    with ctx.session() as session:
        v1_hash = service.get_document(session, document_id=doc_id).latest.content_hash
        service.update_fields(session, document_id=doc_id, username="lafitte",
                              fields={"observations": "Complément du chef de poste."})
    with ctx.session() as session:
        v1 = pdf_text(service.render(session, document_id=doc_id, fmt="pdf", version=1))
        v2 = pdf_text(service.render(session, document_id=doc_id, fmt="pdf"))
    assert v1_hash and v1_hash in v1.replace(" ", "") and "version 1" in v1
    assert "Complément du chef de poste." not in v1
    assert "Complément du chef de poste." in v2 and "BROUILLON" in v2
