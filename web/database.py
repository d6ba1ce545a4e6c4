"""The app's database: bound to the app, SQLite tuned for concurrent writers, migrated."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import event
from sqlalchemy.engine import Engine

from web.extensions import db

ROOT = Path(__file__).resolve().parent.parent  # the project folder


def alembic_config() -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    return cfg


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def init_database(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
    app.cli.add_command(db_command)


def tune_sqlite(engine: Engine) -> None:
    """Make SQLite safe for several threads writing at once.

    WAL lets readers run beside a writer and the busy timeout makes a writer wait its
    turn. Every transaction starts with BEGIN IMMEDIATE, because a deferred one that
    reads and then writes fails at once with "database is locked" (no waiting) when
    another writer got in between, and would otherwise lose updates.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


db_command = AppGroup("db", help="Database schema.")


@db_command.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (`eventwatch run` does this on start)."""
    upgrade_database(db.engine)
    click.echo("database is at the latest schema")
