"""``bia opendata``: the aggregated, suppressed open-data files of a commune.

``export`` writes the CSV (``;``, UTF-8) or the GeoJSON described in
:mod:`bia.intake.opendata`; ``schema`` prints the CSV's Table Schema for the data portal.
"""

from __future__ import annotations

import io
import json
import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bia.cli.common import context, run_or_exit

opendata_app = typer.Typer(help="Open data: counts by zone, ISO week and category "
                                "(no personal data, small counts suppressed).",
                           no_args_is_help=True)


class Format(StrEnum):
    csv = "csv"
    geojson = "geojson"


class SourceChoice(StrEnum):
    reports = "reports"
    events = "events"


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"date attendue au format AAAA-MM-JJ, reçu {value!r}") from None


@opendata_app.command("export")
def export(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD, inclusive).")],
    end: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD, inclusive).")],
    fmt: Annotated[Format, typer.Option("--format", help="csv or geojson.")] = Format.csv,
    out: Annotated[Path | None, typer.Option("--out", help="Output file (default: stdout).")
                   ] = None,
    source: Annotated[SourceChoice, typer.Option(help="reports (residents' reports) or "
                                                      "events (imported logbooks).")
                      ] = SourceChoice.reports,
    commune: Annotated[str | None, typer.Option(help="INSEE code (default: the deployment's).")
                       ] = None,
    threshold: Annotated[int, typer.Option("--seuil", min=2,
                                           help="Counts below this are suppressed.")] = 5,
    include_synthetic: Annotated[bool, typer.Option(
        "--include-synthetic", help="Also count synthetic demo events (never publish them).")
                                 ] = False,
) -> None:
    """Write the aggregated export of a period."""
    from bia.intake import opendata

    first, last = _day(start), _day(end)
    ctx = context()

    def _export() -> str:
        loaded = ctx.pack(commune)
        with ctx.session() as session:
            agg = opendata.count(session, loaded=loaded, start=first, end=last,
                                 source=source.value, include_synthetic=include_synthetic,
                                 threshold=threshold)
        if fmt is Format.geojson:
            body = json.dumps(opendata.geojson(agg, loaded, generated=datetime.now().astimezone()),
                              ensure_ascii=False, indent=1)
            hidden = len(agg.period_hidden)
        else:
            handle = io.StringIO(newline="")
            opendata.write_csv(opendata.csv_rows(agg, loaded), handle)
            body = handle.getvalue()
            hidden = len(agg.hidden)
        if out is None:
            sys.stdout.write(body)
        else:
            out.write_text(body, encoding="utf-8", newline="")
        return f"{sum(agg.weekly.values())} signalements comptés, {hidden} valeurs masquées"

    try:
        summary = run_or_exit(_export)
    finally:
        ctx.close()
    if include_synthetic:
        typer.echo("Attention : données synthétiques incluses, à ne pas publier.", err=True)
    typer.echo(f"Export {fmt.value} {first} → {last} : {summary}"
               + (f" ({out})" if out else "") + ".", err=True)


@opendata_app.command("schema")
def schema() -> None:
    """Print the CSV's Table Schema (column dictionary) as JSON."""
    from bia.intake.opendata import table_schema

    typer.echo(json.dumps(table_schema(), ensure_ascii=False, indent=2))

