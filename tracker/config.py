"""Configuration: defaults in one place, ``TRACKER_*`` environment overrides.

| setting            | environment variable      | default                          |
|--------------------|---------------------------|----------------------------------|
| database URL       | TRACKER_DB_URL            | sqlite:///./data/tracker.db      |
| requirement rules  | TRACKER_RULES             | the shipped tracker/reference/data/rules.toml |
| data folder        | TRACKER_DATA_DIR          | ./data                           |
| max upload size    | TRACKER_MAX_UPLOAD_MB     | 200                              |
| max workbook expanded size | TRACKER_MAX_EXPANDED_MB | 2048 (all parts, inflated)     |
| memory to parse a file | TRACKER_PARSE_MEMORY_MB | 4096, or 40 x the file if more   |
| time to parse a file | TRACKER_PARSE_SECONDS   | 600                              |
| pseudonymise for inspectors | TRACKER_PSEUDONYMISE_INSPECTORS | 1                |
| pseudonym secret   | TRACKER_PSEUDONYM_SECRET  | random, kept in the data folder  |
| session expiry     | TRACKER_SESSION_MINUTES   | 480                              |
| idle log-out       | TRACKER_IDLE_MINUTES      | 30                               |
| today (for demos and tests) | TRACKER_TODAY    | the real date                    |
| log-in: password or oidc | TRACKER_AUTH       | password (oidc: Streamlit st.login) |
| implausible: unmapped values | TRACKER_IMPLAUSIBLE_UNMAPPED | 0.10 of a rule column's  |
| implausible: unmatched learners | TRACKER_IMPLAUSIBLE_UNMATCHED | 0.20 of a file's own |
| implausible: a requirement's fall | TRACKER_IMPLAUSIBLE_DROP | 0.10 (in scope, completed) |
| implausible: fewest people to judge | TRACKER_IMPLAUSIBLE_MIN_PEOPLE | 5              |
| retention: leavers' personal data | TRACKER_RETENTION_MONTHS | off (unset or 0)     |
| retention: kept upload files | TRACKER_RETENTION_FILE_MONTHS | TRACKER_RETENTION_MONTHS |
| implausible: a full roster's leavers | TRACKER_IMPLAUSIBLE_LEAVERS | 0.10 of the workforce |
| NCCU referral: days to submit its document | TRACKER_REFERRAL_WINDOW_DAYS | 7     |

May import: nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Thresholds:
    """When an import is implausible (``tracker.ingest.plausibility``), as shares from 0 to 1: more
    than ``unmapped`` of a rule column's values map to nothing; more than ``unmatched`` of a
    completion file's own-force learners match nobody; a requirement's population or its
    completed count falls by more than ``drop``; a full roster would make more than
    ``leavers`` of the force's workforce (on its roster as of the roster's date) leavers.
    Each also needs at least ``min_people`` people unmapped, unmatched, fallen or leaving:
    one learner of two matching nobody is no evidence of a wrong file. ``unmatched`` also
    judges the officers a referral or submission log names; a log's row dated more than
    ``log_years`` years before today is implausibly old."""

    unmapped: float = 0.10
    unmatched: float = 0.20
    drop: float = 0.10
    min_people: int = 5
    leavers: float = 0.10
    log_years: int = 10  # a referral or submission dated more years ago is implausibly old


@dataclass(frozen=True)
class Retention:
    """How long personal data is kept (``tracker.store.retention``), in whole months; None: kept
    for ever (the default: the data protection officer decides). ``leaver_months`` counts
    from a leaver's leaving date, ``file_months`` from the last upload of a kept file."""

    leaver_months: int | None = None
    file_months: int | None = None

    @property
    def on(self) -> bool:
        return self.leaver_months is not None or self.file_months is not None


RETENTION_VARIABLE = "TRACKER_RETENTION_MONTHS"
RETENTION_FILE_VARIABLE = "TRACKER_RETENTION_FILE_MONTHS"


@dataclass(frozen=True)
class ParseLimits:
    """What reading one uploaded file may take (``imports.isolated``): ``memory_mb`` of
    address space for the child process that parses it (or ``MEMORY_PER_FILE_BYTE`` times
    the file's size, if more), ``seconds`` of wall time, and ``expanded_mb`` for a
    workbook's parts once inflated (a zip bomb's bound, besides its ratio)."""

    memory_mb: int = 4096
    seconds: int = 600
    expanded_mb: int = 2048

    MEMORY_PER_FILE_BYTE = 40

    def memory_bytes(self, file_size: int) -> int:
        return max(self.memory_mb * 1024 * 1024, self.MEMORY_PER_FILE_BYTE * file_size)


LIMIT_VARIABLES = {"memory_mb": "TRACKER_PARSE_MEMORY_MB", "seconds": "TRACKER_PARSE_SECONDS",
                   "expanded_mb": "TRACKER_MAX_EXPANDED_MB"}


THRESHOLD_VARIABLES = {"unmapped": "TRACKER_IMPLAUSIBLE_UNMAPPED",
                       "unmatched": "TRACKER_IMPLAUSIBLE_UNMATCHED",
                       "drop": "TRACKER_IMPLAUSIBLE_DROP",
                       "leavers": "TRACKER_IMPLAUSIBLE_LEAVERS"}
MIN_PEOPLE_VARIABLE = "TRACKER_IMPLAUSIBLE_MIN_PEOPLE"


