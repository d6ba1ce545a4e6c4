"""Feed credentials in the core: what may be given, the headers it becomes, where it may
go, how it is sealed, and that no refusal, repr or error text carries the secret."""

from __future__ import annotations

import base64

import pytest
from cryptography.fernet import Fernet

from common.validation import InputError
from threats.models import FEED_KINDS, PUSH_ONLY
from threats.polling import credentials, urls
from threats.polling.accept import ACCEPT
from threats.polling.credentials import Credential, Unreadable, secret_box

SECRET = "s3cr3t-Zq8-token"
ORIGIN = "https://feeds.example.org:443"


def given(**fields) -> Credential | None:
    return credentials.from_input(fields, ORIGIN)


def test_each_kind_becomes_its_header():
    bearer = given(kind="bearer", secret=SECRET)
    assert bearer.headers() == {"Authorization": f"Bearer {SECRET}"}
    basic = given(kind="basic", user="eoc", secret="pa ss:wörd")
    encoded = base64.b64encode("eoc:pa ss:wörd".encode()).decode()
    assert basic.headers() == {"Authorization": f"Basic {encoded}"}
    key = given(kind="header", header="X-App-Token", secret=SECRET)
    assert key.headers() == {"X-App-Token": SECRET}
    assert key.described() == {"kind": "header", "header": "X-App-Token"}
    assert bearer.described() == {"kind": "bearer"}
    assert given(kind="none") is None


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "token", "secret": SECRET}, "credential"),
        ({"kind": "bearer", "secret": ""}, "secret"),
        ({"kind": "bearer", "secret": f"{SECRET} more"}, "secret"),  # no space in a token
        ({"kind": "bearer", "secret": f"{SECRET}\r\nX-Evil: 1"}, "secret"),
        ({"kind": "header", "secret": f"{SECRET}\n"}, "header"),  # no header named
        ({"kind": "header", "header": "Host", "secret": SECRET}, "header"),
        ({"kind": "header", "header": "X Key", "secret": SECRET}, "header"),
        ({"kind": "header", "header": "X-Key\r\nX-Evil: 1", "secret": SECRET}, "header"),
        ({"kind": "header", "header": "X-Key", "secret": f"{SECRET}\r\nX-Evil: 1"}, "secret"),
        ({"kind": "header", "header": "Transfer-Encoding", "secret": SECRET}, "header"),
        ({"kind": "header", "header": "X-Key", "secret": f"{SECRET}\x00"}, "secret"),
        ({"kind": "basic", "secret": SECRET}, "user"),
        ({"kind": "basic", "user": "a:b", "secret": SECRET}, "user"),
        ({"kind": "bearer", "secret": "x" * 4001}, "secret"),
    ],
)
def test_a_bad_credential_is_refused_naming_the_field_never_the_secret(fields, field):
    with pytest.raises(InputError) as refused:
        given(**fields)
    assert refused.value.field == field
    assert SECRET not in str(refused.value) and "x" * 50 not in str(refused.value)


def test_a_credential_is_refused_for_plain_http_off_this_machine():
    for origin in ("http://feeds.example.org:80", "http://10.0.0.7:8080"):
        with pytest.raises(InputError) as refused:
            credentials.from_input({"kind": "bearer", "secret": SECRET}, origin)
        assert refused.value.field == "url"
    for origin in ("http://127.0.0.1:5000", "http://localhost:80", "http://[::1]:80", ORIGIN):
        assert credentials.from_input({"kind": "bearer", "secret": SECRET}, origin)


def test_neither_repr_nor_redacted_text_holds_the_secret():
    basic = given(kind="basic", user="eoc-user", secret=SECRET)
    assert SECRET not in repr(basic) and "eoc-user" not in repr(basic)
    said = f"InvalidHeader: {basic.headers()['Authorization']!r} and {SECRET}"
    assert SECRET not in basic.redact(said)
    assert basic.headers()["Authorization"].split()[1] not in basic.redact(said)


def test_a_sealed_credential_opens_with_its_key_and_says_which_setting_when_it_does_not():
    box = secret_box(None, "one secret key")
    bearer = given(kind="bearer", secret=SECRET)
    sealed = box.seal(bearer)
    assert SECRET not in sealed and SECRET not in base64.urlsafe_b64decode(sealed).decode("latin1")
    assert secret_box(None, "one secret key").open(sealed) == bearer
    with pytest.raises(Unreadable) as unreadable:
        secret_box(None, "another secret key").open(sealed)
    assert "FEED_SECRETS_KEY" in str(unreadable.value)
    with pytest.raises(Unreadable):
        box.open("not a Fernet token")


def test_keys_rotate_and_the_derived_key_still_opens_what_it_sealed():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    bearer = given(kind="bearer", secret=SECRET)
    by_old = secret_box(old, "k").seal(bearer)
    by_derived = secret_box(None, "k").seal(bearer)
    rotated = secret_box(f"{new},{old}", "k")
    assert rotated.open(by_old) == bearer and rotated.open(by_derived) == bearer
    with pytest.raises(Unreadable):
        secret_box(new, "k").open(by_old)
    assert secret_box(new, "k").open(rotated.seal(bearer)) == bearer  # the first key seals


def test_the_derived_key_is_not_the_secret_key_and_a_bad_key_names_the_setting():
    derived = credentials.derived_key("k" * 64)
    assert derived == credentials.derived_key("k" * 64) != credentials.derived_key("k" * 63)
    assert b"k" * 8 not in base64.urlsafe_b64decode(derived)
    with pytest.raises(ValueError, match="FEED_SECRETS_KEY: key 2 is not a Fernet key"):
        secret_box(f"{Fernet.generate_key().decode()},hunter2", "k")


def test_an_origin_is_scheme_host_and_port_always_written():
    assert urls.origin("https://Feeds.Example.org/cap.atom") == ORIGIN
    assert urls.origin("https://feeds.example.org:443/x?y=1") == ORIGIN
    assert urls.origin("http://feeds.example.org/") == "http://feeds.example.org:80"
    assert urls.origin("http://127.0.0.1:8080/a") != urls.origin("http://127.0.0.1:8081/a")
    assert urls.origin("not a url") == ""


def test_every_feed_kind_asks_for_what_it_reads():
    assert set(ACCEPT) == set(FEED_KINDS) - {PUSH_ONLY}  # a push feed fetches nothing
    assert ACCEPT["cap"].startswith("application/cap+xml")
    assert ACCEPT["cap-atom"].startswith("application/atom+xml")
    assert ACCEPT["nws"].startswith("application/geo+json")
    assert ACCEPT["ofac-csv"].startswith("text/csv")
    assert all(value.endswith("*/*;q=0.1") for value in ACCEPT.values())
