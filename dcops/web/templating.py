"""Jinja2 setup: filters for the site's time zone and the permission check templates use."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar.plugins.jinja import JinjaTemplateEngine as Engine
from litestar.template.config import TemplateConfig

from dcops.auth.permissions import Perm, allows
from dcops.money import money

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def template_config(site_timezone: str) -> TemplateConfig[Engine]:
    tz = ZoneInfo(site_timezone)

    def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return "" if value is None else value.astimezone(tz).strftime(fmt)

    def day(value: date | None) -> str:
        return "" if value is None else value.isoformat()

    def can(request: Any, perm: str) -> bool:
        user = request.scope.get("user")
        return user is not None and allows(user.role, Perm(perm))

    def query(request: Any, **changes: Any) -> str:
        """The current query string with some parameters changed: for filters and pagination links."""
        params = {k: v for k, v in request.query_params.items()}
        params.update({k: v for k, v in changes.items()})
        return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def configure(engine: Engine) -> None:
        env = engine.engine
        env.filters.update(local=local, day=day)
        env.globals.update(can=can, query=query, money=money)
        env.trim_blocks = True
        env.lstrip_blocks = True

    return TemplateConfig(directory=TEMPLATES, engine=Engine, engine_callback=configure)
