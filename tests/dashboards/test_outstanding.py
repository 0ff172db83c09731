"""The Outstanding page as a manager chases with it: name, rank, department, unit, line
manager, the modules missing and the days overdue first; no internal ids on screen or in a
download; groups with the most people to chase first; the rank and department filters read
from the URL (the Coverage page's drill-down); CSV headings as the Reports page's CSVs.

Counts are worked out by hand from ``conftest.PEOPLE`` (e-learning, Avon and Somerset,
2 Mar 2026): outstanding are Cat Cole and Dan Dale (CID inspectors), Fay Fox and Hal Hill
(Response), Jon Jay, Lee Lamb and Ned Nash (Neighbourhood), Quin Quay and Vic Vale (Control
Room), Tia Tate (CID) and Xan Xu (Roads Policing): 11."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import APP, TIMEOUT, TODAY, as_user
from tracker import auth
from tracker.coverage.rules import load_rules

EL = "oic-elearning"
FIRST_COLUMNS = ["full_name", "rank_label", "department_label", "unit", "line_manager_name",
                 "modules_missing", "days_overdue"]
FIRST_HEADINGS = ["Name", "Rank", "Department", "Unit", "Line manager", "Modules missing",
                  "Days overdue"]


def _outstanding(engine: Engine, username: str, **params: str | list[str]) -> AppTest:
    """The Outstanding page reached as a link with ``params`` in its URL."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["tracker_user"] = as_user(engine, username)
    at.session_state["tracker_session_clock"] = auth.SessionClock()
    at.run()
    at.switch_page("views/outstanding.py")
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def _csv(at: AppTest, table: int, engine: Engine) -> pd.DataFrame:
    """The CSV the download button under ``at.dataframe[table]`` gives (the same writer)."""
    from dashboards import ui

    frame = at.dataframe[table].value
    body = ui.csv_export(frame, "t", at.session_state["tracker_user"], engine)()
    return pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", keep_default_na=False)


def test_people_table_starts_with_what_a_manager_chases_with(db: Engine) -> None:
    at = _outstanding(db, "demo-lead", req=EL)
    people = at.dataframe[-1].value
    assert list(people.columns[:7]) == FIRST_COLUMNS
    assert not {"person_id", "id", "line_manager", "force"} & set(people.columns)
    assert len(people) == 11
    cat = people.set_index("full_name").loc["Cat Cole"]
    assert (cat["rank_label"], cat["department_label"], cat["modules_missing"],
            cat["days_overdue"]) == ("Inspector", "CID", "Module 3, Module 4", 0)
    shown = at.dataframe[-1].proto.columns  # the readable headings the table shows
    assert [_heading(shown, c) for c in FIRST_COLUMNS] == FIRST_HEADINGS


def _heading(config: str, column: str) -> str:
    """The heading a table shows for ``column`` (its column configuration, as sent)."""
    return str(json.loads(config)[column]["label"])


def test_days_overdue_count_from_the_deadline(db: Engine) -> None:
    at = _outstanding(db, "demo-lead", req=EL, asof="2026-05-10")
    people = at.dataframe[-1].value
    assert set(people["days_overdue"]) == {10}  # 30 Apr 2026 + 10 days


def test_days_overdue_of_a_late_joiner_count_from_the_end_of_their_grace() -> None:
    from dashboards.data import days_overdue

    req = load_rules().get(EL)  # deadline 30 Apr 2026, 90 days' grace
    rows = pd.DataFrame({"start_date": [dt.date(2015, 1, 1), dt.date(2026, 3, 1), None]})
    assert days_overdue(rows, req, dt.date(2026, 6, 9)).tolist() == [40, 10, 40]
    assert days_overdue(rows, req, dt.date(2026, 3, 2)).tolist() == [0, 0, 0]


