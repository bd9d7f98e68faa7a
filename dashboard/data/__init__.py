"""Layer 3, data: the one query layer. The read-only, locked-down connection (``connection``), every
cached query of the published database (``queries``), the comparable rows of any database file for
the editor's preview (``snapshot``), and the commune geometry served once as a static file
(``static_geometry``).

May import: ``dashboard.config``. Nothing outside this package imports duckdb or issues SQL.
"""
