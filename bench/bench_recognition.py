"""What recognising columns by their headers and values costs an import, beside the bare
read (the floor) and the whole parse, on the files of ``bench_import.py``.

    .venv/bin/python bench/bench_recognition.py                    # 250k people, 1M rows
    .venv/bin/python bench/bench_recognition.py --people 2000 --rows 8000

For each file: the fastest bare read of it (``bench_import.measure_bare``), the whole
``imports.parse_file`` (with the roster's identifiers, as the CLI passes them), and inside
it the time spent deciding the kind and the columns (``imports.choose``: detection, the
value samples, recognition and the identifier check against the roster). Each figure is the
best of ``--repeat`` runs in this process (the machines are shared: the least disturbed).
Issue 11's limit: recognition adds under 0.5 s to a 1M-row import.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_import import make_files, measure_bare, roster_frame


def roster_keys(people: int) -> Any:
    from tracker.ingest.records import RosterKeys

    frame = roster_frame(people)
    staff = frame.filter(like="Staff").iloc[:, 0].astype(str)
    return RosterKeys(staff_number=frozenset(staff))


def _timed(target: Any, name: str, spent: list[float]) -> Callable[[], None]:
    """Wrap ``target.name`` so each call adds its seconds to ``spent``; returns the undo."""
    original = getattr(target, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    setattr(target, name, wrapper)
    return lambda: setattr(target, name, original)


def measure(path: Path, roster: Any, repeat: int) -> dict[str, Any]:
    import imports.choose as choose
    from imports import parse_file

    best: dict[str, float] = {}
    for _ in range(repeat):
        spent: list[float] = []
        undo = [_timed(choose, "_detect", spent), _timed(choose, "_recognise", spent)]
        start = time.perf_counter()
        parsed = parse_file(path, today=dt.date(2026, 12, 3), max_bytes=2 * 1024**3,
                            roster=roster)
        total = time.perf_counter() - start
        for step in undo:
            step()
        for key, value in (("parse", total), ("recognition", sum(spent))):
            best[key] = min(best.get(key, value), value)
    bare = measure_bare(path)
    return {"file": path.name, "rows": parsed.rows_read, "kind": parsed.kind.value,
            "bare": bare["seconds"], "bare_reader": bare["reader"], **best}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", default="lms.csv,lms.xlsx,roster.xlsx")
    parser.add_argument("--work-dir", default=str(Path(tempfile.gettempdir()) / "oic-bench"))
    args = parser.parse_args(argv)
    files = make_files(Path(args.work_dir), args.people, args.rows)
    roster = roster_keys(args.people)
    print(f"{'file':<14} {'rows':>9} {'bare read':>18} {'parse_file':>11} "
          f"{'recognition':>12} {'share':>6}")
    for name in args.files.split(","):
        row = measure(files[name], roster, args.repeat)
        print(f"{row['file']:<14} {row['rows']:>9,} {row['bare']:>7.2f} s {row['bare_reader']:>8} "
              f"{row['parse']:>9.2f} s {row['recognition']:>10.3f} s "
              f"{row['recognition'] / row['parse']:>6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
