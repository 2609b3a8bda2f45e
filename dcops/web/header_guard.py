"""Headers the framework cannot read, answered before it tries: a Host whose port is no port, a CSRF token with
bytes outside ASCII.

Litestar builds a request's URL from its Host header and raises on a port like "99999" or "abc" wherever the URL
is read, its error handler included: the answer was a 500. A server answers 400 to an invalid Host (RFC 9112,
section 3.2). Litestar's CSRF check compares tokens as text and raises on non-ASCII; such a header is dropped, so
the check refuses the request as it refuses any missing token (403).
"""

from __future__ import annotations

from urllib.parse import SplitResult

import msgspec
from litestar.types import ASGIApp, Receive, Scope, Send

from dcops import i18n
from dcops.i18n import _
from dcops.web.locale import language_of

CSRF_HEADER = b"x-csrftoken"  # Litestar's CSRFConfig.header_name, which dcops keeps


def valid_host(value: bytes) -> bool:
    """A Host header Litestar can read: ASCII, and a port (when given) that is a number from 0 to 65535."""
    if not value.isascii():
        return False
    try:
        # The whole header as the netloc, as Litestar reads it ("a/:99999" too: a URL would end the host at "/").
        SplitResult("", value.decode(), "", "", "").port  # noqa: B018 — the property raises on what is no port
    except ValueError:
        return False
    return True


class HeaderGuard:
    def __init__(self, app: ASGIApp, language: str) -> None:
        self.app = app
        self.language = language  # the site's, for a reader who names none (the locale middleware has not run)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope["headers"]
            if any(name == b"host" and not valid_host(value) for name, value in headers):
                with i18n.use(language_of(scope, self.language)):
                    await _bad_host(send)
                return
            if any(name == CSRF_HEADER and not value.isascii() for name, value in headers):
                kept = [(n, v) for n, v in headers if n != CSRF_HEADER or v.isascii()]
                scope = {**scope, "headers": kept}  # type: ignore[typeddict-item]
        await self.app(scope, receive, send)


async def _bad_host(send: Send) -> None:
    body = msgspec.json.encode(
        {
            "type": "about:blank",
            "title": _("Malformed request"),
            "status": 400,
            "detail": _("The Host header names no host and port"),
        }
    )
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
