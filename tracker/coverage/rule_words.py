"""Requirement rules in plain words, for a person: what each condition of a clause asks and
what the person is, with the vocabularies' labels ("Inspector", "CID", "Police officer")
in place of codes, and a sentence saying why they are in scope or not.

No clause numbers and no codes: this is what a training lead or manager reads. The CLI's
``tracker explain`` text keeps the rule's own terms (``tracker.coverage.explain``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from tracker.coverage.population import condition_mask
from tracker.coverage.rules import Clause
from tracker.reference import vocab

# condition -> (the state column holding the person's value, singular noun, plural noun)
CONDITION_WORDS: dict[str, tuple[str, str, str]] = {
    "workforce_type": ("workforce_type", "workforce type", "workforce types"),
    "rank": ("rank", "rank", "ranks"),
    "department": ("department", "department", "departments"),
    "unit": ("unit", "unit", "units"),
    "unit_contains": ("unit", "unit", "units"),
    "role": ("role", "role", "roles"),
    "role_contains": ("role", "role", "roles"),
    "force": ("force", "force", "forces"),
    "detective": ("detective", "detective", "detectives"),
}
PREFIX = {"department": "in ", "unit": "in unit ", "unit_contains": "in unit ",
          "role": "role ", "role_contains": "role ", "force": "of "}


@dataclass
class ConditionCheck:
    """One condition of a rule clause, in words: what the rule asks, what the person is."""

    condition: str  # the rules file's key, e.g. "department"
    what: str  # "department"
    wanted: list[str]  # labels, e.g. ["Control Room", "CID"]
    person: str  # the person's value as a label, e.g. "CID"; "unknown" when none
    met: bool

    def met_words(self) -> str:
        """'Inspector', 'in CID, one of the departments this requirement covers'."""
        if self.condition == "detective":
            return self.person
        text = PREFIX.get(self.condition, "") + self.person
        if len(self.wanted) > 1:
            plural = CONDITION_WORDS[self.condition][2]
            text += f", one of the {plural} this requirement covers"
        return text

    def failed_words(self) -> str:
        """'rank is Chief Inspector, not Inspector'."""
        if self.condition == "detective":
            return f"{self.person}, and this requirement covers {self.wanted[0]}"
        if self.condition.endswith("_contains"):
            return (f"{self.what} is {self.person}, which has none of the words "
                    f"{or_list(self.wanted)}")
        return f"{self.what} is {self.person}, not {or_list(self.wanted)}"


def or_list(items: list[str]) -> str:
    """'A', 'A or B', 'A, B or C'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def label(condition: str, value: Any) -> str:
    """A condition's value as a person reads it."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "unknown"
    if condition == "workforce_type":
        return vocab.WORKFORCE_LABELS.get(str(value), str(value))
    if condition == "rank":
        return vocab.rank_label(str(value))
    if condition == "department":
        return vocab.department_label(str(value))
    if condition == "force":
        force = vocab.forces().forces.get(str(value))
        return force.name if force else str(value)
    return str(value)


def clause_checks(states: pd.DataFrame, clause: Clause) -> list[ConditionCheck]:
    """For a one-row frame of roster state: each condition of ``clause``, met or not."""
    checks = []
    for key, value in clause.conditions.items():
        column, what, _plural = CONDITION_WORDS.get(key, (key, key.replace("_", " "), key))
        met = bool(condition_mask(states, key, value).iloc[0])
        if key == "detective":
            is_det = bool(states["detective"].iloc[0])
            wanted = ["detectives" if value else "non-detectives"]
            person = "a detective" if is_det else "not a detective"
        else:
            wanted = [label(key, v) for v in value]
            person = label(key, states[column].iloc[0])
        checks.append(ConditionCheck(key, what, wanted, person, met))
    return checks


def in_scope_words(checks: list[ConditionCheck]) -> str:
    """'In scope: Police officer, Inspector, in CID, one of the departments this
    requirement covers.'"""
    if not checks:
        return "In scope: this requirement covers everyone."
    return "In scope: " + ", ".join(c.met_words() for c in checks) + "."


def out_of_scope_words(clauses: list[list[ConditionCheck]]) -> str:
    """Why no clause fits: each clause's unmet conditions."""
    misses = ["; ".join(c.failed_words() for c in checks if not c.met) for checks in clauses]
    if len(misses) == 1:
        return f"Not in scope: {misses[0]}."
    listed = "; ".join(f"({n}) {m}" for n, m in enumerate(misses, 1))
    return (f"Not in scope: this requirement covers {len(misses)} groups of people and "
            f"this person is in none: {listed}.")


def excluded_words(included: list[ConditionCheck], excluded: list[ConditionCheck]) -> str:
    """In by one clause, out by an exclusion: both in words."""
    why = " and ".join(c.met_words() for c in excluded) or "everyone"
    return (f"Not in scope: {', '.join(c.met_words() for c in included) or 'covered'}, "
            f"but this requirement leaves out people {why}.")
