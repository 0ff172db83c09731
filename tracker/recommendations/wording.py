"""The recommendations in the inspection's words, with their deadlines, what measures each
(a requirement's coverage, the register of milestones, or nothing yet) and where its
evidence is: the shipped ``reference/data/recommendations.toml``."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Wording:
    """A recommendation as the inspection words it. ``requirement``: the rules' requirement
    whose coverage measures it; ``register``: measured by the register of milestones."""

    number: int
    title: str
    text: str
    reference: str
    deadline: dt.date
    measure: str
    evidence: str
    requirement: str | None = None
    register: bool = False


@cache
def wordings() -> dict[int, Wording]:
    """The shipped recommendations by number, in number order."""
    text = resources.files("tracker.reference.data").joinpath(
        "recommendations.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    found = (Wording(r["number"], r["title"], r["text"],
                     f"{data['source']}, recommendation {r['number']}", r["deadline"],
                     r["measure"], r["evidence"], r.get("requirement"),
                     bool(r.get("register", False)))
             for r in data["recommendation"])
    return {w.number: w for w in sorted(found, key=lambda w: w.number)}


def wording(number: int) -> Wording:
    """Recommendation ``number`` as shipped."""
    return wordings()[number]
