"""The NetBox device-type library (github.com/netbox-community/devicetype-library) read into hardware types.

Files or folders in the library's layout (`device-types/<Manufacturer>/<model>.yaml`; every .yaml or .yml
file below a folder). Each file is checked against the library's own JSON schema where the files lie in a
checkout of the library (dcops.interop.library_schema), then against the library's structure (required keys,
types, the port lists) and its port mappings, then all of them are saved in one transaction, or none when any
file has a problem.
Front ports may name their rear port in either shape the library has used: `rear_port` and
`rear_port_position` on each front port, or a top-level `port-mappings:` list of `front_port`,
`front_port_position`, `rear_port`, `rear_port_position`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
import yaml
from sqlalchemy.orm import Session

from dcops.cabling.models import PortKind, PortSide
from dcops.errors import ValidationFailed
from dcops.i18n import _
from dcops.interop import yaml_input
from dcops.racks import types
from dcops.racks.schemas import HardwareTypeIn, PortTemplateIn

if TYPE_CHECKING:  # jsonschema is imported where a library's files are read, not by every import of this module
    from jsonschema import Draft202012Validator

MAX_FILE_BYTES = 2_000_000  # the library's largest file is a few hundred kB
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class _Component(msgspec.Struct, kw_only=True):
    name: Name
    type: str | None = None
    label: str | None = None
    description: str | None = None


class _Interface(_Component, kw_only=True, forbid_unknown_fields=False):
    mgmt_only: bool = False


class _PowerPort(_Component, kw_only=True, forbid_unknown_fields=False):
    maximum_draw: Annotated[int, msgspec.Meta(ge=0)] | None = None
    allocated_draw: Annotated[int, msgspec.Meta(ge=0)] | None = None


class _FrontPort(_Component, kw_only=True, forbid_unknown_fields=False):
    rear_port: Name | None = None
    rear_port_position: Annotated[int, msgspec.Meta(ge=1)] | None = None
    positions: Annotated[int, msgspec.Meta(ge=1)] = 1


class _RearPort(_Component, kw_only=True, forbid_unknown_fields=False):
    positions: Annotated[int, msgspec.Meta(ge=1, le=1024)] = 1


class _Mapping(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    front_port: Name
    rear_port: Name
    front_port_position: Annotated[int, msgspec.Meta(ge=1)] = 1
    rear_port_position: Annotated[int, msgspec.Meta(ge=1)] = 1


class LibraryDeviceType(msgspec.Struct, kw_only=True, forbid_unknown_fields=False, rename="kebab"):
    """The fields of a library file dcops reads; others (images, weight, module bays, ...) are ignored."""

    manufacturer: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    model: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    slug: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[-a-z0-9_]+$")]
    u_height: Annotated[float, msgspec.Meta(ge=0, multiple_of=0.5)] = msgspec.field(name="u_height")
    is_full_depth: bool = msgspec.field(name="is_full_depth")
    part_number: str | None = msgspec.field(default=None, name="part_number")
    airflow: str | None = None
    description: str | None = None
    interfaces: list[_Interface] = []
    console_ports: list[_Component] = []
    console_server_ports: list[_Component] = []
    power_ports: list[_PowerPort] = []
    power_outlets: list[_Component] = []
    front_ports: list[_FrontPort] = []
    rear_ports: list[_RearPort] = []
    port_mappings: list[_Mapping] = []


# NetBox's interface types that are no physical port (nothing to cable), and the cable connector types that are
# copper; any other interface or port type is taken as fibre or an optical cage (SFP, QSFP, ...).
_NOT_PHYSICAL = {"virtual", "bridge", "lag"}
_COPPER_PORTS = {"8p8c", "8p6c", "8p4c", "8p2c", "6p6c", "6p4c", "6p2c", "4p4c", "4p2c", "110-punch", "bnc", "f",
                 "n", "mrj21", "gg45", "tera-1p", "tera-2p", "tera-4p", "usb-a", "usb-b", "usb-c", "usb-mini-a",
                 "usb-mini-b", "usb-micro-a", "usb-micro-b", "usb-micro-ab", "db-25", "de-9", "rj-11", "rj-45",
                 "other"}  # fmt: skip
_COPPER_INTERFACE = re.compile(r"(base-t|base-tx|base-t1|base-kx|base-kr|base-cx|-cu|^other$|^xdsl|^docsis|^bnc)")


@lru_cache(maxsize=1024)  # NetBox has a few hundred type slugs; an import asks once per interface
def interface_kind(slug: str | None) -> PortKind | None:
    """Copper or fibre by NetBox's interface type slug; None for a virtual or wireless one."""
    if slug is None:
        return PortKind.copper
    if slug in _NOT_PHYSICAL or slug.startswith(("ieee802.11", "ieee802.15", "gsm", "cdma", "lte", "4g", "5g")):
        return None
    return PortKind.copper if _COPPER_INTERFACE.search(slug) else PortKind.fibre


