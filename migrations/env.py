"""Alembic environment: the app's metadata, on a connection given by the app or DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import accounts.models  # noqa: F401  (registers the tables on Base.metadata)
import maps.models  # noqa: F401
import planner.models  # noqa: F401
import threats.models  # noqa: F401
from common.storage import Base
from web.config import from_env

target_metadata = Base.metadata


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = create_engine(from_env()["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        run(conn)
