"""Implausible imports stop with one message and write nothing; accepted, they go through
and the audit log says so; plausible ones are not stopped (issue 11 item 4).

Real small files, written here by openpyxl and the csv module and named after their case,
read by ``imports.parse_file`` and planned and committed by ``tracker.ingest.batch``."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, func, select

from imports import parse_file
from tracker.config import Thresholds
from tracker.ingest.batch import ImportPlan, ImportRefused, commit_import, plan_import
from tracker.ingest.plausibility import Check, Finding
from tracker.ingest.records import Kind
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent, Completion, ImportBatch, Person, PersonState

FORCE = "avon-and-somerset"
TODAY = dt.date(2026, 3, 31)
D1, D2 = dt.date(2026, 1, 31), dt.date(2026, 2, 28)
ROSTER_HEADER = ["Staff Number", "Collar Number", "Surname", "Forenames", "Email", "Rank",
                 "Department"]
FORENAMES = ["Ann", "Bob", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jon"]
SURNAMES = ["Lee", "Kay", "Dee"]


def staff(n: int) -> dict[str, str]:
    """Person n (1-20) of the force: five Response inspectors, then constables."""
    fore, sur = FORENAMES[(n - 1) % 10], SURNAMES[(n - 1) // 10]
    unit = ("Response - Bristol North" if n <= 5 or n % 3 == 0 else
            "CID Bristol" if n % 3 == 1 else "NPT Taunton")
    return {"Staff Number": f"{1000 + n}", "Collar Number": f"{n:04d}", "Surname": sur,
            "Forenames": fore, "Email": f"{fore.lower()}.{sur.lower()}@asc.police.uk",
            "Rank": "Insp" if n <= 5 else "PC", "Department": unit}


FORCE_OF_20 = [staff(n) for n in range(1, 21)]


def write_roster(path: Path, people: list[dict[str, str]],
                 header: list[str] = ROSTER_HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for person in people:
        sheet.append([person.get(column) for column in header])
    book.save(path)
    return path


def write_lms(path: Path, learners: list[tuple[str, str, str]]) -> Path:
    """All four e-learning modules completed by each (staff number, name, e-mail)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Employee ID", "Full Name", "Email", "Course Title", "Status",
                         "Completion Date"])
        for number, name, email in learners:
            for module in range(1, 5):
                writer.writerow([number, name, email, f"OIC Module {module}", "Completed",
                                 f"{10 + module:02d}/01/2026"])
    return path


def learner(n: int) -> tuple[str, str, str]:
    person = staff(n)
    return (person["Staff Number"], f"{person['Forenames']} {person['Surname']}",
            person["Email"])


def plan(engine: Engine, path: Path, as_of: dt.date | None = None, kind: Kind | None = None,
         **kw: Any) -> ImportPlan:
    parsed = parse_file(path, kind=kind, today=TODAY)
    return plan_import(engine, parsed, force_code=FORCE, as_of=as_of, actor="lead", **kw)


def load(engine: Engine, path: Path, as_of: dt.date | None = None, **kw: Any) -> ImportPlan:
    planned = plan(engine, path, as_of, **kw)
    commit_import(engine, planned, path.read_bytes())
    return planned


def counts(engine: Engine) -> tuple[int, ...]:
    with unit_of_work(engine) as session:
        return tuple(int(session.scalar(select(func.count()).select_from(model)) or 0)
                     for model in (Person, PersonState, Completion, ImportBatch))


def refused_with(engine: Engine, path: Path, message: str, as_of: dt.date | None = None,
                 **kw: Any) -> ImportPlan:
    """The file is refused with ``message`` (its only finding) and nothing is written."""
    before = counts(engine)
    planned = plan(engine, path, as_of, **kw)
    assert planned.refused == message
    assert [f.message for f in planned.findings] == [message]
    assert planned.summary()["implausible"] == [f.as_dict() for f in planned.findings]
    with pytest.raises(ImportRefused, match="^" + message[:40]):
        commit_import(engine, planned)
    assert counts(engine) == before
    return planned


