"""HTTP fetching for feeds: allowed hosts only (every redirect too), size cap, a timeout per
read and a deadline per fetch, conditional GET, the Accept a feed's kind expects, and its
credential sent to its own origin only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import requests

from common.messages import message_of
from threats.polling import urls
from threats.polling.credentials import Credential, SecretBox, Unreadable
from threats.polling.deadline import Deadline, DeadlineAdapter

MAX_REDIRECTS = 3
DEADLINE_S = 60.0  # a whole fetch, redirects and body included; FEED_DEADLINE_S
# Maps a URL to the address actually contacted and the Host header to send; tests use it
# to serve real feed URLs from a local server, after the allowed-host check.
Rebase = Callable[[str], tuple[str, str]]


class FetchError(Exception):
    """A feed could not be fetched: refused host, network failure, bad status or too big."""

    retry_after_s: float | None = None


class Refused(FetchError):
    """A URL the fetcher will not contact (host not allowed, user-info, a confusing
    character); nothing was sent. Readers count these in the feed's health."""


class RetryLater(FetchError):
    """429 or 503: the source asks us to come back later (Retry-After, when it says when)."""

    def __init__(self, message: str, retry_after_s: float | None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Blocked(FetchError):
    """403: the source refuses us; repeated, it opens the feed's circuit breaker."""


class CredentialError(FetchError):
    """The feed's credential cannot be sent: unreadable with this key, given for another
    origin, or bound for plain HTTP. Nothing was sent."""


@dataclass(frozen=True)
class Access:
    """What every fetch of one feed sends beyond the request itself: the Accept its kind
    expects, and its sealed credential for its URL's origin (urls.origin)."""

    accept: str = "*/*"
    origin: str = ""
    sealed: str | None = field(default=None, repr=False)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """Fetches one URL at a time; it never contacts a host that is not on its list."""

    def __init__(
        self,
        allowed_hosts: Iterable[str],
        user_agent: str,
        max_bytes: int = 20 * 1024 * 1024,
        timeout_s: float = 15.0,
        rebase: Rebase | None = None,
        deadline_s: float = DEADLINE_S,
        secrets: SecretBox | None = None,
    ) -> None:
        self.rebase = rebase
        self.secrets = secrets  # opens feed credentials, just before they are sent
        self.allowed_hosts = frozenset(urls.host_name(h) for h in allowed_hosts)
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s  # per connect and per read
        self.deadline_s = deadline_s  # per fetch, whatever the source sends meanwhile
        self.http = requests.Session()
        self.http.headers["User-Agent"] = user_agent
        self.http.trust_env = False  # proxies from the environment could route around the list
        for scheme in ("http://", "https://"):
            self.http.mount(scheme, DeadlineAdapter())

    def check_url(self, url: str) -> str:
        """The URL as it will be sent, when it may be fetched; Refused otherwise."""
        try:
            return urls.checked(url, self.allowed_hosts)
        except urls.BadURL as exc:
            raise Refused(message_of(exc)) from None

    def __call__(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        *,
        access: Access | None = None,
    ) -> FetchResult:
        headers = {"Accept": access.accept} if access else {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        credential = self._credential(access)
        with Deadline(self.deadline_s) as deadline:
            try:
                result = self._follow(url, headers, deadline, credential)
            except FetchError as exc:
                if deadline.expired:  # the read broke because the deadline cut it
                    raise self._late(url) from exc
                raise
            if deadline.expired:  # a body cut short by the deadline can look complete
                raise self._late(url)
            return result

    def _credential(self, access: Access | None) -> Credential | None:
        """The feed's credential, opened, when it may go where the feed's URL points."""
        if access is None or not access.sealed:
            return None
        try:
            if self.secrets is None:
                raise Unreadable("this fetcher holds no key to open feed credentials")
            credential = self.secrets.open(access.sealed)
        except Unreadable as exc:
            raise CredentialError(str(exc)) from None
        if credential.origin != access.origin:  # the URL moved, or the row was tampered with
            raise CredentialError(
                f"the feed's credential was given for {credential.origin}, not for "
                f"{access.origin}: type it again for the new address"
            )
        if not urls.is_private_channel(credential.origin):
            raise CredentialError(f"a credential is never sent over plain http ({access.origin})")
        return credential

    def _follow(
        self, url: str, headers: dict[str, str], deadline: Deadline, credential: Credential | None
    ) -> FetchResult:
        """Every hop is checked as the first was: a redirect is a URL the source chose. The
        credential goes with a hop only to the origin it was given for (and a redirect from
        https to http, or to another port, is another origin)."""
        for _ in range(MAX_REDIRECTS + 1):
            url = self.check_url(url)
            carried = credential is not None and urls.origin(url) == credential.origin
            sent = {**headers, **credential.headers()} if carried else headers
            response = self._get(url, sent, deadline, credential)
            if response.is_redirect:
                location = response.headers.get("Location", "")
                response.close()
                if urls.CONFUSING.search(location):  # before urljoin drops tabs and newlines
                    self.check_url(location)
                url = urljoin(url, location)
                continue
            return self._result(url, response, carried)
        raise FetchError(f"too many redirects from {url!r}")

    def _late(self, url: str) -> FetchError:
        return FetchError(f"{url!r} took longer than the {self.deadline_s:g} s deadline of a fetch")

    def _get(
        self, url: str, headers: dict[str, str], deadline: Deadline, credential: Credential | None
    ) -> requests.Response:
        if self.rebase is not None:
            url, host = self.rebase(url)
            headers = {**headers, "Host": host}
        timeout = min(self.timeout_s, deadline.remaining()) or 0.001
        try:
            return self.http.get(
                url, headers=headers, timeout=timeout, stream=True, allow_redirects=False
            )
        except requests.RequestException as exc:
            said = f"could not fetch {url!r}: {exc.__class__.__name__}: {exc}"
            if credential is None:
                raise FetchError(said) from exc
            raise FetchError(credential.redact(said)) from None  # its text may quote headers

    def _result(self, url: str, response: requests.Response, carried: bool) -> FetchResult:
        with response:
            status = response.status_code
            if status == 304:
                return FetchResult(url, 304, b"", _validator(response, "ETag"))
            if status in (429, 503):
                wait = retry_after(response.headers.get("Retry-After"))
                raise RetryLater(f"{url!r} answered HTTP {status} (retry after {wait} s)", wait)
            if status == 401:
                why = "it refused the credential sent" if carried else "no credential was sent"
                raise FetchError(f"{url!r} answered HTTP 401 (unauthorized): {why}")
            if status == 403:
                why = " to the credential sent" if carried else ""
                raise Blocked(f"{url!r} answered HTTP 403: access denied{why}")
            if status != 200:
                raise FetchError(f"{url!r} answered HTTP {status}")
            body = self._read_capped(url, response)
            return FetchResult(
                url,
                200,
                body,
                _validator(response, "ETag"),
                _validator(response, "Last-Modified"),
            )

    def _read_capped(self, url: str, response: requests.Response) -> bytes:
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"{url!r} is over the {self.max_bytes}-byte cap")
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise FetchError(f"reading {url!r} failed: {exc}") from exc
        return b"".join(chunks)


# What a feed keeps of a source's validators (FeedSource.etag, .last_modified).
VALIDATOR_CHARS = {"ETag": 500, "Last-Modified": 100}


def _validator(response: requests.Response, name: str) -> str | None:
    """A source's ETag or Last-Modified, when a feed can keep it to send back; a longer one
    is no validator (it would fail the poll's write, at every poll)."""
    value = response.headers.get(name)
    return value if value is not None and len(value) <= VALIDATOR_CHARS[name] else None
