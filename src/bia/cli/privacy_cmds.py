"""`bia purge`, `bia privacy export|erase|register`, `bia backup`, `bia restore`.

Thin: parse options, open the context, call ``bia.privacy`` / ``bia.ops``, print. Each command
that reads or changes personal data writes its audit row inside the same transaction.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bia.cli.common import context, run_or_exit
from bia.core.coltypes import utcnow
from bia.core.errors import Invalid

privacy_app = typer.Typer(help="Personal data: the RGPD register, data-subject rights.",
                          no_args_is_help=True)

TrackingOpt = Annotated[str | None, typer.Option("--tracking-code",
                                                 help="Tracking code of the report.")]
ContactOpt = Annotated[str | None, typer.Option("--contact",
                                                help="E-mail or phone number of the person.")]


def _parse_now(value: str | None) -> datetime:
    """An ISO date or datetime; naive values are read as UTC (as every stored time)."""
    if not value:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"Date invalide : {value} (format ISO attendu, ex. 2026-01-31T00:00).",
                      code="date_invalide") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _one_of(tracking_code: str | None, contact: str | None) -> None:
    if bool(tracking_code) == bool(contact):
        raise Invalid("Indiquez soit --tracking-code, soit --contact.", code="demande_incomplete")


def purge_cmd(
    dry_run: Annotated[bool, typer.Option("--dry-run",
                                          help="Show what would be purged; change nothing.")]
    = False,
    now: Annotated[str | None, typer.Option("--now", help="Purge as of this ISO date or datetime "
                                            "(UTC when naive; default: now).")] = None,
) -> None:
    """Apply the retention periods (BIA_RETENTION_*): anonymise or delete what is past them."""
    from bia.privacy.purge import purge
    from bia.privacy.settings import get_privacy_settings

    def _run() -> dict[str, object]:
        ctx = context()
        try:
            result = purge(ctx, get_privacy_settings(), now=_parse_now(now), dry_run=dry_run)
        finally:
            ctx.close()
        return {"as_of": result.now.isoformat(), "dry_run": result.dry_run,
                "counts": result.counts}

    typer.echo(json.dumps(run_or_exit(_run), ensure_ascii=False, indent=2))


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Écrit : {output}", err=True)


@privacy_app.command("export")
def export_cmd(tracking_code: TrackingOpt = None, contact: ContactOpt = None,
               output: Annotated[Path | None, typer.Option(
                   help="JSON file to write (default: standard output).")] = None) -> None:
    """Everything BIA holds about one person (right of access, RGPD art. 15), as JSON."""
    from bia.privacy.settings import get_privacy_settings
    from bia.privacy.subject import export_subject

    def _run() -> dict[str, object]:
        _one_of(tracking_code, contact)
        ctx = context()
        try:
            with ctx.session() as session:
                return export_subject(session, get_privacy_settings(), now=utcnow(),
                                      tracking_code=tracking_code, contact=contact)
        finally:
            ctx.close()

    _write(json.dumps(run_or_exit(_run), ensure_ascii=False, indent=2), output)


@privacy_app.command("erase")
def erase_cmd(tracking_code: TrackingOpt = None, contact: ContactOpt = None,
              yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")]
              = False) -> None:
    """Anonymise one person's reports and delete their dialogues (RGPD art. 17)."""
    from bia.privacy.settings import get_privacy_settings
    from bia.privacy.subject import erase_subject

    if not yes:
        typer.confirm("Anonymiser définitivement les signalements de cette personne ?",
                      abort=True)

    def _run() -> dict[str, object]:
        _one_of(tracking_code, contact)
        ctx = context()
        try:
            with ctx.session() as session:
                return erase_subject(session, get_privacy_settings(), now=utcnow(),
                                     tracking_code=tracking_code, contact=contact)
        finally:
            ctx.close()

    typer.echo(json.dumps(run_or_exit(_run), ensure_ascii=False, indent=2))


@privacy_app.command("register")
def register_cmd(output: Annotated[Path | None, typer.Option(
        help="Markdown file to write (default: standard output).")] = None) -> None:
    """Print the register of processing activities (RGPD art. 30) in French Markdown."""
    from bia.core.errors import BiaError
    from bia.privacy.register import build_register
    from bia.privacy.settings import get_privacy_settings

    ctx = context()
    try:
        try:
            pack = ctx.pack().pack
        except (BiaError, LookupError):
            pack = None  # no pack loaded yet: the register says recipients are to complete
        text = build_register(ctx.settings, get_privacy_settings(), pack, generated_at=utcnow())
    finally:
        ctx.close()
    _write(text, output)


def backup_cmd(
    file: Annotated[Path, typer.Argument(help="Backup file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="auto, sqlite, pgdump or jsonl "
                                     "(auto: sqlite for SQLite, pgdump when pg_dump is on "
                                     "PATH, else jsonl; a .gz jsonl name compresses).")] = "auto",
) -> None:
    """Write a consistent backup of the database while BIA keeps running."""
    from bia.core.settings import get_settings
    from bia.ops.backup import backup

    info = run_or_exit(lambda: backup(get_settings().database_url, file, fmt=fmt))
    total = sum(info.tables.values())
    typer.echo(f"Sauvegarde {info.format} écrite : {info.path}"
               + (f" ({total} lignes, {len(info.tables)} tables)" if info.tables else ""))


def restore_cmd(
    file: Annotated[Path, typer.Argument(help="Backup file to restore.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database content with a backup (stop the API and workers first)."""
    from bia.core.settings import get_settings
    from bia.ops.backup import restore

    url = get_settings().database_url
    if not yes:
        typer.confirm(f"Remplacer tout le contenu de {url.split('@')[-1]} ?", abort=True)
    info = run_or_exit(lambda: restore(url, file))
    typer.echo(f"Restauration {info.format} terminée : {sum(info.tables.values())} lignes, "
               f"{len(info.tables)} tables.")
