"""Coverage on a hand-worked roster: exact numbers for every status, on three dates.

The roster (Avon and Somerset unless said; snapshots of 1 Oct 2025 and 1 Mar 2026; deadline
30 Apr 2026, grace 90 days):

staff  who (rank)             roster                          training
101    Ann Moved (Insp)      Response (Oct) -> CID (Mar)     Hydra 10 Feb 26; e-learning 1-3
                                                             in Jan 26, 4 on 1 Feb 26
102    Dan Detective (DI)    CID                             Hydra 1 Apr 26
103    Cath Chief (Ch Insp)  Response                        e-learning all 1 Dec 25
104    Len Leaver (Insp)     Response; Mar: leaver 15 Mar 26 none
105    Jo Joiner (Insp)      Neighbourhood, started 1 Mar 26 none
106    Ed Exempt (Insp)      Roads Policing; Hydra exemption 1 Nov 25 - 31 Mar 26
107    Liz Late (Insp)       Control Room                    Hydra 20 May 26; e-learning May
108    Tom Three (PC)        Response, line manager 101      e-learning 1-3 only
109    Sam Staff (staff)     Control Room                    e-learning all 1 Mar 26
110    Pat Staff (staff)     Operations (not in scope)       e-learning all 1 Mar 26
901    Will Shire (Insp)     Wiltshire, CID                  Hydra 1 Apr 26
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import threading
from functools import partial
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from tests.tracker.factories import add_completion, add_exemption, make_person
from tracker.coverage.engine import (
    PEOPLE_COLUMNS,
    CoverageResult,
    compute,
    first_col,
    in_parallel,
    load_completions,
    to_records,
)
from tracker.coverage.rules import load_rules
from tracker.store.db import make_engine, unit_of_work

D = dt.date
OCT, MAR = D(2025, 10, 1), D(2026, 3, 1)
DEADLINE = D(2026, 4, 30)
FORCE = "avon-and-somerset"
EL = ["oic-el-1", "oic-el-2", "oic-el-3", "oic-el-4"]


def build_roster(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        ann = make_person(s, "101", name="Ann Moved", collar="0101", email="ann@example.test",
                          states=[(OCT, "inspector", "response"), (MAR, "inspector", "cid")])
        add_completion(s, ann, "oic-hydra", D(2026, 2, 10), file_name="hydra-feb.xlsx", row=7)
        for module, day in zip(EL, (D(2026, 1, 10), D(2026, 1, 15), D(2026, 1, 20),
                                    D(2026, 2, 1)), strict=True):
            add_completion(s, ann, module, day)
        dan = make_person(s, "102", name="Dan Detective", detective=True,
                          states=[(OCT, "inspector", "cid"), (MAR, "inspector", "cid")])
        add_completion(s, dan, "oic-hydra", D(2026, 4, 1))
        cath = make_person(s, "103", name="Cath Chief",
                           states=[(OCT, "chief-inspector", "response"),
                                   (MAR, "chief-inspector", "response")])
        for module in EL:
            add_completion(s, cath, module, D(2025, 12, 1))
        make_person(s, "104", name="Len Leaver",
                    states=[(OCT, "inspector", "response"),
                            (MAR, "inspector", "response",
                             {"status": "leaver", "leaving_date": D(2026, 3, 15)})])
        make_person(s, "105", name="Jo Joiner", start_date=D(2026, 3, 1),
                    states=[(MAR, "inspector", "neighbourhood")])
        ed = make_person(s, "106", name="Ed Exempt",
                         states=[(OCT, "inspector", "roads-policing"),
                                 (MAR, "inspector", "roads-policing")])
        add_exemption(s, ed, "oic-hydra", "Long-term absence", D(2025, 11, 1), D(2026, 3, 31))
        liz = make_person(s, "107", name="Liz Late",
                          states=[(OCT, "inspector", "control-room"),
                                  (MAR, "inspector", "control-room")])
        add_completion(s, liz, "oic-hydra", D(2026, 5, 20))
        for i, module in enumerate(EL):
            add_completion(s, liz, module, D(2026, 5, 1 + 3 * i))
        tom = make_person(s, "108", name="Tom Three", line_manager="101",
                          states=[(OCT, "constable", "response"), (MAR, "constable", "response")])
        for module in EL[:3]:
            add_completion(s, tom, module, D(2025, 11, 1))
        sam = make_person(s, "109", name="Sam Staff", workforce_type="police_staff",
                          states=[(OCT, None, "control-room"), (MAR, None, "control-room")])
        pat = make_person(s, "110", name="Pat Staff", workforce_type="police_staff",
                          states=[(OCT, None, "operations"), (MAR, None, "operations")])
        for module in EL:
            add_completion(s, sam, module, D(2026, 3, 1))
            add_completion(s, pat, module, D(2026, 3, 1))
        will = make_person(s, "901", name="Will Shire", force="wiltshire",
                           states=[(OCT, "inspector", "cid")])
        add_completion(s, will, "oic-hydra", D(2026, 4, 1))


@pytest.fixture
def roster(engine: Engine) -> Engine:
    build_roster(engine)
    return engine


def counts(result: CoverageResult, requirement: str, **group: Any) -> tuple[Any, ...]:
    """(in_scope, exempt, completed, completed_late, not_yet_due, outstanding, coverage_pct)
    of one row of the summary."""
    frame = result.summary(by=list(group))
    rows = [r for r in to_records(frame) if r["requirement"] == requirement
            and all(r[k] == v for k, v in group.items())]
    assert len(rows) == 1, rows
    row = rows[0]
    return (row["in_scope"], row["exempt"], row["completed"], row["completed_late"],
            row["not_yet_due"], row["outstanding"], row["coverage_pct"])


def row_of(result: CoverageResult, requirement: str, staff_number: str) -> dict[str, Any]:
    """One person's row of ``result.people`` as a dict of plain values."""
    people = result.people
    rows = people[(people["requirement"] == requirement)
                  & (people["staff_number"] == staff_number)]
    assert len(rows) == 1
    return {str(k): v.item() if hasattr(v, "item") else v
            for k, v in rows.iloc[0].to_dict().items()}


