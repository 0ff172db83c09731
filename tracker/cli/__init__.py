"""The ``tracker`` command line: a thin layer over the library (one module per topic).

This package is the composition root: the one place in ``tracker/`` that wires the
importers in. Each topic module defines a ``register(app)`` function.
"""

from __future__ import annotations

from tracker.cli import core  # noqa: F401  (registers init, demo-data, demo, serve)
from tracker.cli.app import app

for _name in ("imports_cmd", "coverage_cmd", "users_cmd", "report_cmd"):
    try:
        __import__(f"tracker.cli.{_name}")
    except ModuleNotFoundError as exc:  # a topic not built yet
        if exc.name != f"tracker.cli.{_name}":
            raise

__all__ = ["app"]
