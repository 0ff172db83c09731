"""What a page can change, each a thin call into ``tracker`` behind a permission check (the
action is refused even if a page showed its button by mistake). The tracker functions write
the audit log; each returns the message to show."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select

from dashboards import data
from dashboards.mapping import FileColumns
from tracker import auth
from tracker.auth import CurrentUser
from tracker.coverage import exemptions
from tracker.ingest import mappings, matching, profiles, reads
from tracker.ingest.batch import ImportPlan, ImportRefused, commit_import
from tracker.ingest.records import Kind
from tracker.messages.hints import explain, with_hint
from tracker.messages.progress import Progress, no_progress
from tracker.reference import vocab
from tracker.reference.text import short_date
from tracker.store.db import unit_of_work
from tracker.store.models import Force, ImportBatch, Person

if TYPE_CHECKING:
    from imports import FileRefused


class Refused(PermissionError):
    """The user's role may not do this; the message says so."""


def require(user: CurrentUser, action: str) -> None:
    if not auth.can(user, action):
        raise Refused(f"Your role ({auth.ROLE_LABELS.get(user.role, user.role)}) may not "
                      f"{auth.ACTIONS[action]}. Ask an administrator if you need to.")


def _own_force(user: CurrentUser, force_id: int | None) -> None:
    if user.force_id is not None and force_id is not None and force_id != user.force_id:
        raise Refused("That belongs to another force; you can only change your own force's "
                      "data.")


def undo(batch_id: int, user: CurrentUser) -> str:
    from tracker.ingest.undo import UndoRefused, undo_batch

    require(user, "undo_import")
    with unit_of_work(data.engine()) as session:
        batch = session.get(ImportBatch, batch_id)
        _own_force(user, batch.force_id if batch else None)
    try:
        batch = undo_batch(data.engine(), batch_id, user.username)
    except UndoRefused as exc:
        return explain(exc, "dashboard")
    return f"Batch #{batch_id} ({batch.file_name}) is undone."


def confirm_match(unmatched_id: int, person_id: int, user: CurrentUser) -> str:
    require(user, "resolve_data")
    try:
        count = matching.confirm_match(data.engine(), unmatched_id, person_id, user.username)
    except matching.MatchError as exc:
        return explain(exc, "dashboard")
    return (f"Matched: {count} record{'s' if count != 1 else ''} of this learner now count "
            "for that person, and later imports will match them too.")


def reject_match(unmatched_id: int, user: CurrentUser) -> str:
    require(user, "resolve_data")
    try:
        matching.reject_match(data.engine(), unmatched_id, user.username)
    except matching.MatchError as exc:
        return explain(exc, "dashboard")
    return f"Record {unmatched_id} marked as not one of ours; it stays in the audit trail."


def save_mapping(kind: str, raw: str, canonical: str, user: CurrentUser) -> str:
    require(user, "resolve_data")
    try:
        with unit_of_work(data.engine()) as session:
            mappings.save_mapping(session, kind, raw, canonical, user.username)
    except ValueError as exc:
        return str(exc)
    name = vocab.code_labels(kind).get(canonical, canonical)
    return (f"Saved: {kind} {raw!r} means {name!r}. It applies to every later import; "
            "upload the file again to apply it to rows already read.")


def record_exemption(person_id: int, requirement: str, reason: str, starts_on: dt.date,
                     ends_on: dt.date | None, user: CurrentUser) -> str:
    require(user, "record_exemption")
    try:
        with unit_of_work(data.engine()) as session:
            person = session.get(Person, person_id)
            _own_force(user, person.force_id if person else None)
            exemptions.record_exemption(session, person_id, requirement, reason, starts_on,
                                        user.username, ends_on=ends_on,
                                        known_requirements=data.rules().ids)
    except exemptions.ExemptionError as exc:
        return explain(exc, "dashboard")
    return "Exemption recorded."


def end_exemption(exemption_id: int, ends_on: dt.date, user: CurrentUser) -> str:
    require(user, "record_exemption")
    try:
        with unit_of_work(data.engine()) as session:
            exemptions.end_exemption(session, exemption_id, ends_on, user.username)
    except exemptions.ExemptionError as exc:
        return explain(exc, "dashboard")
    return f"Exemption {exemption_id} ends on {short_date(ends_on)}."


def force_id_of(code: str | None) -> int | None:
    if code is None:
        return None
    with unit_of_work(data.engine()) as session:
        return session.scalars(select(Force.id).where(Force.code == code)).first()


