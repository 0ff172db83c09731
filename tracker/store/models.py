"""The database schema (SQLAlchemy 2, typed). Alembic migrations in tracker/migrations.

People keep one row each (identity: force and staff number); what changes over time
(rank, department, line manager, dates, status) lives in ``PersonState`` rows, one per
person per HR roster snapshot, so coverage can be computed as of any past date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Force(Base):
    __tablename__ = "forces"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    home_office: Mapped[bool] = mapped_column(Boolean, default=True)


class Module(Base):
    __tablename__ = "modules"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))  # exercise | elearning
    available_from: Mapped[dt.date | None] = mapped_column(Date)


class ImportBatch(Base):
    """One uploaded file: who, when, its hash, what was read, accepted and rejected."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    force_id: Mapped[int | None] = mapped_column(ForeignKey("forces.id"))
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_warned: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_unmatched: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="committed")  # committed | undone
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    problems: Mapped[list[ImportProblem]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", passive_deletes=True
    )


class ImportFile(Base):
    """A file exactly as it was uploaded, kept once per content (its SHA-256, which the
    batches that imported it carry), zlib-compressed: the evidence behind every number can
    be opened again, and nothing a user uploaded is lost."""

    __tablename__ = "import_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))  # as first uploaded
    size: Mapped[int] = mapped_column(BigInteger)  # bytes, uncompressed
    content: Mapped[bytes] = mapped_column(LargeBinary)  # zlib
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ImportProblem(Base):
    """A row-level problem found in an import batch (row as the spreadsheet shows it)."""

    __tablename__ = "import_problems"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))  # error | warning
    row: Mapped[int | None] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)

    batch: Mapped[ImportBatch] = relationship(back_populates="problems")
    __table_args__ = (Index("ix_import_problems_batch", "batch_id"),)


