"""The Recommendations page (the one progress view) and the OIC plan page (recommendation
4's register): every role that sees the Overview opens both; the figures are the coverage
engine's; an edit of the plan is audited and only roles that may manage it see the forms.

Hand-worked on the seeded force (Avon and Somerset, 2 March 2026): Hydra is for the six
inspectors in Response, CID, Roads Policing and the Control Room: Ann, Cat, Uma done; Dan
exempt; Bob, Vic outstanding: 3 / 5 = 60.0%. A steady pace from 1 January 2024 to 30 April
2026 (850 days) needs 791 / 850 = 93.1% on 2 March 2026: 60.0% is more than 10 points
below: off track (red)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from dashboards import actions
from tests.dashboards.conftest import TODAY, app_for, as_user
from tracker import auth
from tracker.coverage import engine as coverage
from tracker.coverage.rules import load_rules
from tracker.recommendations.evidence import attach
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent

ROLE_USERS = {"admin": "demo-admin", "training_lead": "demo-lead", "manager": "demo-manager",
              "inspector": "demo-inspector"}
FORCE = "avon-and-somerset"


def _events(engine: Engine, action: str) -> list[tuple[str, str | None, dict[str, object]]]:
    with unit_of_work(engine) as session:
        return [(e.actor, e.target, dict(e.detail or {})) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def _rule_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("Rule: ")]


@pytest.mark.parametrize("role", auth.ROLES)
def test_both_pages_open_for_every_role_that_sees_the_overview(db: Engine, role: str) -> None:
    assert {"overview", "recommendations", "oic_plan"} <= set(auth.pages_for(role))
    at = app_for(db, ROLE_USERS[role], page="recommendations")
    assert not at.exception and not at.error
    at.switch_page("views/oic_plan.py").run()
    assert not at.exception and not at.error
    forms = {"plan_title_oic-profile", "plan_new_title"} & {w.key for w in at.text_input}
    assert bool(forms) == (role in ("admin", "training_lead"))


def test_the_recommendations_page_shows_the_engines_figures_and_rules(db: Engine) -> None:
    user = as_user(db, "demo-lead")
    at = app_for(db, "demo-lead", page="recommendations")
    elearning = coverage.compute(db, load_rules(), TODAY, force=user.force_code).summary()
    el_pct = float(elearning.set_index("requirement").loc["oic-elearning", "coverage_pct"])
    assert [m.value for m in at.metric if m.label == "Now"] == [
        "-", "0 of 3 done", "60.0%", f"{el_pct:.1f}%"]  # 2: no referral log imported
    assert [m.value for m in at.metric if m.label == "Status"] == [
        "At risk", "Off track", "Off track", "Off track"]
    rules = _rule_captions(at)
    assert rules[0].startswith("Rule: ")
    assert rules[1].startswith("Rule: On track: every milestone in the register is done")
    assert rules[2].startswith("Rule: OIC Hydra exercise: on a steady pace from 1 January "
                               "2024 (training available) to 100% on 30 April 2026, a group "
                               "needs 93.1% on 2 March 2026.")
    assert not [i for i in at.info if i.value.startswith("Not measured yet")]


def test_an_edit_on_the_plan_page_is_audited(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="oic_plan")
    at.selectbox(key="plan_key").set_value("intelligence-collection-plan").run()
    key = "intelligence-collection-plan"
    assert at.text_input(key=f"plan_title_{key}").value == "Intelligence Collection Plan"
    at.text_input(key=f"plan_owner_{key}").input("Intelligence Collection Manager")
    at.selectbox(key=f"plan_status_{key}").set_value("in progress")
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert [i.value for i in at.info][:1] == ["Saved: Intelligence Collection Plan."]
    assert _events(db, "milestone-edit") == [
        ("demo-lead", f"milestone:{FORCE}/intelligence-collection-plan",
         {"owner": {"old": None, "new": "Intelligence Collection Manager"},
          "status": {"old": "not_started", "new": "in_progress"}})]


def test_marking_done_on_the_page_counts_and_is_audited(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="oic_plan")
    at.selectbox(key="plan_key").set_value("oic-profile").run()
    at.date_input(key="plan_done_on").set_value(dt.date(2025, 12, 1))
    at.button(key="plan_done").click().run()
    assert not at.exception
    assert "1 of 3 milestones done" in at.markdown[0].value
    assert _events(db, "milestone-edit")[-1][2] == {
        "status": {"old": "not_started", "new": "done"},
        "done_on": {"old": None, "new": "2025-12-01"}}


def test_an_evidence_download_is_audited_and_a_manager_changes_nothing(db: Engine) -> None:
    attach(db, FORCE, "oic-profile", "profile.txt", b"OIC profile v1", "demo-lead")
    manager = as_user(db, "demo-manager")
    assert actions.plan_document(FORCE, "oic-profile", "profile.txt", manager) == \
        b"OIC profile v1"
    assert [(a, t) for a, t, _d in _events(db, "milestone-evidence-download")] == [
        ("demo-manager", f"milestone:{FORCE}/oic-profile")]
    with pytest.raises(actions.Refused, match="may not edit the OIC plan register"):
        actions.plan_done(FORCE, "oic-profile", TODAY, manager, TODAY)
    at = app_for(db, "demo-manager", page="oic_plan")
    assert [b.label for b in at.get("download_button")] == [
        "OIC profile: profile.txt (14 bytes)"]


def test_the_plan_uploader_says_the_tracker_s_own_limit(db: Engine,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_MAX_UPLOAD_MB", "20")
    at = app_for(db, "demo-lead", page="oic_plan")
    assert not at.exception
    assert ("Any document (PDF, Word, Excel, an image...), up to 20 MB; it is kept with its "
            "SHA-256.") in [c.value for c in at.caption]
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == 20
