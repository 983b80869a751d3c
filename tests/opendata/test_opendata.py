"""Open-data export: counts by zone × ISO week × category, secret statistique (primary and
secondary), the CSV layout and the GeoJSON, and no personal data planted in reports comes out.

The period is 2026-03-02 (Monday, ISO week 10) → 2026-03-22 (Sunday, week 12)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from bia.cases.events import store_events
from bia.cli.opendata_cmds import opendata_app
from bia.context import Context
from bia.core.errors import Invalid
from bia.core.settings import get_settings
from bia.core.types import Analysis, Location
from bia.intake import opendata
from bia.intake.flows import submit_report
from bia.intake.models import Report

HEADER = ("commune_insee;zone_code;zone_nom;semaine_iso;categorie_code;categorie_libelle;"
          "nombre;secret_statistique")
START, END = date(2026, 3, 2), date(2026, 3, 22)
WEEK = {10: datetime(2026, 3, 4, 21, 0, tzinfo=UTC), 11: datetime(2026, 3, 11, 21, 0, tzinfo=UTC),
        12: datetime(2026, 3, 18, 21, 0, tzinfo=UTC)}
CENTRE = (43.482217, -1.558843)  # rue Gambetta
LITTORAL = (43.485312, -1.559741)  # Grande Plage
PLANTED = "Je suis M. Etchegaray, 06 12 34 56 78, jean.etchegaray@example.org, voiture AB-123-CD"
SECRETS = ["Etchegaray", "06 12 34 56 78", "0612345678", "jean.etchegaray", "AB-123-CD",
           "17 bis", "Gambetta", "43.482217", "-1.558843", "43.485312", "BIA-"]


def _report(ctx: Context, category: str, when: datetime, where: tuple[float, float] | None,
            *, status: str | None = None) -> None:
    location = None
    if where:
        location = Location(text="devant le 17 bis rue Gambetta", street="Rue Gambetta",
                            number="17 bis", lat=where[0], lon=where[1])
    analysis = Analysis(text=PLANTED, category=category, location=location, occurred_at=when)
    done = submit_report(ctx, ctx.pack(), channel="web", text=PLANTED, analysis=analysis,
                         at=when, contact={"name": "Jean Etchegaray", "phone": "0612345678"},
                         contact_consent=True)
    with ctx.session() as session:  # received an hour after the facts
        values: dict[str, object] = {"received_at": when + timedelta(hours=1)}
        if status:
            values["status"] = status
        session.execute(update(Report).where(Report.id == done.report_id).values(**values))


@pytest.fixture
def planted(ctx: Context) -> Context:
    plan = [("bruit", 10, CENTRE, 7), ("bruit", 11, CENTRE, 6), ("bruit", 12, CENTRE, 2),
            ("ivresse", 10, CENTRE, 3), ("stationnement", 11, LITTORAL, 5),
            ("depot_sauvage", 10, None, 1)]
    for category, week, where, n in plan:
        for i in range(n):
            _report(ctx, category, WEEK[week] + timedelta(minutes=i), where)
    _report(ctx, "bruit", WEEK[10], CENTRE, status="fusionne")  # a duplicate: counted once
    _report(ctx, "information", WEEK[10], CENTRE)  # a question, not an incident
    _report(ctx, "bruit", datetime(2026, 3, 23, 9, 0, tzinfo=UTC), CENTRE)  # after the period
    return ctx


def _export(ctx: Context) -> tuple[opendata.Aggregate, list[dict[str, str]], str, str]:
    loaded = ctx.pack()
    with ctx.session() as session:
        agg = opendata.count(session, loaded=loaded, start=START, end=END)
    buffer = io.StringIO(newline="")
    opendata.write_csv(opendata.csv_rows(agg, loaded), buffer)
    text = buffer.getvalue()
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    return agg, rows, text, json.dumps(opendata.geojson(agg, loaded), ensure_ascii=False)


def test_csv_counts_and_statistical_secret(planted: Context) -> None:
    agg, rows, text, _ = _export(planted)
    assert text.splitlines()[0] == HEADER
    assert sum(agg.weekly.values()) == 24
    table = {(r["zone_code"], r["semaine_iso"], r["categorie_code"]):
             (r["nombre"], r["secret_statistique"]) for r in rows}
    assert table == {
        ("centre", "2026-W10", "bruit"): ("7", "false"),
        ("centre", "2026-W11", "bruit"): ("", "true"),  # secondary: 15 − 7 would give W12
        ("centre", "2026-W12", "bruit"): ("", "true"),  # primary: 2
        ("centre", "2026-W10", "ivresse"): ("", "true"),  # primary: 3
        ("littoral", "2026-W11", "stationnement"): ("5", "false"),  # 5 is not secret
        ("non_localise", "2026-W10", "depot_sauvage"): ("", "true"),
    }
    first = rows[0]
    assert first["commune_insee"] == "64122" and first["zone_nom"] == "Centre-ville"
    assert first["categorie_libelle"] == "Nuisances sonores"
    assert "Non localisé" in text and "\r" not in text


def test_geojson_zones_with_counts_per_category(planted: Context) -> None:
    agg, _, _, raw = _export(planted)
    body = json.loads(raw)
    assert body["type"] == "FeatureCollection"
    by_zone = {f["properties"]["zone_code"]: f for f in body["features"]}
    assert set(by_zone) == {*planted.pack().pack.zone_codes, "non_localise"}
    centre = by_zone["centre"]["properties"]
    assert by_zone["centre"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert centre["nb_bruit"] == 15 and centre["nb_ivresse"] is None
    assert centre["total"] is None and centre["secret_statistique"] is True
    assert centre["categories_secretes"] == ["ivresse"] and "nb_information" not in centre
    littoral = by_zone["littoral"]["properties"]
    assert littoral["nb_stationnement"] == 5 and littoral["total"] == 5
    assert littoral["secret_statistique"] is False and littoral["nb_bruit"] == 0
    assert by_zone["non_localise"]["geometry"] is None
    assert by_zone["non_localise"]["properties"]["nb_depot_sauvage"] is None
    assert body["metadata"]["seuil_secret_statistique"] == 5


def test_no_personal_data_comes_out(planted: Context) -> None:
    _, _, text, raw = _export(planted)
    for secret in SECRETS:
        assert secret not in text and secret not in raw, secret


def test_events_source_leaves_synthetic_events_out(ctx: Context) -> None:
    loaded = ctx.pack()
    frame = pd.DataFrame([
        {"event_id": f"e{i}", "t": WEEK[11], "category": "tags_degradations", "source": "patrol",
         "lat": CENTRE[0], "lon": CENTRE[1], "synthetic": i >= 6} for i in range(9)])
    with ctx.session() as session:
        store_events(session, commune_id=loaded.commune_id, dataset="main-courante",
                     frame=frame, zones=loaded.zones)
        real = opendata.count(session, loaded=loaded, start=START, end=END, source="events")
        demo = opendata.count(session, loaded=loaded, start=START, end=END, source="events",
                              include_synthetic=True)
        reports = opendata.count(session, loaded=loaded, start=START, end=END)
    assert real.weekly == {("centre", "2026-W11", "tags_degradations"): 6}
    assert sum(demo.weekly.values()) == 9 and reports.weekly == {}
    with ctx.session() as session, pytest.raises(Invalid):
        opendata.count(session, loaded=loaded, start=END, end=START)


@pytest.fixture
def cli_env(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BIA_DATABASE_URL", ctx.settings.database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_writes_csv_and_geojson(planted: Context, cli_env: None, tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(opendata_app, ["export", "--from", "2026-03-02", "--to", "2026-03-22",
                                          "--format", "csv", "--out", str(out / "a.csv")])
    assert result.exit_code == 0, result.output
    assert (out / "a.csv").read_text(encoding="utf-8").splitlines()[0] == HEADER
    result = runner.invoke(opendata_app, ["export", "--from", "2026-03-02", "--to", "2026-03-22",
                                          "--format", "geojson", "--out", str(out / "a.geojson")])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "a.geojson").read_text(encoding="utf-8"))["features"]
    bad = runner.invoke(opendata_app, ["export", "--from", "2026-03-22", "--to", "2026-03-02"])
    assert bad.exit_code == 1 and "précède" in bad.output
    schema = json.loads(runner.invoke(opendata_app, ["schema"]).output)
    assert ";".join(f["name"] for f in schema["fields"]) == HEADER
    assert all(f["description"] for f in schema["fields"])
