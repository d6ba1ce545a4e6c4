"""GeoJSON geometries the API tests send as zones."""

from __future__ import annotations

# About 166 m by 222 m by North Avenue Beach, Chicago.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [-87.626, 41.911],
            [-87.624, 41.911],
            [-87.624, 41.913],
            [-87.626, 41.913],
            [-87.626, 41.911],
        ]
    ],
}
