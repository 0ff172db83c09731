"""A small two-force database for the dashboard tests, and AppTest helpers.

Avon and Somerset: 24 people (inspectors in Response and CID, constables in Response and
Neighbourhood, a PCSO, control-room staff), with some e-learning and Hydra completions and
one exemption. Wiltshire: 3 constables (so the National page has two forces)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import cli_db_url
from tracker import auth
from tracker.store.db import (
    force_ids,
    init_db,
    make_engine,
    module_ids,
    scratch_schema,
    unit_of_work,
)
from tracker.store.models import (
    Completion,
    CompletionEvidence,
    Exemption,
    ImportBatch,
    Person,
    PersonState,
    RosterSnapshot,
)

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboards" / "app.py"
VIEWS = ROOT / "dashboards" / "views"
TODAY = dt.date(2026, 3, 2)
TIMEOUT = 60

# (staff, name, workforce type, rank, department, e-learning modules done, hydra done)
PEOPLE = [
    ("1001", "Ann Able", "police_officer", "inspector", "response", 4, True),
    ("1002", "Bob Baker", "police_officer", "inspector", "response", 4, False),
    ("1003", "Cat Cole", "police_officer", "inspector", "cid", 2, True),
    ("1004", "Dan Dale", "police_officer", "inspector", "cid", 0, False),
    ("1005", "Eve East", "police_officer", "constable", "response", 4, False),
    ("1006", "Fay Fox", "police_officer", "constable", "response", 3, False),
    ("1007", "Gus Gray", "police_officer", "constable", "response", 4, False),
    ("1008", "Hal Hill", "police_officer", "constable", "response", 0, False),
    ("1009", "Ivy Ince", "police_officer", "constable", "neighbourhood", 4, False),
    ("1010", "Jon Jay", "police_officer", "constable", "neighbourhood", 1, False),
    ("1011", "Kim Kay", "police_officer", "constable", "neighbourhood", 4, False),
    ("1012", "Lee Lamb", "police_officer", "constable", "neighbourhood", 0, False),
    ("1013", "Mo Moss", "police_officer", "sergeant", "response", 4, False),
    ("1014", "Ned Nash", "police_officer", "sergeant", "neighbourhood", 2, False),
    ("1015", "Ola Orr", "pcso", "pcso", "neighbourhood", 4, False),
    ("1016", "Pat Pine", "police_staff", "staff", "control-room", 4, False),
    ("1017", "Quin Quay", "police_staff", "staff", "control-room", 0, False),
    ("1018", "Rae Reed", "police_staff", "staff", "corporate", 0, False),
    ("1019", "Sam Sims", "police_officer", "constable", "cid", 4, False),
    ("1020", "Tia Tate", "police_officer", "constable", "cid", 2, False),
    ("1021", "Uma Urry", "police_officer", "inspector", "roads-policing", 4, True),
    ("1022", "Vic Vale", "police_officer", "inspector", "control-room", 0, False),
    ("1023", "Wes Wade", "police_officer", "constable", "roads-policing", 4, False),
    ("1024", "Xan Xu", "police_officer", "constable", "roads-policing", 0, False),
]
OTHER_FORCE = [("9001", "Yan York"), ("9002", "Zoe Zane"), ("9003", "Al Amos")]


def seed(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        forces, modules = force_ids(session), module_ids(session)
        _roster(session, forces["avon-and-somerset"], modules, PEOPLE)
        other = [(s, n, "police_officer", "constable", "response", 4, False)
                 for s, n in OTHER_FORCE[:2]]
        other.append((OTHER_FORCE[2][0], OTHER_FORCE[2][1], "police_officer", "constable",
                      "response", 0, False))
        _roster(session, forces["wiltshire"], modules, other)


def _roster(session, force: int, modules: dict[str, int], people: list) -> None:  # type: ignore[no-untyped-def]
    batch = ImportBatch(file_name=f"roster-{force}.csv", sha256=f"{force:064d}",
                        kind="hr-roster", force_id=force, imported_by="seed", rows_read=len(people))
    session.add(batch)
    session.flush()
    snap = RosterSnapshot(force_id=force, batch_id=batch.id, as_of=dt.date(2025, 6, 1))
    lms = ImportBatch(file_name=f"lms-{force}.csv", sha256=f"{force + 100:064d}",
                      kind="lms-long", force_id=force, imported_by="seed")
    session.add_all([snap, lms])
    session.flush()
    for staff, name, workforce, rank, dept, el_done, hydra in people:
        person = Person(force_id=force, staff_number=staff, full_name=name,
                        email=f"{name.lower().replace(' ', '.')}@example.police.uk")
        session.add(person)
        session.flush()
        session.add(PersonState(snapshot_id=snap.id, person_id=person.id, as_of=snap.as_of,
                                workforce_type=workforce, rank=rank, department=dept,
                                unit=dept.title(), start_date=dt.date(2015, 1, 1),
                                status="active"))
        done = [f"oic-el-{i}" for i in range(1, el_done + 1)] + (["oic-hydra"] if hydra else [])
        for i, module in enumerate(done):
            completion = Completion(person_id=person.id, module_id=modules[module],
                                    completed_on=dt.date(2025, 9, 1) + dt.timedelta(days=7 * i),
                                    source="lms-long", batch_id=lms.id)
            session.add(completion)
            session.flush()
            session.add(CompletionEvidence(completion_id=completion.id, batch_id=lms.id))
        if staff == "1004":
            session.add(Exemption(person_id=person.id, requirement="oic-hydra",
                                  reason="Career break", starts_on=dt.date(2025, 10, 1),
                                  recorded_by="seed"))


def _ready(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The dashboard's database: schema, seeded force, demo users; the app pointed at it."""
    init_db(engine)
    seed(engine)
    auth.ensure_demo_users(engine)
    monkeypatch.setenv("TRACKER_DB_URL", cli_db_url(engine))
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TRACKER_TODAY", TODAY.isoformat())
    monkeypatch.delenv("TRACKER_AUTH", raising=False)
    monkeypatch.delenv("TRACKER_RULES", raising=False)
    return engine


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'dash.db'}")
    yield _ready(engine, tmp_path, monkeypatch)
    engine.dispose()


def as_user(engine: Engine, username: str) -> auth.CurrentUser:
    result = auth.authenticate(engine, username, auth.DEMO_USERS[username][1])
    assert result.user is not None
    return result.user


def app_for(engine: Engine, username: str | None, page: str | None = None) -> AppTest:
    """The app run once as ``username`` (logged in through the session), on ``page``."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if username is not None:
        at.session_state["tracker_user"] = as_user(engine, username)
        at.session_state["tracker_session_clock"] = auth.SessionClock()
    at.run()
    if page is not None:
        at.switch_page(f"views/{page}.py").run()
    return at


def page_alone(engine: Engine, username: str, page: str) -> AppTest:
    """A page script run on its own (as if reached by a crafted URL), as ``username``."""
    at = AppTest.from_file(str(VIEWS / f"{page}.py"), default_timeout=TIMEOUT)
    at.session_state["tracker_user"] = as_user(engine, username)
    at.session_state["tracker_session_clock"] = auth.SessionClock()
    return at.run()


@pytest.fixture
def pg_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The same database on PostgreSQL (a schema of its own), when
    TRACKER_TEST_POSTGRES_URL is set; skipped otherwise."""
    base = os.environ.get("TRACKER_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("TRACKER_TEST_POSTGRES_URL is not set")
    with scratch_schema(base, "d") as engine:
        yield _ready(engine, tmp_path, monkeypatch)
