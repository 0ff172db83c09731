"""Text that is safe to put in a spreadsheet cell a person will open.

A cell starting with = + - @ (or a tab or carriage return) is read by Excel, LibreOffice
and Google Sheets as a formula: a value like ``=HYPERLINK(...)`` in an uploaded file must
not come back as a live formula in a downloaded report (CSV/formula injection).
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: str) -> str:
    """``value`` with an apostrophe in front when a spreadsheet would run it as a formula.

    >>> inert("=1+2")
    "'=1+2"
    >>> inert("Jo Bloggs")
    'Jo Bloggs'
    """
    return "'" + value if value.startswith(FORMULA_START) else value
