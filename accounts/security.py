"""Password hashing (Argon2id), the password rules, API token minting; plain Python."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import secrets
import unicodedata
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from common.messages import N_, Text

# The test suite's parameters: production's type and lengths at the least time and memory
# Argon2 allows. Only use_cheap_hashing() puts them in force, and nothing in the app calls it.
CHEAP = dataclasses.replace(profiles.RFC_9106_LOW_MEMORY, time_cost=1, memory_cost=8, parallelism=1)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # NIST asks for 64 at least; beyond this it is a paste gone wrong
COMMON_PASSWORDS = Path(__file__).resolve().parent / "wordlists" / "common-passwords.txt"
# Words of this service that a password must not be built on (NIST: context-specific words).
CONTEXT_WORDS = ("eventwatch",)
# Digits and symbols read as letters ("p@ssw0rd"), to find a listed word under them.
LOOK_ALIKES = str.maketrans("0134579@$!|+", "oieastgasiit")
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


def password_problem(password: str, username: str = "", name: str = "") -> Text | None:
    """Why a new password is refused (NIST SP 800-63B 3.1.1.2), or None when it is fine:
    too short once runs of spaces count as one, too long, spaces only, repeating or
    counting characters, one of the most common passwords (with a few digits or symbols
    around it, or look-alikes in it), or built on the user's name or this service's."""
    typed = " ".join(password.split())
    if not typed:
        return N_("Use letters, digits or symbols, not only spaces.")
    if len(typed) < MIN_PASSWORD_LENGTH:
        return N_("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return N_("Use at most %(count)d characters.", count=MAX_PASSWORD_LENGTH)
    if _repeats_or_counts(typed.casefold()):
        return N_("This password repeats or counts characters (like aaaa or 1234).")
    if _variants(password) & _common():
        return N_("This password is one of the most common ones, or close to one.")
    if _built_on_a_name(password, (username, name, *CONTEXT_WORDS)):
        return N_("This password is too close to your user name or your name.")
    return None


def _variants(password: str) -> set[str]:
    """The password as a list of common ones would hold it: lower-cased, without its
    spaces, without the digits and symbols around it, with look-alikes read as letters."""
    lower = unicodedata.normalize("NFKC", password).casefold().strip()
    found = {lower, "".join(lower.split())}
    for text in list(found):
        core = _strip_ends(text)
        found |= {core, core.translate(LOOK_ALIKES), text.translate(LOOK_ALIKES)}
    return found - {""}


def _strip_ends(text: str) -> str:
    """Without the characters that are not letters at either end ("!!dragon2024" -> dragon)."""
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return text[start:end]


def _letters(text: str) -> str:
    """Its letters, look-alikes read as letters, without the digits and symbols around."""
    text = _strip_ends(unicodedata.normalize("NFKC", text).casefold()).translate(LOOK_ALIKES)
    return "".join(c for c in text if c.isalpha())


def _built_on_a_name(password: str, names: tuple[str, ...]) -> bool:
    """The password's letters are a name's (or its reverse), give or take three letters."""
    letters = _letters(password)
    for name in filter(None, (_letters(n) for n in names)):
        if len(name) < 3:
            continue
        for form in (name, name[::-1]):
            if form in letters and len(letters) - len(form) <= 3:
                return True
    return False


def _repeats_or_counts(text: str) -> bool:
    """Three characters or fewer, or one step repeated ("abcdefghijkl", "987654321098")."""
    if len(set(text)) <= 3:
        return True
    steps = {
        (ord(b) - ord(a)) % 10 if a.isdigit() and b.isdigit() else ord(b) - ord(a)
        for a, b in itertools.pairwise(text)
    }
    return len(steps) == 1


@functools.cache
def _common() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()) - {""}
