"""Shared fixtures: an app on a real database, cheap password hashing, the fixture feed server.

The database is SQLite in a temporary folder unless TEST_DATABASE_URL names another
(the CI's second pass runs the same suite on PostgreSQL). Pytest loads this file itself:
no module imports it; what tests share besides fixtures is in tests/support and
tests/factories.py.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from accounts import audit_guard, security
from app import create_app
from common.storage import Base
from common.times import utcnow
from planner.models import Role
from planner.roles import STANDARD_ROLES
from tests.support.feedserver import FeedServer
from web.database import upgrade_database
from web.extensions import db


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> None:
    """Argon2id at its least cost in this process: the suite makes users by the hundred.
    Processes the tests start (the demo server, the system tests' web and scheduler
    processes) keep the production default, which tests/unit/accounts checks."""
    security.use_cheap_hashing()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'eventwatch-test.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database(engine)
    engine.dispose()
    return url


def _empty_tables() -> None:
    """Every table emptied, but for the standard roles the first migration seeds."""
    with db.engine.begin() as conn:
        audit_guard.remove(conn)  # the audit log is append-only, except for this reset
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        audit_guard.install(conn)
        standard = [{"code": c, "labels": ls} for c, ls in STANDARD_ROLES.items()]
        conn.execute(Role.__table__.insert(), [r | {"created_at": utcnow()} for r in standard])


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "SCHEDULER": False,
            "DEMO": False,
        }
    )
    with app.app_context():
        _empty_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def feed_server():
    server = FeedServer().start()
    yield server
    server.stop()
