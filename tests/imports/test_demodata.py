"""The synthetic generator's files read back as its manifest says they were written."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from imports import parse_file

demodata = pytest.importorskip("demodata")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("demo")
    return out, demodata.generate(out, people=400)


def test_every_file_reads_as_the_manifest_says(demo: tuple[Path, object]) -> None:
    out, manifest = demo
    today = manifest.today  # type: ignore[attr-defined]
    for entry in manifest.files:  # type: ignore[attr-defined]
        parsed = parse_file(out / entry.path, today=today)
        assert parsed.kind.value == entry.kind, entry.path
        assert parsed.header_row == entry.header_row, entry.path
        assert parsed.rows_read == entry.rows, entry.path
        counts = entry.counts
        if entry.kind == "hr-roster":
            assert parsed.as_of == entry.as_of
            assert dict(Counter(parsed.records["workforce_type"])) == counts["workforce_type"]
            assert dict(Counter(parsed.records["status"])) == counts["status"]
            assert parsed.report.counts().get("unknown-department", 0) == counts[
                "unmapped_departments"]
        elif "completed_rows" in counts:
            got = Counter(parsed.records["module_code"])
            got.update({"dup": parsed.detail["duplicates"]})
            assert sum(got.values()) == sum(counts["completed_rows"].values()), entry.path
        elif "accepted_rows" in counts:  # the referral and submission logs
            assert len(parsed.records) == counts["accepted_rows"], entry.path
        else:
            assert len(parsed.records) == counts["attended_rows"], entry.path


def test_dates_are_never_in_the_future(demo: tuple[Path, object]) -> None:
    out, manifest = demo
    for entry in manifest.files:  # type: ignore[attr-defined]
        parsed = parse_file(out / entry.path, today=manifest.today)  # type: ignore[attr-defined]
        if "completed_on" in parsed.records:
            assert (parsed.records["completed_on"] <= dt.date(2026, 11, 30)).all()
