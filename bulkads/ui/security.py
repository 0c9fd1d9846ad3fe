"""Who may use the page: loopback only, the printed token, then a cookie (CONTRACT-free edge).

Usage::

    gate = Gate.for_port(8760)
    gate.install(app)
    print(gate.url())     # http://127.0.0.1:8760/?token=...

The page can spend the user's money, so every request must carry the session cookie
(got once by opening the printed URL with its token), name this server in `Host`
(a DNS-rebinding page names its own host) and, when it changes anything, come from
this page's own `Origin` (a cross-site form or fetch carries another one).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOOPBACK = "127.0.0.1"
_SAFE_METHODS = frozenset({"GET", "HEAD"})
# No inline script or style, nothing from elsewhere, never framed.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_OPEN_THE_URL = "Open the address `bulkads ui` printed (it carries the token)."


@dataclass(frozen=True)
class Gate:
    """The server's token, its session cookie and the hosts it answers to."""

    port: int
    token: str  # in the printed URL only
    session: str  # the cookie's value: not the token, so the URL alone is not the cookie

    @classmethod
    def for_port(cls, port: int) -> Gate:
        return cls(port, secrets.token_urlsafe(32), secrets.token_urlsafe(32))

    @property
    def cookie(self) -> str:
        # Cookies ignore the port: a name per port keeps two servers apart.
        return f"bulkads_ui_{self.port}"

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset({f"{LOOPBACK}:{self.port}", f"localhost:{self.port}"})

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(f"http://{host}" for host in self.hosts)

    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/?token={self.token}"

    def allows_host(self, request: web.Request) -> bool:
        return request.headers.get("Host", "") in self.hosts

    def has_session(self, request: web.Request) -> bool:
        return hmac.compare_digest(request.cookies.get(self.cookie, ""), self.session)

    def has_token(self, request: web.Request) -> bool:
        return hmac.compare_digest(request.query.get("token", ""), self.token)

    def allows_origin(self, request: web.Request) -> bool:
        if request.method in _SAFE_METHODS:
            return True
        return request.headers.get("Origin", "") in self.origins

    def install(self, app: web.Application) -> None:
        """Guard every request of `app`, and give every response the safety headers."""
        app.middlewares.append(self.middleware)
        app.on_response_prepare.append(_safety_headers)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not self.allows_host(request):
            return refused(421, "This page answers only at its own 127.0.0.1 address.")
        if request.path == "/" and self.has_token(request):
            # Trade the token for the cookie, and drop it from the address bar.
            response = web.Response(status=303, headers={"Location": "/"})
            response.set_cookie(
                self.cookie, self.session, path="/", httponly=True, samesite="Strict"
            )
            return response
        if not self.has_session(request):
            return refused(403, f"Not signed in to this bulkads page. {_OPEN_THE_URL}")
        if not self.allows_origin(request):
            return refused(403, "Refused: the request did not come from this page.")
        return await handler(request)


async def _safety_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(_HEADERS)


def refused(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
