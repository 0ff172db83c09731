"""``tracker users``: add users, list them, change roles, reset passwords, unlock accounts,
deactivate and reactivate users.

A thin layer over ``tracker.auth``: options are parsed here, the work is done there.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import app, fail, state
from tracker.messages.hints import explain

if TYPE_CHECKING:  # SQLAlchemy and the user store are loaded by the commands
    from sqlalchemy.orm import Session

users_app = typer.Typer(
    help="Dashboard users and their roles: admin (users), training_lead (everything for "
    "their force), manager (read and export for their departments), inspector (read-only).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")

ACTOR = "cli"

# tracker.auth.ROLES, spelled out so that building the CLI (its --help) need not load
# SQLAlchemy and argon2; a test keeps the two equal.
ROLES = ("admin", "training_lead", "manager", "inspector")

RoleOpt = Annotated[str, typer.Option("--role", metavar="ROLE",
                                      help=f"One of: {', '.join(ROLES)}.")]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of standard "
                 "input instead of asking for it (for scripts)."),
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        fail("The two passwords differ; run the command again and type the same one twice.")
    return first


def _run(ctx: typer.Context, action: str, work: Callable[[Session], object]) -> None:
    """Run ``work(session)`` in one unit of work, turning refusals into CLI errors."""
    from tracker import auth
    from tracker.store.db import unit_of_work

    try:
        with unit_of_work(state(ctx).engine) as session:
            work(session)
    except auth.AuthError as exc:
        fail(f"{action}: {explain(exc, 'cli')}")


@users_app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Log-in name, e.g. j.bloggs.")],
    role: RoleOpt,
    force: Annotated[str | None, typer.Option(
        "--force", metavar="CODE", help="Force code the user works for, e.g. "
        "avon-and-somerset (none: all forces).")] = None,
    department: Annotated[list[str] | None, typer.Option(
        "--department", metavar="CODE", help="A department code a manager may see (repeat "
        "the option for several).")] = None,
    email: Annotated[str | None, typer.Option(
        "--email", metavar="EMAIL", help="Email, used to find the user when logging in "
        "through the organisation's identity provider.")] = None,
    no_password: Annotated[bool, typer.Option("--no-password", help="No tracker password: "
                           "the user logs in through the identity provider only.")] = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a dashboard user with a role (asks for the password unless --password-stdin)."""
    from tracker import auth

    password = None if no_password else _read_password(password_stdin)
    _run(ctx, "Cannot add the user", lambda s: auth.add_user(
        s, username, role, password, ACTOR, force=force, departments=department, email=email))
    typer.echo(f"Added {username} as {role}" + (f" for {force}" if force else "") + ".")


@users_app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the users, their roles, forces, departments and whether they are locked."""
    from tracker import auth

    rows: list[dict[str, object]] = []
    _run(ctx, "Cannot list the users", lambda s: rows.extend(auth.list_users(s)))
    if not rows:
        typer.echo("No users yet. Add one with: tracker users add NAME --role admin")
        return
    typer.echo(f"{'user':<24} {'role':<14} {'force':<22} {'departments':<28} status")
    for r in rows:
        status = "locked" if r["locked"] else ("active" if r["active"] else "inactive")
        typer.echo(f"{r['username']!s:<24} {r['role']!s:<14} {r['force'] or 'all'!s:<22} "
                   f"{r['departments'] or '-'!s:<28} {status}")


@users_app.command("set-role")
def set_role(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user to change.")],
    role: RoleOpt,
    department: Annotated[list[str] | None, typer.Option(
        "--department", metavar="CODE", help="Departments a manager may see (replaces the "
        "list; repeat for several).")] = None,
) -> None:
    """Change a user's role (and a manager's departments)."""
    from tracker import auth

    _run(ctx, "Cannot change the role", lambda s: auth.set_role(
        s, username, role, ACTOR, departments=department))
    typer.echo(f"{username} is now {role}.")


@users_app.command("reset-password")
def reset_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user whose password to set.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a new password for a user (and unlock the account)."""
    from tracker import auth

    password = _read_password(password_stdin)
    _run(ctx, "Cannot reset the password",
         lambda s: auth.reset_password(s, username, password, ACTOR))
    typer.echo(f"Password of {username} reset.")


@users_app.command("unlock")
def unlock(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The locked user.")],
) -> None:
    """Unlock an account locked after repeated failed log-ins."""
    from tracker import auth

    _run(ctx, "Cannot unlock", lambda s: auth.unlock(s, username, ACTOR))
    typer.echo(f"{username} unlocked.")


@users_app.command("deactivate")
def deactivate(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user to shut out.")],
) -> None:
    """Stop a user logging in; their open dashboard session ends at its next page."""
    from tracker import auth

    _run(ctx, "Cannot deactivate", lambda s: auth.set_active(s, username, False, ACTOR))
    typer.echo(f"{username} deactivated: they cannot log in, and an open dashboard session "
               "ends at its next page.")


@users_app.command("activate")
def activate(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The deactivated user.")],
) -> None:
    """Let a deactivated user log in again."""
    from tracker import auth

    _run(ctx, "Cannot activate", lambda s: auth.set_active(s, username, True, ACTOR))
    typer.echo(f"{username} can log in again.")
