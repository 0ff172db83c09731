"""The one exception of the importers: a file that cannot be read at all."""

from __future__ import annotations

from tracker.problems import Code, Problem, Severity


class FileRefused(Exception):
    """A file the importer cannot read at all: unreadable, wrong kind, missing columns, too
    big, a zip bomb, password protected, a legacy .xls. ``str(exc)`` is the message for the
    user (it names the file and says what to do); ``problems`` carries it as a Problem."""

    def __init__(self, message: str, code: Code = Code.UNREADABLE_FILE,
                 file: str | None = None, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.problems = problems or [Problem(code, Severity.ERROR, message, file=file)]
