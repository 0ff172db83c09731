"""Requirement rules: the shipped defaults, and bad files refused with their line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.coverage.rules import RulesError, load_rules, parse_rules

GOOD = """\
[[requirement]]
id = "x"
title = "X"
deadline = 2026-04-30
modules = ["oic-hydra"]

[[requirement.include]]
rank = ["inspector"]
"""


def test_shipped_rules_match_the_hmicfrs_recommendations() -> None:
    rules = load_rules()
    assert rules.ids == ["oic-hydra", "oic-elearning"]
    hydra, elearning = rules.requirements
    assert hydra.deadline == elearning.deadline == dt.date(2026, 4, 30)
    assert hydra.modules == ("oic-hydra",)
    assert (hydra.in_sessions, hydra.session_size) == (True, 12)
    assert (elearning.in_sessions, elearning.delivery, elearning.session_size) == (
        False, "self-paced", None)
    assert elearning.modules == ("oic-el-1", "oic-el-2", "oic-el-3", "oic-el-4")
    assert hydra.include[0].conditions == {
        "workforce_type": ["police_officer"],
        "rank": ["inspector"],
        "department": ["control-room", "response", "neighbourhood", "cid", "roads-policing"],
    }
    assert [c.conditions for c in elearning.include] == [
        {"workforce_type": ["police_officer", "special_constable", "pcso"]},
        {"workforce_type": ["police_staff"], "department": ["control-room", "custody"]},
    ]


def test_describe_scope_reads_as_words() -> None:
    hydra = load_rules().get("oic-hydra")
    assert hydra.describe_scope() == (
        "In scope: workforce type is police_officer and rank is inspector and department is "
        "control-room, response, neighbourhood, cid, roads-policing.")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace('rank = ["inspector"]', 'rank = ["inspecter"]'),
         "rules.toml, line 8: unknown rank 'inspecter'; known values: constable,"),
        (GOOD.replace('title = "X"', 'title = "X"\ncolour = "red"'),
         "rules.toml, line 4: unknown key 'colour'; a requirement takes"),
        (GOOD.replace("deadline = 2026-04-30", 'deadline = "30/04/2026"'),
         "rules.toml, line 4: deadline '30/04/2026' is not a date; write it unquoted as "
         "YYYY-MM-DD, e.g. deadline = 2026-04-30."),
        (GOOD.replace('modules = ["oic-hydra"]', 'modules = ["hydra"]'),
         "rules.toml, line 5: unknown module 'hydra'; known modules: oic-hydra,"),
        (GOOD.replace("rank = ", "grade = "),
         "rules.toml, line 8: unknown condition 'grade'; conditions are workforce_type,"),
        (GOOD.replace('id = "x"', 'id = "x'),
         "rules.toml: not valid TOML: "),
        (GOOD.split("[[requirement.include]]")[0],
         "rules.toml, line 2: requirement 'x' has no [[requirement.include]] clause, so nobody "
         "would be in scope."),
        (GOOD + "\n" + GOOD, "rules.toml, line 11: requirement id 'x' is used twice."),
        ("", "rules.toml, line 1: no [[requirement]] tables found"),
        (GOOD.replace('title = "X"', 'title = "X"\ndelivery = "classroom"'),
         "rules.toml, line 4: delivery 'classroom' is not known; use 'self-paced' or "
         "'sessions'."),
    ],
)
def test_a_bad_rules_file_is_refused_with_its_line(text: str, message: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, Path("rules.toml"))
    assert str(caught.value).startswith(message), str(caught.value)


def test_toml_syntax_error_names_the_line() -> None:
    with pytest.raises(RulesError, match=r"at line 2"):
        parse_rules(GOOD.replace('id = "x"', 'id = "x'), Path("rules.toml"))


def test_a_missing_rules_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path / "nope.toml")


def test_grace_and_validity_are_read(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(GOOD.replace('modules = ["oic-hydra"]',
                                 'modules = ["oic-hydra"]\ngrace_days = 30\nvalid_months = 36'))
    req = load_rules(path).get("x")
    assert (req.grace_days, req.valid_months) == (30, 36)
