"""AppTest smoke and behaviour tests of the dashboard: every page for every role, the numbers
shown equal the coverage engine's, forbidden pages are neither in the navigation nor open
when reached anyway, log-in, lock-out, expiry, OIDC, pseudonyms, and the audited actions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import APP, TIMEOUT, TODAY, app_for, page_alone
from tracker import auth
from tracker.coverage import engine as coverage
from tracker.coverage.rules import load_rules
from tracker.messages import hints
from tracker.messages.problems import Code
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent, Exemption, ImportBatch, User

ROLE_USERS = {"admin": "demo-admin", "training_lead": "demo-lead", "manager": "demo-manager",
              "inspector": "demo-inspector"}


def _actions(engine: Engine) -> list[tuple[str, str, str | None]]:
    with unit_of_work(engine) as session:
        return [(e.actor, e.action, e.target) for e in session.scalars(select(AuditEvent))]


def _national_inspector(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        auth.add_user(session, "msoic", "inspector", "national password", "test")


def _metrics(at: AppTest) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for metric in at.metric:
        out.setdefault(metric.label, []).append(metric.value)
    return out


def _pct(value: object) -> str:
    return "–" if value is None else f"{float(value):.1f}%"  # type: ignore[arg-type]


# ---------------------------------------------------------------- every page, every role


@pytest.mark.parametrize("role", auth.ROLES)
def test_every_allowed_page_runs_for_every_role(db: Engine, role: str) -> None:
    at = app_for(db, ROLE_USERS[role])
    assert not at.exception
    for page in auth.pages_for(role):
        if page == "national":
            continue  # needs a user without a force: see the national test
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (role, page, at.exception)
        assert not at.error, (role, page, [e.value for e in at.error])


def test_national_page_for_a_user_of_all_forces(db: Engine) -> None:
    _national_inspector(db)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["tracker_user"] = auth.authenticate(db, "msoic", "national password").user
    at.session_state["tracker_session_clock"] = auth.SessionClock()
    at.run()
    at.switch_page("views/national.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    expected = coverage.compute(db, load_rules(), TODAY, requirement="oic-hydra").summary(
        by=("force",))
    assert table["force"].tolist() == expected["force"].tolist()
    assert table["coverage_pct"].tolist() == expected["coverage_pct"].tolist()


def test_national_page_is_hidden_from_users_of_one_force(db: Engine) -> None:
    at = app_for(db, "demo-inspector")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/national.py")


# ---------------------------------------------------------------- forbidden pages


@pytest.mark.parametrize("role", auth.ROLES)
def test_forbidden_pages_are_not_in_the_navigation(db: Engine, role: str) -> None:
    at = app_for(db, ROLE_USERS[role])
    for page in set(auth.PAGES) - set(auth.pages_for(role)):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"views/{page}.py")


@pytest.mark.parametrize(("role", "page", "title"), [
    ("inspector", "upload", "Upload"), ("inspector", "data_quality", "Data quality"),
    ("manager", "imports", "Imports"), ("manager", "admin", "Admin"),
    ("training_lead", "admin", "Admin"), ("admin", "outstanding", "Outstanding"),
    ("admin", "upload", "Upload"), ("inspector", "person", "Person"),
])
def test_forbidden_pages_refuse_when_reached_anyway(db: Engine, role: str, page: str,
                                                   title: str) -> None:
    at = page_alone(db, ROLE_USERS[role], page)
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"The {title} page is not open to your role ({auth.ROLE_LABELS[role]}). Ask an "
        "administrator if you need it."]
    assert not at.file_uploader and not at.dataframe and not at.button
    assert (ROLE_USERS[role], "page-refused", page) in _actions(db)


def test_a_page_reached_without_logging_in_asks_to_log_in(db: Engine) -> None:
    at = AppTest.from_file(str(APP.parent / "views" / "coverage.py"), default_timeout=TIMEOUT)
    at.run()
    assert [w.value for w in at.warning] == ["Log in first: open the tracker's home page."]
    assert not at.metric


def test_inspector_actions_are_refused_even_if_called() -> None:
    from dashboards import actions

    inspector = auth.CurrentUser("i", "inspector")
    with pytest.raises(actions.Refused, match="may not undo an import batch"):
        actions.undo(1, inspector)
    with pytest.raises(actions.Refused, match="may not upload LMS, HR and Hydra files"):
        actions.plan_upload("x.csv", b"", inspector, "avon-and-somerset", kind=None,
                            as_of=None, full_roster=True)


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(("username", "departments"), [
    ("demo-lead", None), ("demo-manager", ["response", "neighbourhood"])])
def test_overview_numbers_equal_the_engine(db: Engine, username: str,
                                           departments: list[str] | None) -> None:
    at = app_for(db, username)
    summary = coverage.compute(db, load_rules(), TODAY, force="avon-and-somerset",
                               departments=departments).summary()
    shown = _metrics(at)
    assert shown["Coverage"] == [_pct(v) for v in summary["coverage_pct"]]
    assert shown["Completed"] == [f"{c:,} of {c + o:,}" for c, o in
                                  zip(summary["completed"], summary["outstanding"], strict=True)]
    assert shown["Days to deadline"] == ["59", "59"]
    assert at.title[0].value == "OIC training coverage, as of 2 Mar 2026"


def test_overview_after_the_deadline_shows_coverage_on_the_deadline(
        db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    later = dt.date(2026, 11, 30)
    monkeypatch.setenv("TRACKER_TODAY", later.isoformat())
    at = app_for(db, "demo-lead")
    assert not at.exception
    rules = load_rules()
    now = coverage.compute(db, rules, later, force="avon-and-somerset").summary()
    then = coverage.compute(db, rules, dt.date(2026, 4, 30),
                            force="avon-and-somerset").summary()
    shown = _metrics(at)
    assert shown["Coverage"] == [_pct(v) for v in now["coverage_pct"]]
    assert shown["Days past deadline"] == ["214", "214"]
    deltas = [m.proto.delta for m in at.metric if m.label == "Coverage"]
    assert deltas == [f"{a - b:+.1f} points since 30 Apr 2026"
                      for a, b in zip(now["coverage_pct"], then["coverage_pct"], strict=True)]
    captions = [c.value for c in at.caption if c.value.startswith("On the deadline")]
    assert captions == [
        f"On the deadline, 30 Apr 2026: {_pct(row['coverage_pct'])} ({row['completed']:,} of "
        f"{row['completed'] + row['outstanding']:,} completed, {row['outstanding']:,} "
        "outstanding)." for row in then.to_dict("records")]


def test_overview_before_the_deadline_has_no_deadline_figures(db: Engine) -> None:
    at = app_for(db, "demo-lead")
    assert not [c for c in at.caption if c.value.startswith("On the deadline")]
    assert not any(m.proto.delta for m in at.metric)


@pytest.mark.parametrize(("today", "words"), [
    ("2026-03-02", "59 days to go"), ("2026-04-30", "today"), ("2026-05-01", "1 day past"),
    ("2026-11-30", "214 days past")])
def test_outstanding_says_how_far_the_deadline_is(db: Engine, monkeypatch: pytest.MonkeyPatch,
                                                  today: str, words: str) -> None:
    monkeypatch.setenv("TRACKER_TODAY", today)
    at = app_for(db, "demo-lead", page="outstanding")
    assert not at.exception
    assert f"deadline 30 Apr 2026 ({words})." in at.caption[0].value


def test_coverage_filters_come_from_the_url_and_match_the_engine(db: Engine) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["tracker_user"] = auth.authenticate(
        db, "demo-lead", auth.DEMO_USERS["demo-lead"][1]).user
    at.session_state["tracker_session_clock"] = auth.SessionClock()
    at.run()
    at.switch_page("views/coverage.py")
    at.query_params.update({"req": "oic-elearning", "dept": ["response", "cid"],
                            "asof": "2026-01-15"})
    at.run()
    assert not at.exception
    result = coverage.compute(db, load_rules(), dt.date(2026, 1, 15), force="avon-and-somerset",
                              departments=["response", "cid"], requirement="oic-elearning")
    row = result.summary().iloc[0]
    shown = _metrics(at)
    assert shown["Coverage"] == [_pct(row["coverage_pct"])]
    assert shown["Outstanding"] == [f"{row['outstanding']:,}"]
    assert shown["In scope"] == [f"{row['in_scope']:,}"]
    assert at.title[0].value == "OIC e-learning (all four modules) coverage, as of 15 Jan 2026"
    assert at.multiselect(key="f_dept").value == ["response", "cid"]


def test_a_new_import_shows_at_once(db: Engine) -> None:
    at = app_for(db, "demo-lead")
    before = _metrics(at)["Completed"][0]
    with unit_of_work(db) as session:  # Dan Dale's exemption ends; he becomes outstanding
        exemption = session.scalars(select(Exemption)).one()
        from tracker.coverage.exemptions import end_exemption
        end_exemption(session, exemption.id, dt.date(2026, 1, 1), "test")
    at.run()
    after = _metrics(at)["Completed"][0]
    assert before == "3 of 5" and after == "3 of 6"


# ---------------------------------------------------------------- people lists


def test_inspectors_see_pseudonyms_not_names(db: Engine) -> None:
    at = app_for(db, "demo-inspector", page="outstanding")
    people = at.dataframe[-1].value
    assert "pseudonym" in people.columns
    assert not {"full_name", "staff_number", "email", "line_manager_name"} & set(people.columns)
    assert people["pseudonym"].str.match(r"^P-[A-Z2-7]{8}$").all()
    lead = app_for(db, "demo-lead", page="outstanding").dataframe[-1].value
    assert "full_name" in lead.columns and len(lead) == len(people)


def test_outstanding_list_is_the_engines(db: Engine) -> None:
    at = app_for(db, "demo-manager", page="outstanding")
    result = coverage.compute(db, load_rules(), TODAY, force="avon-and-somerset",
                              departments=["response", "neighbourhood"])
    expected = result.outstanding("oic-hydra")
    shown = at.dataframe[-1].value
    assert sorted(shown["full_name"]) == sorted(expected["full_name"])
    assert set(shown["modules_missing"]) == {"Hydra exercise"}  # short names, not codes


def test_person_page_explains_a_status(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="person")
    at.text_input(key="person_query").input("Dan Dale").run()
    assert not at.exception
    rows = at.dataframe[0].value
    assert dict(zip(rows["requirement"], rows["status"], strict=True)) == {
        "OIC Hydra exercise": "Exempt", "OIC e-learning (all four modules)": "Outstanding"}


# ---------------------------------------------------------------- log-in, lock-out, expiry


def _login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    return at.button(key="login_submit").click().run()


def test_login_form_lets_a_user_in_and_audits_it(db: Engine) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert at.title[0].value == "OIC training compliance tracker"
    _login(at, "demo-lead", auth.DEMO_USERS["demo-lead"][1])
    assert not at.exception and not at.error
    assert _metrics(at)["Coverage"]
    assert ("demo-lead", "login", None) in _actions(db)
    at.button(key="logout").click().run()
    assert at.text_input(key="login_username")
    assert ("demo-lead", "logout", None) in _actions(db)


LOCKED = f"{auth.LOGIN_FAILED} An administrator can unlock it sooner on the Admin page."


def test_login_is_refused_then_locked(db: Engine) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    _login(at, "demo-lead", "wrong")
    assert [e.value for e in at.error] == [LOCKED]
    for _ in range(4):
        _login(at, "demo-lead", "wrong")
    _login(at, "demo-lead", auth.DEMO_USERS["demo-lead"][1])
    assert [e.value for e in at.error] == [LOCKED]
    assert not at.metric
    assert [a for _u, a, _t in _actions(db) if a.startswith("login")][-2:] == [
        "login-locked", "login-refused"]


def test_an_expired_session_asks_to_log_in_again(db: Engine) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["tracker_user"] = auth.authenticate(
        db, "demo-lead", auth.DEMO_USERS["demo-lead"][1]).user
    at.session_state["tracker_session_clock"] = auth.SessionClock(
        started_at=auth.utcnow() - dt.timedelta(minutes=481))
    at.run()
    assert [i.value for i in at.info] == [
        "Your session ended after 480 minutes; log in again to carry on."]
    assert not at.metric
    assert ("demo-lead", "logout", None) in _actions(db)


def _logouts(engine: Engine) -> list[tuple[str, str | None]]:
    with unit_of_work(engine) as session:
        return [(e.actor, (e.detail or {}).get("reason")) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "logout").order_by(AuditEvent.id))]


def test_a_demoted_user_loses_pages_and_names_at_their_next_run(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="outstanding")
    assert "full_name" in at.dataframe[-1].value.columns
    with unit_of_work(db) as session:
        auth.set_role(session, "demo-lead", "inspector", "demo-admin")
    at.run()
    assert not at.exception
    assert [t.value for t in at.toast] == [
        "Your role is now Inspector (read-only); the pages you can open have changed with it."]
    people = at.dataframe[-1].value
    assert "full_name" not in people.columns and "pseudonym" in people.columns
    assert at.session_state["tracker_user"].role == "inspector"
    for page in ("person", "upload", "data_quality", "exemptions"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"views/{page}.py")


def test_a_deactivated_user_is_logged_out_with_a_message(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="outstanding")
    with unit_of_work(db) as session:
        auth.set_active(session, "demo-lead", False, "demo-admin")
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Your account has been deactivated, so you have been logged out. Ask an "
        "administrator if you still need the tracker."]
    assert not at.dataframe and not at.metric and at.text_input(key="login_username")
    assert "tracker_user" not in at.session_state
    assert _logouts(db) == [("demo-lead", "deactivated")]


def test_an_idle_session_ends_and_activity_keeps_it_open(db: Engine,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", "10")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["tracker_user"] = auth.authenticate(
        db, "demo-lead", auth.DEMO_USERS["demo-lead"][1]).user
    at.session_state["tracker_session_clock"] = auth.SessionClock(
        last_seen=auth.utcnow() - dt.timedelta(minutes=9, seconds=50))
    at.run()
    assert _metrics(at)["Coverage"] and not at.info
    seen = at.session_state["tracker_session_clock"].last_seen
    assert auth.utcnow() - seen < dt.timedelta(seconds=30)  # the run counted as activity
    at.session_state["tracker_session_clock"] = auth.SessionClock(
        last_seen=auth.utcnow() - dt.timedelta(minutes=10))
    at.run()
    assert [i.value for i in at.info] == [
        "You were logged out after 10 minutes without activity; log in again to carry on."]
    assert not at.metric and at.text_input(key="login_username")
    assert _logouts(db) == [("demo-lead", "idle")]


def test_a_deactivated_oidc_user_is_logged_out(db: Engine,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_AUTH", "oidc")
    with unit_of_work(db) as session:
        session.scalars(select(User).where(User.username == "demo-lead")).one().email = \
            "lead@example.org"
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.user = {"is_logged_in": True, "email": "lead@example.org"}
    at.run()
    assert _metrics(at)["Coverage"]
    with unit_of_work(db) as session:
        auth.set_active(session, "demo-lead", False, "demo-admin")
    at.run()
    assert not at.exception and not at.metric
    assert [i.value for i in at.info] == [
        "Your account has been deactivated, so you have been logged out. Ask an "
        "administrator if you still need the tracker."]
    assert _logouts(db) == [("demo-lead", "deactivated")]


def test_oidc_identity_gets_its_role_from_the_users_table(db: Engine,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_AUTH", "oidc")
    with unit_of_work(db) as session:
        session.scalars(select(User).where(User.username == "demo-inspector")).one().email = \
            "insp@example.org"
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.user = {"is_logged_in": False}
    at.run()
    assert at.button(key="oidc_login") and not at.metric
    at.user = {"is_logged_in": True, "email": "Insp@Example.org"}
    at.run()
    assert not at.exception and _metrics(at)["Coverage"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/upload.py")
    other = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    other.user = {"is_logged_in": True, "email": "stranger@example.org"}
    other.run()
    assert other.error[0].value.startswith("You are signed in as stranger@example.org, but "
                                           "the tracker has no user with that email.")


# ---------------------------------------------------------------- audited actions


def test_csv_downloads_are_audited_and_inert(db: Engine) -> None:
    import pandas as pd

    from dashboards import ui

    user = auth.CurrentUser("demo-lead", "training_lead")
    build = ui.csv_export(pd.DataFrame({"full_name": ["=HYPERLINK(1)", "Ann"]}), "people",
                          user, db)
    # the heading a person reads (tracker.reference.labels), as the table shows it
    assert build().decode("utf-8-sig").splitlines() == ["Name", "'=HYPERLINK(1)", "Ann"]
    assert ("demo-lead", "export", "people.csv") in _actions(db)


def test_training_lead_records_an_exemption(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="exemptions")
    at.text_input(key="ex_staff").input("1008")
    at.selectbox(key="ex_req").set_value("oic-elearning")
    at.selectbox(key="ex_reason").set_value("Secondment")
    at.button(key="ex_submit").click().run()
    assert not at.exception
    assert [i.value for i in at.info] == ["Exemption recorded."]
    with unit_of_work(db) as session:
        reasons = [(e.requirement, e.reason) for e in session.scalars(select(Exemption))]
    assert ("oic-elearning", "Secondment") in reasons
    assert any(a == "exemption-record" for _u, a, _t in _actions(db))


def test_manager_sees_exemptions_but_cannot_record_them(db: Engine) -> None:
    at = app_for(db, "demo-manager", page="exemptions")
    assert not at.exception
    assert not at.text_input  # no form


def test_training_lead_undoes_a_batch(db: Engine) -> None:
    at = app_for(db, "demo-lead")
    assert _metrics(at)["Completed"][0] == "3 of 5"
    at.switch_page("views/imports.py").run()
    with unit_of_work(db) as session:
        batch_id = session.scalars(select(ImportBatch.id).where(
            ImportBatch.file_name == "lms-1.csv")).one()
    at.selectbox(key="imports_batch").set_value(batch_id).run()
    at.checkbox(key="undo_sure").check().run()
    at.button(key="undo_button").click().run()
    assert not at.exception
    assert at.success[0].value == f"Batch #{batch_id} (lms-1.csv) is undone."
    with unit_of_work(db) as session:
        assert session.get(ImportBatch, batch_id).status == "undone"  # type: ignore[union-attr]
    assert ("demo-lead", "import-undo", f"batch:{batch_id}") in _actions(db)
    at.switch_page("views/overview.py").run()
    assert _metrics(at)["Completed"][0] == "0 of 5"  # coverage falls at once


def _named_problems(engine: Engine) -> int:
    """Three problems in batch lms-1.csv whose values and messages carry learners' names."""
    from tracker.store.models import ImportProblem

    with unit_of_work(engine) as session:
        batch_id = session.scalars(select(ImportBatch.id).where(
            ImportBatch.file_name == "lms-1.csv")).one()
        session.add_all([
            ImportProblem(batch_id=batch_id, row=row, column=column, code=code,
                          severity=severity, value=value, message=f"{value} {text}")
            for row, column, code, severity, value, text in (
                (5, "Full Name", "unmatched-learner", "warning", "Quentin Strange",
                 "matched nobody on the avon-and-somerset roster"),
                (9, "Full Name", "unmatched-learner", "warning", "Zoe Zane",
                 "matched nobody on the avon-and-somerset roster"),
                (7, "Completion Date", "bad-date", "error", "Bob Baker 31/02",
                 "is not a date"))])
    return batch_id


