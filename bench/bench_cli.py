"""The command line at national scale: wall time and peak memory of each command on a
national database, beside the floor (starting Python with the libraries a command needs,
and the bare reads of the rows it works from).

    .venv/bin/python bench/bench_cli.py                   # builds /tmp/bench-cli/national.db
    .venv/bin/python bench/bench_cli.py --db national.db  # one from tracker demo-data --national

Each command runs in a fresh process (``tracker --db URL ...``), best of ``--repeat``, with
TRACKER_TODAY 30 November 2026 and a data folder of its own: first with no snapshot saved
("cold": the figures are queried), then after `tracker report` has saved one for the data
as it is ("saved snapshot"), which is how a server or a report leaves it for the next
command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRACKER = [sys.executable, "-c", "from tracker.cli import app; app()"]
TODAY = "2026-11-30"
COMMANDS = {
    "tracker --help": ["--help"],
    "tracker coverage --by rank,department": ["coverage", "--by", "rank,department"],
    "tracker outstanding -f csv": ["outstanding", "-f", "csv"],
    "tracker report --out report.xlsx": ["report", "--out", "{folder}/report.xlsx"],
}
FLOORS = {
    "start Python with pandas and SQLAlchemy": [
        sys.executable, "-c", "import pandas, sqlalchemy, pyarrow"],
    "start, and read every roster row and person (bare SQL)": [
        sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT * FROM person_states').fetchall(); "
        "c.execute('SELECT * FROM people').fetchall()", "{db}"],
    "start, and write 86,000 rows x 9 cells with openpyxl (write-only)": [
        sys.executable, "-c", "import openpyxl; wb = openpyxl.Workbook(write_only=True); "
        "ws = wb.create_sheet(); [ws.append(['oic-elearning', 'Force name', 'Response', "
        "'Constable', 'Officer 12345', '0012345', 'Unit 3', 'Manager', 'oic-el-2, oic-el-3'])"
        " for _ in range(86000)]; wb.save('{folder}/floor.xlsx')"],
}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak MB) of one run of ``command`` in a child process of its own."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=errors)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed: {errors.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def best(command: list[str], env: dict[str, str], repeat: int,
         reset: Path | None = None) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        if reset is not None:
            shutil.rmtree(reset, ignore_errors=True)
        runs.append(timed(command, env))
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="A database from tracker demo-data "
                        "--national (default: built here).")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    env = {**os.environ, "TRACKER_TODAY": TODAY, "TRACKER_DATA_DIR": str(folder / "data"),
           "PYTHONPATH": str(ROOT)}
    db = args.db
    if db is None:
        db = folder / "national.db"
        subprocess.run([*TRACKER, "demo-data", "--national", "--out", str(db)], env=env,
                       cwd=ROOT, check=True, capture_output=True)
    url = f"sqlite:///{db.resolve()}"
    rows = []
    for label, tail in COMMANDS.items():
        command = [*TRACKER, "--db", url, *[t.format(folder=folder) for t in tail]]
        if tail == ["--help"]:
            command = [*TRACKER, "--help"]
        cold = best(command, env, args.repeat, reset=folder / "data")
        subprocess.run([*TRACKER, "--db", url, "report", "--out", str(folder / "warm.xlsx")],
                       env=env, cwd=ROOT, check=True, capture_output=True)
        warm = best(command, env, args.repeat)
        rows.append((label, cold, warm))
    floors = [(label, best([c.format(db=db, folder=folder) for c in command], env,
                           args.repeat)) for label, command in FLOORS.items()]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nNational database {db}, SQLite; best of {args.repeat}; {os.cpu_count()} CPUs, "
          f"load average at the end {load}\n")
    print("| command | cold: wall s | cold: peak MB | saved snapshot: wall s | "
          "saved snapshot: peak MB |\n|---|---:|---:|---:|---:|")
    for label, (cw, cm), (ww, wm) in rows:
        print(f"| `{label}` | {cw:.2f} | {cm:.0f} | {ww:.2f} | {wm:.0f} |")
    print("\n| floor | wall s | peak MB |\n|---|---:|---:|")
    for label, (wall, peak) in floors:
        print(f"| {label} | {wall:.2f} | {peak:.0f} |")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
