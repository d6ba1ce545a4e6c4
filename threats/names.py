"""Person-name normalisation for watchlist screening: any script in, comparable Latin keys out.

A name becomes ASCII words (hanzi through pypinyin, other scripts through anyascii), then
tokens with roles (given, middle, family). Each token carries a `key` with common
transliteration variants folded by a few orthographic rules, and a consonant `skeleton`
that survives vowel spelling differences (Muhammad / Mohamed, Hisham / Hesham).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from anyascii import anyascii
from pypinyin import lazy_pinyin
from rapidfuzz.distance import OSA

_HANZI = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")
_ARABIC_ARTICLE = "\u0627\u0644"  # ال, written joined to the noun
# Hyphen-joined Arabic article, also sun-letter assimilated forms (ad-, ar-, as-, ash-, er-, es-...)
_ARTICLE_HYPHEN = re.compile(r"\b[aeu](?:l|[dnrstz]h?)-(?=\w)", re.IGNORECASE)
_MARKS = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4]")  # Wade-Giles, ayn, soft sign
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovna|evna|ichna|ich|ogli|oglu|kizi|uli)$")
_ARTICLES = {"al", "el", "ul"}
_CONNECTORS = {"bin", "ibn", "bint"}  # "son/daughter of": the next name is the father's
_ABD = re.compile(r"^abd(?:[aeiou]l|[aeiou]([dnrstz])(?=\1)|[aeiou]r|[aeiou]s)?")
_KUNYA = {"abu", "abou", "abo", "umm"}  # "father/mother of X" is one name, not a given name

# Orthographic rewrite rules, in order. Each folds spellings that different romanisation
# systems (or ASCII-only keyboards) produce for one sound, so both sides land on one key.
_RULES = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"^hs", "x"),  # Wade-Giles hs- is pinyin x- (Hsiu / Xiu)
        (r"t?sch", "sh"),  # German sch / tsch
        (r"sz", "sh"),  # Polish sz
        (r"cz|tch", "ch"),  # Polish cz, French tch
        (r"dzh|dj", "j"),  # Russian/French renderings of English j (Dzhamil / Djamil / Jamil)
        (r"kh", "h"),  # Russian x and Arabic kh are written kh or h
        (r"ck|q", "k"),  # q for Arabic qaf is often written k (Qarmidi / Karmidi)
        (r"ph", "f"),
        (r"x+", "ks"),  # Aleksandr / Alexander
        (r"w", "v"),  # German/Polish w is v (Testarowa / Testarova, Jaroslaw / Yaroslav)
        (r"tz", "ts"),
        (r"ae", "a"),  # German umlauts typed without diacritics: ae, oe, ue
        (r"oe", "o"),
        (r"(?<![jqxy])ue", "u"),  # but not pinyin jue/que/xue/yue
        (r"^ye", "e"),  # Cyrillic initial E: Yevgeniy / Evgeniy
        (r"(?<=[bcdfghklmnprstvz])yo", "e"),  # Cyrillic yo is often written e (Fyodor / Fedor)
        (r"y", "i"),  # y and i are one glide in romanised names (Evgeny / Evgenii, Zyad / Ziyad)
        (r"ou|oo", "u"),  # French/English u (Youssef / Yusuf)
        (r"ee", "i"),  # English i (Kareem / Karim)
        (r"(.)\1+", r"\1"),  # doubled letters (Hassan / Hasan, Muhammad / Muhamad)
    )
)


@dataclass(frozen=True)
class Token:
    """One word of a name: its ASCII text, folded key, consonant skeleton and role."""

    text: str  # lower-case ASCII, as written after transliteration
    key: str
    skeleton: str
    role: str = "given"  # "given", "middle" or "family"


@dataclass(frozen=True)
class NameForm:
    """One written form of a person's name, ready to compare token by token."""

    text: str  # as the source wrote it
    tokens: tuple[Token, ...]
    latin: bool  # written in Latin script (with or without diacritics)
    ascii: bool  # written in plain ASCII: no diacritics to fold
    label: str = "name"  # "name", "alias" or "weak alias"; candidates are "name"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tokens)


def normalise(text: str) -> str:
    """Casefolded ASCII words of a name, given names first when written 'FAMILY, Given'."""
    return " ".join(w.text for w in _words(text))


