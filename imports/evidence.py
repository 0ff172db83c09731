"""What a column's values say it is: the share of a sample of its values that fit a field.

A header can lie ("Title" over Mr, Mrs, Dr) and can be unknown ("Area" over "Response -
Bristol North"); the values rarely do. For each kind of value a field expects (``Field.
expects``) a check gives the share of the sample's distinct non-blank values that fit, and
the words to say so ("97% of values are known units"). A few kinds are *decisive*: when
nearly all values are known ranks, units, statuses or e-mail addresses, the column is that
field whatever its header says.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from imports.dates import is_time_of_day, parse_dates
from imports.roster import STATUSES, WORKFORCE
from imports.statuses import classify_one
from tracker.ingest.mappings import Mappings
from tracker.reference import vocab
from tracker.reference.text import fold

SAMPLE_ROWS = 250  # rows read from a column (evenly spread through the file)
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev",
                        "lord", "lady", "master", "revd"})
_IDENTIFIER = re.compile(r"^[A-Za-z]{0,4}[-/ ]?\d{1,12}[A-Za-z]{0,2}$|^[A-Za-z0-9._-]{2,30}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’.,-]+[^\W\d_]+)+\.?$")
_WORD = re.compile(r"^[^\W\d_]+(?:['’ -][^\W\d_]+){0,3}$")
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?\s*%?$")
_BOOLEAN = frozenset({"y", "n", "yes", "no", "1", "0", "true", "false", "x"})


@dataclass(frozen=True)
class Sample:
    """Distinct non-blank values of a column, as text, from rows spread through it."""

    values: tuple[str, ...]
    raw: tuple[Any, ...]  # the same values as the cells held them (dates stay dates)

    def __len__(self) -> int:
        return len(self.values)


def sample(cells: Any) -> Sample:
    """A ``Sample`` of a column (a Series, an array or a list of cells)."""
    items = list(cells)
    if len(items) > SAMPLE_ROWS:
        at = np.linspace(0, len(items) - 1, SAMPLE_ROWS).astype(int)
        items = [items[i] for i in at]
    seen: dict[str, Any] = {}
    for value in items:
        text = _text(value)
        if text and text not in seen:
            seen[text] = value
    return Sample(tuple(seen), tuple(seen.values()))


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


@dataclass(frozen=True)
class Fit:
    """How well a column's values fit a kind of value: ``share`` of distinct values (None
    when the column is empty), ``decisive`` when the values alone say what it is."""

    share: float | None
    note: str
    decisive: bool = False
    weight: float | None = None  # how strongly to prefer this column among its rivals

    @property
    def strength(self) -> float:
        """What ranks rival columns: ``weight`` when the check gives one, else the share
        in coarse steps (one odd value in fifty must not reorder the columns)."""
        if self.weight is not None:
            return self.weight
        share = self.share or 0.0
        return 1.0 if share >= 0.9 else round(share, 1)


Check = Callable[[Sample, Mappings], Fit]


def fit(expects: str, values: Sample, mappings: Mappings) -> Fit:
    """How well ``values`` fit what a field ``expects`` (see ``CHECKS``)."""
    if not values:
        return Fit(None, "the column is empty")
    return CHECKS[expects](values, mappings)


def _share(values: Sample, test: Callable[[str], bool]) -> float:
    return sum(1 for v in values.values if test(v)) / len(values)


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _vocab(label: str, test: Callable[[str, Mappings], bool], decisive_at: float,
           minimum: int = 2) -> Check:
    def check(values: Sample, mappings: Mappings) -> Fit:
        share = _share(values, lambda v: test(v, mappings))
        return Fit(share, f"{_pct(share)} of values are {label}",
                   share >= decisive_at and len(values) >= minimum)
    return check


def _is_rank(text: str, m: Mappings) -> bool:
    return vocab.ranks().lookup(text, m.get("rank")) is not None


def _is_unit(text: str, m: Mappings) -> bool:
    return vocab.departments().lookup(text, m.get("department")) is not None


def _is_force(text: str, m: Mappings) -> bool:
    return vocab.forces().lookup(text, m.get("force")) is not None


def _is_workforce(text: str, _m: Mappings) -> bool:
    return fold(text) in WORKFORCE


def _is_employment(text: str, _m: Mappings) -> bool:
    return fold(text) in STATUSES


def _is_module(text: str, m: Mappings) -> bool:
    return vocab.modules().lookup(text, m.get("module")) is not None


def is_honorific(text: str) -> bool:
    return fold(text) in HONORIFICS


def _looks_date(values: Sample) -> float:
    if not any(isinstance(v, (dt.date, dt.datetime)) or any(c.isdigit() for c in t)
               for v, t in zip(values.raw, values.values, strict=True)):
        return 0.0  # a date has a digit (or is a date cell): no parse needed
    raw = np.array([v if isinstance(v, (dt.date, dt.datetime)) else t
                    for v, t in zip(values.raw, values.values, strict=True)], dtype=object)
    parsed = parse_dates(raw)
    numbers = np.array([bool(_NUMBER.match(t)) and not _serial_like(t) for t in values.values])
    ok = ~parsed.bad & ~parsed.missing & ~numbers
    return float(ok.mean())


def _serial_like(text: str) -> bool:
    return bool(re.match(r"^\d{5}(\.\d+)?$", text)) and 20000 <= float(text) <= 60000


def _check_date(values: Sample, _m: Mappings) -> Fit:
    share = _looks_date(values)
    return Fit(share, f"{_pct(share)} of values are dates")


def _check_time(values: Sample, _m: Mappings) -> Fit:
    """Times of day with no date ("14:35", "2:35 pm", a time cell)."""
    share = _share_raw(values, lambda v, t: isinstance(v, dt.time) or is_time_of_day(t))
    return Fit(share, f"{_pct(share)} of values are times of day")


def _share_raw(values: Sample, test: Callable[[Any, str], bool]) -> float:
    return sum(1 for v, t in zip(values.raw, values.values, strict=True) if test(v, t)) / len(
        values)


def _check_identifier(values: Sample, _m: Mappings) -> Fit:
    share = _share(values, lambda v: bool(_IDENTIFIER.match(v)) and "@" not in v)
    share *= 1 - _share(values, lambda v: is_honorific(v) or _is_rank(v, Mappings()))
    return Fit(share, f"{_pct(share)} of values look like identifiers")


_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._:#-]{0,39}$")


def _check_reference(values: Sample, _m: Mappings) -> Fit:
    """A case or document reference ("INC-0001", "NCCU/26/0042", "20260203-0117"): one
    word of letters, digits and separators, not an e-mail address."""
    share = _share(values, lambda v: bool(_REFERENCE.match(v)))
    return Fit(share, f"{_pct(share)} of values look like references")


def _check_email(values: Sample, _m: Mappings) -> Fit:
    share = _share(values, lambda v: bool(_EMAIL.match(v)))
    return Fit(share, f"{_pct(share)} of values are e-mail addresses", share >= 0.9)


def _is_name(text: str) -> bool:
    """A person's name: two or more words, at least one of letters ("Jo Smith", "SMITH,
    Jo", "Stranger 2", "Jo Smith (jsmith)"), not an e-mail, a status or an honorific."""
    if _NAME.match(text):
        return not is_honorific(text)
    parts = re.split(r"[\s,]+", text.strip())
    lettered = [p for p in parts if re.fullmatch(r"[^\W\d_]{2,}['’.-]?", p)]
    return (len(parts) >= 2 and bool(lettered) and "@" not in text
            and classify_one(text) is None and not _NUMBER.match(text))


