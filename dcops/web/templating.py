"""Jinja2 setup: filters for the site's time zone and the permission check templates use."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from litestar.exceptions import MethodNotAllowedException, NotFoundException
from litestar.plugins.jinja import JinjaTemplateEngine as Engine
from litestar.template.config import TemplateConfig
from markupsafe import Markup

from dcops import __licence__, __version__, i18n
from dcops.auth.permissions import Perm, allows
from dcops.vocabulary import word

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _answers_get(app: Any, path: str) -> bool:
    try:
        app.asgi_router.handle_routing(path=path, method="GET")
    except (NotFoundException, MethodNotAllowedException):
        return False
    except Exception:  # noqa: BLE001 — whatever the router makes of a path a Referer named, it is no page to go to
        return False
    return True


def template_config(site_timezone: str) -> TemplateConfig[Engine]:
    tz = ZoneInfo(site_timezone)

    def local(value: datetime | None, fmt: str | None = None) -> str:
        """In the site's time, formatted for the reader ("30-11-2026 14:05"); `fmt` for a fixed machine format."""
        if value is None:
            return ""
        return value.astimezone(tz).strftime(fmt) if fmt else i18n.moment(value, tz)

    def typed(value: Any, kind: str) -> Any:
        """A date or date-time field's value as the reader types it ("30-11-2026 14:05"); anything else, such as
        what was typed and refused, stays as it was."""
        if kind == "date" and isinstance(value, date | str):
            day_value = value if isinstance(value, date) else i18n.parse_day(value) if len(value) == 10 else None
            return i18n.day(day_value) if day_value else value
        if kind == "datetime-local" and isinstance(value, datetime | str):
            moment = value if isinstance(value, datetime) else i18n.parse_moment(value) if "T" in value else None
            if moment is None:
                return value
            return i18n.moment(moment, tz) if moment.tzinfo else i18n.moment(moment)
        return value

    def time_span(starts: datetime, ends: datetime) -> str:
        """From start to end in the site's time, the day written once when both fall on it."""
        return i18n.window(starts, ends, tz)

    def local_time(value: datetime | None) -> str:
        return "" if value is None else i18n.clock_time(value, tz)

    def day(value: date | None) -> str:
        return i18n.day(value)

    def can(request: Any, perm: str) -> bool:
        user = request.scope.get("user")
        return user is not None and allows(user.role, Perm(perm))

    def query(request: Any, **changes: Any) -> str:
        """The current query string with some parameters changed: for filters and pagination links."""
        params = {k: v for k, v in request.query_params.items()}
        params.update({k: v for k, v in changes.items()})
        return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def here(request: Any) -> str:
        """Where the language switch returns to: this page; after a form post (a refusal re-rendered at the
        post's URL, which may answer no GET) the page the form was on as the browser names it, or the nearest
        page above it that answers GET (a second refused post names the post's URL itself)."""
        if request.method in ("GET", "HEAD"):
            return request.url.path + ("?" + request.url.query if request.url.query else "")
        try:
            came_from = urlsplit(request.headers.get("referer", ""))
        except ValueError:  # a Referer no URL parser reads ("http://[x")
            came_from = urlsplit("")
        path, query = came_from.path or request.url.path, came_from.query
        while path not in ("", "/") and not _answers_get(request.app, path):
            path, query = path.rsplit("/", 1)[0], ""
        return (path or "/") + ("?" + query if query else "")

    def meter(pct: float | None) -> Markup:
        """A bar of `pct` percent in 5 % steps (classes in dcops.css: no style attribute under the CSP); some use
        shows at least one step. A function, not a macro: the racks list draws 300 of them."""
        share = pct or 0
        step = min(max(round(share / 5), 1 if share > 0 else 0), 20)
        hot = " hot" if pct and pct > 85 else ""
        return Markup(f'<div class="meter{hot}" title="{pct}%"><span class="w{step * 5}"></span></div>')

    def configure(engine: Engine) -> None:
        env = engine.engine
        env.add_extension("jinja2.ext.i18n")
        # newstyle: `_("… %(name)s", name=x)` escapes x and formats (so a literal % is %%); the language is the
        # request's (dcops.i18n). `value | t` translates a message marked N_() in the code (a form's labels).
        env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
        env.filters.update(
            t=i18n.gettext,
            typed=typed,
            word=word,
            local=local,
            local_time=local_time,
            day=day,
            long_day=i18n.long_day,
            number=i18n.number,
        )
        env.globals.update(
            can=can,
            query=query,
            here=here,
            time_span=time_span,
            meter=meter,
            money=i18n.money,
            amount=i18n.amount,
            language=i18n.current,
            day_hint=i18n.day_hint,
            LANGUAGES=i18n.LANGUAGES,
            VERSION=__version__,
            LICENCE=__licence__,
        )
        env.trim_blocks = True
        env.lstrip_blocks = True

    return TemplateConfig(directory=TEMPLATES, engine=Engine, engine_callback=configure)
