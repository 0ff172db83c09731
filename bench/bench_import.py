"""Benchmark of the whole import path (read, check, match, write) beside the bare read.

    /work/venv/bin/python bench/bench_import.py                      # 250k roster, 1M rows
    /work/venv/bin/python bench/bench_import.py --people 2000 --rows 8000 --backends sqlite

Synthetic files are written once into ``--work-dir`` (reused by later runs of the same size):
an HR roster of ``--people`` people (xlsx) and a long LMS e-learning export of ``--rows``
rows (csv and xlsx; every person completes the four modules, so a row is a distinct
completion). Each measurement runs in a fresh Python process, so its peak memory
(``ru_maxrss``) is its own:

* ``import``: ``imports.workflow.read_file`` (``parse_file`` with the database's mappings,
  layouts and roster identifiers, in this process) + ``plan_parsed`` (``plan_import``) +
  ``commit_import`` into a fresh database (SQLite file; PostgreSQL in a schema of its own,
  dropped after), the steps every face runs. For the LMS exports the roster is imported
  first, untimed (its memory is in the peak).
* ``bare read``: the fastest plain read of the same file, all cells as they come, no
  checks, of python-calamine (what the importer reads with) and fastexcel for xlsx, pandas
  ``read_csv`` (pyarrow engine) and Arrow's own reader for csv; the table names the winner.
* ``baseline``: ``pandas.read_excel(engine="openpyxl")`` (``read_csv`` for csv) then
  ``DataFrame.to_sql`` into the same backend.
* ``plain write`` (LMS files): as many completions written the plain bulk way, tuples
  through executemany (SQLite) or one CSV through COPY (PostgreSQL) straight into the
  completions table as it stands (keys, indexes and foreign keys on), in the import's
  database just before it, rolled back: what the write alone costs, without reading,
  checking or matching.
* ``heap write``: the same rows into a new table with no key, index or foreign key;
  ``read + heap write rows/s`` is what an import that only read the file and wrote its rows,
  with nothing checked, matched or kept unique, would reach: a ceiling for the csv target.

Each child also appends its result (with its CPU seconds, set-up included) to
``<work-dir>/results.jsonl``: on a shared machine, CPU time is the steadier figure.

Targets (issue 3): the 1M-row xlsx import within 2x the bare read and at least 5x faster
than the baseline; the csv import over 200,000 rows/s; peak memory under 2 GB. Issue 17: the
import within 2x of the fastest bare read + the bare bulk write of the same rows, xlsx and
csv, both backends, 240k and 1M rows: the table's last two columns are the import over
(bare read + plain write) and over (bare read + heap write).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FORCE = "avon-and-somerset"
TITLES = ["OIC Module 1", "Organised Immigration Crime - Module 2",
          "OIC e-learning module 3", "Organised Immigration Crime Module 4"]
FORENAMES = np.array(["Ann", "Bob", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ida", "Jo", "Kit",
                      "Lou", "Max", "Ned", "Oona", "Pip", "Ros", "Sam", "Tess", "Viv"])
SURNAMES = np.array(["Lee", "Kay", "Dee", "Fox", "Gee", "Hu", "Ito", "Jones", "Khan", "Lowe",
                     "Moss", "Nash", "O'Neill", "Patel", "Quinn", "Rees", "Shaw", "Tait"])
RANKS = np.array(["PC", "PS", "Insp", "Ch Insp", "Supt", "DC", "DS", "DI"])
UNITS = np.array(["Response - Bristol North", "NPT Taunton", "CID Bristol", "RPU Portishead",
                  "Force Control Room", "Response - Yeovil", "NPT Bath"])
EPOCH = np.datetime64("1899-12-30")


# ---------------------------------------------------------------- synthetic files

def roster_frame(people: int) -> pd.DataFrame:
    i = np.arange(people)
    fore, sur = FORENAMES[i % len(FORENAMES)], SURNAMES[(i // 7) % len(SURNAMES)]
    staff = pd.Series(i + 100_000).astype(str)
    return pd.DataFrame({
        "Staff Number": staff, "Collar Number": pd.Series(i % 9000 + 1000).astype(str),
        "Surname": sur, "Forenames": fore,
        "Email": (pd.Series(fore).str.lower() + "." + staff + "@avonandsomerset.police.uk"),
        "Rank": RANKS[i % len(RANKS)], "Department": UNITS[i % len(UNITS)],
        "Start Date": np.datetime64("2005-01-01") + (i % 6000).astype("timedelta64[D]"),
        "Status": "Active"})


def lms_frame(people: int, rows: int) -> pd.DataFrame:
    i = np.arange(rows)
    person = i % people
    staff = pd.Series(person + 100_000).astype(str)
    fore, sur = FORENAMES[person % len(FORENAMES)], SURNAMES[(person // 7) % len(SURNAMES)]
    return pd.DataFrame({
        "Employee ID": staff, "Full Name": pd.Series(fore) + " " + pd.Series(sur),
        "Email": pd.Series(fore).str.lower() + "." + staff + "@avonandsomerset.police.uk",
        "Course Title": np.array(TITLES)[(i // people) % 4], "Status": "Completed",
        "Completion Date": np.datetime64("2025-06-02") + (i % 240).astype("timedelta64[D]")})


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%d/%m/%Y")
    out.to_csv(path.with_suffix(".partial"), index=False)
    path.with_suffix(".partial").replace(path)


def _col_letter(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_rows(frame: pd.DataFrame, first_row: int) -> pd.Series:
    """Each data row as sheet XML, built column-wise (dates as date cells, style 1)."""
    r = pd.Series(np.arange(first_row, first_row + len(frame))).astype(str)
    xml = '<row r="' + r + '">'
    for n, col in enumerate(frame.columns):
        ref = f"{_col_letter(n)}" + r
        values = frame[col].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(values):
            serial = ((values.to_numpy("datetime64[D]") - EPOCH).astype(int)).astype(str)
            xml = xml + '<c r="' + ref + '" s="1"><v>' + pd.Series(serial) + "</v></c>"
        else:
            text = values.astype(str).str.replace("&", "&amp;").str.replace("<", "&lt;")
            xml = xml + '<c r="' + ref + '" t="inlineStr"><is><t>' + text + "</t></is></c>"
    return xml + "</row>"


def write_xlsx(frame: pd.DataFrame, path: Path, title: str = "Export") -> None:
    """A minimal valid workbook (one sheet, inline strings, real date cells), written fast."""
    head = "".join(f'<c r="{_col_letter(n)}1" t="inlineStr"><is><t>{c}</t></is></c>'
                   for n, c in enumerate(frame.columns))
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="applicat'
            'ion/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Conte'
            'ntType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="appl'
            'ication/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Overrid'
            'e PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformat'
            's-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml'
            '" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles'
            '+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxm'
            'lformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://sch'
            'emas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
            '"xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlform'
            'ats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/offic'
            f'eDocument/2006/relationships"><sheets><sheet name="{title}" sheetId="1" r:id="rI'
            'd1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxm'
            'lformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://sch'
            'emas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="work'
            'sheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.o'
            'rg/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlfo'
            'rmats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val='
            '"Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/>'
            '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal'
            '/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="'
            '0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fi'
            'llId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId='
            '"0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'),
    }
    last = f"{_col_letter(len(frame.columns) - 1)}{len(frame) + 1}"
    partial = path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, body in parts.items():
            book.writestr(name, body)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schem'
                         'as.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:'
                         f'{last}"/><sheetData><row r="1">{head}</row>').encode())
            for start in range(0, len(frame), 100_000):
                chunk = _sheet_rows(frame.iloc[start:start + 100_000], start + 2)
                sheet.write("".join(chunk.tolist()).encode())
            sheet.write(b"</sheetData></worksheet>")
    partial.replace(path)  # only a complete file is reused by later runs


def make_files(work: Path, people: int, rows: int) -> dict[str, Path]:
    """The benchmark's files, written once per size."""
    work.mkdir(parents=True, exist_ok=True)
    files = {"roster.xlsx": work / f"roster-{people}.xlsx",
             "lms.csv": work / f"lms-{people}-{rows}.csv",
             "lms.xlsx": work / f"lms-{people}-{rows}.xlsx"}
    if not files["roster.xlsx"].exists():
        write_xlsx(roster_frame(people), files["roster.xlsx"], "Roster")
    if not files["lms.csv"].exists() or not files["lms.xlsx"].exists():
        lms = lms_frame(people, rows)
        write_csv(lms, files["lms.csv"])
        write_xlsx(lms, files["lms.xlsx"], "Completions")
    return files


