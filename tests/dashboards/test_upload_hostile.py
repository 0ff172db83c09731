"""Hostile uploads on the Upload page's action: odd names are written safely, and a file
whose reader dies is a refusal on the page, not a dead server."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dashboards import actions
from tests.dashboards.conftest import as_user
from tests.imports.test_isolated import aborting_reader

LMS = (b"Staff Number,Full Name,Course Title,Completion Date\n"
       b"1001,Ann Lee,OIC Module 1,13/01/2026\n")


@pytest.mark.parametrize("name", ["..", ".", "", "lms\x00.csv", "l" * 300 + ".csv",
                                  "../../etc/passwd.csv", "C:\\Users\\x\\lms.csv"])
def test_odd_upload_names_are_read_under_a_safe_name(db: Engine, name: str) -> None:
    upload = actions.plan_upload(name, LMS, as_user(db, "demo-lead"), "avon-and-somerset",
                                 kind=None, as_of=None, full_roster=False)
    if name.endswith(".csv"):
        assert upload.plan is not None
        assert "\x00" not in upload.plan.parsed.file_name
        assert len(upload.plan.parsed.file_name) <= 255
    else:  # no extension: refused for that, with a message
        assert upload.plan is None
        assert upload.error is not None
        assert "cannot be imported; use an .xlsx, .xlsm, .ods, .csv, .tsv or .txt export" in (
            upload.error)


def test_a_reader_that_dies_is_a_refusal_on_the_page(db: Engine,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from imports import isolated

    real = isolated.parse_isolated
    monkeypatch.setattr(isolated, "parse_isolated",
                        lambda path, **kw: real(path, reader=aborting_reader, **kw))
    upload = actions.plan_upload("lms.csv", LMS, as_user(db, "demo-lead"), "avon-and-somerset",
                                 kind=None, as_of=None, full_roster=False)
    assert upload.plan is None
    assert upload.error is not None
    assert upload.error.startswith("lms.csv: this file could not be read safely: the reader "
                                   "stopped (signal 6, SIGABRT;")
