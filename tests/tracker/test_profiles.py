"""The source profile store: save, merge, load, list, mark used and delete, audited."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from imports.columns import IGNORE
from tracker.ingest import profiles
from tracker.ingest.records import Kind, Layout, ParsedFile
from tracker.messages.problems import Report
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent

FORCE = "avon-and-somerset"
HEADERS = ["Staff Number", "Surname", "Patch"]


def _save(engine: Engine, columns: dict[str, str], *, kind: Kind = Kind.HR_ROSTER,
          signature: str = "sig1", force: str = FORCE, actor: str = "lead") -> int:
    with unit_of_work(engine) as session:
        return profiles.save_profile(session, force, kind, signature, HEADERS, columns,
                                     actor).id


def _layouts(engine: Engine, force: str = FORCE,
             kind: Kind | None = None) -> dict[str, Layout]:
    with unit_of_work(engine) as session:
        return profiles.load_layouts(session, force, kind)


def test_save_then_load_the_forces_layouts(engine: Engine) -> None:
    _save(engine, {"Patch": "unit"})
    assert _layouts(engine) == {"sig1": Layout("sig1", Kind.HR_ROSTER, {"Patch": "unit"})}
    assert _layouts(engine, "wiltshire") == {}
    assert _layouts(engine, kind=Kind.LMS_LONG) == {}


def test_a_later_mapping_for_a_header_replaces_the_earlier_one(engine: Engine) -> None:
    first = _save(engine, {"Patch": "unit", "Surname": IGNORE})
    again = _save(engine, {"PATCH ": "role", "Staff Number": "staff_number"}, actor="other")
    assert again == first
    assert _layouts(engine)["sig1"].columns == {"Surname": IGNORE, "PATCH ": "role",
                                                "Staff Number": "staff_number"}
    with unit_of_work(engine) as session:
        [row] = profiles.list_profiles(session)
        assert (row.created_by, row.uses, row.last_used_at) == ("lead", 0, None)
        assert row.updated_at >= row.created_at


def test_one_profile_per_force_kind_and_signature(engine: Engine) -> None:
    ids = {_save(engine, {"Patch": "unit"}),
           _save(engine, {"Patch": "unit"}, kind=Kind.HYDRA),
           _save(engine, {"Patch": "unit"}, force="wiltshire"),
           _save(engine, {"Patch": "unit"}, signature="sig2")}
    assert len(ids) == 4
    with unit_of_work(engine) as session:
        assert [p.id for p in profiles.list_profiles(session, "wiltshire")] == [3]
        assert len(profiles.list_profiles(session)) == 4
    assert _layouts(engine, kind=Kind.HYDRA)["sig1"].kind is Kind.HYDRA


def test_mark_used_counts_the_uses(engine: Engine) -> None:
    profile_id = _save(engine, {"Patch": "unit"})
    for _ in range(2):
        with unit_of_work(engine) as session:
            profiles.mark_used(session, FORCE, Kind.HR_ROSTER, "sig1")
    with unit_of_work(engine) as session:
        row = profiles.get_profile(session, profile_id)
        assert row is not None and row.uses == 2 and row.last_used_at is not None
        assert profiles.describe(session, row)["force"] == FORCE


def test_delete_and_the_audit_trail(engine: Engine) -> None:
    profile_id = _save(engine, {"Patch": "unit"})
    with unit_of_work(engine) as session:
        assert profiles.delete_profile(session, profile_id, "boss") is not None
        assert profiles.delete_profile(session, profile_id + 1, "boss") is None
    assert _layouts(engine) == {}
    with unit_of_work(engine) as session:
        events = session.execute(select(AuditEvent.actor, AuditEvent.action,
                                        AuditEvent.target).order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [("lead", "save-profile", f"profile:{profile_id}"),
                                          ("boss", "delete-profile", f"profile:{profile_id}")]


def test_unknown_force_or_field_is_refused(engine: Engine) -> None:
    with pytest.raises(profiles.ProfileError, match="Unknown force 'atlantis'"):
        _save(engine, {"Patch": "unit"}, force="atlantis")
    with pytest.raises(profiles.ProfileError, match="Unknown field 'dept'; use one of: "):
        _save(engine, {"Patch": "dept"})


def _parsed(layout_used: bool) -> ParsedFile:
    return ParsedFile("r.csv", "0" * 64, Kind.HR_ROSTER, pd.DataFrame(), Report(), 3,
                      headers=HEADERS, signature="sig1", layout_used=layout_used)


def test_remember_saves_the_users_columns_as_the_file_spells_them(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        assert profiles.remember(session, FORCE, _parsed(False), {}, "lead") is None
    assert _layouts(engine) == {}
    with unit_of_work(engine) as session:
        profiles.remember(session, FORCE, _parsed(False), {"patch": "unit"}, "lead")
        profiles.remember(session, FORCE, _parsed(True), {}, "lead")
    with unit_of_work(engine) as session:
        [row] = profiles.list_profiles(session)
        assert (row.columns, row.headers, row.uses) == ({"Patch": "unit"}, HEADERS, 1)


@pytest.mark.parametrize(("text", "name"), [
    ("unit", "unit"), ("Department", "unit"), ("staff number", "staff_number"),
    ("Ignore", IGNORE), ("dept", None)])
def test_field_name_takes_a_name_or_a_label(text: str, name: str | None) -> None:
    assert profiles.field_name(text) == name


def test_ignore_is_the_importers() -> None:
    assert profiles.IGNORE == IGNORE