_Hints = tuple[frozenset[str], frozenset[str]]  # keys of the family and of the given names


def tokens(text: str) -> tuple[str, ...]:
    """The folded comparison keys of a name: articles dropped, compounds joined, variants folded."""
    return parse_name(text).keys


def name_forms(
    names: Iterable[str],
    *,
    family_names: Iterable[str] = (),
    given_names: Iterable[str] = (),
    label: str = "name",
) -> tuple[NameForm, ...]:
    """Every comparable form of a person's names; hanzi names also as family + joined given.

    The family and given names, when a source separates them, say which words are which.
    """
    hints = (_hint(family_names), _hint(given_names))
    forms: dict[tuple[str, ...], NameForm] = {}
    for text in names:
        form = parse_name(text, hints, label)
        forms.setdefault(tuple(t.text for t in form.tokens), form)
        if _HANZI.search(text) and len(form.tokens) > 2:
            joined = _join_given(form)
            forms.setdefault(tuple(t.text for t in joined.tokens), joined)
    return tuple(f for f in forms.values() if f.tokens)


def parse_name(
    text: str, hints: _Hints = (frozenset(), frozenset()), label: str = "name"
) -> NameForm:
    """Tokens of one written name, with roles from the hints or from the way it is written."""
    words = _compound(_words(text))
    roles = _roles(words, hints, bool(_HANZI.search(text)))
    toks = tuple(
        Token(w.text, fold(w.text), skeleton(w.text), r) for w, r in zip(words, roles, strict=True)
    )
    latin = all(_is_latin(c) for c in text if c.isalpha())
    return NameForm(text, toks, latin, text.isascii(), label)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """The word with transliteration variants folded by the rewrite rules."""
    for pattern, repl in _RULES:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """First sound and consonants of the folded word: vowels vary most across romanisations."""
    key = fold(word)
    if not key:
        return ""
    head = "a" if key[0] in "aeiou" else key[0]
    return head + re.sub(r"[aeiou]+", "", key[1:])


@dataclass(frozen=True)
class _Word:
    text: str  # lower-case ASCII
    capitals: bool = False  # written in capitals among mixed-case words: a family-name clue
    family: bool = False  # before the comma of "FAMILY, Given"
    pinyin: bool = False  # a syllable read from hanzi: never an Arabic article or connector


def _words(text: str) -> list[_Word]:
    """ASCII words in given-first order, marking the ones the writing says are the family name."""
    text = unicodedata.normalize("NFKC", text).strip()
    family_part = ""
    if text.count(",") == 1:
        family_part, text = (part.strip() for part in text.split(","))
    words = [_Word(w, caps, False, py) for raw in text.split() for w, caps, py in _split(raw)]
    words += [
        _Word(w, caps, True, py) for raw in family_part.split() for w, caps, py in _split(raw)
    ]
    if all(w.capitals for w in words):  # all capitals say nothing about the family name
        words = [replace(w, capitals=False) for w in words]
    return words


def _split(raw: str) -> list[tuple[str, bool, bool]]:
    """ASCII words of one whitespace-separated piece: (word, written in capitals, from hanzi)."""
    capitals = sum(c.isalpha() for c in raw) > 1 and raw.isupper()
    words = []
    for number, part in enumerate(_HANZI.split(raw)):
        if number % 2:
            words += [(syllable, False, True) for syllable in lazy_pinyin(part)]
            continue
        part = _ARTICLE_HYPHEN.sub("al ", _ARABIC_WORD.sub(_arabic_word, part))
        ascii_text = _MARKS.sub("", anyascii(part)).casefold()
        words += [(w, capitals, False) for w in _NON_WORD.split(ascii_text) if w]
    return words


def _arabic_word(match: re.Match[str]) -> str:
    """Arabic script: the joined article split off; initial ayn or hamza read as a vowel."""
    word, article = match.group(), ""
    if word.startswith(_ARABIC_ARTICLE) and len(word) > 3:
        word, article = word[2:], "al "
    return article + re.sub(r"^[`']", "a", anyascii(word))


