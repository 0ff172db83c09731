"""Cached reads for the dashboard pages: the engine once per process (``st.cache_resource``),
query results in ``st.cache_data`` keyed on the database URL, the rules file and a cheap
*state token* of the database, so a new import, undo, mapping or exemption shows at once
and nothing stale is served. Every number comes from the tracker's coverage engine.

Coverage and trends are worked out from one in-memory snapshot of the data per state
token (``tracker.coverage.snapshot``, saved in the data folder so a restarted server reads
it back in a fraction of a second) and kept as they are (``st.cache_resource``): a
national coverage result is hundreds of thousands of rows, which ``st.cache_data`` would
pickle on the way in and copy on every page run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, func, select
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from tracker.auth import CurrentUser
from tracker.config import Settings, load_settings
from tracker.coverage import engine as coverage
from tracker.coverage import population
from tracker.coverage.explain import CompletionUsed, Evidence, Explanation, RequirementWhy
from tracker.coverage.rules import DEFAULT_RULES, Requirement, RuleSet, load_rules
from tracker.coverage.snapshot import (
    CoverageSource,
    Snapshot,
    answerable,
    rules_key,
    snapshot_folder,
    stored_snapshot,
)
from tracker.coverage.trend import RECENT_WEEKS, Trend
from tracker.ingest import reads
from tracker.ingest.records import Kind
from tracker.messages import hints
from tracker.recommendations import referrals
from tracker.recommendations.overview import Overview, measures_on, overview
from tracker.recommendations.standing import Standing
from tracker.reference import vocab
from tracker.reports.data import map_unique, modules_text
from tracker.sessions.plan import Plan, plan_requirement
from tracker.store import audit, models
from tracker.store.db import make_engine, unit_of_work
from tracker.store.version import data_version

Token = tuple[Any, ...]


def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def _engine(db_url: str) -> Engine:
    return make_engine(db_url)


def engine() -> Engine:
    return _engine(settings().db_url)


@st.cache_resource(show_spinner=False)
def _rules(path: str, mtime: float) -> RuleSet:
    return load_rules(Path(path))


def rules_path() -> Path:
    return settings().rules_path or DEFAULT_RULES


def rules() -> RuleSet:
    path = rules_path()
    return _rules(str(path), path.stat().st_mtime)


def state_token(eng: Engine | None = None) -> Token:
    """A cheap fingerprint of the data: it changes whenever an import, undo, mapping,
    match or exemption is written (each is audited), so cached results are never stale."""
    return (settings().db_url, str(rules_path()), *data_version(eng or engine()))


@st.cache_data(show_spinner="Working out the plan…", max_entries=32)
def session_plan(token: Token, requirement: str, as_of: dt.date, by: dt.date,
                 force: str | None) -> Plan:
    """``tracker.sessions.plan.plan_requirement``, cached on the database state (each
    change to a session is audited, so it moves the token)."""
    return plan_requirement(engine(), rules(), requirement, as_of, by=by, force=force)


def scope(user: CurrentUser) -> tuple[str | None, tuple[str, ...] | None]:
    """The force and departments a user may see: a manager only their departments, a user
    with a force only that force."""
    departments = user.departments if user.role == "manager" else None
    return user.force_code, departments


@st.cache_resource(show_spinner="Reading the data…", max_entries=2)
def _snapshot(token: Token, rules_fingerprint: str) -> Snapshot:
    """Everything coverage reads (``tracker.coverage.snapshot``), once per state of the
    data and rules: from the data folder's copy when one was saved (a fresh server then
    paints at once), else from the database, saving the copy for the next server."""
    return stored_snapshot(engine(), rules(), snapshot_folder(settings().data_dir))


def snapshot(token: Token, requirements: Sequence[Requirement]) -> Snapshot | None:
    """The snapshot of the data ``token`` stands for, if it can answer for
    ``requirements`` (not for a validity period: then None, and the caller queries)."""
    if not answerable(requirements):
        return None
    return _snapshot(token, rules_key(rules()))


_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tracker-data")
_WARMED: set[Token] = set()


def warm_up() -> None:
    """Start reading the snapshot of the data in the background, once per state of the
    data: the log-in screen calls it, so the data is read while someone types their
    password, and their first page only works out their own figures."""
    current = rules()
    token = state_token()
    if answerable(current.requirements) and token not in _WARMED:
        _WARMED.add(token)
        _POOL.submit(_snapshot, token, rules_key(current))


# Kept as they are (not copied per run as ``st.cache_data`` would): treat them as read-only.
@st.cache_resource(show_spinner="Working out coverage…", max_entries=12)
def coverage_result(token: Token, as_of: dt.date, force: str | None,
                    departments: tuple[str, ...] | None) -> coverage.CoverageResult:
    """``tracker.coverage.engine.compute`` for the user's scope, cached on the database state."""
    return _source(token, force, departments).on(as_of)