# ---------------------------------------------------------------- one measurement (child)

@contextmanager
def _database(backend: str, work: Path, pg_url: str) -> Iterator[Any]:
    """A fresh, empty database, removed when the block ends."""
    from tracker.store.db import make_engine, scratch_schema

    if backend == "postgresql":
        with scratch_schema(pg_url, "bench_import") as engine:
            yield engine
        return
    path = work / f"bench-{uuid.uuid4().hex[:8]}.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        yield engine
    finally:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _import(engine: Any, path: Path, as_of: dt.date | None) -> dict[str, Any]:
    """One file through the workflow every face calls (``imports.workflow``), in this
    process (its peak memory is the measurement's), each step timed."""
    from imports.workflow import ImportRequest, plan_parsed, read_file
    from tracker.config import load_settings
    from tracker.ingest.batch import commit_import

    settings = dataclasses.replace(load_settings(), today_override=dt.date(2026, 3, 1),
                                   max_upload_mb=2048)
    request = ImportRequest(FORCE, "bench", as_of=as_of)
    t0 = time.perf_counter()
    parsed = read_file(engine, path, request, settings, in_child=False)
    t1 = time.perf_counter()
    plan = plan_parsed(engine, parsed, request, settings)
    t2 = time.perf_counter()
    batch = commit_import(engine, plan, path.read_bytes())  # kept, as the CLI keeps it
    t3 = time.perf_counter()
    return {"seconds": t3 - t0, "parse": t1 - t0, "plan": t2 - t1, "commit": t3 - t2,
            "rows": parsed.rows_read, "new": batch.rows_new, "rejected": batch.rows_rejected,
            "unmatched": batch.rows_unmatched}


