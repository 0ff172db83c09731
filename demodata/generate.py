"""Build synthetic forces in memory and write their export files."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from demodata import pools
from demodata.elearning_files import (
    Learners,
    _moodle_frame,
    write_lms,
    write_moodle_course,
    write_moodle_progress,
)
from demodata.hydra_file import write_hydra
from demodata.manifest import FileEntry, ForceSummary, Manifest, MessItem
from demodata.people import STATE_COLUMNS, Timeline, allocate, build_population
from demodata.referrals_file import write_logs
from demodata.roster_file import write_roster
from demodata.training import elearning, hydra, session_dates
from tracker.reference import vocab

DEFAULT_TODAY = dt.date(2026, 11, 30)
EL_STAFF_FUNCTIONS = ("control-room", "custody")
REFERRAL_STREAM = 9  # its own random stream: the training files stay byte for byte the same


@dataclass
class ForceData:
    """One synthetic force in memory, ready to load straight into the database.

    ``people``: one row per person ever on a roster (identity, start/leaving dates).
    ``states``: one row per person per roster snapshot (``as_of`` + the roster columns of
    ``tracker.ingest.records.ROSTER_COLUMNS`` without ``row``).
    ``completions``: one row per completion of a roster person (no duplicates, no
    outsiders): staff_number, module_code, completed_on, completed_at, source (a Kind value),
    raw_title, raw_status, score.
    ``hydra``: Hydra bookings: staff_number, date, attended.
    """

    force_code: str
    force_name: str
    timeline: Timeline
    people: pd.DataFrame
    states: pd.DataFrame
    completions: pd.DataFrame
    hydra: pd.DataFrame
    story: dict[str, str]

    @property
    def roster_dates(self) -> list[dt.date]:
        return [self.timeline.early, self.timeline.late]

    def latest(self) -> pd.DataFrame:
        """Everyone's latest roster state, indexed by staff number."""
        ordered = self.states.sort_values("as_of", kind="mergesort")
        return ordered.drop_duplicates("staff_number", keep="last").set_index("staff_number")


def force_rng(seed: int, force_code: str, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(force_code.encode()), stream])


def email_domain(force_code: str) -> str:
    return pools.EMAIL_DOMAINS.get(force_code, force_code.replace("-", "") + ".police.uk")


def _plant_unmapped(rng: np.random.Generator, states: pd.DataFrame, late: dt.date) -> None:
    """Two people on the later roster whose unit no keyword maps (in place)."""
    ok = ((states["as_of"] == late) & (states["status"] == "active")
          & (states["rank"] != "inspector")).to_numpy()
    picked = rng.choice(np.flatnonzero(ok), 2, replace=False)
    states.loc[picked, "unit"] = pools.UNMAPPED_UNITS
    states.loc[picked, "department"] = None


def _completions(el: pd.DataFrame, bookings: pd.DataFrame, switch: dt.date) -> pd.DataFrame:
    moodle = pd.to_datetime(el["completed_at"]) >= pd.Timestamp(switch)
    titles = np.where(moodle, el["module_code"].map(pools.MOODLE_TITLES),
                      el["module_code"].map(pools.LMS_TITLES))
    out = pd.DataFrame({
        "staff_number": el["staff_number"], "module_code": el["module_code"],
        "completed_on": pd.to_datetime(el["completed_at"]).dt.date,
        "completed_at": el["completed_at"],
        "source": np.where(moodle, "moodle-course-completion", "lms-long"),
        "raw_title": titles, "raw_status": "Completed", "score": np.nan,
    })
    attended = bookings[bookings["attended"]]
    hydra_rows = pd.DataFrame({
        "staff_number": attended["staff_number"], "module_code": "oic-hydra",
        "completed_on": attended["date"], "completed_at": pd.to_datetime(attended["date"]),
        "source": "hydra-delegates", "raw_title": "OIC Hydra", "raw_status": "Attended",
        "score": np.nan,
    })
    return pd.concat([out, hydra_rows], ignore_index=True)


