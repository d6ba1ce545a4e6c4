"""`eventwatch users ...` and `eventwatch tokens ...` (also `flask --app app ...`): what an
operator does at the server's console, audited as the actor `cli`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from accounts import services, token_service, user_service
from accounts.models import ROLES, User
from common.times import utcnow
from common.validation import NotFound
from common.writes import Change, Write
from maps.live_service import publish
from web.extensions import db

users = AppGroup("users", help="Manage user accounts.")
tokens = AppGroup("tokens", help="Manage API tokens.")
ACTOR = "cli"  # who the audit log names for a write made at the server's console


def _write() -> Write:
    return Write(db.session, ACTOR, utcnow(), publish)


def _commit(change: Change, command: str) -> None:
    services.record_change(db.session, None, change, method="CLI", path=command, status=0)
    db.session.commit()


def _run(use_case, *args, command: str) -> Change:
    """Carry a use case out and commit it with its audit entry; a refusal is the error."""
    try:
        change = use_case(_write(), *args)
    except (services.AccountError, NotFound) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    _commit(change, command)
    return change


def _user(username: str) -> User:
    try:
        return user_service.find_user(db.session, username)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="planner", show_default=True)
@click.option("--agency", default="")
@click.option("--name", "display_name", default="")
@click.option(
    "--password",
    envvar="EVENTWATCH_PASSWORD",
    default=None,
    help="Leave out to get a one-time password that must be changed at first login.",
)
def create_user(username: str, role: str, agency: str, display_name: str, password: str | None):
    """Create a user and print its password when one was generated."""
    try:
        change = services.create_user(
            _write(),
            username,
            role,
            agency=agency,
            display_name=display_name,
            password=password,
        )
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    _commit(change, "users create")
    click.echo(f"created {role} {username!r}")
    if password is None:
        click.echo(f"one-time password (change it at first login): {change.result.password}")


@users.command("list")
def list_users():
    """Every user: name, role, agency, active or not."""
    for user in user_service.all_users(db.session):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.username}\t{user.role}\t{user.agency}\t{state}")


@users.command("deactivate")
@click.argument("username")
def deactivate_user(username: str):
    """End USERNAME's sessions and sockets at once; no login or token works until reactivated."""
    _run(user_service.deactivate, _user(username), command="users deactivate")
    click.echo(f"deactivated {username!r}: sessions ended, sockets cut, tokens refused")


@users.command("activate")
@click.argument("username")
def activate_user(username: str):
    """Let USERNAME log in again (ended sessions stay ended)."""
    _run(user_service.activate, _user(username), command="users activate")
    click.echo(f"activated {username!r}")


@users.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def set_role(username: str, role: str):
    """Give USERNAME another role; its sessions end and its sockets are cut."""
    _run(user_service.set_role, _user(username), role, command="users set-role")
    click.echo(f"{username!r} is now {role}")


@users.command("reset-password")
@click.argument("username")
def reset_password(username: str):
    """Print a new one-time password for USERNAME; its sessions end."""
    change = _run(user_service.reset_password, _user(username), command="users reset-password")
    click.echo(f"one-time password (change it at first login): {change.result}")


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
def create_token(username: str, name: str):
    """Create an API token for USERNAME; the token alone is printed on the last line."""
    user = _user(username)
    change = _run(token_service.create_token, user, name, command="tokens create")
    click.echo(f"token {change.after['id']} for {username!r} (shown once, keep it safe):")
    click.echo(change.result)


@tokens.command("list")
def list_tokens():
    """Every API token (never the token itself): id, user, name, created, last used, state."""
    for row in token_service.all_tokens(db.session):
        t = token_service.describe(row)
        state = f"revoked {t['revoked_at']}" if row.revoked_at else "valid"
        used = t["last_used_at"] or "never used"
        click.echo(f"{t['id']}\t{t['user']}\t{t['name']}\t{t['created_at']}\t{used}\t{state}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id: int):
    """Revoke token TOKEN_ID (from `tokens list`); its open sockets are cut at once."""
    _run(token_service.revoke_token, token_id, command="tokens revoke")
    click.echo(f"revoked token {token_id}")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(tokens)
