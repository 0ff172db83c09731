"""`tracker demo-data --national --out FILE.db`: the national database the scale benchmarks
and the dashboard's national figures are measured on, with its log-ins."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tracker import auth
from tracker.cli import app
from tracker.coverage.engine import compute
from tracker.coverage.rules import load_rules
from tracker.store.db import make_engine


def _run(*args: str) -> object:
    return CliRunner().invoke(app, ["demo-data", "--national", *args])


def test_national_database_is_built_with_its_log_ins(tmp_path: Path) -> None:
    out = tmp_path / "national.db"
    result = _run("--out", str(out), "--people", "3000", "--completions", "9000")
    assert result.exit_code == 0, result.output
    assert "43 forces, 3,000 people" in result.output
    assert "met-lead" in result.output
    engine = make_engine(f"sqlite:///{out}")
    try:
        with engine.connect() as conn:
            forces = conn.execute(text("SELECT count(DISTINCT force_id), count(*) FROM people")
                                  ).one()
            completions = conn.execute(text("SELECT count(*) FROM completions")).scalar_one()
        assert tuple(forces) == (43, 3000)
        assert completions == 9000
        met = auth.authenticate(engine, "met-lead", "met-lead-password").user
        national = auth.authenticate(engine, "national-inspector",
                                     "national-inspector-password").user
        assert met is not None and met.force_code == "metropolitan"
        assert met.role == "training_lead"
        assert national is not None and national.force_code is None
        everyone = compute(engine, load_rules(), dt.date(2026, 4, 30)).summary()
        met_only = compute(engine, load_rules(), dt.date(2026, 4, 30),
                           force="metropolitan").summary()
        assert (everyone["in_scope"] > met_only["in_scope"]).all()
        assert (met_only["completed"] > 0).all()
    finally:
        engine.dispose()


def test_same_seed_same_database(tmp_path: Path) -> None:
    counts = []
    for name in ("a.db", "b.db"):
        out = tmp_path / name
        assert _run("--out", str(out), "--people", "500", "--completions", "1500",
                    "--seed", "7").exit_code == 0
        engine = make_engine(f"sqlite:///{out}")
        with engine.connect() as conn:
            counts.append(conn.execute(text(
                "SELECT count(*), sum(module_id * person_id), min(completed_on) "
                "FROM completions")).one())
        engine.dispose()
    assert counts[0] == counts[1]


@pytest.mark.parametrize("case", ["exists", "no folder"])
def test_refuses_to_overwrite_or_guess(tmp_path: Path, case: str) -> None:
    out = tmp_path / "kept.db" if case == "exists" else tmp_path / "missing" / "n.db"
    if case == "exists":
        out.write_bytes(b"someone's database")
    result = _run("--out", str(out), "--people", "500", "--completions", "100")
    assert result.exit_code != 0
    assert str(out if case == "exists" else out.parent) in result.output
    if case == "exists":
        assert out.read_bytes() == b"someone's database"
