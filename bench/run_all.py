"""Run every benchmark at a small size and write BENCHMARKS.md: each one's table, the
machine and the date. A whole run takes a few minutes on a 2-core machine.

    bench/run_all [--only matching screening ...] [--out BENCHMARKS.md]

Each benchmark prints its own baseline, measured in the same run, beside its result.
The scaled-out ones need PostgreSQL and Redis on 127.0.0.1, command_view needs Chromium.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name, arguments (small sizes), what it answers
BENCHMARKS = [
    ("matching", ["--points", "100000", "--zones", "1000"], "threats and sightings vs zones"),
    ("screening", ["--candidates", "10000", "--watchlist", "10000"], "badge holders vs watchlists"),
    ("assign", ["--people", "3000", "--slots", "600"], "auto-assign people to slots"),
    ("ingest", ["--alerts", "1000", "--watchlist", "20000"], "feed fetch to stored threats"),
    ("duplicates", ["--open", "1000", "--alerts", "50"], "the same report from another feed"),
    ("fanout", ["--clients", "50", "200", "--deltas", "30"], "deltas to Socket.IO clients"),
    ("e2e", ["--alerts", "6"], "an alert at its source to the client"),
    ("command_view", ["--threats", "10000", "--repeats", "3"], "the command page in Chromium"),
    ("load", ["--seconds", "10"], "HTTP and Socket.IO load together"),
]


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if "model name" in line),
        platform.processor() or "unknown CPU",
    )
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if "MemTotal" in line), "0")
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {int(memory) / 2**20:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def run(name: str, args: list[str]) -> tuple[str, float, int]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout.strip()
    if done.returncode:
        output += f"\n\nFAILED (exit {done.returncode}):\n{done.stderr.strip()[-2000:]}"
    return output, time.monotonic() - started, done.returncode


def report(results: list[tuple], started: datetime) -> str:
    parts = [
        "# Benchmarks",
        "",
        f"Written by `bench/run_all` on {started:%Y-%m-%d %H:%M} UTC.",
        f"Machine: {machine()}.",
        "Each table shows its baseline, measured in the same run. Sizes are the small ones",
        "run_all uses; run a script alone for its full size (`python bench/<name>.py -h`).",
        "",
        "| benchmark | what | command | seconds | result |",
        "|---|---|---|---|---|",
    ]
    for name, args, what, _, seconds, code in results:
        command = f"`python bench/{name}.py {' '.join(args)}`"
        parts.append(
            f"| {name} | {what} | {command} | {seconds:.0f} | {'ok' if not code else 'FAILED'} |"
        )
    for name, _args, what, output, _, _ in results:
        parts += ["", f"## {name}: {what}", "", "```", output, "```"]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", help="run only these benchmarks")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    options = parser.parse_args(argv)
    started = datetime.now(UTC)
    results = []
    for name, args, what in BENCHMARKS:
        if options.only and name not in options.only:
            continue
        print(f"running {name} ...", flush=True)
        output, seconds, code = run(name, args)
        print(f"  {seconds:.0f} s{'' if not code else ', FAILED'}", flush=True)
        results.append((name, args, what, output, seconds, code))
    Path(options.out).write_text(report(results, started))
    total = sum(r[4] for r in results)
    print(f"wrote {options.out} ({total:.0f} s in all)")
    return 1 if any(r[5] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
