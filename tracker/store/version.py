"""A cheap fingerprint of the data that moves with every write, so a result worked out
from the data can be kept (in memory, or on disk: ``tracker.coverage.snapshot``) and never
served stale: every import, undo, value mapping, match, exemption, register or session
change is audited, and the fingerprint holds the latest audited change (its id and time,
so a database restored from a backup and written to again does not repeat an earlier
fingerprint with other data), the latest import batch, how many are undone, the latest
exemption and the latest value mapping."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

# Audit actions that change no data: they must not move the fingerprint.
READ_ONLY_ACTIONS = ("login", "login-failed", "login-refused", "login-locked", "logout",
                     "export", "visitors-export", "report-export", "download-original",
                     "milestone-evidence-download", "backup", "page-refused")

_LAST_CHANGE = ("(SELECT max(id) FROM audit_log WHERE action NOT IN ("
                + ", ".join(f"'{a}'" for a in READ_ONLY_ACTIONS) + "))")
_VERSION_SQL = text(
    "SELECT (SELECT max(id) FROM import_batches),"
    " (SELECT count(*) FROM import_batches WHERE status = 'undone'),"
    f" {_LAST_CHANGE}, (SELECT at FROM audit_log WHERE id = {_LAST_CHANGE}),"
    " (SELECT max(id) FROM exemptions), (SELECT max(id) FROM value_mappings)"
)


def data_version(engine: Engine) -> tuple[Any, ...]:
    """The fingerprint of the data in ``engine``'s database now (see the module)."""
    with engine.connect() as conn:
        row = conn.execute(_VERSION_SQL).one()
    return tuple(str(v) if v is not None and not isinstance(v, int) else v for v in row)