def pass_through_kind(slug: str | None) -> PortKind:
    """A front or rear port's medium by its connector type: 8p8c, 110-punch, BNC... are copper; LC, SC, MPO... fibre."""
    return PortKind.copper if slug is None or slug in _COPPER_PORTS else PortKind.fibre


def to_hardware_type(lib: LibraryDeviceType) -> HardwareTypeIn:
    """A library file as a dcops hardware type (raises ValidationFailed naming the field)."""
    mapped = {m.front_port: m for m in lib.port_mappings}
    ports: list[PortTemplateIn] = []
    for i in lib.interfaces:
        if (kind := interface_kind(i.type)) is not None:
            ports.append(PortTemplateIn(name=i.name, kind=kind, type=i.type))
    for c in (*lib.console_ports, *lib.console_server_ports):
        ports.append(PortTemplateIn(name=c.name, kind=PortKind.console, type=c.type))
    for p in lib.power_ports:
        ports.append(PortTemplateIn(name=p.name, kind=PortKind.power, type=p.type, max_draw_w=p.maximum_draw))
    for o in lib.power_outlets:
        ports.append(PortTemplateIn(name=o.name, kind=PortKind.power, type=o.type, outlet=True))
    for r in lib.rear_ports:
        ports.append(
            PortTemplateIn(
                name=r.name, kind=pass_through_kind(r.type), side=PortSide.rear, type=r.type, positions=r.positions
            )
        )
    for f in lib.front_ports:
        mapping = mapped.get(f.name)
        rear, position = (mapping.rear_port, mapping.rear_port_position) if mapping else (f.rear_port, None)
        ports.append(
            PortTemplateIn(
                name=f.name,
                kind=pass_through_kind(f.type),
                side=PortSide.front,
                type=f.type,
                rear_port=rear,
                rear_position=position or f.rear_port_position or (1 if rear else None),
            )
        )
    unknown = set(mapped) - {f.name for f in lib.front_ports}
    if unknown:
        raise ValidationFailed(
            {"port-mappings": _("Maps front ports that are not there: %(names)s", names=", ".join(sorted(unknown)))}
        )
    data = HardwareTypeIn(
        manufacturer=lib.manufacturer,
        model=lib.model,
        slug=lib.slug,
        part_number=lib.part_number,
        u_height=lib.u_height,
        full_depth=lib.is_full_depth,
        airflow=lib.airflow,
        description=lib.description,
        ports=ports,
    )
    try:  # the limits dcops keeps (heights up to a rack's, lengths of its columns), which the library leaves open
        msgspec.convert(msgspec.to_builtins(data), HardwareTypeIn)
    except msgspec.ValidationError as exc:
        message, _at, where = str(exc).partition(" - at `$")
        raise ValidationFailed({where.rstrip("`").lstrip(".") or "": message}) from exc
    if problems := types.template_problems(data):
        raise ValidationFailed(problems)
    return data


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        at = f"{self.file}:{self.line}" if self.line else self.file
        return f"{at}: {self.field}: {self.message}" if self.field else f"{at}: {self.message}"


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def library_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, and every .yaml/.yml below the folders named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            found.append(path)
    return found


