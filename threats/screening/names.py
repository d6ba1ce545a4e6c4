"""Person names for watchlist screening: any script in, comparable Latin tokens out.

A name becomes ASCII words (hanzi through pypinyin, other scripts through anyascii), then
tokens with roles (given, middle, family). Each token carries a `key` with common
transliteration variants folded by a few orthographic rules, and a consonant `skeleton`
that survives vowel spelling differences (Muhammad / Mohamed, Hisham / Hesham).
`index_keys` gives the blocking keys the screener indexes names under.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from anyascii import anyascii
from pypinyin import Style, lazy_pinyin, pinyin

_HANZI = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")
_ARABIC_ARTICLE = "\u0627\u0644"  # al-, written joined to the noun
# Hyphen-joined Arabic article, also sun-letter assimilated (ad-, ar-, as-, ash-, er-, es-...)
_ARTICLE_HYPHEN = re.compile(r"\b[aeu](?:l|[dnrstz]h?)-(?=\w)", re.IGNORECASE)
_MARKS = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4]")  # Wade-Giles, ayn, soft sign
_NON_WORD = re.compile(r"[^0-9a-z]+")
PATRONYMIC = re.compile(r"(?:ovich|evich|ovna|evna|ichna|ich|ogli|oglu|kizi|uli)$")
_ARTICLES = {"al", "el", "ul"}
_CONNECTORS = {"bin", "ibn", "bint"}  # "son/daughter of": the next name is the father's
_ABD = re.compile(
    r"^abd(?:[aeiou]{1,2}l|[aeiou]([dnrstz])(?=\1)|[aeiou][rs])?"
)  # abdul, abdur-r...
_KUNYA = {"abu", "abou", "abo", "umm"}  # "father/mother of X" is one name, not a given name
DOUBLED = re.compile(r"(.)\1+")
_CACHE = 1 << 18

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
        (r"ck|q", "k"),  # q for Arabic qaf is often written k (Qasim / Kasim)
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
        (r"ou|oo", "u"),  # French/English u (Mahmoud / Mahmud)
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
    ascii: bool  # plain ASCII: no diacritics to fold
    label: str = "name"  # "name", "alias" or "weak alias"; a candidate's is "name"


_Hints = tuple[frozenset[str], frozenset[str]]  # keys of the family and of the given names


def normalise(text: str) -> str:
    """Casefolded ASCII words of a name, given names first when written 'FAMILY, Given'."""
    return " ".join(w.text for w in _words(text))


@lru_cache(maxsize=_CACHE)
def tokens(text: str) -> tuple[str, ...]:
    """Folded comparison keys of a name: articles dropped, compounds joined, variants folded."""
    return tuple(t.key for t in parse_name(text).tokens)


def name_forms(
    names: Iterable[str],
    *,
    family_names: Iterable[str] = (),
    given_names: Iterable[str] = (),
    label: str = "name",
) -> tuple[NameForm, ...]:
    """Every comparable form of a person's names; hanzi also as joined given and Wade-Giles.

    The family and given names, when a source separates them, say which words are which.
    """
    hints = (_hint(family_names), _hint(given_names))
    forms: dict[tuple[str, ...], NameForm] = {}
    for text in names:
        form = parse_name(text, hints, label)
        # other spellings of a hanzi name only with the given name joined: a candidate's
        # split syllables are joined when compared
        variants = [form] + [_join_given(_respelt(form, s)) for s in _hanzi_spellings(text)]
        for variant in variants:
            forms.setdefault(tuple(t.text for t in variant.tokens), variant)
    return tuple(f for f in forms.values() if f.tokens)


def parse_name(
    text: str, hints: _Hints = (frozenset(), frozenset()), label: str = "name"
) -> NameForm:
    """Tokens of one written name, with roles from the hints or from the way it is written."""
    words = _compound(_words(text))
    roles = _roles(words, hints, bool(_HANZI.search(text)))
    toks = tuple(_token(w.text, r) for w, r in zip(words, roles, strict=True))
    latin = all(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in text if c.isalpha())
    return NameForm(text, toks, latin, text.isascii(), label)


@lru_cache(maxsize=_CACHE)
def fold(word: str) -> str:
    """The word with transliteration variants folded by the rewrite rules."""
    for pattern, repl in _RULES:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=_CACHE)
def skeleton(word: str) -> str:
    """First sound and consonants of the folded word: vowels vary most across romanisations."""
    key = fold(word)
    head = "a" if key[:1] in "aeiou" else key[0]
    return head + re.sub(r"[aeiou]+", "", key[1:]) if key else ""


@lru_cache(maxsize=_CACHE)
def _token(text: str, role: str) -> Token:
    return Token(text, fold(text), skeleton(text), role)


@dataclass(frozen=True)
class _Word:
    text: str  # lower-case ASCII
    capitals: bool = False  # written in capitals among mixed-case words: a family-name clue
    family: bool = False  # before the comma of "FAMILY, Given"
    pinyin: bool = False  # a syllable read from hanzi: never an Arabic article or connector


def _words(text: str) -> list[_Word]:
    """ASCII words in given-first order, marking the ones the writing says are the family name."""
    text = unicodedata.normalize("NFKC", text).strip()
    family = ""
    if text.count(",") == 1:
        family, text = (part.strip() for part in text.split(","))
    words = [_Word(w, caps, False, py) for raw in text.split() for w, caps, py in _split(raw)]
    words += [_Word(w, caps, True, py) for raw in family.split() for w, caps, py in _split(raw)]
    if all(w.capitals for w in words):  # all capitals say nothing about the family name
        words = [replace(w, capitals=False) for w in words]
    return words


@lru_cache(maxsize=_CACHE)
def _split(raw: str) -> tuple[tuple[str, bool, bool], ...]:
    """ASCII words of one whitespace-separated piece: (word, written in capitals, from hanzi)."""
    capitals = sum(c.isalpha() for c in raw) > 1 and raw.isupper()
    words: list[tuple[str, bool, bool]] = []
    for number, part in enumerate(_HANZI.split(raw)):
        if number % 2:
            words += [(anyascii(s), False, True) for s in lazy_pinyin(part, v_to_u=True)]
            continue
        part = _ARTICLE_HYPHEN.sub("al ", _ARABIC_WORD.sub(_arabic_word, part))
        ascii_text = _MARKS.sub("", anyascii(part)).casefold()
        words += [(w, capitals, False) for w in _NON_WORD.split(ascii_text) if w]
    return tuple(words)


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
        text = word.text
        if not word.pinyin and i < len(words) - 1:
            if text in _ARTICLES or (text in _CONNECTORS and out):
                continue
            if text in _KUNYA or _ABD.fullmatch(text):
                pending += "abd" if _ABD.fullmatch(text) else text
                continue
        text, pending = pending + text, ""
        if text.startswith("abd") and len(text) > 5:
            text = _ABD.sub("abd", text)
        out.append(word if text == word.text else replace(word, text=text))
    return out


def _hint(names: Iterable[str]) -> frozenset[str]:
    return frozenset(k for n in names for k in tokens(n))


def _roles(words: list[_Word], hints: _Hints, hanzi: bool) -> list[str]:
    """Given, middle or family for each word, from the strongest clue the name offers."""
    family = _family_positions(words, hints[0], hanzi)
    named = [i for i, w in enumerate(words) if fold(w.text) in hints[1] and i not in family]
    roles: list[str] = []
    for i, word in enumerate(words):
        if i in family and len(family) < len(words):
            roles.append("family")
        elif hanzi or i in named[:1] or ("given" not in roles and not named):
            roles.append("middle" if PATRONYMIC.search(word.text) and not hanzi else "given")
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
    if n >= 3 and PATRONYMIC.search(words[-1].text) and not PATRONYMIC.search(words[0].text):
        return {0}  # Russian official order: family, given, patronymic
    return {n - 1}


def _join_given(form: NameForm) -> NameForm:
    """A hanzi name with its given-name syllables written as one word (zi xuan -> zixuan)."""
    if len(form.tokens) < 3:
        return form
    family = [t for t in form.tokens if t.role == "family"]
    given = _token("".join(t.text for t in form.tokens if t.role != "family"), "given")
    return replace(form, tokens=(*family, given))


def _hanzi_spellings(text: str) -> list[list[str]]:
    """Syllables of an all-hanzi name in pinyin and in Wade-Giles, once for each reading of
    its first (family) character: pypinyin reads 曾 as ceng, the surname is Zeng."""
    chars = "".join(text.split())
    if not _HANZI.fullmatch(chars):
        return []
    spellings = []
    for style in (Style.NORMAL, Style.WADEGILES):
        rest = lazy_pinyin(chars[1:], style=style, v_to_u=True)
        for first in pinyin(chars[0], style=style, heteronym=True, v_to_u=True)[0][:3]:
            spellings.append([_MARKS.sub("", anyascii(s)).casefold() for s in (first, *rest)])
    return spellings


def _respelt(form: NameForm, syllables: list[str]) -> NameForm:
    if len(syllables) != len(form.tokens) or len(syllables) < 2:
        return form
    pairs = zip(syllables, form.tokens, strict=True)
    return replace(form, tokens=tuple(_token(s, t.role) for s, t in pairs))


def index_keys(form: NameForm, *, listed: bool) -> list[set[str]]:
    """Blocking keys per word: its own, pairs of words (two common words make a rare pair)
    and syllables joined with the next word. Listed and screened sides differ only in how
    initials meet full words."""
    toks = form.tokens
    parts = [set(_word_keys(t, listed)) for t in toks]
    for i, a in enumerate(toks):
        for j, b in enumerate(toks):
            if i == j or len(a.text) == 1:
                continue
            pair = {f"b:{a.key}|{b.text}"} if len(b.text) == 1 else set()
            if len(b.text) > 1 and (not listed or b.role != "family"):
                pair.add(f"b:{a.key}|{b.text[0]}")  # may meet an initial on the other side
            if len(b.text) > 1 and i < j:
                pair.add(f"b:{min(a.key, b.key)}|{max(a.key, b.key)}")
            parts[i] |= pair
            parts[j] |= pair
    for i in range(len(toks) - 1):
        joined = "k:" + fold(toks[i].text + toks[i + 1].text)
        parts[i].add(joined)
        parts[i + 1].add(joined)
    return parts


@lru_cache(maxsize=_CACHE)
def _word_keys(token: Token, listed: bool) -> frozenset[str]:
    """Keys of one word: folded key, skeleton, one-deletion variants, initial clues."""
    text, key = token.text, token.key
    if len(text) == 1:
        return frozenset({("e:" if listed else "c:") + text})
    keys = {"k:" + key}
    if not listed:
        keys.add("e:" + text[0])  # may meet an initial on the list
    elif token.role != "family":
        keys.add("c:" + text[0])  # may meet the candidate's initial
    if len(token.skeleton) >= 3:
        keys.add("s:" + token.skeleton)
    for word in {text, key} if len(text) >= 4 else ():  # one edit apart share a deletion
        keys.add("d:" + word)
        keys.update("d:" + word[:i] + word[i + 1 :] for i in range(len(word)))
    if key[:2] in ("al", "el") and len(key) > 5:
        keys.add("k:" + key[2:])
    return frozenset(keys)
