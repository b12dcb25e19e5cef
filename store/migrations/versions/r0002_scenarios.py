"""Scenario runs and their results (KPIs, the plan document or the failure), by base day.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SHA = sa.String(64)


def upgrade() -> None:
    """Create the scenario tables."""
    op.create_table(
        "scenario_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("options", sa.Text, nullable=False),
    )
    op.create_table(
        "scenario_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("scenario_runs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("base", sa.Text, nullable=False),
        sa.Column("baseline", sa.Boolean, nullable=False),
        sa.Column("day", sa.Date, nullable=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("spec", sa.Text, nullable=True),
        sa.Column("spec_checksum", SHA, nullable=True),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("failure", sa.String(20), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("kpis", sa.Text, nullable=True),
        sa.Column("document", sa.LargeBinary, nullable=True),
        sa.Column("document_checksum", SHA, nullable=True),
    )
    op.create_index("ix_scenario_results_day", "scenario_results", ["day"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_scenario_results_day", table_name="scenario_results")
    op.drop_table("scenario_results")
    op.drop_table("scenario_runs")