@st.cache_resource(show_spinner=False, max_entries=32)
def trend(token: Token, requirement: str, today: dt.date, force: str | None,
          departments: tuple[str, ...] | None) -> Trend:
    """``tracker.trend.trend`` (weekly coverage, trajectory needed, forecast, status)."""
    return _source(token, force, departments).trend(requirement, today)


@st.cache_data(show_spinner=False, max_entries=16)
def on_deadlines(token: Token, today: dt.date, force: str | None,
                 departments: tuple[str, ...] | None) -> dict[str, dict[str, Any]]:
    """``coverage.on_deadlines``: each requirement's counts on its deadline, once passed.
    Only the counts are kept: the coverage of that day is not (it would be a second
    result as large as today's in the server's memory)."""
    return coverage.on_deadlines(rules().requirements, today,
                                 _source(token, force, departments).on)


def _source(token: Token, force: str | None,
            departments: tuple[str, ...] | None) -> CoverageSource:
    return CoverageSource(engine(), rules(), force, list(departments) if departments else None,
                          snapshot(token, rules().requirements))


def trends_soon(token: Token, requirements: Sequence[str], today: dt.date, force: str | None,
                departments: tuple[str, ...] | None) -> dict[str, Future[Trend]]:
    """Start the trends of ``requirements`` in background threads (cached as ``trend``),
    so a page can draw its headline numbers while they are worked out."""
    ctx = get_script_run_ctx()

    def work(requirement: str) -> Trend:
        if ctx is not None:
            add_script_run_ctx(threading.current_thread(), ctx)
        return trend(token, requirement, today, force, departments)

    return {r: _POOL.submit(work, r) for r in requirements}


def names_soon(result: coverage.CoverageResult) -> None:
    """Start reading the names, numbers and e-mails of ``result``'s people in the
    background (once per result: it keeps them), so that the lists of people on the
    Outstanding page show at once. A result kept in the cache is shared: this fills it."""
    if result.names is not None:
        _POOL.submit(lambda: result.people)


def filtered(result: coverage.CoverageResult, *, ranks: Sequence[str] = (),
             workforce: Sequence[str] = (), departments: Sequence[str] = (),
             requirement: str | None = None) -> coverage.CoverageResult:
    """The same result restricted to some ranks, workforce types, departments or one
    requirement: summaries of it are summaries of those people only. Names, numbers and
    e-mails are read (for those people) only if a page asks for them."""
    names = result.names  # before the frame: reading the names clears it (see _People)
    people = result.status_frame
    mask = pd.Series(True, index=people.index)
    for column, values in (("rank", ranks), ("workforce_type", workforce),
                           ("department", departments)):
        if values:
            mask &= people[column].isin(list(values))
    reqs = result.requirements
    if requirement:
        mask &= people["requirement"] == requirement
        reqs = tuple(r for r in reqs if r.id == requirement)
    out = dataclasses.replace(result, people=people[mask].reset_index(drop=True),
                              requirements=reqs)
    out.names = names
    return out


@st.cache_data(show_spinner=False, max_entries=16)
def forces_with_people(token: Token) -> pd.DataFrame:
    """Force code, name and number of people, for forces that have anyone."""
    query = (select(models.Force.code, models.Force.name, func.count(models.Person.id)
                    .label("people"))
             .join(models.Person, models.Person.force_id == models.Force.id)
             .group_by(models.Force.code, models.Force.name).order_by(models.Force.name))
    return read_frame(query)


