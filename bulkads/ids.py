"""Reading the IDs a tool's answer names (CONTRACT §5): the one home of these patterns.

Usage::

    ids = extract_ids(data)          # data = the answer's `data` object
    ids["campaign_id"]               # '1801234567890123'
    ids["image_ids"]                 # ['img_1', 'img_2'] (lists for the plural kinds)

`data.structured` wins where present; otherwise labelled IDs are read from
`data.text`: "Campaign ID: 123", "**Asset bundle ID:** `bndl_1`", "card_id=card_9",
in any case, with `_`, `-` or spaces, and markdown around them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Label as a tool writes it (spaces/underscores/hyphens interchangeable) → our key.
_LABELS: dict[str, str] = {
    "campaign id": "campaign_id",
    "ad group id": "ad_group_id",
    "adgroup id": "ad_group_id",
    "ad id": "ad_id",
    "asset bundle id": "asset_bundle_id",
    "bundle id": "asset_bundle_id",
    "card id": "card_id",
    "image id": "image_ids",
    "image ids": "image_ids",
}
LIST_KEYS = frozenset({"image_ids"})

_SEP = r"[ _\-]?"
_LABEL_ALTERNATIVES = "|".join(
    sorted((_SEP.join(re.escape(word) for word in label.split()) for label in _LABELS), key=len)[
        ::-1
    ]
)
# A label, optional markdown (*, _, `), a ':' or '=', then an ID of word characters
# (several IDs may follow an "Image IDs:" label, comma-separated).
_PATTERN = re.compile(
    rf"(?<![A-Za-z])(?P<label>{_LABEL_ALTERNATIVES})[*_`\s]*[:=][*_`\s\"']*"
    rf"(?P<ids>[A-Za-z0-9][\w.\-]*(?:[`\"'*]?\s*,\s*[`\"']?[A-Za-z0-9][\w.\-]*)*)",
    re.IGNORECASE,
)
_ID = re.compile(r"[A-Za-z0-9][\w.\-]*")


def _label_key(label: str) -> str:
    return _LABELS[re.sub(r"[ _\-]+", " ", label.lower()).strip()]


def from_text(text: str) -> dict[str, Any]:
    """The labelled IDs of a markdown answer text."""
    found: dict[str, Any] = {}
    for match in _PATTERN.finditer(text):
        key = _label_key(match.group("label"))
        values = [value.rstrip(".") for value in _ID.findall(match.group("ids"))]
        if key in LIST_KEYS:
            found.setdefault(key, [])
            found[key].extend(value for value in values if value not in found[key])
        else:
            found.setdefault(key, values[0])
    return found


def from_structured(structured: Mapping[str, Any]) -> dict[str, Any]:
    """The IDs of a `data.structured` object (keys in any of the label spellings)."""
    found: dict[str, Any] = {}
    for name, value in structured.items():
        key = _LABELS.get(re.sub(r"[ _\-]+", " ", str(name).lower()).strip())
        if key is None or value in (None, "", []):
            continue
        if key in LIST_KEYS:
            items = value if isinstance(value, list) else [value]
            found[key] = [str(item) for item in items]
        elif not isinstance(value, list | dict):
            found[key] = str(value)
    return found


def extract_ids(data: Mapping[str, Any]) -> dict[str, Any]:
    """IDs from `data.structured` where present, filled in from labelled IDs in `data.text`."""
    structured = data.get("structured")
    found = from_structured(structured) if isinstance(structured, Mapping) else {}
    text = data.get("text")
    if isinstance(text, str):
        for key, value in from_text(text).items():
            found.setdefault(key, value)
    return found
