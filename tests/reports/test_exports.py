"""The chef de poste's daily main courante: the local day's entries, and only those."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from sqlalchemy import create_engine

from bia.context import Context
from bia.core.registry import load_all_models
from bia.reports import service

MakeCase = Callable[..., int]
PARIS = ZoneInfo("Europe/Paris")
DAY = date(2026, 11, 20)


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def _entries(ctx: Context, make_case: MakeCase) -> dict[str, str]:
    """Four entries around the day's edges; returns number -> which."""
    moments = {
        "veille": _local(DAY - timedelta(days=1), 23, 50),
        "minuit": _local(DAY, 0, 10),
        "soir": _local(DAY, 23, 55),
        "lendemain": _local(DAY + timedelta(days=1), 0, 5),
    }
    numbers = {}
    for name, at in moments.items():
        text = ("=HYPERLINK(\"http://evil\") musique forte" if name == "soir"
                else f"Musique forte ({name}) au 12 avenue Édouard VII.")
        case_id = make_case(received_at=at, occurred_at=at, text=text,
                            on_site_at=at + timedelta(minutes=5),
                            closed_at=at + timedelta(minutes=30))
        with ctx.session() as session:
            doc = service.prefill(session, case_id=case_id, kind="main-courante",
                                  pack=ctx.pack().pack, now=at)
            service.prefill(session, case_id=case_id, kind="rapport", pack=ctx.pack().pack,
                            now=at)  # rapports are not main courante entries
            if name == "minuit":
                service.validate(session, document_id=doc.id, username="dupont")
            numbers[name] = doc.number or ""
    return numbers


def test_daily_csv_holds_the_days_entries_only(ctx: Context, officers: dict[str, str],
                                               make_case: MakeCase) -> None:
    numbers = _entries(ctx, make_case)
    with ctx.session() as session:
        data = service.daily_main_courante(session, commune_id=ctx.pack().commune_id, day=DAY,
                                           tz="Europe/Paris", fmt="csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["N°", "Reçu à", "Objet de la demande d'intervention"]
    assert [r[0] for r in body] == [numbers["minuit"], numbers["soir"]]
    assert [r[1] for r in body] == ["00:10", "23:55"]
    by_name = dict(zip(header, body[0], strict=True))
    assert by_name["Statut"] == "validé" and len(by_name["Empreinte SHA-256"]) == 64
    assert by_name["Validé par"] == "Jean Dupont (PM-042)"
    assert by_name["Lieu de l'intervention"].startswith("12 Avenue Édouard VII")
    evening = dict(zip(header, body[1], strict=True))
    assert evening["Statut"] == "brouillon"
    assert evening["Nature des faits signalés"].startswith("'=HYPERLINK")  # defused


def test_daily_ods_opens_with_the_same_entries(ctx: Context, officers: dict[str, str],
                                               make_case: MakeCase) -> None:
    numbers = _entries(ctx, make_case)
    with ctx.session() as session:
        data = service.daily_main_courante(session, commune_id=ctx.pack().commune_id, day=DAY,
                                           tz=PARIS, fmt="ods")
        empty = service.daily_main_courante(session, commune_id=ctx.pack().commune_id,
                                            day=date(2026, 1, 1), tz=PARIS, fmt="ods")
    sheet = load(io.BytesIO(data)).spreadsheet.getElementsByType(Table)[0]
    lines = [[teletype.extractText(c) for c in row.getElementsByType(TableCell)]
             for row in sheet.getElementsByType(TableRow)]
    assert lines[0][0] == "N°"
    assert [line[0] for line in lines[1:]] == [numbers["minuit"], numbers["soir"]]
    assert [line[1] for line in lines[1:]] == ["00:10", "23:55"]  # not the day before or after
    assert numbers["minuit"] == "MC-2026-000001" and numbers["soir"] == ""  # drafts: no number
    empty_sheet = load(io.BytesIO(empty)).spreadsheet.getElementsByType(Table)[0]
    assert len(empty_sheet.getElementsByType(TableRow)) == 1  # header only


def test_migration_0002_matches_the_document_models(database_url: str) -> None:
    engine = create_engine(database_url)
    metadata = load_all_models()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert {"document", "document_version"} <= set(metadata.tables)
    ours = [d for d in diff if "document" in repr(d)]
    assert ours == []
