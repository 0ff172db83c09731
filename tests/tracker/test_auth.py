"""Users, roles, permissions, log-in, lock-out, expiry and the ``tracker users`` commands."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tests.conftest import cli_db_url
from tracker import auth
from tracker.db import unit_of_work
from tracker.models import AuditEvent, User

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
    assert auth.pages_for("admin") == ["overview", "coverage", "imports", "national", "admin"]
    assert auth.pages_for("training_lead") == [
        "overview", "coverage", "outstanding", "person", "upload", "imports", "data_quality",
        "exemptions", "reports"]
    assert auth.pages_for("manager") == [
        "overview", "coverage", "outstanding", "person", "exemptions", "reports"]
    assert auth.pages_for("inspector") == [
        "overview", "coverage", "outstanding", "imports", "reports", "national"]
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
    assert all(action in auth.ACTIONS for _title, action in auth.PAGES.values())
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


def test_wrong_password_says_how_many_attempts_are_left(engine: Engine, lead: str) -> None:
    result = auth.authenticate(engine, lead, "nope")
    assert not result.ok
    assert result.message == ("The user name or password is wrong. Check both and try again "
                              "(4 attempts left before the account is locked for 15 minutes).")
    assert ("j.bloggs", "login-failed") in _actions(engine)


def test_unknown_user_gets_the_same_kind_of_message(engine: Engine) -> None:
    result = auth.authenticate(engine, "ghost", "whatever")
    assert not result.ok and result.message.startswith("The user name or password is wrong.")


def test_five_failures_lock_the_account_for_fifteen_minutes(engine: Engine, lead: str) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0)
    for i in range(5):
        result = auth.authenticate(engine, lead, "bad", now=start + dt.timedelta(seconds=i))
    assert result.message.startswith("This account is locked after 5 failed log-ins, until "
                                     "09:15 UTC.")
    locked = auth.authenticate(engine, lead, PASSWORD, now=start + dt.timedelta(minutes=14))
    assert not locked.ok and "locked" in locked.message
    later = auth.authenticate(engine, lead, PASSWORD, now=start + dt.timedelta(minutes=16))
    assert later.ok
    assert ("j.bloggs", "login-locked") in _actions(engine)
    assert ("j.bloggs", "login-refused") in _actions(engine)


def test_a_success_resets_the_failure_count(engine: Engine, lead: str) -> None:
    for _ in range(4):
        auth.authenticate(engine, lead, "bad")
    assert auth.authenticate(engine, lead, PASSWORD).ok
    assert auth.authenticate(engine, lead, "bad").message.endswith(
        "(4 attempts left before the account is locked for 15 minutes).")


def test_unlock_lets_a_locked_user_in(engine: Engine, lead: str) -> None:
    for _ in range(5):
        auth.authenticate(engine, lead, "bad")
    assert not auth.authenticate(engine, lead, PASSWORD).ok
    with unit_of_work(engine) as session:
        auth.unlock(session, lead, "admin")
    assert auth.authenticate(engine, lead, PASSWORD).ok


def test_session_expires_after_the_configured_minutes() -> None:
    clock = auth.SessionClock(started_at=dt.datetime(2026, 3, 2, 9, 0))
    assert not clock.expired(480, now=dt.datetime(2026, 3, 2, 16, 59))
    assert clock.expired(480, now=dt.datetime(2026, 3, 2, 17, 0))
    assert clock.expired(1, now=dt.datetime(2026, 3, 2, 9, 1))


def test_oidc_identity_is_found_by_email_case_blind(engine: Engine, lead: str) -> None:
    result = auth.user_for_email(engine, "JO.BLOGGS@example.police.uk")
    assert result.ok and result.user and result.user.username == "j.bloggs"
    missing = auth.user_for_email(engine, "someone@example.org")
    assert not missing.ok
    assert missing.message == (
        "You are signed in as someone@example.org, but the tracker has no user with that "
        "email. Ask an administrator to add you: tracker users add NAME --role ROLE "
        "--email someone@example.org")


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
        with pytest.raises(auth.AuthError, match="give at least one with --department"):
            auth.add_user(session, "m", "manager", PASSWORD, "t")
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


def test_cli_refusals_say_what_to_do(engine: Engine) -> None:
    code, out = _cli(engine, "users", "add", "x", "--role", "boss", "--password-stdin",
                     stdin=PASSWORD + "\n")
    assert code == 1
    assert "Cannot add the user: Unknown role 'boss'; use one of: admin, training_lead, " \
           "manager, inspector." in out
    code, out = _cli(engine, "users", "unlock", "ghost")
    assert code == 1 and "No user 'ghost'; see the users with: tracker users list." in out


def test_cli_reset_password_from_stdin(engine: Engine) -> None:
    auth.ensure_demo_users(engine)
    code, out = _cli(engine, "users", "reset-password", "demo-lead", "--password-stdin",
                     stdin="another long password\n")
    assert code == 0, out
    assert auth.authenticate(engine, "demo-lead", "another long password").ok
