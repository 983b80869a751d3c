"""photos: residents' photos, sanitised JPEG bytes kept in the database

Revision ID: 0004_photos
Revises: 0003_document_numbers
Create Date: 2026-11-26 01:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bia.core.coltypes

revision = '0004_photos'
down_revision = '0003_document_numbers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=36), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bia.core.coltypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_format', sa.String(length=8), nullable=False),
    sa.Column('original_bytes', sa.Integer(), nullable=False),
    sa.Column('location_consent', sa.Boolean(), nullable=False),
    sa.Column('gps_lat', sa.Float(), nullable=True),
    sa.Column('gps_lon', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('public_id')
    )
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.create_index('ix_photo_conversation', ['conversation_id'], unique=False)
        batch_op.create_index('ix_photo_created', ['created_at'], unique=False)
        batch_op.create_index('ix_photo_report', ['report_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_index('ix_photo_report')
        batch_op.drop_index('ix_photo_created')
        batch_op.drop_index('ix_photo_conversation')
    op.drop_table('photo')
