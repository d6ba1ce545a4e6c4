"""What an admin does to other accounts: deactivate, reactivate, change a role, issue a
new one-time password. Each ends the user's logins (finding their sockets too), so a
change of trust takes effect at once rather than at the next login."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts import cutoff_service as cutoff
from accounts import security, session_service
from accounts.models import ROLES, User
from accounts.services import AccountError
from common.messages import N_
from common.validation import NotFound
from common.writes import Change, Write


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(N_("no user %(name)r", name=username))
    return user


def _state(user: User) -> dict:
    return {"role": user.role, "active": user.active}


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to leave the deployment without an active admin (no one could undo it)."""
    if user.role != "admin" or not user.active:
        return
    admins = session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.active)
    )
    if admins <= 1:
        raise AccountError(N_("%(name)s is the last active admin.", name=user.username))


def _cut_everything(w: Write, user: User, why: str) -> None:
    session_service.end_all(w.session, user, why, w.now)
    cutoff.cut_off(w.session, cutoff.user_room(user.id))  # token sockets too


def deactivate(w: Write, user: User) -> Change[User]:
    """No login, no token and no socket of the user works from this commit on."""
    before = _state(user)
    if user.active:
        _keep_an_admin(w.session, user)
    user.active = False
    _cut_everything(w, user, "deactivated")
    return Change("user.deactivate", f"user:{user.username}", _state(user), before, user)


def activate(w: Write, user: User) -> Change[User]:
    """The user may log in again; logins ended by the deactivation stay ended."""
    before = _state(user)
    user.active = True
    return Change("user.activate", f"user:{user.username}", _state(user), before, user)


def set_role(w: Write, user: User, role: str) -> Change[User]:
    """A new role; the user logs in again under it, and every socket joins again."""
    if role not in ROLES:
        raise AccountError(
            N_("role must be one of %(roles)s, not %(role)r", roles=", ".join(ROLES), role=role)
        )
    before = _state(user)
    if role == user.role:
        return Change("user.role", f"user:{user.username}", before, before, user)
    if role != "admin":
        _keep_an_admin(w.session, user)
    user.role = role
    _cut_everything(w, user, "role")
    return Change("user.role", f"user:{user.username}", _state(user), before, user)


def reset_password(w: Write, user: User) -> Change[str]:
    """A new one-time password for a user who lost theirs (or whose one-time password was
    spent by a login that went nowhere); every login of the user ends. The result is the
    password, shown once."""
    password = security.new_password()
    user.password_hash = security.hash_password(password)
    user.must_change_password = True
    session_service.end_all(w.session, user, "password", w.now)
    return Change(
        "user.reset_password", f"user:{user.username}", {"one_time": True}, None, password
    )
