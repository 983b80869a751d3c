"""Pre-fill, edit, confirm and validate intervention documents, as an officer experiences it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bia.cases import audit
from bia.cases.models import AuditLog
from bia.context import Context
from bia.core.errors import Conflict, Forbidden, Invalid, InvalidTransition
from bia.reports import service
from bia.reports.models import DocumentVersion

MakeCase = Callable[..., int]
WHEN = datetime(2026, 11, 20, 22, 5, tzinfo=UTC)  # as in conftest: 23:05 in Biarritz
ON_SITE = WHEN + timedelta(minutes=12)
CLOSED = WHEN + timedelta(minutes=40)


def _prefill(ctx: Context, case_id: int, kind: str = "main-courante") -> int:
    with ctx.session() as session:
        doc = service.prefill(session, case_id=case_id, kind=kind,  # type: ignore[arg-type]
                              pack=ctx.pack().pack, now=WHEN + timedelta(hours=1))
        return doc.id


def test_prefill_records_where_each_value_came_from(ctx: Context, officers: dict[str, str],
                                                     make_case: MakeCase) -> None:
    case_id = make_case(contact={"name": "Mme Etcheverry", "phone": "06 12 34 56 78"},
                        consent=True, on_site_at=ON_SITE)
    doc_id = _prefill(ctx, case_id, "rapport")
    with ctx.session() as session:
        fields = service.get_document(session, document_id=doc_id).latest.fields
    assert fields["lieu"]["source"] == "geocoder"
    assert fields["lieu"]["value"].startswith("12 Avenue Édouard VII, 64200 Biarritz")
    assert "musique à fond" in fields["lieu"]["evidence"]  # the resident's sentence
    assert fields["objet"] == {**fields["objet"], "value": "Nuisances sonores",
                               "source": "transcript", "confirmed": False}
    assert "musique à fond" in fields["objet"]["evidence"]
    assert fields["faits_le"]["evidence"].endswith("depuis 23h.")
    assert fields["demande_le"] == {**fields["demande_le"], "value": "20/11/2026 23:05",
                                    "source": "clock"}
    assert fields["reponse"]["source"] == "routing"
    assert "Police municipale de Biarritz" in fields["reponse"]["value"]
    assert fields["debut"] == {**fields["debut"], "value": "20/11/2026 23:17", "source": "case"}
    assert fields["agent"]["value"] == "Jean Dupont (matricule PM-042)"
    assert fields["demandeur"]["source"] == "transcript"
    assert "Etcheverry" in fields["demandeur"]["value"]
    assert "Etcheverry" in fields["demandeur"]["evidence"]
    # the narrative keeps the facts, not the greeting nor who is calling
    assert fields["nature_faits"]["value"].startswith("Les voisins du 12 avenue")
    assert "Etcheverry" not in fields["nature_faits"]["value"]
    assert fields["constatations"] == {**fields["constatations"], "value": "",
                                       "source": "officer"}


def test_identity_stays_out_without_consent(ctx: Context, officers: dict[str, str],
                                            make_case: MakeCase) -> None:
    case_id = make_case(contact={"name": "Mme Etcheverry", "phone": "0612345678"},
                        consent=False,
                        text="Musique très forte au 12 avenue Édouard VII, appelez-moi au "
                             "06 12 34 56 78 ou etcheverry@example.org.")
    doc_id = _prefill(ctx, case_id)
    with ctx.session() as session:
        fields = service.get_document(session, document_id=doc_id).latest.fields
    assert fields["demandeur"]["value"] == ""
    dumped = str([f["value"] for f in fields.values()])
    for personal in ("Etcheverry", "06 12 34 56 78", "etcheverry@example.org"):
        assert personal not in dumped


def test_prefill_is_idempotent_and_audited(ctx: Context, officers: dict[str, str],
                                           make_case: MakeCase) -> None:
    case_id = make_case()
    first, second = _prefill(ctx, case_id), _prefill(ctx, case_id)
    assert first == second
    with ctx.session() as session:
        doc = service.get_document(session, document_id=first)
        assert [v.version for v in doc.versions] == [1]
        assert doc.number is None  # a draft gets its number at validation only
        actions = session.scalars(select(AuditLog.action).where(
            AuditLog.object_type == "document", AuditLog.object_id == str(first))).all()
    assert actions == ["document.create"]


def test_missing_mandatory_fields_block_validation_in_french(
        ctx: Context, officers: dict[str, str], make_case: MakeCase) -> None:
    case_id = make_case()  # no on-site nor closing time on the case yet
    doc_id = _prefill(ctx, case_id)
    with ctx.session() as session, pytest.raises(Invalid) as exc:
        service.validate(session, document_id=doc_id, username="dupont")
    message = exc.value.message
    assert message.startswith("Validation impossible.")
    assert "Champs obligatoires à compléter" in message
    assert "Début de l'intervention" in message and "Fin de l'intervention" in message
    assert "Lieu" not in message  # pre-filled by BIA
    assert exc.value.details["missing"] == ["Début de l'intervention", "Fin de l'intervention"]
    with ctx.session() as session:  # the refusal is in the audit log despite the rollback
        assert service.get_document(session, document_id=doc_id).status == "brouillon"
        refused = session.scalars(select(AuditLog).where(
            AuditLog.action == "document.validate_refused")).all()
        assert len(refused) == 1 and refused[0].object_id == str(doc_id)


def test_malformed_dates_and_reversed_times_are_refused(
        ctx: Context, officers: dict[str, str], make_case: MakeCase) -> None:
    doc_id = _prefill(ctx, make_case())
    with ctx.session() as session:
        service.update_fields(session, document_id=doc_id, username="dupont",
                              fields={"debut": "hier vers minuit", "fin": "20/11/2026 23:40"})
    with ctx.session() as session, pytest.raises(Invalid, match="JJ/MM/AAAA HH:MM"):
        service.validate(session, document_id=doc_id, username="dupont")
    with ctx.session() as session:
        service.update_fields(session, document_id=doc_id, username="dupont",
                              fields={"debut": "20/11/2026 à 23h50"})
    with ctx.session() as session, pytest.raises(Invalid, match="précède son début"):
        service.validate(session, document_id=doc_id, username="dupont")


def test_validation_freezes_and_a_later_edit_opens_version_2(
        ctx: Context, officers: dict[str, str], make_case: MakeCase) -> None:
    doc_id = _prefill(ctx, make_case(on_site_at=ON_SITE, closed_at=CLOSED))
    with ctx.session() as session:
        v1 = service.validate(session, document_id=doc_id, username="dupont",
                              now=datetime(2026, 11, 20, 23, 0, 0, 123456, tzinfo=UTC))
        hash1 = v1.content_hash
    assert hash1 and len(hash1) == 64
    with ctx.session() as session:  # read back from the database: same hash, still verifies
        doc = service.get_document(session, document_id=doc_id)
        assert doc.status == "valide" and doc.latest.content_hash == hash1
        assert doc.latest.validator_name == "Jean Dupont"
        assert doc.latest.validator_badge == "PM-042"
        assert service.verify(doc.latest)
        with pytest.raises(InvalidTransition, match="déjà validée"):
            service.validate(session, document_id=doc_id, username="dupont")
    with ctx.session() as session:
        v2 = service.update_fields(session, document_id=doc_id, username="lafitte",
                                   fields={"observations": "Voisins rappelés à l'ordre."})
        assert (v2.version, v2.status, v2.content_hash) == (2, "brouillon", None)
    with ctx.session() as session:
        doc = service.get_document(session, document_id=doc_id)
        first, second = doc.versions
        assert first.content_hash == hash1 and service.verify(first)
        assert "observations" not in first.fields or not first.fields["observations"]["value"]
        assert second.fields["observations"]["value"] == "Voisins rappelés à l'ordre."
        v2_validated = service.validate(session, document_id=doc_id, username="lafitte")
        assert v2_validated.content_hash not in (None, hash1)
    with ctx.session() as session:  # a validated version cannot be rewritten through the ORM
        row = session.scalars(select(DocumentVersion).where(
            DocumentVersion.document_id == doc_id, DocumentVersion.version == 1)).one()
        row.fields = {**row.fields, "lieu": {**row.fields["lieu"], "value": "ailleurs"}}
        with pytest.raises(Conflict, match="ne peut plus être modifiée"):
            session.flush()
        session.rollback()


def test_tampering_in_the_database_breaks_verification(
        ctx: Context, officers: dict[str, str], make_case: MakeCase) -> None:
    doc_id = _prefill(ctx, make_case(on_site_at=ON_SITE, closed_at=CLOSED))
    with ctx.session() as session:
        version = service.validate(session, document_id=doc_id, username="dupont")
        fields = {**version.fields, "lieu": {**version.fields["lieu"], "value": "3 rue Mazagran"}}
        version_id = version.id
    with ctx.session() as session:  # behind the ORM's back, as a direct SQL edit would be
        session.execute(update(DocumentVersion).where(DocumentVersion.id == version_id)
                        .values(fields=fields))
    with ctx.session() as session:
        assert not service.verify(service.get_document(session, document_id=doc_id).latest)


def test_edit_and_confirm_record_the_officer(ctx: Context, officers: dict[str, str],
                                             make_case: MakeCase) -> None:
    doc_id = _prefill(ctx, make_case(on_site_at=ON_SITE))
    with ctx.session() as session:
        before = service.prefill_share(service.get_document(session, document_id=doc_id))
        service.confirm_fields(session, document_id=doc_id, keys=["lieu", "objet"],
                               username="dupont")
        version = service.update_fields(
            session, document_id=doc_id, username="dupont",
            fields={"objet": "Tapage nocturne", "fin": "20/11/2026 23:45",
                    "demande_le": "20/11/2026 23:05"})
        fields = version.fields
        after = service.prefill_share(service.get_document(session, document_id=doc_id))
    assert fields["lieu"]["source"] == "geocoder" and fields["lieu"]["confirmed"]
    assert fields["lieu"]["by"] == "dupont"
    assert fields["objet"] == {**fields["objet"], "value": "Tapage nocturne",
                               "source": "officer", "replaced": "transcript", "by": "dupont"}
    assert fields["demande_le"]["source"] == "clock" and fields["demande_le"]["confirmed"]
    assert fields["fin"]["source"] == "officer"
    assert before[0] - 1 == after[0] and after[1] == before[1] + 2  # objet retyped, fin typed
    assert after[2] == after[0] + after[1]


def test_bad_input_is_refused_in_french(ctx: Context, officers: dict[str, str],
                                        make_case: MakeCase) -> None:
    doc_id = _prefill(ctx, make_case(on_site_at=ON_SITE, closed_at=CLOSED))
    with ctx.session() as session:
        with pytest.raises(Invalid, match="Champ inconnu"):
            service.update_fields(session, document_id=doc_id, fields={"nom_du_chat": "x"},
                                  username="dupont")
        with pytest.raises(Invalid, match="trop long"):
            service.update_fields(session, document_id=doc_id, username="dupont",
                                  fields={"observations": "x" * 20_001})
        with pytest.raises(Invalid, match="champ vide"):
            service.confirm_fields(session, document_id=doc_id, keys=["observations"],
                                   username="dupont")
        with pytest.raises(Invalid, match="Type de document inconnu"):
            service.prefill(session, case_id=1, kind="pv", pack=ctx.pack().pack,  # type: ignore[arg-type]
                            now=WHEN)
    with ctx.session() as session, pytest.raises(Forbidden):
        service.validate(session, document_id=doc_id, username="analyste")
    with ctx.session() as session, pytest.raises(Invalid, match="matricule"):
        service.validate(session, document_id=doc_id, username="sansmatricule")


def test_every_change_is_audited_and_the_chain_holds(ctx: Context, officers: dict[str, str],
                                                     make_case: MakeCase) -> None:
    case_id = make_case(on_site_at=ON_SITE, closed_at=CLOSED)
    doc_id = _prefill(ctx, case_id)
    with ctx.session() as session:
        service.confirm_fields(session, document_id=doc_id, keys=["lieu"], username="dupont")
        service.update_fields(session, document_id=doc_id, fields={"observations": "RAS"},
                              username="dupont")
        service.validate(session, document_id=doc_id, username="dupont")
        service.update_fields(session, document_id=doc_id, fields={"observations": "RAS."},
                              username="lafitte")
    rapport_id = _prefill(ctx, case_id, "rapport")
    with ctx.session() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.object_type == "document")
                               .order_by(AuditLog.id)).all()
        assert [(r.action, r.object_id, r.username) for r in rows] == [
            ("document.create", str(doc_id), "bia"),
            ("document.confirm", str(doc_id), "dupont"),
            ("document.update", str(doc_id), "dupont"),
            ("document.validate", str(doc_id), "dupont"),
            ("document.update", str(doc_id), "lafitte"),
            ("document.create", str(rapport_id), "bia"),
        ]
        assert rows[4].detail["new_version"] is True
        assert "RAS" not in str([r.detail for r in rows])  # field names, never values
        assert audit.verify_chain(session) == (True, None)
        entry = service.get_document(session, document_id=doc_id)
        assert entry.latest.fields["numero_rapport"]["value"] == ""  # no number before validation
    with ctx.session() as session:  # the rapport's number reaches the entry's open draft
        service.update_fields(session, document_id=rapport_id, username="dupont", fields={
            "constatations": "Musique audible depuis la rue.", "suites": "Rappel à l'ordre."})
        service.validate(session, document_id=rapport_id, username="dupont")
    with ctx.session() as session:
        entry = service.get_document(session, document_id=doc_id)
        rapport = service.get_document(session, document_id=rapport_id)
        assert rapport.number == "RI-2026-000001"
        assert entry.latest.fields["numero_rapport"]["value"] == rapport.number
        last = session.scalars(select(AuditLog).where(AuditLog.object_type == "document")
                               .order_by(AuditLog.id.desc()).limit(2)).all()
        assert [(r.action, r.object_id) for r in last] == [
            ("document.update", str(doc_id)), ("document.validate", str(rapport_id))]
        assert audit.verify_chain(session) == (True, None)
