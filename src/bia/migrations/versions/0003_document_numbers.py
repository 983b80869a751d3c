"""document numbers: gap-free per commune, kind and year, from a locked counter

Numbers are now given at the first validation (see ``bia.reports.numbering``). Drafts that were
numbered at pre-fill lose their provisional number; the counters start after the highest number
already validated, so a number is never given twice.

Revision ID: 0003_document_numbers
Revises: 0002
Create Date: 2026-11-26 00:50:00
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = '0003_document_numbers'
down_revision = '0002'
branch_labels = None
depends_on = None

# how the unnamed UNIQUE(number) of 0002 is called: PostgreSQL's default name, and the name
# batch mode gives it when it reflects SQLite's table
NAMING = {"uq": "%(table_name)s_%(column_0_name)s_key"}
_NUMBER = re.compile(r"^(MC|RI)-(\d{4})-(\d+)$")
_KINDS = {"MC": "main-courante", "RI": "rapport"}


def upgrade() -> None:
    op.create_table('document_counter',
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('commune_id', 'kind', 'year')
    )
    with op.batch_alter_table('document', naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint('document_number_key', type_='unique')
        batch_op.create_unique_constraint('uq_document_commune_number', ['commune_id', 'number'])

    conn = op.get_bind()
    validated = sa.text("SELECT DISTINCT d.id, d.commune_id, d.number FROM document d "
                        "JOIN document_version v ON v.document_id = d.id "
                        "WHERE v.status = 'valide' AND d.number IS NOT NULL")
    last: dict[tuple[int, str, int], int] = {}
    kept = set()
    for doc_id, commune_id, number in conn.execute(validated):
        kept.add(doc_id)
        match = _NUMBER.match(number)
        if match:
            key = (commune_id, _KINDS[match[1]], int(match[2]))
            last[key] = max(last.get(key, 0), int(match[3]))
    for doc_id, in conn.execute(sa.text("SELECT id FROM document WHERE number IS NOT NULL")):
        if doc_id not in kept:
            conn.execute(sa.text("UPDATE document SET number = NULL WHERE id = :id"),
                         {"id": doc_id})
    for (commune_id, kind, year), value in last.items():
        conn.execute(sa.text("INSERT INTO document_counter (commune_id, kind, year, last) "
                             "VALUES (:c, :k, :y, :l)"),
                     {"c": commune_id, "k": kind, "y": year, "l": value})


def downgrade() -> None:
    with op.batch_alter_table('document', naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint('uq_document_commune_number', type_='unique')
        batch_op.create_unique_constraint('document_number_key', ['number'])
    op.drop_table('document_counter')
