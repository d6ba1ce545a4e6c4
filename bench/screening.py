"""Benchmark: the watchlist Screener against plain rapidfuzz token_sort_ratio over every pair.

    python bench/screening.py [--candidates 50000] [--watchlist 10000] [--seed 1] [--sample 500]

The synthetic watchlist recombines the development set's names (Latin, Cyrillic, Arabic and
hanzi words, with their Latin aliases) into new people; the roster mixes invented English
names, people of the watchlist's cultures written in Latin, and 1% planted variants of
listed people. The baseline (`process.cdist`, all cores, every candidate x every listed
name) is timed in the same run on a sample of candidates and extrapolated to the full size.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from anyascii import anyascii
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process, utils

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from threats.feeds.ftm import parse_entities
from threats.feeds.records import WatchlistEntry
from threats.screening.screener import Candidate, Screener

DEV = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "screening"
BASELINE_CUTOFF = 80
VARIANT = {"iy": "y", "Ye": "E", "yu": "iu", "ya": "ia", "kh": "h", "ks": "x", "ou": "u", "u": "ou"}
TRANSLIT = [re.compile(k) for k in VARIANT]


def script(text: str) -> str:
    """The script a development-set name is written in."""
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return "hanzi"
    if any("\u0400" <= c <= "\u04ff" for c in text):
        return "cyrillic"
    return "arabic" if any("\u0600" <= c <= "\u06ff" for c in text) else "latin"


class Seeds:
    """Word pools from the development set, by script, with Latin renderings where aligned."""

    def __init__(self, entries: list[WatchlistEntry], roster: list[dict[str, str]]) -> None:
        self.given: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.family: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.weak = [w for e in entries for w in e.weak_aliases]
        for entry in entries:
            kind = script(entry.name)
            latin = next((a for a in entry.aliases if script(a) == "latin"), anyascii(entry.name))
            if kind == "hanzi":
                self.family[kind].append((entry.name[0], latin.split()[0]))
                self.given[kind].extend(zip(entry.name[1:], entry.name[1:], strict=False))
                continue
            words, romans = entry.name.split(), latin.replace(",", "").split()
            if kind == "latin" or len(words) != len(romans) or "," in latin:
                romans = anyascii(entry.name).split()
            pairs = list(zip(words, romans, strict=True))
            cut = 2 if words[0] in ("عبد", "Abd") and len(words) > 2 else 1
            self.given[kind].append(tuple(" ".join(x) for x in zip(*pairs[:cut], strict=True)))
            self.family[kind].append(pairs[-1])
        for row in roster:
            parts = row["full_name"].split()
            self.given["roster"].append((parts[0], parts[0]))
            self.family["roster"].append((parts[-1], parts[-1]))


def invent_family(rng: random.Random, pool: list[tuple[str, str]]) -> tuple[str, str]:
    """A new family name: the front of one seed joined to the back of another."""
    (a, ar), (b, br) = rng.sample(pool, 2)
    if len(a) < 4 or len(b) < 4:
        return a + b[-1], ar + br[-1]
    i, j = rng.randint(2, len(a) - 2), rng.randint(2, len(b) - 2)
    ri, rj = max(1, round(i * len(ar) / len(a))), round(j * len(br) / len(b))
    return a[:i] + b[j:], ar[:ri] + br[rj:]


def person(rng: random.Random, seeds: Seeds, kind: str) -> tuple[str, str, str, str, str]:
    """(name as listed, given, family, Latin given, Latin family) for an invented person."""
    given, given_latin = rng.choice(seeds.given[kind])
    if kind == "hanzi":
        family, family_latin = rng.choice(seeds.family[kind])
        if rng.random() < 0.8:
            given += rng.choice(seeds.given[kind])[0]
        return family + given, given, family, "".join(lazy_pinyin(given)).title(), family_latin
    family, family_latin = invent_family(rng, seeds.family[kind])
    if kind in ("latin", "cyrillic"):
        family_latin = anyascii(family)
    return f"{given} {family}", given, family, anyascii(given_latin), anyascii(family_latin)


def latin_name(given: str, family: str, kind: str) -> str:
    """Given name first, except Chinese names (family first)."""
    return f"{family} {given}" if kind == "hanzi" else f"{given} {family}"


def synthetic_watchlist(
    rng: random.Random, seeds: Seeds, size: int
) -> tuple[list[WatchlistEntry], dict[str, tuple[str, str, str]]]:
    """Invented listed people, and each one's Latin given name, family name and script."""
    kinds = ["latin"] * 40 + ["cyrillic"] * 32 + ["arabic"] * 28 + ["hanzi"] * 20
    entries, latin = [], {}
    for number in range(size):
        kind = rng.choice(kinds)
        name, given, family, given_latin, family_latin = person(rng, seeds, kind)
        source_id = f"syn-{number:06d}"
        latin[source_id] = (given_latin, family_latin, kind)
        if kind == "latin":
            aliases = (f"{family.upper()}, {given}",) * (number % 2)
        else:
            aliases = (latin_name(given_latin, family_latin, kind),)
        born = date(1945, 1, 1) + timedelta(days=rng.randrange(60 * 365))
        entries.append(
            WatchlistEntry(
                source_id=source_id,
                list_kind="sanctions",
                name=name,
                aliases=aliases,
                weak_aliases=(rng.choice(seeds.weak),) if rng.random() < 0.13 else (),
                given_names=given,
                family_name=family,
                birth_dates=(born.isoformat()[: 4 if rng.random() < 0.1 else 10],),
            )
        )
    return entries, latin


