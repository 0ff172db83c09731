"""The one exception of the importers: a file that cannot be read at all."""

from __future__ import annotations

from typing import Any

from tracker.ingest.records import Kind
from tracker.messages.problems import Code, Problem, Severity


class FileRefused(Exception):
    """A file the importer cannot read at all: unreadable, wrong kind, missing columns, too
    big, a zip bomb, password protected, a legacy .xls. ``str(exc)`` is the message for the
    user (it names the file and says what to do); ``problems`` carries it as a Problem.
    For a file whose columns could not all be recognised, ``headers`` (the header row),
    ``decisions`` (what each column was taken for) and ``missing`` (the fields wanted) let a
    face offer to map them, and ``kind`` is the kind of file it was read as (None when
    that was not settled)."""

    def __init__(self, message: str, code: Code = Code.UNREADABLE_FILE,
                 file: str | None = None, problems: list[Problem] | None = None, *,
                 headers: list[str] | None = None, decisions: list[Any] | None = None,
                 missing: list[str] | None = None, kind: Kind | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.problems = problems or [Problem(code, Severity.ERROR, message, file=file)]
        self.headers = headers or []
        self.decisions = decisions or []
        self.missing = missing or []
        self.kind = kind

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (a child process parses uploads: ``imports.isolated``)."""
        return (_rebuild, (type(self), str(self), self.code, self.problems, self.headers,
                           self.decisions, self.missing, self.kind))


def _rebuild(cls: type[FileRefused], message: str, code: Code, problems: list[Problem],
             headers: list[str], decisions: list[Any], missing: list[str],
             kind: Kind | None) -> FileRefused:
    return cls(message, code, None, problems, headers=headers, decisions=decisions,
               missing=missing, kind=kind)
