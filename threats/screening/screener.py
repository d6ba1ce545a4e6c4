"""Screen badge holders and sightings against watchlist entries: blocked first, then scored.

`Screener(entries)` parses every entry's names once and indexes their words under folded
keys, skeletons, one-deletion variants and word pairs (`names.index_keys`). A candidate
is compared in full (`compare`) only with the forms that share keys with at least two
parts of its name. Dates of birth and nationality then raise or lower the name score.

Re-screening only what changed:
* new or changed credentials: `screener.screen(changed)`, then replace the hits held for
  those candidate ids;
* new or changed watchlist entries: `Screener(changed_entries).screen(all_candidates)`,
  then replace the hits held for those watchlist ids (and drop a removed entry's hits);
  build the full `Screener` again for later candidates (building is linear and quick).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from rapidfuzz.distance import OSA

from threats.feeds.records import WatchlistEntry
from threats.screening.names import (
    DOUBLED,
    PATRONYMIC,
    NameForm,
    fold,
    index_keys,
    name_forms,
    parse_name,
    skeleton,
)

DEFAULT_THRESHOLD = 80.0
NAME_FLOOR = 70.0  # dates and nationality adjust a name match; they never make one
DOB_EQUAL, DOB_SAME_YEAR, DOB_NEAR, DOB_FAR = 8.0, 5.0, -15.0, -40.0
NATIONALITY_EQUAL, NATIONALITY_DIFFERENT = 3.0, -3.0
WEAK_ALIAS_SHARE = 0.9  # a weak alias counts only joined to the listed family name, and less
COMMON_KEY_SHARE = 0.005  # keys on more forms than this (and 64) only confirm, never find
KINDS = {"spelling": "transliteration", "skeleton": "transliteration"}
KINDS |= {"article": "transliteration", "syllables": "syllable split", "doubled": "spelling"}


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


@dataclass(frozen=True)
class NameMatch:
    """How a candidate's name lines up with one listed form: a 0-100 score and what differed."""

    score: float
    kinds: tuple[str, ...]  # e.g. ("transliteration", "missing middle"); ("exact",) if none