def variant(rng: random.Random, given: str, family: str, kind: str) -> str:
    """A Latin-script way a listed person might write their name on a badge form."""
    given, family = anyascii(given), anyascii(family)
    change = rng.choice(["as is", "swap", "initial", "typo", "transliteration"])
    if change == "swap":
        return f"{family.upper()} {given}" if kind != "hanzi" else f"{given} {family.upper()}"
    if change == "initial":
        given = given[0] + "."
    elif change == "transliteration":
        given, family = (
            rng.choice(TRANSLIT).sub(lambda m: VARIANT[m.group()], w) for w in (given, family)
        )
    elif change == "typo":  # a doubled or a replaced letter
        i = rng.randrange(1, len(family))
        letter = family[i] * 2 if rng.random() < 0.5 else rng.choice("aeinorstu")
        family = family[:i] + letter + family[i + 1 :]
    return latin_name(given, family, kind)


def synthetic_roster(
    rng: random.Random,
    seeds: Seeds,
    latin: dict[str, tuple[str, str, str]],
    births: dict[str, str],
    size: int,
) -> tuple[list[Candidate], set[tuple[str, str]]]:
    """Candidates with random dates of birth, and the planted (candidate, entry) pairs.

    A planted candidate carries the listed date of birth (mid-year for a year-only one).
    """
    candidates, planted, listed = [], set(), sorted(latin)
    for number in range(size):
        cid, roll = f"C-{number:07d}", rng.random()
        born = (date(1945, 1, 1) + timedelta(days=rng.randrange(60 * 365))).isoformat()
        if roll < 0.01:
            source_id = rng.choice(listed)
            born = births[source_id] + ("-06-15" if len(births[source_id]) == 4 else "")
            candidates.append(Candidate(cid, variant(rng, *latin[source_id]), born))
            planted.add((cid, source_id))
            continue
        kind = rng.choice(["latin", "cyrillic", "arabic", "hanzi"]) if roll < 0.26 else "roster"
        _, _, _, given, family = person(rng, seeds, kind)
        candidates.append(Candidate(cid, latin_name(given, family, kind), born))
    return candidates, planted


