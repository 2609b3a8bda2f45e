"""Refuse, before any handler runs, what no column can hold: numbers beyond the database's integers and
text with control characters.

Without this a number past PostgreSQL's `integer` (or SQLite's 64 bits) and a NUL byte in any text reach
the driver and come back as a 500. Ids in the path that no row can have are simply not found (404); the
same in a filter or a body is bad input (422) naming the field. Tab, line feed and carriage return stay
allowed: notes and addresses have lines.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers import HTTPRouteHandler
from msgspec import inspect

from dcops.errors import NotFound, ValidationFailed
from dcops.i18n import FIRST_DAY, LAST_DAY, N_, _, outside_the_calendar
from dcops.validation import CONTROL_MESSAGE, INT32_MAX, INT64_MAX, has_control

NAME_MAX = 255  # bytes in a file's name, on the file systems dcops runs on
TOO_DEEP = N_("The JSON body is nested too deeply")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
# A JSON body's date or date and time (RFC 3339, as msgspec reads them): its year, to hold it to the days dcops takes.
_RFC3339_YEAR = re.compile(r"^(\d{4})-\d\d-\d\d(?:[Tt ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[Zz]|[+-]\d\d:?\d\d)?)?$")
# A date and time may also come as seconds since 1970 (Litestar decodes leniently): the same years, in UTC.
_FIRST_SECOND = datetime(FIRST_DAY.year, 1, 1, tzinfo=UTC).timestamp()
_PAST_LAST_SECOND = datetime(LAST_DAY.year + 1, 1, 1, tzinfo=UTC).timestamp()
_ANY = inspect.AnyType()
_DAYS = (inspect.DateType, inspect.DateTimeType)
_ITEMS = (inspect.ListType, inspect.SetType, inspect.FrozenSetType, inspect.VarTupleType)
_RECORDS = (inspect.StructType, inspect.DataclassType, inspect.TypedDictType)


@cache
def _query_names(handler: HTTPRouteHandler, kind: type) -> frozenset[str]:
    """The query parameters this handler reads as `kind` (int, date), by the name they have in the URL."""
    names = set()
    for name, field in handler.parsed_fn_signature.parameters.items():
        if _is(field.annotation, kind):
            alias = getattr(field.kwarg_definition, "query", None)
            names.add(alias or name)
    return frozenset(names)


def _is(annotation: Any, kind: type) -> bool:
    if annotation is kind:
        return True
    args = getattr(annotation, "__args__", ())
    return kind in args and all(a in (kind, type(None)) for a in args)


def _beyond(value: str, limit: int) -> bool:
    return bool(_INTEGER.match(value)) and not -limit - 1 <= int(value) <= limit


@cache
def body_shape(handler: HTTPRouteHandler) -> inspect.Type | None:
    """What the handler reads its JSON body as, None when it reads none. A handler that reads a dict and checks it
    against a schema itself (a PATCH of some fields) names the schema as `opt={"body": Schema}`."""
    schema = handler.opt.get("body")
    if schema is None:
        field = handler.parsed_fn_signature.parameters.get("data")
        if field is None:
            return None
        schema = field.annotation
    try:
        return inspect.type_info(schema)
    except (TypeError, ValueError):  # a type msgspec does not describe: every value may be a day
        return _ANY


def _outside_the_calendar(text: str) -> bool:
    """A date, or a date and time, as the API takes them (RFC 3339) in a year dcops does not take."""
    m = _RFC3339_YEAR.match(text)
    return m is not None and not FIRST_DAY.year <= int(m.group(1)) <= LAST_DAY.year


def refused_in_json(body: Any, shape: inspect.Type | None = _ANY) -> dict[str, str]:
    """What a decoded JSON body holds that no column can: field errors by place, empty when nothing. `shape` is
    what the handler reads the body as: days are held to the calendar where it reads a day (anywhere, when it
    reads values of any type), so free text that happens to look like a day stays text."""
    errors: dict[str, str] = {}
    _walk(body, "", errors)
    if shape is not None:
        _walk_days(body, shape, "", errors)
    return errors


def _walk(value: Any, path: str, errors: dict[str, str]) -> None:
    """Control characters anywhere in a JSON body's text, integers beyond 64 bits anywhere in its numbers."""
    if isinstance(value, str):
        if has_control(value):
            errors[path or "body"] = _(CONTROL_MESSAGE)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -INT64_MAX - 1 <= value <= INT64_MAX:
            errors[path or "body"] = _("Number out of range")
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if has_control(str(key)):
                errors[name] = _(CONTROL_MESSAGE)
            _walk(item, name, errors)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]", errors)


