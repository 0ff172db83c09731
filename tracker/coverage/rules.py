"""Requirement rules: who must complete which modules by when, read from a TOML file.

The shipped defaults are in ``tracker/reference/data/rules.toml``; a force replaces them with
its own file (``--rules FILE`` or ``TRACKER_RULES``). A bad file is refused with a ``RulesError``
naming the file, the line and the problem.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.reference import vocab

LIST_CONDITIONS = (
    "workforce_type", "rank", "department", "unit", "unit_contains", "role", "role_contains",
    "force",
)
CONDITIONS = (*LIST_CONDITIONS, "detective")
REQUIREMENT_KEYS = {
    "id", "title", "reference", "deadline", "modules", "grace_days", "valid_months",
    "description", "include", "exclude", "delivery", "session_size",
}
DELIVERIES = ("self-paced", "sessions")
DEFAULT_RULES = vocab.data_file("rules.toml")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names file, line and problem."""


@dataclass(frozen=True)
class Clause:
    """Conditions AND-ed together; an absent condition matches everyone."""

    conditions: dict[str, Any]

    def describe(self) -> str:
        parts = []
        for key, value in self.conditions.items():
            shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
            parts.append(f"{key.replace('_', ' ')} is {shown}" if key != "detective"
                         else ("detectives only" if value else "non-detectives only"))
        return " and ".join(parts) or "everyone"


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    deadline: dt.date
    modules: tuple[str, ...]
    include: tuple[Clause, ...]
    exclude: tuple[Clause, ...] = ()
    grace_days: int = 0
    valid_months: int | None = None
    reference: str = ""
    description: str = ""
    delivery: str = "self-paced"
    session_size: int | None = None

    @property
    def in_sessions(self) -> bool:
        """Delivered in person, in planned sessions of limited size (the Hydra exercise)."""
        return self.delivery == "sessions"

    def describe_scope(self) -> str:
        text = "In scope: " + "; or ".join(c.describe() for c in self.include) + "."
        if self.exclude:
            text += " Excluded: " + "; or ".join(c.describe() for c in self.exclude) + "."
        return text


@dataclass(frozen=True)
class RuleSet:
    requirements: tuple[Requirement, ...]
    source: Path
    text: str = field(repr=False, default="")

    def get(self, requirement_id: str) -> Requirement:
        for req in self.requirements:
            if req.id == requirement_id:
                return req
        known = ", ".join(r.id for r in self.requirements)
        raise KeyError(f"No requirement {requirement_id!r} in {self.source}; known: {known}")

    @property
    def titles(self) -> dict[str, str]:
        """Each requirement's title by its id, in the file's order."""
        return {r.id: r.title for r in self.requirements}

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.requirements]


def load_rules(path: Path | str | None = None) -> RuleSet:
    """Read and check a rules file (the shipped defaults when ``path`` is None)."""
    source = Path(path) if path else DEFAULT_RULES
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{source}: cannot read the rules file ({exc.strerror}).") from exc
    return parse_rules(text, source)


def parse_rules(text: str, source: Path) -> RuleSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{source}: not valid TOML: {exc}. Fix that line and try again.") from exc
    items = data.get("requirement")
    if not isinstance(items, list) or not items:
        raise RulesError(f"{source}, line 1: no [[requirement]] tables found; the file needs "
                         "at least one requirement.")
    checker = _Checker(text, source)
    requirements = tuple(checker.requirement(i, item) for i, item in enumerate(items))
    ids = [r.id for r in requirements]
    for i, rid in enumerate(ids):
        if rid in ids[:i]:
            raise checker.error(i, "id", f"requirement id {rid!r} is used twice")
    return RuleSet(requirements, source, text)


