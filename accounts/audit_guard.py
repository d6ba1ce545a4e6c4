"""The audit log is append-only in the database itself, not only by the app's good manners.

Triggers refuse every UPDATE of an entry's content and every DELETE, so neither a bug nor
a stray SQL statement through the app's connection rewrites history. Clearing a user's id
when the user is deleted (ON DELETE SET NULL) is the one change allowed.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

MESSAGE = "the audit log is append-only"
CONTENT = "id, at, actor, method, path, status, action, target, before, after, remote_addr"

_SQLITE = (
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF {CONTENT} ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
)
_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$",
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF {CONTENT} ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE OR TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)
_DROP = {
    "sqlite": (
        "DROP TRIGGER IF EXISTS audit_log_no_update",
        "DROP TRIGGER IF EXISTS audit_log_no_delete",
    ),
    "postgresql": (
        "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log",
        "DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log",
        "DROP FUNCTION IF EXISTS audit_log_append_only()",
    ),
}


def install(connection: Connection) -> None:
    for statement in {"sqlite": _SQLITE, "postgresql": _POSTGRESQL}.get(
        connection.dialect.name, ()
    ):
        connection.execute(text(statement))


def remove(connection: Connection) -> None:
    """For an operator's retention purge (and the test suite's reset), then install again."""
    for statement in _DROP.get(connection.dialect.name, ()):
        connection.execute(text(statement))
