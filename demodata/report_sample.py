"""A small hand-made ``ReportData`` (no database needed) for the report writer tests and the
report bench: a few rows of each sheet, names and values that would run as formulas if a
writer let them (``HOSTILE``), and ``outstanding_rows`` people to chase."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tracker.coverage.rules import load_rules
from tracker.recommendations.overview import Overview, overview_frame
from tracker.recommendations.standing import Standing
from tracker.recommendations.wording import wording
from tracker.reports.data import ReportData, RequirementInfo

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\tTab", "\rReturn"]
AS_OF = dt.date(2026, 5, 11)


def _people_row(requirement: str, name: str, staff: str, **extra: object) -> dict[str, object]:
    return {"requirement": requirement, "force": "Avon and Somerset Constabulary",
            "department": "Response", "rank": "Inspector", "staff_number": staff,
            "name": name, **extra}


def _recommendations() -> pd.DataFrame:
    """Recommendation 4 as a count, 8 as a percentage with hostile words, 2 and 9 unmeasured."""
    plan = Standing(4, dt.date(2025, 12, 31), AS_OF, "Milestones done", None, 2, 3, "red",
                    "Red: the deadline has passed and a milestone was not done by it.",
                    "Red: 2 of 3 milestones done by the deadline.", None, "The register.")
    hydra = Standing(8, dt.date(2026, 4, 30), AS_OF, HOSTILE[0], 75.0, None, None, "amber",
                     HOSTILE[1], HOSTILE[2], 70.0, HOSTILE[3])
    return overview_frame(Overview(AS_OF, None, (plan, hydra), (wording(2), wording(9))))


def sample_data(*, pseudonymised: bool = False, outstanding_rows: int = 3) -> ReportData:
    reqs = tuple(RequirementInfo.of(r) for r in load_rules().requirements)
    hydra = reqs[0].title
    summary = pd.DataFrame([{
        "requirement": hydra, "requirement_id": "oic-hydra", "deadline": dt.date(2026, 4, 30),
        "in_scope": 10, "exempt": 1, "completed_on_time": 5, "completed_late": 1,
        "not_yet_due": 1, "outstanding": 2, "coverage": 0.75, "coverage_on_deadline": None,
        "rag": "amber",
        "status": "At risk", "rag_rule": "=amber when the forecast is after the deadline",
        "rag_reason": "Amber: 75.0%, forecast to reach 100% on 2026-06-01.",
        "forecast_date": dt.date(2026, 6, 1), "weekly_needed": 1.5, "recent_rate": 0.5,
    }])
    matrix = pd.DataFrame([
        {"requirement": hydra, "rank": "Inspector", "department": "CID", "in_scope": 10,
         "exempt": 1, "completed": 6, "not_yet_due": 1, "outstanding": 2, "coverage": 0.75,
         "status": "At risk", "rag": "amber", "level": "detail"},
        {"requirement": hydra, "rank": "All ranks", "department": "All departments",
         "in_scope": 10, "exempt": 1, "completed": 6, "not_yet_due": 1, "outstanding": 2,
         "coverage": 0.75, "status": "At risk", "rag": "amber", "level": "total"},
    ])
    weeks = [dt.date(2026, 1, 4) + dt.timedelta(weeks=i) for i in range(8)]
    trend = pd.DataFrame({
        "requirement": hydra, "requirement_id": "oic-hydra", "week_ending": weeks,
        "in_scope": [10] * 8, "completed": list(range(8)),
        "coverage": [i / 9 for i in range(8)], "needed": [i / 8 for i in range(8)],
    })
    names = (HOSTILE * (outstanding_rows // len(HOSTILE) + 1))[:outstanding_rows]
    outstanding = pd.DataFrame([
        _people_row(hydra, name, f"{i:04d}", unit="=cmd|' /C calc'!A0",
                    line_manager="-Boss", modules_missing="OIC Hydra exercise")
        for i, name in enumerate(names)
    ], columns=["requirement", "force", "department", "unit", "line_manager", "rank",
                "staff_number", "name", "modules_missing"])
    exemptions = pd.DataFrame([_people_row(
        hydra, "+1+1", "0099", reason="@SUM(A1)", starts_on=dt.date(2026, 1, 1), ends_on=None,
        recorded_by="-2+3")])
    quality = pd.DataFrame([{"section": "Unmapped ranks (people, by HR value)",
                             "item": "=Insp", "count": 3, "next_step": "Map it."}])
    evidence = pd.DataFrame([{
        "file_name": "=cmd.csv", "kind": "lms-long", "force": "Avon and Somerset Constabulary",
        "imported_at": dt.datetime(2026, 2, 1, 9, 30), "imported_by": "lead", "rows_read": 10,
        "rows_accepted": 9, "rows_rejected": 1, "sha256": "a" * 64,
    }])
    if pseudonymised:
        outstanding["staff_number"] = ""
        outstanding["name"] = [f"P-{i:08d}" for i in range(len(outstanding))]
    return ReportData(
        title="OIC training compliance report", as_of=AS_OF,
        generated_at=dt.datetime(2026, 5, 11, 12, 0), generated_by="tester",
        forces=("Avon and Somerset Constabulary",), departments=(),
        pseudonymised=pseudonymised, requirements=reqs, summary=summary,
        by_rank_department=matrix, trend=trend, outstanding=outstanding,
        exemptions=exemptions, quality=quality, evidence=evidence,
        recommendations=_recommendations(),
    )
