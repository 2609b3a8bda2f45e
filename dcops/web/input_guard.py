"""Refuse, before any handler runs, what no column can hold: numbers beyond the database's integers and
text with control characters.

Without this a number past PostgreSQL's `integer` (or SQLite's 64 bits) and a NUL byte in any text reach
the driver and come back as a 500. Ids in the path that no row can have are simply not found (404); the
same in a filter or a body is bad input (422) naming the field. Tab, line feed and carriage return stay
allowed: notes and addresses have lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState
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


def _data(handler: HTTPRouteHandler) -> Any:
    """The handler's `data` parameter as Litestar parsed its signature, None when it reads no body that way."""
    return handler.parsed_fn_signature.parameters.get("data")


@cache
def body_media(handler: HTTPRouteHandler) -> RequestEncodingType | str | None:
    """How the handler's `data` is decoded (JSON, a form, multipart), None when it declares no `data`."""
    field = _data(handler)
    return None if field is None else getattr(field.kwarg_definition, "media_type", None) or RequestEncodingType.JSON


@cache
def body_shape(handler: HTTPRouteHandler) -> inspect.Type:
    """What the handler reads its JSON body as: its `data`'s type, or the schema it names as `opt={"body": ...}`
    when it reads a dict or raw bytes and checks them itself (a PATCH of some fields, the door's offline checks);
    else any value, every one of which may be a day."""
    schema = handler.opt.get("body")
    if schema is None:
        if (field := _data(handler)) is None:
            return _ANY
        schema = field.annotation
    try:
        return inspect.type_info(schema)
    except (TypeError, ValueError, NameError):  # a type msgspec cannot describe (NameError: an unresolved name)
        return _ANY


def _outside_the_calendar(text: str) -> bool:
    """A date, or a date and time, as the API takes them (RFC 3339) in a year dcops does not take."""
    m = _RFC3339_YEAR.match(text)
    return m is not None and not FIRST_DAY.year <= int(m.group(1)) <= LAST_DAY.year


def refused_in_json(body: Any, shape: inspect.Type = _ANY) -> dict[str, str]:
    """What a decoded JSON body holds that no column can: field errors by place, empty when nothing. `shape` is
    what the handler reads the body as: days are held to the calendar where it reads a day (anywhere, when it
    reads values of any type), so free text that happens to look like a day stays text."""
    errors: dict[str, str] = {}
    _walk(body, "", errors)
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
        seconds = _seconds(value) if isinstance(shape, inspect.DateTimeType) else None
        if (isinstance(value, str) and _outside_the_calendar(value)) or (
            seconds is not None and not _FIRST_SECOND <= seconds < _PAST_LAST_SECOND
        ):
            errors.setdefault(place, outside_the_calendar())
    elif isinstance(shape, inspect.UnionType):
        for member in shape.types:
            _walk_days(value, member, path, errors)
    elif isinstance(shape, _RECORDS) and isinstance(value, dict):
        for field in shape.fields:
            for name in {field.encode_name, field.name}:  # a PATCH's dict is read by the field's own name
                if name in value:
                    _walk_days(value[name], field.type, _place(path, name), errors)
    elif isinstance(shape, inspect.DictType) and isinstance(value, dict):
        for name, item in value.items():
            _walk_days(item, shape.value_type, _place(path, name), errors)
    elif isinstance(shape, _ITEMS) and isinstance(value, list):
        for i, item in enumerate(value):
            _walk_days(item, shape.item_type, f"{path}[{i}]", errors)
    elif isinstance(shape, inspect.TupleType) and isinstance(value, list):
        for i, (item, item_shape) in enumerate(zip(value, shape.item_types, strict=False)):
            _walk_days(item, item_shape, f"{path}[{i}]", errors)


async def _refused_in_body(request: Request[Any, Any, Any], handler: HTTPRouteHandler | None) -> dict[str, str]:
    """The body read as the handler reads it: Litestar decodes a body by the type the handler declares, whatever
    the request's content type says (a form's as a form, JSON's as JSON, also under text/plain or none); a handler
    that reads its raw body as a schema names it (`opt={"body": ...}`). Only a handler that declares neither (it
    reads the form itself) is read by the content type."""
    content_type = request.content_type[0]
    declared = body_media(handler) if handler else None
    if declared is None and handler is not None and handler.opt.get("body") is not None:
        declared = RequestEncodingType.JSON
    sent_form = content_type in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART)
    if declared in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
        if sent_form:  # Litestar's own parse, kept for the handler (the CSRF check may have made it already)
            return _refused_in_form((await request.form()).multi_items())
        if declared == RequestEncodingType.MULTI_PART:
            return {}  # a multipart handler reads no fields from this body
        return _refused_in_form(parse_qsl((await request.body()).decode("latin-1"), keep_blank_values=True))
    if declared is None and content_type == RequestEncodingType.URL_ENCODED:
        return _refused_in_form((await request.form()).multi_items())  # a handler reading its form itself
    if content_type == RequestEncodingType.MULTI_PART and (declared is None or _consumed(request)):
        return {}  # an upload nobody here reads as fields; or one parsed already, its bytes gone
    body = await request.body()
    if not body:
        return {}
    # What is no JSON is left to the handler's own decoding, which answers 400.
    with suppress(msgspec.DecodeError):
        try:
            return refused_in_json(msgspec.json.decode(body), body_shape(handler) if handler else _ANY)
        except RecursionError:  # msgspec's (and the walk's) answer to arrays in arrays thousands deep
            raise ValidationException(detail=_(TOO_DEEP)) from None
    return {}


def _consumed(request: Request[Any, Any, Any]) -> bool:
    """A multipart form was parsed from the request's stream (by the CSRF check): its raw bytes are gone."""
    state = ScopeState.from_scope(request.scope)
    return state.body is Empty and state.form is not Empty


def _refused_in_form(items: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Control characters in a form's names and text values (a file's name is cleaned where it is kept:
    dcops.documents.clean_name)."""
    return {
        key: _(CONTROL_MESSAGE)
        for key, value in items
        if has_control(key) or (isinstance(value, str) and has_control(value))
    }


def _seconds(value: Any) -> float | None:
    """A date and time sent as seconds since 1970, as Litestar reads one leniently: a number, or a number's text."""
    if type(value) in (int, float):
        return value
    if isinstance(value, str) and not _RFC3339_YEAR.match(value):
        with suppress(ValueError):
            return float(value)
    return None


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
    errors |= await _refused_in_body(request, handler)
    if errors:
        raise ValidationFailed(errors)
