"""Who is asking: the signed-in user from the session cookie, or an API token's user."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from dcops.auth.models import User
from dcops.auth.permissions import Perm, allows
from dcops.auth.service import CurrentUser, user_for_token

SESSION_USER_KEY = "uid"


class AuthMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        # Database work stays off the event loop, like the handlers' (dcops.web.routes).
        scope["user"] = await anyio.to_thread.run_sync(_resolve, scope)
        await next_app(scope, receive, send)


def _resolve(scope: Scope) -> CurrentUser | None:
    headers = dict(scope.get("headers") or [])
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    session: dict[str, Any] = scope.get("session") or {}
    uid = session.get(SESSION_USER_KEY)
    if not authorization and uid is None:
        return None
    with scope["litestar_app"].state.session_maker() as db:
        if authorization:
            scheme, _, secret = authorization.partition(" ")
            if scheme.lower() != "bearer" or not secret:
                return None
            return user_for_token(db, secret.strip())
        user = db.get(User, uid)
        # A deactivated account loses its open sessions at its next request.
        return CurrentUser.of(user) if user is not None and user.active else None


def permission_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Every route declares opt={"perm": Perm.x}; a route that forgot is closed, not open."""
    perm: Perm | None = handler.opt.get("perm")
    if perm is Perm.public:
        return
    user: CurrentUser | None = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException("Sign in first")
    if perm is None or not allows(user.role, perm):
        raise PermissionDeniedException(
            f"Your role ({user.role.label}) may not do this" + (f": it needs {perm.value}" if perm else "")
        )
