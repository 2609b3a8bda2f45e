"""Hardware types (NetBox's device types) from the device-type library: both front-port shapes, hardware made from
a type gets its ports (a patch panel its pass-throughs), a changed type changes no hardware, all or nothing."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dcops.audit import AuditEvent
from dcops.cabling.models import Port, PortKind, PortSide, PortTemplate
from dcops.errors import ValidationFailed
from dcops.interop import devicetypes
from dcops.racks import service
from dcops.racks.models import HardwareType
from dcops.racks.schemas import HardwareIn

OLD_SHAPE = """---
manufacturer: Acme
model: Patch 2
slug: acme-patch-2
part_number: AP-2
u_height: 1
is_full_depth: false
front-ports:
  - name: '01'
    type: 8p8c
    rear_port: '01'
    rear_port_position: 1
  - name: '02'
    type: 8p8c
    rear_port: '02'
    rear_port_position: 1
rear-ports:
  - name: '01'
    type: 110-punch
    positions: 1
  - name: '02'
    type: 110-punch
    positions: 1
"""

NEW_SHAPE = """---
manufacturer: Acme
model: Patch 2 mapped
slug: acme-patch-2-mapped
u_height: 1
is_full_depth: false
front-ports:
  - name: '01'
    type: lc
  - name: '02'
    type: lc
rear-ports:
  - name: '01'
    type: lc
  - name: '02'
    type: lc
port-mappings:
  - front_port: '01'
    front_port_position: 1
    rear_port: '01'
    rear_port_position: 1
  - front_port: '02'
    rear_port: '02'
"""

SWITCH = """---
manufacturer: Acme
model: Switch 4
slug: acme-switch-4
u_height: 1.5
is_full_depth: true
airflow: front-to-rear
interfaces:
  - name: ge-0/0/0
    type: 1000base-t
  - name: ge-0/0/1
    type: 1000base-t
  - name: xe-0/1/0
    type: 10gbase-x-sfpp
  - name: vlan.0
    type: virtual
  - name: me0
    type: 1000base-t
    mgmt_only: true
console-ports:
  - name: Console
    type: rj-45
power-ports:
  - name: PSU0
    type: iec-60320-c14
    maximum_draw: 350
  - name: PSU1
    type: iec-60320-c14
    maximum_draw: 350
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / "device-types" / "Acme" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_both_front_port_shapes_give_the_same_pass_throughs(db, tmp_path):
    write(tmp_path, "old.yaml", OLD_SHAPE)
    write(tmp_path, "new.yaml", NEW_SHAPE)
    report = devicetypes.import_library(db, [tmp_path], "test")
    assert report.ok and report.counts == {"created": 2}
    for slug, kind in (("acme-patch-2", PortKind.copper), ("acme-patch-2-mapped", PortKind.fibre)):
        ht = db.scalars(select(HardwareType).where(HardwareType.slug == slug)).one()
        fronts = {t.name: (t.rear_port, t.rear_position) for t in ht.ports if t.side is PortSide.front}
        assert fronts == {"01": ("01", 1), "02": ("02", 1)}
        assert {t.kind for t in ht.ports} == {kind}


