"""Cell values to clean values, a whole column at a time.

Every function factorises the column (its distinct values plus a code per row), cleans the
distinct values only (vectorised string operations for text columns, one Python call per
value otherwise) and maps the results back with a numpy take. A million-row column of a
few thousand distinct values costs a few thousand operations, and the Python strings in the
result are shared between rows instead of created once per row. Results are object arrays
with None for empty cells (what the records contract promises).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

_SPACES = re.compile(r"\s+")
# no \s here: pandas would fall back to Python's re; this runs in pyarrow (RE2)
_RUN_OF_SPACES = "[ \t\r\n\u00a0\u2007\u202f]+"

Coded = tuple[np.ndarray, Any]  # (codes per row, -1 when missing; the distinct values)
ColumnLike = pd.Series | np.ndarray | Coded


def coded(column: ColumnLike) -> Coded:
    """The column factorised; string columns natively (no Python object per cell)."""
    if isinstance(column, tuple):
        return column
    series = column if isinstance(column, pd.Series) else pd.Series(column, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes), uniques


def lookup(codes: np.ndarray, table: np.ndarray, missing: Any) -> np.ndarray:
    """``table[code]`` per row, ``missing`` where the code is -1."""
    if len(table) == 0:  # an absent or empty column: no take of a million slots
        return np.full(len(codes), missing, dtype=table.dtype)
    full = np.empty(len(table) + 1, dtype=table.dtype)
    full[:-1] = table
    full[-1] = missing
    return full.take(codes)  # code -1 takes the last slot: ``missing``


def factorize(column: ColumnLike) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values as an object array)."""
    codes, uniques = coded(column)
    return codes, np.asarray(uniques, dtype=object)


def materialise(column: ColumnLike) -> pd.Series | np.ndarray:
    """A column as values per row (a factorised one mapped back: None where missing)."""
    if isinstance(column, tuple):
        codes, uniques = factorize(column)
        return lookup(codes, uniques, None)
    return column


def group_ids(keys: list[np.ndarray]) -> np.ndarray:
    """One int64 per row, equal exactly where every key (integer codes, >= -2) is equal."""
    n = len(keys[0]) if keys else 0
    sizes = [(int(key.max()) + 3, int(key.min()), key) for key in keys if n]
    ids, span = np.zeros(n, dtype=np.int64), 1
    for size, low, key in sorted(sizes, key=lambda s: s[0]):  # small first: fewer renumberings
        if low == size - 3:
            continue  # the same in every row: tells no two rows apart
        if span * size >= 2**62:  # renumber the groups so far: the product stays small
            ids = pd.factorize(ids)[0].astype(np.int64)
            span = int(ids.max()) + 1
        ids *= size
        ids += key
        ids += 2
        span *= size
    return ids


def first_seen(ids: np.ndarray) -> np.ndarray:
    """For each row, the position of the first row with the same id."""
    if len(ids) == 0:
        return np.zeros(0, dtype=np.intp)
    codes = np.asarray(pd.factorize(ids)[0])  # numbered in order of first appearance
    new = np.empty(len(codes), dtype=bool)
    new[0] = True
    new[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    return np.flatnonzero(new)[codes]


def per_unique(column: ColumnLike, func: Callable[[Any], Any]) -> tuple[np.ndarray, np.ndarray]:
    """(codes, ``func`` of each distinct value): for callers that work on the distinct
    values before (or instead of) mapping them back to rows."""
    codes, uniques = factorize(column)
    results = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques):
        results[i] = func(value)
    return codes, results


def map_unique(column: ColumnLike, func: Callable[[Any], Any]) -> np.ndarray:
    """``func`` applied to each distinct value (missing values give None without a call)."""
    return lookup(*per_unique(column, func), None)