def read_file(path: Path, schema: Draft202012Validator | None = None) -> HardwareTypeIn | Problem:
    name = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return Problem(name, None, "", _("Larger than %(n)s MB: not a device type", n=MAX_FILE_BYTES // 1_000_000))
        text = path.read_bytes().decode("utf-8")
        raw = yaml_input.load(text)
    except OSError as exc:
        return Problem(name, None, "", _("Cannot be read: %(error)s", error=exc.strerror or exc))
    except UnicodeDecodeError:
        return Problem(name, None, "", _("Not UTF-8 text"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return Problem(name, line, "", _("Not valid YAML: %(error)s", error=getattr(exc, "problem", exc)))
    if not isinstance(raw, dict):
        return Problem(name, None, "", _("Not a device type (a YAML mapping with manufacturer, model, slug, ...)"))
    if schema is not None:
        from dcops.interop import library_schema

        if (broken := library_schema.schema_problem(schema, raw)) is not None:
            return Problem(name, None, *broken)
    try:
        return from_mapping(raw)
    except ValidationFailed as exc:
        key, message = next(iter(exc.errors.items()))
        return Problem(name, None, key, message)


def from_mapping(raw: dict[str, Any]) -> HardwareTypeIn:
    """A library file's mapping (NetBox's own device-type import reads the same) as a hardware type;
    ValidationFailed naming the field."""
    try:
        lib = msgspec.convert(_names_as_text(raw), LibraryDeviceType, strict=False)
    except msgspec.ValidationError as exc:
        message, _at, where = str(exc).partition(" - at `$")
        raise ValidationFailed({where.rstrip("`").lstrip(".") or "": message}) from exc
    return to_hardware_type(lib)


def _names_as_text(raw: dict[str, Any]) -> dict[str, Any]:
    """YAML reads an unquoted port name such as 10 as a number: the library means the name "10". (An unquoted 01
    is the number 1 to YAML and becomes "1"; the library quotes such names.)"""
    out = dict(raw)
    for key in ("interfaces", "console-ports", "console-server-ports", "power-ports", "power-outlets",
                "front-ports", "rear-ports", "port-mappings"):  # fmt: skip
        items = out.get(key)
        if isinstance(items, list):
            out[key] = [_texts(item) for item in items]
    return out


def _texts(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    return {k: str(v) if k in ("name", "rear_port", "front_port") and isinstance(v, int | float) else v
            for k, v in item.items()}  # fmt: skip


def import_library(db: Session, paths: Iterable[Path], actor: str) -> Report:
    """Read every file, then save every type, in the caller's transaction: the caller commits only when the
    report has no problems (a slug used by two files is a problem too)."""
    report = Report()
    read: list[tuple[str, HardwareTypeIn]] = []
    paths = list(paths)
    from dcops.interop import library_schema

    schema = library_schema.validator_for(paths)
    for path in library_files(paths):
        report.files += 1
        result = read_file(path, schema)
        if isinstance(result, Problem):
            report.problems.append(result)
        else:
            read.append((str(path), result))
    slugs = Counter(data.slug for _, data in read)
    for source, data in read:
        if slugs[data.slug] > 1:
            report.problems.append(
                Problem(source, None, "slug", _("%(slug)s is in more than one file", slug=data.slug))
            )
    if report.problems:
        return report
    for source, data in read:
        try:
            report.counts[types.save_type(db, data, actor).outcome] += 1
        except ValidationFailed as exc:
            key, message = next(iter(exc.errors.items()))
            report.problems.append(Problem(source, None, key, message))
    return report