@st.cache_data(show_spinner="Working out the recommendations…", max_entries=16)
def recommendations(token: Token, force: str | None, as_of: dt.date) -> Overview:
    """Every recommendation's standing as of a date (``tracker.recommendations.overview``),
    the training ones from the coverage cached for the pages."""
    def on_day(day: dt.date) -> coverage.CoverageResult:  # other days: not kept
        if day == as_of:
            return coverage_result(token, day, force, None)
        return _source(token, force, None).on(day)

    return overview(engine(), force, as_of, rules(), measures_on(on_day))


@st.cache_data(show_spinner="Matching referrals to their documents…", max_entries=16)
def referral_rows(token: Token, force: str | None, as_of: dt.date,
                  window: int) -> pd.DataFrame:
    """Every NCCU referral dated on or before ``as_of``, matched to its intelligence
    document, with its officer's roster details (``tracker.recommendations.referrals``)."""
    return referrals.referral_rows(engine(), force, as_of, window)


@st.cache_data(show_spinner=False, max_entries=16)
def referral_standing(token: Token, force: str | None, as_of: dt.date,
                      window: int) -> Standing:
    """Recommendation 2's figure, status, rule and reason as of ``as_of``."""
    return referrals.standing(engine(), force, as_of, window)


@st.cache_data(show_spinner=False, max_entries=16)
def referral_logs_held(token: Token, force: str | None) -> tuple[int, int]:
    """How many referrals and intelligence submissions are stored for ``force``."""
    counts = []
    for model in (models.Referral, models.IntelSubmission):
        query = select(func.count(model.id)).join(models.Force,
                                                  models.Force.id == model.force_id)
        if force:
            query = query.where(models.Force.code == force)
        with engine().connect() as conn:
            counts.append(int(conn.execute(query).scalar_one()))
    return counts[0], counts[1]


@st.cache_data(show_spinner=False, max_entries=16)
def import_history(token: Token, force: str | None) -> pd.DataFrame:
    """Import batches, newest first, with who, when, file and counts (problems recorded
    included), and whether the file is kept as uploaded (``tracker.ingest.reads``)."""
    return reads.import_history(engine(), force).frame()


# The Imports table: what a training lead reads first, the technical columns last.
HISTORY_COLUMNS = [
    "id", "file_name", "kind", "imported_at", "imported_by", "status", "rows_read",
    "rows_accepted", "accepted", "rows_rejected", "problems", "undone", "as_of", "force",
    "rows_new", "rows_unchanged", "rows_unmatched", "sha256", "file_kept",
]


def kind_label(kind: str) -> str:
    """'HR roster' for 'hr-roster'; an unknown kind as it is stored."""
    try:
        return Kind(kind).label
    except ValueError:
        return kind


def accepted_words(kind: str, rows_read: int, accepted: int) -> str:
    """What a file gave, in words that cannot be misread: '12,866 completions from 5,161
    rows' (a Moodle course report has a row per learner and a column pair per module, so
    it can give more completions than it has rows); '24 people from 24 rows' (rosters)."""
    noun = (("person", "people") if kind == Kind.HR_ROSTER.value
            else ("completion", "completions"))
    return (f"{accepted:,} {noun[0] if accepted == 1 else noun[1]} from {rows_read:,} "
            f"row{'' if rows_read == 1 else 's'}")


def history_view(history: pd.DataFrame) -> pd.DataFrame:
    """``import_history`` as the Imports page shows it: kinds by their labels, the counts
    in words, as-of '–' when the file has none, undone when and by whom in one column, the
    columns in ``HISTORY_COLUMNS`` order."""
    def undone(at: Any, by: Any) -> str:
        return "" if pd.isna(at) else f"{at.day} {at:%b %Y %H:%M} by {by or 'unknown'}"

    return history.assign(
        kind=[kind_label(k) for k in history["kind"]],
        accepted=[accepted_words(k, int(r), int(a)) for k, r, a in
                  zip(history["kind"], history["rows_read"], history["rows_accepted"],
                      strict=True)],
        undone=[undone(at, by) for at, by in zip(history["undone_at"], history["undone_by"],
                                                 strict=True)],
        as_of=[f"{d.day} {d:%b %Y}" if isinstance(d, dt.date) else "–"
               for d in history["as_of"]],
    )[HISTORY_COLUMNS]


@st.cache_data(show_spinner=False, max_entries=16)
def batch_problems(token: Token, batch_id: int) -> pd.DataFrame:
    return what_to_do(reads.batch_problems(engine(), batch_id).frame())


