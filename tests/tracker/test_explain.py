"""Why is this person counted? (roster of test_coverage)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.tracker.factories import make_person
from tests.tracker.test_coverage import DEADLINE, build_roster
from tracker.coverage.explain import ExplainError, Explanation, RequirementWhy, explain, find_person
from tracker.coverage.rules import load_rules, parse_rules
from tracker.messages import hints
from tracker.store import models
from tracker.store.db import unit_of_work

D = dt.date


@pytest.fixture
def roster(engine: Engine) -> Engine:
    build_roster(engine)
    return engine


def by_id(result: Explanation, requirement: str) -> RequirementWhy:
    return next(r for r in result.requirements if r.requirement == requirement)


def test_completed_with_the_batch_and_file_that_reported_it(roster: Engine) -> None:
    result = explain(roster, load_rules(), "101", DEADLINE)
    hydra = by_id(result, "oic-hydra")
    assert (hydra.status, hydra.in_scope, hydra.include_clause) == ("completed", True, 1)
    assert hydra.scope_reason.startswith("in scope by include clause 1: workforce type is "
                                         "police_officer and rank is inspector")
    [used] = hydra.completions
    assert (used.module, used.completed_on, used.counted, used.files, used.rows) == (
        "oic-hydra", D(2026, 2, 10), True, ["hydra-feb.xlsx"], [7])
    with unit_of_work(roster) as s:
        batch_id = s.scalar(select(models.ImportBatch.id).where(
            models.ImportBatch.file_name == "hydra-feb.xlsx"))
    assert used.batch_ids == [batch_id]
    assert result.state["snapshot_date"] == D(2026, 3, 1)
    assert result.state["department"] == "cid"


def test_state_of_an_earlier_date_and_a_completion_after_it(roster: Engine) -> None:
    result = explain(roster, load_rules(), "101", D(2026, 1, 31))
    assert (result.state["snapshot_date"], result.state["department"]) == (
        D(2025, 10, 1), "response")
    el = by_id(result, "oic-elearning")
    assert el.status == "outstanding"
    assert el.modules_missing == ["oic-el-4"]
    late = next(c for c in el.completions if c.module == "oic-el-4")
    assert (late.counted, late.note) == (False, "after the as-of date")


def test_detective_inspector_in_scope_and_chief_inspector_not(roster: Engine) -> None:
    dan = explain(roster, load_rules(), "102", DEADLINE)
    assert dan.state["detective"] is True
    assert by_id(dan, "oic-hydra").status == "completed"
    cath = by_id(explain(roster, load_rules(), "103", DEADLINE), "oic-hydra")
    assert (cath.in_scope, cath.status, cath.include_clause) == (False, "not in scope", None)
    assert cath.scope_reason == (
        "not in scope; no include clause matched. clause 1 (workforce type is police_officer "
        "and rank is inspector and department is control-room, response, neighbourhood, cid, "
        "roads-policing): rank is chief-inspector (needs inspector).")


def test_leaver_and_exemption(roster: Engine) -> None:
    len_ = explain(roster, load_rules(), "104", DEADLINE)
    assert not len_.on_roster
    assert len_.roster_reason == "Not counted: left on 2026-03-15, on or before 2026-04-30."
    assert {r.status for r in len_.requirements} == {"not on roster"}
    ed = by_id(explain(roster, load_rules(), "106", D(2026, 1, 31)), "oic-hydra")
    assert ed.status == "exempt"
    assert [(e["reason"], e["in_force"]) for e in ed.exemptions] == [("Long-term absence", True)]
    ed_later = by_id(explain(roster, load_rules(), "106", DEADLINE), "oic-hydra")
    assert (ed_later.status, ed_later.exemptions[0]["in_force"]) == ("outstanding", False)


def test_late_completion(roster: Engine) -> None:
    liz = by_id(explain(roster, load_rules(), "107", D(2026, 6, 30)), "oic-hydra")
    assert (liz.status, liz.late, liz.completed_on) == ("completed", True, D(2026, 5, 20))
    assert liz.completions[0].note == "after the deadline (late)"


def test_exclude_clause_wins(roster: Engine) -> None:
    text = load_rules().text.replace(
        'department = ["control-room", "custody"]',
        'department = ["control-room", "custody"]\n\n[[requirement.exclude]]\n'
        'department = ["cid"]\ndetective = true')
    rules = parse_rules(text, Path("custom.toml"))
    dan = by_id(explain(roster, rules, "102", DEADLINE), "oic-elearning")
    assert (dan.in_scope, dan.include_clause, dan.exclude_clause) == (False, 1, 1)
    assert dan.scope_reason == ("include clause 1 matched, but exclude clause 1 (department is "
                                "cid and detectives only) wins: not in scope.")


def test_person_found_by_collar_email_or_id(roster: Engine) -> None:
    ann = find_person(roster, "101")
    assert find_person(roster, "0101") == ann
    assert find_person(roster, "ANN@example.test") == ann
    assert find_person(roster, str(ann)) == ann  # no staff or collar number is the id


def test_unknown_and_ambiguous_people_are_refused(roster: Engine) -> None:
    with pytest.raises(ExplainError) as unknown:
        explain(roster, load_rules(), "X999", DEADLINE)
    assert str(unknown.value) == ("nobody has the staff number, collar number, e-mail or id "
                                  "'X999'. Check the value against the HR roster.")
    with unit_of_work(roster) as s:
        make_person(s, "101", force="wiltshire", states=[(D(2025, 10, 1), "constable", "cid")])
    with pytest.raises(ExplainError) as twice:
        explain(roster, load_rules(), "101", DEADLINE)
    assert str(twice.value) == ("staff number '101' matches 2 people (avon-and-somerset, "
                                "wiltshire).")
    assert hints.explain(twice.value, "cli").endswith(" Add --force CODE to say which force.")
    assert explain(roster, load_rules(), "101", DEADLINE,
                   force="wiltshire").person["force"] == "wiltshire"


def test_to_dict_is_json_and_to_text_reads(roster: Engine) -> None:
    result = explain(roster, load_rules(), "108", DEADLINE)
    data = json.loads(json.dumps(result.to_dict()))
    el = next(r for r in data["requirements"] if r["requirement"] == "oic-elearning")
    assert (el["status"], el["modules_missing"]) == ("outstanding", ["oic-el-4"])
    text = result.to_text()
    assert text.splitlines()[0] == ("Tom Three (staff 108, collar -, Avon and Somerset "
                                    "Constabulary), as of 2026-04-30")
    assert "OIC e-learning (all four modules) [oic-elearning], deadline 2026-04-30: " \
           "OUTSTANDING" in text
    assert "  Missing: oic-el-4" in text


# ---------------------------------------------------------------- the plain-words layer


def test_scope_in_words_from_the_rule(roster: Engine) -> None:
    ann = explain(roster, load_rules(), "101", DEADLINE)
    hydra = by_id(ann, "oic-hydra")
    assert hydra.scope_words == ("In scope: Police officer, Inspector, in CID, one of the "
                                 "departments this requirement covers.")
    assert [(c.what, c.wanted, c.person, c.met) for c in hydra.checks[0]] == [
        ("workforce type", ["Police officer"], "Police officer", True),
        ("rank", ["Inspector"], "Inspector", True),
        ("department", ["Control Room", "Response", "Neighbourhood", "CID", "Roads Policing"],
         "CID", True)]
    assert by_id(ann, "oic-elearning").scope_words == (
        "In scope: Police officer, one of the workforce types this requirement covers.")
    cath = by_id(explain(roster, load_rules(), "103", DEADLINE), "oic-hydra")
    assert cath.scope_words == "Not in scope: rank is Chief Inspector, not Inspector."


def test_excluded_and_not_on_roster_in_words(roster: Engine) -> None:
    text = load_rules().text.replace(
        'department = ["control-room", "custody"]',
        'department = ["control-room", "custody"]\n\n[[requirement.exclude]]\n'
        'department = ["cid"]\ndetective = true')
    rules = parse_rules(text, Path("custom.toml"))
    dan = by_id(explain(roster, rules, "102", DEADLINE), "oic-elearning")
    assert dan.scope_words == ("Not in scope: Police officer, one of the workforce types this "
                               "requirement covers, but this requirement leaves out people "
                               "in CID and a detective.")
    len_ = explain(roster, load_rules(), "104", DEADLINE)
    assert len_.roster_words == "Not counted: left on 15 Mar 2026, on or before 30 Apr 2026."
    assert by_id(len_, "oic-hydra").scope_words.endswith(
        " Not counted on this date: not on the roster (see above).")


def test_evidence_names_file_row_and_who_imported_it_when(roster: Engine) -> None:
    result = explain(roster, load_rules(), "101", DEADLINE)
    [used] = by_id(result, "oic-hydra").completions
    assert used.module_title == "OIC Hydra exercise"
    [evidence] = used.evidence
    with unit_of_work(roster) as s:
        batch = s.scalars(select(models.ImportBatch).where(
            models.ImportBatch.file_name == "hydra-feb.xlsx")).one()
        assert (evidence.batch_id, evidence.file_name, evidence.row, evidence.imported_at,
                evidence.imported_by) == (batch.id, "hydra-feb.xlsx", 7, batch.imported_at,
                                          batch.imported_by)
    data = json.loads(json.dumps(result.to_dict()))
    hydra = next(r for r in data["requirements"] if r["requirement"] == "oic-hydra")
    assert hydra["completions"][0]["evidence"][0]["row"] == 7
    assert hydra["scope_words"].startswith("In scope: Police officer, Inspector")
