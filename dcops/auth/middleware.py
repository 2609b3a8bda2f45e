"""Who is asking: the signed-in user from the session cookie, or an API token's user."""

from __future__ import annotations

from typing import Any

import anyio
import anyio.to_thread
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from dcops.auth import sessions
from dcops.auth.permissions import Perm, allows
from dcops.auth.service import CurrentUser, token_hash, user_for_token
from dcops.auth.throttle import LoginThrottle, Wait, refusal_page
from dcops.i18n import _

SESSION_KEY = "sid"  # the session token inside the signed, encrypted cookie


class AuthMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        bearer = bearer_of(scope)
        cache = scope["litestar_app"].state.token_cache
        if bearer is not None and (cached := cache.get(token_hash(bearer))) is not None:
            scope["user"] = cached  # a token seen in the last second: no database, no thread
        else:
            # Database work stays off the event loop, like the handlers' (dcops.web.routes).
            scope["user"] = await anyio.to_thread.run_sync(_resolve, scope, bearer)
        await next_app(scope, receive, send)


def bearer_of(scope: Scope) -> str | None:
    """The bearer token of a call under /api/, or None (a page, or no usable Authorization header)."""
    if not scope["path"].startswith("/api/"):
        return None
    for name, value in scope.get("headers") or ():
        if name == b"authorization":
            scheme, _, secret = value.decode("latin-1").partition(" ")
            return (secret.strip() or None) if scheme.lower() == "bearer" else None
    return None


def _resolve(scope: Scope, bearer: str | None) -> CurrentUser | None:
    """The API takes bearer tokens only: a browser's cookie never authenticates a call under /api/, so no other
    site can make a signed-in browser write through it (CSRF). Pages take the session cookie only."""
    state = scope["litestar_app"].state
    if scope["path"].startswith("/api/"):
        if bearer is None:
            return None
        with state.session_maker() as db:
            user = user_for_token(db, bearer)
        if user is not None:
            state.token_cache.put(token_hash(bearer), user)
        return user
    token = (scope.get("session") or {}).get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    with state.session_maker() as db:
        # Ended (signed out, deactivated, new password, by an admin), expired or idle: no longer signed in.
        user = sessions.user_of(db, token, state.session_life)
        return CurrentUser.of(user) if user is not None else None


async def permission_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Every route declares opt={"perm": Perm.x}; a route that forgot is closed, not open. Async although it
    waits for nothing: Litestar runs a synchronous guard in its thread pool, a thread hop for every request."""
    perm: Perm | None = handler.opt.get("perm")
    if perm is Perm.public:
        return
    user: CurrentUser | None = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException(_("Sign in first"))
    if perm is None or not allows(user.role, perm):
        role = user.role.label
        raise PermissionDeniedException(
            _("Your role (%(role)s) may not do this: it needs %(permission)s", role=role, permission=perm.value)
            if perm
            else _("Your role (%(role)s) may not do this", role=role)
        )


class LoginFloodMiddleware(ASGIMiddleware):
    """A sign-in from an address over its limit is answered 429 before anything else runs (no session, no form,
    no template), and answered late: the refusal waits TARPIT seconds without holding a thread or the CPU. A
    client that sends its next guess after the last answer (every HTTP/1.1 client on one connection) is slowed
    from hundreds of guesses a second to one, so the flood costs the server next to nothing and the door stays
    fast. Past MAX_TARPITTED waiting refusals a worker answers at once and closes the connection."""

    scopes = (ScopeType.HTTP,)
    TARPIT = 1.0  # seconds
    MAX_TARPITTED = 256  # per worker

    def __init__(self) -> None:
        self.waiting = 0  # one event loop per worker: no lock needed

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["path"] == "/login" and scope["method"] == "POST":
            client = scope.get("client")
            throttle: LoginThrottle = scope["litestar_app"].state.login_throttle
            if wait := throttle.address_wait(client[0] if client else "unknown"):
                await self._refuse(wait, send)
                return
        await next_app(scope, receive, send)

    async def _refuse(self, wait: Wait, send: Send) -> None:
        body = refusal_page(wait)
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"retry-after", str(wait.seconds).encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        if self.waiting < self.MAX_TARPITTED:
            self.waiting += 1
            try:
                await anyio.sleep(min(self.TARPIT, wait.seconds))
            finally:
                self.waiting -= 1
        else:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
