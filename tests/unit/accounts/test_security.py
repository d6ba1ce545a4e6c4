"""Password hashing (Argon2id), one-time passwords, API tokens and the password rule."""

from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import Type, extract_parameters, profiles

from accounts import security
from accounts.security import (
    CHEAP,
    hash_password,
    needs_rehash,
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


@pytest.mark.parametrize("password", ["short", "elevenchars", "a" + " " * 11, " eleven   char "])
def test_passwords_under_twelve_characters_are_refused(password):
    """Runs of spaces count as one: twelve characters of which eleven are spaces are one."""
    problem = password_problem(password)
    assert problem is not None
    assert "12" in problem


@pytest.mark.parametrize("password", ["", " " * 12, "\t \n" * 8, "\u3000" * 14])
def test_spaces_alone_are_no_password(password):
    assert password_problem(password) == "Use letters, digits or symbols, not only spaces."


@pytest.mark.parametrize(
    "password",
    [
        "twelve chars",
        "a much longer pass phrase",
        PASSWORD,
        "dragonfly over the lake",
        "lakefront radio check 7",
        "contraseña de la playa",
    ],
)
def test_passwords_of_twelve_or_more_characters_are_accepted(password):
    assert password_problem(password, "cmdr", "Ana Ruiz") is None


@pytest.mark.parametrize(
    "password",
    [
        "password1234",  # on the list, with digits after it
        "PASSWORD1234",
        "Passw0rd!2024",  # look-alike digits, digits and symbols around
        "!!iloveyou2024!!",
        "1qaz2wsx3edc",  # on the list as it is
        "baseball 1234567",
        "p@ss w0rd 1234",  # spaces taken out
    ],
)
def test_common_passwords_and_their_breached_style_variants_are_refused(password):
    assert password_problem(password) == (
        "This password is one of the most common ones, or close to one."
    )


def test_the_common_password_list_is_the_one_documented_beside_it():
    listed = security.COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    assert len(listed) == 19640 and listed[:4] == ["123456", "123456789", "qwerty", "password"]
    readme = (security.COMMON_PASSWORDS.parent / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(security.COMMON_PASSWORDS.read_bytes()).hexdigest()
    assert digest in readme and "BSD" in readme
    assert (security.COMMON_PASSWORDS.parent / "LICENSE.django").exists()


@pytest.mark.parametrize(
    ("password", "username", "name"),
    [
        ("commander-duty", "commander-duty", ""),
        ("Commander_Duty!!", "commander-duty", ""),
        ("ytud-rednammoc", "commander-duty", ""),  # reversed
        ("c0mmand3r-duty-2026", "commander-duty", ""),  # look-alikes and a year
        ("anaruiz123456", "ar7", "Ana Ruiz"),
        ("Ana Ruiz Ana!!", "ar7", "Ana Ruiz"),  # the name and three more letters
        ("EventWatch2026!", "cmdr", "Commander"),  # the service's own name
    ],
)
def test_the_user_name_the_name_and_close_variants_are_refused(password, username, name):
    assert password_problem(password, username, name) == (
        "This password is too close to your user name or your name."
    )


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "abababababab", "abcdefghijklmn", "123456789012", "987654321098"]
)
def test_repeated_and_counting_characters_are_refused(password):
    assert password_problem(password) == (
        "This password repeats or counts characters (like aaaa or 1234)."
    )


def test_a_pasted_novel_is_refused_but_sixty_four_characters_are_fine():
    assert password_problem("correct horse " * 100) == "Use at most 1024 characters."
    assert password_problem("river stone lantern orbit " * 2 + "m" * 12) is None


# The cost of hashing. The suite runs with security.CHEAP (tests/conftest.py switches it
# on); a deployment never calls use_cheap_hashing(), so it keeps argon2-cffi's defaults.
ROOT = Path(__file__).resolve().parents[3]
IN_A_FRESH_PROCESS = """
import json, sys, tempfile
from app import create_app
from accounts import security

with tempfile.TemporaryDirectory() as folder:
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/x.db", "INSTANCE_PATH": folder,
                "SECRET_KEY": "k", "SCHEDULER": False, "DEMO": False})
    own, cheap = security.hash_password(sys.argv[1]), sys.stdin.read()
    print(json.dumps({
        "own": own,
        "dummy": security._dummy_hash,
        "own_needs_rehash": security.needs_rehash(own),
        "cheap_verifies": security.verify_password(cheap, sys.argv[1]),
        "cheap_needs_rehash": security.needs_rehash(cheap),
    }))
"""


@pytest.fixture(scope="module")
def production():
    """A process that makes the app as a deployment does, in this run's environment: the
    hashes it makes, and what it makes of one of ours."""
    cheap = hash_password(PASSWORD)
    done = subprocess.run(
        [sys.executable, "-c", IN_A_FRESH_PROCESS, PASSWORD],
        input=cheap,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1]) | {"cheap": cheap}


def test_production_hashes_with_argon2_cffis_defaults_not_the_cheap_parameters(production):
    made = extract_parameters(production["own"])
    assert made == profiles.RFC_9106_LOW_MEMORY == profiles.get_default_parameters()
    assert extract_parameters(production["dummy"]) == made  # unknown users cost the same
    assert made != CHEAP
    assert (made.time_cost, made.memory_cost, made.parallelism) == (3, 64 * 1024, 4)


def test_the_suite_hashes_cheaply_with_productions_type_and_lengths():
    made = extract_parameters(hash_password(PASSWORD))
    assert made == CHEAP
    assert (made.type, made.salt_len, made.hash_len) == (Type.ID, 16, 32)
    assert (made.time_cost, made.memory_cost, made.parallelism) == (1, 8, 1)
    assert extract_parameters(security._dummy_hash) == CHEAP


def test_a_hash_of_either_cost_verifies_and_is_rehashed_to_the_one_in_force(production):
    # In production: a cheap hash (a copied test database, say) verifies, then is redone.
    assert production["cheap_verifies"] is True and production["cheap_needs_rehash"] is True
    assert production["own_needs_rehash"] is False
    # In the suite: a production hash verifies, and would be redone at the cheap cost.
    assert verify_password(production["own"], PASSWORD) is True
    assert verify_password(production["own"], PASSWORD + "!") is False
    assert needs_rehash(production["own"]) is True
    assert needs_rehash(production["cheap"]) is False


def test_only_the_test_suite_calls_use_cheap_hashing():
    callers = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in ("tests", ".venv", "node_modules") or "vendor" in relative.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(relative))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        if "use_cheap_hashing" in names:
            callers.append(str(relative))
    assert callers == []
