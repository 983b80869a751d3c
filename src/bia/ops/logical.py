"""BIA's own portable logical dump: every table as JSON lines, restorable across dialects.

It exists for the cases ``pg_dump`` does not cover: no PostgreSQL client on the host, or a move
from SQLite to PostgreSQL. Values are decoded by the *target* column types (reflected), so a
naive SQLite datetime becomes an aware PostgreSQL one and back; rows go in dependency order,
self-references are filled once every row exists, and PostgreSQL sequences are moved past the
restored ids. Restoring needs a schema at the same Alembic revision as the dump.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import JSON, Connection, MetaData, Table, select, text
from sqlalchemy.types import Date, DateTime, LargeBinary

from bia.core.db import make_engine
from bia.core.errors import Invalid

JSONL_MAGIC = "bia-jsonl"
SKIP_TABLES = frozenset({"alembic_version"})  # compared, never overwritten


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    return value


def _decode(value: Any, column: Any, dialect: str) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime) and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)  # BIA stores UTC everywhere
        return parsed.astimezone(UTC).replace(tzinfo=None) if dialect == "sqlite" else parsed
    if isinstance(kind, Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary) and isinstance(value, dict):
        return base64.b64decode(value["$b64"])
    return value


def _gzipped(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


@contextmanager
def _open(path: Path, mode: str) -> Iterator[IO[str]]:
    if (mode == "w" and path.suffix == ".gz") or (mode == "r" and _gzipped(path)):
        with gzip.open(path, mode + "t", encoding="utf-8") as fh:
            yield fh  # type: ignore[misc]
    else:
        with path.open(mode, encoding="utf-8") as fh:
            yield fh


def _alembic_version(conn: Connection, meta: MetaData) -> str | None:
    if "alembic_version" not in meta.tables:
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def dump_tables(conn: Connection, dest: Path, dialect: str) -> dict[str, int]:
    meta = MetaData()
    meta.reflect(conn)
    tables = [t for t in meta.sorted_tables if t.name not in SKIP_TABLES]
    counts: dict[str, int] = {}
    tmp = dest.with_name(f".{dest.name}.partial{''.join(dest.suffixes)}")
    with _open(tmp, "w") as out:
        out.write(json.dumps({"format": JSONL_MAGIC, "version": 1, "dialect": dialect,
                              "created_at": datetime.now(UTC).isoformat(),
                              "alembic_version": _alembic_version(conn, meta),
                              "tables": [t.name for t in tables]}) + "\n")
        for table in tables:
            columns = [c.name for c in table.columns]
            out.write(json.dumps({"table": table.name, "columns": columns}) + "\n")
            order = list(table.primary_key.columns) or list(table.columns)
            n = 0
            for row in conn.execute(select(table).order_by(*order)):
                out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                n += 1
            counts[table.name] = n
    os.replace(tmp, dest)
    return counts


def _self_refs(table: Table) -> list[str]:
    """Columns pointing at their own table: inserted empty, filled once every row exists."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name]


def _rows(fh: IO[str]) -> Iterator[tuple[str, list[str], list[Any]]]:
    """(table, columns, values) per line; values is empty on a table's header line."""
    table, columns = "", []
    for line in fh:
        item = json.loads(line)
        if isinstance(item, dict):
            table, columns = item["table"], item["columns"]
            yield table, columns, []
        else:
            yield table, columns, item


def _insert_batch(conn: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    if batch:
        conn.execute(table.insert(), batch)


def restore_jsonl(url: str, path: Path) -> dict[str, int]:
    with _open(path, "r") as fh:
        header = json.loads(fh.readline() or "{}")
        if header.get("format") != JSONL_MAGIC:
            raise Invalid(f"{path} n'est pas une sauvegarde BIA (jsonl).", code="sauvegarde")
        return _load_rows(url, header, _rows(fh))


def _load_rows(url: str, header: dict[str, Any],
               rows: Iterator[tuple[str, list[str], list[Any]]]) -> dict[str, int]:
    """Empty every table and insert the backup's rows, in one transaction."""
    engine = make_engine(url)
    dialect = engine.dialect.name
    meta = MetaData()
    meta.reflect(engine)
    for table in meta.tables.values():
        for column in table.columns:
            if isinstance(column.type, JSON):
                column.type = JSON(none_as_null=True)  # SQL NULL stays SQL NULL
    counts: dict[str, int] = {}
    try:
        with engine.begin() as conn:
            current = _alembic_version(conn, meta)
            if header.get("alembic_version") != current:
                raise Invalid(f"La sauvegarde est au schéma {header.get('alembic_version')}, "
                              f"la base au schéma {current} : migrez d'abord la base "
                              "(`bia db upgrade`) ou restaurez dans une base au même schéma.",
                              code="schema_different")
            missing = [n for n in header["tables"] if n not in meta.tables]
            if missing:
                raise Invalid(f"Tables absentes de la base : {', '.join(missing)}.",
                              code="schema_different")
            for table in reversed(meta.sorted_tables):
                if table.name not in SKIP_TABLES:
                    conn.execute(table.delete())
            deferred: list[tuple[Table, dict[str, Any]]] = []
            batch: list[dict[str, Any]] = []
            current_table: Table | None = None
            for name, columns, values in rows:
                if not values:
                    if current_table is not None:
                        _insert_batch(conn, current_table, batch)
                    current_table, batch = meta.tables[name], []
                    counts[name] = 0
                    continue
                assert current_table is not None
                row = {c: _decode(v, current_table.c[c], dialect)
                       for c, v in zip(columns, values, strict=True)}
                for ref in _self_refs(current_table):
                    if row.get(ref) is not None:
                        deferred.append((current_table, {**{k.name: row[k.name] for k in
                                         current_table.primary_key.columns}, ref: row[ref]}))
                        row[ref] = None
                batch.append(row)
                counts[name] += 1
                if len(batch) >= 1000:
                    _insert_batch(conn, current_table, batch)
                    batch = []
            if current_table is not None:
                _insert_batch(conn, current_table, batch)
            for table, fix in deferred:
                pk = {c.name: fix.pop(c.name) for c in table.primary_key.columns}
                conn.execute(table.update().where(*[table.c[k] == v for k, v in pk.items()])
                             .values(**fix))
            if dialect == "postgresql":
                _reset_sequences(conn, meta)
    finally:
        engine.dispose()
    return counts


def _reset_sequences(conn: Connection, meta: MetaData) -> None:
    """Inserted ids bypass the sequences: move each one past the largest id restored."""
    for table in meta.sorted_tables:
        for column in table.primary_key.columns:
            seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": table.name, "c": column.name}).scalar()
            if seq:
                conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") '
                                  f'FROM "{table.name}"), 0) + 1, false)'), {"s": seq})