def text_value(value: Any) -> str | None:
    """A cell as trimmed text with runs of spaces collapsed; None when empty. Whole numbers
    lose Excel's '.0'; a date cell at midnight is its date."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    out = _SPACES.sub(" ", str(value)).strip()
    return out or None


def _clean_uniques(uniques: Any) -> pd.Series:
    """Distinct values as trimmed text (a pandas string Series, NA when empty)."""
    if isinstance(getattr(uniques, "dtype", None), pd.StringDtype) or (
            pd.api.types.infer_dtype(uniques, skipna=True) in ("string", "empty")):
        # text only (a csv column, or a workbook column of text cells): vectorised
        text = pd.Series(uniques, dtype="str", copy=False)
        text = text.str.strip().str.replace(_RUN_OF_SPACES, " ", regex=True)
    else:
        text = pd.Series([text_value(v) for v in np.asarray(uniques, dtype=object)],
                         dtype="str")
    return text.where(text != "")


def _finish(codes: np.ndarray, text: pd.Series) -> np.ndarray:
    return lookup(codes, _objects(text), None)


def _objects(text: pd.Series) -> np.ndarray:
    """A text Series as an object array, None where missing."""
    values: np.ndarray = text.to_numpy(dtype=object)
    values[text.isna().to_numpy()] = None
    return values


def distinct_texts(column: ColumnLike) -> tuple[np.ndarray, np.ndarray]:
    """(codes, each distinct value as ``texts`` gives it)."""
    codes, uniques = coded(column)
    return np.asarray(codes), _objects(_clean_uniques(uniques))


def map_texts(column: ColumnLike, func: Callable[[str], Any]) -> tuple[np.ndarray, np.ndarray]:
    """(``texts(column)``, ``func`` of each of them: None for a blank one), calling ``func``
    once per distinct cell instead of factorising the texts again."""
    codes, text = distinct_texts(column)
    results = np.empty(len(text), dtype=object)
    for i, value in enumerate(text):
        results[i] = None if value is None else func(value)
    return lookup(codes, text, None), lookup(codes, results, None)


def texts(column: ColumnLike) -> np.ndarray:
    """Trimmed text, spaces collapsed, None when empty."""
    return lookup(*distinct_texts(column), None)


def identifiers(column: ColumnLike) -> np.ndarray:
    """Identifiers as text, leading zeros kept, Excel's 123.0 read back as "123"."""
    codes, uniques = coded(column)
    text = _clean_uniques(uniques).str.replace(r"^([0-9]+)\.0$", r"\1", regex=True)
    return _finish(codes, text)


def names(column: ColumnLike) -> np.ndarray:
    """Apostrophes and accents kept; Title Case only when a name is all capitals or all
    lower case ("O'BRIEN" -> "O'Brien", "McDonald" kept as it is)."""
    codes, uniques = coded(column)
    text = _clean_uniques(uniques).str.replace("\u2019", "'", regex=False)
    shout = (text.str.isupper() | text.str.islower()).fillna(False).astype(bool)
    return _finish(codes, text.where(~shout, text.str.title()))


def emails(column: ColumnLike) -> np.ndarray:
    codes, uniques = coded(column)
    text = _clean_uniques(uniques).str.lower().str.replace(" ", "", regex=False)
    return _finish(codes, text.where(text != ""))


def scores(column: ColumnLike) -> np.ndarray:
    """Scores as floats ("85%", "85", 85.0); NaN when empty or not a number."""
    def one(value: Any) -> float:
        text = text_value(value)
        try:
            return float(text.rstrip("%").strip()) if text else np.nan
        except ValueError:
            return np.nan
    codes, uniques = factorize(column)
    return lookup(codes, np.array([one(u) for u in uniques], dtype="float64"), np.nan)


def blank(values: pd.Series | np.ndarray) -> np.ndarray:
    """True where a value is missing. Object arrays made by this module hold None for a
    missing value (never NaN), so one identity comparison per cell, at C speed, is enough;
    anything else goes through pandas."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        equal: Any = np.equal
        return np.asarray(equal(values, None), dtype=bool)
    return np.asarray(pd.isna(values), dtype=bool)


def join_names(forenames: np.ndarray, surname: np.ndarray) -> np.ndarray:
    """'Forenames Surname' (either may be missing); None when both are."""
    both = pd.DataFrame({"f": forenames, "s": surname}, dtype=object)
    if both.isna().all(axis=None):
        return np.full(len(both), None, dtype=object)
    joined = (both["f"].fillna("") + " " + both["s"].fillna("")).str.strip()
    return joined.where(joined != "", None).to_numpy(dtype=object)


def frame(columns: dict[str, Any]) -> pd.DataFrame:
    """A DataFrame that keeps object arrays as object columns (pandas 3 would otherwise
    convert every text array to a string column, and back again later: slow and lossy of
    None)."""
    return pd.DataFrame({
        name: pd.Series(values, dtype=object, copy=False)
        if isinstance(values, np.ndarray) and values.dtype == object else values
        for name, values in columns.items()
    }, copy=False)  # copy=False: no 2-D object block is stacked


def obj(values: np.ndarray) -> pd.Series:
    """An object column (see ``frame``)."""
    return pd.Series(values, dtype=object, copy=False)


def same(n: int, value: Any) -> np.ndarray:
    """An object array of ``n`` times ``value`` (a list would become a string column)."""
    out = np.empty(n, dtype=object)
    out[:] = [value] if isinstance(value, (tuple, list)) else value
    return out
