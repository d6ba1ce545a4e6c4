"""`eventwatch users create` and `eventwatch tokens create` (also `flask --app app ...`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from accounts import services
from accounts.models import ROLES, User
from common.times import utcnow
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


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
def create_token(username: str, name: str):
    """Create an API token for USERNAME; the token alone is printed on the last line."""
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    change = services.create_token(_write(), user, name)
    _commit(change, "tokens create")
    click.echo(f"token for {username!r} (shown once, keep it safe):")
    click.echo(change.result)


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(tokens)