def _compound(words: list[_Word]) -> list[_Word]:
    """Drop articles and connectors; join abd + name and abu + name into one word."""
    out: list[_Word] = []
    pending = ""
    for i, word in enumerate(words):
        text, last = word.text, i == len(words) - 1
        if word.pinyin or last:
            pass
        elif text in _ARTICLES or (text in _CONNECTORS and out):
            continue
        elif text in _KUNYA or _ABD.fullmatch(text):
            pending += "abd" if _ABD.fullmatch(text) else text
            continue
        text, pending = pending + text, ""
        if text.startswith("abd") and len(text) > 5:
            text = _ABD.sub("abd", text)
        out.append(replace(word, text=text))
    return out


def _hint(names: Iterable[str]) -> frozenset[str]:
    return frozenset(t.key for n in names for t in parse_name(n).tokens)


def _roles(words: list[_Word], hints: _Hints, hanzi: bool) -> list[str]:
    """Given, middle or family for each word, from the strongest clue the name offers."""
    n = len(words)
    fam = _family_positions(words, hints[0], hanzi)
    named = [i for i, w in enumerate(words) if fold(w.text) in hints[1] and i not in fam]
    roles: list[str] = []
    for i, word in enumerate(words):
        if i in fam and len(fam) < n:
            roles.append("family")
        elif named and i not in named[:1] and not hanzi:
            roles.append("middle")
        elif "given" not in roles or (hanzi and roles[-1:] == ["given"]) or i in named[:1]:
            roles.append("given" if not _PATRONYMIC.search(word.text) or hanzi else "middle")
        else:
            roles.append("middle")
    return roles


def _family_positions(words: list[_Word], family: frozenset[str], hanzi: bool) -> set[int]:
    n = len(words)
    hinted = {i for i, w in enumerate(words) if fold(w.text) in family}
    if hinted and len(hinted) < n:
        return hinted
    if any(w.family for w in words):
        return {i for i, w in enumerate(words) if w.family}
    if hanzi:
        return {0}
    if any(w.capitals for w in words):
        return {i for i, w in enumerate(words) if w.capitals}
    if n >= 3 and _PATRONYMIC.search(words[-1].text) and not _PATRONYMIC.search(words[0].text):
        return {0}  # Russian official order: family, given, patronymic
    return {n - 1}


def _join_given(form: NameForm) -> NameForm:
    """A hanzi name with its given-name syllables written as one word (zi xuan -> zixuan)."""
    family = [t for t in form.tokens if t.role == "family"]
    given = "".join(t.text for t in form.tokens if t.role != "family")
    joined = (*family, Token(given, fold(given), skeleton(given), "given"))
    return NameForm(form.text, joined, form.latin, form.ascii, form.label)


def _is_latin(char: str) -> bool:
    return char.isascii() or "LATIN" in unicodedata.name(char, "")


MIN_TOKEN_SIMILARITY = 0.8  # one edit in five letters; below that two names are different words
_KIND_WORDS = {
    "spelling": "transliteration",
    "skeleton": "transliteration",
    "article": "transliteration",
    "typo": "typo",
    "initial": "initial",
    "syllables": "syllable split",
}


@dataclass(frozen=True)
class NameMatch:
    """How a candidate's name lines up with one listed form: a 0-100 score and what differed."""

    score: float
    kinds: tuple[str, ...]  # e.g. ("transliteration", "missing middle"); ("exact",) if none


@lru_cache(maxsize=262144)
def token_similarity(a: str, b: str) -> tuple[float, str]:
    """0-1 agreement of two ASCII words and why: exact, spelling, article, skeleton, typo, initial."""
    if a == b:
        return 1.0, "exact"
    if len(a) == 1 or len(b) == 1:
        initial = len(a) != len(b) and a[0] == b[0]
        return (0.9, "initial") if initial else (0.0, "")
    ka, kb = fold(a), fold(b)
    if ka == kb:
        return 0.97, "spelling"
    if (
        len(ka) > 5
        and ka[:2] in ("al", "el")
        and ka[2:] == kb
        or (len(kb) > 5 and kb[:2] in ("al", "el") and kb[2:] == ka)
    ):
        return 0.95, "article"  # al- written joined: Almithali / al-Mithali
    if skeleton(a) == skeleton(b) and len(skeleton(a)) >= 3:
        return 0.88, "skeleton"  # vowels differ only: Hisham / Hesham, Idris / Edris
    ratio = max(OSA.normalized_similarity(ka, kb), OSA.normalized_similarity(a, b))
    return (min(ratio, 0.95), "typo") if ratio >= MIN_TOKEN_SIMILARITY else (0.0, "")