def measure_import(path: Path, backend: str, roster: Path, work: Path,
                   pg_url: str) -> dict[str, Any]:
    from tracker.store.db import init_db

    with _database(backend, work, pg_url) as engine:
        init_db(engine)
        if path == roster:
            return _import(engine, roster, dt.date(2026, 1, 31))
        _import(engine, roster, dt.date(2026, 1, 31))
        plain = plain_write(engine, rows_of(path))
        return {**_import(engine, path, dt.date(2026, 1, 31)), **plain}


def rows_of(path: Path) -> int:
    """The data rows of a benchmark file (its name says: lms-<people>-<rows>.<ext>)."""
    return int(path.stem.rsplit("-", 1)[1])


def plain_write(engine: Any, rows: int) -> dict[str, float]:
    """Seconds to write ``rows`` completions the plain bulk way: tuples through executemany
    (SQLite) or one CSV through COPY (PostgreSQL), no reading, checking or matching:
    ``plain_write`` straight into the completions table as it stands (keys, indexes and
    foreign keys on); ``heap_write`` into a new table of the same columns in the same
    database, with no key, index or foreign key at all (what writing the rows durably costs,
    whatever the schema). Both in a transaction rolled back after."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")  # the driver would leave the CREATE TABLE outside one
        frame = _plain_rows(cursor, rows)
        cursor.execute("CREATE TABLE bench_heap_completions (person_id INTEGER, "
                       "module_id INTEGER, completed_on DATE, source VARCHAR(40), "
                       "batch_id INTEGER, raw_status VARCHAR(120), raw_title VARCHAR(500), "
                       "score FLOAT, row INTEGER)")
        return {name: _bulk_write(engine, cursor, table, frame)
                for name, table in (("heap_write", "bench_heap_completions"),
                                     ("plain_write", "completions"))}
    finally:
        raw.rollback()
        raw.close()


def _plain_rows(cursor: Any, rows: int) -> pd.DataFrame:
    cursor.execute("SELECT id FROM people ORDER BY id")
    people = np.array([r[0] for r in cursor.fetchall()], dtype=np.int64)
    cursor.execute("SELECT id FROM modules WHERE kind = 'elearning' ORDER BY id")
    modules = np.array([r[0] for r in cursor.fetchall()], dtype=np.int64)
    return pd.DataFrame({
        "person_id": np.repeat(people, len(modules))[:rows],
        "module_id": np.tile(modules, len(people))[:rows], "completed_on": "2025-06-02",
        "source": "lms-long", "batch_id": None, "raw_status": "Completed",
        "raw_title": "OIC Module 1", "score": None, "row": np.arange(rows) + 2})


def _bulk_write(engine: Any, cursor: Any, table: str, frame: pd.DataFrame) -> float:
    names = ", ".join(f'"{c}"' for c in frame.columns)
    if engine.dialect.name == "postgresql":
        text = frame.to_csv(index=False, header=False).encode()
        t0 = time.perf_counter()
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(text)
    else:
        tuples = list(frame.astype(object).where(frame.notna(), None)
                      .itertuples(index=False, name=None))
        t0 = time.perf_counter()
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES "
                           f"({', '.join('?' * len(frame.columns))})", tuples)
    return time.perf_counter() - t0


def measure_bare(path: Path) -> dict[str, Any]:
    """The fastest bare read of the file, of the readers tried, each timed once: for xlsx
    python-calamine's ``to_python()`` (what the importer reads with) and fastexcel's
    Arrow table; for csv pandas' ``read_csv`` (pyarrow engine) and Arrow's own reader."""
    readers = BARE_READERS["csv" if path.suffix == ".csv" else "xlsx"]
    times = {}
    for name, read in readers.items():
        t0 = time.perf_counter()
        rows = read(path)
        times[name] = time.perf_counter() - t0
    fastest = min(times, key=times.__getitem__)
    return {"seconds": times[fastest], "reader": fastest, "rows": rows, "readers": times}


def _calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()) - 1


def _fastexcel(path: Path) -> int:
    import fastexcel

    sheet = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None)
    return int(sheet.to_arrow().num_rows) - 1


def _arrow_csv(path: Path) -> int:
    from pyarrow import csv

    return int(csv.read_csv(path).num_rows)


BARE_READERS: dict[str, dict[str, Callable[[Path], int]]] = {
    "xlsx": {"calamine": _calamine, "fastexcel": _fastexcel},
    "csv": {"pandas": lambda path: len(pd.read_csv(path, engine="pyarrow", dtype=str)),
            "arrow": _arrow_csv},
}


def measure_baseline(path: Path, backends: list[str], work: Path,
                     pg_url: str) -> dict[str, Any]:
    """The plain way: read the whole file with pandas, then ``to_sql`` into each backend."""
    t0 = time.perf_counter()
    frame = (pd.read_csv(path) if path.suffix == ".csv"
             else pd.read_excel(path, engine="openpyxl"))
    result: dict[str, Any] = {"read": time.perf_counter() - t0, "rows": len(frame),
                              "to_sql": {}}
    for backend in backends:
        with _database(backend, work, pg_url) as engine:
            t1 = time.perf_counter()
            frame.to_sql("baseline", engine, index=False, chunksize=50_000)
            result["to_sql"][backend] = time.perf_counter() - t1
    return result


def _peak_mb(maxrss_kb: int) -> float:
    """This process's peak resident memory. Linux's ru_maxrss keeps the parent's peak across
    fork and exec, so read VmHWM (reset by exec) when /proc has it."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return maxrss_kb / 1024
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return maxrss_kb / 1024


