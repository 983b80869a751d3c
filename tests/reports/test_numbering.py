"""Validated documents get gap-free numbers per commune, kind and year (MC-2026-000001…),
allocated in the validating transaction: concurrent validations never share or skip a number,
and a validation that fails or rolls back gives its number to the next one."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bia.context import Context
from bia.core.errors import Invalid
from bia.reports import service
from bia.reports.models import Document

MakeCase = Callable[..., int]

WHEN = datetime(2026, 11, 20, 22, 5, tzinfo=UTC)


def _entries(ctx: Context, make_case: MakeCase, count: int, *, kind: str = "main-courante",
             complete: bool = True) -> list[int]:
    ids = []
    for _ in range(count):
        case_id = make_case(on_site_at=WHEN + timedelta(minutes=10) if complete else None,
                            closed_at=WHEN + timedelta(minutes=40) if complete else None)
        with ctx.session() as session:
            doc = service.prefill(session, case_id=case_id, kind=kind,  # type: ignore[arg-type]
                                  pack=ctx.pack().pack, now=WHEN)
            ids.append(doc.id)
    return ids


def _validate(ctx: Context, doc_id: int, at: datetime | None = None) -> str:
    with ctx.session() as session:
        service.validate(session, document_id=doc_id, username="dupont", now=at)
        number = service.get_document(session, document_id=doc_id).number
        assert number is not None
        return number


def _numbers(ctx: Context, ids: list[int]) -> dict[int, str | None]:
    with ctx.session() as session:
        return {i: service.get_document(session, document_id=i).number for i in ids}


def test_concurrent_validations_number_one_to_n(ctx: Context, officers: dict[str, str],
                                               make_case: MakeCase) -> None:
    ids = _entries(ctx, make_case, 16)
    assert set(_numbers(ctx, ids).values()) == {None}  # drafts have no number yet
    with ThreadPoolExecutor(max_workers=8) as pool:
        given = list(pool.map(lambda i: _validate(ctx, i), ids))
    expected = [f"MC-2026-{n:06d}" for n in range(1, 17)]
    assert sorted(given) == expected  # 1..16: no gap, no duplicate
    assert sorted(n or "" for n in _numbers(ctx, ids).values()) == expected


def test_a_failed_or_rolled_back_validation_burns_no_number(
        ctx: Context, officers: dict[str, str], make_case: MakeCase) -> None:
    complete = _entries(ctx, make_case, 2)
    incomplete, = _entries(ctx, make_case, 1, complete=False)
    with pytest.raises(Invalid, match="Champs obligatoires"):  # refused: nothing allocated
        _validate(ctx, incomplete)
    session = ctx.sessions()
    try:  # validated, then the transaction fails before commit
        service.validate(session, document_id=complete[0], username="dupont")
        assert session.get(Document, complete[0]).number == "MC-2026-000001"  # type: ignore[union-attr]
    finally:
        session.rollback()
        session.close()
    assert _numbers(ctx, [complete[0], incomplete]) == {complete[0]: None, incomplete: None}
    assert _validate(ctx, complete[1]) == "MC-2026-000001"
    assert _validate(ctx, complete[0]) == "MC-2026-000002"


def test_numbers_restart_each_year_and_per_kind(ctx: Context, officers: dict[str, str],
                                                make_case: MakeCase) -> None:
    ids = _entries(ctx, make_case, 3)
    new_year_eve = datetime(2026, 12, 31, 22, 50, tzinfo=UTC)  # 23:50 in Biarritz
    assert _validate(ctx, ids[0], new_year_eve) == "MC-2026-000001"
    assert _validate(ctx, ids[1], new_year_eve + timedelta(minutes=20)) == "MC-2027-000001"
    assert _validate(ctx, ids[2], new_year_eve + timedelta(minutes=30)) == "MC-2027-000002"
    rapport, = _entries(ctx, make_case, 1, kind="rapport")
    with ctx.session() as session:
        service.update_fields(session, document_id=rapport, username="dupont", fields={
            "constatations": "Musique audible depuis la rue.", "suites": "Rappel à l'ordre."})
    assert _validate(ctx, rapport, new_year_eve + timedelta(minutes=40)) == "RI-2027-000001"


def test_a_new_version_keeps_its_number(ctx: Context, officers: dict[str, str],
                                        make_case: MakeCase) -> None:
    doc_id, = _entries(ctx, make_case, 1)
    assert _validate(ctx, doc_id) == "MC-2026-000001"
    with ctx.session() as session:
        service.update_fields(session, document_id=doc_id, fields={"observations": "RAS."},
                              username="lafitte")
    assert _validate(ctx, doc_id) == "MC-2026-000001"
    other, = _entries(ctx, make_case, 1)
    assert _validate(ctx, other) == "MC-2026-000002"


def test_each_commune_has_its_own_register(ctx: Context) -> None:
    from bia.geo.models import Commune
    from bia.reports import numbering

    session = ctx.sessions()
    try:  # a second commune in the same deployment, rolled back at the end
        anglet = Commune(insee="64024", name="Anglet", postcode="64600",
                         timezone="Europe/Paris", config={}, pack_digest="test")
        session.add(anglet)
        session.flush()
        biarritz = ctx.pack().commune_id
        at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
        given = [numbering.assign(session, commune_id=c, kind="rapport", at=at)
                 for c in (biarritz, anglet.id, biarritz, anglet.id, anglet.id)]
        assert given == ["RI-2026-000001", "RI-2026-000001", "RI-2026-000002",
                         "RI-2026-000002", "RI-2026-000003"]
    finally:
        session.rollback()
        session.close()
