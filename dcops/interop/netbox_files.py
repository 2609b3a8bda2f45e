"""Reading NetBox's files: bulk-import CSV, YAML and JSON with its field names, or REST API pages; each row with
the kind of object it is (from the API's `url`, else from the file's name) and where it was (file and row)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dcops.i18n import _
from dcops.interop import yaml_input

MAX_FILE_BYTES = 200_000_000
PORT_KINDS = ("rear-ports", "front-ports", "interfaces", "console-ports", "console-server-ports", "power-ports",
              "power-outlets")  # fmt: skip
KINDS = ("tenants", "sites", "locations", "racks", "device-types", "devices", *PORT_KINDS, "cables")  # applied so
LATER = ("manufacturers", "regions", "platforms", "module-types", "modules")
_API_PATH = re.compile(r"/api/(?:dcim|tenancy)/([a-z-]+)/\d+/?$")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    field: str
    message: str
    rule: str | None = None
    article: str | None = None  # of the general terms, where a rule decides

    def __str__(self) -> str:
        at = f"{self.file}, row {self.row}" if self.row else self.file
        rule = f" (rule {self.rule})" if self.rule else ""
        if self.article:
            rule = f" — Art. {self.article} (rule {self.rule})"  # as a Reason reads
        return f"{at}: {self.field}: {self.message}{rule}" if self.field else f"{at}: {self.message}{rule}"


@dataclass(slots=True)  # not frozen: a frozen dataclass costs three times as much to make, and an import makes 100,000
class Row:
    file: str
    number: int  # the CSV line (the header is line 1) or the item's place in its list, from 1
    kind: str
    data: dict[str, Any]


def read(path: Path) -> list[Row] | Problem:
    """The rows of one file, each with its kind (from the API's `url`, else from the file's name)."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return Problem(name, None, "", _("Larger than %(n)s MB: export it in parts", n=MAX_FILE_BYTES // 1_000_000))
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return Problem(name, None, "", _("Cannot be read: %(error)s", error=exc.strerror or exc))
    except UnicodeDecodeError:
        return Problem(name, None, "", _("Not UTF-8 text: export it from NetBox as UTF-8"))
    try:
        items, first_line = _items(path.suffix.lower(), text)
    except (ValueError, RecursionError, yaml.YAMLError, csv.Error) as exc:  # RecursionError: JSON nested too deep
        return Problem(
            name,
            _line_of(exc),
            "",
            _("Cannot be read as %(format)s: %(error)s", format=path.suffix.lstrip(".").upper(), error=exc),
        )
    if items is None:
        return Problem(name, None, "", _("Holds no rows, not even NetBox's header"))
    if not all(isinstance(i, dict) for i in items):
        return Problem(name, None, "", _("Each item must be one object with NetBox's field names"))
    kind = _kind(path, items[0] if items else {})
    if kind in LATER:
        return Problem(name, None, "", _("NetBox %(kind)s are not imported yet; import tenants, sites, locations, "
                       "racks, devices, ports and cables, and hardware types from the device-type library",
                       kind=kind))  # fmt: skip
    if kind not in KINDS:
        names = ", ".join(f"{k}.csv" for k in KINDS)
        return Problem(name, None, "", _("Cannot tell what this file holds: name it after NetBox's list "
                       "(%(names)s) or export it from the REST API", names=names))  # fmt: skip
    return [Row(name, first_line + n, kind, _custom_fields(item)) for n, item in enumerate(items)]


def _custom_fields(item: dict[Any, Any]) -> dict[Any, Any]:
    """The REST API nests custom fields (`"custom_fields": {"contract": ...}`); the bulk-import files name them
    `cf_contract`: read as the latter, a column of the row itself winning."""
    nested = item.get("custom_fields")
    if isinstance(nested, dict) and nested:
        return {**{f"cf_{k}": value for k, value in nested.items()}, **item}
    return item


def _items(suffix: str, text: str) -> tuple[list[Any] | None, int]:
    """The file's objects (None: an empty file), and the line or place number of the first."""
    if suffix == ".csv":
        return _csv_items(text), 2
    if not text.strip():
        return None, 1
    data = json.loads(text) if suffix == ".json" else yaml_input.load(text)
    if suffix not in (".json", ".yaml", ".yml"):
        raise ValueError("use .csv, .json, .yaml or .yml")
    if isinstance(data, dict):  # one page of the REST API, or one object (a device type file)
        data = data["results"] if isinstance(data.get("results"), list) else [data]
    if not isinstance(data, list):
        raise ValueError("expected a list of objects, or an API page with `results`")
    return data, 1


def _csv_items(text: str) -> list[dict[str, Any]] | None:
    """The rows as csv.DictReader gives them (a short row's missing cells None, a long row's extra cells in a list
    under None, blank lines skipped), without its per-row Python: a large export has 100,000 rows."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return None
    width = len(header)
    items = []
    for cells in reader:
        if len(cells) == width:
            items.append(dict(zip(header, cells, strict=True)))
        elif cells:
            item: dict[Any, Any] = dict(zip(header, cells, strict=False))
            if len(cells) > width:
                item[None] = cells[width:]
            else:
                item.update(dict.fromkeys(header[len(cells) :]))
            items.append(item)
    return items


def _line_of(exc: Exception) -> int | None:
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else getattr(exc, "lineno", None)


def _kind(path: Path, first: dict[str, Any]) -> str:
    url = first.get("url")
    if isinstance(url, str) and (m := _API_PATH.search(url)):
        return m[1]
    stem = re.sub(r"[-_ ]?(page)?[-_ ]?\d+$", "", path.stem.lower())
    return stem.replace("_", "-").removeprefix("dcim.").removeprefix("tenancy.")


def files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json", ".yaml", ".yml"))
        else:
            yield path
