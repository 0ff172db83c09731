"""Vocabularies: turn HR and LMS free text into canonical values.

Each vocabulary is shipped as an editable TOML file in ``tracker/data`` and can be
extended at run time by user mappings (stored in the database, see
``tracker.ingest.mappings``). A value that maps to nothing gives ``None``: the caller keeps the
raw value and reports it, never guessing silently.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from tracker.reference.text import fold, squash

WORKFORCE_TYPES = ("police_officer", "special_constable", "pcso", "police_staff")
WORKFORCE_LABELS = {
    "police_officer": "Police officer",
    "special_constable": "Special constable",
    "pcso": "PCSO",
    "police_staff": "Police staff",
}

_RANK_PREFIX = re.compile(r"^(acting|actg|act|temporary|temp|a|t)\s+")
_DETECTIVE_PREFIX = re.compile(r"^(detective|det|d)\s+")


def _load(name: str) -> dict:
    text = resources.files("tracker.reference.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Rank:
    code: str
    label: str
    workforce_type: str
    order: int


@dataclass(frozen=True)
class RankMatch:
    rank: Rank
    detective: bool


@dataclass(frozen=True)
class Department:
    code: str
    label: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Module:
    code: str
    title: str
    kind: str
    available_from: dt.date
    aliases: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Force:
    code: str
    name: str
    home_office: bool
    aliases: tuple[str, ...]


def _folded(raw: str | None, extra: Mapping[str, str] | None) -> tuple[str, str | None]:
    """The folded raw value, and the user's mapping of it when there is one."""
    text = fold(raw) if raw is not None else ""
    return text, (extra.get(text) if extra and text else None)


@dataclass
class RankVocabulary:
    ranks: dict[str, Rank]
    _by_alias: dict[str, RankMatch] = field(default_factory=dict)

    def lookup(self, raw: str | None, extra: Mapping[str, str] | None = None) -> RankMatch | None:
        """The rank a raw HR value means, or None. ``extra`` maps squashed raw values to
        canonical codes (user mappings); a user mapping wins over the shipped aliases."""
        if raw is None or not str(raw).strip():
            return None
        key = squash(raw)
        if extra and key in extra:
            code = extra[key]
            return RankMatch(self.ranks[code], False) if code in self.ranks else None
        if key in self._by_alias:
            return self._by_alias[key]
        text = fold(raw)
        stripped = _RANK_PREFIX.sub("", text.replace(" / ", " "))
        for candidate in (stripped, text):
            detective = _DETECTIVE_PREFIX.match(candidate)
            if detective:
                base = self._by_alias.get(squash(candidate[detective.end():]))
                if base and base.rank.workforce_type == "police_officer":
                    return RankMatch(base.rank, True)
            if squash(candidate) in self._by_alias:
                return self._by_alias[squash(candidate)]
        return None


@dataclass
class DepartmentVocabulary:
    departments: dict[str, Department]

    def lookup(self, raw: str | None, extra: Mapping[str, str] | None = None) -> str | None:
        """The function code of a raw unit: the longest keyword found in it as a whole word
        or phrase (ties: file order). ``extra`` maps folded raw units to codes."""
        text, mapped = _folded(raw, extra)
        if not text or mapped:
            return mapped
        padded = f" {text} "
        best: tuple[int, str] | None = None
        for dept in self.departments.values():
            for keyword in dept.keywords:
                if f" {keyword} " in padded and (best is None or len(keyword) > best[0]):
                    best = (len(keyword), dept.code)
        return best[1] if best else None


@dataclass
class ModuleVocabulary:
    modules: dict[str, Module]

    def lookup(self, raw: str | None, extra: Mapping[str, str] | None = None) -> str | None:
        """The module code of a raw course title, or None."""
        text, mapped = _folded(raw, extra)
        if not text or mapped:
            return mapped
        for module in self.modules.values():
            if text in module.aliases or any(p.search(text) for p in module.patterns):
                return module.code
        return None