class Screener:
    """An index over watchlist entries, built once, that screens candidates in bulk or singly."""

    def __init__(
        self, entries: Sequence[WatchlistEntry], *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        self.entries = tuple(entries)
        self.threshold = threshold
        self._forms: list[NameForm] = []
        self._owner: list[int] = []
        for number, entry in enumerate(self.entries):
            forms = _entry_forms(entry)
            self._forms += forms
            self._owner += [number] * len(forms)
        self._keys = [frozenset().union(*index_keys(f, listed=True)) for f in self._forms]
        self._postings = _postings(self._keys)
        self._common = {k for keys in self._keys for k in keys if k not in self._postings}

    def screen(self, candidates: Sequence[Candidate]) -> list[Hit]:
        """Hits for every candidate, in candidate order and best first within a candidate."""
        return [hit for candidate in candidates for hit in self.screen_one(candidate)]

    def screen_one(self, candidate: Candidate) -> list[Hit]:
        """Hits for one candidate, best first."""
        form = parse_name(candidate.name)
        best: dict[int, tuple[NameMatch, NameForm]] = {}
        for index in self._blocked(form):
            match, owner = compare(form, self._forms[index]), self._owner[index]
            kept = best.get(owner)
            if match and match.score >= NAME_FLOOR and (not kept or match.score > kept[0].score):
                best[owner] = (match, self._forms[index])
        hits = [self._hit(candidate, form, owner, *found) for owner, found in best.items()]
        return sorted((h for h in hits if h.score >= self.threshold), key=lambda h: -h.score)

    def _blocked(self, form: NameForm) -> list[int]:
        """Forms whose keys meet at least two parts of the candidate's name.

        A part reaches forms through its rare keys; a form reached by one part only may
        still meet another part through a common key, which is checked on that form alone.
        """
        reached: dict[int, int] = {}
        common: list[tuple[int, list[str]]] = []
        for bit, part in enumerate(index_keys(form, listed=False)):
            found: set[int] = set()
            for key in part:
                if (posting := self._postings.get(key)) is not None:
                    found.update(posting)
            for index in found:
                reached[index] = reached.get(index, 0) | 1 << bit
            if shared := [k for k in part if k in self._common]:
                common.append((1 << bit, shared))
        return [
            index
            for index, bits in reached.items()
            if bits & (bits - 1)
            or any(b != bits and not self._keys[index].isdisjoint(ks) for b, ks in common)
        ]

    def _hit(
        self, candidate: Candidate, form: NameForm, owner: int, match: NameMatch, listed: NameForm
    ) -> Hit:
        entry = self.entries[owner]
        kinds = ", ".join(match.kinds)
        words = [
            f"name '{form.text}' ~ {listed.label} '{listed.text}' ({kinds}, {match.score:.0f})"
        ]
        score = match.score
        for change, text in (
            date_of_birth(candidate.birth_date, entry.birth_dates),
            nationality(candidate.nationality, entry.nationalities),
        ):
            score += change
            words += [text] if text else []
        score = max(0.0, min(100.0, score))
        return Hit(candidate.id, entry.source_id, round(score, 1), "; ".join(words))


def compare(candidate: NameForm, listed: NameForm) -> NameMatch | None:
    """The agreement of two names, or None when they cannot name one person.

    At least two parts must agree, among them the listed family name (not by an initial)
    and a listed given name (an initial will do): same family, other given name is refused.
    """
    units = _best_units(_units(candidate, listed))
    roles = [t.role for t in listed.tokens]
    matched = {j: u[3] for u in units for j in u[2]}
    if len(units) < 2:
        return None
    if "family" in roles and not any(
        roles[j] == "family" and k != "initial" for j, k in matched.items()
    ):
        return None
    if "given" in roles and not any(roles[j] == "given" for j in matched):
        return None
    missing = [j for j in range(len(roles)) if j not in matched]
    extra = [i for i in range(len(candidate.tokens)) if all(i not in u[1] for u in units)]
    weight = len(units) + sum(_missing_weight(listed, j, matched) for j in missing)
    weight += sum(_extra_weight(candidate, i) for i in extra)
    score = 100 * sum(u[0] for u in units) / weight
    if listed.label == "weak alias":
        score *= WEAK_ALIAS_SHARE
    return NameMatch(round(score, 1), _kinds(candidate, listed, units, missing, extra))


@lru_cache(maxsize=1 << 18)
def token_similarity(a: str, b: str) -> tuple[float, str]:
    """0-1 agreement of two ASCII words, and how: exact, doubled, spelling, article, skeleton,
    typo or initial."""
    if a == b:
        return 1.0, "exact"
    if len(a) == 1 or len(b) == 1:
        return (0.9, "initial") if len(a) != len(b) and a[0] == b[0] else (0.0, "")
    ka, kb = fold(a), fold(b)
    if ka == kb:
        return 0.97, "doubled" if DOUBLED.sub(r"\1", a) == DOUBLED.sub(r"\1", b) else "spelling"
    for x, y in ((ka, kb), (kb, ka)):
        if len(x) > 5 and x[:2] in ("al", "el") and x[2:] == y:
            return 0.95, "article"  # al- written joined: Almithali / al-Mithali
    if skeleton(a) == skeleton(b) and len(skeleton(a)) >= 3:
        return 0.88, "skeleton"  # vowels differ only: Hisham / Hesham, Idris / Edris
    if a[0] != b[0] and ka[0] != kb[0]:
        return 0.0, ""  # another first letter is another name, not a typo (Marek / Darek)
    # a typo is one edit (two in words of nine letters or more) in words of four or more
    ratio = max((_typo(x, y) for x, y in ((a, b), (ka, kb))), default=0.0)
    return (min(ratio, 0.95), "typo") if ratio >= 0.8 else (0.0, "")


def _typo(x: str, y: str) -> float:
    shorter, longer = sorted((len(x), len(y)))
    distance = OSA.distance(x, y) if shorter >= 4 else longer
    return 1 - distance / longer if distance <= 1 + (shorter >= 9) else 0.0


_Unit = tuple[float, tuple[int, ...], tuple[int, ...], str]  # similarity, candidate, listed, kind


def _units(candidate: NameForm, listed: NameForm) -> list[_Unit]:
    """Every word pair that agrees, and two adjacent syllables on one side against one word."""
    units: list[_Unit] = []
    weak = listed.label == "weak alias"  # a nickname's initial says nothing
    for i, a in enumerate(candidate.tokens):
        for j, b in enumerate(listed.tokens):
            sim, kind = token_similarity(a.text, b.text)
            if sim and not (kind == "initial" and (b.role == "family" or weak)):
                units.append((sim, (i,), (j,), kind))
    for side, (one, other) in enumerate(((candidate, listed), (listed, candidate))):
        for i in range(len(one.tokens) - 1):
            joined = fold(one.tokens[i].text + one.tokens[i + 1].text)
            for j, token in enumerate(other.tokens):
                if token.key == joined:
                    pair = ((i, i + 1), (j,)) if side == 0 else ((j,), (i, i + 1))
                    units.append((0.97, *pair, "syllables"))
    return units


def _best_units(units: list[_Unit]) -> list[_Unit]:
    """A one-to-one choice, strongest agreement first, then more words, then nearer places."""
    chosen, c_used, e_used = [], set(), set()
    for unit in sorted(units, key=lambda u: (-u[0], -len(u[1] + u[2]), abs(u[1][0] - u[2][0]))):
        if c_used.isdisjoint(unit[1]) and e_used.isdisjoint(unit[2]):
            chosen.append(unit)
            c_used.update(unit[1])
            e_used.update(unit[2])
    return chosen


def _missing_weight(listed: NameForm, j: int, matched: dict[int, str]) -> float:
    """Middle names, patronymics and initials are often left out; given and family names not."""
    token = listed.tokens[j]
    if token.role == "middle" or len(token.text) == 1:
        return 0.25
    if token.role == "family" and any(listed.tokens[k].role == "family" for k in matched):
        return 0.5  # one of two family names: Spanish usage often writes the first alone
    return 1.0


def _extra_weight(candidate: NameForm, i: int) -> float:
    """A word the list lacks: an initial or a middle word (patronymic, second name) costs little."""
    middle = 0 < i < len(candidate.tokens) - 1 or len(candidate.tokens[i].text) == 1
    return 0.25 if middle or PATRONYMIC.search(candidate.tokens[i].text) else 0.75


def _kinds(
    candidate: NameForm, listed: NameForm, units: list[_Unit], missing: list[int], extra: list[int]
) -> tuple[str, ...]:
    """What differed between the two names, in plain words."""
    kinds = [KINDS.get(u[3], u[3]) for u in units if u[3] != "exact"]
    if candidate.latin != listed.latin:
        kinds.append("transliteration")
    elif candidate.ascii != listed.ascii:
        kinds.append("diacritics")
    order = [u[2][0] for u in sorted(units, key=lambda u: u[1][0])]
    kinds += ["order swapped"] if order != sorted(order) else []
    roles = [listed.tokens[j].role for j in missing]
    kinds += ["missing middle"] if "middle" in roles else []
    kinds += ["missing name part"] if len(roles) > roles.count("middle") else []
    kinds += ["extra name part"] if extra else []
    return tuple(dict.fromkeys(kinds)) or ("exact",)


def date_of_birth(born: str, listed: Iterable[str]) -> tuple[float, str]:
    """Score change and words for a date of birth against the listed ones (ISO prefixes)."""
    listed = tuple(d for d in listed if d)
    if not born or not listed:
        return 0.0, ""
    if born in listed:
        return DOB_EQUAL, f"date of birth equal ({born})"
    if same := next((d for d in listed if born.startswith(d) or d.startswith(born)), None):
        return DOB_SAME_YEAR, f"date of birth {born} within listed {same}"
    shown = ", ".join(listed)
    try:
        days = min(_days_apart(born, d) for d in listed)
    except ValueError:  # not an ISO date prefix: say so, change nothing
        return 0.0, f"date of birth {born} not comparable with listed {shown}"
    if days > 2 * 365.25:
        return DOB_FAR, f"date of birth {born} more than 2 years from listed {shown}"
    return DOB_NEAR, f"date of birth {born} near but not equal to listed {shown}"


def nationality(country: str, listed: Iterable[str]) -> tuple[float, str]:
    """Score change and words for a nationality against the listed ones (ISO alpha-2)."""
    listed, country = tuple(c.upper() for c in listed if c), country.upper()
    if not country or not listed:
        return 0.0, ""
    if country in listed:
        return NATIONALITY_EQUAL, f"nationality {country} listed"
    return NATIONALITY_DIFFERENT, f"nationality {country} not listed ({', '.join(listed)})"


def _days_apart(a: str, b: str) -> int:
    """Days between two ISO date prefixes, each read as the span of days it covers."""
    (a0, a1), (b0, b1) = _span(a), _span(b)
    return max(0, b0 - a1, a0 - b1)


def _span(iso: str) -> tuple[int, int]:
    year, month, day = ([int(p) for p in iso.split("-", 2)] + [0, 0])[:3]
    first = date(year, month or 1, day or 1).toordinal()
    if day:
        return first, first
    if month:
        return first, date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
    return first, date(year, 12, 31).toordinal()


def _entry_forms(entry: WatchlistEntry) -> list[NameForm]:
    """Name and aliases of one entry, and each weak alias joined to the listed family name:
    a weak alias adds to what the family name supports and never matches alone."""
    hints = {
        "family_names": (entry.family_name,) if entry.family_name else (),
        "given_names": (entry.given_names,) if entry.given_names else (),
    }
    strong = name_forms((entry.name, *entry.aliases), **hints)
    forms = [f if f.text == entry.name else replace(f, label="alias") for f in strong]
    families = {tuple(t for t in f.tokens if t.role == "family") for f in forms} - {()}
    for weak in name_forms(entry.weak_aliases, label="weak alias", **hints):
        if all(t.role != "family" for t in weak.tokens):
            joined = ((f"{weak.text} + {' '.join(t.text for t in f)}", f) for f in families)
            forms += [replace(weak, text=text, tokens=weak.tokens + f) for text, f in joined]
    return forms


def _postings(form_keys: list[frozenset[str]]) -> dict[str, tuple[int, ...]]:
    """Key -> forms, leaving out keys so common that they would only confirm, never find."""
    postings: dict[str, list[int]] = defaultdict(list)
    for index, keys in enumerate(form_keys):
        for key in keys:
            postings[key].append(index)
    limit = max(64, int(COMMON_KEY_SHARE * len(form_keys)))
    # a pair of words says more than one word; a word one edit away says less
    limits = {"b": 4 * limit, "d": limit // 4}
    return {k: tuple(v) for k, v in postings.items() if len(v) <= limits.get(k[0], limit)}