def accepted_audit(engine: Engine) -> list[Any]:
    with unit_of_work(engine) as session:
        details = session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "import").order_by(AuditEvent.id)).all()
    return [d.get("implausible_accepted") for d in details]


# ---------------------------------------------------------------- a. a rule column missing

NO_DEPARTMENT = ('hr-no-department.xlsx: no column was recognised as the department, and '
                 "the requirement rules use it (OIC Hydra exercise, OIC e-learning (all four "
                 'modules)): every person would count as "no department". Columns found: '
                 "Staff Number, Collar Number, Surname, Forenames, Email, Rank, Patch.")


def test_a_roster_without_a_department_column_stops_and_accepted_goes_through(
        engine: Engine, tmp_path: Path) -> None:
    # a header and values nothing recognises (known units under "Area" would be read)
    people = [{**p, "Patch": f"{p['Department'][:1]} patch"} for p in FORCE_OF_20]
    path = write_roster(tmp_path / "hr-no-department.xlsx", people,
                        [*ROSTER_HEADER[:-1], "Patch"])
    found = refused_with(engine, path, NO_DEPARTMENT, D1).findings
    assert found[0].code is Check.RULE_COLUMN_MISSING
    assert found[0].evidence["people_without"] == 20
    accepted = load(engine, path, D1, accept=True)
    assert (accepted.refused, accepted.summary()["implausible_accepted"]) == (None, True)
    assert counts(engine) == (20, 20, 0, 1)
    [[entry]] = accepted_audit(engine)
    assert (entry["code"], entry["message"]) == ("rule-column-missing", NO_DEPARTMENT)
    with unit_of_work(engine) as session:
        batch = session.scalars(select(ImportBatch)).one()
        assert batch.detail["implausible_accepted"][0]["message"] == NO_DEPARTMENT


def test_no_workforce_type_column_is_fine_when_the_rank_gives_it(engine: Engine,
                                                                 tmp_path: Path) -> None:
    path = write_roster(tmp_path / "hr-rank-no-workforce-type.xlsx", FORCE_OF_20)
    planned = load(engine, path, D1)
    assert (planned.findings, planned.refused) == ([], None)


def test_most_people_with_no_workforce_type_stops(engine: Engine, tmp_path: Path) -> None:
    grades = [{**p, "Rank": "Band Q" if n > 4 else p["Rank"]}
              for n, p in enumerate(FORCE_OF_20, 1)]  # a staff grade the vocab lacks
    path = write_roster(tmp_path / "hr-grades-no-workforce-type.xlsx", grades)
    planned = plan(engine, path, D1)
    assert [f.code for f in planned.findings] == [Check.RULE_COLUMN_MISSING,
                                                  Check.RULE_VALUES_UNMAPPED]
    assert planned.refused == (
        "hr-grades-no-workforce-type.xlsx: no column was recognised as the workforce type, "
        "and the requirement rules use it (OIC Hydra exercise, OIC e-learning (all four "
        'modules)): 16 of 20 people (80%) would count as "no workforce type". Columns found: '
        "Staff Number, Collar Number, Surname, Forenames, Email, Rank, Department.")


# ---------------------------------------------------------------- b. values mapped to nothing

def test_a_roster_of_unknown_ranks_stops_with_the_commonest(engine: Engine,
                                                            tmp_path: Path) -> None:
    odd = {6: "Grand Poobah", 7: "Grand Poobah", 8: "Grand Poobah", 9: "Grand Poobah",
           10: "Chief Bottle Washer", 11: "Chief Bottle Washer"}
    people = [{**p, "Rank": odd.get(n, p["Rank"])} for n, p in enumerate(FORCE_OF_20, 1)]
    path = write_roster(tmp_path / "hr-unknown-ranks.xlsx", people)
    found = refused_with(engine, path, (
        'hr-unknown-ranks.xlsx: 6 of the 20 values in column "Rank" (30%) match no rank the '
        "tool knows, and the requirement rules use the rank (OIC Hydra exercise): those "
        'people would count as "no rank". Commonest: "Grand Poobah" (4), "Chief Bottle '
        'Washer" (2).'), D1).findings
    assert found[0].evidence["commonest"] == [["Grand Poobah", 4], ["Chief Bottle Washer", 2]]


