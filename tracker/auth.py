"""Users, roles and permissions; log-in with argon2 password hashes, lock-out and expiry.

The permission table below is the one source the dashboard, the CLI and the tests use:
``can(user, action)`` answers "may this user do that?", ``pages_for(role)`` lists the pages
a role may open. A page or action a role may not use is neither shown nor allowed.

Log-in is either the tracker's own (user name and password, the default) or an identity
provider through Streamlit's OIDC ``st.login`` (``TRACKER_AUTH=oidc``): then the identity
comes from the provider and the role from this module's users table, looked up by email.

May import: config, reference, messages, store.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, case, func, or_, select, update
from sqlalchemy.orm import Session

from tracker.messages.hints import Advised, Face, Refusal, with_hint
from tracker.reference import vocab
from tracker.store import audit
from tracker.store.db import unit_of_work
from tracker.store.models import Force, User, utcnow

ROLES = ("admin", "training_lead", "manager", "inspector")
ROLE_LABELS = {
    "admin": "Administrator",
    "training_lead": "Training lead",
    "manager": "Manager",
    "inspector": "Inspector (read-only)",
}

# What each action means (shown on the Admin page and in `tracker users list --help`).
ACTIONS = {
    "view_coverage": "see coverage numbers and charts",
    "view_people": "see lists of people (who is outstanding)",
    "view_identities": "see names, emails and staff numbers in those lists",
    "lookup_person": "look a person up and see why they have their status",
    "upload": "upload LMS, HR and Hydra files",
    "undo_import": "undo an import batch",
    "resolve_data": "confirm or reject learner matches and map unknown values",
    "record_exemption": "record and end exemptions",
    "view_exemptions": "see exemptions",
    "export": "download the compliance report and CSVs",
    "view_imports": "see the history of imports",
    "view_national": "see coverage by force",
    "manage_users": "add users, change roles, reset passwords, unlock accounts",
    "view_rules": "see the requirement rules in force",
    "view_audit": "see the audit log",
    "manage_plan": "edit the OIC plan register (recommendation 4) and attach its evidence",
    "plan_sessions": "record Hydra sessions, and draw up and send out their invite lists",
}

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({
        "view_coverage", "view_imports", "view_national", "manage_users", "view_rules",
        "view_audit", "manage_plan", "plan_sessions",
    }),
    "training_lead": frozenset({
        "view_coverage", "view_people", "view_identities", "lookup_person", "upload",
        "undo_import", "resolve_data", "record_exemption", "view_exemptions", "export",
        "view_imports", "view_rules", "manage_plan", "plan_sessions",
    }),
    "manager": frozenset({
        "view_coverage", "view_people", "view_identities", "lookup_person", "view_exemptions",
        "export", "view_rules",
    }),
    "inspector": frozenset({
        "view_coverage", "view_people", "view_identities", "export", "view_imports",
        "view_national", "view_rules",
    }),
}

class Page(NamedTuple):
    """A dashboard page: its title, the action a role needs to open it, and its icon (a
    Material icon name, which Streamlit draws from its own files)."""

    title: str
    permission: str
    icon: str


# The one page registry: page id (its file in dashboards/views/ and its URL) -> the page, in
# navigation order: the progress views, the training pages (recommendations 8 and 9), the
# intelligence pages (2 and 4), files and reports, administration. (Streamlit's sectioned
# navigation draws list markup that fails WCAG checks, so the order alone groups them.)
# Adding a page is a line here and its file.
PAGES: dict[str, Page] = {
    "overview": Page("Overview", "view_coverage", ":material/dashboard:"),
    "recommendations": Page("Recommendations", "view_coverage", ":material/flag:"),
    "coverage": Page("Coverage", "view_coverage", ":material/grid_on:"),
    "outstanding": Page("Outstanding", "view_people", ":material/checklist:"),
    "person": Page("Person", "lookup_person", ":material/person_search:"),
    "sessions": Page("Hydra sessions", "view_coverage", ":material/event:"),
    "exemptions": Page("Exemptions", "view_exemptions", ":material/event_busy:"),
    "referrals": Page("NCCU referrals", "view_coverage", ":material/assignment_late:"),
    "oic_plan": Page("OIC plan", "view_coverage", ":material/task_alt:"),
    "upload": Page("Upload", "upload", ":material/upload_file:"),
    "imports": Page("Imports", "view_imports", ":material/history:"),
    "data_quality": Page("Data quality", "resolve_data", ":material/rule:"),
    "reports": Page("Reports", "export", ":material/description:"),
    "national": Page("National", "view_national", ":material/public:"),
    "admin": Page("Admin", "manage_users", ":material/admin_panel_settings:"),
}

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

LOGIN_FAILED = (f"The user name or password is wrong, or the account is locked. Check both "
                f"and try again: after {MAX_FAILED_LOGINS} failed log-ins in a row an account "
                f"is locked for {int(LOCKOUT.total_seconds() // 60)} minutes.")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash to check unknown users against, so they cost what a known user costs (made on
    first use: an argon2 hash takes a third of a second, too long for every start)."""
    return _hasher.hash("not a real password, used to even out timing")


