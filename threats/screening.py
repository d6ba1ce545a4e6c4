"""Screen badge holders and sightings against watchlist entries: blocked, then scored.

`Screener(entries)` parses every entry name once and indexes its tokens under folded keys,
consonant skeletons and one-deletion variants (typos). `screen` looks each candidate's keys
up, drops forms that share fewer than two name parts, and only then aligns tokens in full
(see `names_agree`). Dates of birth and nationality raise or lower the name score.

Re-screening only what changed:
* new or changed credentials: `screener.screen(changed)`, then replace the hits held for
  those candidate ids;
* new or changed watchlist entries: `Screener(changed_entries).screen(all_candidates)`,
  then replace the hits held for those watchlist ids (drop them for removed entries), and
  build the full screener again for later candidates: building is linear and quick.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from threats.feeds.records import WatchlistEntry
from threats.names import NameForm, NameMatch, Token, compare, fold, name_forms, parse_name

DEFAULT_THRESHOLD = 80.0
NAME_FLOOR = 70.0  # dates and nationality adjust a name match; they never make one
WEAK_ALIAS_BONUS = 3.0
DOB_EQUAL, DOB_SAME_YEAR, DOB_NEAR, DOB_FAR = 8.0, 5.0, -15.0, -40.0
NATIONALITY_EQUAL, NATIONALITY_DIFFERENT = 3.0, -3.0
COMMON_KEY_SHARE = 0.005  # keys on more forms than this share (at least 64) only confirm


@dataclass(frozen=True)
class Candidate:
    """The screened side: a badge holder (credential) or a sighting."""

    id: str
    name: str
    birth_date: str = ""  # ISO "YYYY-MM-DD"; a year or year-month prefix also works
    nationality: str = ""  # ISO 3166 alpha-2


@dataclass(frozen=True)
class Hit:
    """A candidate that looks like a watchlist entry, with the reasons in plain words."""

    candidate_id: str
    watchlist_id: str
    score: float  # 0-100
    explanation: str


class Screener:
    """An index over watchlist entries, built once, that screens candidates in bulk or one by one."""

    def __init__(
        self, entries: Sequence[WatchlistEntry], *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        self.entries = tuple(entries)
        self.threshold = threshold
        self._forms: list[NameForm] = []
        self._owner: list[int] = []
        self._weak: dict[int, tuple[NameForm, ...]] = {}
        for number, entry in enumerate(self.entries):
            forms, weak = _entry_forms(entry)
            self._forms.extend(forms)
            self._owner.extend([number] * len(forms))
            if weak:
                self._weak[number] = weak
        self._keys = [frozenset().union(*_part_keys(f, listed=True)) for f in self._forms]
        self._postings = _postings(self._keys)

    def screen(self, candidates: Sequence[Candidate]) -> list[Hit]:
        """Hits for every candidate, in candidate order and best first within a candidate."""
        return [hit for candidate in candidates for hit in self.screen_one(candidate)]

    def screen_one(self, candidate: Candidate) -> list[Hit]:
        """Hits for one candidate, best first."""
        form = parse_name(candidate.name)
        best: dict[int, tuple[NameMatch, NameForm]] = {}
        for index in self._blocked(form):
            match = compare(form, self._forms[index])
            owner = self._owner[index]
            if (
                match
                and match.score >= NAME_FLOOR
                and (owner not in best or match.score > best[owner][0].score)
            ):
                best[owner] = (match, self._forms[index])
        hits = [self._hit(candidate, form, o, *best[o]) for o in best]
        return sorted((h for h in hits if h.score >= self.threshold), key=lambda h: -h.score)

    def _blocked(self, form: NameForm) -> list[int]:
        """Forms that share index keys with at least two parts of the candidate's name."""
        parts = [frozenset(p) for p in _part_keys(form, listed=False)]
        found: set[int] = set()
        for keys in parts:
            for key in keys:
                found.update(self._postings.get(key, ()))
        return [i for i in found if sum(not k.isdisjoint(self._keys[i]) for k in parts) >= 2]

    def _hit(
        self, candidate: Candidate, form: NameForm, owner: int, match: NameMatch, listed: NameForm
    ) -> Hit:
        entry = self.entries[owner]
        score = match.score
        words = [
            f"name '{form.text}' ~ {listed.label} '{listed.text}' "
            f"({', '.join(match.kinds)}, {match.score:.0f})"
        ]
        weak = next((w for w in self._weak.get(owner, ()) if _weak_agrees(form, w)), None)
        if weak:
            score += WEAK_ALIAS_BONUS
            words.append(f"weak alias '{weak.text}' also agrees")
        for change, text in (
            date_of_birth(candidate.birth_date, entry.birth_dates),
            nationality(candidate.nationality, entry.nationalities),
        ):
            score += change
            if text:
                words.append(text)
        score = max(0.0, min(100.0, score))
        return Hit(candidate.id, entry.source_id, round(score, 1), "; ".join(words))