def test_hardware_made_from_a_type_gets_its_ports_and_measures(db, tmp_path):
    write(tmp_path, "old.yaml", OLD_SHAPE)
    write(tmp_path, "switch.yaml", SWITCH)
    assert devicetypes.import_library(db, [tmp_path], "test").ok
    panel_type = db.scalars(select(HardwareType).where(HardwareType.slug == "acme-patch-2")).one()
    switch_type = db.scalars(select(HardwareType).where(HardwareType.slug == "acme-switch-4")).one()
    assert switch_type.u_height == Decimal("1.5") and switch_type.units == 2  # dcops books whole units
    assert switch_type.max_draw_w == 350  # the most one power port draws, not the sum of redundant supplies

    panel = service.create_hardware(db, HardwareIn(name="pp-1", asset_tag="PP-1", hardware_type_id=panel_type.id), "t")
    ports = {p.name: p for p in db.scalars(select(Port).where(Port.hardware_id == panel.id))}
    assert sorted(ports) == ["01", "01-R", "02", "02-R"]  # NetBox's front "01" and rear "01" on one panel
    assert ports["01"].pass_through_id == ports["01-R"].id and ports["01-R"].pass_through_id == ports["01"].id
    assert ports["01"].type == "8p8c" and ports["01-R"].type == "110-punch"
    assert panel.u_height == 1 and panel.full_depth is False and panel.model == "Acme Patch 2"

    switch = service.create_hardware(
        db, HardwareIn(name="sw-1", asset_tag="SW-1", hardware_type_id=switch_type.id), "t"
    )
    kinds = {p.name: p.kind for p in db.scalars(select(Port).where(Port.hardware_id == switch.id))}
    assert kinds == {
        "ge-0/0/0": PortKind.copper,
        "ge-0/0/1": PortKind.copper,
        "xe-0/1/0": PortKind.fibre,
        "me0": PortKind.copper,
        "Console": PortKind.console,
        "PSU0": PortKind.power,
        "PSU1": PortKind.power,
    }  # the virtual interface has nothing to cable
    assert switch.u_height == 2 and switch.power_draw_w == 350


def test_a_changed_type_is_updated_and_changes_no_hardware(db, tmp_path):
    path = write(tmp_path, "switch.yaml", SWITCH)
    assert devicetypes.import_library(db, [tmp_path], "test").counts == {"created": 1}
    ht = db.scalars(select(HardwareType).where(HardwareType.slug == "acme-switch-4")).one()
    hw = service.create_hardware(db, HardwareIn(name="sw-2", asset_tag="SW-2", hardware_type_id=ht.id), "t")
    events = db.scalar(select(func.count()).select_from(AuditEvent))

    assert devicetypes.import_library(db, [tmp_path], "test").counts == {"unchanged": 1}
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == events  # nothing written, nothing logged

    path.write_text(SWITCH.replace("maximum_draw: 350", "maximum_draw: 500").replace("ge-0/0/1", "ge-0/0/9"))
    assert devicetypes.import_library(db, [tmp_path], "test").counts == {"updated": 1}
    db.expire_all()
    ht = db.get(HardwareType, ht.id)
    assert ht.max_draw_w == 500 and "ge-0/0/9" in {t.name for t in ht.ports}
    assert db.scalar(select(func.count()).select_from(PortTemplate).where(PortTemplate.hardware_type_id == ht.id)) == 7
    names = set(db.scalars(select(Port.name).where(Port.hardware_id == hw.id)))
    assert "ge-0/0/1" in names and "ge-0/0/9" not in names  # the hardware keeps the ports it was made with
    assert db.get(type(hw), hw.id).power_draw_w == 350
    with pytest.raises(ValidationFailed, match="its ports are its own"):
        other = service.create_hardware(db, HardwareIn(name="x", asset_tag="X-1"), "t")
        service.update_hardware(db, other, HardwareIn(name="x", asset_tag="X-1", hardware_type_id=ht.id), "t")


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("manufacturer: Acme\nmodel: [unclosed\n", "", "Not valid YAML"),
        ("manufacturer: Acme\nmade: 2001-02-30\n", "", "day is out of range for month"),  # no such day
        ("manufacturer: Acme\nweight: " + "9" * 5000 + "\n", "", "Not valid YAML"),  # past Python's digits limit
        ("[" * 100_000 + "]" * 100_000, "", "Not valid YAML"),  # nested past Python's recursion
        ("- a list\n", "", "Not a device type"),
        (SWITCH.replace("slug: acme-switch-4\n", ""), "", "missing required field `slug`"),
        (SWITCH.replace("u_height: 1.5", "u_height: 1.25"), "u_height", "multiple of 0.5"),
        (OLD_SHAPE.replace("rear_port: '02'", "rear_port: '09'"), "ports[3].rear_port", "rear port 09"),
        (
            OLD_SHAPE.replace("rear_port_position: 1\n  - name: '02'", "rear_port_position: 4\n  - name: '02'"),
            "ports[2].rear_position",
            "position 4",
        ),  # fmt: skip
        (NEW_SHAPE.replace("front_port: '02'", "front_port: '07'"), "port-mappings", "07"),
    ],
)
def test_a_bad_file_names_the_problem_and_nothing_is_saved(db, tmp_path, text, field, message):
    write(tmp_path, "good.yaml", SWITCH.replace("acme-switch-4", "acme-good").replace("Switch 4", "Good"))
    bad = write(tmp_path, "zz-bad.yaml", text)
    report = devicetypes.import_library(db, [tmp_path], "test")
    assert [(p.file, p.field) for p in report.problems] == [(str(bad), field)], report.problems
    assert message in report.problems[0].message
    assert report.counts == {} and db.scalar(select(func.count()).select_from(HardwareType)) == 0


