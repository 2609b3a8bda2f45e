"""Turn API bodies and HTML form posts into typed structs, collecting an error for every bad field."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

import msgspec

from dcops import i18n
from dcops.errors import ValidationFailed
from dcops.i18n import N_, _

T = TypeVar("T", bound=msgspec.Struct)

_TRUE = {"on", "true", "1", "yes"}

INT32_MAX = 2**31 - 1  # PostgreSQL `integer`: every id and count column
INT64_MAX = 2**63 - 1  # `bigint` (amounts in cents) and SQLite's INTEGER
Id = Annotated[int, msgspec.Meta(ge=1, le=INT32_MAX, description=N_("the id of an existing record"))]

# Tab, line feed and carriage return stay allowed: notes and addresses have lines. No column takes NUL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = N_("Must not contain control characters (such as NUL)")


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


_PLAIN = [  # msgspec's wording -> what a person at a tablet should read (a message; `n` from the pattern)
    (re.compile(r"^Expected int >= (-?\d+)$"), N_("Must be at least %(n)s")),
    (re.compile(r"^Expected int <= (-?\d+)$"), N_("Must be at most %(n)s")),
    (re.compile(r"^Expected int, got \w+$"), N_("Must be a whole number")),
    (re.compile(r"^Expected str of length >= 1$"), N_("This field is required")),
    (re.compile(r"^Expected str of length >= (\d+)$"), N_("At least %(n)s characters")),
    (re.compile(r"^Expected str of length <= (\d+)$"), N_("At most %(n)s characters")),
    (re.compile(r"^Invalid enum value .*$"), N_("Choose one of the listed values")),
    (re.compile(r"^Expected array of length >= 1$"), N_("Choose at least one")),
    (re.compile(r"^Expected array of length >= (\d+)$"), N_("Choose at least %(n)s")),
    (re.compile(r"^Expected array of length <= (\d+)$"), N_("Choose at most %(n)s")),
    (re.compile(r"^Invalid RFC3339 encoded date$"), N_("Must be a date (YYYY-MM-DD)")),
    (re.compile(r"^Expected date, got \w+$"), N_("Must be a date (YYYY-MM-DD)")),
    (re.compile(r"^Invalid RFC3339 encoded datetime$"), N_("Must be a date and time (YYYY-MM-DDTHH:MM)")),
    (re.compile(r"^Expected datetime, got \w+$"), N_("Must be a date and time (YYYY-MM-DDTHH:MM)")),
    (re.compile(r"^Expected str, got \w+$"), N_("Must be text")),
    (re.compile(r"^Expected bool, got \w+$"), N_("Must be true or false")),
]


def _clean(message: str, tp: Any = None) -> str:
    message = re.sub(r" - at `\$[^`]*`$", "", message).replace("`", "")
    if "matching regex" in message:
        what = _description(tp)
        return _("Must be %(what)s", what=_(what)) if what else _("Not in the expected format")
    for pattern, plain in _PLAIN:
        if m := pattern.match(message):
            return _(plain, n=i18n.number(int(m.group(1)))) if m.groups() else _(plain)  # 1.000.000 in Dutch
    return message[0].upper() + message[1:] if message else message


def _description(tp: Any) -> str:
    """The Meta description of an Annotated field type, looking inside Optional[...]."""
    if typing.get_origin(tp) is typing.Annotated:
        for meta in typing.get_args(tp)[1:]:
            if isinstance(meta, msgspec.Meta) and meta.description:
                return meta.description
    return next((d for a in typing.get_args(tp) if (d := _description(a))), "")


def _allows_none(tp: Any) -> bool:
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _allows_none(args[0])
    return (origin is typing.Union or origin is types.UnionType) and type(None) in args


def _base_type(tp: Any) -> Any:
    if typing.get_origin(tp) is typing.Annotated:
        return _base_type(typing.get_args(tp)[0])
    return tp


def parse(struct: type[T], data: Mapping[str, Any], *, form: bool = False) -> T:
    """Validate every field of `struct` from `data`; raise ValidationFailed naming each bad one.

    `form=True` reads browser semantics: blank text means "not given", a missing checkbox is False,
    and values arrive as strings to be converted.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType)
    hints = typing.get_type_hints(struct, include_extras=True)
    known = {f.name for f in info.fields}
    for field in info.fields:
        tp = hints[field.name]
        required = field.required
        if field.name not in data:
            if form and _base_type(tp) is bool:
                values[field.name] = False
            elif required:
                errors[field.name] = _("This field is required")
            continue
        raw = data[field.name]
        if isinstance(raw, str) and has_control(raw):
            errors[field.name] = _(CONTROL_MESSAGE)
            continue
        if form and isinstance(raw, str):
            raw = raw.strip()
            if raw == "":
                if _allows_none(tp):
                    values[field.name] = None
                elif required:
                    errors[field.name] = _("This field is required")
                continue
            if _base_type(tp) is bool:
                values[field.name] = raw.lower() in _TRUE
                continue
            if _base_type(tp) is date or _allows_none(tp) and date in typing.get_args(_base_type(tp)):
                # Typed in the reader's order (a browser's date picker shows its own locale's), ISO accepted
                if (typed_day := i18n.parse_day(raw)) is None:
                    errors[field.name] = day_error()
                else:
                    values[field.name] = typed_day
                continue
        try:
            values[field.name] = msgspec.convert(raw, tp, strict=not form)
        except msgspec.ValidationError as exc:
            errors[field.name] = _clean(str(exc), tp)
    if not form:
        for name in data:
            if name not in known:
                errors[name] = _("Unknown field")
    if errors:
        raise ValidationFailed(errors)
    return struct(**values)


def as_dict(obj: msgspec.Struct) -> dict[str, Any]:
    return msgspec.structs.asdict(obj)


def day_error() -> str:
    return _("Must be a date like %(example)s", example=i18n.day(i18n.EXAMPLE_DAY))


def query_day(value: str | None) -> date | None:
    """A filter's day as the reader types it ("30-11-2026", "30/11/2026") or ISO; None when missing or not a day."""
    return i18n.parse_day(value) if value else None


def query_int(value: str | None) -> int | None:
    """A filter's number, or None when it is missing, not a number or beyond what an id column holds."""
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and -INT32_MAX - 1 <= number <= INT32_MAX else None


def query_ids(value: str | None) -> list[int]:
    """A filter's comma-separated ids ("1,2,3"); what no id column can hold is left out, as it matches nothing."""
    return [n for part in (value or "").split(",") if (n := query_int(part)) is not None and n > 0]
