"""Data problems are values: a ``Problem`` per bad cell or row, collected for a whole file
into a ``Report`` (an import plan's problems are one too), which keeps at most
MAX_PROBLEMS_PER_CODE of a code and counts the rest.

Row numbers are the ones a person sees in Excel (the header row included), so they can find
the row. Codes are an Enum; a problem's message says what happened and names no command and
no page. Each code's title and "what to do" hint per face (command line, dashboard) are in
``tracker.messages.hints``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # the row is rejected
    WARNING = "warning"  # the row is kept; the user should look


class Code(StrEnum):
    # file level
    UNREADABLE_FILE = "unreadable-file"
    UNSUPPORTED_FORMAT = "unsupported-format"
    FILE_TOO_LARGE = "file-too-large"
    UNSAFE_FILE = "unsafe-file"  # a zip bomb, or a reader stopped by its memory or time limit
    UNKNOWN_KIND = "unknown-kind"
    MISSING_COLUMN = "missing-column"
    NO_DATA = "no-data"
    AMBIGUOUS_DATES = "ambiguous-dates"
    PRIOR_LEARNING = "prior-learning"
    ALREADY_IMPORTED = "already-imported"
    # row level
    MISSING_IDENTIFIER = "missing-identifier"
    MISSING_VALUE = "missing-value"
    BAD_DATE = "bad-date"
    FUTURE_DATE = "future-date"
    BEFORE_MODULE_EXISTED = "before-module-existed"
    DUPLICATE_ROW = "duplicate-row"
    CONFLICTING_ROW = "conflicting-row"
    UNKNOWN_MODULE = "unknown-module"
    UNKNOWN_RANK = "unknown-rank"
    UNKNOWN_DEPARTMENT = "unknown-department"
    UNKNOWN_FORCE = "unknown-force"
    UNKNOWN_STATUS = "unknown-status"
    NOT_COMPLETED = "not-completed"
    UNMATCHED_LEARNER = "unmatched-learner"
    DATE_DISAGREEMENT = "date-disagreement"
    BAD_VALUE = "bad-value"


class Check(StrEnum):
    """Why a whole import looks implausible (``tracker.ingest.plausibility``): refused unless
    the user accepts it knowingly."""

    RULE_COLUMN_MISSING = "rule-column-missing"
    RULE_VALUES_UNMAPPED = "rule-values-unmapped"
    LEARNERS_UNMATCHED = "learners-unmatched"
    REQUIREMENT_FALLS = "requirement-falls"
    MANY_LEAVERS = "many-leavers"
    OFFICER_COLUMN_MISSING = "officer-column-missing"
    OFFICERS_UNMATCHED = "officers-unmatched"
    LOG_DATES_IMPLAUSIBLE = "log-dates-implausible"


@dataclass(frozen=True)
class Problem:
    code: Code
    severity: Severity
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["code"] = self.code.value
        data["severity"] = self.severity.value
        return data

    def describe(self) -> str:
        """One line for a terminal: 'roster.xlsx, row 14, column "Rank": message'."""
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f'column "{self.column}"')
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


MAX_PROBLEMS_PER_CODE = 10_000  # a million bad rows must not make a million-line report


@dataclass
class Report:
    """All problems of one file (or of one import), with counts per code. The one place
    the cap is kept: at most MAX_PROBLEMS_PER_CODE problems of a code, the rest counted in
    ``dropped``. ``add`` and ``extend`` take built problems; ``add_many`` has only the ones
    kept built."""

    problems: list[Problem] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)
    _kept: Counter[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._kept = Counter(p.code.value for p in self.problems)

    def room(self, code: Code) -> int:
        """How many more problems with ``code`` the report keeps."""
        return max(MAX_PROBLEMS_PER_CODE - self._kept[code.value], 0)

    def add(self, problem: Problem) -> None:
        code = problem.code.value
        if self.room(problem.code) == 0:
            self.dropped[code] += 1
            return
        self._kept[code] += 1
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def add_many(self, code: Code, total: int,
                 build: Callable[[int], Iterable[Problem]]) -> None:
        """``total`` problems with ``code`` (a vectorised check's rows), of which
        ``build(n)`` makes the first ``n``: only as many as the report keeps are built, the
        rest are counted in ``dropped``."""
        built = list(build(min(self.room(code), total)))
        self.extend(built)
        if total > len(built):
            self.dropped[code.value] += total - len(built)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def counts(self) -> dict[str, int]:
        counts = Counter(p.code.value for p in self.problems)
        counts.update(self.dropped)
        return dict(sorted(counts.items()))

    def flatten(self, fields: Sequence[str]) -> list[list[Any]]:
        """``report.flatten(["row", "column", "code"])`` -> [[4, "Date", "bad-date"], ...]"""
        return [[p.as_dict()[f] for f in fields] for p in self.problems]