def date_of_birth(born: str, listed: Iterable[str]) -> tuple[float, str]:
    """Score change and words for a date of birth against the listed ones (ISO prefixes)."""
    listed = tuple(d for d in listed if d)
    if not born or not listed:
        return 0.0, ""
    if born in listed:
        return DOB_EQUAL, f"date of birth equal ({born})"
    if same := next((d for d in listed if born.startswith(d) or d.startswith(born)), None):
        return DOB_SAME_YEAR, f"date of birth {born} within listed {same}"
    days = min(_days_apart(born, d) for d in listed)
    shown = ", ".join(listed)
    if days > 2 * 365.25:
        return DOB_FAR, f"date of birth {born} more than 2 years from listed {shown}"
    return DOB_NEAR, f"date of birth {born} near but not equal to listed {shown}"


def nationality(country: str, listed: Iterable[str]) -> tuple[float, str]:
    """Score change and words for a nationality against the listed ones (ISO alpha-2)."""
    listed = tuple(c.upper() for c in listed if c)
    country = country.upper()
    if not country or not listed:
        return 0.0, ""
    if country in listed:
        return NATIONALITY_EQUAL, f"nationality {country} listed"
    return NATIONALITY_DIFFERENT, f"nationality {country} not listed ({', '.join(listed)})"


def _days_apart(a: str, b: str) -> float:
    """Days between two ISO date prefixes, each read as the span of days it covers."""
    (a0, a1), (b0, b1) = _span(a), _span(b)
    return max(0, b0 - a1, a0 - b1)


def _span(iso: str) -> tuple[int, int]:
    parts = [int(p) for p in iso.split("-")]
    year, month, day = (parts + [0, 0])[:3]
    first = date(year, month or 1, day or 1).toordinal()
    if day:
        return first, first
    if month:
        return first, date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
    return first, date(year, 12, 31).toordinal()


def _entry_forms(entry: WatchlistEntry) -> tuple[list[NameForm], tuple[NameForm, ...]]:
    """Strong name forms (labelled name or alias) and weak ones of one entry."""
    hints = {
        "family_names": (entry.family_name,) if entry.family_name else (),
        "given_names": (entry.given_names,) if entry.given_names else (),
    }
    forms = [
        f if f.text == entry.name else replace(f, label="alias")
        for f in name_forms((entry.name, *entry.aliases), **hints)
    ]
    return forms, name_forms(entry.weak_aliases, label="weak alias", **hints)


def _weak_agrees(candidate: NameForm, weak: NameForm) -> bool:
    """Every word of the weak alias appears in the candidate's name."""
    keys = {t.key for t in candidate.tokens}
    return all(t.key in keys for t in weak.tokens)


def _token_keys(token: Token, listed: bool) -> set[str]:
    """Index keys of one word: folded key, skeleton, one-deletion variants, initial clues."""
    text, key = token.text, token.key
    if len(text) == 1:
        return {("e:" if listed else "c:") + text}
    keys = {"k:" + key}
    if not listed:
        keys.add("e:" + text[0])  # may meet an initial on the list
    elif token.role != "family":
        keys.add("c:" + text[0])  # may meet the candidate's initial
    if len(token.skeleton) >= 3:
        keys.add("s:" + token.skeleton)
    for word in {text, key} if len(text) >= 4 else ():  # one edit away shares a deletion
        keys.add("k:" + word)
        keys.update("k:" + word[:i] + word[i + 1 :] for i in range(len(word)))
    if key[:2] in ("al", "el") and len(key) > 5:
        keys.add("k:" + key[2:])
    return keys


def _part_keys(form: NameForm, listed: bool) -> list[set[str]]:
    """Index keys per word, with pairs of words (two common words are a rare pair) and syllables."""
    toks = form.tokens
    parts = [_token_keys(t, listed) for t in toks]
    for i, j in ((i, j) for i in range(len(toks)) for j in range(len(toks)) if i != j):
        a, b = toks[i], toks[j]
        if len(a.text) == 1:
            continue
        pair = {"b:" + b.text} if len(b.text) == 1 else set()
        if len(b.text) > 1 and (not listed or b.role != "family"):
            pair.add("b:" + b.text[0])
        if len(b.text) > 1 and i < j:
            pair.add("b:" + min(a.key, b.key) + "|" + max(a.key, b.key))
        pair = {k if "|" in k else f"{k[:2]}{a.key}|{k[2:]}" for k in pair}
        parts[i] |= pair
        parts[j] |= pair
    for i in range(len(toks) - 1):
        joined = "k:" + fold(toks[i].text + toks[i + 1].text)
        parts[i].add(joined)
        parts[i + 1].add(joined)
    return parts


def _postings(form_keys: list[frozenset[str]]) -> dict[str, tuple[int, ...]]:
    """Key -> forms, leaving out keys so common that they would only confirm, never find."""
    postings: dict[str, list[int]] = defaultdict(list)
    for index, keys in enumerate(form_keys):
        for key in keys:
            postings[key].append(index)
    limit = max(64, int(COMMON_KEY_SHARE * len(form_keys)))
    return {
        k: tuple(v) for k, v in postings.items() if len(v) <= limit * (4 if k[0] == "b" else 1)
    }
