"""Account operations on a session: create users and tokens, authenticate, audit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accounts import security, session_service
from accounts.models import ROLES, AuditEntry, LoginSession, User
from common.messages import N_
from common.writes import Change, Write


class AccountError(ValueError):
    """A request about accounts that cannot be carried out, with a message for a person."""


@dataclass(frozen=True)
class NewUser:
    user: User
    password: str


@dataclass(frozen=True)
class Opened:
    """A login just opened: its user, and the secret the session cookie holds."""

    user: User
    secret: str


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
    problem = None if one_time else security.password_problem(password, username, display_name)
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


# What a spent one-time password is replaced with: no Argon2 hash, so nothing verifies.
SPENT = "!spent one-time password"


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        security.verify_no_one(password)  # the same cost whether or not the user exists
        return None
    if not security.verify_password(user.password_hash, password):
        return None
    if not user.must_change_password and security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    return user


def log_in(w: Write, user: User) -> Change[Opened]:
    """Open a login for a user whose password was just checked.

    A one-time password is spent by the login it opens, in one conditional UPDATE, so two
    logins with it (even at the same instant, in two processes) open one session between
    them; that session reaches only the page that replaces the password.
    """
    scope = session_service.FULL
    if user.must_change_password:
        spent = w.session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == user.password_hash)
            .values(password_hash=SPENT)
        )
        if spent.rowcount != 1:
            raise AccountError(N_("Wrong username or password."))
        scope = session_service.PASSWORD_ONLY
    secret = session_service.open_login(w.session, user, scope, w.now)
    return Change("accounts.login", user.username, {"scope": scope}, None, Opened(user, secret))


def log_out(w: Write, user: User, login: LoginSession | None) -> Change[User]:
    """End this login on the server: a copy of its cookie opens nothing from now on."""
    if login is not None:
        session_service.end(w.session, login, "logout", w.now)
    return Change("account.logout", f"user:{user.username}", result=user)


def change_password(
    w: Write, user: User, current: str, new: str, login: LoginSession | None
) -> Change[str]:
    """A user's own new password; never in the audit log. Every login of the user ends
    (a copy of a cookie, a session opened with the one-time password) and this browser
    gets a new one: the result is its secret. A login opened with a one-time password
    spent it, so it is not asked for again."""
    one_time = login is not None and login.scope == session_service.PASSWORD_ONLY
    if not one_time and not security.verify_password(user.password_hash, current):
        raise AccountError(N_("The current password is not right."))
    problem = security.password_problem(new, user.username, user.display_name)
    if problem:
        raise AccountError(problem)
    if not one_time and new == current:
        raise AccountError(N_("Choose a password different from the current one."))
    user.password_hash = security.hash_password(new)
    user.must_change_password = False
    ended = session_service.end_all(w.session, user, "password", w.now)
    secret = session_service.open_login(w.session, user, session_service.FULL, w.now)
    return Change(
        "account.password", f"user:{user.username}", {"sessions_ended": ended}, None, secret
    )


def set_locale(w: Write, user: User, locale: str, languages) -> Change[User]:
    """The user's own interface language; it wins over the browser's from then on."""
    if locale not in languages:
        raise AccountError(N_("Choose one of the languages offered."))
    before, user.locale = {"locale": user.locale}, locale
    return Change("account.language", f"user:{user.username}", {"locale": locale}, before, user)


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
