"""Security headers on every response: pages, API, static files, redirects and errors alike.

It works on the ASGI `http.response.start` message, so it does not matter who made the response: a handler, the
static files, an exception handler, or Litestar's router answering 404/405 before any route (and its middleware)
is chosen. That is why it is registered as the app's `before_send` hook, which wraps `send` at the application's
entry, rather than as route middleware: middleware runs only once a route matched, and errors raised inside it
or in other middleware (CSRF, sign-in) are answered outside it.

The Content-Security-Policy allows no inline script, no inline style and no eval: behaviour comes from the static
scripts (dcops.js reads data-confirm, data-print, data-autosubmit and data-back), looks from dcops.css.
"""

from __future__ import annotations

import re

from litestar.types import Message, Scope

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        # The cameras (door, label scanner) play a MediaStream through srcObject, which no directive governs;
        # blob: and mediastream: keep a blob or stream URL working should a browser or a later script use one.
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",  # the door and tablet screens are never to be framed by another site
    "referrer-policy": "same-origin",
}

# Pages and images that show a visit pass (its code opens the door), the door's answers (who came in, with
# what), and customers' policy documents: never kept by the browser or a proxy. The public keys are not secret.
_NO_STORE = re.compile(
    r"""^(?:
        /passes(?:/|$)                      # the pass page and its QR images
      | /api/passes/\d+(?:/|$)              # ... through the API (not /api/passes/keys: public keys)
      | /api/visits(?:/|$)                  # visits carry their passes' codes
      | /visits/\d+/?$                      # ... and so does a visit's page
      | /door(?:/|$) | /api/door/           # the door screen, its answers, its log
      | (?:/api)?/policies/\d+/document/?$  # a customer's insurance policy
    )""",
    re.VERBOSE,
)


def no_store(path: str) -> bool:
    return _NO_STORE.match(path) is not None


async def security_headers(message: Message, scope: Scope) -> None:
    """before_send hook: set the headers on the response's start message, replacing any a handler set."""
    if message["type"] != "http.response.start":
        return
    path = scope.get("path", "")
    wanted = {**SECURITY_HEADERS, "content-security-policy": CSP}
    headers = [(k, v) for k, v in message.get("headers", ()) if k.decode("latin-1").lower() not in wanted]
    if no_store(path):
        cache = [v for k, v in headers if k.lower() == b"cache-control"]
        if not any(b"no-store" in v.lower() for v in cache):
            headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
            headers.append((b"cache-control", b"no-store"))
    headers.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in wanted.items())
    message["headers"] = headers
