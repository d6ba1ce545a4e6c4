"""An overall deadline for one fetch: connecting, TLS, headers, body and every redirect.

A socket timeout counts from the last byte received, so a source that drips one byte
every half second never trips it and holds the poll as long as it likes. A Deadline
starts a timer; each socket the fetch uses (a new one as soon as it is connected, a
pooled one when it is reused) is registered with it through the adapter below, and at
the deadline the sockets are shut down, which wakes whatever read is blocked on them.
The fetcher then reports the deadline, not the broken read.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()  # the deadline of the fetch running in this thread


class Deadline:
    """`with Deadline(seconds) as deadline:` cuts the fetch's sockets at the deadline."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._ends = time.monotonic() + seconds
        self._handles: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(
        self, kind: type | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        _current.deadline = None
        self._timer.cancel()
        with self._lock:
            for handle in self._handles:
                handle.close()
            self._handles.clear()

    def remaining(self) -> float:
        return max(0.0, self._ends - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Keep a duplicate of the socket's descriptor: shutting it down shuts the socket
        down, whoever holds it by then (TLS takes the original descriptor over, and a
        connection hands its socket to the response it reads)."""
        if sock.fileno() < 0:
            return
        with self._lock:
            handle = socket.fromfd(sock.fileno(), sock.family, sock.type)
            self._handles.append(handle)
            if self.expired:
                _shut(handle)

    def _cut(self) -> None:
        with self._lock:
            self.expired = True
            for handle in self._handles:
                _shut(handle)


def _shut(handle: socket.socket) -> None:
    with contextlib.suppress(OSError):
        handle.shutdown(socket.SHUT_RDWR)


def _watched(sock: socket.socket | None) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.watch(sock)


class _Connection(HTTPConnection):
    def _new_conn(self) -> socket.socket:  # connected, before any TLS handshake
        sock = super()._new_conn()
        _watched(sock)
        return sock

    def request(self, *args, **kwargs) -> None:  # a pooled connection, used again
        _watched(self.sock)
        super().request(*args, **kwargs)


class _TLSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watched(sock)
        return sock

    def request(self, *args, **kwargs) -> None:
        _watched(self.sock)
        super().request(*args, **kwargs)


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter, with connections whose sockets a running Deadline can cut."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}
