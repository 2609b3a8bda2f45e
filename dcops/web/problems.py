"""One place turns every error into what the caller can read: problem+json for /api, a page for people.

Refusals carry `reasons: [{rule, article, message}]` (DESIGN principle 2); bad input carries
`errors: {field: message}`.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError, InterfaceError, OperationalError, StatementError

from dcops.db import OutsideTheCalendar
from dcops.errors import Conflict, NotFound, SigningKeyUnreadable, ValidationFailed
from dcops.i18n import N_, _, outside_the_calendar
from dcops.terms import Denied
from dcops.web.input_guard import TOO_DEEP

log = logging.getLogger("dcops")
PROBLEM = "application/problem+json"


def is_api(request: Request[Any, Any, Any]) -> bool:
    """Answered as problem+json: the API, and a page's script that asks for JSON (the door screen posting the
    checks it decided offline); a browser asking for a page gets a page."""
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return True
    try:
        return request.accept.best_match(["text/html", "application/json"]) == "application/json"
    except (ValueError, OverflowError):  # an Accept header no one can read (q=1e999): a page, as for a browser
        return False


def _litestar_field_errors(exc: ValidationException) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item in exc.extra or []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "")
            errors[key] = str(item.get("message", ""))
    return errors


def describe(exc: Exception) -> tuple[int, str, str, dict[str, Any]]:
    """(status, title, detail, extra members) for any exception."""
    if isinstance(exc, Denied):
        return 403, _("Refused by the terms"), str(exc), {"reasons": [r.as_dict() for r in exc.verdict.reasons]}
    if isinstance(exc, ValidationFailed):
        return 422, _("Some fields need attention"), str(exc), {"errors": exc.errors}
    if isinstance(exc, NotFound):
        return 404, _("Not found"), str(exc), {}
    if isinstance(exc, Conflict):
        return 409, _("Conflict"), str(exc), {"errors": {exc.field: str(exc)}} if exc.field else {}
    if isinstance(exc, SigningKeyUnreadable):
        log.error("%s", exc)
        return 503, _("Pass signing key unreadable"), str(exc), {}
    if isinstance(exc, OperationalError) and _is_contention(exc):
        return 503, _(BUSY), _("Another change was being saved at the same moment; nothing was changed. Try again."), {}
    cause = exc.orig if isinstance(exc, StatementError) else exc
    if isinstance(cause, OutsideTheCalendar) or isinstance(cause, OverflowError) and "date" in str(cause):
        # The input guard holds days to the calendar dcops takes; this is the net under it (a date sent as a
        # number, a date and time whose offset takes it past year 1 or 9999).
        return 422, _("Some fields need attention"), outside_the_calendar(), {}
    if isinstance(cause, OverflowError):  # a number past what the driver binds
        return 422, _("Some fields need attention"), _("A value is out of range or not allowed in the database."), {}
    if isinstance(exc, DataError):
        # The input guard keeps numbers and text within what the columns hold; this is the net under it.
        log.warning("value refused by the database: %s", exc.orig)
        return 422, _("Some fields need attention"), _("A value is out of range or not allowed in the database."), {}
    if isinstance(exc, OperationalError | InterfaceError) or getattr(exc, "connection_invalidated", False):
        # Pool pre-ping already replaced a dead connection once at checkout; this one died mid-request.
        log.warning("database unavailable: %s", exc)
        return (
            503,
            _(UNAVAILABLE),
            _("The database cannot be reached just now; nothing was changed. Try again shortly."),
            {},
        )
    if isinstance(exc, RecursionError) and "deserializing" in str(exc):  # msgspec, on arrays thousands deep
        return 400, _("Malformed request"), _(TOO_DEEP), {}
    if isinstance(exc, ValidationException):
        errors = _litestar_field_errors(exc)
        return 400, _("Malformed request"), exc.detail, {"errors": errors} if errors else {}
    if isinstance(exc, HTTPException):
        return exc.status_code, _(_TITLES.get(exc.status_code, exc.detail)), _(exc.detail), {}
    log.exception("unhandled error", exc_info=exc)
    return (
        HTTP_500_INTERNAL_SERVER_ERROR,
        _("Internal error"),
        _("Something went wrong on our side; it was logged."),
        {},
    )


def _is_contention(exc: OperationalError) -> bool:
    """Lock contention the caller can simply retry: SQLite's busy writer, PostgreSQL's deadlock/serialisation."""
    code = getattr(exc.orig, "sqlstate", None)
    return "database is locked" in str(exc.orig) or code in ("40001", "40P01", "55P03")


BUSY, UNAVAILABLE = N_("Busy"), N_("Database unavailable")
_TITLES = {401: N_("Sign in required"), 403: N_("Not allowed"), 404: N_("Not found"), 405: N_("Method not allowed")}


def problem_response(
    request: Request[Any, Any, Any], status: int, title: str, detail: str, extra: dict[str, Any]
) -> Response[Any]:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else _retry(status, title)
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def _retry(status: int, title: str) -> dict[str, str] | None:
    if status != 503:
        return None
    return {"Retry-After": "5" if title in (UNAVAILABLE, _(UNAVAILABLE)) else "1"}


def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status, title, detail, extra = describe(exc)
    if is_api(request):
        return problem_response(request, status, title, detail, extra)
    if isinstance(exc, NotAuthorizedException):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path=f"/login?next={target}" if request.method == "GET" else "/login")
    if isinstance(exc, PermissionDeniedException):
        title = _("Not allowed")
    return Template(
        template_name="error.html",
        status_code=status,
        headers=_retry(status, title),
        media_type=MediaType.HTML,
        context={
            "status": status,
            "title": title,
            "detail": detail,
            "reasons": extra.get("reasons", []),
            "errors": extra.get("errors", {}),
        },
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {Exception: handle, 404: handle, 405: handle}