def _shown_text(at: AppTest) -> str:
    frames = " ".join(d.value.to_csv() for d in at.dataframe)
    return frames + " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.success])


@pytest.mark.parametrize("username", ["demo-inspector", "demo-admin"])
def test_users_who_see_no_names_get_import_problems_as_counts(db: Engine,
                                                              username: str) -> None:
    batch_id = _named_problems(db)
    at = app_for(db, username, page="imports")
    at.selectbox(key="imports_batch").set_value(batch_id).run()
    shown = at.dataframe[-1].value
    assert shown.to_dict("records") == [
        {"problem": "Learner matches nobody on the roster", "severity": "Kept: check it",
         "column": "Full Name", "rows": 2,
         "first_row": 5, "last_row": 9, "what_to_do": hints.HINTS[Code.UNMATCHED_LEARNER]
         .dashboard},
        {"problem": "Date cannot be read", "severity": "Row left out",
         "column": "Completion Date", "rows": 1,
         "first_row": 7, "last_row": 7, "what_to_do": "Correct it in the source system or "
         "the file, then upload it again on the Upload page."}]
    assert at.main.caption[-1].value == ("Counted by code and column: a problem's value "
                                         "and message can carry a learner's name, which "
                                         "your role is not shown.")
    text = _shown_text(at)
    assert [n for n in ("Quentin", "Strange", "Zoe", "Zane", "Bob", "Baker") if n in text] == []
    assert at.get("download_button")[-1].proto.label == \
        f"Download batch-{batch_id}-problem-counts.csv"