def test_csv_downloads_carry_no_internal_ids_and_the_reports_headings(db: Engine) -> None:
    from dashboards import data
    from tracker.reports.csvs import OUTSTANDING_HEADERS, SUMMARY_HEADERS

    at = _outstanding(db, "demo-lead", req=EL)
    people = _csv(at, -1, db)
    assert list(people.columns) == [*FIRST_HEADINGS, "Staff number", "Email"]
    assert not {"Person id", "person_id", "Id"} & set(people.columns)
    # the same column has the same heading in the Reports page's outstanding CSV
    report = data.report_file(as_user(db, "demo-lead"), TODAY, "avon-and-somerset", None,
                              False, "outstanding")().decode("utf-8-sig").splitlines()[0]
    assert report.split(",") == list(OUTSTANDING_HEADERS.values())
    shared = set(people.columns) - {"Days overdue", "Email"}
    assert shared <= set(report.split(",")), shared - set(report.split(","))
    groups = _csv(at, 0, db)
    assert list(groups.columns) == ["Department", "Outstanding", "In scope", "Coverage %"]
    assert set(groups.columns) - {"Department"} <= set(SUMMARY_HEADERS.values())


def test_groups_with_the_most_to_chase_come_first(db: Engine) -> None:
    at = _outstanding(db, "demo-lead", req=EL, by="department")
    groups = at.dataframe[0].value
    # CID 3 of 4 outstanding (25.0%), Neighbourhood 3 of 6 (50.0%), Control Room 2 of 3
    # (33.3%), Response 2 of 7 (71.4%), Roads Policing 1 of 3 (66.7%)
    assert groups.to_dict("list") == {
        "department_label": ["CID", "Neighbourhood", "Control Room", "Response",
                             "Roads Policing"],
        "outstanding": [3, 3, 2, 2, 1], "in_scope": [4, 6, 3, 7, 3],
        "coverage_pct": [25.0, 50.0, 33.3, 71.4, 66.7]}
    assert "Most people outstanding first" in " ".join(c.value for c in at.caption)


def test_line_manager_groups_are_named(db: Engine) -> None:
    at = _outstanding(db, "demo-lead", req=EL, by="line_manager")
    assert "line_manager_name" in at.dataframe[0].value.columns


@pytest.mark.parametrize(("params", "names", "who"), [
    ({"rank": "inspector", "dept": "cid"}, ["Cat Cole", "Dan Dale"], "Inspectors in CID"),
    ({"dept": ["response", "control-room"]}, ["Fay Fox", "Hal Hill", "Quin Quay", "Vic Vale"],
     "Everyone in Response or Control Room"),  # as the link lists them
    ({"rank": ["sergeant", "inspector"]}, ["Cat Cole", "Dan Dale", "Ned Nash", "Vic Vale"],
     "Sergeants and Inspectors"),
])
def test_rank_and_department_come_from_the_url(db: Engine, params: dict[str, str | list[str]],
                                               names: list[str], who: str) -> None:
    at = _outstanding(db, "demo-lead", req=EL, asof="2026-03-01", **params)
    people = at.dataframe[-1].value
    assert sorted(people["full_name"]) == names
    assert at.title[0].value == (
        f"OIC e-learning (all four modules): who is outstanding — {who}, as of 1 Mar 2026")
    ranks, depts = params.get("rank", []), params.get("dept", [])
    assert at.multiselect(key="f_rank").value == ([ranks] if isinstance(ranks, str) else ranks)
    assert sorted(at.multiselect(key="f_dept").value) == sorted(
        [depts] if isinstance(depts, str) else depts)
    assert f"{len(names)} people still to complete it" in at.caption[0].value


def test_url_filters_can_be_cleared(db: Engine) -> None:
    at = _outstanding(db, "demo-lead", req=EL, rank="inspector", dept="cid")
    at.multiselect(key="f_dept").set_value([]).run()
    assert sorted(at.dataframe[-1].value["full_name"]) == ["Cat Cole", "Dan Dale", "Vic Vale"]
    assert at.query_params.get("dept") is None or at.query_params["dept"] == []
    at.multiselect(key="f_rank").set_value([]).run()
    assert len(at.dataframe[-1].value) == 11
    assert at.title[0].value == (
        "OIC e-learning (all four modules): who is outstanding, as of 2 Mar 2026")


def test_a_link_to_people_nobody_in_scope_has_says_so(db: Engine) -> None:
    at = _outstanding(db, "demo-manager", req=EL, dept="cid")  # not the manager's departments
    assert [w.value for w in at.warning] == [
        "The link's department CID matches nobody in scope for OIC e-learning (all four "
        "modules), so that filter is left out."]
    assert set(at.dataframe[-1].value["department_label"]) == {"Response", "Neighbourhood"}


