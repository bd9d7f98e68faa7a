"""ETL of the Brussels Social Impact Monitor: data/ -> data/impact.duckdb.

The app never imports this package; the DuckDB file is the only contract between them.
"""
