from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bia.core.migrate import heads
from bia.core.registry import load_all_models


def test_single_migration_head() -> None:
    assert len(heads()) == 1


def test_migrations_match_the_models(database_url: str) -> None:
    """Upgrading gives exactly the tables the models declare (SQLite and PostgreSQL)."""
    engine = create_engine(database_url)
    metadata = load_all_models()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert set(metadata.tables) <= tables
    assert diff == []
