"""Synthetic forces: realistic export files for demos, tests and benchmarks.

``generate(out_dir, people=6500, seed=2025, force_code="avon-and-somerset", today=...,
forces=1)`` writes, for each force (in ``out_dir`` itself, or ``out_dir/<force>/`` when
``forces > 1``), and describes them in ``manifest.json``:

- ``hr_roster_<date>.xlsx`` (two snapshots): the HR establishment report.
- ``lms_export.csv``: a long LMS export, Windows-1252.
- ``completion-oic-el.csv``: Moodle course completion report, UTF-16LE, tab-separated.
- ``progress.OIC-EL.csv``: Moodle activity completion report, every value quoted.
- ``hydra_delegates.xlsx``: the Hydra trainer's workbook, one sheet per course date.

``build_force(...)`` gives the same force in memory (pandas frames) for benchmarks that load
the database directly. Same arguments, same bytes.
"""

from __future__ import annotations

from demodata.generate import ForceData, build_force, generate, write_force
from demodata.manifest import FileEntry, ForceSummary, Manifest, MessItem
from demodata.people import Timeline

__all__ = ["FileEntry", "ForceData", "ForceSummary", "Manifest", "MessItem", "Timeline",
           "build_force", "generate", "write_force"]
