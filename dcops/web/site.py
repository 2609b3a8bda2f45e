"""Every request runs with the installation's address and time zone set (dcops.notices.site), for the messages
a request writes: absolute links, times in the site's zone."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from dcops.notices import site


class SiteMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        with site.use(scope["litestar_app"].state.settings):
            await next_app(scope, receive, send)
