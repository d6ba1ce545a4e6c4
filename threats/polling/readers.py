"""One reader per feed kind: fetch what the source serves (all its pages, the documents an
index links to) and parse it into records. No database: what was already read comes in as
`known`, and what is new goes out in the harvest for the poller to store."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from threats.feeds import cap, fbi, ftm, incidents, interpol, lookout, nws, ofac
from threats.feeds.errors import FeedFormatError
from threats.feeds.fields import fields_in_use
from threats.feeds.records import Incident, Lookout, Page, WatchlistEntry
from threats.polling.fetch import FetchError, FetchResult, Refused

Fetch = Callable[..., FetchResult]
# A source that never stops paging is a broken source: each reader stops at its own cap
# and says so in the feed's health (the read is partial, so nothing is marked removed).
MAX_PAGES = 50
FBI_MAX_PAGES = 1_000  # 20,000 posters at 20 a page; the list holds about a thousand
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Source:
    """What a reader needs to know of a feed source."""

    kind: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    tz: ZoneInfo = UTC  # for sources that send floating local times
    known: frozenset[tuple[str, str]] = frozenset()  # index entries already read
    field_map: Mapping[str, str] | None = None  # incident columns named by the feed


@dataclass
class Harvest:
    alerts: list[cap.Alert] = field(default_factory=list)
    entries: list[WatchlistEntry] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    lookouts: list[Lookout] = field(default_factory=list)
    items: int = 0
    complete: bool = True  # every page read: only then can a vanished entry be called removed
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    new_items: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: int = 0  # links the fetcher would not follow (host, user-info, a trick)
    follow_ups: int = 0  # documents fetched beyond the feed's own pages (details)
    rejected: list[str] = field(default_factory=list)  # records refused, others kept
    field_guess: dict[str, str] | None = None  # incident columns guessed from the first page

    def refused_records(self, reasons) -> None:
        """Records a parser refused while keeping the rest: the read is partial, so no
        entry is marked removed merely because its record was malformed this time."""
        if reasons:
            self.rejected.extend(reasons)
            self.complete = False

    def missed(self, what: str, exc: Exception) -> None:
        """A linked document not read: tried again at the next poll, and counted in the
        feed's health when it was refused rather than unreachable or broken."""
        self.errors.append(f"{what}: {exc}")
        if isinstance(exc, Refused):
            self.refused += 1


def first(source: Source, fetch: Fetch) -> tuple[FetchResult, Harvest]:
    """The first (or only) document, fetched conditionally."""
    response = fetch(source.url, etag=source.etag, last_modified=source.last_modified)
    harvest = Harvest(etag=response.etag, last_modified=response.last_modified)
    harvest.not_modified = response.not_modified
    return response, harvest


def read_cap_atom(source: Source, fetch: Fetch) -> Harvest:
    """An ATOM index and the CAP alerts of its new or changed entries."""
    response, harvest = first(source, fetch)
    if harvest.not_modified:
        return harvest
    if not cap.is_atom(response.body):
        return read_cap_document(response.body, harvest)
    entries = cap.parse_atom_index(response.body)
    harvest.items = len(entries)
    for entry in entries:
        key = (entry.id, entry.updated.isoformat() if entry.updated else "")
        if key in source.known:
            continue
        if not entry.content:  # an inline alert costs no fetch
            if harvest.follow_ups >= MAX_ENTRIES_PER_POLL:
                continue  # read at a following poll: its key stays unknown
            harvest.follow_ups += 1
        try:
            page = _entry_alerts(entry, fetch)
        except (FetchError, FeedFormatError) as exc:
            harvest.missed(f"entry {entry.id}", exc)
            continue
        harvest.alerts.extend(page.records)
        harvest.refused_records(page.refused)
        harvest.new_items.append(key)
    return harvest


# An index may list thousands of new entries, each a document to fetch: one poll reads
# this many (oldest keys stay unknown, so the rest are read at the following polls).
MAX_ENTRIES_PER_POLL = 500


