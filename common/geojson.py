"""GeoJSON shapes every package builds."""

from __future__ import annotations

from collections.abc import Iterable


def feature_collection(features: Iterable[dict]) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}
