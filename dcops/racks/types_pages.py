"""Pages for hardware types: the list (search, pages) and one type with its ports and the hardware made from it."""

from __future__ import annotations

from litestar import Controller
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import select

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.racks import types
from dcops.racks.models import Hardware
from dcops.web.forms import render
from dcops.web.routes import Db, get

READ = {"perm": Perm.inventory_read}


class HardwareTypePages(Controller):
    path = "/hardware-types"

    @get("/", name="hardware_types", opt=READ)
    def index(self, db: Db, q: FromQuery[str] = "", limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> Template:
        page = crud.screen_page(db, types.type_query(q.strip()), limit, offset)
        return render("racks/hardware_types.html", page=page, q=q)

    @get("/{type_id:int}", name="hardware_type", opt=READ)
    def view(self, db: Db, type_id: FromPath[int]) -> Template:
        ht = types.get_type(db, type_id)
        made = db.scalars(select(Hardware).where(Hardware.hardware_type_id == ht.id).order_by(Hardware.name).limit(50))
        return render("racks/hardware_type.html", ht=ht, hardware=list(made), count=types.hardware_count(db, ht.id))
