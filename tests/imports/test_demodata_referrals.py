"""The demo force's NCCU referral log and intelligence submission log: written by
demodata, detected as their kinds and imported through the real path, with the mess the
manifest plants, and a force that gets better over the year."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from demodata import generate
from imports.workflow import ImportRequest, plan_file
from tracker.config import load_settings
from tracker.ingest.batch import commit_import
from tracker.recommendations import referrals

TODAY = dt.date(2026, 11, 30)
SETTINGS = dataclasses.replace(load_settings({}), today_override=TODAY)


def test_the_demo_logs_import_and_improve_over_the_year(engine: Engine,
                                                        tmp_path: Path) -> None:
    manifest = generate(tmp_path, people=800, today=TODAY)
    wanted = [f for f in manifest.files if f.kind in ("hr-roster", "nccu-referrals",
                                                      "intelligence-submissions")]
    plans = {}
    for entry in wanted:
        plan = plan_file(engine, tmp_path / entry.path, ImportRequest("avon-and-somerset",
                                                                       "demo"),
                         SETTINGS, in_child=False)
        assert plan.parsed.kind.value == entry.kind
        commit_import(engine, plan)
        plans[entry.kind] = plan
    refs = plans["nccu-referrals"]
    planted = {m.item: m.rows for m in manifest.mess if m.file == "nccu_referrals.csv"}
    assert [p.row for p in refs.report.errors] == planted["missing-reference"]
    assert [p.row for p in refs.report.warnings if p.row] == planted["duplicate-row"]
    assert refs.counts["new"] == manifest.files[-2].counts["referrals"] - 1

    rows = referrals.referral_rows(engine, "avon-and-somerset", TODAY, 7)
    assert set(rows["status"]) == {"submitted", "late", "missing", "pending"}
    assert set(rows["matched_by"].dropna()) == {"reference", "officer"}
    assert rows["department"].notna().mean() > 0.95  # officers are found on the roster
    months = referrals.figures(rows, ["month"])
    assert months["value_pct"].iloc[:3].mean() < months["value_pct"].iloc[-4:-1].mean()
