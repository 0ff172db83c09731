"""The synthetic force itself: determinism, rank pyramid, vocabularies, realistic training."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from demodata import Manifest, build_force, generate
from demodata.generate import _in_scope_elearning
from demodata.pools import UNMAPPED_UNITS
from tracker.reference import vocab


@pytest.fixture(scope="module")
def force():  # type: ignore[no-untyped-def]
    return build_force(6500, seed=11)


def test_same_seed_gives_identical_files(tmp_path: Path,
                                         demo: tuple[Path, Manifest]) -> None:
    first, _ = demo
    again = generate(tmp_path / "again", people=300, seed=7)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in names:
        assert (first / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert again.to_json() == demo[1].to_json()
    other = generate(tmp_path / "other", people=300, seed=8)
    assert (tmp_path / "other" / "lms_export.csv").read_bytes() != \
        (first / "lms_export.csv").read_bytes()
    assert other.forces[0].people != {} and other.seed == 8


def test_rank_pyramid_and_workforce_mix(force) -> None:  # type: ignore[no-untyped-def]
    late = force.states[force.states["as_of"] == force.timeline.late]
    assert len(late) == 6500
    mix = late["workforce_type"].value_counts()
    assert abs(mix["police_officer"] - 3300) < 60 and abs(mix["police_staff"] - 2700) < 60
    assert 240 <= mix["pcso"] <= 320 and 180 <= mix["special_constable"] <= 260
    officers = late[late["workforce_type"] == "police_officer"]["rank"].value_counts(
        normalize=True)
    assert officers["constable"] == pytest.approx(0.75, abs=0.015)
    assert officers["sergeant"] == pytest.approx(0.17, abs=0.015)
    assert officers["inspector"] == pytest.approx(0.05, abs=0.007)
    assert officers["chief-inspector"] == pytest.approx(0.015, abs=0.004)
    chiefs = late["rank"].isin(["assistant-chief-constable", "deputy-chief-constable",
                                "chief-constable"])
    assert chiefs.sum() == 3


def test_every_value_maps_except_the_planted(force) -> None:  # type: ignore[no-untyped-def]
    states = force.states
    ranks = vocab.ranks()
    for raw, rank, detective in states[["rank_raw", "rank", "detective"]].drop_duplicates(
            ).itertuples(index=False):
        match = ranks.lookup(raw)
        assert match is not None and match.rank.code == rank, raw
        assert match.detective == detective, raw
    departments = vocab.departments()
    units = states["unit"].drop_duplicates()
    unmapped = sorted(u for u in units if departments.lookup(u) is None)
    assert unmapped == sorted(UNMAPPED_UNITS)
    assert (states["department"].isna() == states["unit"].isin(UNMAPPED_UNITS)).all()
    titles = force.completions.drop_duplicates(["raw_title", "module_code"])
    assert all(vocab.modules().lookup(t) == m
               for t, m in titles[["raw_title", "module_code"]].itertuples(index=False))


def test_roster_story(force) -> None:  # type: ignore[no-untyped-def]
    tl = force.timeline
    early = force.states[force.states["as_of"] == tl.early].set_index("staff_number")
    late = force.states[force.states["as_of"] == tl.late].set_index("staff_number")
    mover = force.story["mover"]
    assert early.loc[mover, "department"] == "response" and early.loc[mover, "rank"] == "inspector"
    assert late.loc[mover, "department"] == "cid" and late.loc[mover, "rank_raw"] == "DI"
    recent = late["start_date"] >= tl.today - dt.timedelta(days=90)
    assert recent.sum() > 50 and not recent[recent].index.isin(early.index).any()
    gone = early.index.difference(late.index)
    assert len(gone) > 300
    leavers = late[late["status"] == "leaver"]
    assert len(leavers) > 50 and leavers["leaving_date"].notna().all()
    moved = (early.loc[early.index.intersection(late.index), "unit"]
             != late.loc[early.index.intersection(late.index), "unit"])
    assert moved.mean() == pytest.approx(0.04, abs=0.01)
    assert late["line_manager"].isin(late.index).mean() > 0.99


def test_training_is_realistic(force) -> None:  # type: ignore[no-untyped-def]
    tl = force.timeline
    el = force.completions[force.completions["module_code"] != "oic-hydra"]
    assert el["completed_on"].min() >= dt.date(2025, 1, 1)
    assert el["completed_on"].max() <= tl.today
    assert not el.duplicated(["staff_number", "module_code"]).any()
    per_module = el["module_code"].value_counts()
    assert per_module["oic-el-1"] > per_module["oic-el-2"] > per_module["oic-el-3"] > \
        per_module["oic-el-4"]
    late = force.states[force.states["as_of"] == tl.late]
    in_scope = late[_in_scope_elearning(late)]
    counts = el.groupby("staff_number").size()
    coverage = in_scope["staff_number"].isin(counts.index[counts == 4]).mean()
    assert 0.55 <= coverage <= 0.75
    months = pd.to_datetime(el["completed_on"]).dt.to_period("M").value_counts()
    assert months[pd.Period("2026-04")] > 3 * months[pd.Period("2025-02")]
    assert months[pd.Period("2026-04")] > 2 * months[pd.Period("2026-08")]
    people = force.people.set_index("staff_number")
    leaving = pd.to_datetime(people.loc[el["staff_number"], "leaving_date"]).dt.date.to_numpy()
    assert all(pd.isna(d) or c <= d for c, d in zip(el["completed_on"], leaving, strict=True))


def test_hydra_attendance(force) -> None:  # type: ignore[no-untyped-def]
    from demodata.generate import summarise

    summary = summarise(force)
    assert 0.6 <= summary.hydra_attended / summary.hydra_in_scope <= 0.8
    dates = sorted(set(force.hydra["date"]))
    assert dates[0] >= dt.date(2025, 3, 1) and dates[-1] <= force.timeline.today
    assert sum(d <= dt.date(2026, 4, 30) for d in dates) > len(dates) / 2


def test_several_forces(tmp_path: Path) -> None:
    manifest = generate(tmp_path, people=1200, seed=3, forces=3)
    codes = [f.force_code for f in manifest.forces]
    assert codes[0] == "avon-and-somerset" and len(set(codes)) == 3
    assert sum(f.roster_rows["2026-11-01"] for f in manifest.forces) == 1200
    for code in codes:
        assert (tmp_path / code / "lms_export.csv").exists()
        assert {f.kind for f in manifest.files if f.force_code == code} == {
            "hr-roster", "lms-long", "moodle-course-completion", "moodle-activity-completion",
            "hydra-delegates", "nccu-referrals", "intelligence-submissions"}


def test_a_tiny_force_still_gets_every_file(tmp_path: Path) -> None:
    manifest = generate(tmp_path, people=20, seed=1)
    assert len(manifest.files) == 8
    assert all((tmp_path / f.path).stat().st_size > 0 for f in manifest.files)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"people": 5}, "5 people is too few for 1 force(s): avon-and-somerset would get 5, and "
                    "every force needs at least 20. Try --people 20 or fewer forces."),
    ({"people": 3000, "forces": 43}, "3000 people is too few for 43 force(s): city-of-london "
                                     "would get 17, and every force needs at least 20. Try "
                                     "--people 3530 or fewer forces."),
])
def test_too_few_people_is_refused(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as error:
        generate(tmp_path / "out", **kwargs)
    assert str(error.value) == message
    assert not (tmp_path / "out").exists()


def test_unknown_force_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^Unknown force code 'nowhere': use a code from .*"
                                         r"forces\.toml, e\.g\. 'avon-and-somerset'\.$"):
        generate(tmp_path, people=300, force_code="nowhere")


def test_files_do_not_depend_on_the_process(tmp_path: Path,
                                            demo: tuple[Path, Manifest]) -> None:
    """String hashing differs between processes: the output must not."""
    script = ("import sys; from pathlib import Path; from demodata import generate; "
              "generate(Path(sys.argv[1]), people=300, seed=7)")
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env)
        for name in ("lms_export.csv", "hr_roster_2026-11-01.xlsx", "hydra_delegates.xlsx"):
            assert (out / name).read_bytes() == (demo[0] / name).read_bytes(), name


def test_an_earlier_today_shows_less_progress() -> None:
    before = build_force(300, seed=5, today=dt.date(2025, 12, 1))
    after = build_force(300, seed=5)
    assert before.timeline.late == dt.date(2025, 12, 1)
    assert before.completions["completed_on"].max() <= dt.date(2025, 12, 1)
    assert len(before.completions) < len(after.completions) / 2