def test_import_problem_counts_on_postgresql(pg_db: Engine) -> None:
    batch_id = _named_problems(pg_db)
    at = app_for(pg_db, "demo-inspector", page="imports")
    at.selectbox(key="imports_batch").set_value(batch_id).run()
    assert at.dataframe[-1].value[["problem", "rows", "first_row", "last_row"]].values \
        .tolist() == [["Learner matches nobody on the roster", 2, 5, 9],
                      ["Date cannot be read", 1, 7, 7]]


def test_training_leads_and_unpseudonymised_inspectors_see_each_problem(
        db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    batch_id = _named_problems(db)
    for username, setting in (("demo-lead", "1"), ("demo-inspector", "0")):
        monkeypatch.setenv("TRACKER_PSEUDONYMISE_INSPECTORS", setting)
        at = app_for(db, username, page="imports")
        at.selectbox(key="imports_batch").set_value(batch_id).run()
        shown = at.dataframe[-1].value
        assert list(shown.columns) == ["row", "column", "problem", "severity", "value",
                                       "message", "what_to_do"]
        assert list(shown["value"]) == ["Quentin Strange", "Bob Baker 31/02", "Zoe Zane"]


def test_inspector_sees_imports_without_undo(db: Engine) -> None:
    at = app_for(db, "demo-inspector", page="imports")
    assert not at.exception
    assert at.dataframe and not at.checkbox


def test_admin_adds_a_user(db: Engine) -> None:
    at = app_for(db, "demo-admin", page="admin")
    at.text_input(key="add_username").input("new.lead")
    at.selectbox(key="add_role").set_value("training_lead")
    at.selectbox(key="add_force").set_value("avon-and-somerset")
    at.text_input(key="add_password").input("a long enough password")
    at.button(key="add_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Added new.lead."]
    assert auth.authenticate(db, "new.lead", "a long enough password").ok


def test_admin_deactivates_and_reactivates_a_user(db: Engine) -> None:
    at = app_for(db, "demo-admin", page="admin")
    at.selectbox(key="change_user").set_value("demo-lead").run()  # enables Deactivate
    at.button(key="deactivate").click().run()
    assert [s.value for s in at.success] == [
        "demo-lead deactivated: their open sessions end at their next page."]
    assert not auth.authenticate(db, "demo-lead", auth.DEMO_USERS["demo-lead"][1]).ok
    at.selectbox(key="change_user").set_value("demo-lead").run()
    at.button(key="reactivate").click().run()
    assert [s.value for s in at.success] == ["demo-lead can log in again."]
    assert auth.authenticate(db, "demo-lead", auth.DEMO_USERS["demo-lead"][1]).ok


def test_the_page_registry_is_the_one_list_of_pages() -> None:
    """Every page of the registry has its file in dashboards/views/ and every file there is
    in the registry, with a title, a known permission and an icon; nothing else lists
    them."""
    from tests.dashboards.conftest import VIEWS

    assert {p.stem for p in VIEWS.glob("*.py")} - {"__init__"} == set(auth.PAGES)
    assert all(page.title and page.permission in auth.ACTIONS
               and page.icon.startswith(":material/") and page.icon.endswith(":")
               for page in auth.PAGES.values())
    app = (VIEWS.parent / "app.py").read_text(encoding="utf-8")
    assert ":material/" not in app.split('"""', 2)[2]


def test_every_page_checks_the_role_before_doing_anything() -> None:
    """The first statement of each page that calls anything is ``ui.page_user(page)``, or
    ``ui.open_page(page)``, whose first step it is."""
    import ast

    from tests.dashboards.conftest import VIEWS

    for page in auth.PAGES:
        tree = ast.parse((VIEWS / f"{page}.py").read_text(encoding="utf-8"))
        calls = [node for node in tree.body
                 if any(isinstance(n, ast.Call) for n in ast.walk(node))
                 and not isinstance(node, ast.Import | ast.ImportFrom)]
        first = calls[0]
        assert isinstance(first, ast.Assign) and isinstance(first.value, ast.Call), page
        assert ast.unparse(first.value) in (f"ui.page_user('{page}')",
                                            f"ui.open_page('{page}')"), page


def test_every_page_on_postgresql(pg_db: Engine) -> None:
    at = app_for(pg_db, "demo-lead")
    summary = coverage.compute(pg_db, load_rules(), TODAY, force="avon-and-somerset").summary()
    assert _metrics(at)["Coverage"] == [_pct(v) for v in summary["coverage_pct"]]
    for page in auth.pages_for("training_lead"):
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])


