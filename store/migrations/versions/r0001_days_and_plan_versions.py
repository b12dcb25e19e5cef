"""The first schema: days, their inputs as imported (tables, personal data apart), plan
versions with their statistics rows, and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SHA = sa.String(64)
ID = sa.String(200)


def _version_fk() -> sa.Column[int]:
    return sa.Column(
        "version_id",
        sa.Integer,
        sa.ForeignKey("plan_versions.id", ondelete="CASCADE"),
        primary_key=True,
    )


def _import_fk() -> sa.Column[int]:
    return sa.Column(
        "import_id",
        sa.Integer,
        sa.ForeignKey("day_imports.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    """Create the first tables."""
    op.create_table(
        "days",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.Date, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "day_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "day_id", sa.Integer, sa.ForeignKey("days.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("checksum", SHA, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_files", sa.Text, nullable=False),
        sa.Column("policy", sa.Text, nullable=False),
        sa.Column("workers", sa.Integer, nullable=False),
        sa.Column("personal_rows", sa.Integer, nullable=False),
        sa.Column("personal_purged_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("day_id", "checksum", name="uq_day_imports_day_checksum"),
    )
    op.create_table(
        "input_tables",
        _import_fk(),
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("checksum", SHA, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "personal_data",
        _import_fk(),
        sa.Column("subject", sa.String(20), primary_key=True),
        sa.Column("subject_id", ID, primary_key=True),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("id_number", sa.Text, nullable=True),
        sa.Column("phone", sa.Text, nullable=True),
        sa.Column("contact", sa.Text, nullable=True),
    )
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "day_id", sa.Integer, sa.ForeignKey("days.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("parent_version", sa.Integer, nullable=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("day_imports.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("policy", sa.Text, nullable=False),
        sa.Column("kpis", sa.Text, nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("document", sa.LargeBinary, nullable=False),
        sa.Column("document_checksum", SHA, nullable=False),
        sa.Column("record", sa.LargeBinary, nullable=False),
        sa.Column("record_checksum", SHA, nullable=False),
        sa.Column("workers_registered", sa.Integer, nullable=False),
        sa.Column("workers_transported", sa.Integer, nullable=False),
        sa.Column("workers_excluded", sa.Integer, nullable=False),
        sa.Column("workers_unserved", sa.Integer, nullable=False),
        sa.Column("buses_used", sa.Integer, nullable=False),
        sa.Column("trips", sa.Integer, nullable=False),
        sa.Column("bus_km", sa.Float, nullable=False),
        sa.Column("cost_cny", sa.Float, nullable=False),
        sa.Column("subsidy_cny", sa.Float, nullable=False),
        sa.UniqueConstraint("day_id", "version", name="uq_plan_versions_day_version"),
    )
    op.create_table(
        "version_flows",
        _version_fk(),
        sa.Column("station_id", ID, primary_key=True),
        sa.Column("enterprise_id", ID, primary_key=True),
        sa.Column("station_name", sa.Text, nullable=False),
        sa.Column("workers", sa.Integer, nullable=False),
        sa.Column("trips", sa.Integer, nullable=False),
    )
    op.create_table(
        "version_employers",
        _version_fk(),
        sa.Column("enterprise_id", ID, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("district", sa.Text, nullable=True),
        sa.Column("key_enterprise", sa.Boolean, nullable=False),
        sa.Column("registered", sa.Integer, nullable=False),
        sa.Column("transported", sa.Integer, nullable=False),
        sa.Column("excluded", sa.Integer, nullable=False),
        sa.Column("unserved", sa.Integer, nullable=False),
        sa.Column("trips", sa.Integer, nullable=False),
        sa.Column("cost_cny", sa.Float, nullable=False),
        sa.Column("subsidy_cny", sa.Float, nullable=False),
    )
    op.create_table(
        "version_reasons",
        _version_fk(),
        sa.Column("outcome", sa.String(20), primary_key=True),
        sa.Column("reason", ID, primary_key=True),
        sa.Column("number", sa.Integer, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("day", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop them."""
    for table in (
        "audit_log",
        "version_reasons",
        "version_employers",
        "version_flows",
        "plan_versions",
        "personal_data",
        "input_tables",
        "day_imports",
        "days",
    ):
        op.drop_table(table)
