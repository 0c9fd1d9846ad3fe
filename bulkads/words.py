"""Words a marketer writes, read as the API's values (CONTRACT §2a).

Usage::

    enum_word(BY_NAME["call_to_action"], "Shop now")      # 'SHOP_NOW'
    age_groups("18+")                                    # ['AGE_18_24', ..., 'AGE_55_100']
    places("United Kingdom")                             # (Place('2635167', ...),)
    language("Spanish")                                  # 'es'
    closest("Shop noww", {"shopnow": "Shop now (SHOP_NOW)"})  # ['Shop now (SHOP_NOW)']

Pure lookups over tables built once at import: the enum words derive from the argument
table (`GENDER_FEMALE` is also `Female`, `SHOP_NOW` also `Shop now`) plus the extra words
below; countries, US states and languages come from `bulkads/data/places.json`, generated
at build time by `scripts/generate_places.py` (GeoNames, CC BY 4.0; iso-codes, LGPL-2.1).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from bulkads.arguments import AGE_GROUPS, ARGUMENTS, Argument, Kind, word_key

# Words for enum values that the values' own names do not give (keyed by the value).
EXTRA_WORDS: dict[str, tuple[str, ...]] = {
    "CONVERSIONS": ("Website conversions", "Conversion", "Sales"),
    "LEAD_GENERATION": ("Leads", "Lead gen"),
    "REACH": ("Awareness",),
    "VIDEO_VIEWS": ("Views",),
    "APP_INSTALL": ("Install", "Installs", "App installs"),
    "APP_RETARGETING": ("Retargeting", "Re-engagement"),
    "GET_QUOTE": ("Get a quote",),
    "CONTACT_US": ("Contact",),
    "COMPLETE_PAYMENT": ("Purchase", "Complete payment"),
    "ON_WEB_CART": ("Add to cart",),
    "ON_WEB_DETAIL": ("View content",),
    "ON_WEB_REGISTER": ("Complete registration", "Registration"),
    "INITIATE_ORDER": ("Initiate checkout", "Checkout"),
    "GENDER_UNLIMITED": ("All", "Any", "Everyone", "Both", "All genders"),
    "GENDER_FEMALE": ("Women", "Woman", "F"),
    "GENDER_MALE": ("Men", "Man", "M"),
    "PLACEMENT_TYPE_AUTOMATIC": ("Auto", "Automatic placement"),
    "PLACEMENT_TYPE_NORMAL": ("Manual", "Manual placement", "Select", "Custom"),
    "PLACEMENT_GLOBAL_APP_BUNDLE": ("App bundle",),
    "IOS": ("iPhone", "Apple"),
}


def _common_prefix(choices: tuple[str, ...]) -> str:
    """`GENDER_` of GENDER_MALE, GENDER_FEMALE, ...: the shared part up to an `_`."""
    if len(choices) < 2:
        return ""
    shared = choices[0]
    for choice in choices[1:]:
        while not choice.startswith(shared):
            shared = shared[:-1]
    return shared[: shared.rfind("_") + 1]


def _word_table(argument: Argument) -> dict[str, str]:
    """word key -> value, for every word form of every choice (a clash keeps neither)."""
    prefix = _common_prefix(argument.choices)
    table: dict[str, str] = {}
    clashes: set[str] = set()
    for choice in argument.choices:
        forms = (choice, choice.removeprefix(prefix), *EXTRA_WORDS.get(choice, ()))
        for form in forms:
            key = word_key(form)
            if table.get(key, choice) != choice:
                clashes.add(key)
            table[key] = choice
    exact = {word_key(choice): choice for choice in argument.choices}
    return {k: v for k, v in table.items() if k not in clashes} | exact


def word_forms(argument: Argument) -> dict[str, list[str]]:
    """Each choice's words as people write them (`Shop now`, `Female`), for help and tests."""
    prefix = _common_prefix(argument.choices)
    forms: dict[str, list[str]] = {}
    for choice in argument.choices:
        plain = choice.removeprefix(prefix).replace("_", " ").capitalize()
        if choice in _AGE_WORDS:
            plain = _AGE_WORDS[choice]
        forms[choice] = [plain, *EXTRA_WORDS.get(choice, ())]
    return forms


# Age groups as people write them: `13-17`, ..., `55+`.
_AGE_WORDS = {
    group: "55+" if group.endswith("_100") else "-".join(group.split("_")[1:])
    for group in AGE_GROUPS
}


ENUM_WORDS: dict[str, dict[str, str]] = {
    argument.name: _word_table(argument)
    for argument in ARGUMENTS
    if argument.kind in (Kind.ENUM, Kind.ENUMS)
}


def enum_word(argument: Argument, text: str) -> str | None:
    """The choice a word names, or None."""
    return ENUM_WORDS[argument.name].get(word_key(text))


def enum_hint(argument: Argument, text: str) -> str:
    """What to write instead of `text`: `did you mean Shop now (SHOP_NOW)?`, or ''."""
    shown: dict[str, str] = {}
    for choice, forms in word_forms(argument).items():
        for form in forms:
            shown.setdefault(word_key(form), f"{form} ({choice})")
        shown.setdefault(word_key(choice), choice)
    near = closest(text, shown)
    return f"did you mean {' or '.join(near)}?" if near else ""


# --- ages --------------------------------------------------------------------------------

_BOUNDS = {group: tuple(int(n) for n in group.split("_")[1:]) for group in AGE_GROUPS}
_RANGE = re.compile(r"(\d+)\s*(?:-|–|—|to)\s*(\d+)(?:\s*(?:years?|yrs?))?", re.IGNORECASE)
_FROM = re.compile(r"(\d+)\s*(?:\+|and (?:over|up|older)|or (?:over|older))", re.IGNORECASE)


