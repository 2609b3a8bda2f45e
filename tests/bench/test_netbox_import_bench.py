"""NetBox import at size (issue 15): a generated NetBox bulk-import export (CSV) of 1 site, 10 locations, 500
racks, 20,000 devices of 40 types for 20 tenants, 60,000 interfaces and 19,500 cables (100,011 objects), imported by
`dcops import netbox` as a whole process into a fresh SQLite database that knows the tenants (customers with
contracts) and the types. Next to it in the same run, a reference process: plain sqlite3 reading the same CSV files
and `executemany`-ing the same rows into the same tables (site, room, rack, hardware, rack_unit, port, cable,
cable_end). Prints both times, the ratio and the import's peak memory; asserts that both land the same rows, never
time."""

import csv
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from dcops import migrate
from dcops.cabling.models import CableEnd, Port
from dcops.db import make_engine, make_sessionmaker
from dcops.racks import types
from dcops.racks.models import Hardware, RackUnit
from dcops.racks.schemas import HardwareTypeIn
from tests import factories
from tests.bench.bytecode import compile_dcops

RACKS, PER_RACK, TENANTS, TYPES, ROOMS, PORTS = 500, 40, 20, 40, 10, 3
CABLED = 19_500  # devices whose eth0 and eth1 are cabled to their neighbour's

REFERENCE = r"""
import csv, sqlite3, sys
folder, db = sys.argv[1], sqlite3.connect(sys.argv[2])
read = lambda name: list(csv.DictReader(open(f"{folder}/{name}.csv", encoding="utf-8")))
db.execute("INSERT INTO site (code, name, timezone) VALUES ('GRV1', 'Grave', 'Europe/Amsterdam')")
site = db.execute("SELECT id FROM site WHERE code = 'GRV1'").fetchone()[0]
db.executemany("INSERT INTO room (site_id, code, name) VALUES (?, ?, ?)",
               [(site, r["slug"].upper(), r["name"]) for r in read("locations")])
rooms = dict(db.execute("SELECT name, id FROM room"))
customers = dict(db.execute("SELECT name, id FROM customer"))
db.executemany("INSERT INTO rack (room_id, name, u_height, kind, customer_id, power_budget_w, status) "
               "VALUES (?, ?, ?, 'shared', NULL, 0, 'active')",
               [(rooms[r["location"]], r["name"], int(r["u_height"])) for r in read("racks")])
racks = dict(db.execute("SELECT name, id FROM rack"))
types = dict(db.execute("SELECT model, id FROM hardware_type"))
contracts = dict(db.execute("SELECT number, id FROM contract"))
devices = read("devices")
db.executemany("INSERT INTO hardware (name, asset_tag, serial, model, u_height, full_depth, rack_id, position, face, "
               "power_draw_w, status, contract_id, hardware_type_id, first_installed_on) "
               "VALUES (?, ?, ?, ?, 1, 0, ?, ?, 'front', 0, 'installed', ?, ?, '2026-11-30')",
               [(d["name"], d["asset_tag"], d["serial"], d["device_type"], racks[d["rack"]], int(d["position"]),
                 contracts[d["contract"]], types[d["device_type"]]) for d in devices])
ids = dict(db.execute("SELECT asset_tag, id FROM hardware"))
db.executemany("INSERT INTO rack_unit (rack_id, unit, face, hardware_id) VALUES (?, ?, 'front', ?)",
               [(racks[d["rack"]], int(d["position"]), ids[d["asset_tag"]]) for d in devices])
by_name = {d["name"]: ids[d["asset_tag"]] for d in devices}
db.executemany("INSERT INTO port (hardware_id, name, kind, side, type) VALUES (?, ?, 'copper', 'none', ?)",
               [(by_name[i["device"]], i["name"], i["type"]) for i in read("interfaces")])
ports = {(h, n): i for i, h, n in db.execute("SELECT id, hardware_id, name FROM port")}
cables = [(c["label"], ports[(by_name[c["side_a_device"]], c["side_a_name"])],
           ports[(by_name[c["side_b_device"]], c["side_b_name"])], c["type"]) for c in read("cables")]
db.executemany("INSERT INTO cable (label, a_port_id, b_port_id, type, length_unit, route, installed_by, status) "
               "VALUES (?, ?, ?, ?, 'm', 'in_rack', 'supplier', 'connected')", cables)
cable_ids = dict(db.execute("SELECT label, id FROM cable"))
db.executemany("INSERT INTO cable_end (port_id, cable_id) VALUES (?, ?)",
               [(p, cable_ids[label]) for label, a, b, _ in cables for p in (a, b)])
db.commit()
"""


