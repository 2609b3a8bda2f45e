"""Small things every page controller needs."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from litestar import Request

from dcops.access.keys import KeyRing
from dcops.auth.service import CurrentUser
from dcops.documents import DocumentStore
from dcops.validation import query_int  # noqa: F401 - pages import it from here
from dcops.web.forms import Field, euros


def actor(request: Request[Any, Any, Any]) -> str:
    user: CurrentUser = request.scope["user"]
    return user.username


def today(request: Request[Any, Any, Any]) -> date:
    """Today in the site's time zone: the day rule dates are compared with."""
    return request.app.state.settings.today()


def usual_rate(request: Request[Any, Any, Any]) -> int:
    """The supplier's usual hourly rate for extra work, in cents (M2, Art. 15.3; DCOPS_USUAL_RATE_CENTS)."""
    return request.app.state.settings.usual_rate_cents


def documents(request: Request[Any, Any, Any]) -> DocumentStore:
    return DocumentStore()


def keyring(request: Request[Any, Any, Any]) -> KeyRing:
    return request.app.state.pass_keys


def timezone(request: Request[Any, Any, Any]) -> str:
    return request.app.state.settings.site_timezone


def form_values(obj: Any, fields: list[Field]) -> dict[str, Any]:
    """An object's current values as a form shows them."""
    values: dict[str, Any] = {}
    for f in fields:
        v = getattr(obj, f.name, None)
        if f.kind == "money":
            values[f.name] = euros(v)
        else:
            values[f.name] = v.value if isinstance(v, Enum) else ("" if v is None else v)
    return values
