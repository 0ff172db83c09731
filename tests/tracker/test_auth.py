"""Users, roles, permissions, log-in, lock-out, expiry and the ``tracker users`` commands."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tests.conftest import cli_db_url
from tracker import auth
from tracker.messages import hints
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent, User

PASSWORD = "correct horse battery"


@pytest.fixture
def lead(engine: Engine) -> str:
    with unit_of_work(engine) as session:
        auth.add_user(session, "j.bloggs", "training_lead", PASSWORD, "test",
                      force="avon-and-somerset", email="Jo.Bloggs@Example.police.uk")
    return "j.bloggs"


def _actions(engine: Engine) -> list[tuple[str, str]]:
    with unit_of_work(engine) as session:
        return [(e.actor, e.action) for e in session.scalars(
            select(AuditEvent).order_by(AuditEvent.id))]


# ---------------------------------------------------------------- permission table


def test_pages_for_each_role_follow_the_table() -> None:
    top = ["overview", "recommendations", "coverage"]
    intelligence = ["referrals", "oic_plan"]
    assert auth.pages_for("admin") == [*top, "sessions", *intelligence, "imports", "national",
                                       "admin"]
    assert auth.pages_for("training_lead") == [
        *top, "outstanding", "person", "sessions", "exemptions", *intelligence, "upload",
        "imports", "data_quality", "reports"]
    assert auth.pages_for("manager") == [
        *top, "outstanding", "person", "sessions", "exemptions", *intelligence, "reports"]
    assert auth.pages_for("inspector") == [*top, "outstanding", "sessions", *intelligence,
                                           "imports", "reports", "national"]
    assert auth.pages_for("nobody") == []


def test_can_refuses_what_a_role_may_not_do() -> None:
    inspector = auth.CurrentUser("i", "inspector")
    lead = auth.CurrentUser("l", "training_lead")
    assert not auth.can(inspector, "upload")
    assert not auth.can(inspector, "undo_import")
    assert auth.can(lead, "upload") and auth.can(lead, "undo_import")
    assert not auth.can(lead, "manage_users")
    assert auth.can(auth.CurrentUser("a", "admin"), "manage_users")
    assert not auth.can(None, "view_coverage")
    with pytest.raises(KeyError, match="Unknown action 'fly'"):
        auth.can(lead, "fly")


def test_every_page_needs_a_known_action_and_every_role_has_a_page() -> None:
    assert all(page.permission in auth.ACTIONS for page in auth.PAGES.values())
    assert all(auth.pages_for(role) for role in auth.ROLES)
    assert set().union(*auth.PERMISSIONS.values()) <= set(auth.ACTIONS)


def test_inspectors_see_pseudonymised_lists_when_the_setting_is_on() -> None:
    inspector = auth.CurrentUser("i", "inspector")
    assert not auth.shows_identities(inspector, pseudonymise_inspectors=True)
    assert auth.shows_identities(inspector, pseudonymise_inspectors=False)
    assert auth.shows_identities(auth.CurrentUser("m", "manager"), True)
    assert not auth.shows_identities(auth.CurrentUser("a", "admin"), False)


# ---------------------------------------------------------------- passwords and log-in


def test_passwords_are_stored_as_argon2_hashes(engine: Engine, lead: str) -> None:
    with unit_of_work(engine) as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert auth.verify_password(stored, PASSWORD)
    assert not auth.verify_password(stored, "wrong password")
    assert not auth.verify_password(None, PASSWORD)


def test_login_succeeds_and_is_audited(engine: Engine, lead: str) -> None:
    result = auth.authenticate(engine, lead, PASSWORD)
    assert result.ok and result.user is not None
    assert result.user.role == "training_lead"
    assert result.user.force_code == "avon-and-somerset"
    assert ("j.bloggs", "login") in _actions(engine)


def _row(engine: Engine, username: str) -> tuple[int, dt.datetime | None]:
    with unit_of_work(engine) as session:
        user = auth.require_user(session, username)
        return user.failed_logins, user.locked_until


def test_every_failure_gets_the_same_message(engine: Engine, lead: str) -> None:
    assert auth.LOGIN_FAILED == (
        "The user name or password is wrong, or the account is locked. Check both and try "
        "again: after 5 failed log-ins in a row an account is locked for 15 minutes.")
    assert auth.authenticate(engine, lead, "nope").text("dashboard") == (
        f"{auth.LOGIN_FAILED} An administrator can unlock it sooner on the Admin page.")
    wrong = auth.authenticate(engine, lead, "nope")
    unknown = auth.authenticate(engine, "ghost", "whatever")
    assert (wrong.ok, wrong.message, wrong.user) == (False, auth.LOGIN_FAILED, None)
    assert (unknown.ok, unknown.message, unknown.user) == (False, auth.LOGIN_FAILED, None)
    with unit_of_work(engine) as session:
        auth.set_active(session, lead, False, "admin")
    inactive = auth.authenticate(engine, lead, PASSWORD)
    assert (inactive.ok, inactive.message) == (False, auth.LOGIN_FAILED)
    assert _actions(engine)[-4:] == [("j.bloggs", "login-failed"), ("ghost", "login-failed"),
                                     ("admin", "user-deactivate"), ("j.bloggs", "login-failed")]


def _count_verifications(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every argon2 verification from now on: True when it checked a real user's hash,
    False when it checked the dummy hash that evens out the timing."""
    seen: list[bool] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            seen.append(hash != auth._dummy_hash())
            return super().verify(hash, password)

    monkeypatch.setattr(auth, "_hasher", Counting())
    return seen