def dev_set() -> tuple[list[WatchlistEntry], list[Candidate], set, set, list[dict]]:
    """Entries, candidates, true pairs, hard negatives and raw roster rows of the dev set."""
    entries = parse_entities((DEV / "watchlist.ftm.jsonl").read_bytes()).records
    with (DEV / "roster.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with (DEV / "labels.csv").open(encoding="utf-8") as f:
        labels = list(csv.DictReader(f))
    candidates = [
        Candidate(r["credential_id"], r["full_name"], r["date_of_birth"], r["nationality"])
        for r in rows
    ]
    true = {(r["credential_id"], r["watchlist_id"]) for r in labels if r["label"] == "1"}
    hard = {(r["credential_id"], r["watchlist_id"]) for r in labels if r["label"] == "0"}
    return entries, candidates, true, hard, rows


def listed_names(entries: list[WatchlistEntry]) -> tuple[list[str], list[str]]:
    """Every strong name of every entry, processed for the baseline, and its entry id."""
    names, owners = [], []
    for entry in entries:
        for name in (entry.name, *entry.aliases):
            names.append(utils.default_process(anyascii(name)))
            owners.append(entry.source_id)
    return names, owners


def baseline_pairs(
    candidates: list[Candidate], names: list[str], owners: list[str]
) -> tuple[float, set[tuple[str, str]]]:
    """Seconds and reported pairs for token_sort_ratio >= cutoff over every pair (cdist)."""
    queries = [utils.default_process(anyascii(c.name)) for c in candidates]
    start = time.perf_counter()
    scores = process.cdist(
        queries, names, scorer=fuzz.token_sort_ratio, score_cutoff=BASELINE_CUTOFF, workers=-1
    )
    seconds = time.perf_counter() - start
    rows, cols = scores.nonzero()
    return seconds, {(candidates[r].id, owners[c]) for r, c in zip(rows, cols, strict=True)}


def baseline_loop(candidates: list[Candidate], names: list[str]) -> float:
    """Seconds for a plain Python loop calling token_sort_ratio on every pair."""
    queries = [utils.default_process(anyascii(c.name)) for c in candidates]
    start = time.perf_counter()
    for query in queries:
        for name in names:
            fuzz.token_sort_ratio(query, name, score_cutoff=BASELINE_CUTOFF)
    return time.perf_counter() - start


def one_name_ms(screener: Screener, names: list[str], picks: list[Candidate]) -> tuple:
    """Median milliseconds for one candidate: Screener.screen_one and process.extract."""
    ours, theirs = [], []
    for candidate in picks:
        start = time.perf_counter()
        screener.screen_one(candidate)
        ours.append(time.perf_counter() - start)
        query = utils.default_process(anyascii(candidate.name))
        start = time.perf_counter()
        process.extract(query, names, scorer=fuzz.token_sort_ratio, score_cutoff=80, limit=None)
        theirs.append(time.perf_counter() - start)
    return 1000 * statistics.median(ours), 1000 * statistics.median(theirs)


def quality(reported: set, true: set, hard: set | None = None) -> str:
    """recall / precision (/ hard-negative rate) over all reported pairs."""
    tp = len(reported & true)
    text = f"{tp / len(true):.2f} / {tp / len(reported) if reported else 0:.2f}"
    return text + (f" / {len(reported & hard) / len(hard):.2f}" if hard is not None else "")


def timed(work):
    """Seconds a call takes, and what it returned."""
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def synthetic_data(args: argparse.Namespace, rng: random.Random, seeds: Seeds) -> tuple:
    """Synthetic watchlist entries, candidates and planted pairs at the requested size."""
    entries, latin = synthetic_watchlist(rng, seeds, args.watchlist)
    births = {e.source_id: e.birth_dates[0] for e in entries}
    candidates, planted = synthetic_roster(rng, seeds, latin, births, args.candidates)
    return entries, candidates, planted


def synthetic_rows(args: argparse.Namespace, rng: random.Random, seeds: Seeds) -> list[tuple]:
    """Table rows for the synthetic roster and watchlist: our times and the baselines'."""
    entries, candidates, planted = synthetic_data(args, rng, seeds)
    names, owners = listed_names(entries)
    build, screener = timed(lambda: Screener(entries))
    bulk, hits = timed(lambda: screener.screen(candidates))
    found = {(h.candidate_id, h.watchlist_id) for h in hits}
    sample = rng.sample(candidates, min(args.sample, len(candidates)))
    cdist = baseline_pairs(sample, names, owners)[0] * len(candidates) / len(sample)
    few = sample[: max(1, args.sample // 25)]
    loop = baseline_loop(few, names) * len(candidates) / len(few)
    ours_one, base_one = one_name_ms(screener, names, rng.sample(candidates, 200))
    n, w = f"{len(candidates):,}", f"{len(entries):,} entries / {len(names):,} names"
    return [
        (f"build index, {w} (s)", f"{build:.2f}", "-", "-", ""),
        (
            f"screen {n} candidates (s)",
            f"{bulk:.2f}",
            f"{cdist:.1f} (x{len(sample)})",
            f"{loop:.0f} (x{len(few)})",
            "",
        ),
        (
            "build + screen (s)",
            f"{build + bulk:.2f}",
            f"{cdist:.1f}",
            f"{loop:.0f}",
            f"{cdist / (build + bulk):.1f}x / {loop / (build + bulk):.0f}x",
        ),
        (
            "one name, median of 200 (ms)",
            f"{ours_one:.2f}",
            f"{base_one:.2f} (extract)",
            "-",
            f"{base_one / ours_one:.0f}x",
        ),
        ("planted variants found", f"{len(found & planted)}/{len(planted)}", "-", "-", ""),
        ("hits outside planted (namesakes)", f"{len(found - planted)}", "-", "-", ""),
    ]


def dev_rows() -> list[tuple]:
    """Table rows for the labelled development set: time and quality, both methods."""
    entries, candidates, true, hard, _ = dev_set()
    seconds, hits = timed(lambda: Screener(entries).screen(candidates))
    found = {(h.candidate_id, h.watchlist_id) for h in hits}
    names, owners = listed_names(entries)
    base_seconds, base = baseline_pairs(candidates, names, owners)
    return [
        (
            f"dev set {len(candidates):,} x {len(entries)}: build + screen (s)",
            f"{seconds:.3f}",
            f"{base_seconds:.3f}",
            "-",
            "",
        ),
        (
            "dev set recall / precision / hard-neg rate",
            quality(found, true, hard),
            quality(base, true, hard),
            "-",
            "",
        ),
    ]


def print_table(rows: list[tuple]) -> None:
    """One Markdown table: our Screener, the two baselines and the ratio (baseline / ours)."""
    header = ("measure", "Screener", "cdist token_sort_ratio", "loop token_sort_ratio", "ratio")
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    for number, row in enumerate((header, *rows)):
        print("| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(row)) + " |")
        if number == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main(argv: list[str] | None = None) -> int:
    """Parse the options, measure, print the machine, the date and one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--watchlist", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=500, help="candidates the baseline times")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    dev_entries, _, _, _, roster = dev_set()
    rows = synthetic_rows(args, rng, Seeds(dev_entries, roster)) + dev_rows()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC  {platform.platform()}  "
        f"cpu_count={os.cpu_count()}  Python {platform.python_version()}  seed={args.seed}"
    )
    print_table(rows)
    print(
        f"Baselines: names ASCII-folded (anyascii) and rapidfuzz default_process, score >= "
        f"{BASELINE_CUTOFF}, no DOB. cdist uses all cores; both are timed on the (xN) sample "
        "of candidates and extrapolated to the full roster. Screener is single-threaded."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
