"""The ``tracker`` command line: a thin layer over the library (one module per topic).

This package is the composition root: the one place in ``tracker/`` that wires the
importers in. Importing a topic module registers its commands on ``app``.

May import: every room of tracker/, imports.
"""

from __future__ import annotations

from tracker.cli import (  # noqa: F401  (each registers its commands)
    admin_cmd,
    core,
    coverage_cmd,
    imports_cmd,
    milestones_cmd,
    profiles_cmd,
    recommendations_cmd,
    referrals_cmd,
    report_cmd,
    sessions_cmd,
    users_cmd,
    visitors_cmd,
)
from tracker.cli.app import app

__all__ = ["app"]
