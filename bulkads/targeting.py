"""Names only the API's catalogue can turn into IDs (CONTRACT §2a): interest categories by
name, provinces and cities by name, looked up with `search_tiktok_targeting`.

Usage::

    catalogue = Catalogue.empty()                        # or read_cache(path, now=now)
    entries = parse_entries(answer_data)                 # one answer's entries
    catalogue = catalogue.with_type("regions", entries, fetched=now)
    check_sheet(sheet, now=now, resolve=catalogue.resolve)
    write_cache(path, catalogue)

One call per targeting type gives the whole catalogue of that type; it is kept on disk
beside the journal (it belongs to the journal's target) with the time it was fetched,
and asked again after `MAX_AGE`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bulkads.arguments import word_key
from bulkads.words import closest, place_hint

TOOL = "search_tiktok_targeting"
MAX_AGE = timedelta(days=30)
# The arguments of the one call per type: regions down to cities, in English.
QUERIES: dict[str, dict[str, str]] = {
    "interest_categories": {"targeting_type": "interest_categories", "language": "en"},
    "regions": {"targeting_type": "regions", "level_range": "TO_CITY", "language": "en"},
}
WHAT = {"interest_categories": "interest category", "regions": "region"}
_CACHE_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: its ID, its name, and what tells it from a namesake."""

    id: str
    name: str
    detail: str = ""  # "city in Ontario, Canada"

    def describe(self) -> str:
        return (
            f"{self.id} ({self.name}, {self.detail})" if self.detail else f"{self.id} ({self.name})"
        )


@dataclass(frozen=True)
class Catalogue:
    """The catalogues known, by targeting type, with when each was fetched."""

    entries: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    fetched: Mapping[str, datetime] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Catalogue:
        return cls()

    def with_type(self, kind: str, entries: Iterable[Entry], *, fetched: datetime) -> Catalogue:
        return Catalogue({**self.entries, kind: tuple(entries)}, {**self.fetched, kind: fetched})

    def fresh(self, now: datetime) -> Catalogue:
        """Only the types fetched less than MAX_AGE before `now`."""
        kept = [kind for kind, when in self.fetched.items() if now - when < MAX_AGE]
        return Catalogue(
            {kind: self.entries[kind] for kind in kept}, {kind: self.fetched[kind] for kind in kept}
        )

    def resolve(self, kind: str, name: str) -> str | None:
        """The ID `name` stands for; ValueError saying what to write when it names none or
        several; None when this catalogue does not hold `kind` (the name waits)."""
        entries = self.entries.get(kind)
        if entries is None:
            return None
        key = word_key(name)
        found = [entry for entry in entries if word_key(entry.name) == key]
        if len(found) == 1:
            return found[0].id
        what = WHAT.get(kind, kind)
        if found:
            listed = " or ".join(entry.describe() for entry in found[:5])
            raise ValueError(
                f"{name!r} matches several {what}s: {listed}; write the ID of the one you mean"
            )
        near = closest(name, {word_key(e.name): e.describe() for e in entries})
        advice = f"did you mean {' or '.join(near)}? " if near else ""
        if kind == "regions":
            return _raise(f"{name!r} is not a {what} TikTok knows: {advice}{place_hint(name)}")
        return _raise(
            f"{name!r} is not an {what} TikTok knows: {advice}write one of its names or IDs"
        )


def _raise(message: str) -> str | None:
    raise ValueError(message)


# --- reading an answer ----------------------------------------------------------------------

_ID_KEYS = ("id", "location_id", "interest_category_id", "category_id", "region_id", "geo_id")
_NAME_KEYS = ("name", "location_name", "interest_category_name", "category_name", "region_name")
_DETAIL_KEYS = ("level", "parent", "parent_name", "region_code")
_LINE = re.compile(
    r"^\W*(?P<name>[^\n(|:]+?)\s*[(\[—–-]?\s*(?:id|ID|Id)\s*[:=]\s*`?(?P<id>\d+)", re.MULTILINE
)


def parse_entries(data: Mapping[str, Any]) -> list[Entry]:
    """The entries of one search_tiktok_targeting answer: `structured` where present, else
    a markdown table with ID and name columns, else lines like `- Gaming (ID: 10123)`."""
    structured = data.get("structured")
    if isinstance(structured, Mapping):
        for value in structured.values():
            if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
                entries = [e for e in map(_entry, value) if e is not None]
                if entries:
                    return entries
    text = data.get("text")
    if not isinstance(text, str):
        return []
    return _table(text) or [Entry(m["id"], m["name"].strip(" *`-")) for m in _LINE.finditer(text)]


def _entry(item: Mapping[str, Any]) -> Entry | None:
    ident = next((str(item[k]) for k in _ID_KEYS if item.get(k) not in (None, "")), "")
    name = next((str(item[k]) for k in _NAME_KEYS if item.get(k)), "")
    if not ident or not name:
        return None
    detail = ", ".join(str(item[k]).lower() if k == "level" else str(item[k])
                       for k in _DETAIL_KEYS if item.get(k))  # fmt: skip
    return Entry(ident, name, detail)


def _table(text: str) -> list[Entry]:
    rows = [
        [cell.strip(" *`") for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.strip().startswith("|") and not set(line.strip()) <= set("|-: ")
    ]
    if len(rows) < 2:
        return []
    head = [cell.lower().replace(" ", "_") for cell in rows[0]]
    id_at = next((head.index(k) for k in _ID_KEYS if k in head), None)
    name_at = next((head.index(k) for k in _NAME_KEYS if k in head), None)
    if id_at is None or name_at is None:
        return []
    rest = [i for i, h in enumerate(head) if h in _DETAIL_KEYS]
    return [
        Entry(row[id_at], row[name_at], ", ".join(row[i] for i in rest if i < len(row) and row[i]))
        for row in rows[1:]
        if len(row) > max(id_at, name_at) and row[id_at] and row[name_at]
    ]


# --- the cache file -------------------------------------------------------------------------


def cache_path(journal: Path) -> Path:
    """`launch.results.journal.sqlite` → `launch.results.targeting.json`, beside it."""
    name = journal.name.removesuffix(".sqlite").removesuffix(".journal")
    return journal.with_name(f"{name}.targeting.json")


def read_cache(path: Path, *, base_url: str | None = None) -> Catalogue:
    """The catalogue saved at `path` (for `base_url` when given: another API's IDs are not
    this one's); empty when there is none or it cannot be read (the names are then looked
    up again, which costs a call but loses nothing)."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("version") != _CACHE_VERSION:
            return Catalogue.empty()
        if base_url is not None and saved.get("base_url") != base_url:
            return Catalogue.empty()
        catalogue = Catalogue.empty()
        for kind, part in saved["types"].items():
            entries = [Entry(*map(str, item)) for item in part["entries"]]
            fetched = datetime.fromisoformat(part["fetched"])
            catalogue = catalogue.with_type(kind, entries, fetched=fetched)
        return catalogue
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Catalogue.empty()


def write_cache(path: Path, catalogue: Catalogue, *, base_url: str) -> None:
    """Save `catalogue` at `path` atomically; a cache that cannot be written is not an error."""
    types = {
        kind: {
            "fetched": catalogue.fetched[kind].isoformat(),
            "entries": [[e.id, e.name, e.detail] for e in entries],
        }
        for kind, entries in catalogue.entries.items()
    }
    saved = {"version": _CACHE_VERSION, "tool": TOOL, "base_url": base_url, "types": types}
    text = json.dumps(saved, indent=1)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
