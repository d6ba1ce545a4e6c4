"""Password hashing (Argon2id) and API token minting; plain Python, no Flask."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# The test suite's parameters: production's type and lengths at the least time and memory
# Argon2 allows. Only use_cheap_hashing() puts them in force, and nothing in the app calls it.
CHEAP = dataclasses.replace(profiles.RFC_9106_LOW_MEMORY, time_cost=1, memory_cost=8, parallelism=1)
MIN_PASSWORD_LENGTH = 12
_NO_ONE = "not a real password, only spends the same time"

_hasher = PasswordHasher()  # argon2-cffi's defaults: RFC 9106's low-memory profile
_dummy_hash = _hasher.hash(_NO_ONE)


def use_cheap_hashing() -> None:
    """Hash new passwords with CHEAP from now on, in this process: for the test suite only,
    which makes users by the hundred. Hashes made before still verify (a hash carries its
    own parameters); needs_rehash() then says yes to them, as it would to any hash made
    with other parameters than the ones in force."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher.from_parameters(CHEAP)
    _dummy_hash = _hasher.hash(_NO_ONE)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_no_one(password: str) -> None:
    """Spend what checking a real user's password costs, for a username that has no user."""
    verify_password(_dummy_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_password() -> str:
    """A one-time password a person can type from a console: 20 URL-safe characters."""
    return secrets.token_urlsafe(15)


def new_token() -> tuple[str, str]:
    """A fresh API token and the hash that is stored in its place."""
    token = "ew_" + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    return None
