"""ETL of the Brussels Social Impact Monitor: data/ -> data/impact.duckdb.

A build (``build.py``) creates a new DuckDB file from ``schema.sql`` and loads the sources of
``etl.sources.REGISTRY`` in order: catalog, communes, operators, Statbel files (population, income,
REFNIS), boundaries, facts (merged with the Statbel figures), member data, assessments, templates.
Then the observation key and the SQL checks (``checks.py``); ``publish.py`` swaps the file in atomically.
``validate`` and the uploads (``load_upload.py``) recognise a file by the same registry. The app never
imports this package: it reads the DuckDB file, and runs ``python -m etl ... --json`` to change it.
"""
