"""Problems are values, collected into a report; a flood of one kind is capped."""

from __future__ import annotations

from tracker.messages import problems
from tracker.messages.problems import Code, Problem, Report, Severity


def _bad_date(row: int) -> Problem:
    return Problem(Code.BAD_DATE, Severity.ERROR, "not a date", row=row, column="Date",
                   value="31/02/2026", file="lms.csv")


def test_report_flattens_and_counts() -> None:
    report = Report()
    report.add(_bad_date(4))
    report.add(Problem(Code.UNKNOWN_RANK, Severity.WARNING, "unknown rank", row=7,
                       column="Rank", value="Grand Vizier"))
    assert report.flatten(["row", "column", "code"]) == [
        [4, "Date", "bad-date"], [7, "Rank", "unknown-rank"]]
    assert [p.code for p in report.errors] == [Code.BAD_DATE]
    assert [p.code for p in report.warnings] == [Code.UNKNOWN_RANK]
    assert report.counts() == {"bad-date": 1, "unknown-rank": 1}


def test_describe_names_file_row_and_column() -> None:
    assert _bad_date(4).describe() == 'lms.csv, row 4, column "Date": not a date'


def test_a_million_bad_rows_do_not_make_a_million_problems(monkeypatch) -> None:
    monkeypatch.setattr(problems, "MAX_PROBLEMS_PER_CODE", 5)
    report = Report()
    report.extend(_bad_date(r) for r in range(2, 22))
    assert len(report.problems) == 5
    assert report.counts() == {"bad-date": 20}


def test_add_many_builds_only_the_problems_kept_and_counts_the_rest(monkeypatch) -> None:
    monkeypatch.setattr(problems, "MAX_PROBLEMS_PER_CODE", 5)
    report = Report()
    report.add(_bad_date(2))
    asked: list[int] = []

    def build(room: int) -> list[Problem]:
        asked.append(room)
        return [_bad_date(r) for r in range(3, 3 + room)]

    report.add_many(Code.BAD_DATE, 100, build)
    report.add_many(Code.UNKNOWN_RANK, 0, build)
    assert asked == [4, 0]
    assert report.flatten(["row"]) == [[2], [3], [4], [5], [6]]
    assert report.dropped == {"bad-date": 96}
    assert report.counts() == {"bad-date": 101}


def test_a_report_made_from_problems_keeps_the_cap(monkeypatch) -> None:
    monkeypatch.setattr(problems, "MAX_PROBLEMS_PER_CODE", 2)
    report = Report(problems=[_bad_date(2), _bad_date(3)])
    report.add(_bad_date(4))
    assert (len(report.problems), report.counts()) == (2, {"bad-date": 3})
