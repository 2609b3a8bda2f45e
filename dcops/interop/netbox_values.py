"""NetBox's values as its files give them: a reference to another object (a nested API object or a CSV name), text,
numbers, ids; and the RowProblem that names the field when one is wrong."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any, NamedTuple

from dcops.i18n import FIRST_DAY, LAST_DAY, _, outside_the_calendar
from dcops.interop.netbox_files import Row

_CODE = re.compile(r"[^A-Za-z0-9._-]+")


class RowProblem(Exception):
    def __init__(self, field: str, message: str, rule: str | None = None, article: str | None = None) -> None:
        super().__init__(message)
        self.field, self.message, self.rule, self.article = field, message, rule, article


class Ref(NamedTuple):  # immutable, and made twice as fast as a frozen dataclass: an import makes 150,000
    """A reference to another object as NetBox gives it: a nested object of the API, or a name in a CSV."""

    id: str | None
    name: str | None


def ref(value: Any) -> Ref | None:
    if type(value) is str:  # a CSV's cell: the common case first
        text = value.strip()
        return Ref(None, text) if text else None
    if isinstance(value, dict):
        ident = value.get("id")
        name = value.get("name") or value.get("model") or value.get("slug") or value.get("display")
        return Ref(str(ident) if ident is not None else None, str(name) if name is not None else None)
    if value is None or str(value).strip() == "":
        return None
    return Ref(None, str(value).strip())


def text(row: Row, key: str, limit: int, required: bool = False) -> str | None:
    value = row.data.get(key)
    if type(value) is str:  # a CSV's cell: the common case first
        text = value.strip()
    else:
        if isinstance(value, dict):  # a choice of the API: {"value": ..., "label": ...}
            value = value.get("value")
        text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise RowProblem(key, _("is required"))
        return None
    if len(text) > limit:
        raise RowProblem(key, _("is longer than %(n)s characters", n=limit))
    return text


def number(row: Row, key: str, low: float, high: float) -> float | None:
    raw = text(row, key, 20)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise RowProblem(key, _("%(value)s is not a number", value=repr(raw))) from None
    if not low <= value <= high:
        raise RowProblem(
            key,
            _("%(value)s is not between %(low)s and %(high)s", value=raw, low=format(low, "g"), high=format(high, "g")),
        )
    return value


def whole(row: Row, key: str, low: int, high: int) -> int | None:
    value = number(row, key, low, high)
    if value is None:
        return None
    if value != int(value):
        raise RowProblem(key, _("%(value)s is not a whole number", value=format(value, "g")))
    return int(value)


_FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def flag(row: Row, key: str) -> bool | None:
    raw = text(row, key, 10)
    if raw is None:
        return None
    if (value := _FLAGS.get(raw.casefold())) is None:
        raise RowProblem(key, _("%(value)s is not true or false", value=repr(raw)))
    return value


def day(row: Row, key: str) -> date | None:
    raw = text(row, key, 10)  # a YAML date reads as one, and prints as YYYY-MM-DD
    if raw is None:
        return None
    try:
        found = date.fromisoformat(raw)
    except ValueError:
        raise RowProblem(key, _("%(value)s is not a date as YYYY-MM-DD", value=repr(raw))) from None
    if not FIRST_DAY <= found <= LAST_DAY:
        raise RowProblem(key, outside_the_calendar())
    return found


def netbox_id(row: Row) -> str | None:
    value = row.data.get("id")
    return None if value is None or str(value).strip() == "" else str(value).strip()


def generated_label(row: Row, a: int, b: int) -> str:
    """A cable without a label or NetBox id: one derived from its ends, the same at every import."""
    ends = "|".join(str(row.data.get(k, "")) for k in ("side_a_device", "side_a_name", "side_b_device", "side_b_name"))
    return "NB-" + hashlib.sha1(ends.encode(), usedforsecurity=False).hexdigest()[:12]


def device_key(value: Any) -> str:
    r = ref(value)
    return "" if r is None else f"#{r.id}" if r.id is not None else (r.name or "").casefold()


def code(name: str) -> str:
    """A short code for a site or room from NetBox's slug or name."""
    return _CODE.sub("-", name).strip("-._")[:20] or "X"
