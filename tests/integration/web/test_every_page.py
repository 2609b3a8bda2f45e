"""Every GET route of the app answers 200 for an admin on the demo data, with real ids in the path."""

import re

from sqlalchemy import select

from dcops.access.models import DoorCheck, Person, Visit, VisitPass
from dcops.auth.models import Role, User
from dcops.cabling.models import Cable, Port
from dcops.customers.models import (
    Breach,
    Contact,
    Contract,
    Customer,
    DefaultNotice,
    InsurancePolicy,
    Invoice,
    Lien,
    PolicyRequest,
    WrittenPermission,
)
from dcops.documents import DocumentStore
from dcops.interop import jobs
from dcops.interop.models import ImportJob
from dcops.maintenance.models import ClosureDay, Maintenance
from dcops.moves.models import HandBack, Relocation
from dcops.notices.models import OutboxAttachment
from dcops.racks.models import Hardware, HardwareType, Rack, Room, Site
from dcops.seed import load
from dcops.work.models import WorkOrder
from tests.conftest import keyring_for
from tests.integration.auth.test_permissions import routes
from tests.integration.test_seed_and_schema import DEMO

MODELS = {
    "site": Site,
    "room": Room,
    "rack": Rack,
    "hardware": Hardware,
    "customer": Customer,
    "contract": Contract,
    "user": User,
    "sites": Site,
    "rooms": Room,
    "racks": Rack,
    "customers": Customer,
    "contracts": Contract,
    "invoices": Invoice,
    "notices": DefaultNotice,
    "breaches": Breach,
    "liens": Lien,
    "policies": InsurancePolicy,
    "policy-requests": PolicyRequest,
    "written-permissions": WrittenPermission,
    "people": Person,
    "visits": Visit,
    "passes": VisitPass,
    "door": DoorCheck,
    "cables": Cable,
    "ports": Port,
    "relocations": Relocation,
    "hand-backs": HandBack,
    "hardware-types": HardwareType,
    "import": ImportJob,
    "maintenance": Maintenance,
    "closure-days": ClosureDay,
    "work": WorkOrder,
    "work-orders": WorkOrder,
    "work-rates": Customer,
    "contacts": Contact,
    "outbox": OutboxAttachment,  # the message of the first attachment (below): its detail and its attachment 1
}


def test_every_get_route_renders(app, login, api, db, settings):
    load(db, DEMO, DocumentStore(), keys=keyring_for(settings, db))
    jobs.submit(db, "netbox", [("sites.csv", b"name,slug\nX,x\n")], "test", dry_run=True, contracts={})
    mounted = db.scalars(select(Hardware).where(Hardware.rack_id.is_not(None))).first()
    ids = {name: db.scalars(select(model.id).order_by(model.id)).first() for name, model in MODELS.items()}
    ids["hardware"] = mounted.id
    ids["outbox"] = db.get(OutboxAttachment, ids["outbox"]).message_id
    page, token = login(Role.admin), api(Role.admin)
    seen, failures = 0, []
    for method, path, _ in routes(app):
        if method != "GET" or "{file_path" in path or "{path:" in path:  # static files, OpenAPI catch-all
            continue
        resource = path.strip("/").split("/")[1 if path.startswith("/api/") else 0]
        concrete = path.replace("{position:int}", "1")  # an outbox message's first attachment
        concrete = re.sub(r"\{[a-z_]+:int\}", str(ids.get(resource, ids["hardware"])), concrete)
        concrete = concrete.replace("{action:str}", "move").replace("{kind:str}", "hardware").replace("{end:str}", "a")
        client = token if path.startswith("/api/") else page
        r = client.get(concrete)
        seen += 1
        if r.status_code != 200:
            failures.append((concrete, r.status_code))
    assert failures == [] and seen >= 35