def _check_name(values: Sample, _m: Mappings) -> Fit:
    share = _share(values, _is_name)
    return Fit(share, f"{_pct(share)} of values look like people's names")


def _check_single_name(values: Sample, _m: Mappings) -> Fit:
    honorific = _share(values, is_honorific)
    if honorific >= 0.3:
        return Fit(1 - honorific, f"{_pct(honorific)} of values are honorifics (Mr, Mrs, Dr)")
    share = _share(values, lambda v: bool(_WORD.match(v)))
    return Fit(share, f"{_pct(share)} of values look like names")


def _check_text(values: Sample, _m: Mappings) -> Fit:
    """Free text (a role, a venue): anything but dates, e-mails and honorifics."""
    odd = _share(values, lambda v: bool(_EMAIL.match(v)) or is_honorific(v))
    odd = max(odd, _looks_date(values) if len(values) <= 60 else 0.0)
    return Fit(1 - odd, f"{_pct(1 - odd)} of values are plain text")


def _check_unit(values: Sample, m: Mappings) -> Fit:
    known = _share(values, lambda v: _is_unit(v, m))
    numbers = _share(values, lambda v: bool(_NUMBER.match(v)))
    text = _check_text(values, m).share or 0.0
    share = max(known, min(text, 1 - numbers))
    weight = known + share / 4  # the column of known units, among several unit columns
    if known >= 0.5:
        return Fit(share, f"{_pct(known)} of values are known units", known >= 0.6, weight)
    return Fit(share, f"{_pct(known)} of values are known units", weight=weight)


def _check_course(values: Sample, m: Mappings) -> Fit:
    known = _share(values, lambda v: _is_module(v, m))
    if known > 0:
        return Fit(1.0, f"{_pct(known)} of values are known courses", known >= 0.5)
    odd = _share(values, lambda v: is_honorific(v) or bool(_NUMBER.match(v)))
    note = (f"{_pct(odd)} of values are honorifics (Mr, Mrs, Dr)" if
            _share(values, is_honorific) >= 0.3 else f"{_pct(1 - odd)} of values are text")
    return Fit(1 - odd, note)


def _check_completion(values: Sample, _m: Mappings) -> Fit:
    share = _share(values, lambda v: classify_one(v) is not None)
    boolean = all(fold(v) in _BOOLEAN for v in values.values)
    return Fit(share, f"{_pct(share)} of values are completion statuses",
               share >= 0.9 and not boolean)


def _check_number(values: Sample, _m: Mappings) -> Fit:
    share = _share(values, lambda v: bool(_NUMBER.match(v)))
    return Fit(share, f"{_pct(share)} of values are numbers")


CHECKS: dict[str, Check] = {
    "identifier": _check_identifier,
    "reference": _check_reference,
    "email": _check_email,
    "name": _check_name,
    "single_name": _check_single_name,
    "rank": _vocab("known ranks or grades", _is_rank, 0.8),
    "workforce": _vocab("workforce types", _is_workforce, 0.8),
    "unit": _check_unit,
    "text": _check_text,
    "date": _check_date,
    "time": _check_time,
    "employment": _vocab("employment statuses", _is_employment, 0.9),
    "course": _check_course,
    "completion": _check_completion,
    "number": _check_number,
    "force": _vocab("police forces", _is_force, 0.8),
}