SEVERITY_WORDS = {"error": "Row left out", "warning": "Kept: check it"}


def what_to_do(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems as the dashboard shows them: each code by its title ("Date cannot be
    read", not ``bad-date``), the severity in words, and a "What to do" column in the
    dashboard's words (``tracker.messages.hints``)."""
    out = problems.assign(what_to_do=hints.hint_column(problems["code"], "dashboard",
                                                       problems.get("value")))
    out["code"] = map_unique(out["code"], hints.title_of)
    if "severity" in out:
        out["severity"] = out["severity"].map(lambda s: SEVERITY_WORDS.get(s, s))
    return out.rename(columns={"code": "problem"})


@st.cache_data(show_spinner=False, max_entries=16)
def batch_problem_counts(token: Token, batch_id: int) -> pd.DataFrame:
    """A batch's problems counted by code, severity and column, with the first and last row
    of each: what a user who sees no names is shown, since a problem's value and message
    can carry a learner's name (as the workbook's evidence counts problems by code)."""
    p = models.ImportProblem
    rows = func.count(p.id)
    return what_to_do(read_frame(select(p.code, p.severity, p.column, rows.label("rows"),
                             func.min(p.row).label("first_row"),
                             func.max(p.row).label("last_row"))
                      .where(p.batch_id == batch_id).group_by(p.code, p.severity, p.column)
                      .order_by(rows.desc(), p.code, p.column.nulls_first())))


@st.cache_data(show_spinner=False, max_entries=16)
def unmatched_queue(token: Token, force: str | None) -> pd.DataFrame:
    """Open unmatched learners (the review queue), oldest first, with what their file
    said of the completion (module, date, the identifiers it gave)."""
    frame = reads.review_queue(engine(), force).frame().drop(columns="status")
    if not frame.empty:
        payload = pd.json_normalize(frame.pop("payload").tolist())
        keep = [c for c in ("module_code", "completed_on", "raw_title", "email",
                            "staff_number", "collar_number") if c in payload]
        frame = pd.concat([frame, payload[keep]], axis=1)
    return frame


def audit_tail(limit: int = 500) -> pd.DataFrame:
    """The newest audit events (not cached: log-ins change no data but are shown here)."""
    a = models.AuditEvent
    return read_frame(select(a.id, a.at, a.actor, a.action, a.target, a.detail)
                      .order_by(a.id.desc()).limit(limit))


def read_frame(query: Any) -> pd.DataFrame:
    with engine().connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def furthest_behind(result: coverage.CoverageResult, requirement: str, by: str,
                    count: int = 3) -> pd.DataFrame:
    """The ``count`` groups (departments or ranks) with the lowest coverage that still have
    people outstanding; ties go to the group with more people outstanding."""
    summary = labelled(result.summary(by=(by,)))
    rows = summary[(summary["requirement"] == requirement) & (summary["outstanding"] > 0)]
    rows = rows.assign(_pct=pd.to_numeric(rows["coverage_pct"], errors="coerce"))
    rows = rows.sort_values(["_pct", "outstanding"], ascending=[True, False]).head(count)
    return rows[[f"{by}_label", "coverage_pct", "completed", "outstanding",
                 "in_scope"]].reset_index(drop=True)


def labelled(summary: pd.DataFrame) -> pd.DataFrame:
    """A summary with rank and department labels next to the codes (for charts)."""
    out = summary.copy()
    if "rank" in out:
        out.insert(list(out.columns).index("rank") + 1, "rank_label",
                   out["rank"].map(lambda c: vocab.rank_label(c)))
    if "department" in out:
        out.insert(list(out.columns).index("department") + 1, "department_label",
                   out["department"].map(lambda c: vocab.department_label(c)))
    if "force" in out:
        names = {code: f.name for code, f in vocab.forces().forces.items()}
        out.insert(list(out.columns).index("force") + 1, "force_name",
                   out["force"].map(lambda c: names.get(c, c)))
    return out


def filter_options(result: coverage.CoverageResult, requirement: str) -> dict[str, list[str]]:
    """The departments, ranks and workforce types present among a requirement's people,
    in vocabulary order."""
    people = result.status_frame
    people = people[people["requirement"] == requirement]
    orders = {"department": list(vocab.departments().departments),
              "rank": list(vocab.ranks().ranks), "workforce_type": list(vocab.WORKFORCE_TYPES)}
    present = {column: set(people[column].dropna().unique()) for column in orders}
    return {column: [v for v in order if v in present[column]]
            for column, order in orders.items()}


# What a manager chases with comes first; person_id stays last, only for the pseudonyms
# of ``ui.people_view``, which drops it.
OUTSTANDING_COLUMNS = [
    "full_name", "rank_label", "department_label", "unit", "line_manager_name",
    "modules_missing", "days_overdue", "staff_number", "email", "person_id",
]
GROUP_LABELS = {"department": "department_label", "rank": "rank_label",
                "line_manager": "line_manager_name", "unit": "unit"}


def outstanding_people(result: coverage.CoverageResult, requirement: str,
                       by: str) -> pd.DataFrame:
    """The people outstanding for a requirement, grouped by ``by`` then name (the engine's
    people, its columns chosen for chasing): name, rank, department, unit, line manager
    (their staff number when the roster has no name for it), the modules missing by name
    and the days overdue."""
    people = result.people
    rows = people[(people["requirement"] == requirement) & (people["status"] == "outstanding")]
    rows = rows.sort_values([GROUP_LABELS.get(by, by), "full_name"], na_position="last",
                            kind="stable")
    rows = rows.assign(
        modules_missing=map_unique(rows["modules_missing"], modules_text),
        line_manager_name=rows["line_manager_name"].where(
            rows["line_manager_name"].notna(), rows["line_manager"]).fillna(""),
        days_overdue=days_overdue(rows, result.requirement(requirement), result.as_of))
    return rows[OUTSTANDING_COLUMNS].reset_index(drop=True)


def days_overdue(rows: pd.DataFrame, requirement: Any, as_of: dt.date) -> pd.Series:
    """Days since each person was due (0 until then), by the engine's rule."""
    return population.days_overdue(rows["start_date"], requirement, as_of)


def outstanding_groups(result: coverage.CoverageResult, requirement: str,
                       by: str) -> pd.DataFrame:
    """The groups (``by``: department, rank, line manager or unit) with anyone outstanding
    for a requirement, by name: outstanding, in scope and coverage; the group with the
    most people to chase first, then the lowest coverage."""
    counts = labelled(result.summary(by=(by,)))
    counts = counts[(counts["requirement"] == requirement) & (counts["outstanding"] > 0)]
    if by == "line_manager":
        people = result.people.dropna(subset=["line_manager", "line_manager_name"])
        names = dict(zip(people["line_manager"], people["line_manager_name"], strict=True))
        counts = counts.assign(line_manager_name=counts["line_manager"].map(
            lambda n: names.get(n, n)))
    label = GROUP_LABELS.get(by, by)
    counts = counts.assign(_pct=pd.to_numeric(counts["coverage_pct"], errors="coerce"))
    counts = counts.sort_values(["outstanding", "_pct", label], ascending=[False, True, True],
                                na_position="last", kind="stable")
    return counts[[label, "outstanding", "in_scope", "coverage_pct"]].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=32)
def find_people(token: Token, query: str, force: str | None, limit: int = 50) -> pd.DataFrame:
    """People whose name contains ``query`` (case blind), or whose staff number, collar
    number or email is ``query``."""
    p = models.Person
    needle = query.strip()
    cond = (func.lower(p.full_name).contains(needle.lower()) | (p.staff_number == needle)
            | (p.collar_number == needle) | (func.lower(p.email) == needle.lower()))
    stmt = (select(p.id.label("person_id"), p.full_name, p.staff_number, p.collar_number,
                   p.email, models.Force.code.label("force"))
            .join(models.Force, models.Force.id == p.force_id).where(cond)
            .order_by(p.full_name).limit(limit))
    if force:
        stmt = stmt.where(models.Force.code == force)
    return read_frame(stmt)


PERSON_COLUMNS = ["requirement", "status", "late", "modules_done", "modules_missing",
                  "completed_on", "exemption_reason", "rank_label", "department_label",
                  "unit", "snapshot_date", "start_date"]


def person_statuses(result: coverage.CoverageResult, person_id: int) -> pd.DataFrame:
    people = result.status_frame
    rows = people.loc[people["person_id"] == person_id, PERSON_COLUMNS]
    rows = rows.assign(modules_missing=map_unique(rows["modules_missing"], modules_text),
                       exemption_reason=rows["exemption_reason"].fillna(""))
    return rows.reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=32)