def test_inspectors_get_pseudonyms_first_and_no_ids(db: Engine) -> None:
    at = _outstanding(db, "demo-inspector", req=EL, rank="inspector", dept="cid")
    people = at.dataframe[-1].value
    assert list(people.columns) == ["pseudonym", "rank_label", "department_label", "unit",
                                    "modules_missing", "days_overdue"]
    assert len(people) == 2 and people["pseudonym"].str.match(r"^P-[A-Z2-7]{8}$").all()


def test_a_link_with_codes_nobody_knows_repeats_none_of_them(db: Engine) -> None:
    at = _outstanding(db, "demo-lead", req=EL, dept="[see](https://example.org)",
                      rank="inspector")
    assert [w.value for w in at.warning] == [
        "The link's unknown department code matches nobody in scope for OIC e-learning (all "
        "four modules), so that filter is left out."]
    assert sorted(at.dataframe[-1].value["full_name"]) == ["Cat Cole", "Dan Dale", "Vic Vale"]


def test_url_filters_on_postgresql(pg_db: Engine) -> None:
    at = _outstanding(pg_db, "demo-lead", req=EL, rank="inspector", dept="cid")
    assert sorted(at.dataframe[-1].value["full_name"]) == ["Cat Cole", "Dan Dale"]
    assert list(at.dataframe[-1].value.columns[:7]) == FIRST_COLUMNS


def test_a_link_from_the_coverage_page_wins_over_its_filters(db: Engine) -> None:
    """Coverage and Outstanding keep their filters under the same keys: arriving from the
    Coverage page (its drill-down switches page with the codes in the URL), the URL's
    rank, department, requirement and date are the ones shown, not the ones left behind."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["tracker_user"] = as_user(db, "demo-lead")
    at.session_state["tracker_session_clock"] = auth.SessionClock()
    at.run()
    at.switch_page("views/coverage.py").run()
    at.multiselect(key="f_dept").set_value(["response"]).run()
    assert at.query_params["dept"] in ("response", ["response"])
    at.switch_page("views/outstanding.py")
    at.query_params.clear()
    at.query_params.update({"req": EL, "asof": "2026-03-01", "rank": "inspector",
                            "dept": "cid"})
    at.run()
    assert not at.exception
    assert sorted(at.dataframe[-1].value["full_name"]) == ["Cat Cole", "Dan Dale"]
    assert at.title[0].value.endswith("Inspectors in CID, as of 1 Mar 2026")
    at.multiselect(key="f_dept").set_value([]).run()  # a change on the page still applies
    assert sorted(at.dataframe[-1].value["full_name"]) == ["Cat Cole", "Dan Dale", "Vic Vale"]
    assert "dept" not in at.query_params


def test_workforce_type_comes_from_the_url_too(db: Engine) -> None:
    """The Coverage drill-down keeps its workforce filter (``wf``): police staff in scope
    for the e-learning are the Control Room's; Quin Quay has not started it."""
    at = _outstanding(db, "demo-lead", req=EL, wf="police_staff", asof="2026-03-01")
    assert at.dataframe[-1].value["full_name"].tolist() == ["Quin Quay"]
    assert at.title[0].value == (
        "OIC e-learning (all four modules): who is outstanding — Police staff, as of 1 Mar 2026")
    assert at.multiselect(key="f_wf").value == ["police_staff"]


def _long_table(shown: int) -> None:
    import pandas as pd

    from dashboards import ui
    from tracker.auth import CurrentUser

    frame = pd.DataFrame({"full_name": [f"Person {i}" for i in range(5)]})
    ui.table(frame, "people", CurrentUser("lead", "training_lead", None, None), shown=shown,
             noun="people")


def test_a_long_table_shows_its_first_rows_and_says_the_download_has_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'x.db'}")
    at = AppTest.from_function(_long_table, args=(2,)).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 2
    assert [c.value for c in at.caption] == [
        "Showing the first 2 of 5 people, in the list's order (sorting a column sorts these "
        "only). The download holds all 5; the filters above narrow the list."]
    whole = AppTest.from_function(_long_table, args=(5,)).run()
    assert len(whole.dataframe[0].value) == 5 and not whole.caption
