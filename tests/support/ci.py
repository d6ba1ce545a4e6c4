"""What a missing service means: a skip on a developer's machine, a failure in CI."""

from __future__ import annotations

import os

import pytest


def required_in_ci(reason: str) -> None:
    """Skip with a reason, except in CI where a missing service is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)
