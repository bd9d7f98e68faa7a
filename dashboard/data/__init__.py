"""Layer 3, data: the one query layer. The read-only, locked-down connection (``connection``), every
cached query of the published database (``queries``), the comparable rows of any database file for
the editor's preview (``snapshot``), the commune geometry served once as a static file
(``static_geometry``), and the ETL run as a separate process (``etl_command``: ``python -m etl … --json``;
the app never imports ``etl``).

May import: ``dashboard.config``. Nothing outside this package imports duckdb or issues SQL.
"""