class HasRole(Protocol):
    @property
    def role(self) -> str: ...


class AuthError(Advised):
    """A refused user-management request; the message says why, each face adds what to do
    (``tracker.messages.hints``)."""


@dataclass(frozen=True)
class CurrentUser:
    """Who is logged in: what a dashboard session keeps (no ORM object, no hash)."""

    username: str
    role: str
    force_id: int | None = None
    force_code: str | None = None
    departments: tuple[str, ...] = ()
    display_name: str | None = None
    email: str | None = None

    @property
    def label(self) -> str:
        return f"{self.display_name or self.username} ({ROLE_LABELS.get(self.role, self.role)})"


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    message: str
    user: CurrentUser | None = None
    code: Refusal | None = None  # a refused log-in: what to do is the face's hint
    email: str | None = None

    def text(self, face: Face) -> str:
        """The message with ``face``'s hint."""
        return with_hint(self.message, self.code, face, email=self.email)


@dataclass
class SessionClock:
    """When a dashboard session started and when it last ran a page: it expires ``minutes``
    after the log-in, and after ``idle`` minutes without a page run."""

    started_at: dt.datetime = field(default_factory=utcnow)
    last_seen: dt.datetime = field(default_factory=utcnow)

    def expired(self, minutes: int, now: dt.datetime | None = None) -> bool:
        return (now or utcnow()) - self.started_at >= dt.timedelta(minutes=minutes)

    def idle(self, minutes: int, now: dt.datetime | None = None) -> bool:
        return (now or utcnow()) - self.last_seen >= dt.timedelta(minutes=minutes)

    def touch(self, now: dt.datetime | None = None) -> None:
        self.last_seen = now or utcnow()


# ---------------------------------------------------------------- permissions


def can(user: HasRole | None, action: str) -> bool:
    """May ``user`` do ``action``? Unknown actions are refused, never guessed."""
    if user is None:
        return False
    if action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}; known actions: {', '.join(ACTIONS)}")
    return action in PERMISSIONS.get(user.role, frozenset())


def pages_for(role: str) -> list[str]:
    """The page ids a role may open, in navigation order."""
    allowed = PERMISSIONS.get(role, frozenset())
    return [page for page, about in PAGES.items() if about.permission in allowed]


def may_open(user: HasRole | None, page: str) -> bool:
    return user is not None and page in pages_for(user.role)


def shows_identities(user: HasRole | None, pseudonymise_inspectors: bool) -> bool:
    """Whether people lists show names, emails and staff numbers to this user."""
    if user is None or not can(user, "view_identities"):
        return False
    return not (user.role == "inspector" and pseudonymise_inspectors)


def check_departments(departments: list[str] | None) -> list[str]:
    """Department codes, each one the vocabulary knows (a typo would hide everything)."""
    known = vocab.departments().departments
    for code in departments or []:
        if code not in known:
            raise AuthError(f"Unknown department {code!r}; use department codes such as "
                            f"{', '.join(list(known)[:4])} "
                            "(see tracker/reference/data/departments.toml).")
    return list(departments or [])


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AuthError(f"Unknown role {role!r}; use one of: {', '.join(ROLES)}.")
    return role