def test_compliance_report_download_is_built_on_click_and_audited(db: Engine) -> None:
    from dashboards import data

    user = auth.CurrentUser("demo-inspector", "inspector", force_code="avon-and-somerset")
    build = data.report_file(user, TODAY, "avon-and-somerset", None, True, "xlsx")
    assert not any(a == "export" for _u, a, _t in _actions(db))  # nothing until clicked
    assert build()[:2] == b"PK"
    outstanding = data.report_file(user, TODAY, "avon-and-somerset", None, True,
                                   "outstanding")().decode("utf-8-sig")
    assert outstanding.splitlines()[0].split(",")[-2:] == ["Pseudonym", "Modules missing"]
    assert "Hal Hill" not in outstanding
    assert [(u, t) for u, a, t in _actions(db) if a == "export"] == [
        ("demo-inspector", "report:xlsx"), ("demo-inspector", "report:outstanding")]


def test_unknown_rank_is_mapped_in_place(db: Engine) -> None:
    from tracker.store.models import PersonState, ValueMapping

    with unit_of_work(db) as session:
        state = session.scalars(select(PersonState).order_by(PersonState.id)).first()
        assert state is not None
        state.rank, state.rank_raw = None, "Insp (T/Sgt)"
    at = app_for(db, "demo-lead", page="data_quality")
    at.selectbox(key="dq_raw_rank").set_value("Insp (T/Sgt)")
    at.selectbox(key="dq_code_rank").set_value("inspector").run()
    at.button(key="dq_map_rank").click().run()
    assert not at.exception
    assert at.info[0].value.startswith("Saved: rank 'Insp (T/Sgt)' means 'Inspector'.")
    with unit_of_work(db) as session:
        mapping = session.scalars(select(ValueMapping)).one()
        assert (mapping.kind, mapping.canonical, mapping.created_by) == (
            "rank", "inspector", "demo-lead")
    assert ("demo-lead", "map-value", "rank:Insp (T/Sgt)") in _actions(db)