def build_force(people: int = 6500, seed: int = 2025, force_code: str = "avon-and-somerset",
                today: dt.date = DEFAULT_TODAY) -> ForceData:
    """A synthetic force whose later roster has ``people`` rows, all in memory."""
    force = vocab.forces().forces[force_code]
    tl = Timeline.for_today(today)
    rng = force_rng(seed, force_code, 0)
    pop = build_population(rng, people, force_code, tl, email_domain(force_code))
    _plant_unmapped(rng, pop.states, tl.late)
    forced = [s for s in pop.story["accented"].split(",") if s]
    el = elearning(rng, pop.people, tl, forced)
    bookings = hydra(rng, pop.people, tl)
    states = pop.states[["as_of", *STATE_COLUMNS]]
    return ForceData(force_code, force.name, tl, pop.people, states,
                     _completions(el, bookings, tl.early), bookings, pop.story)


def _neighbours(rng: np.random.Generator, force_code: str) -> dict[str, list[str]]:
    if force_code in pools.NEIGHBOURS:
        return pools.NEIGHBOURS[force_code]
    forces = vocab.forces().forces
    others = sorted(c for c in pools.FORCE_WEIGHTS if c != force_code)
    picked = rng.choice(len(others), 3, replace=False)
    return {others[i]: [forces[others[i]].name, *forces[others[i]].aliases[:1]]
            for i in sorted(picked)}


def _home_forms(force_code: str) -> list[str]:
    force = vocab.forces().forces[force_code]
    return pools.HOME_FORCE_FORMS.get(force_code, [force.name, *force.aliases[:2]])


def _in_scope_elearning(states: pd.DataFrame) -> pd.Series:
    return (states["workforce_type"] != "police_staff") | states["department"].isin(
        EL_STAFF_FUNCTIONS)


def write_force(data: ForceData, out_dir: Path, seed: int, prefix: str = "",
                ) -> tuple[list[FileEntry], list[MessItem]]:
    """Write every export file of one force into ``out_dir / prefix``."""
    rng = force_rng(seed, data.force_code, 1)
    (out_dir / prefix).mkdir(parents=True, exist_ok=True)
    files, mess = [], []
    for as_of in data.roster_dates:
        state = data.states[data.states["as_of"] == as_of]
        entry, items = write_roster(rng, state, data.force_code, data.force_name, out_dir,
                                    prefix)
        files.append(entry)
        mess += items
    latest = data.latest()
    el = data.completions[data.completions["module_code"] != "oic-hydra"]
    ln = Learners(latest, el, data.timeline.early, data.force_name,
                  email_domain(data.force_code))
    neighbours = _neighbours(rng, data.force_code)
    forces = vocab.forces().forces
    codes = list(neighbours)
    protected = {s for s in data.story.values() for s in s.split(",") if s}
    leavers = set(data.people.loc[data.people["left"], "staff_number"])
    entry, items, _ = write_lms(rng, ln, out_dir, prefix, data.force_code, protected, leavers,
                                forces[codes[0]].name)
    files.append(entry)
    mess += items
    late = data.states[(data.states["as_of"] == data.timeline.late)
                       & (data.states["status"] != "leaver")]
    enrolled = pd.Index(late.loc[_in_scope_elearning(late), "staff_number"])
    frame = _moodle_frame(rng, ln, enrolled, (codes[-1], email_domain(codes[-1])))
    today = data.timeline.today
    course = write_moodle_course(frame, out_dir, prefix, data.force_code, today)
    progress = write_moodle_progress(rng, frame, out_dir, prefix, data.force_code, today)
    for entry, items in (course, progress):
        files.append(entry)
        mess += items
    entry, items = write_hydra(rng, data.hydra, latest, out_dir, prefix, data.force_code,
                               _home_forms(data.force_code), neighbours,
                               session_dates(3, data.timeline)[0])
    logs, log_mess = write_logs(force_rng(seed, data.force_code, REFERRAL_STREAM), latest,
                                out_dir, prefix, data.force_code, data.timeline.today)
    return [*files, entry, *logs], mess + items + log_mess


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