def explain(token: Token, person: str, force: str | None,
            as_of: dt.date) -> Explanation | str:
    """The engine's explanation of a person's status (``tracker.coverage.explain``), or why there is
    none (a message); ``person`` is a staff number, collar number, email or person id."""
    from tracker.coverage.explain import ExplainError, explain

    try:
        return explain(engine(), rules(), person, as_of, force=force)
    except ExplainError as exc:
        return hints.explain(exc, "dashboard")


def evidence_rows(why: RequirementWhy) -> pd.DataFrame:
    """A requirement's completions, one row per import that reported each: module (its
    title), completed on, counted or why not, file, row, imported when and by whom."""
    rows = [{"module": c.module_title or c.module, "completed_on": c.completed_on,
             "counted": "Counted" if c.counted else "Not counted", "note": c.note,
             "file_name": e.file_name if e else "", "row": e.row if e else None,
             "imported_at": e.imported_at if e else None,
             "imported_by": e.imported_by if e else ""}
            for c in why.completions for e in _imports_of(c)]
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS).astype({"row": "Int64"})


def _imports_of(completion: CompletionUsed) -> list[Evidence | None]:
    """The imports that reported ``completion``; one None (a row of blanks) when none is
    recorded."""
    return [*completion.evidence] or [None]


EVIDENCE_COLUMNS = ["module", "completed_on", "counted", "note", "file_name", "row",
                    "imported_at", "imported_by"]