def age_groups(text: str) -> list[str] | None:
    """The age groups a range names (`18-24`, `25–34`, `55+`, `18+`, `25-44`), or None."""
    text = text.strip()
    if match := _RANGE.fullmatch(text):
        low, high = int(match[1]), int(match[2])
    elif match := _FROM.fullmatch(text):
        low, high = int(match[1]), 100
    else:
        return None
    inside = [g for g, (lo, hi) in _BOUNDS.items() if lo >= low and hi <= high]
    # TikTok's groups are fixed: a range must start and end on a group's bounds.
    if not inside or _BOUNDS[inside[0]][0] != low or _BOUNDS[inside[-1]][1] != high:
        return None
    return inside


AGE_HINT = "write age ranges like 18-24, 25-34, 35-44, 45-54, 55+, 13-17 or 18+"


# --- places --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A location TikTok targets: its GeoNames ID and how to name it."""

    id: str
    name: str
    code: str  # GB, US-TX

    def describe(self) -> str:
        return f"{self.id} ({self.name}, {self.code})"


def _load() -> dict[str, list[list[object]]]:
    data = resources.files("bulkads") / "data" / "places.json"
    loaded: dict[str, list[list[object]]] = json.loads(data.read_text(encoding="utf-8"))
    return loaded


_DATA = _load()
COUNTRIES: tuple[Place, ...] = tuple(
    Place(str(r[1]), str(r[2]), str(r[0])) for r in _DATA["countries"]
)
US_STATES: tuple[Place, ...] = tuple(
    Place(str(r[1]), str(r[2]), f"US-{r[0]}") for r in _DATA["us_states"]
)


def _place_table() -> dict[str, tuple[Place, ...]]:
    table: dict[str, list[Place]] = {}

    def add(key: str, place: Place) -> None:
        found = table.setdefault(key, [])
        if place not in found:
            found.append(place)

    codes = {place.code: place for place in COUNTRIES}
    for row, country in zip(_DATA["countries"], COUNTRIES, strict=True):
        add(word_key(country.code), country)
        for name in (country.name, *row[3]):  # type: ignore[misc]
            add(word_key(str(name)), country)
    for state in US_STATES:
        add(word_key(state.code), state)  # US-TX
        add(word_key(state.name), state)
    add(word_key("UK"), codes["GB"])
    return {key: tuple(places) for key, places in table.items()}


PLACES: dict[str, tuple[Place, ...]] = _place_table()
_STATE_CODES = {state.code.removeprefix("US-"): state for state in US_STATES}


def places(text: str) -> tuple[Place, ...]:
    """The places a country (code or English name) or US state (name or US-XX) names."""
    return PLACES.get(word_key(text), ())


def place_hint(text: str, more: Mapping[str, str] | None = None) -> str:
    """What to write instead of an unknown location: the closest places, with their IDs."""
    state = _STATE_CODES.get(text.strip().upper())
    if state is not None:
        return f"for the US state {state.name} write {state.code} or {state.name} ({state.id})"
    shown = {key: found[0].describe() for key, found in PLACES.items() if len(found) == 1}
    near = closest(text, {**shown, **(more or {})})
    advice = f"did you mean {' or '.join(near)}? " if near else ""
    return advice + "write a country (US, United Kingdom), a US state (Texas, US-TX) or an ID"


# --- languages -------------------------------------------------------------------------------

LANGUAGE_NAMES: dict[str, str] = {str(r[0]): str(r[1]) for r in _DATA["languages"]}
LANGUAGES: dict[str, str] = {}
for _row in _DATA["languages"]:
    for _name in (_row[0], _row[1], *_row[2]):  # type: ignore[misc]
        LANGUAGES.setdefault(word_key(str(_name)), str(_row[0]))


def language(text: str) -> str | None:
    """The ISO 639-1 code of a language name or code (`Spanish`, `es`), or None."""
    return LANGUAGES.get(word_key(text))


def language_hint(text: str) -> str:
    shown = {word_key(name): f"{name} ({code})" for code, name in LANGUAGE_NAMES.items()}
    near = closest(text, shown)
    advice = f"did you mean {' or '.join(near)}? " if near else ""
    return advice + "write a language name or its two-letter code, such as English or en"


# --- names for search_tiktok_targeting ----------------------------------------------------


class Name(str):
    """A name only the API's catalogue can turn into an ID (`Gaming`, `Ontario`).

    Read from a cell before the catalogue is known; the run looks it up and reads the
    row again. Never sent: the API takes IDs.
    """

    targeting_type: str

    @classmethod
    def of(cls, targeting_type: str, name: str) -> Name:
        found = cls(name)
        found.targeting_type = targeting_type
        return found


def names_in(arguments: Mapping[str, object]) -> list[Name]:
    """The names in `arguments` still waiting for a lookup."""
    found: list[Name] = []
    for value in arguments.values():
        if isinstance(value, list):
            found.extend(item for item in value if isinstance(item, Name))
    return found


# --- suggestions ------------------------------------------------------------------------------


def closest(text: str, shown: Mapping[str, str], *, most: int = 3) -> list[str]:
    """The display forms of the keys closest to `text` (difflib's similarity)."""
    near = difflib.get_close_matches(word_key(text), list(shown), n=most * 2, cutoff=0.6)
    found: list[str] = []
    for key in near:
        if shown[key] not in found:
            found.append(shown[key])
    return found[:most]