def child(spec: dict[str, Any]) -> None:
    """Run one measurement and print it as JSON, with this process's peak memory."""
    work, pg_url = Path(spec["work"]), spec["pg_url"]
    path = Path(spec["file"])
    if spec["what"] == "import":
        result = measure_import(path, spec["backend"], Path(spec["roster"]), work, pg_url)
    elif spec["what"] == "bare":
        result = measure_bare(path)
    else:
        result = measure_baseline(path, spec["backends"], work, pg_url)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_mb"] = _peak_mb(usage.ru_maxrss)
    result["cpu"] = usage.ru_utime + usage.ru_stime  # the whole child, set-up included
    line = json.dumps({**spec, **result}, default=str)
    with (work / "results.jsonl").open("a", encoding="utf-8") as log:
        log.write(line + "\n")
    print(json.dumps(result))


def run_child(**spec: Any) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec, default=str)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"measurement {spec} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------- the run (parent)

def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    work = Path(args.work_dir)
    t0 = time.perf_counter()
    files = make_files(work, args.people, args.rows)
    print(f"files ready in {time.perf_counter() - t0:.1f}s: "
          + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in files.values()),
          flush=True)
    print(HEADER)
    print("|" + "---|" * (HEADER.count("|") - 1))
    common = {"work": str(work), "pg_url": args.postgres_url, "roster": str(files["roster.xlsx"])}
    results = []
    for label in args.files:
        path = files[label]
        bare = run_child(what="bare", file=str(path), **common)
        base = (run_child(what="baseline", file=str(path), backends=args.backends, **common)
                if args.baseline else None)
        for backend in args.backends:
            imp = run_child(what="import", file=str(path), backend=backend, **common)
            row = {"file": label, "backend": backend, "bare": bare, "import": imp,
                   "baseline": base and {"read": base["read"],
                                         "to_sql": base["to_sql"][backend],
                                         "seconds": base["read"] + base["to_sql"][backend]}}
            results.append(row)
            print(format_row(row), flush=True)
    return results


