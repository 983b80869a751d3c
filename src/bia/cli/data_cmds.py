"""``bia import ban|events`` and ``bia demo load``: bring data into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bia.cli.common import console_error, context, run_or_exit
from bia.core.errors import Invalid

import_app = typer.Typer(help="Import reference data (addresses, intervention history).",
                         no_args_is_help=True)
demo_app = typer.Typer(help="Synthetic demo data (clearly marked as such).", no_args_is_help=True)


@import_app.command("ban")
def import_ban_cmd(
    file: Annotated[Path, typer.Argument(help="BAN CSV (semicolon-separated, may be .gz).")],
    commune: Annotated[str, typer.Option(help="INSEE code of the commune to import.")],
) -> None:
    """Import house-number addresses of one commune from a Base Adresse Nationale file."""
    from bia.geo.ban import import_ban
    from bia.geo.service import get_commune

    if not file.is_file():
        console_error(f"fichier introuvable : {file}")
        raise typer.Exit(1)
    ctx = context()

    def _run() -> object:
        with ctx.session() as session:
            target = get_commune(session, insee=commune)
            return import_ban(session, path=file, commune_id=target.id, insee=commune)

    result = run_or_exit(_run)
    typer.echo(f"Adresses : {result.inserted} ajoutées, {result.updated} mises à jour, "  # type: ignore[attr-defined]
               f"{result.skipped_other_commune} d'autres communes ignorées, "  # type: ignore[attr-defined]
               f"{len(result.rejected)} lignes rejetées.")  # type: ignore[attr-defined]
    for line in result.rejected[:50]:  # type: ignore[attr-defined]
        typer.echo(f"  {line}", err=True)
    if result.rejected and not (result.inserted or result.updated):  # type: ignore[attr-defined]
        raise typer.Exit(1)


@import_app.command("events")
def import_events_cmd(
    file: Annotated[Path, typer.Argument(help="Incident CSV (may be .gz).")],
    preset: Annotated[str | None, typer.Option(help="charlottesville, paris, chicago…")] = None,
    time_col: Annotated[str | None, typer.Option(help="Date/time column.")] = None,
    lat_col: Annotated[str | None, typer.Option(help="Latitude column.")] = None,
    lon_col: Annotated[str | None, typer.Option(help="Longitude column.")] = None,
    x_col: Annotated[str | None, typer.Option(help="Projected x column.")] = None,
    y_col: Annotated[str | None, typer.Option(help="Projected y column.")] = None,
    epsg: Annotated[int | None, typer.Option(help="EPSG code of x/y.")] = None,
    category_col: Annotated[str | None, typer.Option(help="Category column.")] = None,
    id_col: Annotated[str | None, typer.Option(help="Unique id column.")] = None,
    tz: Annotated[str | None, typer.Option(help="Time zone of naive times.")] = None,
    dataset: Annotated[str | None, typer.Option(help="Dataset name (default: file name).")] = None,
    commune: Annotated[str | None, typer.Option(help="INSEE code (default: the deployment's).")] = None,
) -> None:
    """Import intervention history for analytics; bad rows are listed and skipped."""
    from bia.analytics.io import read_events
    from bia.analytics.types import AnalyticsError
    from bia.cases.events import store_events

    overrides = {"time": time_col, "lat": lat_col, "lon": lon_col, "x": x_col, "y": y_col,
                 "epsg": epsg, "category": category_col, "event_id": id_col, "tz": tz}
    try:
        result = read_events(file, preset=preset, **overrides)
    except AnalyticsError as exc:
        console_error(exc.message_fr)
        raise typer.Exit(1) from None
    ctx = context()
    name = dataset or file.name.split(".")[0]

    def _store() -> tuple[int, int]:
        loaded = ctx.pack(commune)
        with ctx.session() as session:
            return store_events(session, commune_id=loaded.commune_id, dataset=name,
                                frame=result.events, zones=loaded.zones)

    inserted, existing = run_or_exit(_store)
    typer.echo(f"Événements : {inserted} ajoutés, {existing} déjà présents, "
               f"{len(result.rejected)} lignes rejetées (jeu « {name} »).")
    for rej in result.rejected[:50]:
        typer.echo(f"  ligne {rej.line} : {rej.reason}", err=True)
    if len(result.rejected) > 50:
        typer.echo(f"  … et {len(result.rejected) - 50} autres", err=True)


@demo_app.command("load")
def demo_load(
    years: Annotated[int | None, typer.Option(help="Years of history (default BIA_DEMO_YEARS).")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default BIA_DEMO_SEED).")] = None,
) -> None:
    """Write a synthetic, seeded history of interventions (dataset « demo »). Idempotent."""
    from bia.cases.events import load_demo_history

    ctx = context()
    settings = ctx.settings

    def _run() -> tuple[int, int]:
        if (years or settings.demo_years) < 1:
            raise Invalid("Au moins un an d'historique.")
        return load_demo_history(ctx, years=years or settings.demo_years,
                                 seed=seed if seed is not None else settings.demo_seed)

    inserted, total = run_or_exit(_run)
    typer.echo(f"Historique de démonstration (synthétique) : {inserted} événements ajoutés, "
               f"{total} au total.")
