"""A zone file read in a process of its own, with a deadline and a memory limit.

GDAL is C: once it runs a GeoPackage view's endless query or chews on a pathological file,
nothing in this process can stop it, and under gevent it would stall every other request of
the worker too. So `python -m planner.reading` reads the file (planner.importing, with GDAL
offline) and answers in JSON (planner.zone_reports); the app kills it at the deadline. It
gets none of the app's secrets or proxies in its environment, and limits its own memory,
CPU time and file writes. The app calls this before any database transaction begins.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from common.messages import N_, message_of
from planner.uploads import MAX_UNZIPPED_BYTES, MAX_UPLOAD_BYTES, format_of
from planner.zone_reports import ImportReport, message_from, message_json, report_from, report_json
from planner.zones import MAX_ZONE_AREA_M2, ZoneError

READ_TIMEOUT_S = 60.0
READ_MEMORY_BYTES = 2 * 1024**3
READ_WRITES_BYTES = MAX_UPLOAD_BYTES + 2 * MAX_UNZIPPED_BYTES  # the staged files, and slack
ROOT = Path(__file__).resolve().parents[1]
# What the reader's environment keeps; no database URL, secret key or proxy setting.
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")
KEPT_ENV += ("GDAL_DATA", "PROJ_DATA", "PROJ_LIB", "SYSTEMROOT")
log = logging.getLogger(__name__)


def read_zone_file(
    data: bytes,
    filename: str,
    *,
    default_kind: str = "crowd",
    name_field: str | None = None,
    max_area_m2: float = MAX_ZONE_AREA_M2,
    timeout_s: float = READ_TIMEOUT_S,
) -> ImportReport:
    """planner.importing.read_zones in a reading process, stopped after `timeout_s`."""
    fmt = format_of(data, filename)  # the quick refusals need no process
    header = {"filename": filename, "default_kind": default_kind, "timeout_s": timeout_s}
    header |= {"name_field": name_field, "max_area_m2": max_area_m2}
    command = [sys.executable, "-m", "planner.reading"]
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    with subprocess.Popen(command, cwd=ROOT, env=_reader_env(), **pipes) as reader:
        try:
            out, err = reader.communicate(json.dumps(header).encode() + b"\n" + data, timeout_s)
        except subprocess.TimeoutExpired:
            reader.kill()
            reader.communicate()
            raise ZoneError(
                N_(
                    "%(format)s: reading the file took more than %(seconds)s seconds",
                    format=fmt,
                    seconds=f"{timeout_s:g}",
                )
            ) from None
    return _answer(reader.returncode, out, err, fmt)


def _reader_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in KEPT_ENV if name in os.environ}
    return env | {"PROJ_NETWORK": "OFF", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def _answer(status: int, out: bytes, err: bytes, fmt: str) -> ImportReport:
    try:
        answer = json.loads(out) if status == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        log.warning("zone reader stopped (%s): %s", status, err[-2000:].decode(errors="replace"))
        error = f"the reader stopped with status {status}: out of memory, or the file broke it"
        raise ZoneError(
            N_("%(format)s: the file could not be read (%(error)s)", format=fmt, error=error)
        )
    if "refused" in answer:
        raise ZoneError(message_from(answer["refused"]), answer.get("field"))
    return report_from(answer["report"])


def main() -> None:
    """The reading process: header line and file on stdin, the report or refusal on stdout."""
    header = json.loads(sys.stdin.buffer.readline())
    _limit_resources(float(header["timeout_s"]))
    from planner.importing import read_zones  # GDAL (taken offline) is loaded here only

    data = sys.stdin.buffer.read()
    try:
        report = read_zones(
            data,
            header["filename"],
            default_kind=header["default_kind"],
            name_field=header["name_field"],
            max_area_m2=float(header["max_area_m2"]),
        )
        answer = {"report": report_json(report)}
    except ZoneError as exc:
        answer = {"refused": message_json(message_of(exc)), "field": exc.field}
    sys.stdout.write(json.dumps(answer))


def _limit_resources(timeout_s: float) -> None:
    """Memory, CPU seconds (in case the app is gone and cannot kill us) and bytes written."""
    try:
        import resource
    except ImportError:  # not on this platform: the app's deadline still holds
        return
    for limit, value in (
        (resource.RLIMIT_AS, READ_MEMORY_BYTES),
        (resource.RLIMIT_CPU, int(timeout_s) + 10),
        (resource.RLIMIT_FSIZE, READ_WRITES_BYTES),
    ):
        _, hard = resource.getrlimit(limit)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(limit, (value, hard))


if __name__ == "__main__":
    main()
