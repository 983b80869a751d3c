"""Backups and restores of BIA's database (`bia backup FILE`, `bia restore FILE`).

Three formats, chosen by what is at hand:

* ``sqlite``: SQLite's online backup API copies the live file page by page under a read
  transaction, so the copy is consistent while the app keeps writing (a plain ``cp`` of a WAL
  database is not).
* ``pgdump``: ``pg_dump -Fc`` when the PostgreSQL client is on PATH, restored with
  ``pg_restore --clean --single-transaction``; the standard tool, and what a DBA expects.
* ``jsonl``: our own portable logical dump (one JSON object a line, ``.gz`` compressed when the
  file name says so) of every table, read in one snapshot. It needs no client binary and moves
  data between SQLite and PostgreSQL; it restores into a schema already migrated to the same
  Alembic revision.

The format of a file is recognised on restore from its first bytes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, MetaData, func, select, text
from sqlalchemy.engine import make_url

from bia.core.db import make_engine
from bia.core.errors import Invalid
from bia.ops import logical
from bia.ops.logical import SKIP_TABLES

FORMATS = ("auto", "sqlite", "pgdump", "jsonl")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    format: str
    tables: dict[str, int]  # rows per table (empty for pgdump: counted by the server)


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise Invalid("Sauvegarde impossible d'une base SQLite en mémoire.", code="sauvegarde")
    return Path(database)


def choose_format(url: str, fmt: str = "auto") -> str:
    if fmt not in FORMATS:
        raise Invalid(f"Format inconnu : {fmt} ({', '.join(FORMATS)}).", code="sauvegarde")
    if fmt == "auto":
        if _is_sqlite(url):
            return "sqlite"
        return "pgdump" if shutil.which("pg_dump") and shutil.which("pg_restore") else "jsonl"
    if fmt == "sqlite" and not _is_sqlite(url):
        raise Invalid("Le format sqlite ne s'applique qu'à une base SQLite.", code="sauvegarde")
    if fmt == "pgdump" and _is_sqlite(url):
        raise Invalid("Le format pgdump ne s'applique qu'à PostgreSQL.", code="sauvegarde")
    return fmt


def detect_format(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(b"PGDMP"):
        return "pgdump"
    if head.startswith(b"\x1f\x8b") or head.lstrip().startswith(b"{"):
        return "jsonl"
    raise Invalid(f"{path} n'est pas une sauvegarde BIA reconnue.", code="sauvegarde")


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table: what a restore must give back."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
                for t in meta.sorted_tables if t.name not in SKIP_TABLES}


# ---- SQLite ---------------------------------------------------------------------------------

def _sqlite_copy(source: Path, dest: Path) -> None:
    """Online backup into a temporary file renamed at the end: never a half-written backup."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".bia-backup-", dir=dest.parent)
    os.close(fd)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(tmp_name)
    try:
        src.backup(dst, pages=1024)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise RuntimeError("copie SQLite incohérente")
    finally:
        dst.close()
        src.close()
    os.replace(tmp_name, dest)


def _sqlite_restore(backup: Path, target: Path) -> None:
    src = sqlite3.connect(backup)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst, pages=1024)
    finally:
        dst.close()
        src.close()


# ---- pg_dump / pg_restore -------------------------------------------------------------------

def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (it goes through PGPASSWORD, not the process list)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Invalid(f"{args[0]} a échoué : {done.stderr.strip()[:500]}", code="sauvegarde")


def _pg_dump(url: str, dest: Path) -> None:
    conninfo, env = _libpq(url)
    tmp = dest.with_name(f".{dest.name}.partial")
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(tmp),
          "--dbname", conninfo], env)
    os.replace(tmp, dest)


def _pg_restore(url: str, backup: Path) -> None:
    conninfo, env = _libpq(url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", "--dbname", conninfo, str(backup)], env)


# ---- JSON lines (see bia.ops.logical) ------------------------------------------------

def _jsonl_dump(url: str, dest: Path) -> dict[str, int]:
    if _is_sqlite(url):  # dump a consistent online copy, not the moving file
        with tempfile.TemporaryDirectory() as tmpdir:
            copy = Path(tmpdir) / "snapshot.db"
            _sqlite_copy(_sqlite_path(url), copy)
            engine = make_engine(f"sqlite:///{copy}")
            try:
                with engine.connect() as conn:
                    return logical.dump_tables(conn, dest, "sqlite")
            finally:
                engine.dispose()
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            return logical.dump_tables(conn, dest, engine.dialect.name)
    finally:
        engine.dispose()


# ---- entry points ---------------------------------------------------------------------------

def backup(url: str, dest: Path, *, fmt: str = "auto") -> BackupInfo:
    """Write a consistent backup of the database at ``url`` to ``dest``."""
    chosen = choose_format(url, fmt)
    dest = dest.resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    if chosen == "sqlite":
        _sqlite_copy(_sqlite_path(url), dest)
        engine = make_engine(f"sqlite:///{dest}")
        try:
            return BackupInfo(dest, chosen, table_counts(engine))
        finally:
            engine.dispose()
    if chosen == "pgdump":
        _pg_dump(url, dest)
        return BackupInfo(dest, chosen, {})
    return BackupInfo(dest, chosen, _jsonl_dump(url, dest))


def restore(url: str, source: Path) -> BackupInfo:
    """Replace the content of the database at ``url`` with the backup ``source``.

    Stop the API and the outbox workers first: a restore is not a merge.
    """
    if not source.is_file():
        raise Invalid(f"Fichier introuvable : {source}", code="sauvegarde")
    fmt = detect_format(source)
    if fmt == "sqlite":
        if not _is_sqlite(url):
            raise Invalid("Une sauvegarde SQLite ne se restaure que dans SQLite ; pour "
                          "PostgreSQL, sauvegardez au format jsonl.", code="sauvegarde")
        _sqlite_restore(source, _sqlite_path(url))
    elif fmt == "pgdump":
        if _is_sqlite(url):
            raise Invalid("Une sauvegarde pg_dump ne se restaure que dans PostgreSQL.",
                          code="sauvegarde")
        _pg_restore(url, source)
    else:
        return BackupInfo(source, fmt, logical.restore_jsonl(url, source))
    engine = make_engine(url)
    try:
        return BackupInfo(source, fmt, table_counts(engine))
    finally:
        engine.dispose()
