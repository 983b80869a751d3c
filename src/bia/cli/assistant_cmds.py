"""``bia analyze`` and ``bia chat``: the assistant from a terminal."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from bia.cli.common import console_error, context
from bia.context import LoadedPack, loaded_from_dir
from bia.core.settings import get_settings


def _parse_at(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        console_error(f"date invalide (ISO 8601 attendu) : {value}")
        raise typer.Exit(2) from None
    if moment.tzinfo is None:
        from zoneinfo import ZoneInfo

        moment = moment.replace(tzinfo=ZoneInfo("Europe/Paris"))
    return moment


def _loaded() -> tuple[Any, LoadedPack]:
    """The pack from the database when it is there, else straight from BIA_PACK_DIR."""
    settings = get_settings()
    try:
        ctx = context()
        return ctx, ctx.pack()
    except Exception:  # noqa: BLE001 - no database yet: the pack folder is enough
        from bia.geo.pack import load_pack

        return None, loaded_from_dir(load_pack(settings.pack_dir))


def analyze(
    text: Annotated[str | None, typer.Argument(help="The resident's message.")] = None,
    at: Annotated[str | None, typer.Option(help="Resident's 'now' (ISO 8601).")] = None,
    batch: Annotated[Path | None, typer.Option(help="JSONL file of {id, text, at} lines.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write batch results here (default stdout).")] = None,
) -> None:
    """Analyse a message (category, emergency, actors, place, time, reply) as JSON."""
    from bia.intake.assistant import analyze as analyze_one
    from bia.intake.assistant import build_nlu

    if (text is None) == (batch is None):
        console_error("donnez un TEXTE ou --batch FICHIER.jsonl")
        raise typer.Exit(2)
    ctx, loaded = _loaded()
    nlu = build_nlu(get_settings(), loaded)
    if text is not None:
        result = analyze_one(ctx, loaded, text, _parse_at(at), nlu=nlu)
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    assert batch is not None
    if not batch.is_file():
        console_error(f"fichier introuvable : {batch}")
        raise typer.Exit(1)
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    count, errors, start = 0, 0, time.perf_counter()
    with batch.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                when = _parse_at(item.get("at")) if item.get("at") else None
                result = analyze_one(ctx, loaded, str(item.get("text") or ""), when, nlu=nlu)
                record = {"id": item.get("id"), **result}
            except (json.JSONDecodeError, AttributeError, typer.Exit) as exc:
                errors += 1
                record = {"id": None, "line": number,
                          "error": f"ligne {number} illisible ({type(exc).__name__})"}
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    if out:
        sink.close()
    elapsed = time.perf_counter() - start
    typer.echo(f"{count} messages analysés en {elapsed:.1f} s "
               f"({count / elapsed if elapsed else 0:.0f}/s), {errors} lignes illisibles.",
               err=True)


def chat(at: Annotated[str | None, typer.Option(help="Resident's 'now' (ISO 8601).")] = None) -> None:
    """Talk to the assistant in the terminal (the same dialogue as the web chat)."""
    from bia.intake import assistant

    ctx = context()
    loaded = ctx.pack()
    moment = _parse_at(at)
    turn = assistant.start(ctx, loaded, channel="api", at=moment)
    typer.echo(f"BIA > {turn.reply}")
    while not turn.state.get("done"):
        try:
            text = input("Vous > ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            break
        turn = assistant.message(ctx, loaded, conversation_id=turn.conversation_id, text=text,
                                 at=moment)
        typer.echo(f"BIA > {turn.reply}")
