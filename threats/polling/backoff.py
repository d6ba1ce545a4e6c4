"""When to try a failing feed again: Retry-After first, else exponential backoff with
jitter; a source that keeps answering 403 is left alone for a while (circuit breaker)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

BASE_S = 30.0  # the first retry after a failure
CAP_S = 30 * 60.0  # never wait longer than this between tries
BLOCKS_TO_OPEN = 3  # consecutive 403s that open the circuit
OPEN_FOR = timedelta(hours=1)
MAX_RETRY_AFTER_S = 6 * 3600.0  # a source cannot park us for days with one header


@dataclass(frozen=True)
class Verdict:
    next_attempt_at: datetime | None
    circuit_open_until: datetime | None


def after_failure(
    now: datetime,
    failures: int,
    *,
    retry_after_s: float | None = None,
    blocks: int = 0,
    rng: random.Random | None = None,
    base_s: float = BASE_S,
) -> Verdict:
    """The next allowed attempt after `failures` failures in a row (the latest included)."""
    if blocks >= BLOCKS_TO_OPEN:
        until = now + OPEN_FOR
        return Verdict(until, until)
    if retry_after_s is not None:
        return Verdict(now + timedelta(seconds=min(retry_after_s, MAX_RETRY_AFTER_S)), None)
    delay = min(CAP_S, base_s * 2 ** max(failures - 1, 0))
    # "Equal jitter": half the delay fixed, half random, so many feeds that failed together
    # (a command post's link coming back) do not all retry in the same second.
    jittered = delay / 2 + (rng or random).uniform(0, delay / 2)
    return Verdict(now + timedelta(seconds=jittered), None)


def may_poll(now: datetime, next_attempt_at: datetime | None) -> bool:
    return next_attempt_at is None or now >= next_attempt_at
