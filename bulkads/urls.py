"""URLs judged as a browser reads them (WHATWG URL rules): the API's base URL, sheet URLs.

Usage::

    check_base_url("http://127.0.0.1:8765/")          # "http://127.0.0.1:8765", or UsageError
    host = web_host("https://１２７。０。０。１/a.jpg")     # "127.0.0.1", or ValueError(rule)
    not_public(host)                                  # True: TikTok cannot fetch it

Python's `urlsplit` and a browser disagree on some URLs, and an image fetcher reads
them as a browser does: `https://127.0.0.1\\@evil.example/` goes to 127.0.0.1 (a
backslash ends the host), full-width digits and ideographic dots map to ASCII, a
host may be percent-encoded or written in hex or octal. The host is normalised that
way before it is judged. Names are never resolved (that is I/O); names known to
point at this machine, a private network or a cloud metadata service are refused.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from urllib.parse import unquote, urlsplit

import idna

from bulkads.errors import UsageError

# Characters a browser strips from a URL anywhere (tab, LF, CR), and a host may not hold.
_STRIPPED = re.compile(r"[\t\n\r]")
_EDGES = "".join(map(chr, range(0x21)))  # C0 controls and space, trimmed from both ends
_SPACE = re.compile(r"\s")
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_NUMERIC = re.compile(r"(?:0[xX][0-9a-fA-F]*|[0-9]+)")
# Names that resolve to a loopback or private address by design, or are private by rule.
_LOCAL_NAMES = ("localhost", "localtest.me", "lvh.me", "vcap.me", "lacolhost.com", "fuf.me")
_LOCAL_SUFFIXES = (".local", ".internal", ".localdomain", ".home.arpa", ".lan", ".intranet")
# Wildcard DNS services: the address is written in the name (127.0.0.1.nip.io, 7f000001...).
_WILDCARD_DNS = ("nip.io", "sslip.io", "xip.io", "traefik.me", "local.gd", "nip.direct")
_EMBEDDED_V4 = re.compile(r"(?:^|[.-])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})(?=$|[.-])")
_EMBEDDED_HEX = re.compile(r"(?:^|[.-])([0-9a-f]{8})(?=$|[.-])")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def web_host(text: str, *, scheme: str = "https") -> str:
    """The host a browser would contact for `text`; ValueError(the rule) if it cannot."""
    text = _STRIPPED.sub("", text.strip(_EDGES))
    if _SPACE.search(text):
        raise ValueError("is not a URL: it contains a space")
    try:
        parts = urlsplit(text.replace("\\", "/"))  # a backslash ends the host, as in browsers
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError("is not a valid URL") from None
    if parts.scheme.lower() != scheme:
        raise ValueError(f"is not an absolute {scheme}:// URL")
    authority = parts.netloc
    if "@" in authority:
        raise ValueError("carries a user name or password before its host (user:pass@); remove it")
    raw = authority.rsplit(":", 1)[0] if not authority.endswith("]") else authority
    if not raw:
        raise ValueError("has no host")
    if raw.startswith("["):
        try:
            return str(ipaddress.IPv6Address(raw.strip("[]")))
        except ValueError:
            raise ValueError("is not a valid URL") from None
    return _domain(raw)


# A sheet names few hosts across many URLs: each is read once. The bound keeps a sheet
# of distinct hosts from growing it; a host that cannot be read raises and is not kept.
@functools.lru_cache(maxsize=1024)
def _domain(raw: str) -> str:
    """WHATWG's host parser for a name: percent-decode, map as IDNA does, read numbers."""
    try:
        host = idna.uts46_remap(unquote(raw), std3_rules=False, transitional=False)
    except (idna.IDNAError, UnicodeError):
        raise ValueError("is not a valid URL: its host cannot be read") from None
    if not host or _FORBIDDEN_HOST.search(host):
        raise ValueError("is not a valid URL: its host cannot be read")
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    if labels and _NUMERIC.fullmatch(labels[-1]):  # "ends in a number": an IPv4 address
        try:  # inet_aton reads what browsers read: 127.1, 0x7f.0.0.1, 0177.0.0.1
            return str(ipaddress.IPv4Address(socket.inet_aton(".".join(labels))))
        except OSError:
            raise ValueError("is not a valid URL: its host is not a valid address") from None
    return ".".join(labels)


def not_public(host: str) -> bool:
    """True for a host TikTok's fetcher cannot (or must not) reach: this machine, a private
    network, a link-local or metadata address, or a name that points at one."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return _private_name(host)
    if isinstance(address, ipaddress.IPv4Address):
        return not address.is_global or address.is_multicast
    if not address.is_global or address.is_multicast or address in _NAT64_LOCAL:
        return True
    embedded = _embedded_v4(address)
    return embedded is not None and (not embedded.is_global or embedded.is_multicast)


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside a mapped, 6to4, NAT64 or IPv4-compatible IPv6 address."""
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if address in _NAT64 or address in _V4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _private_name(host: str) -> bool:
    if "." not in host:
        return True  # a single label is a name on the local network (intranet, metadata)
    if host == "metadata.google.internal" or host.endswith(_LOCAL_SUFFIXES):
        return True
    for name in (*_LOCAL_NAMES, *_WILDCARD_DNS):
        if host == name or host.endswith("." + name):
            return name not in _WILDCARD_DNS or not _public_in_name(host[: -len(name) - 1])
    return False


def _public_in_name(prefix: str) -> bool:
    """Whether a wildcard DNS name (`1.2.3.4.nip.io`, `app-7f000001.sslip.io`) holds a
    public IPv4 address; one that holds none or a private one is not public."""
    found = _EMBEDDED_V4.search(prefix)
    if found:
        if any(int(part) > 255 for part in found.groups()):
            return False
        address = ipaddress.IPv4Address(".".join(found.groups()))
    else:
        hexed = _EMBEDDED_HEX.search(prefix)
        if hexed is None:
            return False
        address = ipaddress.IPv4Address(int(hexed.group(1), 16))
    return address.is_global and not address.is_multicast


# --- the API's base URL ---------------------------------------------------------------


def check_base_url(url: str) -> str:
    """The base URL without a trailing slash; UsageError unless https, or plain http to
    this machine, with a host, a possible port, no user name, query or fragment."""
    example = "e.g. https://api.adspirer.ai"
    if _STRIPPED.search(url) or re.search(r"[\x00-\x20\x7f]", url):
        raise UsageError(f"--base-url holds a space or a control character; {example}")
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise UsageError(f"--base-url {url!r} is not a valid URL ({exc}); {example}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(f"--base-url {url!r} is not an http(s) URL, {example}")
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            "--base-url carries a user name or password (user@host); remove it — the API "
            "key goes in ADSPIRER_API_KEY or --api-key-file"
        )
    if port == 0:
        raise UsageError(f"--base-url {url!r} names no usable port (1-65535); {example}")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise UsageError(f"--base-url {url!r} has a query or fragment; drop it, {example}")
    if parts.scheme == "http" and not is_loopback(host):
        raise UsageError(
            f"--base-url {url!r} uses plain http to a host that is not this machine; "
            "use https (plain http is allowed only for 127.0.0.1/localhost, e.g. the sandbox)"
        )
    return url.rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
