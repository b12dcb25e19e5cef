"""The day store in SQL: the schema and its migrations, the engine (SQLite file or PostgreSQL),
reads, writes, accounts and the period statistics' queries behind ``DayRepository``
(``sqlstore.SqlStore``). The only package that imports SQLAlchemy and Alembic."""
