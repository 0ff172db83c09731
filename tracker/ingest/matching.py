"""Matching learners in completion records to people, vectorised over whole files.

Order (each step only sees records the earlier steps left unmatched):

1. confirmed identity links (``IdentityLink``: a person said "this LMS learner is that
   roster person"), so a link always wins on later imports;
2. staff number, within the learner's force;
3. collar number, within the force (only when exactly one person holds it);
4. email, case-blind, within the force (only when exactly one person holds it);
5. a username that is the local part of exactly one person's e-mail (many forces' LMS log-in
   is the e-mail's user name), within the force;
6. the exact normalised full name plus one more agreeing attribute (collar number, unit or
   the local part of the email), when exactly one person agrees.

Fuzzy candidates (rapidfuzz) are only *suggested* for records left in the review queue
(``suggest_matches``); a person confirms (``confirm_match``) or rejects (``reject_match``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tracker.ingest import import_lock
from tracker.ingest.records import RosterKeys
from tracker.messages.hints import Advised, Refusal
from tracker.reference import vocab
from tracker.reference.text import fold
from tracker.store import audit
from tracker.store.db import cursor_frame, unit_of_work
from tracker.store.models import (
    Completion,
    CompletionEvidence,
    Force,
    IdentityLink,
    ImportBatch,
    Module,
    Person,
    PersonState,
    UnmatchedRecord,
)

SUGGEST_CUTOFF = 85
AUTO_LINK_ACTOR = "system:delegate"  # links made for delegates created by an import
_COMBINING = r"\p{M}"  # combining marks (RE2 syntax, as Arrow uses)


class MatchError(Advised):
    """A review-queue action that cannot be done (the message says why and what to do)."""


# ---------------------------------------------------------------- normalisation (vectorised)

def _arrow_text(values: pd.Series) -> pa.ChunkedArray:
    """A column as Arrow strings (missing stays null), for vectorised text functions."""
    text = values.astype("str")
    return pa.chunked_array([pa.array(text, type=pa.string(), from_pandas=True)])


def _from_arrow(array: pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """Back to an object column, None for null or blank."""
    blank = pc.fill_null(pc.equal(array, ""), True)
    array = pc.if_else(blank, pa.scalar(None, pa.string()), array)
    return pd.Series(array.to_numpy(zero_copy_only=False), index=index, dtype=object)


def fold_series(values: pd.Series) -> pd.Series:
    """``tracker.reference.text.fold`` over a whole column (object dtype, None for
    missing/empty)."""
    text = pc.utf8_lower(pc.replace_substring_regex(
        pc.utf8_normalize(_arrow_text(values), "NFKD"), _COMBINING, ""))
    text = pc.replace_substring(text, "&", " and ")
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"[^0-9a-z]+", " "))
    return _from_arrow(text, values.index)


def _none_if_blank(values: pd.Series) -> pd.Series:
    out = values.astype(object)
    return out.where(out.notna() & (out != ""), None)


def clean_text(values: pd.Series, lower: bool = False) -> pd.Series:
    """Trimmed text as object dtype, None for missing or blank."""
    text = pc.utf8_trim_whitespace(_arrow_text(values))
    return _from_arrow(pc.utf8_lower(text) if lower else text, values.index)


def _email_local(email: pd.Series) -> pd.Series:
    """The part of an email address before the @ (None when missing)."""
    local = pc.replace_substring_regex(_arrow_text(email), "@.*$", "")
    return _from_arrow(local, email.index)


def _key_part(records: pd.DataFrame, field: str) -> pd.Series:
    """One field as identity keys hold it: names and units folded, e-mails and usernames
    lower case, numbers trimmed."""
    if field in ("full_name", "unit"):
        return fold_series(records[field])
    return clean_text(records[field], lower=field in ("email", "username"))


# Identity key kinds, most trusted first: (label, field) parts joined as ``label:value|...``.
IDENTITY_KEYS: list[tuple[tuple[str, str], ...]] = [
    (("email", "email"),), (("username", "username"),), (("staff", "staff_number"),),
    (("name", "full_name"), ("collar", "collar_number")), (("collar", "collar_number"),),
    (("name", "full_name"), ("unit", "unit")), (("name", "full_name"),),
]


def _identity_key(records: pd.DataFrame, parts: tuple[tuple[str, str], ...]) -> pd.Series:
    """Keys of one kind (NaN where a part is missing)."""
    key: pd.Series | None = None
    for label, field in parts:
        part = f"{label}:" + _key_part(records, field)
        key = part if key is None else key + "|" + part
    assert key is not None
    return key


def identity_keys(records: pd.DataFrame) -> pd.Series:
    """The normalised identity of each record's learner, the key ``IdentityLink`` stores:
    ``email:...``, else ``username:...``, ``staff:...``, ``name:...|collar:...``,
    ``collar:...``, ``name:...|unit:...``, ``name:...``. Each kind of key is worked out only
    for the records the kinds before it left without one."""
    keys = pd.Series(None, index=records.index, dtype=object)
    for parts in IDENTITY_KEYS:
        todo = keys.isna().to_numpy()
        if not todo.any():
            break
        keys[todo] = _identity_key(records[todo], parts).astype(object)
    return _none_if_blank(keys)


def learner_frame(records: pd.DataFrame, force_ids: pd.Series) -> pd.DataFrame:
    """The identifiers matching works on, one row per record (same index); the raw name and
    unit ride along for ``with_name_keys``, which only the name step needs."""
    return pd.DataFrame({
        "force_id": force_ids.astype("Int64"),
        "staff_number": clean_text(records["staff_number"]),
        "collar_number": clean_text(records["collar_number"]),
        "email": clean_text(records["email"], lower=True),
        "username": records["username"],
        "full_name": records["full_name"],
        "unit": records["unit"],
        "identity_key": identity_keys(records),
    }, index=records.index)


def with_name_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with cleaned ``email``, raw ``full_name`` and ``unit``) plus the keys the
    name step compares: the folded name and unit, and the e-mail's local part."""
    return frame.assign(email_local=_email_local(frame["email"]),
                        name_key=fold_series(frame["full_name"]),
                        unit_key=fold_series(frame["unit"]))