def statuses(result: CoverageResult, requirement: str) -> dict[str, str]:
    people = result.people[result.people["requirement"] == requirement]
    return dict(zip(people["staff_number"], people["status"], strict=True))


def test_on_the_deadline(roster: Engine) -> None:
    result = compute(roster, load_rules(), DEADLINE, force=FORCE)
    assert statuses(result, "oic-hydra") == {
        "101": "completed", "102": "completed", "105": "not_yet_due", "106": "outstanding",
        "107": "outstanding"}
    assert counts(result, "oic-hydra") == (5, 0, 2, 0, 1, 2, 50.0)
    assert statuses(result, "oic-elearning") == {
        "101": "completed", "102": "outstanding", "103": "completed", "105": "not_yet_due",
        "106": "outstanding", "107": "outstanding", "108": "outstanding", "109": "completed"}
    assert counts(result, "oic-elearning") == (8, 0, 3, 0, 1, 4, 42.9)


def test_mover_counted_in_the_department_of_each_date(roster: Engine) -> None:
    january = compute(roster, load_rules(), D(2026, 1, 31), force=FORCE)
    april = compute(roster, load_rules(), DEADLINE, force=FORCE)
    assert counts(january, "oic-hydra", department="response") == (2, 0, 0, 0, 0, 2, 0.0)
    assert counts(april, "oic-hydra", department="cid") == (2, 0, 2, 0, 0, 0, 100.0)
    ann = row_of(april, "oic-hydra", "101")
    assert (ann["snapshot_date"], ann["department_label"]) == (MAR, "CID")


