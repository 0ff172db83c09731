"""Benchmark: a national-scale outstanding list written into the report workbook.

Writes a report whose Outstanding sheet has ``--rows`` people (default 120,000, about half
the police workforce of England and Wales) with ``tracker.reports.workbook.write_xlsx`` (openpyxl
write-only, streaming), and the same table with a plain baseline, pandas
``DataFrame.to_excel`` (openpyxl, in-memory workbook). Each run is a fresh process so the
peak memory (ru_maxrss) is its own; the figure reported is the peak minus the memory held
once the data is built (the peak is reset then: /proc/self/clear_refs), i.e. what writing
costs on top of the data.

    /work/venv/bin/python bench/bench_report.py --rows 120000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FORCES = ["Avon and Somerset Constabulary", "Wiltshire Police", "Metropolitan Police Service",
          "West Midlands Police", "Greater Manchester Police", "Kent Police"]
DEPARTMENTS = ["Control Room", "Custody", "Roads Policing", "CID", "Neighbourhood",
               "Response", "Public Protection", "Unmapped"]
RANKS = ["Constable", "Sergeant", "Inspector", "Chief Inspector", "PCSO", "Special constable"]
MISSING = ["Module 1, Module 2, Module 3, Module 4", "Module 3, Module 4", "Module 4",
           "Hydra exercise"]


def outstanding_frame(rows: int, seed: int = 2025) -> pd.DataFrame:
    """A realistic outstanding list (a few hostile names included)."""
    rng = np.random.default_rng(seed)
    pick = lambda values: np.asarray(values, dtype=object)[rng.integers(0, len(values), rows)]  # noqa: E731
    names = pd.Series(pick(["Ann", "Ben", "Cara", "Dev", "Eve"])) + " " + pd.Series(
        [f"Surname{n}" for n in rng.integers(0, 50_000, rows)])
    names[::997] = '=HYPERLINK("http://x","y")'
    return pd.DataFrame({
        "requirement": pick(["OIC e-learning (all four modules)", "OIC Hydra exercise"]),
        "force": pick(FORCES), "department": pick(DEPARTMENTS),
        "unit": pd.Series(pick(["Response", "NPT", "CID", "RPU", "FCR"])) + " "
        + pd.Series(pick(["Bristol North", "Taunton", "Bath", "Yeovil", "Weston"])),
        "line_manager": pd.Series(pick(["Insp", "Sgt"])) + " " + pd.Series(
            [f"Manager{n}" for n in rng.integers(0, 5_000, rows)]),
        "rank": pick(RANKS), "staff_number": [f"{n:07d}" for n in rng.integers(0, 10**7, rows)],
        "name": names, "modules_missing": pick(MISSING),
    })


def report_data(rows: int) -> object:
    from demodata.report_sample import sample_data

    data = sample_data(outstanding_rows=1)
    data.outstanding = outstanding_frame(rows)
    return data


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> float:
    """Reset the peak resident memory (Linux: write 5 to clear_refs); return the current
    resident memory, MB. Without /proc, fall back to the lifetime peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_mb("VmRSS")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mb() -> float:
    try:
        return _status_mb("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(kind: str, rows: int, out: Path) -> dict[str, float]:
    """Runs inside a child process: build the data, then time the write."""
    import openpyxl  # noqa: F401  (imports are not part of the cost measured)

    from tracker.reports.workbook import write_xlsx

    data = report_data(rows)
    before = reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    if kind == "tracker":
        write_xlsx(data, out)  # type: ignore[arg-type]
    else:
        data.outstanding.to_excel(out, index=False, engine="openpyxl")  # type: ignore[attr-defined]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "data_mb": round(before, 1),
            "extra_peak_mb": round(peak_mb() - before, 1),
            "file_mb": round(out.stat().st_size / 2**20, 1)}


def measure(kind: str, rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{kind}.xlsx"
        child = subprocess.run(
            [sys.executable, __file__, "--child", kind, "--rows", str(rows), "--out", str(out)],
            capture_output=True, text=True, check=True)
        return json.loads(child.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=120_000)
    parser.add_argument("--child", choices=["tracker", "pandas"])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.rows, args.out)))
        return
    kinds = ["tracker"] if args.skip_baseline else ["tracker", "pandas"]
    print(f"Outstanding list of {args.rows:,} rows x 9 columns")
    print(f"{'writer':<42} {'seconds':>8} {'CPU s':>6} {'extra peak MB':>14} {'file MB':>8}")
    for kind in kinds:
        result = measure(kind, args.rows)
        label = ("tracker write_xlsx (write-only, 8 sheets)" if kind == "tracker"
                 else "pandas DataFrame.to_excel (openpyxl)")
        print(f"{label:<42} {result['seconds']:>8} {result['cpu_seconds']:>6} "
              f"{result['extra_peak_mb']:>14} {result['file_mb']:>8}")


if __name__ == "__main__":
    main()