def test_unknown_locked_and_known_users_cost_one_argon2_check_each(
        engine: Engine, lead: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _count_verifications(monkeypatch)
    auth.authenticate(engine, lead, "nope")
    auth.authenticate(engine, "ghost", "whatever")
    assert seen == [True, False]
    for _ in range(4):
        auth.authenticate(engine, lead, "nope")
    seen.clear()
    auth.authenticate(engine, lead, PASSWORD)  # locked: the right password is not checked
    assert seen == [False]


def test_five_failures_lock_the_account_for_fifteen_minutes(engine: Engine, lead: str) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0)
    for i in range(5):
        result = auth.authenticate(engine, lead, "bad", now=start + dt.timedelta(seconds=i))
    assert result.message == auth.LOGIN_FAILED
    assert _row(engine, lead) == (5, dt.datetime(2026, 3, 2, 9, 15, 4))
    locked = auth.authenticate(engine, lead, PASSWORD, now=start + dt.timedelta(minutes=14))
    assert (locked.ok, locked.message) == (False, auth.LOGIN_FAILED)
    later = auth.authenticate(engine, lead, PASSWORD, now=start + dt.timedelta(minutes=16))
    assert later.ok
    assert _row(engine, lead) == (0, None)
    assert _actions(engine)[-4:] == [("j.bloggs", "login-failed"), ("j.bloggs", "login-locked"),
                                     ("j.bloggs", "login-refused"), ("j.bloggs", "login")]


def test_a_failure_after_the_lock_ends_counts_from_one(engine: Engine, lead: str) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0)
    for _ in range(5):
        auth.authenticate(engine, lead, "bad", now=start)
    auth.authenticate(engine, lead, "bad", now=start + dt.timedelta(minutes=15))
    assert _row(engine, lead) == (1, None)


def test_a_success_resets_the_failure_count(engine: Engine, lead: str) -> None:
    for _ in range(4):
        auth.authenticate(engine, lead, "bad")
    assert _row(engine, lead)[0] == 4
    assert auth.authenticate(engine, lead, PASSWORD).ok
    assert _row(engine, lead) == (0, None)
    auth.authenticate(engine, lead, "bad")
    assert _row(engine, lead) == (1, None)


def test_unlock_lets_a_locked_user_in(engine: Engine, lead: str) -> None:
    for _ in range(5):
        auth.authenticate(engine, lead, "bad")
    assert not auth.authenticate(engine, lead, PASSWORD).ok
    with unit_of_work(engine) as session:
        auth.unlock(session, lead, "admin")
    assert auth.authenticate(engine, lead, PASSWORD).ok


GUESSES = 20