def _entry_alerts(entry: cap.AtomEntry, fetch: Fetch) -> Page:
    """The entry's inline alert, else the first of its links that is CAP: a link that
    fails or serves something else (an HTML page) hands over to the next."""
    if entry.content:
        return cap.read_alerts(entry.content)
    if not entry.links:
        raise FeedFormatError("Atom: the entry has no inline alert and no link to one")
    failed: list[FetchError | FeedFormatError] = []
    for url in entry.links:
        try:
            return cap.read_alerts(fetch(url).body)
        except (FetchError, FeedFormatError) as exc:
            failed.append(exc)
    refused = next((exc for exc in failed if isinstance(exc, Refused)), None)
    raise refused or failed[0]


def read_cap_document(body: bytes, harvest: Harvest) -> Harvest:
    """Every alert of a CAP document, whatever wraps it (threats.feeds.cap.read_alerts)."""
    page = cap.read_alerts(body)
    harvest.alerts, harvest.items = page.records, len(page.records) + len(page.refused)
    harvest.refused_records(page.refused)
    return harvest


def read_pages(
    source: Source,
    fetch: Fetch,
    parse: Callable[[bytes], Page],
    next_url: Callable,
    max_pages: int = MAX_PAGES,
) -> tuple[Harvest, list]:
    """Follow a paginated source to its end; a failed page, or the reader's page cap,
    leaves the harvest incomplete."""
    response, harvest = first(source, fetch)
    records: list = []
    if harvest.not_modified:
        return harvest, records
    page, number = parse(response.body), 1
    records.extend(page.records)
    harvest.refused_records(page.refused)
    while (url := next_url(source.url, page, number)) is not None:
        if number >= max_pages:
            harvest.complete = False
            stated = f" of {page.total} records" if page.total is not None else ""
            harvest.errors.append(f"stopped after {max_pages} pages (the safety cap){stated}")
            break
        try:
            page, number = parse(fetch(url).body), number + 1
        except (FetchError, FeedFormatError) as exc:
            harvest.complete = False
            harvest.missed(f"page {number + 1}", exc)
            break
        records.extend(page.records)
        harvest.refused_records(page.refused)
    harvest.items = len(records) + len(harvest.rejected)
    return harvest, records


def read_interpol(source: Source, fetch: Fetch) -> Harvest:
    kind = source.kind.removeprefix("interpol-")
    per_page = int(_query(source.url).get("resultPerPage", "20"))

    stated: list[int] = []

    def next_url(_url: str, page: Page, number: int) -> str | None:
        stated[:] = [page.total] if page.total is not None else []
        return (
            None
            if interpol.should_stop(number, per_page, page.total, page.next_url)
            else page.next_url
        )

    harvest, entries = read_pages(
        source, fetch, lambda body: interpol.parse_notice_page(body, kind), next_url
    )
    if stated and stated[0] > interpol.LIVE_RESULT_CAP:
        # The API serves no notice past the 160th: the rest were not read, not removed.
        harvest.complete = False
        harvest.errors.append(
            f"INTERPOL serves only the first {interpol.LIVE_RESULT_CAP} of {stated[0]}"
            " notices: narrow the query (e.g. by nationality) to read them all"
        )
    harvest.entries = [_with_detail(source, fetch, kind, e, harvest) for e in entries]
    return harvest


MAX_DETAILS_PER_POLL = 50  # the rest are read at later polls, so a big list does not flood


def _with_detail(source: Source, fetch: Fetch, kind: str, entry, harvest: Harvest):
    """A new notice's detail (charges, marks, ...), fetched once and remembered."""
    key = (f"detail:{entry.source_id}", "1")
    if key in source.known or harvest.follow_ups >= MAX_DETAILS_PER_POLL:
        return entry
    harvest.follow_ups += 1
    parts = urlsplit(source.url)
    url = interpol.detail_url(f"{parts.scheme}://{parts.netloc}", kind, entry.source_id)
    try:
        detail = interpol.parse_notice_detail(fetch(url).body, kind)
        merged = interpol.merge(entry, detail)
    except (FetchError, FeedFormatError) as exc:
        harvest.missed(f"notice {entry.source_id} detail", exc)
        return entry
    harvest.new_items.append(key)
    return replace(merged, extra={**merged.extra, "detail": True})


