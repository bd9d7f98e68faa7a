"""Layer 2, text: interface strings (gettext catalogues), number and date formats, commune names.

May import: ``dashboard.config``. Nothing here queries the database or draws.
"""
