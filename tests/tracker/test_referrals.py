"""Recommendation 2 worked by hand: six referrals, four submissions, two officers.

Window 7 days; as of 20/03/2026 (INC-6, on 25/03, is not yet counted):

| referral | day   | officer       | document            | status                  |
|----------|-------|---------------|---------------------|-------------------------|
| INC-1    | 02/02 | collar 1234   | S-1 04/02, links N-1 | submitted (reference)  |
| INC-2    | 10/02 | staff 1002    | S-2 15/02, no link   | submitted (officer, 5d) |
| INC-3    | 20/02 | collar 1234   | S-3 05/03, links it  | late (13 days)         |
| INC-4    | 05/03 | staff 1002    | S-4 14/03 is 9 days on: no match | missing (due 12/03) |
| INC-5    | 15/03 | collar 1234   | none                 | pending (due 22/03)    |

Overall 2 of 4 counted = 50.0% (red: under 80%). Jo Smith (1234) is a sergeant in
Response; Al Jones (1002) a constable in Response until 01/03, then CID: Response has INC-1,
2, 3 (and 5 pending) = 2 of 3 = 66.7%; CID INC-4 = 0 of 1 = 0.0%.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from tests.tracker import factories as f
from tracker.recommendations import referrals as r
from tracker.store.db import unit_of_work
from tracker.store.models import IntelSubmission, Referral

D = dt.date
AS_OF = D(2026, 3, 20)
REFS = [("INC-1", "N-1", D(2026, 2, 2), "1234"), ("INC-2", None, D(2026, 2, 10), "1002"),
        ("INC-3", None, D(2026, 2, 20), "1234"), ("INC-4", None, D(2026, 3, 5), "1002"),
        ("INC-5", None, D(2026, 3, 15), "1234"), ("INC-6", None, D(2026, 3, 25), "1002")]
SUBS = [("S-1", D(2026, 2, 4), "1234", "n-1"), ("S-2", D(2026, 2, 15), "1002", None),
        ("S-3", D(2026, 3, 5), "1234", "INC-3"), ("S-4", D(2026, 3, 14), "1002", None)]


@pytest.fixture
def world(engine: Engine) -> Engine:
    with unit_of_work(engine) as s:
        f.make_person(s, "9000", name="Sam Boss", states=[(D(2026, 1, 1), "inspector",
                                                          "response")])
        f.make_person(s, "1001", collar="1234", name="Jo Smith", line_manager="9000",
                      states=[(D(2026, 1, 1), "sergeant", "response")])
        f.make_person(s, "1002", collar="2345", name="Al Jones", line_manager="9000",
                      states=[(D(2026, 1, 1), "constable", "response"),
                              (D(2026, 3, 1), "constable", "cid")])
        force = f.force_id(s, f.DEFAULT_FORCE)
        refs = f.batch(s, "referrals.csv", "nccu-referrals")
        subs = f.batch(s, "intel.csv", "intelligence-submissions")
        s.add_all(Referral(force_id=force, reference=ref, nccu_reference=nccu, referred_on=on,
                           officer=who, batch_id=refs.id, row=i + 2)
                  for i, (ref, nccu, on, who) in enumerate(REFS))
        s.add_all(IntelSubmission(force_id=force, reference=ref, submitted_on=on, officer=who,
                                  linked_reference=link, batch_id=subs.id, row=i + 2)
                  for i, (ref, on, who, link) in enumerate(SUBS))
    return engine


def _rows(engine: Engine, as_of: dt.date = AS_OF) -> r.pd.DataFrame:
    return r.referral_rows(engine, f.DEFAULT_FORCE, as_of, 7)


def test_each_referral_is_matched_and_given_its_status(world: Engine) -> None:
    rows = _rows(world)
    assert rows[["reference", "document", "matched_by", "status"]].values.tolist() == [
        ["INC-1", "S-1", "reference", "submitted"], ["INC-2", "S-2", "officer", "submitted"],
        ["INC-3", "S-3", "reference", "late"], ["INC-4", None, None, "missing"],
        ["INC-5", None, None, "pending"]]


def test_overall_by_department_rank_and_month(world: Engine) -> None:
    rows = _rows(world)
    cols = ["submitted", "late", "missing", "pending", "counted", "value_pct"]
    assert r.figures(rows)[cols].values.tolist() == [[2, 1, 1, 1, 4, 50.0]]
    assert r.figures(rows, ["department"])[["department", *cols]].values.tolist() == [
        ["cid", 0, 0, 1, 0, 1, 0.0], ["response", 2, 1, 0, 1, 3, 66.7]]
    assert r.figures(rows, ["rank"])[["rank", "counted", "value_pct"]].values.tolist() == [
        ["constable", 2, 50.0], ["sergeant", 2, 50.0]]
    assert r.figures(rows, ["month"])[["month", "counted", "value_pct"]].values.tolist() == [
        ["2026-02", 3, 66.7], ["2026-03", 1, 0.0]]


@pytest.mark.parametrize(("as_of", "counted", "pct"), [
    (D(2026, 3, 1), 3, 66.7),   # S-3 not yet submitted: INC-3 missing, INC-4 not yet made
    (D(2026, 3, 13), 4, 50.0),  # INC-4's window closed on 12/03
    (D(2026, 1, 31), 0, None),  # no referral yet
])
def test_compliance_as_of_any_date(world: Engine, as_of: dt.date, counted: int,
                                   pct: float | None) -> None:
    total = r.figures(_rows(world, as_of)).iloc[0]
    value = None if r.pd.isna(total["value_pct"]) else float(total["value_pct"])
    assert (int(total["counted"]), value) == (counted, pct)


def test_before_any_window_closes_the_standing_is_amber_with_nothing_to_measure(
        world: Engine) -> None:
    # 03/02: INC-1 (02/02) has no document yet (S-1 is on 04/02): pending, not counted
    standing = r.standing(world, f.DEFAULT_FORCE, D(2026, 2, 3), 7)
    assert (standing.value_pct, standing.done, standing.total, standing.status) == (
        None, None, None, "amber")  # nothing counted: no counts
    assert standing.reason == ("No referral to count yet (1 pending, within its 7-day "
                               "window): nothing to measure.")


def test_the_chase_list_names_the_officer_and_line_manager(world: Engine) -> None:
    chase = r.chase_list(_rows(world))
    assert chase[["reference", "officer", "full_name", "department", "line_manager",
                  "line_manager_name"]].values.tolist() == [
        ["INC-4", "1002", "Al Jones", "cid", "9000", "Sam Boss"]]


def test_explain_says_why_in_words(world: Engine) -> None:
    rows = _rows(world)
    assert r.explain(rows, "inc-2", 7) == (
        "Referral INC-2, reported on 10 Feb 2026 by officer 1002 (Al Jones): submitted: "
        "document S-2 by the same officer on 15 Feb 2026, within 7 days; a weaker match, as "
        "the document does not name the referral. Add the reference to confirm it.")
    assert r.explain(rows, "N-1", 7, identity=False) == (  # no name, no number
        "Referral INC-1 (NCCU N-1), reported on 2 Feb 2026 by the officer: submitted: "
        "intelligence document S-1 submitted on 4 Feb 2026, 2 days after, names it "
        "(matched by reference).")
    assert r.explain(rows, "INC-3", 7).endswith(
        "late: intelligence document S-3 submitted on 5 Mar 2026, 13 days after, names it, "
        "after the 7-day window that closed on 27 Feb 2026.")
    assert r.explain(rows, "INC-4", 7).endswith(
        "missing: no document names it, and none by the same officer within 7 days (due by "
        "12 Mar 2026). Ask the officer to submit it.")
    assert r.explain(rows, "INC-9", 7) is None


def _times(engine: Engine) -> None:
    """INC-1 referred at 09:05, INC-2 and INC-4 at 14:35; S-1 submitted at 16:20 (the
    others' logs give no time)."""
    from sqlalchemy import update

    with unit_of_work(engine) as s:
        s.execute(update(Referral).where(Referral.reference == "INC-1")
                  .values(referred_at=dt.time(9, 5)))
        s.execute(update(Referral).where(Referral.reference.in_(["INC-2", "INC-4"]))
                  .values(referred_at=dt.time(14, 35)))
        s.execute(update(IntelSubmission).where(IntelSubmission.reference == "S-1")
                  .values(submitted_at=dt.time(16, 20)))


def test_the_time_of_day_shows_where_the_log_gives_it_and_matching_stays_by_date(
        world: Engine) -> None:
    before = _rows(world)[["reference", "document", "matched_by", "status"]]
    _times(world)
    rows = _rows(world)
    assert rows[["reference", "document", "matched_by", "status"]].equals(before)
    assert r.explain(rows, "N-1", 7, identity=False) == (
        "Referral INC-1 (NCCU N-1), reported on 2 Feb 2026 at 09:05 by the officer: "
        "submitted: intelligence document S-1 submitted on 4 Feb 2026 at 16:20, 2 days "
        "after, names it (matched by reference).")
    assert r.explain(rows, "INC-2", 7, identity=False) == (
        "Referral INC-2, reported on 10 Feb 2026 at 14:35 by the officer: submitted: "
        "document S-2 by the same officer on 15 Feb 2026, within 7 days; a weaker match, as "
        "the document does not name the referral. Add the reference to confirm it.")
    chase = r.chase_list(rows)
    assert chase[["reference", "referred_at"]].values.tolist() == [["INC-4", dt.time(14, 35)]]
    assert rows.loc[rows["reference"] == "INC-5", "referred_at"].tolist() == [None]


def test_the_standing_of_recommendation_2(world: Engine) -> None:
    standing = r.standing(world, f.DEFAULT_FORCE, AS_OF, 7)
    assert (standing.value_pct, standing.done, standing.total, standing.status) == (
        50.0, 2, 4, "red")
    assert standing.reason == ("Off track: 2 of 4 referrals had their document within 7 days "
                               "(1 late, 1 missing; 1 pending).")
    assert "pending and left out" in standing.rule
    # the evidence names the files a reader can find, not only batch numbers
    assert standing.evidence.startswith("The NCCU referral and intelligence submission logs "
                                        "it was read from: referrals.csv (batch ")
    assert "intel.csv (batch " in standing.evidence and "by tests)" in standing.evidence
    assert standing.on_deadline_pct is None
    # after the deadline every window has closed: INC-5 and INC-6 missing too, 2 of 6
    after = r.standing(world, f.DEFAULT_FORCE, D(2026, 5, 1), 7)
    assert (after.value_pct, after.on_deadline_pct, after.status) == (33.3, 33.3, "red")


def test_explain_by_pseudonym(world: Engine) -> None:
    rows = _rows(world).assign(pseudonym="P-ABCDEFGH")
    words = r.explain(rows, "INC-4", 7, identity=False)
    assert words == (
        "Referral INC-4, reported on 5 Mar 2026 by officer P-ABCDEFGH: missing: no document "
        "names it, and none by the same officer within 7 days (due by 12 Mar 2026). Ask the "
        "officer to submit it.")
    assert "1002" not in words and "Al Jones" not in words


def test_the_chase_list_counted_by_line_manager(world: Engine) -> None:
    # after the deadline INC-4, INC-5 (Jo Smith) and INC-6 (Al Jones) are missing, all
    # three managed by Sam Boss (9000); the oldest is INC-4 of 05/03
    chase = r.chase_list(_rows(world, D(2026, 5, 1)))
    groups = r.chase_groups(chase, ["line_manager", "line_manager_name"])
    assert groups.assign(oldest=groups["oldest"].dt.date).values.tolist() == [
        ["9000", "Sam Boss", 3, D(2026, 3, 5)]]
    by_department = r.chase_groups(chase, ["department"])
    assert by_department[["department", "missing"]].values.tolist() == [
        ["cid", 2], ["response", 1]]