class _Checker:
    """Checks one rules file, pointing at the line of each problem."""

    def __init__(self, text: str, source: Path) -> None:
        self.lines = text.splitlines()
        self.source = source
        self.starts = [n for n, line in enumerate(self.lines, 1)
                       if re.match(r"\s*\[\[\s*requirement\s*\]\]", line)]

    def line_of(self, index: int, key: str) -> int:
        start = self.starts[index] if index < len(self.starts) else 1
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines) + 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for n in range(start, end):
            if pattern.match(self.lines[n - 1]):
                return n
        return start

    def error(self, index: int, key: str, problem: str) -> RulesError:
        return RulesError(f"{self.source}, line {self.line_of(index, key)}: {problem}.")

    def requirement(self, index: int, item: dict[str, Any]) -> Requirement:
        unknown = sorted(set(item) - REQUIREMENT_KEYS)
        if unknown:
            raise self.error(index, unknown[0], f"unknown key {unknown[0]!r}; a requirement "
                             f"takes {', '.join(sorted(REQUIREMENT_KEYS))}")
        for key in ("id", "title", "deadline", "modules"):
            if key not in item:
                raise self.error(index, "id", f"requirement #{index + 1} has no {key!r}")
        return Requirement(
            id=self.text(index, item, "id"),
            title=self.text(index, item, "title"),
            deadline=self.date(index, item),
            modules=self.modules(index, item),
            include=self.clauses(index, item, "include", required=True),
            exclude=self.clauses(index, item, "exclude", required=False),
            grace_days=self.count(index, item, "grace_days") or 0,
            valid_months=self.count(index, item, "valid_months"),
            reference=str(item.get("reference", "")),
            description=str(item.get("description", "")),
            delivery=self.delivery(index, item),
            session_size=self.count(index, item, "session_size") or None,
        )

    def delivery(self, index: int, item: dict[str, Any]) -> str:
        value = item.get("delivery", "self-paced")
        if value not in DELIVERIES:
            raise self.error(index, "delivery", f"delivery {value!r} is not known; use "
                             f"{' or '.join(repr(d) for d in DELIVERIES)}")
        return str(value)

    def text(self, index: int, item: dict[str, Any], key: str) -> str:
        value = item[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(index, key, f"{key!r} must be a non-empty text in quotes")
        return value.strip()

    def date(self, index: int, item: dict[str, Any]) -> dt.date:
        value = item["deadline"]
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        raise self.error(index, "deadline", f"deadline {value!r} is not a date; write it "
                         "unquoted as YYYY-MM-DD, e.g. deadline = 2026-04-30")

    def modules(self, index: int, item: dict[str, Any]) -> tuple[str, ...]:
        value = item["modules"]
        known = vocab.modules().modules
        if not isinstance(value, list) or not value:
            raise self.error(index, "modules", "'modules' must be a non-empty list")
        for code in value:
            if code not in known:
                raise self.error(index, "modules", f"unknown module {code!r}; known modules: "
                                 f"{', '.join(known)}")
        return tuple(value)

    def count(self, index: int, item: dict[str, Any], key: str) -> int | None:
        value = item.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.error(index, key, f"{key!r} must be a whole number of 0 or more")
        return value

    def clauses(self, index: int, item: dict[str, Any], key: str,
                required: bool) -> tuple[Clause, ...]:
        value = item.get(key, [])
        if required and not value:
            raise self.error(index, "id", f"requirement {item.get('id')!r} has no "
                             "[[requirement.include]] clause, so nobody would be in scope")
        if not isinstance(value, list):
            raise self.error(index, key, f"{key!r} must be written as [[requirement.{key}]]")
        return tuple(self.clause(index, c) for c in value)

    def clause(self, index: int, conditions: dict[str, Any]) -> Clause:
        for key, value in conditions.items():
            if key not in CONDITIONS:
                raise self.error(index, key, f"unknown condition {key!r}; conditions are "
                                 f"{', '.join(CONDITIONS)}")
            if key == "detective":
                if not isinstance(value, bool):
                    raise self.error(index, key, "'detective' must be true or false")
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise self.error(index, key, f"{key!r} must be a list of texts, e.g. "
                                 f'{key} = ["..."]')
            self.check_values(index, key, value)
        return Clause(dict(conditions))

    def check_values(self, index: int, key: str, values: list[str]) -> None:
        if key not in ("workforce_type", "rank", "department", "force"):
            return
        known = vocab.WORKFORCE_TYPES if key == "workforce_type" else vocab.known_codes(key)
        for value in values:
            if value not in known:
                raise self.error(index, key, f"unknown {key.replace('_', ' ')} {value!r}; "
                                 f"known values: {', '.join(known)}")
