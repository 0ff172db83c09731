"""One spec per kind of file: the fields its columns can feed, the ones it cannot do
without, and its parser (its label is the Kind's own, ``Kind.label``). The CLI, the Upload
page, detection and the tests all read this registry: adding a layout of file touches this
one place and the Kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from imports import hydra, intel, lms, moodle, roster
from imports.columns import (
    COLLAR,
    CSTATUS,
    DATE,
    EMAIL,
    EMPLOYMENT,
    FORCE,
    FORENAMES,
    FULL_NAME,
    IDNUMBER,
    LEARNER,
    LEAVING,
    LINE_MANAGER,
    MOODLE_LEARNER,
    RANK,
    REFERRAL_FIELDS,
    REFERRAL_REF,
    REFERRED,
    ROLE,
    SCORE,
    SHORTNAME,
    STAFF,
    START,
    SUBMISSION_FIELDS,
    SUBMISSION_REF,
    SUBMITTED,
    SURNAME,
    SYNDICATE,
    TITLE,
    UNIT,
    USERNAME,
    VENUE,
    WORKFORCE,
    Field,
)
from imports.table import Context, Table
from tracker.ingest.records import Kind
from tracker.messages.problems import Report

Parser = Callable[[list[Table], Context, Report], tuple[pd.DataFrame, dict[str, Any]]]


def _single(parse: Callable[[Table, Context, Report], tuple[pd.DataFrame, dict[str, Any]]]
            ) -> Parser:
    return lambda tables, ctx, report: parse(tables[0], ctx, report)


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    fields: tuple[Field, ...]
    required: tuple[tuple[Field, ...], ...]  # each: one of these fields must have a column
    parse: Parser
    identity_by_values: bool = True  # free columns may be taken for identifiers by the roster


SPECS: dict[Kind, KindSpec] = {spec.kind: spec for spec in (
    KindSpec(Kind.HR_ROSTER,
             (STAFF, COLLAR, SURNAME, FORENAMES, FULL_NAME, EMAIL, RANK, WORKFORCE, UNIT, ROLE,
              LINE_MANAGER, START, LEAVING, EMPLOYMENT),
             ((STAFF,),), _single(roster.parse_roster)),
    KindSpec(Kind.LMS_LONG, (*LEARNER, TITLE, CSTATUS, DATE, SCORE, UNIT, RANK, FORCE, ROLE),
             ((TITLE,), (DATE,), LEARNER), _single(lms.parse_long)),
    KindSpec(Kind.TOTARA_REPORT, (*LEARNER, TITLE, CSTATUS, DATE, SCORE, UNIT, ROLE, RANK),
             ((TITLE,), (DATE,), LEARNER), _single(lms.parse_long)),
    KindSpec(Kind.TOTARA_UPLOAD, (USERNAME, STAFF, EMAIL, SHORTNAME, IDNUMBER, DATE, SCORE),
             ((SHORTNAME, IDNUMBER), (DATE,), (USERNAME, STAFF, EMAIL)),
             _single(lms.parse_totara_upload)),
    KindSpec(Kind.HYDRA,
             (*LEARNER, RANK, FORCE, UNIT, CSTATUS, DATE, TITLE, VENUE, SYNDICATE, ROLE),
             (LEARNER,), hydra.parse_hydra),
    KindSpec(Kind.MOODLE_COURSE, MOODLE_LEARNER,
             (MOODLE_LEARNER,), _single(moodle.parse_course), identity_by_values=False),
    KindSpec(Kind.MOODLE_ACTIVITY, MOODLE_LEARNER,
             (), _single(moodle.parse_activity), identity_by_values=False),
    KindSpec(Kind.REFERRAL_LOG, REFERRAL_FIELDS, ((REFERRAL_REF,), (REFERRED,)),
             _single(intel.parse_referrals), identity_by_values=False),
    KindSpec(Kind.INTELLIGENCE_LOG, SUBMISSION_FIELDS, ((SUBMISSION_REF,), (SUBMITTED,)),
             _single(intel.parse_submissions), identity_by_values=False),
)}


def missing_required(found: dict[str, int], kind: Kind) -> tuple[Field, ...] | None:
    """The first required group with no column, or None when all are there."""
    for group in SPECS[kind].required:
        if not any(field.name in found for field in group):
            return group
    return None