def _database(folder: Path, url: str | None = None) -> str:
    """A migrated database (an SQLite file unless `url`) with the tenants as customers (each with a contract) and
    the hardware types."""
    url = url or f"sqlite:///{folder / 'dcops.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        for f in factories.ALL:
            f._meta.sqlalchemy_session = db
        for t in range(TENANTS):
            factories.ContractFactory(customer=factories.CustomerFactory(name=f"Tenant {t:02d}"), number=f"C-{t:02d}")
        for t in range(TYPES):
            data = HardwareTypeIn(manufacturer="Bench", model=f"Model-{t:02d}", slug=f"model-{t:02d}", full_depth=False)
            types.save_type(db, data, "bench")
        db.commit()
    engine.dispose()
    return url


def _export(folder: Path) -> None:
    """NetBox's bulk-import CSV files, named after what they hold."""
    folder.mkdir()

    def write(name: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(header)
            out.writerows(rows)

    write("sites", ["name", "slug", "time_zone"], [["Grave", "grv1", "Europe/Amsterdam"]])
    write("locations", ["site", "name", "slug"], [["Grave", f"Zaal {r}", f"zaal-{r}"] for r in range(ROOMS)])
    write(
        "racks",
        ["site", "location", "name", "u_height"],
        [["Grave", f"Zaal {r % ROOMS}", f"R{r:03d}", 42] for r in range(RACKS)],
    )
    header = ["name", "device_type", "manufacturer", "site", "rack", "position", "face", "tenant", "contract"]
    rows = []
    for r in range(RACKS):
        for u in range(PER_RACK):
            n, t = r * PER_RACK + u, (r * PER_RACK + u) % TENANTS
            rows.append([f"dev-{n:05d}", f"Model-{n % TYPES:02d}", "Bench", "Grave", f"R{r:03d}", u + 1, "front",
                         f"Tenant {t:02d}", f"C-{t:02d}", f"AT-{n:05d}", f"SN{n}"])  # fmt: skip
    write("devices", [*header, "asset_tag", "serial"], rows)
    devices = range(RACKS * PER_RACK)
    write("interfaces", ["device", "name", "type"], [[f"dev-{n:05d}", f"eth{p}", "1000base-t"] for n in devices
                                                     for p in range(PORTS)])  # fmt: skip
    cables = []
    for n in range(0, CABLED, 2):
        for p in (0, 1):
            cables.append([f"dev-{n:05d}", "dcim.interface", f"eth{p}", f"dev-{n + 1:05d}", "dcim.interface",
                           f"eth{p}", "cat6a", "connected", f"CBL-{n:05d}-{p}"])  # fmt: skip
    header = ["side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type", "side_b_name", "type",
              "status", "label"]  # fmt: skip
    write("cables", header, cables)


# `python -m MODULE ARGS…` that says, as it ends, the peak resident memory of its own address space (VmHWM). Not
# wait4's ru_maxrss: Linux keeps a process's high-water mark across exec, and a child forked from this pytest
# process starts from pytest's pages, so in a whole `make bench` run that figure was pytest's size (339 MB).
PEAK_OF = """
import runpy, sys
module, sys.argv = sys.argv[1], sys.argv[1:]
try:
    runpy.run_module(module, run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    print()
    print("peak-rss-kb", peak.split()[1], flush=True)
"""


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds of a whole process, and what it printed."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    elapsed = time.perf_counter() - t
    assert proc.returncode == 0, proc.stdout
    return elapsed, proc.stdout


def _import(export: Path, env: dict[str, str]) -> tuple[float, float]:
    """`dcops import netbox` as a whole process: wall seconds and its peak memory (MB)."""
    wall, out = _timed([sys.executable, "-c", PEAK_OF, "dcops.cli", "import", "netbox", str(export)], env)
    return wall, int(out.rsplit("peak-rss-kb", 1)[1]) / 1024


def _count(url: str) -> tuple[int, ...]:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        counts = tuple(
            db.scalar(select(func.count()).select_from(m)) or 0 for m in (Hardware, RackUnit, Port, CableEnd)
        )
    engine.dispose()
    return counts


RUNS = int(os.environ.get("DCOPS_BENCH_RUNS", "3"))


def test_a_netbox_export_of_twenty_thousand_devices(tmp_path):
    """The import and its reference RUNS times each, in turns, each into its own copy of the same fresh database:
    the machine's speed drifts, and one run of each minutes apart put that drift into their ratio."""
    compile_dcops()
    export = tmp_path / "export"
    _export(export)
    objects = 1 + ROOMS + RACKS + RACKS * PER_RACK * (1 + PORTS) + CABLED
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    _database(fresh)
    walls, peaks, ref_walls = [], [], []
    devices = RACKS * PER_RACK
    for run in range(RUNS):
        ours, ref = tmp_path / f"ours{run}", tmp_path / f"ref{run}"
        ours.mkdir(), ref.mkdir()
        for folder in (ours, ref):
            shutil.copy(fresh / "dcops.sqlite3", folder / "dcops.sqlite3")
        url = f"sqlite:///{ours / 'dcops.sqlite3'}"
        wall, peak = _import(export, {**os.environ, "DCOPS_DATA_DIR": str(fresh), "DCOPS_DATABASE_URL": url})
        reference = [sys.executable, "-c", REFERENCE, str(export), str(ref / "dcops.sqlite3")]
        ref_wall, _ = _timed(reference, dict(os.environ))
        walls.append(wall), peaks.append(peak), ref_walls.append(ref_wall)
        assert (
            _count(url)
            == _count(f"sqlite:///{ref / 'dcops.sqlite3'}")
            == (devices, devices, devices * PORTS, CABLED * 2)
        )
    wall, ref_wall = statistics.median(walls), statistics.median(ref_walls)
    print(f"\nNetBox import, SQLite, {objects:,} objects (1 site, {ROOMS} locations, {RACKS} racks, "
          f"{devices:,} devices mounted, {devices * PORTS:,} interfaces, {CABLED:,} cables), whole processes, "
          f"{RUNS} runs each in turns (median; every run):")  # fmt: skip
    print(f"  dcops import netbox  {wall:6.2f} s ({objects / wall:,.0f} objects/s), peak memory {max(peaks):.0f} MB"
          f"  ({', '.join(f'{w:.2f}' for w in walls)})")  # fmt: skip
    print(f"  reference (sqlite3 executemany of the same rows)  {ref_wall:6.2f} s"
          f"  ({', '.join(f'{w:.2f}' for w in ref_walls)})")  # fmt: skip
    per_run = ", ".join(f"{w / r:.2f}x" for w, r in zip(walls, ref_walls, strict=True))
    print(f"  ratio {wall / ref_wall:.2f}x  (per run: {per_run})")


PG_URL = os.environ.get("DCOPS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def test_the_same_export_into_postgresql(tmp_path):
    """The same 100,011 objects into PostgreSQL (a fresh database on the local server), whole process."""
    from tests.conftest import fresh_database

    compile_dcops()
    export = tmp_path / "export"
    _export(export)
    with fresh_database(PG_URL, tmp_path) as url:
        _database(tmp_path, url)
        env = {**os.environ, "DCOPS_DATA_DIR": str(tmp_path), "DCOPS_DATABASE_URL": url}
        wall, peak = _import(export, env)
        counts = _count(url)
    devices = RACKS * PER_RACK
    print(f"\nNetBox import, PostgreSQL, the same {1 + ROOMS + RACKS + devices * (1 + PORTS) + CABLED:,} objects: "
          f"{wall:.2f} s, peak memory {peak:.0f} MB")  # fmt: skip
    assert counts == (devices, devices, devices * PORTS, CABLED * 2)