def _walk_days(value: Any, shape: inspect.Type, path: str, errors: dict[str, str]) -> None:
    """Days outside the years dcops takes where `shape` reads a day (a date sum or a time zone change with year
    9999 overflows), following the shape into records, lists and dicts."""
    while isinstance(shape, inspect.Metadata):  # Annotated[..., Meta(...)]
        shape = shape.type
    place = path or "body"
    if isinstance(shape, inspect.AnyType):
        if isinstance(value, str) and _outside_the_calendar(value):
            errors.setdefault(place, outside_the_calendar())
        elif isinstance(value, dict | list):
            for name, item in value.items() if isinstance(value, dict) else enumerate(value):
                _walk_days(item, shape, _place(path, name), errors)
    elif isinstance(shape, _DAYS):
        seconds = isinstance(shape, inspect.DateTimeType) and type(value) in (int, float)
        if (isinstance(value, str) and _outside_the_calendar(value)) or (
            seconds and not _FIRST_SECOND <= value < _PAST_LAST_SECOND
        ):
            errors.setdefault(place, outside_the_calendar())
    elif isinstance(shape, inspect.UnionType):
        for member in shape.types:
            _walk_days(value, member, path, errors)
    elif isinstance(shape, _RECORDS) and isinstance(value, dict):
        for field in shape.fields:
            if field.encode_name in value:
                _walk_days(value[field.encode_name], field.type, _place(path, field.encode_name), errors)
    elif isinstance(shape, inspect.DictType) and isinstance(value, dict):
        for name, item in value.items():
            _walk_days(item, shape.value_type, _place(path, name), errors)
    elif isinstance(shape, _ITEMS) and isinstance(value, list):
        for i, item in enumerate(value):
            _walk_days(item, shape.item_type, f"{path}[{i}]", errors)
    elif isinstance(shape, inspect.TupleType) and isinstance(value, list):
        for i, (item, item_shape) in enumerate(zip(value, shape.item_types, strict=False)):
            _walk_days(item, item_shape, f"{path}[{i}]", errors)


def _place(path: str, name: Any) -> str:
    return f"{path}[{name}]" if isinstance(name, int) else f"{path}.{name}" if path else str(name)


async def guard_input(request: Request[Any, Any, Any]) -> None:
    """The app's before_request hook."""
    path = request.scope["path"]
    if path.startswith("/static/") and any(len(part.encode()) > NAME_MAX for part in path.split("/")):
        raise NotFoundException()  # no file has such a name; the file system would answer with an error
    for name, value in request.path_params.items():
        if (isinstance(value, int) and not -INT32_MAX - 1 <= value <= INT32_MAX) or (
            isinstance(value, str) and has_control(value)
        ):
            raise NotFound(name.removesuffix("_id").replace("_", " ") or "item", value)
    errors: dict[str, str] = {}
    handler = request.route_handler if isinstance(request.route_handler, HTTPRouteHandler) else None
    ints, days = (_query_names(handler, int), _query_names(handler, date)) if handler else ((), ())
    for key, value in request.query_params.multi_items():
        if has_control(key) or has_control(value):
            errors[key] = _(CONTROL_MESSAGE)
        elif key in ints and _beyond(value, INT32_MAX):
            errors[key] = _("Must be between %(low)s and %(high)s", low=-INT32_MAX - 1, high=INT32_MAX)
        elif key in days and _outside_the_calendar(value):
            errors[key] = outside_the_calendar()
    content_type = request.content_type[0]
    if content_type == RequestEncodingType.URL_ENCODED:
        for key, value in (await request.form()).multi_items():
            if has_control(key) or (isinstance(value, str) and has_control(value)):
                errors[key] = _(CONTROL_MESSAGE)
    elif content_type != RequestEncodingType.MULTI_PART and (body := await request.body()):
        # JSON whatever the content type says: Litestar reads a JSON body as JSON under any (text/plain, none).
        # What is no JSON is left to the handler's own decoding, which answers 400.
        with suppress(msgspec.DecodeError):
            try:
                shape = body_shape(handler) if handler else _ANY
                errors |= refused_in_json(msgspec.json.decode(body), shape)
            except RecursionError:  # msgspec's (and the walk's) answer to arrays in arrays thousands deep
                raise ValidationException(detail=_(TOO_DEEP)) from None
    if errors:
        raise ValidationFailed(errors)