def test_before_the_deadline_exemption_and_leaver_count(roster: Engine) -> None:
    result = compute(roster, load_rules(), D(2026, 1, 31), force=FORCE)
    # Jo has not started; Len has not left yet; Ed's exemption is in force.
    assert statuses(result, "oic-hydra") == {
        "101": "outstanding", "102": "outstanding", "104": "outstanding", "106": "exempt",
        "107": "outstanding"}
    assert counts(result, "oic-hydra") == (5, 1, 0, 0, 0, 4, 0.0)
    assert counts(result, "oic-elearning") == (8, 0, 1, 0, 0, 7, 12.5)
    assert row_of(result, "oic-hydra", "106")["exemption_reason"] == "Long-term absence"
    assert row_of(result, "oic-elearning", "101")["modules_missing"] == "oic-el-4"


def test_after_the_deadline_late_completions(roster: Engine) -> None:
    result = compute(roster, load_rules(), D(2026, 6, 30), force=FORCE)
    # Jo is now past the 90-day grace period (started 1 Mar, due from 30 May).
    assert counts(result, "oic-hydra") == (5, 0, 3, 1, 0, 2, 60.0)
    assert counts(result, "oic-elearning") == (8, 0, 4, 1, 0, 4, 50.0)
    liz = row_of(result, "oic-elearning", "107")
    assert (liz["status"], liz["late"], liz["completed_on"]) == (
        "completed", True, D(2026, 5, 10))
    assert row_of(result, "oic-hydra", "101")["late"] is False


def test_three_of_four_modules_and_the_line_manager(roster: Engine) -> None:
    result = compute(roster, load_rules(), DEADLINE, force=FORCE)
    tom = row_of(result, "oic-elearning", "108")
    assert (tom["status"], tom["modules_done"], tom["modules_missing"]) == (
        "outstanding", 3, "oic-el-4")
    assert (tom["line_manager"], tom["line_manager_name"]) == ("101", "Ann Moved")


def test_rank_by_department_breakdown(roster: Engine) -> None:
    result = compute(roster, load_rules(), DEADLINE, force=FORCE)
    rows = [(r["rank"], r["department"], r["in_scope"], r["completed"], r["outstanding"],
             r["coverage_pct"], r["small_group"])
            for r in to_records(result.summary(["rank", "department"]))
            if r["requirement"] == "oic-elearning"]
    assert rows == [
        ("constable", "response", 1, 0, 1, 0.0, True),
        ("inspector", "control-room", 1, 0, 1, 0.0, True),
        ("inspector", "roads-policing", 1, 0, 1, 0.0, True),
        ("inspector", "cid", 2, 1, 1, 50.0, True),
        ("inspector", "neighbourhood", 1, 0, 0, None, True),
        ("chief-inspector", "response", 1, 1, 0, 100.0, True),
        (None, "control-room", 1, 1, 0, 100.0, True),
    ]


def test_national_and_single_force(roster: Engine) -> None:
    national = compute(roster, load_rules(), DEADLINE)
    assert counts(national, "oic-hydra") == (6, 0, 3, 0, 1, 2, 60.0)
    assert counts(national, "oic-hydra", force="wiltshire") == (1, 0, 1, 0, 0, 0, 100.0)
    assert counts(national, "oic-hydra", force=FORCE) == (5, 0, 2, 0, 1, 2, 50.0)


def test_departments_filter_and_one_requirement(roster: Engine) -> None:
    result = compute(roster, load_rules(), DEADLINE, force=FORCE, requirement="oic-hydra",
                     departments=["cid", "roads-policing"])
    assert [r.id for r in result.requirements] == ["oic-hydra"]
    assert counts(result, "oic-hydra") == (3, 0, 2, 0, 0, 1, 66.7)


