"""The NCCU referrals page (recommendation 2), for every role, on referrals worked by hand.

The seeded force (Avon and Somerset) as of 2 March 2026, window 7 days:

| referral | day   | officer              | document                      | status            |
|----------|-------|----------------------|-------------------------------|-------------------|
| INC-0001 | 05/01 | 1005 Eve East        | IR-1 07/01 names it           | submitted (ref.)  |
| INC-0002 | 20/01 | 1006 Fay Fox         | IR-2 23/01, names nothing     | submitted (officer)|
| INC-0003 | 02/02 | 1003 Cat Cole        | IR-3 16/02 names NCCU-3       | late (14 days)    |
| INC-0004 | 10/02 | 1006 Fay Fox         | none                          | missing (due 17/02)|
| INC-0005 | 12/02 | 1019 Sam Sims        | none                          | missing (due 19/02)|
| INC-0006 | 27/02 | 1005 Eve East        | none yet                      | pending (to 06/03)|
| INC-0007 | 20/02 | 7777 (not on roster) | IR-7 21/02 names it           | submitted (ref.)  |
| INC-0008 | 10/03 | 1005                 | after the date: not counted   |                   |

Overall 3 of 6 counted = 50.0%: under 80%, off track (red). By month: Jan 2026 2 of 2 =
100.0%; Feb 2026 1 of 4 = 25.0% (INC-0006 pending). By department: (not on the roster) 1 of
1 = 100.0%; CID (Cat Cole, Sam Sims) 0 of 2 = 0.0%; Response 2 of 3 = 66.7%. By rank:
constable 2 of 4 = 50.0%, inspector 0 of 1. To chase: INC-0004 (Fay Fox, line manager 1013
Mo Moss) and INC-0005 (Sam Sims, line manager 1003 Cat Cole); the manager of Response and
Neighbourhood sees INC-0004 only."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from sqlalchemy import Engine, select, update
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import PEOPLE, TODAY, app_for
from tracker.store.db import force_ids, unit_of_work
from tracker.store.models import (
    AuditEvent,
    ImportBatch,
    IntelSubmission,
    Person,
    PersonState,
    Referral,
)

D = dt.date
FORCE = "avon-and-somerset"
HYPERLINK = '=HYPERLINK("http://x.example")'
REFS = [("INC-0001", "NCCU-1", D(2026, 1, 5), "1005"), ("INC-0002", None, D(2026, 1, 20), "1006"),
        ("INC-0003", "NCCU-3", D(2026, 2, 2), "1003"), ("INC-0004", None, D(2026, 2, 10), "1006"),
        ("INC-0005", HYPERLINK, D(2026, 2, 12), "1019"),
        ("INC-0006", None, D(2026, 2, 27), "1005"), ("INC-0007", None, D(2026, 2, 20), "7777"),
        ("INC-0008", None, D(2026, 3, 10), "1005")]
SUBS = [("IR-1", D(2026, 1, 7), "1005", "INC-0001"), ("IR-2", D(2026, 1, 23), "1006", None),
        ("IR-3", D(2026, 2, 16), "1003", "NCCU-3"), ("IR-7", D(2026, 2, 21), "7777", "INC-0007")]
MANAGERS = {"1005": "1013", "1006": "1013", "1019": "1003"}  # staff -> line manager
FIGURES = ["referrals", "submitted", "late", "missing", "pending", "value_pct"]


def add_logs(engine: Engine) -> Engine:
    """The referral and submission logs above, and the officers' line managers, added to
    the seeded force (``tests.dashboards.conftest.seed``)."""
    with unit_of_work(engine) as s:
        force = force_ids(s)[FORCE]
        for staff, manager in MANAGERS.items():
            person = s.scalars(select(Person.id).where(Person.staff_number == staff,
                                                       Person.force_id == force)).one()
            s.execute(update(PersonState).where(PersonState.person_id == person)
                      .values(line_manager=manager))
        batches = [ImportBatch(file_name=name, sha256=f"{i:064d}", kind=kind, force_id=force,
                               imported_by="seed")
                   for i, (name, kind) in enumerate([("referrals.csv", "nccu-referrals"),
                                                     ("intel.csv", "intelligence-submissions")],
                                                    start=500)]
        s.add_all(batches)
        s.flush()
        s.add_all(Referral(force_id=force, reference=ref, nccu_reference=nccu, referred_on=on,
                           officer=who, batch_id=batches[0].id, row=i + 2)
                  for i, (ref, nccu, on, who) in enumerate(REFS))
        s.add_all(IntelSubmission(force_id=force, reference=ref, submitted_on=on, officer=who,
                                  linked_reference=link, batch_id=batches[1].id, row=i + 2)
                  for i, (ref, on, who, link) in enumerate(SUBS))
    return engine


@pytest.fixture
def logs(db: Engine) -> Engine:
    return add_logs(db)


@pytest.fixture(autouse=True)
def _window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_REFERRAL_WINDOW_DAYS", raising=False)
    monkeypatch.delenv("TRACKER_PSEUDONYMISE_INSPECTORS", raising=False)


def _page(engine: Engine, username: str) -> AppTest:
    at = app_for(engine, username, page="referrals")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at: AppTest) -> str:
    """Every word the page shows: text elements, table cells and the select box's options."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "success",
             "warning", "metric")
    parts = [str(getattr(e, "value", "")) for kind in kinds for e in getattr(at, kind)]
    parts += [f.value.to_csv() for f in at.dataframe]
    parts += [o for box in at.selectbox for o in box.options]
    return "\n".join(parts)


