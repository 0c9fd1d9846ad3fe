"""Connected advertiser accounts, read from whatever shape an answer gives them (CONTRACT §4).

Usage::

    accounts = read_accounts(data)          # list_connected_accounts' `data`; None: unreadable
    accounts.ids, accounts.describe()
    choices = read_choices(payload, text)   # the multiple-accounts 400; None: not that answer

The spec leaves the free tools' text open, so every plausible shape is read, most
trustworthy first: `structured` (a list of account objects), JSON inside the text,
a markdown table with an `account_id` / `advertiser_id` column, then lines naming
`advertiser_id` / `account_id` with `=` or `:`. Only TikTok accounts count. The one
place account lists are read, for the pre-flight, the 400 answer and the engine alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# Names as `_key` normalises them (case, spaces, `_`, `-` and markdown ignored).
_ID_KEYS = ("advertiserid", "accountid")
_NAME_KEYS = ("accountname", "advertisername", "name", "account", "advertiser")
_LIST_KEYS = ("accounts", "advertisers", "connected_accounts", "items", "data")
_OTHER_PLATFORMS = re.compile(
    r"\b(?:google|meta|facebook|instagram|linkedin|snapchat|pinterest|bing|microsoft|amazon"
    r"|reddit)[ _]?ads\b",
    re.IGNORECASE,
)
_TIKTOK = re.compile(r"tik\s*tok", re.IGNORECASE)
_LABELLED_ID = re.compile(
    r"(?:advertiser|account)[ _-]?id[*_`]*\s*[=:][*_`\"'\s]*(?P<id>[A-Za-z0-9][\w-]*)",
    re.IGNORECASE,
)
_LABELLED_NAME = re.compile(
    r"(?:account|advertiser)?[ _-]?name[*_`]*\s*[=:][*_`\"'\s]*(?P<name>[^,;|\n(*`\"']+)",
    re.IGNORECASE,
)
_NONE_CONNECTED = re.compile(r"\bno\b[^\n]*\baccounts?\b[^\n]*\bconnected\b", re.IGNORECASE)
_SEVERAL = re.compile(
    r"specify which account|several accounts|multiple accounts|accounts connected", re.IGNORECASE
)
_TABLE_RULE = re.compile(r"^:?-{2,}:?$")
_JSON_TRIES = 50  # brackets tried as the start of a JSON value; a long text is not parsed n² times
_PUNCTUATION = " \t-*•·|()[]:,;—–>#`\"'"


@dataclass(frozen=True)
class Accounts:
    """The TikTok advertisers connected to the key."""

    ids: tuple[str, ...]
    names: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return ", ".join(f"{i} ({self.names[i]})" if self.names.get(i) else i for i in self.ids)


def read_accounts(data: Mapping[str, Any]) -> Accounts | None:
    """The accounts in `list_connected_accounts`' `data`; None when no shape could be read
    (unknown is never "none connected": the API then says per row)."""
    structured = _from_value(data.get("structured"))
    if structured is not None:
        return structured
    text = data.get("text")
    return read_text(text) if isinstance(text, str) else None


def read_choices(payload: Mapping[str, Any] | None, message: str) -> Accounts | None:
    """The accounts a multiple-accounts 400 offers; None for any other answer."""
    payload = payload or {}
    data = payload.get("data")
    for value in (
        payload.get("structured_content"),
        payload.get("structured"),
        data.get("structured") if isinstance(data, dict) else None,
    ):
        found = _from_value(value)
        if found is not None and found.ids:
            return found
    if not _SEVERAL.search(message):
        return None
    found = read_text(message)
    return found if found is not None and found.ids else None


def read_text(text: str) -> Accounts | None:
    """Accounts from free text: JSON inside it, a markdown table, or labelled lines."""
    for reader in (_from_json_text, _from_table, _from_lines):
        found = reader(text)
        if found is not None:
            return found
    if _NONE_CONNECTED.search(text):
        return Accounts(())
    return None


def first_lines(text: str, *, lines: int = 5, width: int = 200) -> tuple[str, ...]:
    """The beginning of an answer, to show the user what could not be read."""
    shown = [line.rstrip()[:width] for line in text.strip().splitlines() if line.strip()]
    return tuple(shown[:lines])


# -- shapes ------------------------------------------------------------------------


def _from_value(value: object) -> Accounts | None:
    """A list of account objects, or an object holding one under a usual key."""
    if isinstance(value, dict):
        for key in _LIST_KEYS:
            if isinstance(value.get(key), list):
                return _from_records(value[key])
        if _record_id(value):
            return _from_records([value])
        return None
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return _from_records(value)
    return None


def _from_records(records: list[Any]) -> Accounts | None:
    names: dict[str, str] = {}
    readable = not records  # an empty list says "none connected"
    for record in records:
        if not isinstance(record, dict):
            continue
        account_id = _record_id(record)
        if not account_id:
            continue
        readable = True
        if _is_tiktok(record.get("platform")):
            names.setdefault(account_id, _record_name(record))
    return Accounts(tuple(names), names) if readable else None


def _record_id(record: Mapping[str, Any]) -> str:
    keys = {_key(str(name)): value for name, value in record.items()}
    for name in (*_ID_KEYS, "id"):
        value = keys.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def _record_name(record: Mapping[str, Any]) -> str:
    keys = {_key(str(name)): value for name, value in record.items()}
    for name in _NAME_KEYS:
        value = keys.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _from_json_text(text: str) -> Accounts | None:
    for value in _json_values(text):
        found = _from_value(value)
        if found is not None:
            return found
    return None


def _json_values(text: str) -> Iterator[object]:
    decoder = json.JSONDecoder()
    position, tries = 0, 0
    while tries < _JSON_TRIES:
        starts = [i for i in (text.find("{", position), text.find("[", position)) if i >= 0]
        if not starts:
            return
        start = min(starts)
        tries += 1
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            position = start + 1
            continue
        yield value
        position = end


def _from_table(text: str) -> Accounts | None:
    """A markdown table with an account_id or advertiser_id column."""
    header: list[str] = []
    names: dict[str, str] = {}
    readable = False
    for line in text.splitlines():
        cells = _cells(line)
        if cells is None:
            header = []  # a table ended
            continue
        if all(_TABLE_RULE.match(cell.replace(" ", "")) for cell in cells if cell):
            continue
        if not header:
            header = [_key(cell) for cell in cells]
            readable = readable or any(k in header for k in _ID_KEYS)
            continue
        row = dict(zip(header, cells, strict=False))
        account_id = next((row[k] for k in _ID_KEYS if row.get(k)), "")
        if account_id and _is_tiktok(row.get("platform")):
            names.setdefault(account_id, next((row[k] for k in _NAME_KEYS if row.get(k)), ""))
    return Accounts(tuple(names), names) if readable else None


def _cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if not stripped.startswith("|") or stripped.count("|") < 2:
        return None
    return [cell.strip().strip("*`_ ").strip() for cell in stripped.strip("|").split("|")]


def _from_lines(text: str) -> Accounts | None:
    """Lines naming advertiser_id / account_id with `=` or `:`; a heading naming another
    platform puts the lines under it out of count."""
    names: dict[str, str] = {}
    section_is_tiktok, heading = True, ""
    for line in text.splitlines():
        found = _LABELLED_ID.search(line)
        if found is None:
            if _names_platform(line):
                section_is_tiktok = bool(_TIKTOK.search(line))
            elif line.lstrip().startswith("#"):
                heading = line.strip(_PUNCTUATION)  # "### Acme" above "Advertiser ID: 7"
            continue
        account_id = found.group("id")
        if not any(ch.isdigit() for ch in account_id):
            continue  # "account_id: unknown" is not an ID
        if not section_is_tiktok or (_OTHER_PLATFORMS.search(line) and not _TIKTOK.search(line)):
            continue
        names.setdefault(account_id, _line_name(line, found.start()) or heading)
    return Accounts(tuple(names), names) if names else None


def _line_name(line: str, label_at: int) -> str:
    labelled = _LABELLED_NAME.search(line)
    if labelled is not None:
        return labelled.group("name").strip(_PUNCTUATION)
    return line[:label_at].strip(_PUNCTUATION)


def _names_platform(line: str) -> bool:
    return bool(_TIKTOK.search(line) or _OTHER_PLATFORMS.search(line))


def _is_tiktok(platform: object) -> bool:
    """No platform named: the list was asked for TikTok; else the name must say TikTok."""
    if platform is None or (isinstance(platform, str) and not platform.strip()):
        return True
    return isinstance(platform, str) and bool(_TIKTOK.search(platform.replace("_", " ")))


def _key(name: str) -> str:
    return re.sub(r"[\s_*`-]+", "", name.lower())
