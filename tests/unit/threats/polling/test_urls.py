"""The feed URL check against parser-confusion tricks (issue 17, finding 4).

The check and the HTTP library must agree on the host. Each refused URL below is one
that some parser reads differently from another (Python's urlsplit against urllib3's,
which requests connects with), or that hides a host in user-info; each accepted one is
checked against the host urllib3 itself would connect to."""

from __future__ import annotations

import pytest
import requests
from urllib3.util import parse_url

from threats.polling import fetch
from threats.polling.fetch import Fetcher, FetchError

ALLOWED = ("api.weather.gov", "localhost", "::1")


@pytest.fixture(scope="module")
def fetcher():
    fetcher = Fetcher(ALLOWED, "eventwatch-test")
    yield fetcher
    fetcher.http.close()


def connects_to(url: str) -> str:
    """The host requests would open a socket to for this URL."""
    return parse_url(requests.Request("GET", url).prepare().url).host.strip("[]")


@pytest.mark.parametrize(
    "url, problem",
    [
        # the finding: urlsplit reads api.weather.gov, urllib3 connects to 127.0.0.1:8771
        ("http://127.0.0.1:8771\\@api.weather.gov/", "backslash"),
        ("http:/\\/api.weather.gov/", "backslash"),
        ("http:\\\\api.weather.gov\\alerts", "backslash"),
        ("http://api.weather.gov\\@127.0.0.1/", "backslash"),
        # user-info: whatever its host, a URL with a user name is refused
        ("http://api.weather.gov@127.0.0.1/", "user name"),
        ("http://user:secret@api.weather.gov/alerts", "user name"),
        ("http://@api.weather.gov/alerts", "user name"),
        ("http://api.weather.gov%2f@127.0.0.1/", "user name"),
        # urlsplit drops tabs and newlines before it parses; urllib3 keeps them
        ("http://127.0.0.1\t@api.weather.gov/", "control character"),
        ("http://api.weather.gov\t@127.0.0.1/", "control character"),
        ("http://127.0.0.1\n@api.weather.gov/", "control character"),
        ("http://127.0.0.1\r\n@api.weather.gov/", "control character"),
        ("http://api.weather.gov /alerts", "control character"),
        ("http://api.weather.gov\x00.evil.example/", "control character"),
        ("http://api.weather.gov\x7f/", "control character"),
        # the host both parsers agree on is not allowed
        ("http://127.0.0.1#@api.weather.gov/", "not an allowed feed host"),
        ("http://127.0.0.1?@api.weather.gov/", "not an allowed feed host"),
        ("http://127.0.0.1/@api.weather.gov/", "not an allowed feed host"),
        ("http://api.weather.gov.evil.example/alerts", "not an allowed feed host"),
        ("http://evil.example/api.weather.gov", "not an allowed feed host"),
        ("http://2130706433/", "not an allowed feed host"),  # 127.0.0.1 as one number
        ("http://0x7f.0.0.1/", "not an allowed feed host"),
        ("http://127.1/", "not an allowed feed host"),
        ("http://[::ffff:127.0.0.1]/", "not an allowed feed host"),
        ("http://[0:0:0:0:0:0:0:1]/", "not an allowed feed host"),  # ::1, spelled out
        ("http://\u0430pi.weather.gov/", "not an allowed feed host"),  # Cyrillic a: IDNA
        ("http://api.weather.gov./alerts", "not an allowed feed host"),  # not the listed name
        # not a URL a feed can have
        ("http://\uff41pi.weather.gov/", "not a valid URL"),  # fullwidth a
        ("http://api.weather.gov:99999/", "not a valid URL"),
        ("http:api.weather.gov/alerts", "not a valid URL"),
        ("//api.weather.gov/alerts", "not a valid URL"),
        ("api.weather.gov/alerts", "not a valid URL"),
        ("ftp://api.weather.gov/alerts", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_a_confusing_or_foreign_url_is_refused(fetcher, url, problem):
    with pytest.raises(FetchError) as refused:
        fetcher.check_url(url)
    assert problem in str(refused.value)
    assert isinstance(refused.value, fetch.Refused)  # nothing was sent; the feed counts it


@pytest.mark.parametrize(
    "url, host",
    [
        ("https://api.weather.gov/alerts?area=IL&zone=ILC031", "api.weather.gov"),
        ("HTTPS://API.Weather.GOV/alerts", "api.weather.gov"),  # names are not case-sensitive
        ("http://localhost:8080/cap/feed.atom", "localhost"),
        ("http://[::1]:8080/feed", "::1"),
        ("https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.a7e1.001.1.cap", "api.weather.gov"),
        ("https://api.weather.gov/alerts?q=a@b#x@127.0.0.1", "api.weather.gov"),  # not user-info
    ],
)
def test_an_allowed_url_is_sent_as_checked(fetcher, url, host):
    sent = fetcher.check_url(url)
    assert connects_to(sent) == host
    assert connects_to(sent) in ALLOWED
    assert requests.Request("GET", sent).prepare().url == sent  # sent as it was checked


def test_the_allowed_list_may_name_an_ipv6_host_with_or_without_brackets():
    fetcher = Fetcher(("[::1]",), "eventwatch-test")
    assert connects_to(fetcher.check_url("http://[::1]/feed")) == "::1"
    fetcher.http.close()