def read_fbi(source: Source, fetch: Fetch) -> Harvest:
    query = _query(source.url)
    size = int(query.get("pageSize", "20"))

    def next_url(url: str, page: Page, number: int) -> str | None:
        following = fbi.next_page_number(
            int(query.get("page", "1")) + number - 1, size, page.total or 0
        )
        return None if following is None else _with_query(url, page=str(following))

    harvest, harvest.entries = read_pages(
        source, fetch, fbi.parse_wanted_page, next_url, max_pages=FBI_MAX_PAGES
    )
    return harvest


def read_incidents(source: Source, fetch: Fetch) -> Harvest:
    """Any Socrata dataset or ArcGIS query, paged by `$offset` or by `resultOffset`."""
    limit = int(_query(source.url).get("$limit", "1000"))
    guesses: list = []
    read = [0]  # records on the pages so far, refused ones too: the next resultOffset

    def parse(body: bytes) -> Page:
        # Later pages read the columns the first page was read by: one guess per read.
        mapped = fields_in_use(source.field_map, guesses[0]) if guesses else source.field_map
        page = incidents.parse_incidents(body, source.tz, mapped)
        guesses.append(page.guessed)
        read[0] += len(page.records) + len(page.refused)
        return page

    def next_url(url: str, page: Page, number: int) -> str | None:
        count = len(page.records) + len(page.refused)
        if incidents.is_arcgis(url) or page.more:  # an ArcGIS answer, wherever it is served
            start = int(_query(url).get("resultOffset", "0"))
            moved = _with_query(url, resultOffset=str(start + read[0] - count))
            return incidents.next_arcgis_url(moved, count, page.more)
        offset = int(_query(url).get("$offset", "0")) + (number - 1) * limit
        return incidents.next_page_url(_with_query(url, **{"$offset": str(offset)}), count, limit)

    harvest, harvest.incidents = read_pages(source, fetch, parse, next_url)
    harvest.field_guess = guesses[0] if guesses else None
    return harvest


def read_nws(source: Source, fetch: Fetch) -> Harvest:
    """NWS alerts: `/alerts/active` in one document, `/alerts` over its cursor pages."""
    harvest, harvest.alerts = read_pages(
        source, fetch, nws.parse_alerts, lambda _url, page, _number: page.next_url
    )
    return harvest


def read_ofac_csv(source: Source, fetch: Fetch) -> Harvest:
    """sdn.csv and its sibling alt.csv (the aliases), read together."""
    response, harvest = first(source, fetch)
    if not harvest.not_modified:
        alt_url = source.url.rsplit("/", 1)[0] + "/alt.csv"
        page = ofac.parse_sdn_csv(response.body, fetch(alt_url).body)
        harvest.entries = page.records
        harvest.refused_records(page.refused)
        harvest.items = len(page.records) + len(page.refused)
    return harvest


def single(field: str, parse: Callable[[bytes, Source], list | Page]) -> Callable:
    """A reader for a source that serves one whole document, parsed into one kind of record
    (a plain list, or a `Page` when the parser refuses bad records and keeps the rest)."""

    def read(source: Source, fetch: Fetch) -> Harvest:
        response, harvest = first(source, fetch)
        if not harvest.not_modified:
            page = parse(response.body, source)
            page = page if isinstance(page, Page) else Page(list(page))
            setattr(harvest, field, page.records)
            harvest.refused_records(page.refused)
            harvest.items = len(page.records) + len(page.refused)
        return harvest

    return read


READERS: dict[str, Callable[[Source, Fetch], Harvest]] = {
    # A CAP URL may serve one document or an Atom index of them: read what it serves.
    "cap": read_cap_atom,
    "cap-atom": read_cap_atom,
    "nws": read_nws,
    "interpol-red": read_interpol,
    "interpol-yellow": read_interpol,
    "fbi-wanted": read_fbi,
    "ftm": single("entries", lambda body, _: ftm.parse_entities(body)),
    "ofac-csv": read_ofac_csv,
    "ofac-xml": single("entries", lambda body, _: ofac.parse_sdn_xml(body)),
    "geojson-incidents": read_incidents,
    "incidents": read_incidents,
    "csv-lookout": single("lookouts", lambda body, src: lookout.parse_lookouts(body, src.tz)),
}


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {**dict(parse_qsl(parts.query, keep_blank_values=True)), **changes}
    return urlunsplit(parts._replace(query=urlencode(query, safe="$/:")))