def test_a_roster_of_unknown_units_stops(engine: Engine, tmp_path: Path) -> None:
    people = [{**p, "Department": "Zeta Hub" if n % 2 else p["Department"]}
              for n, p in enumerate(FORCE_OF_20, 1)]
    refused_with(engine, write_roster(tmp_path / "hr-unknown-units.xlsx", people), (
        'hr-unknown-units.xlsx: 10 of the 20 values in column "Department" (50%) match no '
        "department the tool knows, and the requirement rules use the department (OIC Hydra "
        'exercise, OIC e-learning (all four modules)): those people would count as "no '
        'department". Commonest: "Zeta Hub" (10).'), D1)


def test_a_few_unknown_ranks_are_not_implausible(engine: Engine, tmp_path: Path) -> None:
    people = [{**p, "Rank": "Grand Poobah" if n in (6, 7) else p["Rank"]}
              for n, p in enumerate(FORCE_OF_20, 1)]  # 10%, and only two people
    path = write_roster(tmp_path / "hr-two-unknown-ranks.xlsx", people)
    assert load(engine, path, D1).findings == []


# ---------------------------------------------------------------- c. learners matching nobody

STRANGERS = [(f"{9000 + n}", f"Stranger {n}", f"stranger{n}@elsewhere.uk") for n in range(6)]


def test_a_file_of_strangers_stops_once_the_force_has_a_roster(engine: Engine,
                                                               tmp_path: Path) -> None:
    path = write_lms(tmp_path / "lms-strangers.csv", [learner(1), learner(2), learner(6),
                                                      learner(7), *STRANGERS])
    assert plan(engine, path).findings == []  # no roster yet: nobody to match
    load(engine, write_roster(tmp_path / "hr.xlsx", FORCE_OF_20), D1)
    refused_with(engine, path, (
        "lms-strangers.csv: 6 of the 10 learners of Avon and Somerset Constabulary in it "
        '(60%) match nobody on that force\'s roster, matched by "Employee ID" (staff number), '
        '"Email" (e-mail) and "Full Name" (name): their completions would not count.'))
    accepted = load(engine, path, accept=True)
    assert accepted.summary()["unmatched"] == 24
    assert accepted_audit(engine)[-1][0]["code"] == "learners-unmatched"


def test_a_few_strangers_are_not_implausible(engine: Engine, tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr.xlsx", FORCE_OF_20), D1)
    path = write_lms(tmp_path / "lms-four-strangers.csv",
                     [learner(1), learner(2), *STRANGERS[:4]])  # 67%, but four people
    assert load(engine, path).findings == []


def write_hydra(path: Path, delegates: list[list[Any]], force_column: bool = True) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["OIC Hydra exercise"])
    sheet.append(["Course date: 12/03/2026"])
    sheet.append([])
    header = ["Delegate Name", "Collar No", "Rank", "Home Force", "Attended"]
    keep = [i for i, h in enumerate(header) if force_column or h != "Home Force"]
    sheet.append([header[i] for i in keep])
    for row in delegates:
        sheet.append([row[i] for i in keep])
    book.save(path)
    return path


VISITORS = [[f"Wilts Insp {n}", f"7{n:03d}", "Insp", "Wiltshire Police", "Y"]
            for n in range(6)]
OWN = [[f"{staff(n)['Forenames']} {staff(n)['Surname']}", staff(n)["Collar Number"], "Insp",
        "Avon and Somerset", "Y"] for n in range(1, 5)]


