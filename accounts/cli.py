"""`flask --app app users create` and `flask --app app tokens create`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from accounts import services
from accounts.models import ROLES, User
from extensions import db

users = AppGroup("users", help="Manage user accounts.")
tokens = AppGroup("tokens", help="Manage API tokens.")


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
        new = services.create_user(
            db.session,
            username,
            role,
            agency=agency,
            display_name=display_name,
            password=password,
        )
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {role} {username!r}")
    if password is None:
        click.echo(f"one-time password (change it at first login): {new.password}")


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
def create_token(username: str, name: str):
    """Create an API token for USERNAME; the token alone is printed on the last line."""
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    token = services.create_token(db.session, user, name)
    db.session.commit()
    click.echo(f"token for {username!r} (shown once, keep it safe):")
    click.echo(token)


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(tokens)
