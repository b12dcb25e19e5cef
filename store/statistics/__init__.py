"""Statistics over stored days without SQL: the period's records and the subsidy rule
(``period``), the rows a plan version contributes (``rows``), the tables, charts and files
built from them (``tables``, ``svg``, ``files``). ``store.sql.stats`` reads them from the store."""
