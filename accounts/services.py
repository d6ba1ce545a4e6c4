"""Account operations on a session: create users and tokens, authenticate, audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import security
from accounts.models import ROLES, ApiToken, AuditEntry, User
from common.messages import N_
from common.times import utcnow
from common.writes import Change, Write


class AccountError(ValueError):
    """A request about accounts that cannot be carried out, with a message for a person."""


@dataclass(frozen=True)
class NewUser:
    user: User
    password: str


def create_user(
    w: Write,
    username: str,
    role: str,
    *,
    agency: str = "",
    display_name: str = "",
    password: str | None = None,
) -> NewUser:
    """Create a user; without a password, a one-time one is made and must be changed."""
    session = w.session
    if role not in ROLES:
        raise AccountError(
            N_("role must be one of %(roles)s, not %(role)r", roles=", ".join(ROLES), role=role)
        )
    username = username.strip()
    if not username:
        raise AccountError(N_("a username is required"))
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError(N_("user %(name)r already exists", name=username))
    one_time = password is None
    password = password or security.new_password()
    problem = None if one_time else security.password_problem(password)
    if problem:
        raise AccountError(problem)
    user = User(
        username=username,
        role=role,
        agency=agency,
        display_name=display_name or username,
        password_hash=security.hash_password(password),
        must_change_password=one_time,
    )
    session.add(user)
    session.flush()
    after = {"username": user.username, "role": role, "agency": agency, "one_time": one_time}
    return Change("user.create", f"user:{user.username}", after, None, NewUser(user, password))


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        security.verify_no_one(password)  # the same cost whether or not the user exists
        return None
    if not security.verify_password(user.password_hash, password):
        return None
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    return user


def change_password(w: Write, user: User, current: str, new: str) -> Change[User]:
    """A user's own new password, checked against the current one; never in the audit log."""
    if not security.verify_password(user.password_hash, current):
        raise AccountError(N_("The current password is not right."))
    if security.password_problem(new):  # its one rule is the length
        minimum = security.MIN_PASSWORD_LENGTH
        raise AccountError(N_("Use at least %(count)d characters.", count=minimum))
    if new == current:
        raise AccountError(N_("Choose a password different from the current one."))
    user.password_hash = security.hash_password(new)
    user.must_change_password = False
    return Change("account.password", f"user:{user.username}", result=user)


def set_locale(w: Write, user: User, locale: str, languages) -> Change[User]:
    """The user's own interface language; it wins over the browser's from then on."""
    if locale not in languages:
        raise AccountError(N_("Choose one of the languages offered."))
    before, user.locale = {"locale": user.locale}, locale
    return Change("account.language", f"user:{user.username}", {"locale": locale}, before, user)


def create_token(w: Write, user: User, name: str = "") -> Change[str]:
    """A new API token for the user; the result is the token itself, shown once."""
    token, digest = security.new_token()
    w.session.add(ApiToken(user=user, name=name, token_hash=digest))
    w.session.flush()
    return Change("token.create", f"user:{user.username}", {"name": name}, None, token)


TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == security.token_hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = now or utcnow()
    # To the minute is enough to see which tokens are in use, and spares a GIS tool that
    # polls every few seconds a write on every read.
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now
    return row.user


def record_change(session: Session, user: User | None, change: Change, **fields) -> AuditEntry:
    """Append what a service's change says (action, target, before, after) to the log."""
    return record(
        session,
        user,
        action=change.action,
        target=change.target,
        before=change.before,
        after=change.after,
        **fields,
    )


def record(session: Session, user: User | None, **fields) -> AuditEntry:
    """Append one entry to the audit log; entries are never updated or deleted by the app."""
    entry = AuditEntry(
        user_id=user.id if user else None, actor=user.username if user else "", **fields
    )
    session.add(entry)
    return entry
