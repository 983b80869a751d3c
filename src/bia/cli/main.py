"""The ``bia`` command."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from bia.cli import assistant_cmds, data_cmds, pack_cmds, privacy_cmds
from bia.cli.common import console_error, context, run_or_exit
from bia.cli.opendata_cmds import opendata_app
from bia.cli.phone_cmds import phone_app
from bia.core.settings import get_settings

app = typer.Typer(
    name="bia",
    help="BIA 64 200: the public-safety assistant of a French commune.\n\n"
    "Set-up: `bia db upgrade`, `bia pack load packs/biarritz`, `bia demo load`, `bia serve`.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts (agent, chef_de_poste, analyste, admin).",
                        no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(pack_cmds.app, name="pack")
app.add_typer(data_cmds.import_app, name="import")
app.add_typer(data_cmds.demo_app, name="demo")
app.add_typer(users_app, name="users")
app.command("analyze")(assistant_cmds.analyze)
app.command("chat")(assistant_cmds.chat)
app.command("purge")(privacy_cmds.purge_cmd)
app.add_typer(privacy_cmds.privacy_app, name="privacy")
app.command("backup")(privacy_cmds.backup_cmd)
app.add_typer(opendata_app, name="opendata")
app.add_typer(phone_app, name="phone")
app.command("restore")(privacy_cmds.restore_cmd)


def _register_optional() -> None:
    """Sub-commands whose modules may be absent from a trimmed install."""
    try:
        from bia.cli.analytics_cmds import analytics_app, forecast_app
    except ImportError:
        return
    app.add_typer(forecast_app, name="forecast")
    app.add_typer(analytics_app, name="analytics")


_register_optional()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address (default BIA_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default BIA_PORT).")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web app and the API."""
    import uvicorn

    from bia.channels.phone.service import start_phone
    from bia.core.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    phone = start_phone(context())  # None unless BIA_SIP_LISTEN is set
    try:
        # keep idle connections longer than a resident takes to type (uvicorn's default 5 s
        # races with clients reusing a connection just as the server drops it)
        uvicorn.run("bia.api.app:create_app", factory=True, host=host or settings.host,
                    port=port or settings.port, workers=workers, log_config=None,
                    timeout_keep_alive=settings.keep_alive_s)
    finally:
        if phone:
            phone.stop()


outbox_app = typer.Typer(help="Outbox of forwarded reports.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")


@outbox_app.command("run")
def outbox_run(once: Annotated[bool, typer.Option(help="One pass, then exit.")] = False) -> None:
    """Send due deliveries (e-mail, webhook); retry failures with back-off."""
    from bia.core.logging import configure_logging
    from bia.intake.worker import OutboxWorker

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    worker = OutboxWorker(context())
    if once:
        typer.echo(json.dumps(worker.run_once()))
        return
    worker.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        worker.stop()


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or migrate the schema (SQLite or PostgreSQL, from BIA_DATABASE_URL)."""
    from bia.core.migrate import upgrade

    url = get_settings().database_url
    run_or_exit(lambda: upgrade(url, revision))
    typer.echo(f"Schéma à jour ({revision}) : {url.split('@')[-1]}")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="agent, chef_de_poste, analyste or admin.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read the password from stdin.")] = False,
    full_name: Annotated[str | None, typer.Option(help="Name shown on documents.")] = None,
    badge: Annotated[str | None, typer.Option(help="Matricule (badge number).")] = None,
) -> None:
    """Create a staff account (argon2-hashed password)."""
    from bia.cases.users import add_user
    from bia.geo.service import get_commune

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    ctx = context()

    def _add() -> None:
        with ctx.session() as session:
            commune = get_commune(session, insee=ctx.settings.default_commune)
            add_user(session, username=name, password=password, role=role,
                     commune_id=commune.id, full_name=full_name, badge_number=badge)

    run_or_exit(_add)
    typer.echo(f"Utilisateur {name} créé (rôle {role}).")


@app.command("config")
def config(markdown: Annotated[bool, typer.Option(help="Print a Markdown table.")] = False) -> None:
    """Print every setting with its environment variable and default."""
    from bia.core.settings import all_settings_classes

    rows = []
    for cls in all_settings_classes():
        for name, field in cls.model_fields.items():
            rows.append((f"BIA_{name.upper()}", str(field.default), field.description or ""))
    if markdown:
        typer.echo("| variable | default | meaning |\n|---|---|---|")
        for var, default, meaning in rows:
            default = default.replace(str(Path.cwd()), ".")
            typer.echo(f"| `{var}` | `{default}` | {meaning} |")
    else:
        for var, default, meaning in rows:
            typer.echo(f"{var}={default}\n    {meaning}")


__all__ = ["app", "console_error"]
