"""Alembic's entry point: migrate the connection that ``store.sql.migrate`` hands over (online
only; the store never writes SQL scripts)."""

from __future__ import annotations

from alembic import context

from store.sql.schema import metadata


def run_migrations_online() -> None:
    """Run the migrations in the caller's connection and transaction."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():  # joins the caller's transaction
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("the store's migrations run online only (store.sql.migrate)")
run_migrations_online()