def compare(candidate: NameForm, listed: NameForm) -> NameMatch | None:
    """The agreement of two names, or None when they cannot name one person.

    At least two parts must agree, including the listed family name (not by an initial) and
    a listed given name (an initial will do): same family, different given name is refused.
    """
    units = _best_units(_units(candidate, listed))
    if len(units) < 2:
        return None
    c_used = {i for u in units for i in u[1]}
    e_used = {j for u in units for j in u[2]}
    roles = [t.role for t in listed.tokens]
    full_family = any(roles[j] == "family" and u[3] != "initial" for u in units for j in u[2])
    if "family" in roles and not full_family:
        return None
    if "given" in roles and not any(roles[j] == "given" for j in e_used):
        return None
    missing = [j for j in range(len(roles)) if j not in e_used]
    extra = [i for i in range(len(candidate.tokens)) if i not in c_used]
    weight = len(units) + sum(_missing_weight(listed, j, e_used) for j in missing)
    weight += sum(0.25 if len(candidate.tokens[i].text) == 1 else 0.75 for i in extra)
    score = 100 * sum(u[0] for u in units) / weight
    return NameMatch(round(score, 1), _kinds(candidate, listed, units, missing, extra))


_Unit = tuple[float, tuple[int, ...], tuple[int, ...], str]  # similarity, candidate, listed, kind


def _units(candidate: NameForm, listed: NameForm) -> list[_Unit]:
    """Every token pair that agrees, plus two adjacent syllables on one side against one word."""
    units: list[_Unit] = []
    for i, a in enumerate(candidate.tokens):
        for j, b in enumerate(listed.tokens):
            sim, kind = token_similarity(a.text, b.text)
            if sim and not (kind == "initial" and b.role == "family" and len(a.text) == 1):
                units.append((sim, (i,), (j,), kind))
    for side, (one, other) in enumerate(((candidate, listed), (listed, candidate))):
        for i in range(len(one.tokens) - 1):
            joined = fold(one.tokens[i].text + one.tokens[i + 1].text)
            for j, token in enumerate(other.tokens):
                if token.key == joined and len(token.text) > 1:
                    pair = ((i, i + 1), (j,)) if side == 0 else ((j,), (i, i + 1))
                    units.append((0.97, *pair, "syllables"))
    return units


def _best_units(units: list[_Unit]) -> list[_Unit]:
    """Greedy one-to-one choice, strongest agreement first, nearer positions on ties."""
    chosen, c_used, e_used = [], set(), set()
    for unit in sorted(
        units, key=lambda u: (-u[0], -len(u[1]) - len(u[2]), abs(u[1][0] - u[2][0]))
    ):
        if c_used.isdisjoint(unit[1]) and e_used.isdisjoint(unit[2]):
            chosen.append(unit)
            c_used.update(unit[1])
            e_used.update(unit[2])
    return chosen


def _missing_weight(listed: NameForm, j: int, used: set[int]) -> float:
    """Middle names, patronymics and initials are often left out; given and family names are not."""
    token = listed.tokens[j]
    if token.role == "middle" or len(token.text) == 1:
        return 0.25
    if token.role == "family" and any(listed.tokens[k].role == "family" for k in used):
        return 0.5  # one of two family names (Spanish usage writes the first alone)
    return 1.0


def _kinds(
    candidate: NameForm, listed: NameForm, units: list[_Unit], missing: list[int], extra: list[int]
) -> tuple[str, ...]:
    kinds = {_KIND_WORDS[u[3]] for u in units if u[3] in _KIND_WORDS}
    if candidate.latin != listed.latin:
        kinds.add("transliteration")
    elif candidate.ascii != listed.ascii:
        kinds.add("diacritics")
    order = [u[2][0] for u in sorted(units, key=lambda u: u[1][0])]
    if order != sorted(order):
        kinds.add("order swapped")
    if any(listed.tokens[j].role == "middle" for j in missing):
        kinds.add("missing middle")
    if len(missing) > sum(listed.tokens[j].role == "middle" for j in missing):
        kinds.add("missing name part")
    if extra:
        kinds.add("extra name part")
    order_of = list(_KIND_WORDS.values()) + ["diacritics", "order swapped", "missing middle"]
    return tuple(sorted(kinds, key=lambda k: (order_of + [k]).index(k))) or ("exact",)