def test_module_progress_and_where_people_stall(roster: Engine) -> None:
    result = compute(roster, load_rules(), DEADLINE, force=FORCE)
    progress = result.module_progress("oic-elearning")
    assert progress[["modules_done", "people"]].values.tolist() == [
        [0, 4], [1, 0], [2, 0], [3, 1], [4, 3]]
    stalls = result.module_counts("oic-elearning")
    assert stalls[["module", "done", "missing", "stalled_here"]].values.tolist() == [
        ["oic-el-1", 4, 4, 4], ["oic-el-2", 4, 4, 0], ["oic-el-3", 4, 4, 0],
        ["oic-el-4", 3, 5, 1]]


def test_outstanding_list(roster: Engine) -> None:
    result = compute(roster, load_rules(), D(2026, 6, 30), force=FORCE)
    listing = result.outstanding("oic-hydra")
    assert listing[["department", "full_name", "modules_missing", "days_to_deadline"]
                   ].values.tolist() == [
        ["roads-policing", "Ed Exempt", "oic-hydra", -61],
        ["neighbourhood", "Jo Joiner", "oic-hydra", -61],
    ]
    by_manager = result.outstanding("oic-elearning", by="line_manager")
    tom = by_manager[by_manager["full_name"] == "Tom Three"].iloc[0]
    assert (tom["line_manager_name"], tom["modules_missing"]) == ("Ann Moved", "oic-el-4")


def test_empty_database_gives_zero_rows_per_requirement(engine: Engine) -> None:
    result = compute(engine, load_rules(), DEADLINE)
    assert to_records(result.summary()) == [
        {"requirement": rid, "in_scope": 0, "exempt": 0, "completed": 0, "completed_late": 0,
         "not_yet_due": 0, "outstanding": 0, "coverage_pct": None, "small_group": True}
        for rid in ("oic-hydra", "oic-elearning")]
    assert result.summary(["rank"]).empty


def test_unknown_breakdown_is_refused(roster: Engine) -> None:
    result = compute(roster, load_rules(), DEADLINE)
    with pytest.raises(ValueError, match="Cannot break coverage down by 'shoe_size'"):
        result.summary(["shoe_size"])


def test_names_are_read_on_first_use_and_travel_in_a_pickle(roster: Engine) -> None:
    result = compute(roster, load_rules(), DEADLINE, force=FORCE)
    assert "full_name" not in result.status_frame  # the counts need no names
    assert counts(result, "oic-hydra") == (5, 0, 2, 0, 1, 2, 50.0)
    stored = pickle.loads(pickle.dumps(result))  # as the dashboards' cache keeps it
    assert stored.names is None and list(stored.people.columns) == PEOPLE_COLUMNS
    pd.testing.assert_frame_equal(stored.people, result.people)
    assert row_of(stored, "oic-elearning", "108")["line_manager_name"] == "Ann Moved"


def test_one_person_gets_the_same_row_and_names_as_everyone(roster: Engine) -> None:
    everyone = compute(roster, load_rules(), DEADLINE).people
    tom = int(everyone.loc[everyone["staff_number"] == "108", "person_id"].iloc[0])
    alone = compute(roster, load_rules(), DEADLINE, person_ids=[tom]).people
    pd.testing.assert_frame_equal(alone.reset_index(drop=True), everyone[
        everyone["person_id"] == tom].reset_index(drop=True))


# --------------------------------------------------------------- how SQLite loads are read

ALL_MODULES = ["oic-hydra", *EL]


def _rows_one_by_one(engine: Engine, monkeypatch: pytest.MonkeyPatch, **kwargs: Any
                     ) -> pd.DataFrame:
    with monkeypatch.context() as patch:
        patch.setattr("tracker.coverage.engine._sqlite_packed", lambda *a, **k: None)
        return load_completions(engine, DEADLINE, ALL_MODULES, **kwargs)


