"""Logging in under the hashing parameters in force (the suite's cheap ones here): a hash
made with others still opens, and is redone; an unknown user costs a check all the same."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters

from accounts import security
from accounts.services import authenticate
from tests.factories import PASSWORD, make_user


def test_a_login_redoes_a_hash_made_with_other_parameters_once(session):
    user = make_user(session, "commander", "cmdr")
    user.password_hash = PasswordHasher().hash(PASSWORD)  # production's cost
    session.commit()
    assert authenticate(session, "cmdr", "not the password") is None
    assert extract_parameters(user.password_hash) != security.CHEAP  # a failure redoes nothing
    assert authenticate(session, "cmdr", PASSWORD) is user
    redone = user.password_hash
    assert extract_parameters(redone) == security.CHEAP
    assert authenticate(session, "cmdr", PASSWORD) is user
    assert user.password_hash == redone


def test_an_unknown_user_is_refused_after_a_check_at_the_cost_in_force(session, monkeypatch):
    checked = []
    verify = security.verify_password

    def counted(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return verify(password_hash, password)

    monkeypatch.setattr(security, "verify_password", counted)
    assert authenticate(session, "nobody", PASSWORD) is None
    assert [extract_parameters(h) for h in checked] == [security.CHEAP]
