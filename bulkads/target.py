"""The target a journal belongs to (CONTRACT §6): the base URL and a fingerprint of the key.

Usage::

    target = Target.of("https://api.adspirer.ai", key)        # a fresh random salt
    target.matches("https://api.adspirer.ai", key)            # True
    Target.decode(target.encode()) == target
    target.describe()     # "https://api.adspirer.ai (key fingerprint 3f9a1c2b7d4e5f60)"
    bind(journal.meta("target"), url, key, history=True, ...)  # WrongTarget for another

The fingerprint cannot give the key back: it is scrypt over the key with a random
salt of its own, cut to 64 bits. A plain hash of a guessable key (a test key, a
short one) could be confirmed by anyone holding the journal or the results at the
cost of one hash per guess; scrypt with a salt makes every guess slow and useless
against any other journal. 64 bits still tell two keys apart for good.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bulkads.config import Secret
from bulkads.errors import WrongTarget

_SCHEME = "scrypt1"  # the KDF and its cost, should they ever change
_N, _R, _P = 2**14, 8, 1  # scrypt's interactive cost: ~50 ms, 16 MiB
_DIGEST_BYTES = 8
_SALT_BYTES = 16
_ENCODED = re.compile(
    rf"^{_SCHEME}:(?P<salt>[0-9a-f]{{{2 * _SALT_BYTES}}})"
    rf":(?P<digest>[0-9a-f]{{{2 * _DIGEST_BYTES}}})@(?P<url>\S+)$"
)


@dataclass(frozen=True)
class Target:
    """Where a run sends: a normalised base URL and the key's salted fingerprint."""

    base_url: str
    salt: str  # hex
    digest: str  # hex: scrypt(key, salt), cut short

    @classmethod
    def of(cls, base_url: str, key: Secret, *, salt: bytes | None = None) -> Target:
        salt = os.urandom(_SALT_BYTES) if salt is None else salt
        return cls(normal_url(base_url), salt.hex(), _fingerprint(key, salt))

    def matches(self, base_url: str, key: Secret) -> bool:
        """True when `base_url` and `key` are this target's (the key hashed with its salt)."""
        if normal_url(base_url) != self.base_url:
            return False
        return _fingerprint(key, bytes.fromhex(self.salt)) == self.digest

    def describe(self) -> str:
        return f"{self.base_url} (key fingerprint {self.digest})"

    def encode(self) -> str:
        """One line for the journal's meta and the Summary sheet."""
        return f"{_SCHEME}:{self.salt}:{self.digest}@{self.base_url}"

    @classmethod
    def decode(cls, text: str) -> Target | None:
        """The target `encode` wrote; None for anything else."""
        found = _ENCODED.match(text.strip())
        if found is None:
            return None
        return cls(found.group("url"), found.group("salt"), found.group("digest"))


def normal_url(base_url: str) -> str:
    """The base URL as compared: scheme and host lower-case, default port and trailing
    slash dropped."""
    parts = urlsplit(base_url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, default) else f"{host}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def _fingerprint(key: Secret, salt: bytes) -> str:
    digest = hashlib.scrypt(key.reveal().encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DIGEST_BYTES)
    return digest.hex()


def bind(
    stored: str | None,
    base_url: str,
    key: Secret,
    *,
    history: bool,
    created: int,
    journal: Path,
    sheet: Path,
) -> Target:
    """The journal's target for this run: the one it holds if it matches, a new one if it
    holds none or has sent nothing yet (`history`); WrongTarget otherwise."""
    bound = Target.decode(stored) if stored else None
    if bound is not None and bound.matches(base_url, key):
        return bound
    if bound is None or not history:
        return Target.of(base_url, key)
    current = Target.of(base_url, key, salt=bytes.fromhex(bound.salt))
    raise WrongTarget(
        f"the journal {journal} belongs to another target ({_difference(bound, current)}): "
        f"{bound.describe()}; this run is for {current.describe()}. Nothing was sent: the "
        f"{created} row(s) it holds as created are campaigns of that target, not of this one. "
        + _afresh(current, sheet)
    )


def check_fed_back(fed: Target | None, base_url: str, key: Secret, *, sheet: Path) -> None:
    """Refuse a results workbook fed back whose Summary names another target."""
    if fed is None or fed.matches(base_url, key):
        return
    current = Target.of(base_url, key, salt=bytes.fromhex(fed.salt))
    raise WrongTarget(
        f"{sheet} holds the results of another target ({_difference(fed, current)}): "
        f"{fed.describe()}; this run is for "
        f"{current.describe()}. Nothing was sent: its campaign IDs are that target's. Run the "
        "sheet you started from instead. " + _afresh(current, sheet)
    )


def _difference(bound: Target, current: Target) -> str:
    if bound.base_url == current.base_url:
        return "another API key"
    if bound.digest == current.digest:
        return "another base URL"
    return "another base URL and API key"


def _afresh(current: Target, sheet: Path) -> str:
    where = "sandbox" if _is_loopback(current.base_url) else "live"
    stem = sheet.name.split(".")[0] or "launch"
    return (
        f"To start afresh for {current.base_url}, pass -o with new results (e.g. -o "
        f"{stem}.{where}.results.xlsx; a new journal goes beside them): every valid row is then "
        f"sent to {current.base_url}, and rows already created there are created again unless "
        "you run that target's results workbook as the sheet."
    )


def _is_loopback(base_url: str) -> bool:
    host = (urlsplit(base_url).hostname or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
