"""One malformed record is refused and counted; the read keeps the rest and is partial."""

from threats.feeds.records import Page, refusal
from threats.polling.fetch import FetchResult
from threats.polling.poll_service import PollResult, _records_refused
from threats.polling.readers import Source, single


def fetch_body(body: bytes):
    def fetch(url, etag=None, last_modified=None):
        return FetchResult(url=url, status=200, body=body)

    return fetch


def test_a_reader_keeps_the_good_records_and_marks_the_read_partial():
    def parse(body, _source):
        return Page(["a", "b"], refused=(refusal(3, "X-1", "no name"),))

    harvest = single("entries", parse)(Source("ftm", "https://example.org/x"), fetch_body(b"."))
    assert harvest.entries == ["a", "b"]
    assert harvest.items == 3
    assert harvest.rejected == ["record 3 (id X-1): no name"]
    assert harvest.complete is False  # so nothing is marked removed


def test_a_plain_list_is_a_complete_read():
    harvest = single("entries", lambda body, _: ["a"])(
        Source("ftm", "https://example.org/x"), fetch_body(b".")
    )
    assert harvest.complete and harvest.rejected == [] and harvest.items == 1


def test_the_health_line_counts_and_names_the_first_few():
    result = PollResult(1, ok=True, items=60)
    result.rejected = [refusal(n, None, "no name") for n in range(1, 8)]
    (line,) = _records_refused(result)
    assert line.startswith("7 of 60 records refused: record 1: no name; record 2: no name")
    assert line.endswith("; and 2 more")
    assert _records_refused(PollResult(1, ok=True)) == []