REFERRAL_WINDOW_DAYS = 7  # days after an NCCU referral its intelligence document is due


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db_url: str
    rules_path: Path | None
    max_upload_mb: int
    pseudonymise_inspectors: bool
    session_minutes: int
    today_override: dt.date | None
    pseudonym_secret_override: str | None = None
    thresholds: Thresholds = Thresholds()
    idle_minutes: int = 30
    retention: Retention = field(default_factory=lambda: Retention())
    limits: ParseLimits = ParseLimits()
    referral_window_days: int = REFERRAL_WINDOW_DAYS

    def today(self) -> dt.date:
        return self.today_override or dt.date.today()

    def pseudonym_secret(self) -> str:
        """The secret that keys pseudonyms, so nobody can work them out from person ids:
        TRACKER_PSEUDONYM_SECRET (set the same one on every server that shares a database),
        else this installation's own, made at random on first use and kept in the data
        folder (``pseudonym-secret``, readable by its owner only)."""
        if self.pseudonym_secret_override:
            return self.pseudonym_secret_override
        path = self.data_dir / PSEUDONYM_SECRET_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                               "w", encoding="ascii") as out:
                    out.write(secrets.token_hex(32) + "\n")
            except FileExistsError:  # another process made it first: use theirs
                pass
        return path.read_text(encoding="ascii").strip()


PSEUDONYM_SECRET_FILE = "pseudonym-secret"
REFERRAL_WINDOW_VARIABLE = "TRACKER_REFERRAL_WINDOW_DAYS"


def _flag(value: str) -> bool:
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("TRACKER_DATA_DIR", "data"))
    default_url = f"sqlite:///{data_dir / 'tracker.db'}"
    rules = env.get("TRACKER_RULES")
    today = env.get("TRACKER_TODAY")
    return Settings(
        data_dir=data_dir,
        db_url=env.get("TRACKER_DB_URL") or default_url,
        rules_path=Path(rules) if rules else None,
        max_upload_mb=int(env.get("TRACKER_MAX_UPLOAD_MB", "200")),
        pseudonymise_inspectors=_flag(env.get("TRACKER_PSEUDONYMISE_INSPECTORS", "1")),
        session_minutes=int(env.get("TRACKER_SESSION_MINUTES", "480")),
        today_override=dt.date.fromisoformat(today) if today else None,
        pseudonym_secret_override=env.get("TRACKER_PSEUDONYM_SECRET") or None,
        thresholds=load_thresholds(env),
        idle_minutes=_idle_minutes(env),
        retention=load_retention(env),
        limits=load_limits(env),
        referral_window_days=_window_days(env),
    )


def _window_days(env: dict[str, str]) -> int:
    """TRACKER_REFERRAL_WINDOW_DAYS: days after a referral its document counts as on time
    (a whole number, 0 or more)."""
    text = env.get(REFERRAL_WINDOW_VARIABLE, "").strip() or str(REFERRAL_WINDOW_DAYS)
    if not text.isdigit():
        raise ValueError(f"{REFERRAL_WINDOW_VARIABLE} must be a whole number of days (0 or "
                         f"more), not {text!r}.")
    return int(text)


def _idle_minutes(env: dict[str, str]) -> int:
    """TRACKER_IDLE_MINUTES: minutes without a page run before a dashboard session ends."""
    text = env.get(IDLE_VARIABLE, "").strip() or "30"
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{IDLE_VARIABLE}={text!r} is not a whole number of minutes of 1 or "
                         "more (e.g. 30); fix or unset it.")
    return int(text)


IDLE_VARIABLE = "TRACKER_IDLE_MINUTES"


def load_retention(env: dict[str, str]) -> Retention:
    """TRACKER_RETENTION_MONTHS (leavers, and kept files unless
    TRACKER_RETENTION_FILE_MONTHS says otherwise); unset or 0 is off."""
    leavers = _months(env, RETENTION_VARIABLE)
    files = _months(env, RETENTION_FILE_VARIABLE) if env.get(RETENTION_FILE_VARIABLE, "").strip() \
        else leavers
    return Retention(leaver_months=leavers, file_months=files)


def _months(env: dict[str, str], variable: str) -> int | None:
    text = env.get(variable, "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{variable}={text!r} is not a whole number of months (e.g. 24; 0 "
                         "or unset: off); fix or unset it.")
    return int(text) or None



def load_limits(env: dict[str, str]) -> ParseLimits:
    """The ParseLimits, each overridden by its variable (a whole number over 0) when set."""
    values: dict[str, int] = {}
    for name, variable in LIMIT_VARIABLES.items():
        text = env.get(variable, "").strip()
        if not text:
            continue
        if not text.isdigit() or int(text) == 0:
            raise ValueError(f"{variable}={text!r} is not a whole number over 0; fix or "
                             "unset it.")
        values[name] = int(text)
    return ParseLimits(**values)


def load_thresholds(env: dict[str, str]) -> Thresholds:
    """The Thresholds, each overridden by its TRACKER_IMPLAUSIBLE_* variable when set."""
    default = Thresholds()

    def share(name: str) -> float:
        variable = THRESHOLD_VARIABLES[name]
        text = env.get(variable, "").strip()
        return _share(variable, text) if text else float(getattr(default, name))

    fewest = env.get(MIN_PEOPLE_VARIABLE, "").strip() or str(default.min_people)
    if not fewest.isdigit():
        raise ValueError(f"{MIN_PEOPLE_VARIABLE}={fewest!r} is not a whole number of 0 or "
                         "more (e.g. 5); fix or unset it.")
    return Thresholds(unmapped=share("unmapped"), unmatched=share("unmatched"),
                      drop=share("drop"), min_people=int(fewest), leavers=share("leavers"))


def _share(variable: str, text: str) -> float:
    """A share from 0 to 1 (e.g. 0.25); anything else is refused with the variable's name."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1:
        raise ValueError(f"{variable}={text.strip()!r} is not a share from 0 to 1 (e.g. 0.25); "
                         "fix or unset it.")
    return value