@dataclass
class Upload:
    """One uploaded file after the dry run: its plan, or why it cannot be imported."""

    name: str
    plan: ImportPlan | None = None
    error: str | None = None
    content: bytes | None = field(default=None, repr=False)  # kept with the batch
    columns: dict[str, str] = field(default_factory=dict)  # the user's column mapping
    refused_columns: FileColumns | None = None  # a refused file's columns, to map them

    @property
    def file_columns(self) -> FileColumns | None:
        """The file's kind, header row and column decisions, if it was read that far."""
        if self.plan is None:
            return self.refused_columns
        parsed = self.plan.parsed
        return FileColumns(parsed.kind, parsed.headers, parsed.decisions)

    @property
    def problems(self) -> pd.DataFrame:
        from imports import problems_frame
        from tracker.messages.problems import Report

        frame = problems_frame(self.plan.report if self.plan else Report())
        return data.what_to_do(frame)


def plan_upload(name: str, content: bytes, user: CurrentUser, force_code: str, *,
                kind: str | None, as_of: dt.date | None, full_roster: bool,
                reimport: bool = False, date_order: str | None = None,
                columns: Mapping[str, str] | None = None, accept: bool = False,
                progress: Progress = no_progress) -> Upload:
    """Read an uploaded file and plan its import (``imports.workflow.plan_file``, as the
    CLI does; ``reimport``: even if the same content was imported before; ``date_order``:
    how to read dates a column leaves ambiguous; ``columns``: the user's column mapping,
    header -> field; ``accept``: even if it looks implausible, judged by the rules in use;
    ``progress``: told each stage): nothing is written."""
    from imports import FileRefused
    from imports.workflow import ImportRequest, plan_file

    require(user, "upload")
    request = ImportRequest(force_code, user.username, kind=Kind(kind) if kind else None,
                            file_name=name, date_order=date_order, columns=dict(columns or {}),
                            as_of=as_of, full_roster=full_roster, allow_reimport=reimport,
                            accept=accept)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / temp_name(name)
        path.write_bytes(content)
        try:
            plan = plan_file(data.engine(), path, request, data.settings(), data.rules(),
                             progress=progress)
        except FileRefused as exc:
            return _refused_upload(name, exc, request.kind, columns)
        except ValueError as exc:
            return Upload(name, error=explain(exc, "dashboard"))
    return Upload(name, plan=plan, error=plan.refusal("dashboard"), content=content,
                  columns=dict(columns or {}))


def temp_name(name: str) -> str:
    """A safe file name to write an upload under, keeping its extension (what the reader
    goes by): no folders, no control characters, not "." or "..", not empty, at most 100
    characters. The name shown in messages stays the one uploaded."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    stem, dot, ext = base.rpartition(".")
    if not dot or not ext.strip() or len(ext) > 10:
        stem, ext = base, ""
    stem = stem.strip(" .")[:80].strip(" .") or "upload"
    return f"{stem}.{ext.lower()}" if ext else stem


def _refused_upload(name: str, exc: FileRefused, kind: Kind | None,
                    columns: Mapping[str, str] | None) -> Upload:
    """A file that could not be read: why, what to do on this page, and its columns (when
    it got that far) so the user can say which column holds what is missing."""
    seen = FileColumns(exc.kind or kind, exc.headers, exc.decisions) if exc.headers else None
    return Upload(name, error=with_hint(str(exc), exc.code, "dashboard"),
                  columns=dict(columns or {}),
                  refused_columns=seen)


def _remember_layout(upload: Upload, user: CurrentUser) -> str:
    """After an import: save the user's column mapping for the file's layout, and count a
    saved layout's use. Returns a sentence to add to the message ("" when nothing saved)."""
    assert upload.plan is not None
    with unit_of_work(data.engine()) as session:
        saved = profiles.remember(session, upload.plan.force_code, upload.plan.parsed,
                                  upload.columns, user.username)
    return " The column mapping is saved for later files like this one." if saved else ""


def original_file(batch_id: int, user: CurrentUser) -> Callable[[], bytes]:
    """A callable for ``st.download_button``: the file a batch imported, as uploaded, fetched
    when clicked (people who may upload may have it: it holds names and numbers), audited."""
    require(user, "upload")

    def fetch() -> bytes:
        kept = reads.original_file(data.engine(), batch_id, user.username)
        if kept is None:
            raise Refused(f"The file of batch #{batch_id} is not kept (imported before files "
                          "were kept, or undone).")
        return kept.content

    return fetch