def _same_frames(packed: pd.DataFrame, rows: pd.DataFrame) -> None:
    order = list(rows.columns)
    packed = packed[order].sort_values("person_id", ignore_index=True)
    rows = rows.sort_values("person_id", ignore_index=True)
    pd.testing.assert_frame_equal(packed.astype("float64"), rows.astype("float64"))


@pytest.mark.parametrize("force", [None, FORCE])
def test_sqlite_packed_completions_equal_the_rows_read_one_by_one(
        roster: Engine, monkeypatch: pytest.MonkeyPatch, force: str | None) -> None:
    packed = load_completions(roster, DEADLINE, ALL_MODULES, force=force)
    rows = _rows_one_by_one(roster, monkeypatch, force=force)
    assert len(rows) == (6 if force else 7)  # 104-106 have none, 107 later; 901 Wiltshire
    _same_frames(packed, rows)
    ann = packed.set_index("person_id").loc[rows["person_id"].min()]
    assert ann["first:oic-hydra"] == (D(2026, 2, 10) - D(1970, 1, 1)).days


def test_sqlite_packed_read_falls_back_on_a_date_that_is_not_iso(
        roster: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    if roster.dialect.name != "sqlite":
        pytest.skip("SQLite stores dates as text")
    with roster.begin() as conn:  # as another tool might have written it
        conn.exec_driver_sql("UPDATE completions SET completed_on = '2025-12-01 00:00:00' "
                             "WHERE completed_on = '2025-12-01'")  # Cath's
    assert _sqlite_packed_reads(roster) is None
    frame = load_completions(roster, DEADLINE, ALL_MODULES)
    _same_frames(frame, _rows_one_by_one(roster, monkeypatch))
    assert (frame["first:oic-el-1"] == (D(2025, 12, 1) - D(1970, 1, 1)).days).sum() == 1


def _sqlite_packed_reads(engine: Engine) -> pd.DataFrame | None:
    from tracker.coverage.engine import _sqlite_packed
    return _sqlite_packed(engine, ["c.person_id", "MIN(c.completed_on)"],
                          " FROM completions c WHERE c.completed_on <= :as_of "
                          "GROUP BY c.person_id", ["person_id", "first"],
                          {"as_of": DEADLINE.isoformat()})


def test_sqlite_packed_read_of_no_completions(engine: Engine) -> None:
    frame = load_completions(engine, DEADLINE, ALL_MODULES, latest=False)
    assert frame.empty and list(frame.columns) == ["person_id", *map(first_col, ALL_MODULES)]


def test_loads_share_the_work_between_two_threads(engine: Engine) -> None:
    threads: dict[int, int] = {}

    def load(number: int) -> pd.DataFrame:
        threads[number] = threading.get_ident()
        return pd.DataFrame({"load": [number]})

    frames = in_parallel(engine, [partial(load, n) for n in range(3)])
    assert [f["load"].iloc[0] for f in frames] == [0, 1, 2]
    caller = threading.get_ident()
    if engine.dialect.name == "sqlite":  # the roster here, the rest in turn in one more
        assert threads[0] == caller and threads[1] == threads[2] != caller
    else:  # each in a thread of the pool
        assert caller not in threads.values()
    threads.clear()
    memory = make_engine("sqlite://")  # another database on each connection: one thread
    in_parallel(memory, [partial(load, n) for n in range(2)])
    assert set(threads.values()) == {threading.get_ident()}


def test_a_summary_is_summed_once_and_handed_out_as_a_copy(engine: Engine) -> None:
    build_roster(engine)
    result = compute(engine, load_rules(), DEADLINE)
    first = result.summary(["rank"])
    first["in_scope"] = -1  # a caller changing its copy
    again = result.summary(["rank"])
    assert (again["in_scope"] > 0).all()
    assert again.equals(compute(engine, load_rules(), DEADLINE).summary(["rank"]))
    narrowed = dataclasses.replace(result, people=result.status_frame.iloc[:1])
    assert narrowed.summary()["in_scope"].sum() == 1  # its own sums, not the cached ones