@dataclass
class ForceVocabulary:
    forces: dict[str, Force]
    _by_alias: dict[str, str] = field(default_factory=dict)

    def lookup(self, raw: str | None, extra: Mapping[str, str] | None = None) -> str | None:
        """The force code of a raw force name ("A&S", "Avon and Somerset Constabulary")."""
        text, mapped = _folded(raw, extra)
        if not text or mapped:
            return mapped
        for candidate in (text, _strip_force_suffix(text)):
            if candidate in self._by_alias:
                return self._by_alias[candidate]
        return None


def _strip_force_suffix(text: str) -> str:
    return re.sub(r"\s+(police service|police|constabulary|force)$", "", text)


@cache
def ranks() -> RankVocabulary:
    vocab = RankVocabulary({})
    for item in _load("ranks.toml")["rank"]:
        rank = Rank(item["code"], item["label"], item["workforce_type"], int(item["order"]))
        vocab.ranks[rank.code] = rank
        for alias in (rank.label, rank.code, *item.get("aliases", [])):
            vocab._by_alias.setdefault(squash(alias), RankMatch(rank, False))
        for alias in item.get("detective_aliases", []):
            vocab._by_alias.setdefault(squash(alias), RankMatch(rank, True))
    return vocab


@cache
def departments() -> DepartmentVocabulary:
    items = _load("departments.toml")["department"]
    return DepartmentVocabulary(
        {
            d["code"]: Department(
                d["code"], d["label"], tuple(fold(k) for k in [d["label"], *d["keywords"]])
            )
            for d in items
        }
    )


@cache
def modules() -> ModuleVocabulary:
    out: dict[str, Module] = {}
    for m in _load("modules.toml")["module"]:
        out[m["code"]] = Module(
            code=m["code"],
            title=m["title"],
            kind=m["kind"],
            available_from=m["available_from"],
            aliases=tuple(fold(a) for a in [m["title"], m["code"], *m.get("aliases", [])]),
            patterns=tuple(re.compile(p) for p in m.get("patterns", [])),
        )
    return ModuleVocabulary(out)


@cache
def forces() -> ForceVocabulary:
    vocab = ForceVocabulary({})
    for f in _load("forces.toml")["force"]:
        force = Force(f["code"], f["name"], bool(f["home_office"]), tuple(f.get("aliases", [])))
        vocab.forces[force.code] = force
        for alias in (force.code, force.name, *force.aliases):
            vocab._by_alias.setdefault(fold(alias), force.code)
            vocab._by_alias.setdefault(_strip_force_suffix(fold(alias)), force.code)
    return vocab


def department_label(code: str | None) -> str:
    if code is None:
        return "Unmapped"
    dept = departments().departments.get(code)
    return dept.label if dept else code


def rank_label(code: str | None) -> str:
    if code is None:
        return "Unmapped"
    rank = ranks().ranks.get(code)
    return rank.label if rank else code


def data_file(name: str) -> Path:
    """The path of a shipped vocabulary file (for display: 'where does this come from?')."""
    return Path(str(resources.files("tracker.reference.data").joinpath(name)))


def known_codes(kind: str) -> list[str]:
    if kind == "rank":
        return list(ranks().ranks)
    if kind == "department":
        return list(departments().departments)
    if kind == "module":
        return list(modules().modules)
    return list(forces().forces)


def code_labels(kind: str) -> dict[str, str]:
    """The canonical codes of ``kind`` (as ``known_codes``) with the names people know them
    by: "Inspector", "Roads Policing", "OIC Hydra exercise", "Wiltshire Police"."""
    if kind == "rank":
        return {c: r.label for c, r in ranks().ranks.items()}
    if kind == "department":
        return {c: d.label for c, d in departments().departments.items()}
    if kind == "module":
        return {c: m.title for c, m in modules().modules.items()}
    return {c: f.name for c, f in forces().forces.items()}