def visitors_file(home: str, host: str | None, fmt: str,
                  user: CurrentUser) -> Callable[[], bytes]:
    """A callable for ``st.download_button``: ``home``'s delegates who attended Hydra here, as
    a delegate list that force imports (``tracker.reports.visitors``), built when clicked and
    audited. Names and numbers: for people who may upload the delegate lists themselves."""
    require(user, "upload")

    def build() -> bytes:
        from tracker.reports.visitors import export_visitors

        buffer = io.BytesIO()
        export_visitors(data.engine(), home, buffer, fmt, user.username, host)
        return buffer.getvalue()

    return build


def commit_upload(upload: Upload, user: CurrentUser, progress: Progress = no_progress) -> str:
    """Write a planned upload in one transaction (``tracker.ingest.batch.commit_import``, which
    records it in the audit log), telling ``progress`` as the rows are written."""
    require(user, "upload")
    if upload.plan is None or upload.error:
        return f"{upload.name} was not imported: {upload.error}"
    if user.force_code is not None and upload.plan.force_code != user.force_code:
        raise Refused("You can only import files for your own force.")
    try:
        batch = commit_import(data.engine(), upload.plan, upload.content, progress)
    except ImportRefused as exc:
        return f"{upload.name} was not imported: {explain(exc, 'dashboard')}"
    data.warm_up()  # the figures with the new rows are worked out while this is read
    return (f"Imported {upload.name} as batch #{batch.id}: {batch.rows_accepted:,} rows "
            f"accepted, {batch.rows_rejected:,} rejected, {batch.rows_unmatched:,} unmatched."
            + _remember_layout(upload, user))


# ---------------------------------------------------------------- the OIC plan register


def _plan_force(user: CurrentUser, force: str) -> None:
    require(user, "manage_plan")
    if user.force_code is not None and force != user.force_code:
        raise Refused("That register belongs to another force; you can only change your own "
                      "force's plan.")


def _plan_call(work: Callable[[], str]) -> str:
    """Run a change to the register, its refusal as the dashboard's message."""
    from tracker.recommendations.milestones import MilestoneError

    try:
        return work()
    except MilestoneError as exc:
        return explain(exc, "dashboard")


def plan_edit(force: str, key: str, user: CurrentUser, today: dt.date, *, title: str,
              owner: str, due_on: dt.date, status: str) -> str:
    """Change a milestone's title, owner, due date or status (audited field by field)."""
    from tracker.recommendations.milestones import edit_milestone

    _plan_force(user, force)
    return _plan_call(lambda: "Saved: " + edit_milestone(
        data.engine(), force, key, user.username, today=today, title=title, owner=owner,
        due_on=due_on, status=status).title + ".")


def plan_done(force: str, key: str, on: dt.date, user: CurrentUser, today: dt.date) -> str:
    """Mark a milestone done on a date."""
    from tracker.recommendations.milestones import mark_done

    _plan_force(user, force)
    return _plan_call(lambda: f"Marked done on {short_date(on)}: " + mark_done(
        data.engine(), force, key, on, user.username, today=today).title + ".")


def plan_attach(force: str, key: str, file_name: str, content: bytes, user: CurrentUser,
                max_bytes: int) -> str:
    """Attach an evidence document to a milestone (kept with its SHA-256)."""
    from tracker.recommendations.evidence import attach

    _plan_force(user, force)
    return _plan_call(lambda: "Attached {0.file_name} (SHA-256 {0.sha256}).".format(attach(
        data.engine(), force, key, file_name, content, user.username, max_bytes=max_bytes)))


def plan_add(force: str, title: str, user: CurrentUser, *, owner: str,
             due_on: dt.date | None) -> str:
    """Add a milestone to the register, not started."""
    from tracker.recommendations.milestones import add_milestone

    _plan_force(user, force)
    return _plan_call(lambda: "Added: " + add_milestone(
        data.engine(), force, title, user.username, owner=owner, due_on=due_on).title + ".")


def plan_document(force: str, key: str, document: str, user: CurrentUser) -> bytes:
    """An evidence document's bytes, as uploaded; the download is audited."""
    from tracker.recommendations.evidence import fetch

    require(user, "view_coverage")
    if user.force_code is not None and force != user.force_code:
        raise Refused("That document belongs to another force's register.")
    return fetch(data.engine(), force, key, user.username, document).content


# ---------------------------------------------------------------- Hydra sessions


def _sessions_force(user: CurrentUser, force: str) -> None:
    require(user, "plan_sessions")
    if user.force_code is not None and force != user.force_code:
        raise Refused("Those sessions belong to another force; you can only plan your own "
                      "force's sessions.")


def _session_force(user: CurrentUser, session_id: int) -> None:
    from tracker.sessions.register import list_sessions

    held = {s.id: s.force for s in list_sessions(data.engine())}
    _sessions_force(user, held.get(session_id, user.force_code or ""))


