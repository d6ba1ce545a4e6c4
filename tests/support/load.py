"""A load generator for a running deployment: HTTP readers, a commander writing, Socket.IO
clients listening, all at once for a bounded time; then a count of errors and lost deltas.

Used by tests/system/test_load.py (short, asserts zero errors and zero loss) and by
bench/load.py (longer, prints the table)."""

from __future__ import annotations

import contextlib
import itertools
import statistics
import threading
import time
from dataclasses import dataclass, field

import requests

from tests.support.system import LiveClient, wait_for


@dataclass
class LoadReport:
    seconds: float
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    writes: int = 0
    clients: int = 0
    deltas_expected: int = 0
    deltas_delivered: int = 0
    deltas_lost: int = 0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("duration", f"{self.seconds:.1f} s"),
            ("HTTP requests served", f"{self.requests} ({self.requests / self.seconds:.0f}/s)"),
            ("HTTP errors", str(len(self.errors))),
            (
                "HTTP latency p50 / p95 / p99",
                f"{self.percentile(50):.0f} / {self.percentile(95):.0f} / "
                f"{self.percentile(99):.0f} ms",
            ),
            ("threat writes (PATCH)", str(self.writes)),
            ("Socket.IO clients", str(self.clients)),
            ("deltas per client", str(self.deltas_expected)),
            ("deltas delivered (all clients)", str(self.deltas_delivered)),
            ("deltas lost", str(self.deltas_lost)),
        ]


def read_paths(event_id: int) -> list[str]:
    """What commanders' screens and GIS tools ask for while a show runs."""
    return [
        f"/api/v1/events/{event_id}/threats",
        f"/api/v1/events/{event_id}/zones",
        "/api/v1/feeds",
        f"/api/v1/events/{event_id}/gaps",
        f"/events/{event_id}/command",
        "/healthz",
    ]


def run_load(
    webs: list[str],
    token: str,
    event_id: int,
    *,
    seconds: float,
    readers: int = 6,
    clients_per_web: int = 5,
    write_every_s: float = 0.25,
    latest_seq,
) -> LoadReport:
    """Drive the deployment for `seconds`; `latest_seq()` reads the event's last seq."""
    report = LoadReport(seconds)
    clients = [LiveClient(url, token, event_id) for url in webs for _ in range(clients_per_web)]
    report.clients = len(clients)
    stop = threading.Event()
    lock = threading.Lock()
    workers = [
        threading.Thread(target=_reader, args=(webs, token, event_id, n, stop, report, lock))
        for n in range(readers)
    ]
    workers.append(
        threading.Thread(target=_writer, args=(webs, token, event_id, write_every_s, stop, report))
    )
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    _count_deltas(clients, latest_seq(), report)
    return report


def _reader(webs, token, event_id, n, stop, report: LoadReport, lock) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    paths = itertools.cycle(read_paths(event_id)[n % 6 :] + read_paths(event_id)[: n % 6])
    for web in itertools.cycle(webs):
        if stop.is_set():
            return
        path = next(paths)
        started = time.perf_counter()
        try:
            answer = http.get(web + path, timeout=10)
            failed = None if answer.ok else f"{answer.status_code} {path}"
        except requests.RequestException as exc:
            failed = f"{type(exc).__name__} {path}"
        with lock:
            report.requests += 1
            report.latencies_ms.append((time.perf_counter() - started) * 1000)
            if failed:
                report.errors.append(failed)


def _writer(webs, token, event_id, every_s, stop, report: LoadReport) -> None:
    """A commander adds notes to the open threats, on each web process in turn."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    for n in itertools.count():
        if stop.wait(every_s):
            return
        web = webs[n % len(webs)]
        threats = http.get(f"{web}/api/v1/events/{event_id}/threats", timeout=10).json()
        if not threats["features"]:
            continue
        threat = threats["features"][n % len(threats["features"])]["id"]
        url = f"{web}/api/v1/events/{event_id}/threats/{threat}"
        answer = http.patch(url, json={"note": f"load note {n}"}, timeout=10)
        if not answer.ok:
            report.errors.append(f"{answer.status_code} PATCH threat")
        report.writes += 1


def _count_deltas(clients: list[LiveClient], last: int, report: LoadReport) -> None:
    """Every client must hold every delta after its snapshot, up to the last one stored."""

    def caught_up() -> bool:
        return all(c.seqs() and c.seqs()[-1] >= last for c in clients)

    with contextlib.suppress(AssertionError):  # what is missing is counted as lost below
        wait_for(caught_up, 10, "every client to receive the last delta")
    for client in clients:
        client.close()
        wanted = set(range(client.snapshot_seq + 1, last + 1))
        got = set(client.seqs())
        report.deltas_expected = max(report.deltas_expected, len(wanted))
        report.deltas_delivered += len(got & wanted)
        report.deltas_lost += len(wanted - got)
