"""Turn API bodies and HTML form posts into typed structs, collecting an error for every bad field."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

from dcops.errors import ValidationFailed

T = TypeVar("T", bound=msgspec.Struct)

_TRUE = {"on", "true", "1", "yes"}


def _clean(message: str) -> str:
    message = re.sub(r" - at `\$[^`]*`$", "", message).replace("`", "")
    return message[0].upper() + message[1:] if message else message


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
                errors[field.name] = "This field is required"
            continue
        raw = data[field.name]
        if form and isinstance(raw, str):
            raw = raw.strip()
            if raw == "":
                if _allows_none(tp):
                    values[field.name] = None
                elif required:
                    errors[field.name] = "This field is required"
                continue
            if _base_type(tp) is bool:
                values[field.name] = raw.lower() in _TRUE
                continue
        try:
            values[field.name] = msgspec.convert(raw, tp, strict=not form)
        except msgspec.ValidationError as exc:
            errors[field.name] = _clean(str(exc))
    if not form:
        for name in data:
            if name not in known:
                errors[name] = "Unknown field"
    if errors:
        raise ValidationFailed(errors)
    return struct(**values)


def as_dict(obj: msgspec.Struct) -> dict[str, Any]:
    return msgspec.structs.asdict(obj)