# ---------------------------------------------------------------- what the database knows

def frame_of(session: Session, stmt: Any, columns: list[str]) -> pd.DataFrame:
    """A query's rows as a DataFrame of object columns, read through the DBAPI cursor of the
    session's connection (plain tuples into one object array: several times quicker for a
    quarter of a million rows than result objects). Values come as the driver gives them
    (SQLite: dates as ISO text, booleans as 0/1); parameters are bound as literals."""
    conn = session.connection()
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    # no parameters: psycopg leaves a % in the text alone
    return cursor_frame(conn.connection.dbapi_connection, sql, None, columns)


class Roster:
    """The people of some forces, read as the matching steps need them: one identifier
    column at a time (cheap), and only when records reach the name step, the name keys with
    each person's latest unit (a window over every roster state)."""

    def __init__(self, session: Session, force_ids: list[int]) -> None:
        self._session, self._force_ids = session, force_ids
        self._keys: dict[str, pd.DataFrame] = {}
        self._named: pd.DataFrame | None = None

    def key(self, column: str) -> pd.DataFrame:
        """person_id, force_id and one cleaned identifier column (staff_number,
        collar_number or email) of every person."""
        if column not in self._keys:
            stmt = (select(Person.id, Person.force_id, getattr(Person, column))
                    .where(Person.force_id.in_(self._force_ids)))
            raw = frame_of(self._session, stmt, ["person_id", "force_id", column])
            self._keys[column] = pd.DataFrame({
                "person_id": _ids(raw["person_id"]), "force_id": _ids(raw["force_id"]),
                column: clean_text(raw[column], lower=column == "email")})
        return self._keys[column]

    def named(self) -> pd.DataFrame:
        """Every person's collar number and e-mail with the name keys (``with_name_keys``)
        of their name and latest unit."""
        if self._named is None:
            latest = (select(PersonState.person_id, PersonState.unit,
                             func.row_number().over(
                                 partition_by=PersonState.person_id,
                                 order_by=(PersonState.as_of.desc(), PersonState.id.desc()))
                             .label("rn")).subquery())
            stmt = (select(Person.id, Person.full_name, latest.c.unit)
                    .outerjoin(latest, (latest.c.person_id == Person.id) & (latest.c.rn == 1))
                    .where(Person.force_id.in_(self._force_ids)))
            names = frame_of(self._session, stmt, ["person_id", "full_name", "unit"])
            names["person_id"] = _ids(names["person_id"])
            people = self.key("collar_number").merge(self.key("email"),
                                                     on=["person_id", "force_id"])
            self._named = with_name_keys(people.merge(names, on="person_id"))
        return self._named