# ---------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _verify_dummy(password: str) -> None:
    """The work of one password check, for an attempt that checks no real password (an
    unknown, inactive or locked user), so the answer takes as long as a real one."""
    verify_password(None, password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"The password is too short ({len(password)} characters); use at "
                        f"least {MIN_PASSWORD_LENGTH}, e.g. three or four unrelated words.")


# ---------------------------------------------------------------- users


def _get_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username.strip())).first()


def require_user(session: Session, username: str) -> User:
    user = _get_user(session, username)
    if user is None:
        raise AuthError(f"No user {username!r}.", Refusal.NO_USER)
    return user


def _force_id(session: Session, force_code: str | None) -> int | None:
    if not force_code:
        return None
    found = session.scalars(select(Force.id).where(Force.code == force_code)).first()
    if found is None:
        raise AuthError(f"Unknown force {force_code!r}; use a force code from "
                        "tracker/reference/data/forces.toml, e.g. avon-and-somerset.")
    return found


def add_user(session: Session, username: str, role: str, password: str | None, actor: str, *,
             force: str | None = None, departments: list[str] | None = None,
             email: str | None = None, display_name: str | None = None) -> User:
    """Add a user. ``password`` may be None for a user who only logs in through OIDC."""
    check_role(role)
    if not username.strip():
        raise AuthError("The user name is empty; give a name such as j.bloggs.")
    if _get_user(session, username) is not None:
        raise AuthError(f"User {username!r} exists already.", Refusal.USER_EXISTS)
    if role == "manager" and not departments:
        raise AuthError("A manager sees only their departments.",
                        Refusal.MANAGER_WITHOUT_DEPARTMENT)
    check_departments(departments)
    if password is not None:
        check_password_strength(password)
    user = User(username=username.strip(), role=role, force_id=_force_id(session, force),
                departments=list(departments or []) or None, email=_norm_email(email),
                display_name=display_name,
                password_hash=hash_password(password) if password is not None else None)
    session.add(user)
    audit.record(session, actor, "user-add", user.username, role=role, force=force,
                 departments=list(departments or []))
    return user


def set_role(session: Session, username: str, role: str, actor: str, *,
             departments: list[str] | None = None) -> User:
    user = require_user(session, username)
    check_role(role)
    if departments is not None:
        user.departments = check_departments(departments) or None
    if role == "manager" and not user.departments:
        raise AuthError("A manager sees only their departments.",
                        Refusal.MANAGER_WITHOUT_DEPARTMENT)
    if role != "admin":
        _keep_an_administrator(session, user)
    old, user.role = user.role, role
    audit.record(session, actor, "user-set-role", user.username, old=old, new=role,
                 departments=list(user.departments or []))
    return user


def reset_password(session: Session, username: str, password: str, actor: str) -> User:
    user = require_user(session, username)
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, actor, "password-reset", user.username)
    return user


def unlock(session: Session, username: str, actor: str) -> User:
    user = require_user(session, username)
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, actor, "user-unlock", user.username)
    return user


def set_active(session: Session, username: str, active: bool, actor: str) -> User:
    """Deactivate a user (they can no longer log in, and an open dashboard session ends at
    its next page run) or reactivate them. Nobody deactivates themself: another
    administrator must (so an administrator cannot lock themself out by mistake)."""
    user = require_user(session, username)
    if not active and user.username == actor:
        raise AuthError("You cannot deactivate your own account; another administrator "
                        "can, if it is needed.")
    if not active:
        _keep_an_administrator(session, user)
    user.active = active
    if active:
        user.failed_logins, user.locked_until = 0, None
    audit.record(session, actor, "user-activate" if active else "user-deactivate",
                 user.username)
    return user


def _keep_an_administrator(session: Session, user: User) -> None:
    """Refuse a change that would leave no active administrator (nobody could then manage
    users from the dashboard)."""
    if user.role != "admin" or not user.active:
        return
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.id != user.id))
    if not others:
        raise AuthError(f"{user.username} is the only active administrator; make another "
                        "user an administrator first, so someone can still manage users.")


