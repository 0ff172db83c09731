"""Vocabularies turn HR and LMS free text into canonical values, or into None (reported)."""

from __future__ import annotations

import pytest

from tracker.reference import vocab
from tracker.reference.text import clean_identifier, fold


@pytest.mark.parametrize(
    ("raw", "rank", "detective"),
    [
        ("PC", "constable", False), ("DC", "constable", True), ("PS", "sergeant", False),
        ("Sgt", "sergeant", False), ("DS", "sergeant", True), ("Insp", "inspector", False),
        ("DI", "inspector", True), ("T/DI", "inspector", True), ("A/Insp", "inspector", False),
        ("Det Insp", "inspector", True), ("Detective Inspector", "inspector", True),
        ("Ch Insp", "chief-inspector", False), ("CI", "chief-inspector", False),
        ("DCI", "chief-inspector", True), ("Supt", "superintendent", False),
        ("Ch Supt", "chief-superintendent", False), ("ACC", "assistant-chief-constable", False),
        ("DCC", "deputy-chief-constable", False), ("CC", "chief-constable", False),
        ("Cmdr", "commander", False), ("Special Sergeant", "special-sergeant", False),
        ("PCSO", "pcso", False), ("Scale 4", "staff", False), ("  insp. ", "inspector", False),
    ],
)
def test_rank_abbreviations(raw: str, rank: str, detective: bool) -> None:
    match = vocab.ranks().lookup(raw)
    assert match is not None
    assert (match.rank.code, match.detective) == (rank, detective)


@pytest.mark.parametrize(
    ("raw", "rank", "detective"),
    [
        ("T/DI", "inspector", True), ("T/DC", "constable", True),
        ("Trainee DC", "constable", True), ("A/PS", "sergeant", False),
        ("A/Insp", "inspector", False), ("Actg Insp", "inspector", False),
        ("Act Sgt", "sergeant", False), ("T/DCI", "chief-inspector", True),
        ("Det Insp", "inspector", True), ("Det Sgt", "sergeant", True),
        ("DSU", "superintendent", True), ("D/Supt", "superintendent", True),
        ("C/Supt", "chief-superintendent", False), ("Ch Supt", "chief-superintendent", False),
        ("Chf Supt", "chief-superintendent", False), ("DCS", "chief-superintendent", True),
        ("Ch Insp", "chief-inspector", False), ("Chf Insp", "chief-inspector", False),
        ("Chf Inspector", "chief-inspector", False), ("Det Chf Insp", "chief-inspector", True),
    ],
)
def test_ranks_as_written(raw: str, rank: str, detective: bool) -> None:
    """Temporary (T/) and acting (A/, Actg) ranks are the rank; T/DC is a trainee DC."""
    match = vocab.ranks().lookup(raw)
    assert match is not None
    assert (match.rank.code, match.detective) == (rank, detective)


def test_rank_implies_workforce_type() -> None:
    lookup = vocab.ranks().lookup
    assert [lookup(r).rank.workforce_type for r in ("DC", "SC", "PCSO", "PO2")] == [  # type: ignore[union-attr]
        "police_officer", "special_constable", "pcso", "police_staff"]


def test_unknown_rank_is_none_and_a_user_mapping_wins() -> None:
    assert vocab.ranks().lookup("Grand Vizier") is None
    match = vocab.ranks().lookup("Grand Vizier", {"grandvizier": "superintendent"})
    assert match is not None and match.rank.code == "superintendent"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Response - Bristol North", "response"), ("NPT Taunton", "neighbourhood"),
        ("RPU Portishead", "roads-policing"), ("Force Control Room", "control-room"),
        ("Custody Keynsham", "custody"), ("CID Bristol", "cid"),
        ("Corporate Communications", "corporate"), ("Major Crime Investigation Team", "cid"),
        ("Lighthouse Safeguarding Unit", "public-protection"), ("Zebra Crossing Unit", None),
    ],
)
def test_department_keywords(raw: str, code: str | None) -> None:
    assert vocab.departments().lookup(raw) == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("OIC Module 1", "oic-el-1"), ("OIC M4", "oic-el-4"),
        ("Organised Immigration Crime - Module 3: Investigating OIC", "oic-el-3"),
        ("Organised Immigration Crime (Module 2)", "oic-el-2"), ("Hydra", "oic-hydra"),
        ("OIC Hydra Exercise - Syndicate", "oic-hydra"), ("Fire Safety Awareness", None),
        ("Organised Immigration Crime - Introduction", None),
    ],
)
def test_module_titles(raw: str, code: str | None) -> None:
    assert vocab.modules().lookup(raw) == code


@pytest.mark.parametrize(
    "raw", ["A&S", "Avon & Somerset", "Avon and Somerset Constabulary", "avon and somerset",
            "ASC", "Avon & Somerset Police"],
)
def test_force_names_are_one_force(raw: str) -> None:
    assert vocab.forces().lookup(raw) == "avon-and-somerset"


def test_forty_three_home_office_forces() -> None:
    forces = vocab.forces().forces.values()
    assert sum(f.home_office for f in forces) == 43
    assert vocab.forces().lookup("Glos") == "gloucestershire"
    assert vocab.forces().lookup("Devon & Cornwall") == "devon-and-cornwall"
    assert vocab.forces().lookup("Narnia Constabulary") is None


def test_fold_and_identifiers() -> None:
    assert fold("Zoë  O'Brien-Ní Bhriain") == "zoe o brien ni bhriain"
    assert clean_identifier("004512") == "004512"
    assert clean_identifier(4512.0) == "4512"
    assert clean_identifier(" 0123.0 ") == "0123"
    assert clean_identifier(float("nan")) is None
    assert clean_identifier("  ") is None
