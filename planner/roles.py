"""The roles people hold on an event (crowd manager, bike team...): a stable code, and a label
per language. Rosters and forms may name a role by its code or by any of its labels; an
unknown name is refused with the nearest known role suggested."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from common.messages import Named

LANGUAGES = ("en", "ar", "es", "fr")
MAX_LABEL_CHARS = 100
SUGGEST_CUTOFF = 60  # rapidfuzz WRatio, 0-100: below this nothing is near enough to offer
ROLE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")

# The roles the Air and Water Show's partners hold, as the first migration seeds them (its
# own copy: a migration does not change when this does).
STANDARD_ROLES: dict[str, dict[str, str]] = {
    "crowd_manager": {
        "en": "Crowd manager",
        "ar": "مدير الحشود",
        "es": "Gestor de multitudes",
        "fr": "Gestionnaire de foule",
    },
    "patrol_officer": {
        "en": "Patrol officer",
        "ar": "ضابط دورية",
        "es": "Agente de patrulla",
        "fr": "Agent de patrouille",
    },
    "sergeant": {"en": "Sergeant", "ar": "رقيب", "es": "Sargento", "fr": "Sergent"},
    "emt": {
        "en": "EMT",
        "ar": "مسعف طوارئ",
        "es": "Técnico de emergencias médicas",
        "fr": "Secouriste (EMT)",
    },
    "bike_team": {
        "en": "Bike team",
        "ar": "فريق الدراجات",
        "es": "Equipo en bicicleta",
        "fr": "Équipe cycliste",
    },
    "marine_unit": {
        "en": "Marine unit",
        "ar": "الوحدة البحرية",
        "es": "Unidad marítima",
        "fr": "Unité nautique",
    },
    "k9": {
        "en": "K-9 unit",
        "ar": "وحدة الكلاب البوليسية",
        "es": "Unidad canina",
        "fr": "Brigade cynophile",
    },
}


def normalise_role(text: str) -> str:
    """'Patrol Officer' and 'patrol-officer' are the same code: patrol_officer."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def is_role_code(code: str) -> bool:
    """Letters, digits and underscores, starting with a letter: what a code may be."""
    return ROLE_PATTERN.fullmatch(code) is not None


def default_label(code: str) -> str:
    """A label for a code no one has labelled yet: bike_team -> Bike team."""
    return code.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Role:
    code: str
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, language: str = "en") -> str:
        """The label in `language`, else in English, else made from the code."""
        return self.labels.get(language) or self.labels.get("en") or default_label(self.code)

    def named(self) -> Named:
        """The label as a message value, said in each reader's language."""
        return Named(self.label("en"), {lang: self.label(lang) for lang in LANGUAGES})


class RoleBook:
    """The known roles, to look a written role up and to say a code in a language."""

    def __init__(self, roles: Iterable[Role]) -> None:
        self.roles = {r.code: r for r in sorted(roles, key=lambda r: r.code)}
        self._names: dict[str, str] = {}  # folded code or label -> code
        for role in self.roles.values():
            for name in (role.code, default_label(role.code), *role.labels.values()):
                self._names.setdefault(_fold(name), role.code)

    def __contains__(self, code: object) -> bool:
        return code in self.roles

    def __iter__(self):
        return iter(self.roles.values())

    def __len__(self) -> int:
        return len(self.roles)

    def named(self, code: str) -> str:
        """A code's label as a message value (planner messages name roles this way)."""
        role = self.roles.get(code)
        return role.named() if role else code

    def label(self, code: str, language: str = "en") -> str:
        """What a reader of `language` calls the role; an unknown code is shown as it is."""
        role = self.roles.get(code)
        return role.label(language) if role else code

    def find(self, written: str) -> str | None:
        """The code a roster or form means by `written` (a code or any label), or None."""
        return self._names.get(_fold(written))

    def nearest(self, written: str) -> Role | None:
        """The known role whose code or label is nearest to `written`, if any is near."""
        if not self._names or not written.strip():
            return None
        found = process.extractOne(
            _fold(written),
            list(self._names),
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=SUGGEST_CUTOFF,
        )
        return self.roles[self._names[found[0]]] if found else None

    def sorted_by_label(self, language: str) -> list[Role]:
        return sorted(self.roles.values(), key=lambda r: (r.label(language).casefold(), r.code))


def _fold(name: str) -> str:
    """Case, spaces, hyphens and underscores aside: 'Bike Team', 'bike-team', 'bike_team'."""
    return re.sub(r"[\s\-_]+", " ", name).strip().casefold()