class Person(Base):
    """Someone known to the tracker: on a roster, or a delegate from another force."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"))
    staff_number: Mapped[str | None] = mapped_column(String(40))
    collar_number: Mapped[str | None] = mapped_column(String(20))
    surname: Mapped[str | None] = mapped_column(String(120))
    forenames: Mapped[str | None] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320))
    first_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    __table_args__ = (
        UniqueConstraint("force_id", "staff_number", name="uq_people_force_staff"),
        Index("ix_people_force_collar", "force_id", "collar_number"),
        Index("ix_people_email", "email"),
    )


class RosterSnapshot(Base):
    """One HR import: the roster of a force as of a date (full, or a partial update)."""

    __tablename__ = "roster_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    as_of: Mapped[dt.date] = mapped_column(Date)
    full: Mapped[bool] = mapped_column(Boolean, default=True)


class PersonState(Base):
    """A person as one roster snapshot saw them."""

    __tablename__ = "person_states"
    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("roster_snapshots.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    as_of: Mapped[dt.date] = mapped_column(Date)  # the snapshot's date, kept here for speed
    workforce_type: Mapped[str | None] = mapped_column(String(30))
    rank_raw: Mapped[str | None] = mapped_column(String(120))
    rank: Mapped[str | None] = mapped_column(String(60))  # canonical code, None if unmapped
    detective: Mapped[bool] = mapped_column(Boolean, default=False)
    unit: Mapped[str | None] = mapped_column(String(300))  # raw department / command / unit
    department: Mapped[str | None] = mapped_column(String(60))  # function code, None if unmapped
    role: Mapped[str | None] = mapped_column(String(200))
    line_manager: Mapped[str | None] = mapped_column(String(40))  # line manager's staff number
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    leaving_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), default="active")
    __table_args__ = (
        UniqueConstraint("snapshot_id", "person_id", name="uq_person_states_snapshot_person"),
        Index("ix_person_states_person_asof", "person_id", "as_of"),
    )


class Completion(Base):
    """A person completed a module on a date. Each distinct (person, module, date) is stored
    once, with the batch (and row) that first reported it; other batches that reported it
    too are in ``CompletionEvidence``."""

    __tablename__ = "completions"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40))  # import kind that first reported it
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    raw_status: Mapped[str | None] = mapped_column(String(120))
    raw_title: Mapped[str | None] = mapped_column(String(500))
    score: Mapped[float | None] = mapped_column(Float)
    row: Mapped[int | None] = mapped_column(Integer)  # the first report's row in its file
    __table_args__ = (
        UniqueConstraint("person_id", "module_id", "completed_on", name="uq_completions_natural"),
        Index("ix_completions_module_date", "module_id", "completed_on"),
    )


class CompletionEvidence(Base):
    """Another batch (and row) that reported a completion besides the one that first did
    (``Completion.batch_id``). Undoing a batch removes its evidence; a completion it first
    reported passes to the earliest other batch still reporting it, or goes."""

    __tablename__ = "completion_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    completion_id: Mapped[int] = mapped_column(ForeignKey("completions.id", ondelete="CASCADE"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    row: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("completion_id", "batch_id", name="uq_completion_evidence"),
        Index("ix_completion_evidence_batch", "batch_id"),
    )


class HydraAbsence(Base):
    """A delegate list said a person did not attend a session of a module on a date.
    Stored once per (person, module, date), with the batch and row that first said it;
    undoing that batch removes it. Never a completion: coverage does not read it."""

    __tablename__ = "hydra_absences"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)  # the course date
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    row: Mapped[int | None] = mapped_column(Integer)
    raw_status: Mapped[str | None] = mapped_column(String(120))
    __table_args__ = (
        UniqueConstraint("person_id", "module_id", "held_on", name="uq_hydra_absences_natural"),
        Index("ix_hydra_absences_batch", "batch_id"),
    )


class IdentityLink(Base):
    """An LMS or Hydra identity confirmed as a roster person, reapplied on later imports.
    ``identity_key`` is normalised, e.g. ``email:jo.bloggs@example.police.uk`` or
    ``name:jo bloggs|collar:1234``."""

    __tablename__ = "identity_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int | None] = mapped_column(ForeignKey("forces.id"))
    identity_key: Mapped[str] = mapped_column(String(400))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    confirmed_by: Mapped[str] = mapped_column(String(120))
    confirmed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("force_id", "identity_key", name="uq_identity_links"),)


class UnmatchedRecord(Base):
    """A completion row whose learner matched no roster person: kept for review, never
    dropped. ``payload`` holds what the row said (names, ids, module, date, status)."""

    __tablename__ = "unmatched_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    force_id: Mapped[int | None] = mapped_column(ForeignKey("forces.id"))
    row: Mapped[int | None] = mapped_column(Integer)
    identity_key: Mapped[str] = mapped_column(String(400))
    display_name: Mapped[str | None] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|confirmed|rejected
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    __table_args__ = (Index("ix_unmatched_status", "status"),)


class ValueMapping(Base):
    """A user's mapping of a raw value to a canonical one (kind: rank, department, module,
    force), reapplied on every later import. ``raw_key`` is the normalised raw value."""

    __tablename__ = "value_mappings"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    raw_key: Mapped[str] = mapped_column(String(400))
    raw_example: Mapped[str] = mapped_column(String(400))
    canonical: Mapped[str] = mapped_column(String(80))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("kind", "raw_key", name="uq_value_mappings"),)


class SourceProfile(Base):
    """A column mapping a force saved for one layout of file (its header signature,
    ``imports.layout_signature``): header as written -> field ("ignore": feeds nothing),
    applied to every later file of that layout so it needs no mapping again. ``headers``
    is the layout's header row, kept for showing."""

    __tablename__ = "source_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"))
    kind: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(String(64))
    headers: Mapped[list[str]] = mapped_column(JSON)
    columns: Mapped[dict[str, str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        UniqueConstraint("force_id", "kind", "signature", name="uq_source_profiles"),
    )


class Milestone(Base):
    """One step of a force's plan for an HMICFRS recommendation (recommendation 4: an OIC
    profile, a Strategic Intelligence Requirement, an Intelligence Collection Plan). The
    shipped steps are added to a force's register on first use; the force edits its own.
    ``status``: not_started | in_progress | done (``done_on`` set only when done)."""

    __tablename__ = "milestones"
    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("force_id", "key", name="uq_milestones_force_key"),)


