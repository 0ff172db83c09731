"""Text normalisation shared by every vocabulary and matcher."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(value: str) -> str:
    """Lower case, accents removed, '&' read as 'and', punctuation to single spaces.

    >>> fold("  Avon & Somerset Constabulary ")
    'avon and somerset constabulary'
    >>> fold("Ch. Insp")
    'ch insp'
    """
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("&", " and ")
    return _NON_WORD.sub(" ", text).strip()


def squash(value: str) -> str:
    """`fold` without spaces: 'Ch Supt', 'Ch.Supt' and 'ChSupt' become 'chsupt'."""
    return fold(value).replace(" ", "")


def clean_identifier(value: object) -> str | None:
    """An identifier as text: trimmed, leading zeros kept, Excel's '.0' floats undone."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text or None


def long_date(day: dt.date) -> str:
    """A date as a report's sentence reads it, no leading zero.

    >>> long_date(dt.date(2026, 3, 2))
    '2 March 2026'
    """
    return f"{day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    """A date as a table or a dashboard line reads it.

    >>> short_date(dt.date(2026, 3, 2))
    '2 Mar 2026'
    """
    return f"{day.day} {day:%b %Y}"
