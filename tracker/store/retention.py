"""Retention: leavers' personal data and kept upload files are purged after the months the
data protection officer sets (``tracker.config.Retention``; off by default).

A leaver is a person whose latest roster state has a leaving date. After ``leaver_months``
from that date their name, e-mail and collar number are removed: ``people`` keeps
``Leaver #<id>`` as the name (and the staff number, the key HR holds, so a returner is not
a stranger); the review-queue records confirmed as them lose the learner's name, e-mail,
collar number and user name; problem values of their force's batches that hold any of those
become ``Leaver #<id>`` (in the message too); their identity links (which are names and
e-mails) go, and so do the identity keys in the audit entries of those matches. In the NCCU
referral and intelligence submission logs (recommendation 2), an officer number that is a
leaver's staff number becomes ``Leaver #<id>``, and one that is their collar number
``Leaver #<id> (collar)``: two numbers that differed still differ and equal ones stay
equal, so matching a referral to a document by officer is unchanged, and
``tracker.recommendations.referrals`` finds the person (and their rank and department)
from either. Roster states, completions, a delegate list's absences (which hold no name,
only the person, module and date), exemptions and the logs' references and dates stay
as they are, so coverage as of any date, by requirement, rank and department, and
recommendation 2's figures are the same after a purge as before.

A kept upload file goes ``file_months`` after its last upload (batches keep their counts,
hash and problems; only the bytes go). Everything happens in one transaction, written to
the audit log with the counts (never the names).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import (
    Engine,
    String,
    and_,
    cast,
    delete,
    exists,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from tracker.config import Retention
from tracker.store import audit
from tracker.store.db import unit_of_work
from tracker.store.models import (
    AuditEvent,
    IdentityLink,
    ImportBatch,
    ImportFile,
    ImportProblem,
    IntelSubmission,
    Person,
    PersonState,
    Referral,
    UnmatchedRecord,
)

PERSONAL_PAYLOAD = ("full_name", "email", "collar_number", "username")
CHUNK = 500  # values per IN (...) list


@dataclass
class Purge:
    """What a purge removes (or, in a dry run, would remove)."""

    leavers_left_by: dt.date | None = None
    files_uploaded_before: dt.date | None = None
    people: int = 0
    identity_links: int = 0
    review_records: int = 0
    problem_values: int = 0
    audit_entries: int = 0
    log_officers: int = 0  # officer numbers in referral and submission logs
    kept_files: int = 0
    kept_bytes: int = 0
    _people: list[int] = field(default_factory=list, repr=False)
    _files: list[str] = field(default_factory=list, repr=False)

    def counts(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in asdict(self).items() if not k.startswith("_")}


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def pseudonym(person_id: int) -> str:
    return f"Leaver #{person_id}"


def officer_pseudonym(person_id: int, collar: bool) -> str:
    """What a leaver's staff number (or collar number) in a referral or submission log
    becomes."""
    return pseudonym(person_id) + (" (collar)" if collar else "")


def purge(engine: Engine, policy: Retention, today: dt.date, actor: str, *,
          dry_run: bool = False) -> Purge:
    """Purge what ``policy`` says has been kept long enough by ``today`` (in one
    transaction, audited), or with ``dry_run`` only count it."""
    with unit_of_work(engine) as session:
        found = Purge()
        if policy.leaver_months is not None:
            _plan_leavers(session, found, months_before(today, policy.leaver_months))
        if policy.file_months is not None:
            _plan_files(session, found, months_before(today, policy.file_months))
        if dry_run:
            return found
        _purge_leavers(session, found)
        _purge_files(session, found)
        audit.record(session, actor, "retention", None, **found.counts(),
                     leaver_months=policy.leaver_months, file_months=policy.file_months)
    return found


# ---------------------------------------------------------------- leavers


def _plan_leavers(session: Session, found: Purge, left_by: dt.date) -> None:
    """Leavers whose latest state left on or before ``left_by`` and still hold data."""
    found.leavers_left_by = left_by
    later = aliased(PersonState)
    newer = exists().where(and_(later.person_id == PersonState.person_id,
                                later.as_of > PersonState.as_of))
    still_named = (Person.email.is_not(None) | Person.collar_number.is_not(None)
                   | Person.surname.is_not(None) | Person.forenames.is_not(None)
                   | (Person.full_name != literal("Leaver #", String) + cast(Person.id, String))
                   | _in_log(Referral) | _in_log(IntelSubmission))
    ids = session.scalars(
        select(Person.id).join(PersonState, PersonState.person_id == Person.id)
        .where(~newer, PersonState.leaving_date.is_not(None),
               PersonState.leaving_date <= left_by, still_named).distinct()).all()
    found._people = sorted(ids)
    found.people = len(found._people)
    found.identity_links = _count(session, IdentityLink, IdentityLink.person_id, ids)
    found.review_records = _count(session, UnmatchedRecord, UnmatchedRecord.person_id, ids)
    found.problem_values = len(_problems(session, found._people))
    found.audit_entries = len(_confirmations(session, found._people))
    found.log_officers = len(_log_rows(session, found._people))


def _in_log(table: type[Referral] | type[IntelSubmission]) -> Any:
    """A person's staff number is still an officer number in ``table`` (their collar
    number goes with the first purge, so only the staff number can be left over)."""
    return exists().where(and_(table.force_id == Person.force_id,
                               table.officer == Person.staff_number))


LogRow = tuple[type[Referral] | type[IntelSubmission], int, str]


def _log_rows(session: Session, ids: Sequence[int]) -> list[LogRow]:
    """(table, row id, new officer value) of referral and submission rows whose officer
    number is a leaver's staff number, or collar number (unless that is someone's staff
    number in the force: matching reads staff numbers first)."""
    numbers: dict[tuple[int, str], str] = {}
    for part in _chunks(ids):
        for pid, force, staff, collar in session.execute(
                select(Person.id, Person.force_id, Person.staff_number, Person.collar_number)
                .where(Person.id.in_(part))):
            if collar:
                numbers.setdefault((force, collar), officer_pseudonym(pid, collar=True))
            if staff:
                numbers[(force, staff)] = officer_pseudonym(pid, collar=False)
    staff_numbers = _staff_numbers(session, sorted({n for _f, n in numbers}))
    numbers = {key: new for key, new in numbers.items()
               if not new.endswith("(collar)") or key not in staff_numbers}
    found: list[LogRow] = []
    for table in (Referral, IntelSubmission):
        for part in _chunks(sorted({n for _f, n in numbers})):
            for row_id, force, officer in session.execute(
                    select(table.id, table.force_id, table.officer)
                    .where(table.officer.in_(part))):
                new = numbers.get((force, officer or ""))
                if new is not None:
                    found.append((table, row_id, new))
    return found


def _staff_numbers(session: Session, values: Sequence[str]) -> set[tuple[int, str]]:
    """(force id, staff number) of everyone whose staff number is one of ``values``."""
    return {(force, staff or "") for part in _chunks(values)
            for force, staff in session.execute(select(Person.force_id, Person.staff_number)
                                                .where(Person.staff_number.in_(part)))}


def _count(session: Session, table: Any, column: Any, ids: Sequence[int]) -> int:
    return sum(int(session.scalar(select(func.count()).select_from(table)
                                  .where(column.in_(part))) or 0) for part in _chunks(ids))


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _identifiers(session: Session, ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """(force id, lower-cased text) -> person id, for every name, e-mail and collar number a
    leaver had: on the roster, and in the review-queue records confirmed as them."""
    out: dict[tuple[int, str], int] = {}
    for part in _chunks(ids):
        for pid, force, *values in session.execute(
                select(Person.id, Person.force_id, Person.full_name, Person.email,
                       Person.collar_number, Person.surname, Person.forenames)
                .where(Person.id.in_(part))):
            named = [*values[:3], f"{values[4] or ''} {values[3] or ''}".strip()]
            out.update({(force, v.lower()): pid for v in named if v})
        for pid, force, name, payload in session.execute(
                select(UnmatchedRecord.person_id, Person.force_id, UnmatchedRecord.display_name,
                       UnmatchedRecord.payload)
                .join(Person, Person.id == UnmatchedRecord.person_id)
                .where(UnmatchedRecord.person_id.in_(part))):
            values = [name, *((payload or {}).get(k) for k in PERSONAL_PAYLOAD)]
            out.update({(force, str(v).lower()): pid for v in values if v})
    return out


def _problems(session: Session, ids: Sequence[int]) -> list[tuple[int, str, str, int]]:
    """(problem id, value, message, person id) of problems, in batches of a leaver's force,
    whose value is one of the leaver's identifiers."""
    known = _identifiers(session, ids)
    texts = sorted({text for _force, text in known})
    found: list[tuple[int, str, str, int]] = []
    for part in _chunks(texts):
        rows = session.execute(
            select(ImportProblem.id, ImportProblem.value, ImportProblem.message,
                   ImportBatch.force_id)
            .join(ImportBatch, ImportBatch.id == ImportProblem.batch_id)
            .where(func.lower(ImportProblem.value).in_(part)))
        for pid, value, message, force in rows:
            owner = known.get((force or 0, (value or "").lower()))
            if owner is not None and value:
                found.append((pid, value, message, owner))
    return found


