"""The people of a synthetic force and their two dated roster states.

Everything is drawn from one ``numpy.random.Generator`` with vectorised operations, so a
force of 250,000 people takes seconds and the same seed always gives the same force.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from demodata import pools
from tracker.reference import vocab
from tracker.reference.text import fold

STATUS_RAW = {"active": "Active", "leaver": "Leaver", "long-term-absence": "Long-term absence",
              "career-break": "Career break"}


@dataclass(frozen=True)
class Timeline:
    """The key dates of a generated force."""

    today: dt.date
    early: dt.date  # the earlier roster snapshot
    late: dt.date  # the later roster snapshot

    @classmethod
    def for_today(cls, today: dt.date) -> Timeline:
        late = today.replace(day=1)
        early = (late - dt.timedelta(days=396)).replace(day=1)
        return cls(today, early, late)


def allocate(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split ``total`` by ``shares`` into whole numbers that add up (largest remainder)."""
    weights = np.array(list(shares.values()), dtype=float)
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return dict(zip(shares, counts.tolist(), strict=True))


def _ranks(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Workforce type and canonical rank of ``n`` people, in blocks (shuffled later)."""
    mix = allocate(n, pools.WORKFORCE_SHARES)
    chiefs = pools.CHIEF_OFFICERS if mix["police_officer"] >= 50 else []
    officer = allocate(mix["police_officer"] - len(chiefs), pools.OFFICER_PYRAMID)
    special = allocate(mix["special_constable"], pools.SPECIAL_PYRAMID)
    ranks = [r for r, c in officer.items() for _ in range(c)] + list(chiefs)
    workforce = ["police_officer"] * len(ranks)
    ranks += [r for r, c in special.items() for _ in range(c)]
    workforce += ["special_constable"] * mix["special_constable"]
    ranks += ["pcso"] * mix["pcso"] + ["staff"] * mix["police_staff"]
    workforce += ["pcso"] * mix["pcso"] + ["police_staff"] * mix["police_staff"]
    return np.array(workforce, dtype=object), np.array(ranks, dtype=object)


def _group(workforce: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The department-weights group of each person (see pools.DEPT_WEIGHTS)."""
    group = np.where(np.isin(rank, ["constable", "sergeant", "inspector"]), rank, "senior")
    group = np.where(workforce == "police_staff", "staff", group)
    group = np.where(workforce == "pcso", "pcso", group)
    return np.where(workforce == "special_constable", "special", group)


def _pick_weighted(rng: np.random.Generator, keys: np.ndarray,
                   table: dict[str, dict[str, float]]) -> np.ndarray:
    """For each key, one value drawn from ``table[key]`` (a value -> weight mapping)."""
    out = np.empty(len(keys), dtype=object)
    for key, weights in table.items():
        mask = keys == key
        if mask.any():
            values = list(weights)
            p = np.array(list(weights.values()), dtype=float)
            out[mask] = np.array(values, dtype=object)[
                rng.choice(len(values), size=int(mask.sum()), p=p / p.sum())]
    return out


def pick_units(rng: np.random.Generator, function: np.ndarray, workforce: np.ndarray,
               rank: np.ndarray, areas: list[str]) -> np.ndarray:
    """A raw HR unit for each person, written the way HR writes it."""
    templates = np.empty(len(function), dtype=object)
    for code, options in pools.UNITS.items():
        mask = function == code
        templates[mask] = np.array(options, dtype=object)[
            rng.integers(0, len(options), int(mask.sum()))]
    for code, template in pools.SPECIALS_UNITS.items():
        templates[(workforce == "special_constable") & (function == code)] = template
    area = np.array(areas, dtype=object)[rng.integers(0, len(areas), len(function))]
    units = np.array([t.format(area=a) for t, a in zip(templates, area, strict=True)],
                     dtype=object)
    units[np.isin(rank, pools.CHIEF_OFFICERS)] = pools.COMMAND_TEAM_UNIT
    return units


def _raw_ranks(rng: np.random.Generator, rank: np.ndarray, detective: np.ndarray) -> np.ndarray:
    keys = np.array([f"{r}|{int(d)}" for r, d in zip(rank, detective, strict=True)], dtype=object)
    table = {f"{r}|{int(d)}": w for (r, d), w in pools.RANK_RAW.items()}
    return _pick_weighted(rng, keys, table)


def _roles(workforce: np.ndarray, rank: np.ndarray, function: np.ndarray) -> np.ndarray:
    labels = {code: vocab.department_label(code) for code in pools.UNITS}
    rank_labels = {code: vocab.rank_label(code) for code in set(rank.tolist())}
    roles = [
        pools.STAFF_ROLES.get(f, "Police Staff") if w == "police_staff"
        else "PCSO" if w == "pcso"
        else f"{rank_labels[r]} - {labels.get(f, f)}"
        for w, r, f in zip(workforce, rank, function, strict=True)
    ]
    return np.array(roles, dtype=object)


def _names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    forenames = np.array(pools.FORENAMES, dtype=object)[rng.integers(0, len(pools.FORENAMES), n)]
    surnames = np.array(pools.SURNAMES, dtype=object)[rng.integers(0, len(pools.SURNAMES), n)]
    return forenames, surnames


def make_emails(forenames: pd.Series, surnames: pd.Series, domain: str) -> pd.Series:
    """forename.surname@domain, accents and punctuation removed, numbered when taken."""
    folded = {v: fold(v).replace(" ", "") for v in set(forenames) | set(surnames)}
    local = forenames.map(folded) + "." + surnames.map(folded)
    seen = local.groupby(local).cumcount()
    local = local.where(seen == 0, local + (seen + 1).astype(str))
    return local + "@" + domain


def _collars(rng: np.random.Generator, k: int, prefix: str) -> list[str]:
    """``k`` distinct collar numbers: 1-5 digits, some zero-padded, a letter prefix for
    specials and PCSOs (and for big forces that run out of five-digit numbers)."""
    numbers = rng.choice(np.arange(1, max(10_000, 2 * k)), k, replace=False)
    padded = (rng.random(k) < 0.3).tolist()
    if prefix:
        return [f"{prefix}{v:04d}" for v in numbers.tolist()]
    return [f"{'ABDEFGHJ'[v // 100_000 - 1]}{v % 100_000:05d}" if v >= 100_000
            else f"{v:04d}" if pad else str(v)
            for v, pad in zip(numbers.tolist(), padded, strict=True)]


def _identifiers(rng: np.random.Generator, workforce: np.ndarray) -> tuple[list[str], list]:
    n = len(workforce)
    high = max(60_000, 10 * n)
    width = max(6, len(str(high)))
    staff = [str(v).zfill(width) for v in rng.choice(np.arange(1, high), n, replace=False)]
    collars = np.full(n, None, dtype=object)
    for kind, prefix in (("police_officer", ""), ("special_constable", "S"), ("pcso", "C")):
        mask = workforce == kind
        collars[mask] = _collars(rng, int(mask.sum()), prefix)
    return staff, collars.tolist()


@dataclass
class Population:
    """Everyone who was on either roster (``people``) and their state on each roster date
    (``states``: one row per person per snapshot, the tracker's roster columns)."""

    people: pd.DataFrame
    states: pd.DataFrame
    story: dict[str, str]  # staff numbers of the people the manifest points at


def _base(rng: np.random.Generator, m: int, force_code: str) -> pd.DataFrame:
    """Everyone's attributes as of the later roster (shuffled, names, identifiers)."""
    workforce, rank = _ranks(m)
    order = rng.permutation(m)
    workforce, rank = workforce[order], rank[order]
    function = _pick_weighted(rng, _group(workforce, rank), pools.DEPT_WEIGHTS)
    function[np.isin(rank, pools.CHIEF_OFFICERS)] = "corporate"
    det_p = np.array([pools.DETECTIVE_FUNCTIONS.get(f, 0.0) for f in function])
    detective = (workforce == "police_officer") & (rng.random(m) < det_p)
    detective &= ~np.isin(rank, pools.CHIEF_OFFICERS)
    areas = pools.AREAS.get(force_code, pools.GENERIC_AREAS)
    forenames, surnames = _names(rng, m)
    staff, collars = _identifiers(rng, workforce)
    return pd.DataFrame({
        "staff_number": staff, "collar_number": collars, "surname": surnames,
        "forenames": forenames, "workforce_type": workforce, "rank": rank,
        "detective": detective, "function": function,
        "unit": pick_units(rng, function, workforce, rank, areas),
    })


def _start_dates(rng: np.random.Generator, base: pd.DataFrame, tl: Timeline) -> pd.Series:
    service_years = base["rank"].map(lambda r: {1: 7, 2: 13, 3: 16, 4: 19}.get(
        pools.RANK_ORDER.get(r, 0), 22 if pools.RANK_ORDER.get(r, 0) > 4 else 8))
    years = rng.gamma(4.0, service_years.to_numpy(dtype=float) / 4.0)
    days = np.clip(years * 365.25, 30, 40 * 365).astype(int)
    start = np.datetime64(tl.early, "D") - days.astype("timedelta64[D]")
    return pd.Series(np.maximum(start, np.datetime64("1986-01-06", "D")))


def _choose(rng: np.random.Generator, mask: np.ndarray, k: int) -> np.ndarray:
    """``k`` random indices among those where ``mask`` holds (fewer if not enough)."""
    candidates = np.flatnonzero(mask)
    return np.sort(rng.choice(candidates, min(k, len(candidates)), replace=False))


def _uniform_dates(rng: np.random.Generator, lo: dt.date, hi: dt.date, k: int) -> np.ndarray:
    span = max((hi - lo).days, 1)
    return np.datetime64(lo, "D") + rng.integers(0, span, k).astype("timedelta64[D]")


def _life_events(rng: np.random.Generator, base: pd.DataFrame, n: int, tl: Timeline) -> None:
    """Joiners, leavers and their dates (in place): ``joined``, ``left_shown``, ``left_gone``."""
    m = len(base)
    can_join = base["rank"].isin(["constable", "staff", "pcso", "special-constable"]).to_numpy()
    joiners = _choose(rng, can_join, round(0.07 * n))
    recent = joiners[: len(joiners) * 2 // 5]
    base["start_date"] = _start_dates(rng, base, tl)
    base.loc[joiners, "start_date"] = _uniform_dates(rng, tl.early, tl.late, len(joiners))
    recent_lo = max(tl.today - dt.timedelta(days=89), tl.early + dt.timedelta(days=1))
    base.loc[recent, "start_date"] = _uniform_dates(rng, recent_lo, tl.late, len(recent))
    stayer = np.ones(m, dtype=bool)
    stayer[joiners] = False
    stayer &= ~base["rank"].isin(pools.CHIEF_OFFICERS).to_numpy()
    leavers = _choose(rng, stayer, m - n + max(1, round(0.012 * n)))
    shown = leavers[: max(1, round(0.012 * n))]
    base["joined"] = False
    base.loc[joiners, "joined"] = True
    base["left"] = False
    base.loc[leavers, "left"] = True
    base["on_late"] = True
    base.loc[np.setdiff1d(leavers, shown), "on_late"] = False
    base["on_early"] = ~base["joined"]
    base["leaving_date"] = pd.NaT
    base.loc[leavers, "leaving_date"] = _uniform_dates(
        rng, tl.early + dt.timedelta(days=1), tl.late, len(leavers))
    base.loc[shown, "leaving_date"] = _uniform_dates(
        rng, tl.late - dt.timedelta(days=60), tl.late, len(shown))


_PROMOTED_FROM = {"sergeant": "constable", "inspector": "sergeant"}


def _early_state(rng: np.random.Generator, base: pd.DataFrame, force_code: str) -> pd.DataFrame:
    """The earlier snapshot: movers were in another unit, some were one rank lower."""
    early = base[base["on_early"]].copy()
    stayers = (early["on_late"] & ~early["left"]).to_numpy()
    officers = (early["workforce_type"] == "police_officer").to_numpy()
    movable = stayers & ~early["rank"].isin(pools.CHIEF_OFFICERS).to_numpy()
    moved = _choose(rng, movable, round(0.04 * len(early)))
    promoted = _choose(rng, stayers & early["rank"].isin(list(_PROMOTED_FROM)).to_numpy(),
                       round(0.015 * officers.sum()))
    idx = early.index
    early.loc[idx[promoted], "rank"] = early.loc[idx[promoted], "rank"].map(_PROMOTED_FROM)
    groups = _group(early.loc[idx[moved], "workforce_type"].to_numpy(),
                    early.loc[idx[moved], "rank"].to_numpy())
    function = _pick_weighted(rng, groups, pools.DEPT_WEIGHTS)
    areas = pools.AREAS.get(force_code, pools.GENERIC_AREAS)
    early.loc[idx[moved], "function"] = function
    early.loc[idx[moved], "detective"] = early.loc[idx[moved], "detective"].to_numpy() & (
        np.isin(function, list(pools.DETECTIVE_FUNCTIONS)))
    early.loc[idx[moved], "unit"] = pick_units(
        rng, function, early.loc[idx[moved], "workforce_type"].to_numpy(),
        early.loc[idx[moved], "rank"].to_numpy(), areas)
    early["status"] = "active"
    early.loc[idx[_choose(rng, np.ones(len(early), bool), round(0.01 * len(early)))],
              "status"] = "long-term-absence"
    early["leaving_date"] = pd.NaT
    return early


def _late_state(rng: np.random.Generator, base: pd.DataFrame) -> pd.DataFrame:
    late = base[base["on_late"]].copy()
    late["status"] = np.where(late["left"], "leaver", "active")
    settled = (~late["left"] & ~late["joined"]).to_numpy()
    absent = _choose(rng, settled, round(0.015 * len(late)))
    late.loc[late.index[absent], "status"] = "long-term-absence"
    brk = _choose(rng, settled & (late["status"] == "active").to_numpy(), round(0.005 * len(late)))
    late.loc[late.index[brk], "status"] = "career-break"
    return late


def _plant_mover(early: pd.DataFrame, late: pd.DataFrame, areas: list[str]) -> str | None:
    """Make sure one inspector moved from Response (earlier) to CID (later)."""
    both = early.index.intersection(late.index)
    insp = both[(early.loc[both, "rank"] == "inspector") & (late.loc[both, "rank"] == "inspector")
                & (late.loc[both, "status"] == "active")]
    if len(insp) == 0:
        return None
    who = insp[0]
    early.loc[who, "function"], late.loc[who, "function"] = "response", "cid"
    early.loc[who, "unit"], late.loc[who, "unit"] = f"Response - {areas[0]}", f"CID {areas[0]}"
    early.loc[who, "detective"], late.loc[who, "detective"] = False, True
    return str(late.loc[who, "staff_number"])


def _levels(state: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each person's management chain (officer / special / staff) and level within it."""
    workforce = state["workforce_type"].to_numpy()
    level = state["rank"].map(pools.RANK_ORDER).fillna(0).to_numpy(dtype=float)
    level = np.where(workforce == "pcso", 0.5, level)
    staff_level = state["rank_raw"].map(pools.STAFF_GRADE_LEVEL).fillna(0).to_numpy(dtype=float)
    level = np.where(workforce == "police_staff", staff_level, level)
    chain = np.where(workforce == "special_constable", "special",
                     np.where(workforce == "police_staff", "staff", "officer"))
    return chain, level


def line_managers(rng: np.random.Generator, state: pd.DataFrame) -> np.ndarray:
    """A line manager's staff number for everyone: someone one level up in the same chain
    and function, else a chief inspector or above anywhere in the force."""
    chain, level = _levels(state)
    function = state["function"].to_numpy()
    staff = state["staff_number"].to_numpy()
    out = np.full(len(state), None, dtype=object)
    seniors = np.flatnonzero((chain == "officer") & (level >= 4))
    for key in sorted(set(zip(chain.tolist(), function.tolist(), strict=True))):
        in_group = (chain == key[0]) & (function == key[1])
        steps = np.unique(level[in_group])
        for low, high in itertools.pairwise(steps):
            members = np.flatnonzero(in_group & (level == low))
            bosses = np.flatnonzero(in_group & (level == high))
            out[members] = staff[bosses[rng.integers(0, len(bosses), len(members))]]
    for lv in np.unique(level[(out == None) & (chain == "officer")]):  # noqa: E711
        members = np.flatnonzero((out == None) & (chain == "officer") & (level == lv))  # noqa: E711
        above = np.flatnonzero((chain == "officer") & (level > lv))
        if len(above):
            nearest = above[level[above] == level[above].min()]
            out[members] = staff[nearest[rng.integers(0, len(nearest), len(members))]]
    rest = np.flatnonzero((out == None) & (chain != "officer"))  # noqa: E711
    if len(rest) and len(seniors):
        out[rest] = staff[seniors[rng.integers(0, len(seniors), len(rest))]]
    return out


STATE_COLUMNS = [
    "staff_number", "collar_number", "surname", "forenames", "full_name", "email",
    "workforce_type", "rank_raw", "rank", "detective", "unit", "department", "role",
    "line_manager", "start_date", "leaving_date", "status",
]


def _finish_state(rng: np.random.Generator, state: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    state = state.copy()
    state["role"] = _roles(state["workforce_type"].to_numpy(), state["rank"].to_numpy(),
                           state["function"].to_numpy())
    state["line_manager"] = line_managers(rng, state)
    departments = vocab.departments()
    lookup = {u: departments.lookup(u) for u in state["unit"].unique()}
    state["department"] = state["unit"].map(lookup)
    state["as_of"] = as_of
    for col in ("start_date", "leaving_date"):
        state[col] = pd.to_datetime(state[col]).dt.date.astype(object)
        state[col] = state[col].where(pd.notna(state[col]), None)
    return state[["as_of", *STATE_COLUMNS, "function"]].reset_index(drop=True)


def build_population(rng: np.random.Generator, n: int, force_code: str, tl: Timeline,
                     domain: str) -> Population:
    """The people of a force whose later roster has ``n`` rows."""
    base = _base(rng, n + round(0.06 * n), force_code)
    _life_events(rng, base, n, tl)
    officers = np.flatnonzero((base["workforce_type"] == "police_officer").to_numpy()
                              & ~base["left"].to_numpy() & ~base["joined"].to_numpy())
    for i, (fore, sur) in zip(officers[:2], [pools.ACCENTED_PAIR, pools.ACCENTED_PAIR_2],
                              strict=False):
        base.loc[i, "forenames"], base.loc[i, "surname"] = fore, sur
    base["full_name"] = base["forenames"] + " " + base["surname"]
    base["email"] = make_emails(base["forenames"], base["surname"], domain)
    base["rank_raw"] = _raw_ranks(rng, base["rank"].to_numpy(), base["detective"].to_numpy())
    early, late = _early_state(rng, base, force_code), _late_state(rng, base)
    changed = ((early["rank"] != base.loc[early.index, "rank"])
               | (early["detective"] != base.loc[early.index, "detective"]))
    areas = pools.AREAS.get(force_code, pools.GENERIC_AREAS)
    mover = _plant_mover(early, late, areas)
    changed |= early.index == (late.index[late["staff_number"] == mover][0] if mover else -1)
    early.loc[changed, "rank_raw"] = _raw_ranks(
        rng, early.loc[changed, "rank"].to_numpy(), early.loc[changed, "detective"].to_numpy())
    if mover:
        late.loc[late["staff_number"] == mover, "rank_raw"] = "DI"
    states = pd.concat([_finish_state(rng, early, tl.early), _finish_state(rng, late, tl.late)],
                       ignore_index=True)
    story = {"mover": mover or "", "accented": ",".join(base.loc[officers[:2], "staff_number"])}
    people = base[["staff_number", "collar_number", "surname", "forenames", "full_name",
                   "email", "workforce_type", "rank", "function", "start_date", "leaving_date",
                   "joined", "left", "on_early", "on_late"]].copy()
    return Population(people.reset_index(drop=True), states, story)
