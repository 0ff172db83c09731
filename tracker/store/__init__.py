"""The database: the schema (``models``) and its Alembic ``migrations``, engines and units
of work (``db``), bulk writes, the kept original upload files, the audit log, backups and
the retention purge. Knows nothing of rules, coverage or file layouts.

May import: config, reference, messages.
"""