def report_file(user: CurrentUser, as_of: dt.date, force: str | None,
                departments: tuple[str, ...] | None, pseudonymise: bool,
                kind: str) -> Callable[[], bytes]:
    """A callable for ``st.download_button``: builds the compliance report when clicked
    (``tracker.reports.data``), as an Excel workbook (``kind="xlsx"``) or one CSV table
    (``"outstanding"``, ``"summary"``), and records the export in the audit log."""
    eng, rule_set = engine(), rules()
    secret = settings().pseudonym_secret() if pseudonymise else ""

    def build() -> bytes:
        from tracker.reports.csvs import write_csv
        from tracker.reports.data import build_report
        from tracker.reports.workbook import write_xlsx

        report = build_report(eng, rule_set, as_of, force=force,
                              departments=list(departments) if departments else None,
                              pseudonymise=pseudonymise, generated_by=user.username,
                              pseudonym_secret=secret,
                              snapshot=snapshot(state_token(eng), rule_set.requirements))
        buffer = io.BytesIO()
        if kind == "xlsx":
            write_xlsx(report, buffer)
        else:
            write_csv(report, buffer, table=kind)
        with unit_of_work(eng) as session:
            audit.record(session, user.username, "export", f"report:{kind}",
                         as_of=as_of.isoformat(), force=force, pseudonymised=pseudonymise,
                         departments=list(departments or ()))
        return buffer.getvalue()

    return build


@st.cache_data(show_spinner=False, max_entries=16)
def visiting_forces(token: Token, host: str | None) -> pd.DataFrame:
    """The forces whose people attended Hydra sessions the host's delegate lists recorded
    (``tracker.reports.visitors``): force, force_name, delegates."""
    from tracker.reports.visitors import visiting_forces as forces

    with unit_of_work(engine()) as session:
        return forces(session, host)


@st.cache_data(show_spinner=False, max_entries=16)
def unmapped_values(token: Token, force: str | None) -> pd.DataFrame:
    """Raw ranks and units that map to nothing on each force's latest roster, with how
    many people carry them: kind, raw, people."""
    s, snap = models.PersonState, models.RosterSnapshot
    latest = (select(snap.force_id, func.max(snap.as_of).label("as_of"))
              .group_by(snap.force_id).subquery())
    base = (select(s).join(snap, snap.id == s.snapshot_id)
            .join(latest, (latest.c.force_id == snap.force_id) & (latest.c.as_of == snap.as_of))
            .join(models.Force, models.Force.id == snap.force_id))
    if force:
        base = base.where(models.Force.code == force)
    states = base.subquery()
    frames = []
    for kind, raw, code in (("rank", states.c.rank_raw, states.c.rank),
                            ("department", states.c.unit, states.c.department)):
        query = (select(raw.label("raw"), func.count().label("people"))
                 .where(code.is_(None), raw.is_not(None)).group_by(raw)
                 .order_by(func.count().desc()))
        frames.append(read_frame(query).assign(kind=kind))
    out = pd.concat(frames, ignore_index=True)
    return out[["kind", "raw", "people"]]


