"""Feed URLs read once, by the parser that connects.

A check that reads a URL with one parser while the HTTP library reads it with another can
be fooled: `http://127.0.0.1:8771\\@api.weather.gov/` is api.weather.gov to Python's
urlsplit and 127.0.0.1 to urllib3, which requests connects with. So a URL is first made
into what requests will send (its own parsing, IDNA and quoting), and the host is taken
from urllib3's reading of exactly that; characters that parsers disagree about, and
user-info, are refused outright, since no feed needs them.
"""

from __future__ import annotations

import ipaddress
import re

import requests
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from common.messages import N_, Text

# Backslashes (a path separator to browsers, part of the authority to urlsplit), spaces
# and control characters (urlsplit silently drops tabs and newlines, urllib3 keeps them).
CONFUSING = re.compile(r"[\x00-\x20\x7f\\]")
SCHEMES = ("http", "https")


class BadURL(ValueError):
    """A URL a feed may not fetch, with a sentence (a messages.Text) saying why."""


def host_name(host: str) -> str:
    """A host as the allowed list and urllib3 compare it: lower case, IPv6 without brackets."""
    return host.strip().lower().removeprefix("[").removesuffix("]")


def checked(url: str, allowed_hosts: frozenset[str]) -> str:
    """The URL as requests will send it, when nothing in it can mislead and its host is
    one of `allowed_hosts` (as host_name gives them); BadURL otherwise."""
    shown = repr(url)[:300]
    if CONFUSING.search(url):
        raise BadURL(_confusing(shown))
    try:
        sent = requests.Request("GET", url).prepare().url
        parts = parse_url(sent)  # what urllib3's pool will connect to, read the same way
    except (requests.RequestException, LocationParseError, ValueError):
        raise BadURL(N_("refused %(url)s: it is not a valid URL", url=shown)) from None
    if parts.scheme not in SCHEMES:
        raise BadURL(N_("refused %(url)s: only http and https are fetched", url=shown))
    if parts.auth is not None or "@" in _authority(url):
        raise BadURL(_user_info(shown))
    host = host_name(parts.host or "")
    if host not in allowed_hosts:
        raise BadURL(
            N_("refused %(url)s: host %(host)s is not an allowed feed host", url=shown, host=host)
        )
    return sent


def _authority(url: str) -> str:
    """What stands between `scheme://` and the path, delimited as urllib3 delimits it (no
    backslash gets this far). An empty user name (`http://@host/`) leaves no `auth`."""
    return re.split(r"[/?#]", url.partition("://")[2], maxsplit=1)[0]


def _confusing(shown: str) -> Text:
    return N_(
        "refused %(url)s: a feed URL may not contain a backslash, a space or a control character",
        url=shown,
    )


def _user_info(shown: str) -> Text:
    return N_(
        "refused %(url)s: a feed URL may not contain a user name or password (user@host)",
        url=shown,
    )


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> str:
    """`scheme://host:port` of a URL, read as `checked` reads it (the port always written):
    a credential goes only to the origin it was given for, as a browser scopes a cookie."""
    try:
        parts = parse_url(requests.Request("GET", url).prepare().url)
    except (requests.RequestException, LocationParseError, ValueError):
        return ""
    scheme = (parts.scheme or "").lower()
    host = host_name(parts.host or "")
    port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}" if scheme and host else ""


def is_private_channel(origin_: str) -> bool:
    """HTTPS, or plain HTTP that never leaves this machine: where a secret may travel."""
    scheme, _, rest = origin_.partition("://")
    host = host_name(rest.rpartition(":")[0])
    if scheme == "https":
        return True
    if scheme != "http":
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