def _sessions_call(work: Callable[[], str]) -> str:
    """Run a change to the sessions, its refusal as the dashboard's message."""
    from tracker.sessions.register import SessionError

    try:
        return work()
    except SessionError as exc:
        return explain(exc, "dashboard")


def session_add(force: str, requirement: str, held_on: dt.date, venue: str, capacity: int,
                user: CurrentUser, *, trainer: str, notes: str) -> str:
    """Record a session (audited)."""
    from tracker.sessions.register import add_session

    _sessions_force(user, force)
    def added() -> str:
        s = add_session(data.engine(), data.rules(), force, requirement, held_on, venue,
                        capacity, user.username, trainer=trainer, notes=notes)
        return (f"Added the session of {short_date(s.held_on)} at {s.venue}, {s.capacity} "
                f"seat{'' if s.capacity == 1 else 's'}.")

    return _sessions_call(added)


def session_edit(session_id: int, user: CurrentUser, *, held_on: dt.date, venue: str,
                 capacity: int, trainer: str, notes: str) -> str:
    """Change a session's date, venue, seats, trainer and notes (audited; blank trainer or
    notes clear them)."""
    from tracker.sessions.register import edit_session, list_sessions

    _session_force(user, session_id)
    before = {s.id: s for s in list_sessions(data.engine())}.get(session_id)

    def edited() -> str:
        s = edit_session(data.engine(), session_id, user.username, held_on=held_on,
                         venue=venue, capacity=capacity, trainer=trainer, notes=notes)
        said = (f"{short_date(s.held_on)} at {s.venue}, {s.capacity} "
                f"seat{'' if s.capacity == 1 else 's'}")
        if before is not None and s.updated_at == before.updated_at:
            return f"Nothing to save: the session is already {said}."
        return f"Saved: the session is now {said}."

    return _sessions_call(edited)


def session_remove(session_id: int, user: CurrentUser) -> str:
    """Take a session and its invite list out of the register (audited)."""
    from tracker.sessions.register import remove_session

    _session_force(user, session_id)
    def removed() -> str:
        s = remove_session(data.engine(), session_id, user.username)
        dropped = (f"; its invite list of {s.invited} "
                   f"{'person' if s.invited == 1 else 'people'} went with it" if s.invited
                   else "")
        return f"Removed the session of {short_date(s.held_on)} at {s.venue}{dropped}."

    return _sessions_call(removed)


def session_invite_suggested(session_id: int, user: CurrentUser, today: dt.date) -> str:
    """Fill a session's free seats with the suggested people (audited)."""
    from tracker.sessions.invites import invite_suggested

    _session_force(user, session_id)
    return _sessions_call(lambda: "Invited {} more.".format(invite_suggested(
        data.engine(), data.rules(), session_id, today, user.username)))


def session_invite(session_id: int, staff_numbers: str, user: CurrentUser) -> str:
    """Invite the people with these staff numbers (comma or space separated)."""
    from tracker.sessions.invites import invite, people_by_staff_number

    _session_force(user, session_id)
    numbers = [n for n in re.split(r"[,\s]+", staff_numbers) if n]
    if not numbers:
        return "Type one or more staff numbers, then press Invite."
    return _sessions_call(lambda: "Invited {} more.".format(invite(
        data.engine(), session_id, people_by_staff_number(data.engine(), session_id, numbers),
        user.username)))


def session_invite_person(session_id: int, person_id: int, user: CurrentUser) -> str:
    """Add one person, chosen by name or staff number, to a session's list (audited)."""
    from tracker.sessions.invites import invite

    _session_force(user, session_id)
    require(user, "view_identities")
    return _sessions_call(lambda: "Invited 1 more." if invite(
        data.engine(), session_id, [person_id], user.username) else
        "That person is on the list already.")


def session_uninvite(session_id: int, person_ids: list[int], user: CurrentUser) -> str:
    """Take people off a session's invite list (audited)."""
    from tracker.sessions.invites import uninvite

    _session_force(user, session_id)
    return _sessions_call(lambda: "Took {} off the list.".format(uninvite(
        data.engine(), session_id, person_ids, user.username)))


def session_invites_file(session_id: int, fmt: str, user: CurrentUser,
                         today: dt.date) -> bytes:
    """The invite list as a formula-safe csv or xlsx; the download is audited."""
    import io

    from tracker.sessions.invites import export_invites

    _session_force(user, session_id)
    require(user, "view_identities")
    buffer = io.BytesIO()
    export_invites(data.engine(), data.rules(), session_id, today, buffer, fmt, user.username)
    return buffer.getvalue()