def list_users(session: Session) -> list[dict[str, object]]:
    """Every user as a plain row (no password hash), ordered by name."""
    forces = {fid: code for fid, code in session.execute(select(Force.id, Force.code))}
    now = utcnow()
    return [
        {"username": u.username, "role": u.role, "force": forces.get(u.force_id or -1),
         "departments": ", ".join(u.departments or []), "email": u.email,
         "active": u.active, "locked": bool(u.locked_until and u.locked_until > now),
         "last_login_at": u.last_login_at}
        for u in session.scalars(select(User).order_by(User.username))
    ]


def _norm_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def _current(session: Session, user: User) -> CurrentUser:
    force_code = None
    if user.force_id is not None:
        force_code = session.scalars(select(Force.code).where(Force.id == user.force_id)).first()
    return CurrentUser(user.username, user.role, user.force_id, force_code,
                       tuple(user.departments or ()), user.display_name, user.email)


# ---------------------------------------------------------------- log-in


def authenticate(engine: Engine, username: str, password: str,
                 now: dt.datetime | None = None) -> LoginResult:
    """Check a user name and password. Each attempt first takes one of the account's
    ``MAX_FAILED_LOGINS`` tries in a single atomic statement (``_take_attempt``), so however
    many guesses arrive at once, at most that many passwords are ever checked before the
    account locks for 15 minutes. Every failure, whether the user exists, is inactive, is
    locked or typed a wrong password, gets the same message after the same work (one argon2
    verification). Every attempt is audited with its real reason."""
    now = now or utcnow()
    name = username.strip()
    attempt = _take_attempt(engine, name, now)
    if attempt is None:
        _verify_dummy(password)
        return _refused(engine, name, now)
    user_id, password_hash, attempts = attempt
    if not verify_password(password_hash, password):
        return _failed(engine, name, attempts)
    return _succeeded(engine, user_id, now)


def _take_attempt(engine: Engine, username: str,
                  now: dt.datetime) -> tuple[int, str | None, int] | None:
    """Count one more attempt for an active, unlocked user and lock the account when the
    count reaches the limit, in one ``UPDATE ... RETURNING`` (SQLite 3.35+, PostgreSQL):
    the id, password hash and attempt number, or None when there is nobody to try."""
    expired = User.locked_until.is_not(None)  # only unlocked rows reach the SET
    attempts = case((expired, 1), else_=func.coalesce(User.failed_logins, 0) + 1)
    stmt = (update(User)
            .where(User.username == username, User.active.is_(True),
                   or_(User.locked_until.is_(None), User.locked_until <= now))
            .values(failed_logins=attempts,
                    locked_until=case((attempts >= MAX_FAILED_LOGINS, now + LOCKOUT),
                                      else_=None))
            .returning(User.id, User.password_hash, User.failed_logins))
    with engine.begin() as conn:
        row = conn.execute(stmt).first()
    return None if row is None else (int(row[0]), row[1], int(row[2]))


def _refused(engine: Engine, username: str, now: dt.datetime) -> LoginResult:
    """No attempt was taken: audit why (unknown, inactive or locked); say only the usual."""
    with unit_of_work(engine) as session:
        user = _get_user(session, username)
        if user is not None and user.active:
            audit.record(session, user.username, "login-refused", reason="locked",
                         until=f"{user.locked_until or now:%Y-%m-%dT%H:%M:%S}")
        else:
            audit.record(session, username or "?", "login-failed",
                         reason="inactive user" if user is not None else "unknown user")
    return LoginResult(False, LOGIN_FAILED, code=Refusal.LOGIN_FAILED)


