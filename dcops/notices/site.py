"""What a message needs of the installation: its absolute address for links and its time zone for times.

Like the reader's language (dcops.i18n), a context variable: the app sets it per request from its Settings, commands
from theirs; where nothing set it, the DCOPS_* environment (the same values Settings.from_env reads).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Site:
    base_url: str
    timezone: str

    def link(self, path: str) -> str:
        return f"{self.base_url}{path}"


class _HasSite(Protocol):
    base_url: str
    site_timezone: str


_site: ContextVar[Site | None] = ContextVar("dcops_site", default=None)


def current() -> Site:
    found = _site.get()
    if found is not None:
        return found
    base = os.environ.get("DCOPS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return Site(base, os.environ.get("DCOPS_TIMEZONE", "Europe/Amsterdam"))


@contextmanager
def use(settings: _HasSite) -> Iterator[None]:
    token = _site.set(Site(settings.base_url.rstrip("/"), settings.site_timezone))
    try:
        yield
    finally:
        _site.reset(token)