def test_parallel_wrong_guesses_check_at_most_five_passwords(
        engine: Engine, lead: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """20 wrong passwords at once: 5 are checked and counted, the account locks, the other
    15 are refused without checking (a dummy hash each, for the timing); then even the
    right password is refused until the lock ends."""
    seen = _count_verifications(monkeypatch)
    start = threading.Barrier(GUESSES)

    def guess(i: int) -> auth.LoginResult:
        start.wait()
        return auth.authenticate(engine, lead, f"wrong guess {i}")

    with ThreadPoolExecutor(GUESSES) as pool:
        results = list(pool.map(guess, range(GUESSES)))
    assert [(r.ok, r.message) for r in results] == [(False, auth.LOGIN_FAILED)] * GUESSES
    assert (seen.count(True), seen.count(False)) == (5, 15)
    failures, locked_until = _row(engine, lead)
    assert failures == 5 and locked_until is not None
    assert locked_until > auth.utcnow() + dt.timedelta(minutes=14)
    actions = Counter(action for _actor, action in _actions(engine))
    assert (actions["login-failed"], actions["login-locked"], actions["login-refused"],
            actions["login"]) == (4, 1, 15, 0)
    assert not auth.authenticate(engine, lead, PASSWORD).ok
    assert seen.count(True) == 5


def test_session_expires_after_the_configured_minutes() -> None:
    clock = auth.SessionClock(started_at=dt.datetime(2026, 3, 2, 9, 0))
    assert not clock.expired(480, now=dt.datetime(2026, 3, 2, 16, 59))
    assert clock.expired(480, now=dt.datetime(2026, 3, 2, 17, 0))
    assert clock.expired(1, now=dt.datetime(2026, 3, 2, 9, 1))


def test_session_ends_after_the_idle_minutes_without_a_page_run() -> None:
    clock = auth.SessionClock(started_at=dt.datetime(2026, 3, 2, 9, 0),
                              last_seen=dt.datetime(2026, 3, 2, 9, 0))
    assert not clock.idle(30, now=dt.datetime(2026, 3, 2, 9, 29, 59))
    clock.touch(now=dt.datetime(2026, 3, 2, 9, 29, 59))
    assert not clock.idle(30, now=dt.datetime(2026, 3, 2, 9, 59, 58))
    assert clock.idle(30, now=dt.datetime(2026, 3, 2, 9, 59, 59))


def test_live_user_follows_role_changes_and_deactivation(engine: Engine, lead: str) -> None:
    session_user = auth.authenticate(engine, lead, PASSWORD).user
    assert session_user is not None
    assert auth.live_user(engine, session_user) == session_user
    with unit_of_work(engine) as session:
        auth.set_role(session, lead, "manager", "admin", departments=["cid"])
    assert auth.live_user(engine, session_user) == auth.CurrentUser(
        "j.bloggs", "manager", session_user.force_id, "avon-and-somerset", ("cid",), None,
        "jo.bloggs@example.police.uk")
    with unit_of_work(engine) as session:
        auth.set_active(session, lead, False, "admin")
    assert auth.live_user(engine, session_user) is None
    assert auth.live_user(engine, auth.CurrentUser("ghost", "admin")) is None
    with unit_of_work(engine) as session:
        auth.set_active(session, lead, True, "admin")
    assert auth.authenticate(engine, lead, PASSWORD).ok


def test_oidc_identity_is_found_by_email_case_blind(engine: Engine, lead: str) -> None:
    result = auth.user_for_email(engine, "JO.BLOGGS@example.police.uk")
    assert result.ok and result.user and result.user.username == "j.bloggs"
    missing = auth.user_for_email(engine, "someone@example.org")
    assert not missing.ok
    assert missing.message == (
        "You are signed in as someone@example.org, but the tracker has no user with that "
        "email.")
    assert missing.text("dashboard") == (
        f"{missing.message} Ask an administrator to add you, with this email, on the Admin "
        "page (Add a user).")


def test_auth_mode_comes_from_the_environment() -> None:
    assert auth.auth_mode({}) == "password"
    assert auth.auth_mode({"TRACKER_AUTH": "OIDC"}) == "oidc"
    with pytest.raises(auth.AuthError, match="TRACKER_AUTH='saml' is not known"):
        auth.auth_mode({"TRACKER_AUTH": "saml"})


# ---------------------------------------------------------------- user management


def test_add_user_refuses_bad_requests(engine: Engine, lead: str) -> None:
    with unit_of_work(engine) as session:
        with pytest.raises(auth.AuthError, match="exists already"):
            auth.add_user(session, lead, "inspector", PASSWORD, "t")
        with pytest.raises(auth.AuthError, match="Unknown role 'boss'"):
            auth.add_user(session, "x", "boss", PASSWORD, "t")
        with pytest.raises(auth.AuthError, match="A manager sees only their departments") as no:
            auth.add_user(session, "m", "manager", PASSWORD, "t")
        assert hints.explain(no.value, "cli").endswith(
            "Give at least one with --department CODE (e.g. --department response).")
        assert hints.explain(no.value, "dashboard").endswith(
            'Choose at least one under "Departments, for a manager".')
        with pytest.raises(auth.AuthError, match="too short"):
            auth.add_user(session, "y", "inspector", "short", "t")
        with pytest.raises(auth.AuthError, match="Unknown department 'respons'; use "):
            auth.add_user(session, "m2", "manager", PASSWORD, "t", departments=["respons"])
        with pytest.raises(auth.AuthError, match="Unknown force 'atlantis'"):
            auth.add_user(session, "z", "inspector", PASSWORD, "t", force="atlantis")


def test_set_role_and_reset_password(engine: Engine, lead: str) -> None:
    with unit_of_work(engine) as session:
        auth.set_role(session, lead, "manager", "admin", departments=["cid"])
        auth.reset_password(session, lead, "a brand new password", "admin")
    result = auth.authenticate(engine, lead, "a brand new password")
    assert result.user and result.user.role == "manager" and result.user.departments == ("cid",)
    assert ("admin", "user-set-role") in _actions(engine)
    assert ("admin", "password-reset") in _actions(engine)


def test_ensure_demo_users_gives_one_working_user_per_role(engine: Engine) -> None:
    passwords = auth.ensure_demo_users(engine)
    assert auth.ensure_demo_users(engine) == passwords  # idempotent
    roles = set()
    for username, password in passwords.items():
        result = auth.authenticate(engine, username, password)
        assert result.ok and result.user, username
        roles.add(result.user.role)
    assert roles == set(auth.ROLES)


# ---------------------------------------------------------------- CLI




def _cli(engine: Engine, *args: str, stdin: str | None = None) -> tuple[int, str]:
    from tracker.cli import app

    result = CliRunner().invoke(app, ["--db", cli_db_url(engine), *args], input=stdin)
    return result.exit_code, result.output


def test_cli_users_add_list_set_role_unlock(engine: Engine) -> None:
    code, out = _cli(engine, "users", "add", "m.smith", "--role", "manager", "--force",
                     "avon-and-somerset", "--department", "response", "--department", "cid",
                     "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, out
    assert out.strip() == "Added m.smith as manager for avon-and-somerset."
    assert auth.authenticate(engine, "m.smith", PASSWORD).ok
    code, out = _cli(engine, "users", "list")
    assert "m.smith" in out and "response, cid" in out and "avon-and-somerset" in out
    code, out = _cli(engine, "users", "set-role", "m.smith", "--role", "inspector")
    assert code == 0 and out.strip() == "m.smith is now inspector."
    code, out = _cli(engine, "users", "unlock", "m.smith")
    assert code == 0 and out.strip() == "m.smith unlocked."
    code, out = _cli(engine, "users", "deactivate", "m.smith")
    assert code == 0 and out.strip() == ("m.smith deactivated: they cannot log in, and an "
                                         "open dashboard session ends at its next page.")
    assert not auth.authenticate(engine, "m.smith", PASSWORD).ok
    code, out = _cli(engine, "users", "list")
    assert out.splitlines()[1].endswith(" inactive")
    code, out = _cli(engine, "users", "activate", "m.smith")
    assert code == 0 and out.strip() == "m.smith can log in again."
    assert auth.authenticate(engine, "m.smith", PASSWORD).ok


def test_cli_refusals_say_what_to_do(engine: Engine) -> None:
    code, out = _cli(engine, "users", "add", "x", "--role", "boss", "--password-stdin",
                     stdin=PASSWORD + "\n")
    assert code == 1
    assert "Cannot add the user: Unknown role 'boss'; use one of: admin, training_lead, " \
           "manager, inspector." in out
    code, out = _cli(engine, "users", "unlock", "ghost")
    assert code == 1 and "No user 'ghost'. See the users with: tracker users list." in out


def test_cli_reset_password_from_stdin(engine: Engine) -> None:
    auth.ensure_demo_users(engine)
    code, out = _cli(engine, "users", "reset-password", "demo-lead", "--password-stdin",
                     stdin="another long password\n")
    assert code == 0, out
    assert auth.authenticate(engine, "demo-lead", "another long password").ok


def test_the_last_active_administrator_stays_one(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        auth.add_user(session, "ada", "admin", "a long admin password", "setup")
        auth.add_user(session, "bea", "admin", "another admin password", "setup")
    with unit_of_work(engine) as session:
        auth.set_active(session, "bea", False, "ada")
    for change in (lambda s: auth.set_active(s, "ada", False, "system"),
                   lambda s: auth.set_role(s, "ada", "inspector", "system")):
        with pytest.raises(auth.AuthError, match="ada is the only active administrator"), \
                unit_of_work(engine) as session:
            change(session)
    with unit_of_work(engine) as session:
        auth.set_active(session, "bea", True, "ada")
        auth.set_role(session, "ada", "inspector", "bea")  # bea is an administrator again
        assert session.scalar(select(User.role).where(User.username == "ada")) == "inspector"
