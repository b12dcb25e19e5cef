"""The store's Alembic migrations (package data): ``env.py`` and ``versions/``, applied on open
by ``store.sql.migrate``; ``alembic revision`` adds one (see docs/store.md)."""
