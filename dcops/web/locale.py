"""The reader's language for each request (dcops.i18n), and the header's switch that remembers a choice."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.enums import ScopeType
from litestar.exceptions import ValidationException
from litestar.middleware import ASGIMiddleware
from litestar.response import Redirect
from litestar.types import ASGIApp, Receive, Scope, Send

from dcops import i18n
from dcops.auth.permissions import Perm

YEAR = 365 * 24 * 3600


class LocaleMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        language = language_of(scope, scope["litestar_app"].state.settings.language)
        scope["language"] = language
        with i18n.use(language):
            await next_app(scope, receive, send)


def language_of(scope: Scope, default: str) -> str:
    """The language a request is answered in: the switch's cookie, else the Accept-Language header, else `default`."""
    choice = accept = None
    for name, value in scope.get("headers") or ():
        if name == b"cookie":
            choice = _cookie(value.decode("latin-1")) or choice
        elif name == b"accept-language":
            accept = value.decode("latin-1")
    return i18n.negotiate(choice, accept, default)


def _cookie(header: str) -> str | None:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == i18n.COOKIE:
            return value.strip('"')
    return None


def _local_path(target: Any) -> str:
    """Back to the page the switch was on; never off this site (`//evil.example` is another host)."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target[:2000]
    return "/"


@post("/language", opt={"perm": Perm.public}, include_in_schema=False, status_code=303)
async def switch_language(request: Request[Any, Any, Any]) -> Redirect:
    form = await request.form()
    language = form.get("language")
    if language not in i18n.LANGUAGES:
        raise ValidationException(detail=i18n._("Choose Nederlands or English"))
    response = Redirect(_local_path(form.get("next")), status_code=303)
    settings = request.app.state.settings
    response.set_cookie(
        i18n.COOKIE, language, max_age=YEAR, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies
    )
    return response
