"""Password hashing (Argon2id), one-time passwords, API tokens and the password rule."""

from __future__ import annotations

import re

import pytest

from accounts.security import (
    hash_password,
    new_password,
    new_token,
    password_problem,
    token_hash,
    verify_password,
)

PASSWORD = "correct horse battery staple"


def test_hash_is_argon2id_and_verifies_the_right_password():
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD) is True


def test_a_wrong_password_is_refused():
    hashed = hash_password(PASSWORD)
    assert verify_password(hashed, PASSWORD + "!") is False
    assert verify_password(hashed, "") is False


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "not a hash",
        "$argon2id$garbage",
        "$2b$12$abcdefghijklmnopqrstuuNotAnArgonHashAtAll012345678",
        "$argon2id$v=19$m=65536,t=3,p=4",
    ],
)
def test_a_malformed_hash_is_refused_without_an_exception(malformed):
    assert verify_password(malformed, PASSWORD) is False


def test_a_truncated_hash_is_refused():
    hashed = hash_password(PASSWORD)
    assert verify_password(hashed[:-4], PASSWORD) is False


def test_two_hashes_of_one_password_differ_by_salt():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    assert verify_password(first, PASSWORD)
    assert verify_password(second, PASSWORD)


def test_new_password_is_long_and_fresh_each_time():
    first, second = new_password(), new_password()
    assert len(first) >= 16
    assert len(second) >= 16
    assert first != second
    assert password_problem(first) is None


def test_new_token_is_prefixed_and_returned_with_its_hash():
    token, stored = new_token()
    assert token.startswith("ew_")
    assert token_hash(token) == stored
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert token not in stored
    assert token.removeprefix("ew_") not in stored


def test_new_tokens_differ():
    (first, first_hash), (second, second_hash) = new_token(), new_token()
    assert first != second
    assert first_hash != second_hash


def test_token_hash_is_deterministic_and_tells_tokens_apart():
    assert token_hash("ew_abc") == token_hash("ew_abc")
    assert token_hash("ew_abc") != token_hash("ew_abd")


@pytest.mark.parametrize("password", ["", "short", "elevenchars"])
def test_passwords_under_twelve_characters_are_refused(password):
    problem = password_problem(password)
    assert problem is not None
    assert "12" in problem


@pytest.mark.parametrize("password", ["twelve chars", "a much longer pass phrase"])
def test_passwords_of_twelve_or_more_characters_are_accepted(password):
    assert password_problem(password) is None
