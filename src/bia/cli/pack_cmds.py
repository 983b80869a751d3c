"""``bia pack check|load``: validate a commune pack and store it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bia.cli.common import context, run_or_exit
from bia.core.errors import PackError
from bia.geo.pack import Pack, load_pack
from bia.routing.coverage import coverage_errors, yearly_summary

app = typer.Typer(help="Commune packs: check and load (YAML + GeoJSON + CSV).",
                  no_args_is_help=True)

PackDir = Annotated[Path, typer.Argument(help="Pack folder, e.g. packs/biarritz.")]


def checked_pack(directory: Path) -> Pack:
    """Load and prove coverage; raise PackError listing every problem."""
    pack = load_pack(directory)
    errors = coverage_errors(pack)
    if errors:
        raise PackError(f"couverture incomplète : {errors[0]}", details=errors)
    return pack


@app.command("check")
def check(directory: PackDir, verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Print who takes each category over a year.")] = False) -> None:
    """Validate a pack and prove every category has an answer at every hour of the year."""
    pack = run_or_exit(lambda: checked_pack(directory))
    typer.echo(f"Pack {pack.commune.name} ({pack.commune.insee}) valide : "
               f"{len(pack.categories)} catégories, {len(pack.actors)} acteurs, "
               f"{len(pack.rules)} règles, {len(pack.zone_codes)} zones, "
               f"{len(pack.streets)} rues, {len(pack.landmarks)} lieux-repères.")
    typer.echo("Couverture prouvée : chaque catégorie a une réponse pour toute zone, "
               "urgence ou non, à toute heure de l'année.")
    if verbose:
        year = date.today().year
        for code, counter in yearly_summary(pack, year).items():
            parts = ", ".join(f"{actor} {hours} h" for actor, hours in counter.most_common())
            typer.echo(f"  {code:28s} {parts}")


@app.command("load")
def load(directory: PackDir, cell_m: Annotated[int | None, typer.Option(
        help="Analysis grid cell size in metres (default: the pack's).")] = None) -> None:
    """Validate and store a pack (idempotent: loading again replaces it)."""
    from bia.geo.service import load_pack_into_db

    pack = run_or_exit(lambda: checked_pack(directory))
    ctx = context()
    with ctx.session() as session:
        commune = load_pack_into_db(session, pack=pack, cell_m=cell_m)
        name = commune.name
    typer.echo(f"Pack {name} chargé (empreinte {pack.digest}).")