HEADER = ("| file | backend | rows | import s (parse / plan / commit) | import CPU s | rows/s | "
          "peak MB | bare read s | import / bare | baseline s (read + to_sql) | "
          "baseline / import | plain write s | heap write s | read + heap write rows/s | "
          "import / (read + plain write), target 2x | import / (read + heap write), target 2x |")


def format_row(row: dict[str, Any]) -> str:
    imp, bare, base = row["import"], row["bare"], row["baseline"]
    base_text = (f"{base['seconds']:.1f} ({base['read']:.1f} + {base['to_sql']:.1f})"
                 if base else "-")
    ratio = f"{base['seconds'] / imp['seconds']:.1f}x" if base else "-"
    plain = f"{imp['plain_write']:.2f}" if "plain_write" in imp else "-"
    heap = f"{imp['heap_write']:.2f}" if "heap_write" in imp else "-"
    floor = (f"{imp['rows'] / (bare['seconds'] + imp['heap_write']):,.0f}"
             if "heap_write" in imp else "-")
    over_plain, over_heap = (_over_floor(imp, bare, w) for w in ("plain_write", "heap_write"))
    return (f"| {row['file']} | {row['backend']} | {imp['rows']:,} | {imp['seconds']:.2f} "
            f"({imp['parse']:.2f} / {imp['plan']:.2f} / {imp['commit']:.2f}) | "
            f"{imp.get('cpu', float('nan')):.1f} | "
            f"{imp['rows'] / imp['seconds']:,.0f} | {imp['peak_mb']:,.0f} | "
            f"{bare['seconds']:.2f} ({bare.get('reader', '?')}) | "
            f"{imp['seconds'] / bare['seconds']:.1f}x | {base_text} | "
            f"{ratio} | {plain} | {heap} | {floor} | {over_plain} | {over_heap} |")


def _over_floor(imp: dict[str, Any], bare: dict[str, Any], write: str) -> str:
    """The import's time over the floor: the fastest bare read + that bare write of the
    same rows (the target, issue 17, is within 2x), or "-" for a file without the write."""
    if write not in imp:
        return "-"
    return f"{imp['seconds'] / (bare['seconds'] + imp[write]):.1f}x"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql",
                        type=lambda s: [b for b in s.split(",") if b])
    parser.add_argument("--files", default="roster.xlsx,lms.csv,lms.xlsx",
                        type=lambda s: [f for f in s.split(",") if f])
    parser.add_argument("--postgres-url", default=os.environ.get(
        "TRACKER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--work-dir", default=str(Path(tempfile.gettempdir()) / "oic-bench"))
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="Skip the slow openpyxl + to_sql baseline.")
    args = parser.parse_args(argv)
    if args.child:
        child(json.loads(args.child))
        return 0
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
