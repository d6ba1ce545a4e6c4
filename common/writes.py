"""What every write use case takes and gives back.

A service function takes a `Write`: the session it runs in, who acts, when, and how viewers
hear of a change (`publish`, the one emit path: maps.live_service.publish). It returns a
`Change`: what the audit log keeps (the action, its target, before and after) and the
result the page or API answers with. Pages and the API call the same function, so a write
is checked, published and audited the same way whichever door it came through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Publish = Callable[["Session", int, str, dict], object]
T = TypeVar("T")


@dataclass(frozen=True)
class Write:
    session: Session
    actor: str  # the user's name, as the activity and audit logs show it
    now: datetime
    publish: Publish

    def tell(self, event_id: int, kind: str, payload: dict) -> None:
        """Publish a delta to the event's viewers, in this write's transaction."""
        self.publish(self.session, event_id, kind, payload)


@dataclass(frozen=True)
class Change(Generic[T]):
    action: str  # what was done, "zone.update"
    target: str  # to what, "zone:12"
    after: Any = None  # JSON the audit log keeps (and, mostly, what the API answers)
    before: Any = None
    result: T | None = None  # what the door needs beyond that (rows, a report, a token)
