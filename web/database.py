"""The app's database: bound to the app, SQLite tuned for concurrent writers, migrated."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

import click
from alembic import command
from alembic.config import Config
from flask import Flask, g, request
from flask.cli import AppGroup
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from web.extensions import db

T = TypeVar("T")
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Whether the transactions begun now may write: true unless the unit of work (a GET, a live
# join) said it only reads. Jobs, the command line and writing requests keep the default.
_may_write: ContextVar[bool] = ContextVar("eventwatch_may_write", default=True)

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
    # Registered before the login wall's hooks, so the login's own read is a read too.
    app.before_request(_request_begins)
    app.teardown_request(_request_ends)
    app.cli.add_command(db_command)


@contextmanager
def reads_only() -> Iterator[None]:
    """Transactions begun inside only read: on SQLite they start deferred and take no write
    lock, so a long write (an import) never holds them up. For GET requests (set for each
    one) and live joins."""
    token = _may_write.set(False)
    try:
        yield
    finally:
        _may_write.reset(token)


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside may write: they start with BEGIN IMMEDIATE."""
    token = _may_write.set(True)
    try:
        yield
    finally:
        _may_write.reset(token)


def commit_written(session: Session, work: Callable[[Session], T]) -> T:
    """`work(session)`, committed when it changed a row. Within a unit that only reads, the
    change is made again in a transaction of its own that may write, reading afresh what it
    depends on (a token's last use): a deferred transaction that has read cannot start
    writing safely (see tune_sqlite)."""
    result = work(session)
    if not (session.new or session.dirty or session.deleted) or _may_write.get():
        session.commit()
        return result
    session.rollback()
    with writing():
        result = work(session)
        session.commit()
    return result


def _request_begins() -> None:
    g.eventwatch_may_write = _may_write.set(request.method not in READING_METHODS)


def _request_ends(_exc: BaseException | None) -> None:
    token = g.pop("eventwatch_may_write", None)
    if token is not None:
        _may_write.reset(token)


def tune_sqlite(engine: Engine) -> None:
    """Make SQLite safe for several threads writing at once, and let reads pass writes.

    WAL lets readers run beside a writer and the busy timeout makes a writer wait its turn.
    A transaction that may write starts with BEGIN IMMEDIATE: a deferred one that reads and
    then writes fails at once with "database is locked" (no waiting) when another writer got
    in between. SQLite never lets such a stale write commit, so no update is lost either
    way; IMMEDIATE makes writers queue instead of fail. A unit of work that only reads (a
    GET, a live join: reads_only) starts deferred and takes no write lock, so it answers
    while an import or any long write holds it. Should such a unit write anyway, it is
    warned about (an error under test); commit_written is how it writes.
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
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write.get() else "BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(_conn, _cursor, statement: str, *_args) -> None:
        if not _may_write.get() and statement.lstrip()[:6].upper() in WRITES:
            warnings.warn(f"a unit of work that only reads wrote: {statement[:80]}", stacklevel=2)


db_command = AppGroup("db", help="Database schema.")


@db_command.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (`eventwatch run` does this on start)."""
    upgrade_database(db.engine)
    click.echo("database is at the latest schema")