def test_broken_yaml_names_its_line_and_odd_files_are_refused_clearly(db, tmp_path):
    bad = write(tmp_path, "broken.yaml", "manufacturer: Acme\nmodel: x\nslug: [\n  - oops: :\n")
    (problem,) = devicetypes.import_library(db, [bad], "test").problems
    assert problem.line is not None and problem.line >= 3 and str(problem).startswith(f"{bad}:{problem.line}")
    latin = write(tmp_path, "latin.yaml", "")
    latin.write_bytes("manufacturer: Caf\xe9\n".encode("latin-1"))
    assert devicetypes.import_library(db, [latin], "test").problems[0].message == "Not UTF-8 text"
    huge = write(tmp_path, "huge.yaml", "")
    with huge.open("wb") as f:
        f.truncate(devicetypes.MAX_FILE_BYTES + 1)
    assert "Larger than" in devicetypes.import_library(db, [huge], "test").problems[0].message
    twice = [write(tmp_path, n, SWITCH) for n in ("a.yaml", "b.yaml")]
    assert [p.field for p in devicetypes.import_library(db, twice, "test").problems] == ["slug", "slug"]


def test_the_command_line_imports_all_or_nothing_and_dry_runs(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dcops.cli import main

    monkeypatch.setenv("DCOPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DCOPS_DATABASE_URL", raising=False)
    run = CliRunner().invoke
    assert run(main, ["db", "upgrade"]).exit_code == 0
    library = tmp_path / "lib"
    write(library, "switch.yaml", SWITCH)
    bad = write(library, "zz.yaml", "- not a type\n")
    r = run(main, ["import", "devicetypes", str(library)])
    assert r.exit_code == 1 and f"{bad}: Not a device type" in r.output and "nothing saved" in r.output
    bad.unlink()
    r = run(main, ["import", "devicetypes", str(library), "--dry-run"])
    assert r.exit_code == 0 and "would be: 1 created" in r.output
    r = run(main, ["import", "devicetypes", str(library)])
    assert r.exit_code == 0 and "1 created" in r.output, r.output
    r = run(main, ["import", "devicetypes", str(library)])
    assert "1 unchanged" in r.output


def test_the_api_lists_reads_creates_and_refuses(api, db, tmp_path):
    from dcops.auth.models import Role

    tech, security = api(Role.technician), api(Role.security)
    write(tmp_path, "switch.yaml", SWITCH)
    assert devicetypes.import_library(db, [tmp_path], "test").ok
    listed = security.get("/api/hardware-types", params={"q": "switch"}).json()
    assert listed["total"] == 1 and listed["items"][0]["u_height"] == 1.5 and listed["items"][0]["units"] == 2
    type_id = listed["items"][0]["id"]
    detail = security.get(f"/api/hardware-types/{type_id}").json()
    assert {p["name"] for p in detail["ports"]} >= {"ge-0/0/0", "Console", "PSU0"}
    assert security.get("/api/hardware-types/999999").status_code == 404
    body = {"manufacturer": "Acme", "model": "Blank", "slug": "acme-blank", "u_height": 0.5, "full_depth": False}
    assert security.post("/api/hardware-types", json=body).status_code == 403
    made = tech.post("/api/hardware-types", json=body)
    assert made.status_code == 201 and made.json()["units"] == 1, made.text
    again = tech.post("/api/hardware-types", json=body)
    assert again.status_code == 409 and "on record already" in again.json()["detail"]
    for field, value in (("slug", "Has Spaces"), ("u_height", 0.3)):  # a malformed body: 400 naming the field
        bad = tech.post("/api/hardware-types", json={**body, field: value})
        assert bad.status_code == 400 and field in bad.json()["errors"], bad.text
    hw = tech.post("/api/hardware", json={"name": "sw-9", "asset_tag": "SW-9", "hardware_type_id": type_id})
    assert hw.status_code == 201 and hw.json()["hardware_type_id"] == type_id and hw.json()["u_height"] == 2
    refused = tech.delete(f"/api/hardware-types/{type_id}")
    assert refused.status_code == 409 and "1 hardware item is of type" in refused.json()["detail"]
    assert tech.delete(f"/api/hardware-types/{made.json()['id']}").status_code == 204
    missing = tech.post("/api/hardware", json={"name": "x", "asset_tag": "X-9", "hardware_type_id": 999999})
    assert missing.status_code == 422 and "hardware_type_id" in missing.json()["errors"]


def test_the_pages_list_search_and_show_a_type(login, db, tmp_path):
    from dcops.auth.models import Role

    c = login(Role.technician)
    assert "No hardware types yet" in c.get("/hardware-types").text
    write(tmp_path, "old.yaml", OLD_SHAPE)
    write(tmp_path, "switch.yaml", SWITCH)
    assert devicetypes.import_library(db, [tmp_path], "test").ok
    page = c.get("/hardware-types").text
    assert "Patch 2" in page and "Switch 4" in page and "books 2" in page
    assert "Patch 2" not in c.get("/hardware-types", params={"q": "switch"}).text
    assert "No hardware type matches" in c.get("/hardware-types", params={"q": "nothing-like-it"}).text
    ht = db.scalars(select(HardwareType).where(HardwareType.slug == "acme-patch-2")).one()
    shown = c.get(f"/hardware-types/{ht.id}").text
    assert "rear 01" in shown and "110-punch" in shown and "No hardware is of this type yet" in shown
    assert c.get("/hardware-types/999999").status_code == 404
    form = c.get("/hardware/new").text
    assert "Acme Patch 2 (1U)" in form and "Acme Switch 4 (1.5U)" in form


LIBRARY = Path(__file__).resolve().parents[2] / "fixtures" / "devicetype-library"


def test_real_library_files_a_switch_a_server_a_pdu_and_patch_panels(db):
    report = devicetypes.import_library(db, [LIBRARY], "test")
    assert report.ok and report.counts == {"created": 5}, report.problems

    def of(model_part: str) -> HardwareType:
        return db.scalars(select(HardwareType).where(HardwareType.model.contains(model_part))).one()

    def kinds(ht: HardwareType) -> dict[tuple[PortKind, PortSide], int]:
        found: dict[tuple[PortKind, PortSide], int] = {}
        for t in ht.ports:
            found[(t.kind, t.side)] = found.get((t.kind, t.side), 0) + 1
        return found

    switch = of("EX2300-48T")
    assert kinds(switch) == {
        (PortKind.copper, PortSide.none): 48,
        (PortKind.fibre, PortSide.none): 4,
        (PortKind.console, PortSide.none): 1,
        (PortKind.power, PortSide.none): 1,
    }
    assert switch.max_draw_w == 76
    assert of("R640").max_draw_w == 750  # two 750 W supplies: one carries it all when the other fails
    pdu = of("AP8941")
    assert sum(t.outlet for t in pdu.ports) == 24 and pdu.max_draw_w is None  # outlets give power, not draw
    panel = db.scalars(select(HardwareType).where(HardwareType.part_number == "CP24BLY")).one()
    fronts = {t.name: t.rear_port for t in panel.ports if t.side is PortSide.front}
    assert len(fronts) == 24 and fronts["08"] == "08" and fronts["24"] == "24"  # unquoted 08 stays "08"

    made = service.create_hardware(db, HardwareIn(name="pp-24", asset_tag="PP-24", hardware_type_id=panel.id), "t")
    ports = list(db.scalars(select(Port).where(Port.hardware_id == made.id)))
    assert len(ports) == 48 and sum(p.pass_through_id is not None for p in ports) == 48
    cassette = db.scalars(select(HardwareType).where(HardwareType.part_number.contains("FC2XO"))).one()
    (rear,) = [t for t in cassette.ports if t.side is PortSide.rear]
    assert rear.positions == 12 and rear.kind is PortKind.fibre
    assert sorted(t.rear_position for t in cassette.ports if t.side is PortSide.front) == list(range(1, 13))
    made = service.create_hardware(db, HardwareIn(name="mpo-1", asset_tag="MPO-1", hardware_type_id=cassette.id), "t")
    ports = list(db.scalars(select(Port).where(Port.hardware_id == made.id)))
    assert len(ports) == 13 and all(p.pass_through_id is None for p in ports)  # 12 on one rear: not one-to-one

    again = devicetypes.import_library(db, [LIBRARY], "test")
    assert again.counts == {"unchanged": 5}


def test_yaml_aliases_are_refused_before_they_expand(db, tmp_path):
    """A few lines of nested aliases expand to gigabytes ("billion laughs"): refused with the line, in both imports."""
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b]\n'
    path = write(tmp_path, "bomb.yaml", bomb)
    (problem,) = devicetypes.import_library(db, [path], "test").problems
    assert "aliases" in problem.message and problem.line == 2
    from dcops.interop import netbox

    racks = tmp_path / "racks.yaml"
    racks.write_text(bomb)
    (problem,) = netbox.import_files(db, [racks], "test", date(2026, 11, 30)).problems
    assert "aliases" in problem.message


