"""Backup → change → restore gives back exactly the rows backed up, on SQLite and PostgreSQL,
in the native format (SQLite online backup, pg_dump -Fc) and in the portable JSON lines."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, delete, select, update

from bia.cases import audit
from bia.cases.models import Case
from bia.context import Context, build_context
from bia.core.errors import Invalid
from bia.core.settings import Settings
from bia.geo.models import Commune
from bia.intake import codes
from bia.intake.models import Conversation, Delivery, Report
from bia.ops.backup import backup, detect_format, restore, table_counts
from bia.privacy.auditkeep import verify_chain


def plant(ctx: Context, n: int = 5) -> None:
    """Reports with cases (one merged into a later one), dialogues, deliveries, audit rows."""
    with ctx.session() as session:
        commune_id = session.scalar(select(Commune.id).where(
            Commune.insee == ctx.settings.default_commune))
        base = datetime(2026, 3, 1, 22, 30, 15, 123456, tzinfo=UTC)
        cases = []
        for i in range(n):
            at = base + timedelta(hours=i)
            report = Report(commune_id=commune_id, tracking_code=codes.new_code(),
                            channel="phone" if i % 2 else "web",
                            text=f"Tapage n°{i} « accentué » — rue Gambetta",
                            category_code="tapage_nocturne", actors=["police_municipale"],
                            routing={"rule": "r", "explanation": "é"}, lat=43.48 + i / 1000,
                            lon=-1.55, received_at=at, occurred_at=at, updated_at=at,
                            details={"people": i, "nested": {"ok": True}},
                            contact={"phone": "0611223344"} if i % 2 else None,
                            contact_consent=bool(i % 2))
            session.add(report)
            session.flush()
            case = Case(commune_id=commune_id, report_id=report.id, created_at=at,
                        updated_at=at, status="nouveau")
            session.add(case)
            session.flush()
            cases.append(case)
            session.add(Conversation(id=str(uuid.uuid4()), commune_id=commune_id,
                                     channel="web", report_id=report.id, state={"turn": i},
                                     created_at=at, updated_at=at))
            session.add(Delivery(commune_id=commune_id, report_id=report.id, actor_code="st",
                                 method="email", target="st@example.org", payload={"i": i},
                                 created_at=at, next_attempt_at=at))
            audit.record(session, username="agent1", action="case.read", object_type="case",
                         object_id=case.id, detail={"i": i}, commune_id=commune_id)
        cases[0].merged_into_id = cases[-1].id  # a self-reference pointing forward


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def content(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {t.name: [tuple(_norm(v) for v in row) for row in conn.execute(
            select(t).order_by(*(t.primary_key.columns or t.columns)))]
            for t in meta.sorted_tables}


def formats(url: str) -> list[str]:
    if url.startswith("sqlite"):
        return ["sqlite", "jsonl"]
    return (["pgdump"] if shutil.which("pg_dump") else []) + ["jsonl"]


@pytest.mark.parametrize("fmt", ["native", "jsonl", "jsonl.gz"])
def test_round_trip_restores_rows_and_contents(ctx: Context, tmp_path: Path, fmt: str) -> None:
    url = ctx.settings.database_url
    chosen = "jsonl" if fmt.startswith("jsonl") else formats(url)[0]
    plant(ctx)
    before, counts = content(ctx.engine), table_counts(ctx.engine)
    file = tmp_path / f"bia.{fmt}"
    info = backup(url, file, fmt=chosen)
    assert info.format == chosen and detect_format(file) == chosen
    if info.tables:
        assert info.tables == counts

    with ctx.session() as session:  # life goes on after the backup
        session.execute(update(Report).values(text="changé"))
        session.execute(update(Case).values(merged_into_id=None))
        session.execute(delete(Case))
        session.execute(delete(Report).where(Report.channel == "web"))
        audit.record(session, username="agent2", action="case.read", object_type="case")
    assert content(ctx.engine) != before

    ctx.engine.dispose()
    restored = restore(url, file)
    assert restored.tables == counts
    assert content(ctx.engine) == before
    with ctx.session() as session:
        assert verify_chain(session) == (True, None)
        # ids keep being allocated past the restored ones (sequences moved on PostgreSQL)
        audit.record(session, username="agent3", action="case.read", object_type="case")
        report = session.scalar(select(Report).limit(1))
        assert report is not None
        session.add(Delivery(commune_id=report.commune_id, report_id=report.id,
                             actor_code="st", method="email", target="x@example.org"))


def test_jsonl_refuses_a_different_schema(ctx: Context, tmp_path: Path) -> None:
    file = tmp_path / "bia.jsonl"
    backup(ctx.settings.database_url, file, fmt="jsonl")
    lines = file.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["alembic_version"] = "9999"
    file.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(Invalid) as err:
        restore(ctx.settings.database_url, file)
    assert err.value.code == "schema_different"


def test_sqlite_backup_is_consistent_while_the_app_writes(ctx: Context,
                                                          tmp_path: Path) -> None:
    if not ctx.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite online backup")
    stop = threading.Event()
    written = 0

    def writer() -> None:
        nonlocal written
        other = build_context(Settings(database_url=ctx.settings.database_url))
        try:
            while not stop.is_set():
                with other.session() as session:
                    audit.record(session, username="agent1", action="case.read",
                                 object_type="case", object_id=written, detail={"n": written})
                written += 1
        finally:
            other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = [backup(ctx.settings.database_url, tmp_path / f"copy{i}.db", fmt="sqlite")
                  for i in range(3)]
    finally:
        stop.set()
        thread.join(timeout=30)
    assert written > 0
    for info in copies:
        with sqlite3.connect(info.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copy = build_context(Settings(database_url=f"sqlite:///{info.path}"))
        try:
            with copy.session() as session:  # a torn copy would break the hash chain
                assert verify_chain(session) == (True, None)
        finally:
            copy.close()


def test_formats_are_checked(ctx: Context, tmp_path: Path) -> None:
    url = ctx.settings.database_url
    wrong = "pgdump" if url.startswith("sqlite") else "sqlite"
    with pytest.raises(Invalid):
        backup(url, tmp_path / "x", fmt=wrong)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01nothing")
    with pytest.raises(Invalid):
        restore(url, junk)


def test_backup_and_restore_commands(ctx: Context, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from typer.testing import CliRunner

    from bia.cli.privacy_cmds import backup_cmd, restore_cmd
    from bia.core.settings import get_settings

    app = typer.Typer()
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
    monkeypatch.setenv("BIA_DATABASE_URL", ctx.settings.database_url)
    get_settings.cache_clear()
    plant(ctx, n=2)
    counts = table_counts(ctx.engine)
    file = tmp_path / "cli.backup"
    try:
        runner = CliRunner()
        done = runner.invoke(app, ["backup", str(file)])
        assert done.exit_code == 0, done.output
        assert "Sauvegarde" in done.stdout
        with ctx.session() as session:
            session.execute(update(Case).values(merged_into_id=None))
            session.execute(delete(Case))
        ctx.engine.dispose()
        refused = runner.invoke(app, ["restore", str(file)], input="n\n")
        assert refused.exit_code != 0 and table_counts(ctx.engine) != counts
        done = runner.invoke(app, ["restore", str(file), "--yes"])
        assert done.exit_code == 0, done.output
        assert table_counts(ctx.engine) == counts
        bad = runner.invoke(app, ["restore", str(tmp_path / "missing"), "--yes"])
        assert bad.exit_code == 1 and "introuvable" in bad.output
    finally:
        get_settings.cache_clear()


def test_jsonl_moves_a_sqlite_database_to_postgresql(ctx: Context, tmp_path: Path) -> None:
    """The portable dump is also the migration path from a SQLite pilot to PostgreSQL."""
    if ctx.settings.database_url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL as the target")
    from bia.core.migrate import upgrade
    from bia.geo.pack import load_pack
    from bia.geo.service import load_pack_into_db

    from ..conftest import PACK_DIR  # type: ignore[import-not-found]

    sqlite_url = f"sqlite:///{tmp_path / 'pilot.db'}"
    upgrade(sqlite_url)
    pilot = build_context(Settings(database_url=sqlite_url))
    try:
        with pilot.session() as session:
            load_pack_into_db(session, pack=load_pack(PACK_DIR))
        plant(pilot)
        expected = content(pilot.engine)
        backup(sqlite_url, tmp_path / "pilot.jsonl", fmt="jsonl")
    finally:
        pilot.close()
    ctx.engine.dispose()
    restore(ctx.settings.database_url, tmp_path / "pilot.jsonl")
    assert content(ctx.engine) == expected
