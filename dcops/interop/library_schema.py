"""The device-type library's own JSON schema, where the files being imported come with it.

A checkout of netbox-community/devicetype-library has `schema/devicetype.json` beside `device-types/`, with the
definitions it refers to (`components.json`, `generated_schema.json`, …, each named by its `$id`). When the paths
given to `dcops import devicetypes` lie inside such a checkout, every file is validated against that schema first,
so dcops refuses exactly what the library's own CI refuses; dcops' own checks (its column sizes, port mappings)
follow. Files from elsewhere (a single download, NetBox's device-type export) have no schema beside them and get
dcops' checks only. The schema is not copied into dcops: it changes with the library, so the checkout's own one is
the right one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from dcops.i18n import _

SCHEMA = Path("schema") / "devicetype.json"
MAX_SCHEMA_BYTES = 5_000_000


def library_root(path: Path) -> Path | None:
    """The checkout a file or folder lies in: the nearest folder (itself or above) holding schema/devicetype.json."""
    for folder in [path, *path.resolve().parents] if path.is_dir() else path.resolve().parents:
        if (folder / SCHEMA).is_file():
            return folder
    return None


def validator_for(paths: Iterable[Path]) -> Draft202012Validator | None:
    """The schema validator of the checkout the paths lie in, or None (no schema, or one that cannot be read)."""
    roots = {root for p in paths if (root := library_root(p)) is not None}
    if len(roots) != 1:
        return None
    folder = next(iter(roots)) / "schema"
    resources = []
    try:
        for file in sorted(folder.glob("*.json")):
            if file.stat().st_size > MAX_SCHEMA_BYTES:
                return None
            document = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(document, dict) and isinstance(document.get("$id"), str):
                resources.append((document["$id"], Resource.from_contents(document, default_specification=DRAFT202012)))
        main = json.loads((folder / "devicetype.json").read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(main)
    except (OSError, ValueError, SchemaError):
        return None
    return Draft202012Validator(main, registry=Registry().with_resources(resources))


def schema_problem(validator: Draft202012Validator, raw: Any) -> tuple[str, str] | None:
    """(field, message) of the first place the file breaks the schema (in document order), or None."""
    try:
        errors = sorted(validator.iter_errors(raw), key=lambda e: [str(p) for p in e.absolute_path])
    except Unresolvable as exc:  # a $ref the checkout's schema folder does not hold
        return "", _("The library's schema refers to %(ref)s, which its schema folder does not hold", ref=exc.ref)
    if not errors:
        return None
    first = errors[0]
    where = ".".join(str(p) for p in first.absolute_path)
    return where, _("%(problem)s (the library's schema)", problem=first.message)
