"""Every status an API route can answer, in the OpenAPI document, with the problem+json body it carries.

Litestar documents the success and a generic 400; the errors `dcops.web.problems` actually sends (problem+json
with `errors` or `reasons`) and the statuses the middleware and the terms add are declared here once, for every
route under /api, so a client generator and the schema fuzz in the suite see what really comes back.
"""

from __future__ import annotations

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from dcops.web.problems import PROBLEM
from dcops.web.resource import ReasonOut


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details, with dcops' field errors and the rules behind a refusal."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: dict[str, str] | None = None
    reasons: list[ReasonOut] | None = None


def _spec(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=Problem, media_type=PROBLEM, description=description, generate_examples=False)


EVERY_ROUTE = {
    400: _spec("Malformed request: the body or a parameter could not be read"),
    401: _spec("Sign in required: no valid bearer token"),
    403: _spec("Not allowed for this role, or refused by the terms (`reasons` names each rule and article)"),
    422: _spec("Some fields need attention (`errors` names each field)"),
    503: _spec("Busy or the database is unreachable; nothing was changed. Retry after `Retry-After` seconds"),
}
WITH_AN_ID = {404: _spec("No such record")}
WRITES = {
    404: _spec("A record the body names does not exist"),
    409: _spec("Conflicts with the current state (a taken rack unit, a duplicate name, a step out of order)"),
}


def document_problems(app: Litestar) -> None:
    """Add the problem responses to every API route handler; a handler's own declarations win."""
    for route in app.routes:
        if not route.path.startswith("/api"):
            continue
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            extra: dict[int, ResponseSpec] = dict(EVERY_ROUTE)
            if "{" in route.path:
                extra |= WITH_AN_ID
            if handler.http_methods - {"GET", "HEAD"}:
                extra |= WRITES
            handler.responses = extra | dict(handler.responses or {})  # type: ignore[assignment]
