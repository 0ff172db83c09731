"""Which column feeds which field: the header's words and the column's values together.

For every column and every field of the kind of file, the header says how well it names the
field (``Field.header_score``) and a sample of the values says how well they fit
(``imports.evidence``). A column is taken for a field when the two agree, or when the
values alone are decisive (97% known units under "Area"); a header whose values say
otherwise ("Title" over Mr, Mrs, Dr) is not taken. The best pairs win, one field a column.
Mappings the user gave (or saved for this layout) come first and are never second-guessed.
Then, with a roster to compare with, identifier columns are checked against it: a
"Username" column that agrees with the roster's staff numbers feeds the staff number.
Every decision is kept with its evidence, to be shown before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from imports.columns import IGNORE, Field, words
from imports.evidence import Fit, Sample, fit, is_honorific
from tracker.ingest.mappings import Mappings
from tracker.ingest.records import Decision, RosterKeys

# kinds of value that can say what a column is without its header (``Fit.decisive``)
DECISIVE = frozenset({"email", "rank", "workforce", "unit", "employment", "course",
                      "completion", "force"})
MAX_COLUMNS = 500  # columns recognised at most (a 10,000-column file must not take minutes)
AGREE = 0.5  # values must fit at least this share for a header to be believed
IDENTITY_FIELDS = ("staff_number", "collar_number", "email", "username")
# roster key -> the field a column agreeing with it feeds
ROSTER_FIELD = {"staff_number": "staff_number", "collar_number": "collar_number",
                "email": "email", "email_local": "username"}
ROSTER_LABEL = {"staff_number": "staff number", "collar_number": "collar number",
                "email": "e-mail", "email_local": "e-mail user name"}


@dataclass
class Recognition:
    columns: dict[str, int] = field(default_factory=dict)  # field -> column index
    decisions: dict[int, Decision] = field(default_factory=dict)
    identity: list[str] = field(default_factory=list)  # how identifiers agree with the roster

    def ordered(self) -> list[Decision]:
        return [self.decisions[i] for i in sorted(self.decisions)]


@dataclass(frozen=True)
class _Candidate:
    score: float
    column: int
    field: Field
    source: str
    evidence: str


def recognise(headers: Sequence[str], samples: Sequence[Sample], fields: Sequence[Field],
              mappings: Mappings, *, fixed: dict[int, tuple[str, str]] | None = None,
              roster: RosterKeys | None = None,
              distinct: Callable[[int], tuple[list[str], int]] | None = None) -> Recognition:
    """Which column feeds which of ``fields``. ``fixed``: column -> (field or "ignore",
    source) that the user chose; ``roster`` and ``distinct`` (a column's distinct values, all
    of them, or a sample of them, and how many there are) let identifier columns be
    checked against the roster."""
    out = Recognition()
    for index, (name, source) in (fixed or {}).items():
        _decide(out, headers, index, None if name == IGNORE else name, source,
                "chosen for this layout")
    by_name = {f.name: f for f in fields}
    fits: dict[tuple[int, str], Fit] = {}
    rejected: dict[int, str] = {}
    for cand in _candidates(headers[:MAX_COLUMNS], samples, fields, mappings, out, fits,
                            rejected):
        if cand.column in out.decisions or cand.field.name in out.columns:
            continue
        _decide(out, headers, cand.column, cand.field.name, cand.source, cand.evidence)
    if roster and distinct is not None:
        _check_identity(out, headers, samples, by_name, roster, distinct, fixed or {})
    for index, header in enumerate(headers):
        if header and index not in out.decisions:
            out.decisions[index] = Decision(header, None, "", rejected.get(
                index, _unused(samples[index] if index < len(samples) else None, index)))
    return out


def _unused(values: Sample | None, index: int = 0) -> str:
    """Why a column feeds nothing, in words."""
    if index >= MAX_COLUMNS:
        return (f"only the first {MAX_COLUMNS:,} columns are recognised; say what it holds "
                "if it matters")
    if values and sum(map(is_honorific, values.values)) >= len(values) / 2:
        return "its values are honorifics (Mr, Mrs, Dr)"
    return "no field of this kind of file fits its header or its values"


def _decide(out: Recognition, headers: Sequence[str], index: int, name: str | None,
            source: str, evidence: str) -> None:
    out.decisions[index] = Decision(headers[index], name, source, evidence)
    if name is not None:
        out.columns[name] = index


def _candidates(headers: Sequence[str], samples: Sequence[Sample], fields: Sequence[Field],
                mappings: Mappings, out: Recognition, fits: dict[tuple[int, str], Fit],
                rejected: dict[int, str]) -> list[_Candidate]:
    """Every (column, field) pair the header or the values support, best first."""
    found: list[_Candidate] = []
    for index, header in enumerate(headers):
        if index in out.decisions or index >= len(samples):
            continue
        header_words = words(header, fuzzy=True) if header else ()
        for fld in fields:
            header_score = fld.header_score(header_words)
            if fld.name in out.columns or (header_score == 0 and fld.expects not in DECISIVE):
                continue  # only values that can decide alone are read without a header
            key = (index, fld.expects)
            if key not in fits:
                fits[key] = fit(fld.expects, samples[index], mappings)
            cand = _candidate(index, fld, header_score, fits[key], header)
            if cand is None and header_score > 0:
                rejected.setdefault(index, _disagree(header, fld, fits[key]))
            elif cand is not None:
                found.append(cand)
    return sorted(found, key=lambda c: (-c.score, c.column))


def _candidate(index: int, fld: Field, header: float, values: Fit,
               text: str) -> _Candidate | None:
    if header > 0:
        if values.share is None:
            return _Candidate(header, index, fld, "header", "the header says so; the column "
                              "is empty")
        if values.share >= AGREE:
            return _Candidate(header + values.strength / 2, index, fld, "header and values",
                              values.note)
        return None
    if values.decisive and values.share is not None:
        return _Candidate(values.strength / 4, index, fld, "values", values.note)
    return None


def _disagree(header: str, fld: Field, values: Fit) -> str:
    return (f'the header reads like the {fld.label.lower()}, but {values.note}, so it was '
            "not taken for it")


# ---------------------------------------------------------------- identity by evidence

def _check_identity(out: Recognition, headers: Sequence[str], samples: Sequence[Sample],
                    fields: dict[str, Field], roster: RosterKeys,
                    distinct: Callable[[int], tuple[list[str], int]],
                    fixed: dict[int, tuple[str, str]]) -> None:
    """Compare every identifier-like column with every roster key; give each column the
    field of the key it agrees with most (when it agrees for at least half its values)."""
    scores: list[tuple[float, int, int, str]] = []
    counts: dict[int, int] = {}
    for index in _identifier_columns(out, headers, samples, fixed):
        some, counts[index] = distinct(index)
        values = [v.strip() for v in some if v and v.strip()]
        if not values:
            continue
        current = out.decisions[index].field if index in out.decisions else None
        for key, count in _agreement(values, roster).items():
            tie_break = 0.5 if ROSTER_FIELD[key] == current else 0.0  # the header, on a tie
            scores.append((count + tie_break, len(values), index, key))
    taken: set[int] = set()
    used: set[str] = set()
    for weight, total, index, key in sorted(scores, reverse=True):
        count = int(weight)
        target = ROSTER_FIELD[key]
        if index in taken or target in used or count < max(2, total * AGREE):
            continue
        if target not in fields:
            continue
        taken.add(index)
        used.add(target)
        _reassign(out, headers, index, target, (count, total, counts[index]), key)


def _identifier_columns(out: Recognition, headers: Sequence[str], samples: Sequence[Sample],
                        fixed: dict[int, tuple[str, str]]) -> list[int]:
    """Columns taken for an identifier, and columns taken for nothing whose values could be
    identifiers; never a column the user mapped."""
    from imports.evidence import CHECKS

    chosen = [i for f, i in out.columns.items() if f in IDENTITY_FIELDS and i not in fixed]
    free = [i for i, h in enumerate(headers) if h and i < len(samples) and i not in fixed
            and out.decisions.get(i, Decision(h, None, "", "")).field is None
            and len(samples[i]) and (CHECKS["identifier"](samples[i], Mappings()).share or 0)
            >= 0.9]
    return chosen + free


def _agreement(values: list[str], roster: RosterKeys) -> dict[str, int]:
    lower = [v.lower() for v in values]
    return {
        "staff_number": sum(v in roster.staff_number for v in values),
        "collar_number": sum(v in roster.collar_number for v in values),
        "email": sum(v in roster.email for v in lower),
        "email_local": sum(v in roster.email_local for v in lower),
    }


def _reassign(out: Recognition, headers: Sequence[str], index: int, target: str,
              counts: tuple[int, int, int], key: str) -> None:
    """Column ``index`` feeds ``target`` (the field that fed before is dropped, and a column
    that fed ``target`` before feeds nothing now)."""
    before = out.decisions.get(index)
    if before is not None and before.field is not None:
        out.columns.pop(before.field, None)
    previous = out.columns.get(target)
    if previous is not None and previous != index:
        old = out.decisions[previous]
        out.decisions[previous] = Decision(old.column, None, "", f'"{headers[index]}" agrees '
                                           f"better with the roster's {ROSTER_LABEL[key]}")
    count, checked, total = counts
    of = (f"{checked:,} values" if checked >= total - 1 else
          f"{checked:,} values checked (of {total:,})")
    sentence = f"agrees with the roster's {ROSTER_LABEL[key]} for {count:,} of {of}"
    _decide(out, headers, index, target, "roster", sentence)
    out.identity.append(f'"{headers[index]}" {sentence}')