def test_library_values_past_dcops_limits_are_problems_not_errors(db, tmp_path):
    """The library leaves heights and lengths open; dcops' columns do not: each is a problem naming its field."""
    for text, field in (
        (SWITCH.replace("u_height: 1.5", "u_height: 61"), "u_height"),
        (SWITCH.replace("airflow: front-to-rear", "airflow: " + "x" * 31), "airflow"),
        (SWITCH.replace("maximum_draw: 350", "maximum_draw: 99999999999"), "ports[5].max_draw_w"),
    ):
        (problem,) = devicetypes.import_library(db, [write(tmp_path, "x.yaml", text)], "test").problems
        assert problem.field == field, problem


def test_port_names_longer_than_a_port_s_name_stay_apart(api):
    """NetBox names ports up to 64 characters, dcops ports up to 50: names alike in their first 50 stay distinct."""
    from dcops.auth.models import Role

    tech = api(Role.technician)
    long = "x" * 55
    body = {
        "manufacturer": "Acme",
        "model": "Long names",
        "slug": "acme-long",
        "ports": [{"name": long + "a", "kind": "copper"}, {"name": long + "b", "kind": "copper"}],
    }
    made = tech.post("/api/hardware-types", json=body)
    assert made.status_code == 201, made.text
    hw = tech.post("/api/hardware", json={"name": "ln", "asset_tag": "LN-1", "hardware_type_id": made.json()["id"]})
    assert hw.status_code == 201, hw.text
    names = [p["name"] for p in tech.get("/api/ports", params={"hardware_id": hw.json()["id"]}).json()["items"]]
    assert len(names) == 2 and len(set(names)) == 2 and all(len(n) <= 50 for n in names)