def roster_keys(engine: Engine, force_code: str) -> RosterKeys:
    """The identifiers on a force's roster (``RosterKeys``), for recognising a file's
    identifier columns by their values. Empty for a force with nobody yet."""
    stmt = (select(Person.staff_number, Person.collar_number, Person.email)
            .join(Force, Force.id == Person.force_id).where(Force.code == force_code))
    with unit_of_work(engine) as session:
        frame = frame_of(session, stmt, ["staff_number", "collar_number", "email"])
    email = clean_text(frame["email"], lower=True).dropna()
    return RosterKeys(
        staff_number=frozenset(clean_text(frame["staff_number"]).dropna()),
        collar_number=frozenset(clean_text(frame["collar_number"]).dropna()),
        email=frozenset(email), email_local=frozenset(_email_local(email).dropna()))


def _ids(values: pd.Series) -> pd.Series:
    """An id column that is never NULL, as Int64 (through int64: quicker from objects)."""
    return values.astype("int64").astype("Int64")


def links_frame(session: Session, force_ids: list[int]) -> pd.DataFrame:
    stmt = select(IdentityLink.force_id, IdentityLink.identity_key, IdentityLink.person_id).where(
        IdentityLink.force_id.in_(force_ids))
    frame = frame_of(session, stmt, ["force_id", "identity_key", "person_id"])
    return frame.astype({"force_id": "Int64", "person_id": "Int64", "identity_key": object})


# ---------------------------------------------------------------- the matching steps

def _unique_merge(todo: pd.DataFrame, people: pd.DataFrame, keys: list[str]) -> pd.Series:
    """person_id for records whose ``keys`` match exactly one person (index: record)."""
    right = people.dropna(subset=keys).drop_duplicates(keys, keep=False)[[*keys, "person_id"]]
    left = todo[keys].dropna().rename_axis("_rec").reset_index()
    merged = left.merge(right, on=keys, how="inner")
    return merged.set_index("_rec")["person_id"]


def _by_link(todo: pd.DataFrame, _roster: Roster, links: pd.DataFrame) -> pd.Series:
    return _unique_merge(todo, links, ["force_id", "identity_key"])


def _by_staff(todo: pd.DataFrame, roster: Roster, _links: pd.DataFrame) -> pd.Series:
    return _unique_merge(todo, roster.key("staff_number"), ["force_id", "staff_number"])


def _by_collar(todo: pd.DataFrame, roster: Roster, _links: pd.DataFrame) -> pd.Series:
    return _unique_merge(todo, roster.key("collar_number"), ["force_id", "collar_number"])


def _by_email(todo: pd.DataFrame, roster: Roster, _links: pd.DataFrame) -> pd.Series:
    return _unique_merge(todo, roster.key("email"), ["force_id", "email"])


def _by_username(todo: pd.DataFrame, roster: Roster, _links: pd.DataFrame) -> pd.Series:
    """A username equal to the local part of one person's e-mail, case blind."""
    if "username" not in todo or todo["username"].isna().all():
        return pd.Series(dtype="Int64")
    people = roster.key("email")
    people = people.assign(username=_email_local(people["email"]))
    left = todo.assign(username=clean_text(todo["username"], lower=True))
    return _unique_merge(left, people, ["force_id", "username"])


def _by_name(todo: pd.DataFrame, roster: Roster, _links: pd.DataFrame) -> pd.Series:
    """Exact name plus one more agreeing attribute; only when one person agrees."""
    left = with_name_keys(todo).dropna(subset=["force_id", "name_key"])
    left = left.rename_axis("_rec").reset_index()
    right = roster.named().dropna(subset=["name_key"])
    pairs = left.merge(right, on=["force_id", "name_key"], suffixes=("", "_p"))
    agree = np.zeros(len(pairs), dtype=bool)
    for col in ("collar_number", "unit_key", "email_local"):
        both = pairs[col].notna() & pairs[f"{col}_p"].notna()
        if col == "email_local":
            both &= ~_other_organisation(pairs)
        agree |= (both & (pairs[col] == pairs[f"{col}_p"])).to_numpy(bool)
    pairs = pairs.loc[agree, ["_rec", "person_id"]].drop_duplicates()
    pairs = pairs[~pairs["_rec"].duplicated(keep=False)]
    return pairs.set_index("_rec")["person_id"]


def _other_organisation(pairs: pd.DataFrame) -> pd.Series:
    """True where the record's e-mail is at another organisation than the person's (the
    first label of the domain differs: ``dorset.police.uk`` is not ``avonandsomerset...``).
    A namesake at another force shares a name and often the e-mail's local part, so the
    local part is evidence only within one organisation."""
    def org(email: pd.Series) -> pd.Series:
        return email.astype(object).str.extract(r"@([^.]+)", expand=False)

    mine, theirs = org(pairs["email"]), org(pairs["email_p"])
    return (mine.notna() & theirs.notna() & (mine != theirs)).fillna(False)