def test_visitors_from_other_forces_do_not_count(engine: Engine, tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr.xlsx", FORCE_OF_20), D1)
    path = write_hydra(tmp_path / "hydra-visitors.xlsx", OWN + VISITORS)
    planned = load(engine, path, kind=Kind.HYDRA)
    assert (planned.findings, planned.summary()["people_created"]) == ([], 6)


def test_visitors_without_a_force_column_look_like_strangers(engine: Engine,
                                                             tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr.xlsx", FORCE_OF_20), D1)
    path = write_hydra(tmp_path / "hydra-no-force-column.xlsx", OWN + VISITORS,
                       force_column=False)
    refused_with(engine, path, (
        "hydra-no-force-column.xlsx: 6 of the 10 learners of Avon and Somerset Constabulary "
        'in it (60%) match nobody on that force\'s roster, matched by "Collar No" (collar '
        'number) and "Delegate Name" (name): their completions would not count.'),
        kind=Kind.HYDRA)


# ---------------------------------------------------------------- d. a requirement falling

LEAVERS_ASIDE = Thresholds(leavers=0.5)  # for the checks of a fall: 8 of 20 leave


def test_a_roster_that_would_lose_people_and_completions_stops(engine: Engine,
                                                               tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr-january.xlsx", FORCE_OF_20), D1)
    load(engine, write_lms(tmp_path / "lms.csv", [learner(n) for n in range(9, 19)]))
    smaller = write_roster(tmp_path / "hr-smaller.xlsx", FORCE_OF_20[:12])
    found = refused_with(engine, smaller, (
        "hr-smaller.xlsx: importing it would take OIC e-learning (all four modules) from 20 "
        "people in scope to 12 (-40%) and from 10 completed to 4 (-60%), as of 28/02/2026. "
        "8 of the 20 people on the roster now are missing from it and would become "
        "leavers."), D2, thresholds=LEAVERS_ASIDE).findings
    assert found[0].evidence["requirements"] == {
        "oic-elearning": {"in_scope": [20, 12], "completed": [10, 4]}}
    as_partial = load(engine, smaller, D2, full_roster=False)  # nobody leaves
    assert as_partial.findings == []


def test_a_roster_that_moves_inspectors_out_of_scope_stops(engine: Engine,
                                                           tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr-january.xlsx", FORCE_OF_20), D1)
    moved = [{**p, "Department": "Corporate Services"} if n <= 5 else p
             for n, p in enumerate(FORCE_OF_20, 1)]
    refused_with(engine, write_roster(tmp_path / "hr-inspectors-moved.xlsx", moved), (
        "hr-inspectors-moved.xlsx: importing it would take OIC Hydra exercise from 5 people "
        "in scope to 0 (-100%), as of 28/02/2026."), D2)
    assert load(engine, tmp_path / "hr-inspectors-moved.xlsx", D2, accept=True).findings


def test_the_same_roster_a_month_later_is_plausible(engine: Engine, tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr-january.xlsx", FORCE_OF_20), D1)
    joiners = [*FORCE_OF_20[:18], *(staff(n) for n in range(21, 25))]  # two leave, four join
    planned = load(engine, write_roster(tmp_path / "hr-february.xlsx", joiners), D2)
    assert (planned.findings, planned.counts["leavers"]) == ([], 2)


def test_thresholds_come_from_the_plan_call(engine: Engine, tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr-january.xlsx", FORCE_OF_20), D1)
    path = write_roster(tmp_path / "hr-smaller.xlsx", FORCE_OF_20[:12])
    lenient = Thresholds(drop=0.5, leavers=0.5)
    assert plan(engine, path, D2, thresholds=lenient).findings == []
    strict = Thresholds(drop=0.5, min_people=0, leavers=0.5)
    assert plan(engine, path, D2, thresholds=strict).findings == []
    assert [f.code for f in plan(engine, path, D2).findings] == [Check.MANY_LEAVERS,
                                                                 Check.REQUIREMENT_FALLS]


# ---------------------------------------------------------------- e. a full roster's leavers

THREE_OF_20 = ("hr-three-rows.xlsx: imported as a full roster, it would make 17 of the 20 "
               "people on the Avon and Somerset Constabulary roster as of 28/02/2026 (85%) "
               "leavers, because it does not list them (it lists 3 people). If it is a "
               "partial update, import it as one: people missing from it then stay.")


def test_a_full_roster_of_3_rows_would_end_the_force_and_stops(engine: Engine,
                                                               tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr-january.xlsx", FORCE_OF_20), D1)
    path = write_roster(tmp_path / "hr-three-rows.xlsx", FORCE_OF_20[:3])
    before = counts(engine)
    planned = plan(engine, path, D2)
    assert planned.refused == THREE_OF_20
    [leavers, falls] = planned.findings
    assert (leavers.code, leavers.message, falls.code) == (
        Check.MANY_LEAVERS, THREE_OF_20, Check.REQUIREMENT_FALLS)
    assert leavers.evidence == {"force": FORCE, "as_of": "2026-02-28", "leavers": 17,
                                "workforce": 20, "listed": 3}
    with pytest.raises(ImportRefused) as refused:
        commit_import(engine, planned)
    assert str(refused.value) == THREE_OF_20
    assert counts(engine) == before
    as_partial = load(engine, path, D2, full_roster=False)
    assert (as_partial.findings, as_partial.counts["leavers"]) == ([], 0)
    assert counts(engine) == (20, 20, 0, 2)


def test_a_full_roster_of_3_rows_accepted_makes_the_leavers(engine: Engine,
                                                            tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr-january.xlsx", FORCE_OF_20), D1)
    path = write_roster(tmp_path / "hr-three-rows.xlsx", FORCE_OF_20[:3])
    accepted = load(engine, path, D2, accept=True)
    assert (accepted.counts["leavers"], accepted.summary()["implausible_accepted"]) == (17, True)
    [[first, _]] = accepted_audit(engine)[1:]
    assert (first["code"], first["message"]) == ("many-leavers", THREE_OF_20)
    with unit_of_work(engine) as session:
        left = session.scalar(select(func.count()).select_from(PersonState).where(
            PersonState.status == "leaver"))
    assert left == 17


def test_leavers_counted_against_those_on_the_roster_as_of_its_date(engine: Engine,
                                                                   tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr-january.xlsx", FORCE_OF_20), D1)
    # 2 of 20 (10%) leave: not more than the share; 3 of 18 on the roster now (17%) do
    load(engine, write_roster(tmp_path / "hr-february.xlsx", FORCE_OF_20[:18]), D2,
         thresholds=Thresholds(min_people=2))
    path = write_roster(tmp_path / "hr-march.xlsx", FORCE_OF_20[:15])
    found = plan(engine, path, dt.date(2026, 3, 31), thresholds=Thresholds(min_people=3))
    assert [(f.code, f.evidence["leavers"], f.evidence["workforce"]) for f in found.findings
            if f.code is Check.MANY_LEAVERS] == [(Check.MANY_LEAVERS, 3, 18)]
    as_of_january = plan(engine, path, D1, thresholds=Thresholds(min_people=3))
    assert [f.evidence["workforce"] for f in as_of_january.findings
            if f.code is Check.MANY_LEAVERS] == [20]


def test_fewer_leavers_than_the_share_or_the_fewest_people_are_plausible(
        engine: Engine, tmp_path: Path) -> None:
    load(engine, write_roster(tmp_path / "hr-january.xlsx", FORCE_OF_20), D1)
    path = write_roster(tmp_path / "hr-smaller.xlsx", FORCE_OF_20[:12])  # 8 of 20 leave
    codes = [f.code for f in plan(engine, path, D2, thresholds=LEAVERS_ASIDE).findings]
    assert Check.MANY_LEAVERS not in codes
    fewest = Thresholds(min_people=9)
    assert Check.MANY_LEAVERS not in [f.code for f in plan(engine, path, D2,
                                                            thresholds=fewest).findings]
    assert [f.code for f in plan(engine, path, D2).findings] == [Check.MANY_LEAVERS,
                                                                 Check.REQUIREMENT_FALLS]


def test_a_finding_as_data() -> None:
    finding = Finding(Check.LEARNERS_UNMATCHED, "x.csv: many", {"unmatched": 6})
    assert finding.as_dict() == {"code": "learners-unmatched", "message": "x.csv: many",
                                 "evidence": {"unmatched": 6}}