def summarise(data: ForceData) -> ForceSummary:
    """The ground-truth counts of one force."""
    states, tl = data.states, data.timeline
    late = states[states["as_of"] == tl.late]
    officers = late[late["workforce_type"] == "police_officer"]
    done = data.completions.drop_duplicates(["staff_number", "module_code"])
    el = done[done["module_code"].isin(pools.MODULE_CODES)]
    per_person = el.groupby("staff_number").size()
    four = set(per_person.index[per_person == len(pools.MODULE_CODES)])
    scope = data.people[(data.people["rank"] == "inspector")
                        & data.people["function"].isin(
                            ["control-room", "response", "neighbourhood", "cid",
                             "roads-policing"])]
    attended = set(data.hydra.loc[data.hydra["attended"], "staff_number"])
    return ForceSummary(
        force_code=data.force_code, force_name=data.force_name, roster_dates=data.roster_dates,
        people=_counts(late["workforce_type"]), ranks=_counts(officers["rank"]),
        roster_rows={d.isoformat(): int((states["as_of"] == d).sum()) for d in data.roster_dates},
        joiners=int(data.people["joined"].sum()), leavers=int(data.people["left"].sum()),
        completions=_counts(done["module_code"]),
        elearning_all_four=int(late["staff_number"].isin(four).sum()),
        elearning_in_scope=int(_in_scope_elearning(late).sum()),
        hydra_in_scope=len(scope), hydra_attended=int(scope["staff_number"].isin(attended).sum()),
        story=dict(data.story),
    )


MIN_PEOPLE = 20


def force_sizes(people: int, forces: int, force_code: str) -> dict[str, int]:
    """How many people each force gets: one force takes all; several share by size.
    Raises ValueError when a force would get fewer than MIN_PEOPLE or the force is unknown."""
    if force_code not in vocab.forces().forces:
        raise ValueError(f"Unknown force code {force_code!r}: use a code from "
                         f"{vocab.data_file('forces.toml')}, e.g. 'avon-and-somerset'.")
    if forces <= 1:
        sizes = {force_code: people}
    else:
        others = [c for c in pools.FORCE_WEIGHTS if c != force_code]
        chosen = [force_code, *others[: min(forces, len(pools.FORCE_WEIGHTS)) - 1]]
        sizes = allocate(people, {c: pools.FORCE_WEIGHTS.get(c, 2.0) for c in chosen})
    if min(sizes.values()) < MIN_PEOPLE:
        smallest = min(sizes, key=lambda c: sizes[c])
        needed = -(-MIN_PEOPLE * people // max(sizes[smallest], 1))
        raise ValueError(f"{people} people is too few for {len(sizes)} force(s): {smallest} "
                         f"would get {sizes[smallest]}, and every force needs at least "
                         f"{MIN_PEOPLE}. Try --people {max(needed, MIN_PEOPLE)} or fewer forces.")
    return sizes


def generate(out_dir: Path, people: int = 6500, seed: int = 2025,
             force_code: str = "avon-and-somerset", today: dt.date = DEFAULT_TODAY,
             forces: int = 1) -> Manifest:
    """Write realistic export files for one force (or ``forces`` forces sharing ``people``)
    into ``out_dir``, with ``manifest.json`` describing them. Same arguments, same bytes."""
    out_dir = Path(out_dir)
    sizes = force_sizes(people, forces, force_code)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(seed=seed, today=today, people=people,
                        ignored_courses=list(pools.OTHER_COURSES))
    for code, size in sizes.items():
        data = build_force(size, seed, code, today)
        prefix = "" if len(sizes) == 1 else f"{code}/"
        files, mess = write_force(data, out_dir, seed, prefix)
        manifest.files += files
        manifest.mess += mess
        manifest.forces.append(summarise(data))
    manifest.write(out_dir)
    return manifest