Step = Callable[[pd.DataFrame, Roster, pd.DataFrame], pd.Series]
STEPS: list[tuple[str, Step]] = [
    ("link", _by_link), ("staff", _by_staff), ("collar", _by_collar),
    ("email", _by_email), ("username", _by_username), ("name", _by_name),
]


def match_learners(learners: pd.DataFrame, roster: Roster,
                   links: pd.DataFrame) -> pd.DataFrame:
    """``person_id`` (Int64, NA when unmatched) and ``matched_by`` per learner row."""
    person = pd.Series(pd.NA, index=learners.index, dtype="Int64")
    matched_by = pd.Series(None, index=learners.index, dtype=object)
    for name, step in STEPS:
        todo = learners[person.isna()]
        if todo.empty:
            break
        found = step(todo, roster, links)
        person.loc[found.index] = found.astype("Int64")
        matched_by.loc[found.index] = name
    return pd.DataFrame({"person_id": person, "matched_by": matched_by})


# ---------------------------------------------------------------- the review queue

@dataclass(frozen=True)
class Suggestion:
    person_id: int
    full_name: str
    staff_number: str | None
    collar_number: str | None
    email: str | None
    score: float
    rank: str | None = None  # latest roster rank, as HR wrote it
    unit: str | None = None  # latest roster unit
    agrees: tuple[str, ...] = ()  # what else agrees with the record: unit, rank, collar, email

    def describe(self) -> str:
        """One line for a person choosing: name, staff number, rank, unit, evidence."""
        parts = [self.full_name, self.staff_number or "no staff number",
                 self.rank or "rank unknown", self.unit or "unit unknown",
                 f"name score {self.score:.0f}"]
        if self.agrees:
            parts.append("same " + " and ".join(self.agrees))
        return " · ".join(parts)


def _open_record(session: Session, unmatched_id: int) -> UnmatchedRecord:
    record = session.get(UnmatchedRecord, unmatched_id)
    if record is None:
        raise MatchError(f"No unmatched record {unmatched_id}.", Refusal.NO_UNMATCHED_RECORD)
    if record.status != "open":
        raise MatchError(f"Unmatched record {unmatched_id} is already {record.status} "
                         f"(by {record.resolved_by}); nothing to do.")
    return record


def suggest_matches(engine: Engine, unmatched_id: int, limit: int = 5) -> list[Suggestion]:
    """Roster people of the record's force whose name is close (score >= 85), those with
    more agreeing evidence (unit, rank, collar, email) first, then by name score."""
    with unit_of_work(engine) as session:
        record = session.get(UnmatchedRecord, unmatched_id)
        if record is None:
            raise MatchError(f"No unmatched record {unmatched_id}.",
                             Refusal.NO_UNMATCHED_RECORD)
        payload: dict[str, Any] = dict(record.payload or {})
        name = fold(record.display_name or payload.get("full_name") or "")
        rows = session.execute(
            select(Person.id, Person.full_name, Person.staff_number, Person.collar_number,
                   Person.email).where(Person.force_id == record.force_id)).all()
        if not name or not rows:
            return []
        choices = {row.id: fold(row.full_name) for row in rows}
        found = process.extract(name, choices, scorer=fuzz.token_sort_ratio,
                                score_cutoff=SUGGEST_CUTOFF, limit=limit * 4)
        states = _latest_states(session, [pid for _c, _s, pid in found])
    by_id = {row.id: row for row in rows}
    suggestions = [_suggestion(by_id[pid], float(score), states.get(pid), payload)
                   for _choice, score, pid in found]
    suggestions.sort(key=lambda s: (len(s.agrees), s.score), reverse=True)
    return suggestions[:limit]


