"""A synthetic roster and staffing plan for the demo, so its maps and forms have people."""

from __future__ import annotations

import random

# (agency, unit, roles, how many): the partners of the Air and Water Show, in small numbers.
UNITS = (
    ("Chicago Police Department", "18th District", ("patrol_officer",), 70),
    ("Chicago Police Department", "18th District sergeants", ("sergeant", "patrol_officer"), 10),
    ("Chicago Police Department", "Bike Team", ("bike_team", "patrol_officer"), 16),
    ("Chicago Police Department", "Marine Unit", ("marine_unit",), 10),
    ("Chicago Police Department", "K-9 Unit", ("k9", "patrol_officer"), 6),
    ("Cook County Sheriff's Office", "Event Team", ("patrol_officer",), 24),
    ("Illinois State Police", "District Chicago", ("patrol_officer", "sergeant"), 12),
    ("Chicago Fire Department", "EMS", ("emt",), 22),
    ("U.S. Coast Guard", "Station Calumet Harbor", ("marine_unit",), 8),
)
# What each kind of zone needs during each show (day) watch, per role.
NEEDS = {
    "crowd": {"patrol_officer": 8, "sergeant": 2, "bike_team": 4, "emt": 2},
    "vip": {"patrol_officer": 2},
    "gate": {"patrol_officer": 4, "k9": 1},
    "medical": {"emt": 4},
    "command_post": {"sergeant": 1},
    "staging": {"patrol_officer": 2},
    "water": {"marine_unit": 6},
}
# What each kind of zone needs overnight, when the beaches are closed but watched.
OVERNIGHT_NEEDS = {
    "crowd": {"patrol_officer": 2},
    "gate": {"patrol_officer": 1},
    "medical": {"emt": 1},
    "command_post": {"sergeant": 1},
    "water": {"marine_unit": 2},
}
GIVEN = (
    "Alex",
    "Jordan",
    "Maria",
    "Luis",
    "Aisha",
    "Chen",
    "Dana",
    "Elena",
    "Femi",
    "Grace",
    "Hugo",
    "Imani",
    "Jamal",
    "Kate",
    "Liam",
    "Mei",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zoe",
)
FAMILY = (
    "Adler",
    "Brennan",
    "Castillo",
    "Dvorak",
    "Esposito",
    "Fitzgerald",
    "Garza",
    "Haddad",
    "Ivanova",
    "Jablonski",
    "Kowalczyk",
    "Lindqvist",
    "Moreno",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rahman",
    "Sullivan",
    "Tran",
    "Underwood",
    "Vargas",
    "Wojcik",
    "Xu",
    "Yilmaz",
    "Zielinski",
)


def roster_csv(seed: int = 2027) -> bytes:
    """Invented people (no real person), as the roster CSV planners import."""
    rng = random.Random(seed)
    lines = ["name,agency,unit,roles,badge,phone"]
    number = 1000
    for agency, unit, roles, count in UNITS:
        for _ in range(count):
            number += 1
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            phone = f"312-555-{rng.randint(1000, 9999)}"
            lines.append(f'{name},"{agency}","{unit}",{";".join(roles)},D{number},{phone}')
    return ("\n".join(lines) + "\n").encode()
