"""The store's tables (SQLAlchemy Core) as the latest migration leaves them; docs/store.md shows
them one by one.

The migrations in ``store/migrations/versions`` build these tables step by step and are the
schema's history; a test checks that migrating an empty database gives exactly this metadata.
Times are UTC without an offset; JSON is stored as text and large documents (tables, the
plan) as zlib-compressed UTF-8 JSON, each with the SHA-256 of its text.
"""

from __future__ import annotations

import sqlalchemy as sa

SCHEMA_REVISION = "0003"  # the newest migration (a test keeps it equal to Alembic's head)

metadata = sa.MetaData()

SHA = sa.String(64)  # hex SHA-256
ID = sa.String(200)  # a worker, employer, station or reason id

days = sa.Table(
    "days",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("date", sa.Date, nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
)

day_imports = sa.Table(
    "day_imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("day_id", sa.ForeignKey("days.id", ondelete="CASCADE"), nullable=False),
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

input_tables = sa.Table(
    "input_tables",
    metadata,
    sa.Column(
        "import_id",
        sa.ForeignKey("day_imports.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("checksum", SHA, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
)

personal_data = sa.Table(
    "personal_data",
    metadata,
    sa.Column(
        "import_id",
        sa.ForeignKey("day_imports.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("subject", sa.String(20), primary_key=True),
    sa.Column("subject_id", ID, primary_key=True),
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("id_number", sa.Text, nullable=True),
    sa.Column("phone", sa.Text, nullable=True),
    sa.Column("contact", sa.Text, nullable=True),
)

plan_versions = sa.Table(
    "plan_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("day_id", sa.ForeignKey("days.id", ondelete="CASCADE"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("parent_version", sa.Integer, nullable=True),
    sa.Column("import_id", sa.ForeignKey("day_imports.id"), nullable=False),
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

version_flows = sa.Table(
    "version_flows",
    metadata,
    sa.Column(
        "version_id",
        sa.ForeignKey("plan_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("station_id", ID, primary_key=True),
    sa.Column("enterprise_id", ID, primary_key=True),
    sa.Column("station_name", sa.Text, nullable=False),
    sa.Column("workers", sa.Integer, nullable=False),
    sa.Column("trips", sa.Integer, nullable=False),
)

version_employers = sa.Table(
    "version_employers",
    metadata,
    sa.Column(
        "version_id",
        sa.ForeignKey("plan_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
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

version_reasons = sa.Table(
    "version_reasons",
    metadata,
    sa.Column(
        "version_id",
        sa.ForeignKey("plan_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("outcome", sa.String(20), primary_key=True),
    sa.Column("reason", ID, primary_key=True),
    sa.Column("number", sa.Integer, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("day", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("detail", sa.Text, nullable=False),
)

# ---------------------------------------------------------------------- revision 0002

scenario_runs = sa.Table(
    "scenario_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("options", sa.Text, nullable=False),
)

scenario_results = sa.Table(
    "scenario_results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("run_id", sa.ForeignKey("scenario_runs.id", ondelete="CASCADE"), nullable=False),
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

sa.Index("ix_scenario_results_day", scenario_results.c.day)

# ---------------------------------------------------------------------- revision 0003

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("password_changed_at", sa.DateTime, nullable=False),
)

desk_sessions = sa.Table(
    "desk_sessions",
    metadata,
    sa.Column("token_hash", SHA, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf", SHA, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)

sa.Index("ix_desk_sessions_user", desk_sessions.c.user_id)