def _failed(engine: Engine, username: str, attempts: int) -> LoginResult:
    with unit_of_work(engine) as session:
        if attempts >= MAX_FAILED_LOGINS:
            audit.record(session, username, "login-locked", attempts=attempts,
                         minutes=int(LOCKOUT.total_seconds() // 60))
        else:
            audit.record(session, username, "login-failed", attempts=attempts)
    return LoginResult(False, LOGIN_FAILED, code=Refusal.LOGIN_FAILED)


def _succeeded(engine: Engine, user_id: int, now: dt.datetime) -> LoginResult:
    with unit_of_work(engine) as session:
        session.execute(update(User).where(User.id == user_id)
                        .values(failed_logins=0, locked_until=None, last_login_at=now))
        user = session.get(User, user_id)
        assert user is not None  # the attempt above found it, and users are never deleted
        audit.record(session, user.username, "login", method="password")
        return LoginResult(True, f"Logged in as {user.username}.", _current(session, user))


def user_for_email(engine: Engine, email: str) -> LoginResult:
    """The tracker user behind an identity-provider log-in (OIDC), found by email."""
    key = _norm_email(email)
    with unit_of_work(engine) as session:
        user = session.scalars(select(User).where(func.lower(User.email) == key)).first() \
            if key else None
        if user is None or not user.active:
            audit.record(session, key or "?", "login-failed", method="oidc",
                         reason="no tracker user with this email")
            return LoginResult(False, f"You are signed in as {email}, but the tracker has no "
                               "user with that email.", code=Refusal.NO_USER_FOR_EMAIL,
                               email=email)
        user.last_login_at = utcnow()
        audit.record(session, user.username, "login", method="oidc")
        return LoginResult(True, f"Logged in as {user.username}.", _current(session, user))


def live_user(engine: Engine, user: CurrentUser) -> CurrentUser | None:
    """``user`` as the users table has them now (role, force, departments), or None when
    they are gone or deactivated: one read by the unique user name, for every page run."""
    stmt = (select(User.username, User.role, User.force_id, Force.code, User.departments,
                   User.display_name, User.email, User.active)
            .outerjoin(Force, Force.id == User.force_id).where(User.username == user.username))
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None or not row.active:
        return None
    return CurrentUser(row.username, row.role, row.force_id, row.code,
                       tuple(row.departments or ()), row.display_name, row.email)


def record_logout(engine: Engine, user: CurrentUser, reason: str = "log-out") -> None:
    with unit_of_work(engine) as session:
        audit.record(session, user.username, "logout", reason=reason)


def auth_mode(env: dict[str, str] | None = None) -> str:
    """``password`` (built-in log-in, the default) or ``oidc`` (Streamlit's ``st.login``),
    from ``TRACKER_AUTH``."""
    mode = (env if env is not None else os.environ).get("TRACKER_AUTH", "password")
    mode = mode.strip().lower() or "password"
    if mode not in {"password", "oidc"}:
        raise AuthError(f"TRACKER_AUTH={mode!r} is not known; use 'password' or 'oidc'.")
    return mode


# ---------------------------------------------------------------- demo users

DEMO_FORCE = "avon-and-somerset"
DEMO_USERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # username: (role, password, departments)
    "demo-admin": ("admin", "demo-admin-password", ()),
    "demo-lead": ("training_lead", "demo-lead-password", ()),
    "demo-manager": ("manager", "demo-manager-password", ("response", "neighbourhood")),
    "demo-inspector": ("inspector", "demo-inspector-password", ()),
}


def ensure_demo_users(engine: Engine) -> dict[str, str]:
    """Create (or reset) one demo user per role, for Avon and Somerset; returns
    {username: password} for printing. Demo passwords are fixed and public: demo only."""
    return reset_demo_users(engine, {name: (role, password, DEMO_FORCE, departments)
                                     for name, (role, password, departments)
                                     in DEMO_USERS.items()})


def reset_demo_users(engine: Engine, users: dict[str, tuple[str, str, str | None,
                                                            tuple[str, ...]]]
                     ) -> dict[str, str]:
    """Create (or reset) demo log-ins, ``{username: (role, password, force code or None,
    departments)}``: unlocked, active, with that password. Returns {username: password}."""
    with unit_of_work(engine) as session:
        for username, (role, password, force, departments) in users.items():
            user = _get_user(session, username)
            if user is None:
                user = User(username=username, role=role)
                session.add(user)
            user.role, user.force_id = role, _force_id(session, force)
            user.departments = list(departments) or None
            user.password_hash = hash_password(password)
            user.failed_logins, user.locked_until, user.active = 0, None, True
            user.display_name = f"Demo {ROLE_LABELS[role].split(' (')[0].lower()}"
            audit.record(session, "tracker demo", "user-demo", username, role=role)
    return {username: password for username, (_r, password, _f, _d) in users.items()}