def _table(at: AppTest, i: int, columns: list[str]) -> list[list[object]]:
    return at.dataframe[i].value[columns].values.tolist()


def _chase_csv(at: AppTest, engine: Engine) -> str:
    """The chase list's download, as its button builds it (the table's frame, the one
    writer, the audit record)."""
    from dashboards import ui

    names = [b.label for b in at.get("download_button")]
    name = f"nccu-referrals-to-chase-{TODAY}"
    assert f"Download {name}.csv" in names
    return ui.csv_export(at.dataframe[4].value, name, at.session_state["tracker_user"],
                         engine)().decode("utf-8-sig")


def test_the_lead_sees_the_figures_worked_by_hand(logs: Engine) -> None:
    at = _page(logs, "demo-lead")
    assert at.title[0].value == "NCCU referrals, as of 2 Mar 2026"
    assert _metrics(at) == {"Within 7 days": "50.0%", "Submitted in time": "3 of 6",
                            "Pending (left out)": "1", "Status": "Off track"}
    assert any(m.value.startswith("**Off track.** 3 of 6 referrals had their document "
                                  "within 7 days (1 late, 2 missing; 1 pending).")
               for m in at.markdown)
    assert any(c.value.startswith("Rule: Referrals to the NCCU whose intelligence document "
                                  "was submitted within 7 days") for c in at.caption)
    assert _table(at, 0, ["month", *FIGURES]) == [
        ["Jan 2026", 2, 2, 0, 0, 0, 100.0], ["Feb 2026", 5, 1, 1, 2, 1, 25.0]]
    assert _table(at, 1, ["department_label", *FIGURES]) == [
        ["(not on the roster)", 1, 1, 0, 0, 0, 100.0], ["CID", 2, 0, 1, 1, 0, 0.0],
        ["Response", 4, 2, 0, 1, 1, 66.7]]
    assert _table(at, 2, ["rank_label", "value_pct"]) == [
        ["(not on the roster)", 100.0], ["Constable", 50.0], ["Inspector", 0.0]]
    assert "Lowest: Feb 2026, 25.0% (1 of 4)." in _texts(at)


def test_the_chase_list_by_line_manager_and_its_download(logs: Engine) -> None:
    at = _page(logs, "demo-lead")
    assert _table(at, 3, ["line_manager_name", "line_manager", "missing", "oldest"]) == [
        ["Mo Moss", "1013", 1, D(2026, 2, 10)], ["Cat Cole", "1003", 1, D(2026, 2, 12)]]
    assert _table(at, 4, ["reference", "referred_on", "due_on", "officer", "full_name",
                          "line_manager_name"]) == [
        ["INC-0004", D(2026, 2, 10), D(2026, 2, 17), "1006", "Fay Fox", "Mo Moss"],
        ["INC-0005", D(2026, 2, 12), D(2026, 2, 19), "1019", "Sam Sims", "Cat Cole"]]
    text = _chase_csv(at, logs)
    rows = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
    assert list(rows.columns[:3]) == ["Reference", "NCCU reference", "Referred on"]
    assert rows["NCCU reference"].tolist() == ["", "'" + HYPERLINK]  # inert, not a formula
    assert rows["Name"].tolist() == ["Fay Fox", "Sam Sims"]
    with unit_of_work(logs) as s:
        events = [(e.actor, e.action, e.target, (e.detail or {}).get("rows")) for e in
                  s.scalars(select(AuditEvent).where(AuditEvent.action == "export"))]
    assert events == [("demo-lead", "export", f"nccu-referrals-to-chase-{TODAY}.csv", 2)]