def _purge_leavers(session: Session, found: Purge) -> None:
    ids = found._people
    for table, row_id, officer in _log_rows(session, ids):  # before collar numbers go
        session.execute(update(table).where(table.id == row_id).values(officer=officer))
    for part in _chunks(ids):
        session.execute(delete(IdentityLink).where(IdentityLink.person_id.in_(part)))
    for problem, value, message, owner in _problems(session, ids):
        session.execute(update(ImportProblem).where(ImportProblem.id == problem).values(
            value=pseudonym(owner), message=message.replace(value, pseudonym(owner))))
    for record in _records(session, ids):
        assert record.person_id is not None
        record.display_name = pseudonym(record.person_id)
        record.identity_key = f"purged:{record.id}"
        record.payload = {**record.payload, **dict.fromkeys(PERSONAL_PAYLOAD)}
    for event in _confirmations(session, ids):
        event.detail = {**(event.detail or {}), "identity_key": "purged"}
    for part in _chunks(ids):
        for person in session.scalars(select(Person).where(Person.id.in_(part))):
            person.full_name = pseudonym(person.id)
            person.email = person.collar_number = person.surname = person.forenames = None


def _confirmations(session: Session, ids: Sequence[int]) -> list[AuditEvent]:
    """Audit entries of matches confirmed as a leaver: their detail holds the learner's
    identity key (a name or an e-mail). Who confirmed what, and when, stays."""
    wanted = set(ids)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "match-confirm"))
    return [e for e in events if (e.detail or {}).get("person_id") in wanted
            and (e.detail or {}).get("identity_key") != "purged"]


def _records(session: Session, ids: Sequence[int]) -> list[UnmatchedRecord]:
    return [r for part in _chunks(ids) for r in session.scalars(
        select(UnmatchedRecord).where(UnmatchedRecord.person_id.in_(part)))]


# ---------------------------------------------------------------- kept files


def _plan_files(session: Session, found: Purge, before: dt.date) -> None:
    """Kept files stored, and last uploaded, before ``before``."""
    found.files_uploaded_before = before
    cut = dt.datetime.combine(before, dt.time())
    recent = exists().where(and_(ImportBatch.sha256 == ImportFile.sha256,
                                 ImportBatch.imported_at >= cut))
    rows = session.execute(select(ImportFile.sha256, ImportFile.size)
                           .where(ImportFile.stored_at < cut, ~recent)).all()
    found._files = sorted(sha for sha, _size in rows)
    found.kept_files = len(rows)
    found.kept_bytes = sum(int(size) for _sha, size in rows)


def _purge_files(session: Session, found: Purge) -> None:
    for part in _chunks(found._files):
        session.execute(delete(ImportFile).where(ImportFile.sha256.in_(part)))