def _latest_states(session: Session, person_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """{person id: (rank_raw, rank, unit)} from each person's newest roster state."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(PersonState.person_id, PersonState.rank_raw, PersonState.rank, PersonState.unit)
        .where(PersonState.person_id.in_(person_ids)).order_by(PersonState.as_of)).all()
    return {row.person_id: (row.rank_raw, row.rank, row.unit) for row in rows}


def _suggestion(person: Any, score: float, state: tuple[Any, ...] | None,
                payload: dict[str, Any]) -> Suggestion:
    rank_raw, rank, unit = state or (None, None, None)
    wanted_rank = vocab.ranks().lookup(payload.get("rank_raw"))
    checks = {
        "unit": bool(unit and payload.get("unit") and fold(unit) == fold(payload["unit"])),
        "rank": bool(rank and wanted_rank and wanted_rank.rank.code == rank),
        "collar": bool(person.collar_number
                       and person.collar_number == payload.get("collar_number")),
        "email": bool(person.email and payload.get("email")
                      and person.email.split("@")[0] == str(payload["email"]).split("@")[0]),
    }
    return Suggestion(person.id, person.full_name, person.staff_number, person.collar_number,
                      person.email, score, rank_raw, unit,
                      tuple(name for name, ok in checks.items() if ok))


def confirm_match(engine: Engine, unmatched_id: int, person_id: int, actor: str) -> int:
    """Link the record's learner to ``person_id`` (stored, reapplied on later imports) and
    record the completion, for this record and every open record of the same learner.
    Returns how many records were resolved."""
    with unit_of_work(engine) as session:
        import_lock.take(session)  # it writes completions, as an import does
        record = _open_record(session, unmatched_id)
        person = session.get(Person, person_id)
        if person is None:
            raise MatchError(f"No person {person_id}; give a person id or a staff number.")
        _store_link(session, record, person_id, actor)
        same = session.scalars(select(UnmatchedRecord).where(
            UnmatchedRecord.status == "open", UnmatchedRecord.force_id == record.force_id,
            UnmatchedRecord.identity_key == record.identity_key)).all()
        for item in same:
            _apply_record(session, item, person_id, actor)
        audit.record(session, actor, "match-confirm", f"unmatched:{unmatched_id}",
                     person_id=person_id, identity_key=record.identity_key,
                     records=[item.id for item in same])
        return len(same)


def _store_link(session: Session, record: UnmatchedRecord, person_id: int, actor: str) -> None:
    link = session.scalars(select(IdentityLink).where(
        IdentityLink.force_id == record.force_id,
        IdentityLink.identity_key == record.identity_key)).first()
    if link is None:
        session.add(IdentityLink(force_id=record.force_id, identity_key=record.identity_key,
                                 person_id=person_id, confirmed_by=actor))
    elif link.person_id != person_id:
        raise MatchError(f"{record.identity_key} is already linked to person {link.person_id}; "
                         "nothing was changed.")


def _apply_record(session: Session, record: UnmatchedRecord, person_id: int,
                  actor: str) -> None:
    """Store the record's completion (once per person, module, date) with the record's batch
    and row as its first report, or as evidence when another batch reported it first."""
    payload: dict[str, Any] = record.payload
    module_id = session.scalars(select(Module.id).where(
        Module.code == payload["module_code"])).one()
    done_on = dt.date.fromisoformat(payload["completed_on"])
    completion = session.scalars(select(Completion).where(
        Completion.person_id == person_id, Completion.module_id == module_id,
        Completion.completed_on == done_on)).first()
    if completion is None:
        batch = session.get(ImportBatch, record.batch_id)
        session.add(Completion(person_id=person_id, module_id=module_id, completed_on=done_on,
                               source=batch.kind if batch else "review",
                               batch_id=record.batch_id, row=record.row,
                               raw_status=payload.get("raw_status"),
                               raw_title=payload.get("raw_title"), score=payload.get("score")))
    elif completion.batch_id != record.batch_id and session.scalars(
            select(CompletionEvidence.id).where(
                CompletionEvidence.completion_id == completion.id,
                CompletionEvidence.batch_id == record.batch_id)).first() is None:
        session.add(CompletionEvidence(completion_id=completion.id, batch_id=record.batch_id,
                                       row=record.row))
    record.status, record.person_id = "confirmed", person_id
    record.resolved_by, record.resolved_at = actor, dt.datetime.now(dt.UTC).replace(tzinfo=None)


def reject_match(engine: Engine, unmatched_id: int, actor: str) -> None:
    """Close the record as not ours (kept for the audit trail; no completion stored)."""
    with unit_of_work(engine) as session:
        import_lock.take(session)  # a plan reads the queue: it must see this, or not yet
        record = _open_record(session, unmatched_id)
        record.status, record.resolved_by = "rejected", actor
        record.resolved_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        audit.record(session, actor, "match-reject", f"unmatched:{unmatched_id}",
                     identity_key=record.identity_key)


def resolve_person(engine: Engine, unmatched_id: int, person: str) -> int:
    """A person id, or a staff number within the record's force, as a person id."""
    with unit_of_work(engine) as session:
        record = _open_record(session, unmatched_id)
        by_staff = session.scalars(select(Person.id).where(
            Person.force_id == record.force_id, Person.staff_number == person.strip())).first()
        if by_staff is not None:
            return by_staff
        if person.strip().isdigit() and session.get(Person, int(person)) is not None:
            return int(person)
    raise MatchError(f"No person with id or staff number {person!r} in the record's force.",
                     Refusal.NO_PERSON_TO_MATCH)