def test_why_one_referral_by_each_kind_of_match(logs: Engine) -> None:
    at = _page(logs, "demo-lead")
    box = at.selectbox(key="f_ref")
    assert box.options[:3] == ["INC-0006 · 27 Feb 2026 · pending",
                               "INC-0007 · 20 Feb 2026 · submitted in time",
                               "INC-0005 · 12 Feb 2026 · missing"]
    why = {}
    for ref in ("INC-0001", "INC-0002", "INC-0003", "INC-0004"):
        at.selectbox(key="f_ref").set_value(ref).run()
        assert not at.exception
        why[ref] = next(m.value for m in at.markdown if m.value.startswith("Referral "))
    assert why["INC-0001"] == (
        "Referral INC-0001 (NCCU NCCU-1), reported on 5 Jan 2026 by officer 1005 (Eve East): "
        "submitted: intelligence document IR-1 submitted on 7 Jan 2026, 2 days after, names "
        "it (matched by reference).")
    assert why["INC-0002"] == (
        "Referral INC-0002, reported on 20 Jan 2026 by officer 1006 (Fay Fox): submitted: "
        "document IR-2 by the same officer on 23 Jan 2026, within 7 days; a weaker match, "
        "as the document does not name the referral. Add the reference to confirm it.")
    assert why["INC-0003"].endswith(
        "late: intelligence document IR-3 submitted on 16 Feb 2026, 14 days after, names it, "
        "after the 7-day window that closed on 9 Feb 2026.")
    assert why["INC-0004"].endswith(
        "missing: no document names it, and none by the same officer within 7 days (due by "
        "17 Feb 2026). Ask the officer to submit it.")
    assert at.query_params["ref"] == "INC-0004"  # a link opens this referral


def test_the_inspector_sees_pseudonyms_not_names_or_numbers(logs: Engine) -> None:
    at = _page(logs, "demo-inspector")
    assert _metrics(at)["Within 7 days"] == "50.0%"
    assert _table(at, 3, ["department_label", "missing"]) == [["Response", 1], ["CID", 1]]
    chase = at.dataframe[4].value
    assert chase["pseudonym"].str.fullmatch(r"P-[A-Z2-7]{8}").all()
    assert not {"full_name", "officer", "line_manager", "line_manager_name"} & set(chase)
    at.selectbox(key="f_ref").set_value("INC-0004").run()
    why = next(m.value for m in at.markdown if m.value.startswith("Referral "))
    assert why.startswith("Referral INC-0004, reported on 10 Feb 2026 by officer P-")
    assert why.split(" by officer ")[1][:10] in set(chase["pseudonym"])
    text = _texts(at) + _chase_csv(at, logs)
    seen = [name for _s, name, *_ in PEOPLE if name in text]
    numbers = [staff for staff in ("1003", "1005", "1006", "1013", "1019", "7777")
               if staff in text]
    assert (seen, numbers) == ([], [])


def test_the_manager_is_told_whose_figures_and_chases_their_departments(logs: Engine) -> None:
    at = _page(logs, "demo-manager")
    assert _metrics(at)["Submitted in time"] == "3 of 6"  # the whole force's figures
    assert ("The figures are the whole force's, not only your departments; the list to "
            "chase and the referral to explain hold only referrals by officers of your "
            "departments (Response, Neighbourhood)." in at.caption[0].value)
    assert _table(at, 4, ["reference", "full_name"]) == [["INC-0004", "Fay Fox"]]
    assert not [o for o in at.selectbox(key="f_ref").options  # CID, not on the roster
                if o.startswith(("INC-0003", "INC-0005", "INC-0007"))]


def test_the_admin_sees_the_figures_but_no_list_of_people(logs: Engine) -> None:
    at = _page(logs, "demo-admin")
    assert _metrics(at)["Within 7 days"] == "50.0%"
    assert len(at.dataframe) == 3  # by month, department and rank: no list to chase
    assert any("shown only to roles that see lists of people" in c.value for c in at.caption)
    assert "Fay Fox" not in _texts(at) and "1006" not in _texts(at)


@pytest.mark.parametrize("username", ["demo-lead", "demo-inspector"])
def test_no_referral_log_says_so_and_points_to_the_upload_page(db: Engine,
                                                               username: str) -> None:
    at = _page(db, username)
    assert [i.value for i in at.info] == [
        "No NCCU referral log has been imported for Avon and Somerset Constabulary yet, so "
        "there is nothing to measure for recommendation 2. " + (
            "Upload the referral log and the intelligence submission log on the Upload page."
            if username == "demo-lead" else "A training lead uploads the referral log and "
            "the intelligence submission log on the Upload page.")]
    assert not at.metric and not at.dataframe
    assert "tracker " not in _texts(at)  # dashboard words, no command


def test_the_recommendations_page_links_here_for_recommendation_2(logs: Engine) -> None:
    at = app_for(logs, "demo-inspector", page="recommendations")
    assert not at.exception
    links = [(e.proto.label, e.proto.page) for e in at.get("page_link")]
    assert links[:2] == [
        ("NCCU referrals: the figures, the list to chase, why each stands", "referrals"),
        ("The files imported", "imports")]
    assert at.dataframe[0].value["deadline"].tolist()[:2] == ["30 Apr 2026", "31 Dec 2025"]


def test_the_same_figures_on_postgresql(pg_db: Engine) -> None:
    at = _page(add_logs(pg_db), "demo-lead")
    assert _metrics(at)["Submitted in time"] == "3 of 6"
    assert _table(at, 3, ["line_manager_name", "missing"]) == [["Mo Moss", 1], ["Cat Cole", 1]]
