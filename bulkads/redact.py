"""The API key taken out of every text a server sends back, before it is shown or stored.

Usage::

    redact = Redactor(api_key)
    redact.data(b'{"error": "bad header Authorization: Bearer sk_fake_abc"}')
    # b'{"error": "bad header Authorization: Bearer [key redacted]"}'

A careless server's debug message may quote the Authorization header; the answer's
text then goes to the terminal, the journal and the results workbook. The key is
replaced as written, JSON-escaped and percent-encoded.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from bulkads.config import Secret

REDACTED = "[key redacted]"
_SHORTEST = 8


class Redactor:
    """Replaces one secret's written forms in bytes and text."""

    def __init__(self, secret: Secret) -> None:
        key = secret.reveal()
        if len(key) < _SHORTEST:  # not a real key: replacing it would garble every answer
            key = ""
        forms = {key, json.dumps(key)[1:-1], json.dumps(key)[1:-1].replace("/", "\\/")}
        forms |= {quote(key, safe=""), quote(key)}
        # Longest first, so a form that contains another is replaced whole.
        self._texts = sorted((form for form in forms if form), key=len, reverse=True)
        self._bytes = [form.encode() for form in self._texts]

    def data(self, body: bytes) -> bytes:
        for form in self._bytes:
            if form in body:
                body = body.replace(form, REDACTED.encode())
        return body

    def text(self, value: str) -> str:
        for form in self._texts:
            if form in value:
                value = value.replace(form, REDACTED)
        return value
