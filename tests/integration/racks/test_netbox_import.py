"""NetBox import: bulk-import CSV and REST API pages in, the contract kept (tenants are customers, devices belong to
them through a contract), every row checked before anything is written, importing again changes nothing."""

import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from dcops.audit import AuditEvent
from dcops.interop import devicetypes, netbox
from dcops.racks.models import Hardware, HardwareStatus, Rack, RackKind, RackUnit, Room, Site
from tests.factories import ContractFactory, CustomerFactory

TODAY = date(2026, 11, 30)
SWITCH = Path(__file__).resolve().parents[2] / "fixtures" / "devicetype-library" / "device-types" / "Juniper"


def files(folder: Path, **contents: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in contents.items():
        path = folder / name.replace("__", ".")
        path.write_text(text)
        out.append(path)
    return out


def csv_export(tenant: str, contract: str) -> dict[str, str]:
    return {
        "tenants__csv": f"name,slug\n{tenant},acme\n",
        "sites__csv": "name,slug,time_zone,physical_address\nGrave,grv1,Europe/Amsterdam,Industrieweg 1\n",
        "locations__csv": "site,name,slug\nGrave,Zaal A,zaal-a\nGrave,Zaal B,zaal-b\n",
        "racks__csv": f"site,location,name,u_height,tenant\nGrave,Zaal A,A01,42,\nGrave,Zaal A,A02,42,{tenant}\n"
        "Grave,Zaal B,B01,47,\n",
        "devices__csv": "name,device_type,manufacturer,site,rack,position,face,tenant,asset_tag,serial,contract\n"
        f"core-1,EX2300-48T,Juniper,Grave,A01,40,front,,AT-1,S1,\n"
        f"cust-1,,,Grave,A02,10,front,{tenant},AT-2,S2,{contract}\n"
        f"spare-1,,,Grave,,,,{tenant},AT-3,,\n",
    }


def run(db, paths, **kw):  # type: ignore[no-untyped-def]
    return netbox.import_files(db, paths, "test", TODAY, kw.get("contracts"))


def test_a_csv_export_comes_in_with_its_contract_and_again_changes_nothing(db, tmp_path):
    customer = CustomerFactory(name="Acme B.V.")
    contract = ContractFactory(customer=customer, number="C-1")
    assert devicetypes.import_library(db, [SWITCH], "test").ok
    paths = files(tmp_path, **csv_export("Acme B.V.", "C-1"))
    report = run(db, paths)
    assert report.ok, report.problems
    assert report.counts["tenants"]["unchanged"] == 1  # the tenant is the customer on record, found by name
    assert report.counts["sites"]["created"] == 1 and report.counts["locations"]["created"] == 2
    assert report.counts["racks"]["created"] == 3 and report.counts["devices"]["created"] == 3
    site = db.scalars(select(Site).where(Site.name == "Grave")).one()
    assert site.code == "GRV1" and site.address == "Industrieweg 1"
    a02 = db.scalars(select(Rack).where(Rack.name == "A02")).one()
    assert a02.kind is RackKind.private and a02.customer_id == customer.id  # NetBox's tenant on a rack: let to it
    core = db.scalars(select(Hardware).where(Hardware.asset_tag == "AT-1")).one()
    assert core.contract_id is None and core.model == "Juniper EX2300-48T" and core.position == 40
    assert core.first_installed_on == TODAY and core.status is HardwareStatus.installed  # taken over, not new (K9)
    cust = db.scalars(select(Hardware).where(Hardware.asset_tag == "AT-2")).one()
    assert cust.contract_id == contract.id and cust.owner.value == "customer"
    spare = db.scalars(select(Hardware).where(Hardware.asset_tag == "AT-3")).one()
    assert spare.rack_id is None and spare.status is HardwareStatus.planned
    assert spare.contract_id is None  # a tenant but no contract: supplier infrastructure until one is given
    units = set(db.execute(select(RackUnit.rack_id, RackUnit.unit).where(RackUnit.hardware_id == core.id)))
    assert units == {(core.rack_id, 40)}
    events = db.scalar(select(func.count()).select_from(AuditEvent))

    again = run(db, paths)
    assert again.ok and all(c["created"] == c["updated"] == 0 for c in again.counts.values()), again.counts
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_rest_api_pages_keep_netbox_ids_and_update_what_changed(db, tmp_path):
    CustomerFactory(name="Acme B.V.")
    ContractFactory(customer=db.scalars(select(CustomerFactory._meta.model)).first(), number="C-9")

    def page(kind: str, items: list[dict]) -> str:
        for item in items:
            item["url"] = f"https://netbox.example/api/dcim/{kind}/{item['id']}/"
        return json.dumps({"count": len(items), "next": None, "results": items})

    site = {"id": 7, "name": "Grave", "slug": "grv1"}
    room = {"id": 70, "name": "Zaal A", "slug": "zaal-a", "site": {"id": 7, "name": "Grave"}}
    rack = {"id": 700, "name": "A01", "site": {"id": 7}, "location": {"id": 70}, "u_height": 42, "tenant": None}
    device = {
        "id": 7000,
        "name": "web-1",
        "site": {"id": 7, "name": "Grave"},
        "rack": {"id": 700, "name": "A01"},
        "position": 12.0,
        "face": {"value": "front", "label": "Front"},
        "tenant": {"id": 3, "name": "Acme B.V."},
        "asset_tag": None,
        "serial": "X1",
    }
    paths = files(
        tmp_path,
        sites__json=page("sites", [site]),
        locations__json=page("locations", [room]),
        racks__json=page("racks", [rack]),
        devices__json=page("devices", [device]),
    )
    report = run(db, paths, contracts={"Acme B.V.": "C-9"})
    assert report.ok, report.problems
    hw = db.scalars(select(Hardware).where(Hardware.external_ref == "7000")).one()
    assert hw.asset_tag == "NB-7000" and hw.position == 12 and hw.contract.number == "C-9"
    assert db.scalars(select(Room).where(Room.external_ref == "70")).one().code == "ZAAL-A"

    device["position"], device["name"] = 20.0, "web-1b"  # moved and renamed in NetBox
    (tmp_path / "devices.json").write_text(page("devices", [device]))
    report = run(db, paths, contracts={"Acme B.V.": "C-9"})
    assert report.ok and report.counts["devices"]["updated"] == 1 and report.counts["racks"]["unchanged"] == 1
    db.expire_all()
    hw = db.get(Hardware, hw.id)
    assert hw.name == "web-1b" and hw.position == 20
    assert set(db.scalars(select(RackUnit.unit).where(RackUnit.hardware_id == hw.id))) == {20}  # both faces


def test_every_refusal_is_per_row_with_its_rule_and_nothing_is_saved(db, tmp_path):
    acme = CustomerFactory(name="Acme B.V.")
    ContractFactory(customer=acme, number="C-1")
    other = CustomerFactory(name="Other B.V.")
    ContractFactory(customer=other, number="C-2")
    export = csv_export("Acme B.V.", "C-1")
    export["tenants__csv"] += "New Tenant,new\n"
    export["devices__csv"] += (
        "intruder,,,Grave,A02,20,front,Other B.V.,AT-4,,C-2\n"  # another customer's private rack
        "double,,,Grave,A01,40,front,,AT-5,,\n"  # the unit core-1 takes
        "wrong-contract,,,Grave,,,,Acme B.V.,AT-6,,C-2\n"
        "half,,,Grave,A01,7.5,front,,AT-7,,\n"
        "nowhere,,,Grave,Z99,1,front,,AT-8,,\n"
    )
    paths = files(tmp_path, **export)
    report = run(db, paths)
    found = {(Path(p.file).name, p.row, p.field, p.rule) for p in report.problems}
    assert found == {
        ("tenants.csv", 3, "cf_kvk_number", "Art. 1.4"),
        ("devices.csv", 2, "device_type", None),  # no hardware type EX2300-48T imported in this test
        ("devices.csv", 5, "rack", "K1"),
        ("devices.csv", 7, "contract", None),
        ("devices.csv", 8, "position", None),
        ("devices.csv", 9, "rack", None),
    }, report.problems
    assert "private rack" in next(p.message for p in report.problems if p.rule == "K1")
    assert db.scalar(select(func.count()).select_from(Site)) == 0  # all or nothing
    (problem,) = [p for p in report.problems if p.row == 5]
    assert str(problem).endswith("(rule K1)") and "devices.csv, row 5: rack:" in str(problem)


def test_two_devices_in_one_unit_are_refused_on_the_second_row(db, tmp_path):
    export = csv_export("Acme B.V.", "C-1")
    export["tenants__csv"] = "name,slug\n"  # no tenants this time: a header alone is an empty list
    export["racks__csv"] = "site,location,name\nGrave,Zaal A,A01\n"
    export["devices__csv"] = "name,site,rack,position,face,asset_tag\na,Grave,A01,5,front,T-A\nb,Grave,A01,5,rear,T-B\n"
    report = run(db, files(tmp_path, **export))
    assert [(p.row, p.field) for p in report.problems] == [(3, "position")]  # full depth: both faces
    assert "taken by another device" in report.problems[0].message


def test_bad_files_get_a_clear_problem(db, tmp_path):
    bad = files(
        tmp_path,
        manufacturers__csv="name,slug\nAcme,acme\n",
        stuff__csv="a,b\n1,2\n",
        sites__json="{not json",
        racks__yaml="- [unclosed\n",
        locations__csv="",
        devices__json="[" * 100_000 + "]" * 100_000,
    )
    (tmp_path / "devices.csv").write_bytes("name\nCaf\xe9\n".encode("latin-1"))
    report = run(db, [*bad, tmp_path / "devices.csv"])
    messages = {Path(p.file).name: p.message for p in report.problems}
    assert "manufacturers are not imported yet" in messages["manufacturers.csv"]
    assert "Cannot tell what this file holds" in messages["stuff.csv"]
    assert messages["sites.json"].startswith("Cannot be read as JSON")
    assert messages["racks.yaml"].startswith("Cannot be read as YAML")
    assert messages["locations.csv"].startswith("Holds no rows")
    assert messages["devices.csv"].startswith("Not UTF-8")
    assert messages["devices.json"].startswith("Cannot be read as JSON: maximum recursion depth")


def test_the_command_line_dry_runs_and_imports(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dcops.cli import main

    monkeypatch.setenv("DCOPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DCOPS_DATABASE_URL", raising=False)
    invoke = CliRunner().invoke
    assert invoke(main, ["db", "upgrade"]).exit_code == 0
    export = csv_export("Acme B.V.", "")
    export["tenants__csv"] = "name,slug,cf_kvk_number\nAcme B.V.,acme,12345678\n"
    export["devices__csv"] = "name,site,rack,position,asset_tag,tenant\nsw,Grave,A01,1,T-1,Acme B.V.\n"
    paths = [str(p) for p in files(tmp_path / "export", **export)]
    r = invoke(main, ["import", "netbox", *paths, "--dry-run"])
    assert r.exit_code == 0 and "would be: tenants: 1 created" in r.output, r.output
    r = invoke(main, ["import", "netbox", *paths, "--contract", "Acme B.V.=NOPE"])
    assert r.exit_code == 1 and "No contract NOPE" in r.output and "nothing saved" in r.output
    r = invoke(main, ["import", "netbox", *paths])
    assert r.exit_code == 0 and "devices: 1 created" in r.output, r.output
    assert "devices: 0 created, 0 updated, 1 unchanged" in invoke(main, ["import", "netbox", *paths]).output
    assert invoke(main, ["import", "netbox", paths[0], "--contract", "oops"]).exit_code == 2


def test_export_import_export_is_identical_and_changes_nothing(db, tmp_path):
    """Round trip: what dcops exports, NetBox's bulk import and dcops' own import both read; importing it back
    changes nothing and exporting again writes the same files, device-type YAML included."""
    from dcops.interop.netbox_export import export

    acme = CustomerFactory(name="Acme B.V.")
    ContractFactory(customer=acme, number="C-1")
    assert devicetypes.import_library(db, [SWITCH.parents[0]], "test").ok
    assert run(db, files(tmp_path / "in", **csv_export("Acme B.V.", "C-1"))).ok
    ports = files(
        tmp_path / "ports",
        devices__csv="name,site,rack,position,tenant,contract,asset_tag,cf_model,cf_u_height,cf_full_depth,"
        "cf_power_draw_w,cf_cpu_cores,cf_third_party_owner,cf_installed_on\n"
        "cust-2,Grave,A02,20,Acme B.V.,C-1,AT-4,Dell PowerEdge R750,2,false,650,32,Lease B.V.,2025-03-01\n",
        interfaces__csv="device,name,type\ncore-1,ge-0/0/1,1000base-t\ncust-1,eth0,\ncust-1,eth1,\ncust-2,eth0,\n",
        cables__csv="side_a_device,side_a_type,side_a_name,side_b_device,side_b_type,side_b_name,label,length,tenant,"
        "cf_installed_by,cf_installer_name,cf_installed_at\n"
        "core-1,dcim.interface,ge-0/0/1,cust-1,dcim.interface,eth0,C-9,3,,,,\n"
        "cust-1,dcim.interface,eth1,cust-2,dcim.interface,eth0,C-10,1,Acme B.V.,customer,P. Smit,2026-11-02\n",
    )
    assert run(db, ports).ok
    first = export(db, tmp_path / "out1")
    assert first.counts == {
        "tenants": 1,
        "sites": 1,
        "locations": 2,
        "racks": 3,
        "devices": 4,
        "rear-ports": 0,
        "front-ports": 0,
        "interfaces": 4,
        "console-ports": 0,
        "power-ports": 0,
        "cables": 2,
        "device types": 5,
    }
    cables = (tmp_path / "out1" / "cables.csv").read_text().splitlines()
    assert cables[2] == (
        "core-1,dcim.interface,ge-0/0/1,cust-1,dcim.interface,eth0,unspecified,connected,C-9,,3,m,,supplier,,,overhead"
    )
    assert cables[1].endswith(",C-10,,1,m,Acme B.V.,customer,P. Smit,2026-11-02,in_rack")  # A3: its own private rack
    devices = (tmp_path / "out1" / "devices.csv").read_text().splitlines()
    assert devices[0].startswith("name,role,device_type,manufacturer,site,location,rack,position,face,status")
    core = next(line for line in devices if line.startswith("core-1,"))
    assert core.startswith("core-1,hardware,EX2300-48T,Juniper,Grave,Zaal A,A01,40,front,active,,,AT-1,S1,,,,")
    cust2 = next(line for line in devices if line.startswith("cust-2,"))
    assert cust2.endswith(",AT-4,,Dell PowerEdge R750,2,false,650,32,,,,Lease B.V.,,2025-03-01")
    events = db.scalar(select(func.count()).select_from(AuditEvent))

    assert devicetypes.import_library(db, [tmp_path / "out1" / "device-types"], "test").counts == {"unchanged": 5}
    back = run(db, [tmp_path / "out1"])
    assert back.ok and all(c["created"] == c["updated"] == 0 for c in back.counts.values()), back.problems
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == events
    export(db, tmp_path / "out2")
    for path in sorted((tmp_path / "out1").rglob("*.*")):
        twin = tmp_path / "out2" / path.relative_to(tmp_path / "out1")
        assert twin.read_bytes() == path.read_bytes(), path.name


def test_the_export_command_writes_the_files(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dcops.cli import main

    monkeypatch.setenv("DCOPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DCOPS_DATABASE_URL", raising=False)
    invoke = CliRunner().invoke
    assert invoke(main, ["db", "upgrade"]).exit_code == 0
    r = invoke(main, ["export", "netbox", str(tmp_path / "out")])
    assert r.exit_code == 0 and "0 devices" in r.output, r.output
    assert (tmp_path / "out" / "racks.csv").read_text() == "site,location,name,status,width,u_height,tenant\n"


def test_ports_come_in_with_their_pass_throughs_and_again_change_nothing(db, tmp_path):
    from dcops.cabling.models import Port, PortKind, PortSide

    export = csv_export("Acme B.V.", "C-1")
    export["tenants__csv"] = "name,slug\n"
    export["racks__csv"] = "site,location,name\nGrave,Zaal A,A01\n"
    export["devices__csv"] = "name,site,rack,position,asset_tag\nsw-1,Grave,A01,1,T-SW\npp-1,Grave,A01,2,T-PP\n"
    export["interfaces__csv"] = (
        "device,name,type\nsw-1,ge-0/0/0,1000base-t\nsw-1,xe-0/1/0,10gbase-x-sfpp\nsw-1,vlan.1,virtual\n"
    )
    export["rear_ports__csv"] = "device,name,type,positions\npp-1,1,110-punch,1\npp-1,2,110-punch,1\n"
    export["front_ports__csv"] = "device,name,type,rear_port,rear_port_position\npp-1,1,8p8c,1,1\npp-1,2,8p8c,2,1\n"
    export["power_ports__csv"] = "device,name,type\nsw-1,PSU0,iec-60320-c14\n"
    paths = files(tmp_path, **{k.replace("rear_ports", "rear-ports").replace("front_ports", "front-ports")
                                .replace("power_ports", "power-ports"): v for k, v in export.items()})  # fmt: skip
    report = run(db, paths)
    assert report.ok, report.problems
    assert report.counts["interfaces"] == {"created": 2, "unchanged": 1}  # the virtual one has nothing to cable
    sw = db.scalars(select(Hardware).where(Hardware.asset_tag == "T-SW")).one()
    ports = {p.name: p for p in db.scalars(select(Port).where(Port.hardware_id == sw.id))}
    assert {n: (p.kind, p.type) for n, p in ports.items()} == {
        "ge-0/0/0": (PortKind.copper, "1000base-t"),
        "xe-0/1/0": (PortKind.fibre, "10gbase-x-sfpp"),
        "PSU0": (PortKind.power, "iec-60320-c14"),
    }
    pp = db.scalars(select(Hardware).where(Hardware.asset_tag == "T-PP")).one()
    panel = {p.name: p for p in db.scalars(select(Port).where(Port.hardware_id == pp.id))}
    assert sorted(panel) == ["1", "1-R", "2", "2-R"] and panel["1-R"].side is PortSide.rear
    assert panel["1"].pass_through_id == panel["1-R"].id and panel["1-R"].pass_through_id == panel["1"].id

    again = run(db, paths)
    assert again.ok and all(c["created"] == c["updated"] == 0 for c in again.counts.values()), again.counts
    bad = files(tmp_path / "bad", interfaces__csv="device,name,type\nno-such-switch,ge-0/0/0,1000base-t\n")
    (problem,) = run(db, bad).problems
    assert (problem.row, problem.field) == (2, "device") and "No device named no-such-switch" in problem.message


def test_cables_join_imported_ports_one_per_port_and_again_change_nothing(db, tmp_path):
    from dcops.cabling.models import Cable, CableEnd, CableStatus

    export = {
        "sites__csv": "name,slug\nGrave,grv1\n",
        "locations__csv": "site,name,slug\nGrave,Zaal A,zaal-a\n",
        "racks__csv": "site,location,name\nGrave,Zaal A,A01\nGrave,Zaal A,A02\n",
        "devices__csv": "name,site,rack,position,asset_tag\nsw-1,Grave,A01,1,T-SW\nsrv-1,Grave,A01,3,T-S1\n"
        "srv-2,Grave,A02,3,T-S2\n",
        "interfaces__csv": "device,name,type\nsw-1,ge1,1000base-t\nsw-1,ge2,1000base-t\nsrv-1,eth0,1000base-t\n"
        "srv-2,eth0,1000base-t\nsrv-2,sfp0,10gbase-x-sfpp\n",
        "power-ports__csv": "device,name,type\nsrv-2,PSU0,iec-60320-c14\n",
        "cables__csv": "side_a_device,side_a_type,side_a_name,side_b_device,side_b_type,side_b_name,type,status,label,"
        "length,length_unit\n"
        "sw-1,dcim.interface,ge1,srv-1,dcim.interface,eth0,cat6a,connected,C-001,2,m\n"
        "sw-1,dcim.interface,ge2,srv-2,dcim.interface,eth0,cat6a,planned,,150,cm\n",
    }
    paths = files(tmp_path, **export)
    report = run(db, paths)
    assert report.ok and report.counts["cables"]["created"] == 2, report.problems
    first = db.scalars(select(Cable).where(Cable.label == "C-001")).one()
    assert first.route.value == "in_rack" and first.length == 2 and first.installed_by.value == "supplier"
    second = db.scalars(select(Cable).where(Cable.label != "C-001", Cable.label.like("NB-%"))).one()
    assert second.status is CableStatus.planned and second.route.value == "overhead" and second.length_unit == "cm"
    assert db.scalar(select(func.count()).select_from(CableEnd)) == 4  # both ends of both cables held
    again = run(db, paths)
    assert again.ok and again.counts["cables"] == {"unchanged": 2}, again.counts

    CustomerFactory(name="Acme B.V.")
    wrong = export | {
        "interfaces__csv": export["interfaces__csv"] + "sw-1,ge3,1000base-t\nsrv-1,eth1,1000base-t\n",
        "cables__csv": "side_a_device,side_a_type,side_a_name,side_b_device,side_b_type,side_b_name,label,"
        "cf_installed_by,tenant,cf_route\n"
        "sw-1,dcim.interface,ge1,srv-2,dcim.interface,eth0,C-002,,,\n"  # ge1 has C-001 already
        "srv-2,dcim.interface,sfp0,srv-2,dcim.powerport,PSU0,C-003,,,\n"  # fibre to power
        "srv-1,dcim.interface,eth0,srv-1,dcim.interface,eth0,C-004,,,\n"  # one port twice
        "sw-1,dcim.interface,ge9,srv-2,dcim.interface,eth0,C-005,,,\n"  # no such port
        "sw-1,dcim.interface,ge3,srv-1,dcim.interface,eth1,C-006,customer,,\n"  # a customer's, but whose?
        "sw-1,dcim.interface,ge3,srv-1,dcim.interface,eth1,C-007,customer,Acme B.V.,\n"  # in shared rack A01
        "sw-1,dcim.interface,ge3,srv-1,dcim.interface,eth1,C-008,,,sideways\n"  # no such route
        "sw-1,dcim.interface,ge3,srv-1,dcim.interface,eth1,C-009,someone,,\n",  # neither supplier nor customer
    }
    report = run(db, files(tmp_path / "wrong", **wrong))
    problems = {(p.row, p.field, p.rule) for p in report.problems}
    assert problems == {
        (2, "side_a_name", None),
        (3, "type", None),
        (4, "side_b_name", None),
        (5, "side_a_name", None),
        (6, "tenant", "A3"),
        (7, "cf_installed_by", "A3"),
        (8, "cf_route", None),
        (9, "cf_installed_by", None),
    }, report.problems
    (shared,) = [p for p in report.problems if p.row == 7]
    assert "shared rack A01" in shared.message and str(shared).endswith("— Art. 13.3 (rule A3)")


def test_a_problem_in_the_very_last_row_saves_nothing_of_the_rest(db, tmp_path):
    export = csv_export("Acme B.V.", "C-1")
    export["tenants__csv"] = "name,slug\n"
    export["racks__csv"] = "site,location,name\nGrave,Zaal A,A01\n"
    rows = "".join(f"d{i},Grave,A01,{i + 1},T-{i}\n" for i in range(40))
    export["devices__csv"] = "name,site,rack,position,asset_tag\n" + rows + "last,Grave,A01,1,T-LAST\n"
    report = run(db, files(tmp_path, **export))
    assert [(p.row, p.field) for p in report.problems] == [(42, "position")]  # U1 is d0's
    for model in (Site, Room, Rack, Hardware, RackUnit):
        assert db.scalar(select(func.count()).select_from(model)) == 0, model


def test_device_types_from_netbox_s_import_format_and_its_api(db, tmp_path):
    """NetBox's device-type import takes the library's format (with components); its API gives fields only, so a
    type on record keeps its ports when an API page names it again."""
    from dcops.racks.models import HardwareType

    library = (SWITCH / "EX2300-48T.yaml").read_text()
    api_page = json.dumps(
        {
            "results": [
                {
                    "id": 41,
                    "url": "https://netbox.example/api/dcim/device-types/41/",
                    "manufacturer": {"id": 2, "name": "Juniper", "slug": "juniper"},
                    "model": "EX2300-48T",
                    "slug": "juniper-ex2300-48t",
                    "u_height": 1.0,
                    "is_full_depth": False,
                    "airflow": {"value": "front-to-rear", "label": "Front to rear"},
                },
                {
                    "id": 42,
                    "url": "https://netbox.example/api/dcim/device-types/42/",
                    "manufacturer": {"id": 3, "name": "Acme"},
                    "model": "Box 2U",
                    "slug": "acme-box-2u",
                    "u_height": 2.0,
                    "is_full_depth": True,
                    "airflow": None,
                },
            ]
        }
    )
    report = run(db, files(tmp_path / "a", **{"device-types__yaml": library}))
    assert report.ok and report.counts["device-types"] == {"created": 1}, report.problems
    switch = db.scalars(select(HardwareType).where(HardwareType.model == "EX2300-48T")).one()
    ports = len(switch.ports)
    assert ports > 50
    devices = "name,device_type,manufacturer,site,asset_tag\nbox-1,Box 2U,Acme,,T-BOX\n"
    report = run(db, files(tmp_path / "b", **{"device-types__json": api_page, "devices__csv": devices}))
    assert report.ok, report.problems
    assert report.counts["device-types"] == {"created": 1, "updated": 1}  # the switch's airflow came from the API
    db.expire_all()
    assert len(db.get(HardwareType, switch.id).ports) == ports and db.get(HardwareType, switch.id).airflow
    box = db.scalars(select(Hardware).where(Hardware.asset_tag == "T-BOX")).one()
    assert box.u_height == 2 and box.model == "Acme Box 2U"
    bad = files(tmp_path / "c", **{"device-types__csv": "manufacturer,model,slug,u_height,is_full_depth\n"
                                   "Acme,Odd,acme-odd,1.25,false\n"})  # fmt: skip
    (problem,) = run(db, bad).problems
    assert (problem.row, problem.field) == (2, "u_height") and "multiple of 0.5" in problem.message


def test_values_past_dcops_columns_are_problems_not_errors(db, tmp_path):
    """A model and maker longer than a hardware's model column, a cable 1,000 km long: a row problem or cut to fit,
    never a database error."""
    long_type = f"manufacturer,model,slug,u_height,is_full_depth\n{'M' * 100},{'N' * 100},long-one,1,false\n"
    devices = "name,device_type,site,asset_tag\nlong-1,long-one,,T-LONG\n"
    report = run(db, files(tmp_path / "a", **{"device-types__csv": long_type, "devices__csv": devices}))
    assert report.ok, report.problems
    assert len(db.scalars(select(Hardware.model).where(Hardware.asset_tag == "T-LONG")).one()) == 100
    export = {
        "sites__csv": "name,slug\nGrave,grv1\n",
        "locations__csv": "site,name,slug\nGrave,Zaal A,zaal-a\n",
        "racks__csv": "site,location,name\nGrave,Zaal A,A01\n",
        "devices__csv": "name,site,rack,position,asset_tag\nsw-1,Grave,A01,1,T-SW\nsw-2,Grave,A01,3,T-S2\n",
        "interfaces__csv": "device,name,type\nsw-1,ge1,1000base-t\nsw-2,ge1,1000base-t\n",
        "cables__csv": "side_a_device,side_a_type,side_a_name,side_b_device,side_b_type,side_b_name,length,"
        "length_unit\nsw-1,dcim.interface,ge1,sw-2,dcim.interface,ge1,1000,km\n",
    }
    (problem,) = run(db, files(tmp_path / "b", **export)).problems
    assert (problem.row, problem.field) == (2, "length") and "Longer than 100 km" in problem.message


def test_a_site_time_zone_that_is_not_one_is_a_row_problem(db, tmp_path):
    """NetBox validates a site's time_zone; an export dcops writes must pass that again."""
    sites = "name,slug,time_zone\nGrave,grv1,Europe/Amsterdam\nDelft,dlf1,Europe/Amsterdm\n"
    (problem,) = run(db, files(tmp_path, sites__csv=sites)).problems
    assert (problem.row, problem.field) == (3, "time_zone")
    assert "Europe/Amsterdm is not a time zone" in problem.message
    assert db.scalar(select(func.count()).select_from(Site)) == 0


def test_one_object_on_two_rows_is_a_problem_not_a_silent_choice(db, tmp_path):
    export = {
        "sites__csv": "name,slug\nGrave,grv1\n",
        "locations__csv": "site,name,slug\nGrave,Zaal A,zaal-a\n",
        "racks__csv": "site,location,name\nGrave,Zaal A,A01\n",
        "devices__csv": "name,site,rack,position,asset_tag\nsw-1,Grave,A01,1,T-SW\nsw-1b,Grave,A01,9,T-SW\n",
    }
    (problem,) = run(db, files(tmp_path, **export)).problems
    assert problem.row == 3 and "earlier row" in problem.message


def test_dcops_own_hardware_facts_come_in_as_custom_fields(db, tmp_path):
    """Power draw, a dedicated server's specification (D3), a third party's ownership (K1), the planned rack (K2), the
    first installation (K9) and an untyped device's model, height and depth: `cf_` columns of the bulk files, or the
    REST API's nested `custom_fields`; a type decides model, height and depth, and gives its maximum draw."""
    acme = CustomerFactory(name="Acme B.V.")
    ContractFactory(customer=acme, number="C-1")
    assert devicetypes.import_library(db, [SWITCH], "test").ok
    base = csv_export("Acme B.V.", "C-1")
    base["devices__csv"] = (
        "name,device_type,manufacturer,site,rack,position,asset_tag\ncore-1,EX2300-48T,Juniper,Grave,A01,40,AT-1\n"
    )
    api = [
        {
            "id": 7,
            "url": "https://netbox.example/api/dcim/devices/7/",
            "name": "ded-1",
            "asset_tag": "AT-7",
            "tenant": {"id": 1, "name": "Acme B.V."},
            "site": {"id": 1, "name": "Grave"},
            "custom_fields": {"contract": "C-1", "model": "Dell PowerEdge R760", "u_height": 2, "full_depth": False,
                              "power_draw_w": 650, "cpu_cores": 64, "memory_gb": 512, "storage_gb": 3840,
                              "network_mbps": 10000, "third_party_owner": "Lease B.V.", "planned_rack": "A02"},
        }
    ]  # fmt: skip
    paths = files(tmp_path / "in", **base, devices_api__json=json.dumps(api))
    report = run(db, paths)
    assert report.ok, report.problems
    core = db.scalars(select(Hardware).where(Hardware.asset_tag == "AT-1")).one()
    assert core.power_draw_w == core.hardware_type.max_draw_w and core.power_draw_w > 0  # the type's maximum
    ded = db.scalars(select(Hardware).where(Hardware.asset_tag == "AT-7")).one()
    assert (ded.model, ded.u_height, ded.full_depth, ded.power_draw_w) == ("Dell PowerEdge R760", 2, False, 650)
    assert (ded.cpu_cores, ded.memory_gb, ded.storage_gb, ded.network_mbps) == (64, 512, 3840, 10000)
    assert ded.third_party_owner == "Lease B.V." and ded.planned_rack.name == "A02" and ded.rack_id is None
    assert ded.first_installed_on is None and ded.external_ref == "7"
    assert run(db, paths).counts["devices"] == {"unchanged": 2}

    wrong = base | {
        "devices__csv": "name,site,rack,position,asset_tag,cf_u_height,cf_full_depth,cf_planned_rack,cf_installed_on,"
        "cf_power_draw_w\n"
        "d1,Grave,A01,1,T-1,1.5,,,,\n"  # whole units only
        "d2,Grave,A01,3,T-2,,maybe,,,\n"
        "d3,Grave,A01,5,T-3,,,A02,,\n"  # mounted: planned for no other rack
        "d4,Grave,,,T-4,,,Z99,,\n"
        "d5,Grave,A01,7,T-5,,,,1 May,\n"
        "d6,Grave,A01,9,T-6,,,,,-5\n"
        "d7,Grave,A01,11,T-7,,,,9999-12-31,\n"  # a day no date sum can take further
    }
    problems = {(p.row, p.field) for p in run(db, files(tmp_path / "wrong", **wrong)).problems}
    assert problems == {
        (2, "cf_u_height"),
        (3, "cf_full_depth"),
        (4, "cf_planned_rack"),
        (5, "cf_planned_rack"),
        (6, "cf_installed_on"),
        (7, "cf_power_draw_w"),
        (8, "cf_installed_on"),
    }
    other = CustomerFactory(name="Other B.V.")
    ContractFactory(customer=other, number="C-2")
    planned_k1 = base | {"devices__csv": "name,site,contract,asset_tag,cf_planned_rack\nx,Grave,C-2,T-9,A02\n"}
    (problem,) = run(db, files(tmp_path / "k1", **planned_k1)).problems
    assert (problem.field, problem.rule, problem.article) == ("cf_planned_rack", "K1", "12.2")  # A02 is Acme's