@st.cache_data(show_spinner=False, max_entries=16)
def problems_of(token: Token, force: str | None, codes: tuple[str, ...]) -> pd.DataFrame:
    """Problems of the given codes in committed batches: file, row, column, value, message."""
    p, b = models.ImportProblem, models.ImportBatch
    query = (select(b.id.label("batch"), b.file_name, p.code, p.row, p.column, p.value,
                    p.message)
             .join(b, b.id == p.batch_id).outerjoin(models.Force, models.Force.id == b.force_id)
             .where(p.code.in_(list(codes)), b.status == "committed").order_by(b.id, p.row))
    if force:
        query = query.where(models.Force.code == force)
    return what_to_do(read_frame(query))


def suggestions(unmatched_id: int) -> pd.DataFrame:
    """Likely roster people for an unmatched learner (``tracker.ingest.matching``), best first."""
    from tracker.ingest.matching import suggest_matches

    found = suggest_matches(engine(), unmatched_id)
    return pd.DataFrame([{"person_id": s.person_id, "label": s.describe()} for s in found],
                        columns=["person_id", "label"])


def forecast_text(trend: Trend) -> str:
    """The trend's figures in words: recent rate, what is needed, forecast."""
    parts = [f"{trend.recent_rate:.1f} people a week completed over the last {RECENT_WEEKS} "
             "weeks"]
    if trend.weekly_needed is not None:
        parts.append(f"{trend.weekly_needed:.1f} a week needed to finish by the deadline")
    if trend.outstanding == 0:
        parts.append("everyone in scope has completed")
    elif trend.forecast_date is not None:
        parts.append(f"at this rate 100% on {trend.forecast_date.day} "
                     f"{trend.forecast_date:%b %Y}")
    else:
        parts.append(f"no forecast: nobody completed in the last {RECENT_WEEKS} weeks")
    return "; ".join(parts) + "."


@st.cache_data(show_spinner=False, max_entries=16)
def exemption_list(token: Token, force_id: int | None, departments: tuple[str, ...] | None,
                   active_on: dt.date | None) -> pd.DataFrame:
    """``tracker.coverage.exemptions.list_exemptions`` for the user's scope, cached."""
    from tracker.coverage.exemptions import list_exemptions

    return list_exemptions(engine(), force_id=force_id, departments=departments,
                           active_on=active_on)


def person_by_staff_number(token: Token, staff_number: str, force: str | None) -> int | None:
    """The one person with this staff number (in ``force``), or None."""
    found = find_people(token, staff_number, force)
    exact = found[found["staff_number"] == staff_number.strip()]
    return int(exact["person_id"].iloc[0]) if len(exact) == 1 else None


# ---------------------------------------------------------------- names for people


def force_name(code: str | None) -> str:
    """A force's name ("Avon and Somerset Police") from its code; "all forces" for None."""
    if code is None:
        return "all forces"
    force = vocab.forces().forces.get(code)
    return force.name if force else code


def department_names(codes: Sequence[str]) -> str:
    """Department names, comma separated ("Response, Neighbourhood policing")."""
    return ", ".join(vocab.department_label(code) for code in codes)


def rules_file_text() -> str:
    """Which requirement rules file is in force, in a user's words: its name, whose it
    is, when it last changed and a short fingerprint (the first 12 hex digits of its
    SHA-256), never the server's path."""
    import hashlib

    path = rules_path()
    changed = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    whose = ("the tracker's standard rules" if settings().rules_path is None
             else "this installation's own rules")
    fingerprint = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return (f"{path.name} ({whose}), last changed {changed.day} {changed:%b %Y at %H:%M} "
            f"UTC, fingerprint {fingerprint}")
