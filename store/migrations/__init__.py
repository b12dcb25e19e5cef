"""The store's Alembic migrations (package data): ``env.py`` and ``versions/``, applied on open
by ``store.migrate``; ``alembic revision`` adds one (see docs/store.md)."""
