"""A feed source's credential: what a person may give, the headers it becomes, the one
origin it may go to, and how it is kept (sealed with Fernet, never stored or shown plain).

No secret ever reaches a message: refusals name the field, not its value, and the
dataclass's repr leaves the secret out, so a logged or audited object cannot carry it.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from common.messages import N_
from common.validation import InputError
from threats.polling import urls

KINDS = ("bearer", "basic", "header")  # and "none", which is no credential at all
MAX_SECRET = 4000
# RFC 9110 token: what a header name may be.
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}")
# Headers that frame the request or that the fetcher sets itself: no credential replaces them.
RESERVED_HEADERS = frozenset(
    {
        *("host", "content-length", "transfer-encoding", "connection", "keep-alive"),
        *("upgrade", "te", "trailer", "proxy-authorization", "proxy-connection"),
        *("accept", "accept-encoding", "user-agent", "if-none-match", "if-modified-since"),
    }
)
VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")  # a token: no spaces, nothing a header breaks on
PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")  # a header value may hold inner spaces
REDACTED = "[credential]"
KEY_SETTING = "FEED_SECRETS_KEY"


@dataclass(frozen=True)
class Credential:
    """What a source is sent: `Authorization: Bearer`, Basic, or a named header. `origin`
    is the scheme://host:port it was given for; it goes nowhere else."""

    kind: str
    secret: str = field(repr=False)
    origin: str
    user: str = field(default="", repr=False)
    header: str = ""

    def headers(self) -> dict[str, str]:
        if self.kind == "bearer":
            return {"Authorization": f"Bearer {self.secret}"}
        if self.kind == "basic":
            return {"Authorization": f"Basic {self._basic()}"}
        return {self.header: self.secret}

    def described(self) -> dict:
        """What pages, the API and the audit log show: the kind (and the header's name)."""
        return {"kind": self.kind, "header": self.header} if self.header else {"kind": self.kind}

    def redact(self, said: str) -> str:
        """`said` with the secret (and its Basic encoding) blotted out: third-party error
        text may quote the headers it was given."""
        for value in (self.secret, self._basic() if self.kind == "basic" else ""):
            for form in (value, repr(value)[1:-1]):  # as written, and as a repr quotes it
                if form:
                    said = said.replace(form, REDACTED)
        return said

    def _basic(self) -> str:
        return base64.b64encode(f"{self.user}:{self.secret}".encode()).decode("ascii")


def from_input(data: object, origin: str) -> Credential | None:
    """The credential a person gave ({kind, secret, user, header}), for the feed URL's
    origin; None for {kind: none}. InputError, naming the field and never its value."""
    if not isinstance(data, dict):
        raise InputError(N_("credential must be an object with a kind"), "credential")
    kind = data.get("kind")
    if kind in (None, "", "none"):
        return None
    if kind not in KINDS:
        kinds = ", ".join(("none", *KINDS))
        raise InputError(N_("credential kind must be one of %(kinds)s", kinds=kinds), "credential")
    if not urls.is_private_channel(origin):
        raise InputError(
            N_("a credential is sent only over https (or plain http to this machine)"), "url"
        )
    secret = _secret(data, kind)
    user = _user(data) if kind == "basic" else ""
    header = _header(data) if kind == "header" else ""
    return Credential(kind, secret, origin, user, header)


def _secret(data: dict, kind: str) -> str:
    value = data.get("secret")
    if not isinstance(value, str) or not value.strip():
        raise InputError(N_("type the credential's secret"), "secret")
    value = value.strip()
    allowed = {"bearer": VISIBLE_ASCII, "header": PRINTABLE_ASCII}.get(kind)
    too_long = len(value) > MAX_SECRET
    if too_long or (allowed and not allowed.fullmatch(value)) or not value.isprintable():
        raise InputError(
            N_("the secret must be at most %(n)d printable characters", n=MAX_SECRET), "secret"
        )
    return value


def _user(data: dict) -> str:
    value = data.get("user")
    if not isinstance(value, str) or not value.strip():
        raise InputError(N_("basic authentication needs a user name"), "user")
    value = value.strip()
    if ":" in value or not value.isprintable() or len(value) > 200:
        raise InputError(N_("the user name may not hold a colon or control characters"), "user")
    return value


def _header(data: dict) -> str:
    value = data.get("header")
    value = value.strip() if isinstance(value, str) else ""
    if not HEADER_NAME.fullmatch(value) or value.lower() in RESERVED_HEADERS:
        raise InputError(
            N_("name the header the key goes in (X-API-Key, say); not one HTTP itself uses"),
            "header",
        )
    return value


class Unreadable(Exception):
    """A sealed credential this deployment's key cannot open (the key changed)."""


class SecretBox:
    """Seals credentials with the first key and opens them with any (MultiFernet): a key
    is rotated by putting the new one first and keeping the old one after it."""

    def __init__(self, keys: list[bytes]) -> None:
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    def seal(self, credential: Credential) -> str:
        said = {"k": credential.kind, "s": credential.secret, "o": credential.origin}
        said |= {"u": credential.user, "h": credential.header}
        return self._fernet.encrypt(json.dumps(said).encode()).decode("ascii")

    def open(self, sealed: str) -> Credential:
        try:
            said = json.loads(self._fernet.decrypt(sealed.encode("ascii")))
            return Credential(said["k"], said["s"], said["o"], said["u"], said["h"])
        except (InvalidToken, ValueError, KeyError, TypeError, UnicodeError):
            raise Unreadable(
                f"the feed's credential cannot be opened with {KEY_SETTING} (or the key "
                "derived from SECRET_KEY when it is unset): was the key changed? "
                "Type the credential again"
            ) from None


def secret_box(feed_secrets_key: str | None, secret_key: str) -> SecretBox:
    """The box of FEED_SECRETS_KEY's keys (comma-separated, the first seals), then the key
    derived from SECRET_KEY, which seals when FEED_SECRETS_KEY is unset and still opens
    what it sealed once FEED_SECRETS_KEY is set. ValueError names a bad key's place."""
    keys = []
    for place, key in enumerate((feed_secrets_key or "").split(","), start=1):
        if key.strip():
            keys.append(_fernet_key(key.strip(), place))
    return SecretBox([*keys, derived_key(secret_key)])


def derived_key(secret_key: str) -> bytes:
    """A Fernet key of its own for feed secrets, drawn from SECRET_KEY with HKDF: never the
    key that signs sessions itself, and any length of SECRET_KEY gives a 32-byte key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"eventwatch feed secrets")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))


def _fernet_key(key: str, place: int) -> bytes:
    try:
        Fernet(key.encode("ascii"))
    except (ValueError, UnicodeError):
        raise ValueError(
            f"{KEY_SETTING}: key {place} is not a Fernet key (32 url-safe base64 bytes; "
            "make one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`)"
        ) from None
    return key.encode("ascii")
