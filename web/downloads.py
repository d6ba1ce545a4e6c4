"""Small helpers the views of every package share."""

from __future__ import annotations

from flask import Response


def csv_download(body: str, filename: str) -> Response:
    """A CSV file the browser saves under `filename` rather than shows."""
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def file_download(body: bytes | str, filename: str, mimetype: str) -> Response:
    """Any file the browser saves under `filename` (GeoJSON, KML, PDF)."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