class MilestoneFile(Base):
    """An evidence document's content, kept once however many milestones it backs: its
    SHA-256, size and zlib-packed bytes (as ``ImportFile``, but a table of its own, so
    undoing an import or the retention purge of upload files never takes evidence)."""

    __tablename__ = "milestone_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)  # bytes, uncompressed
    content: Mapped[bytes] = mapped_column(LargeBinary)  # zlib
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MilestoneEvidence(Base):
    """A document attached to a milestone as evidence: its name as uploaded, who, when."""

    __tablename__ = "milestone_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(ForeignKey("milestone_files.sha256"))
    file_name: Mapped[str] = mapped_column(String(500))
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (
        UniqueConstraint("milestone_id", "sha256", name="uq_milestone_evidence"),
    )


class Referral(Base):
    """A case a member of the force reported to Immigration Enforcement's NCCU
    (recommendation 2), from a referral log: stored once per force and reference, with the
    batch (and row) that first reported it; undoing that batch removes it."""

    __tablename__ = "referrals"
    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"))
    reference: Mapped[str] = mapped_column(String(100))  # the force's incident/custody ref
    nccu_reference: Mapped[str | None] = mapped_column(String(100))
    referred_on: Mapped[dt.date] = mapped_column(Date)
    referred_at: Mapped[dt.time | None] = mapped_column(Time)  # time of day, when logged
    officer: Mapped[str | None] = mapped_column(String(40))  # staff or collar number
    location: Mapped[str | None] = mapped_column(String(200))
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    row: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("force_id", "reference", name="uq_referrals_force_reference"),
        Index("ix_referrals_batch", "batch_id"),
    )


class IntelSubmission(Base):
    """An intelligence document submitted, from a submission log: stored once per force and
    reference, with the batch (and row) that first reported it."""

    __tablename__ = "intel_submissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"))
    reference: Mapped[str] = mapped_column(String(100))
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    submitted_at: Mapped[dt.time | None] = mapped_column(Time)  # time of day, when logged
    officer: Mapped[str | None] = mapped_column(String(40))  # the author's staff/collar number
    linked_reference: Mapped[str | None] = mapped_column(String(100))
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    row: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("force_id", "reference", name="uq_intel_submissions_force_reference"),
        Index("ix_intel_submissions_batch", "batch_id"),
    )


class HydraSession(Base):
    """A session of a requirement delivered in person (the Hydra exercise), planned or held
    by a force: when, where, how many seats, who runs it. ``requirement``: the rules' id."""

    __tablename__ = "hydra_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"))
    requirement: Mapped[str] = mapped_column(String(64))
    held_on: Mapped[dt.date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    trainer: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (Index("ix_hydra_sessions_force_date", "force_id", "held_on"),)


class SessionInvite(Base):
    """A person invited to a planned session (the lead's list, as suggested or edited)."""

    __tablename__ = "session_invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("hydra_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    invited_by: Mapped[str] = mapped_column(String(120))
    invited_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (
        UniqueConstraint("session_id", "person_id", name="uq_session_invites_session_person"),
    )


class Exemption(Base):
    """A person in scope excused for a recorded reason (reported, never silently dropped)."""

    __tablename__ = "exemptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    requirement: Mapped[str] = mapped_column(String(64))  # requirement id from the rules file
    reason: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))  # admin|training_lead|manager|inspector
    force_id: Mapped[int | None] = mapped_column(ForeignKey("forces.id"))
    departments: Mapped[list[str] | None] = mapped_column(JSON)  # for managers
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """Who did what, when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
