"""The header's search: one box for hardware (name, asset tag, serial), racks, cables, customers, people and visits.

What a handheld scanner types into it opens its object at once: a label's URL (dcops prints them on rack, hardware
and cable labels) or a visit pass's text (DC1:…). Everything else is a search, each kind only for roles that may
read it, a few hits per kind with a link to the full list filtered the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Controller, Request
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops.access.codec import PREFIX as PASS_PREFIX
from dcops.access.models import Person, Visit, VisitPass, visit_person
from dcops.auth.permissions import Perm, allows
from dcops.cabling.models import Cable
from dcops.customers.models import Customer
from dcops.i18n import N_, _
from dcops.racks.models import Hardware, Rack
from dcops.search import contains_text
from dcops.web.forms import render
from dcops.web.routes import Db, get

HITS = 8  # per kind: enough to pick from on a tablet; the rest is one tap away in the list
MAX_QUERY = 1024  # a pass is about 200 characters
# The pages a label or a link of this site names; a typed URL opens only these, never another site.
OBJECT_PATH = re.compile(
    r"^/(racks|hardware|cables|rooms|sites|customers|contracts|visits|people|relocations)/\d{1,18}$"
)


@dataclass(frozen=True)
class Hit:
    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class Group:
    kind: str  # a message: the heading
    hits: list[Hit]
    more: str | None  # the list page with the same search, when there may be more


def opens(db: Session, text: str) -> str | None:
    """The local path a scanned label URL or pass text names, or None when the text is a search."""
    text = text.strip()
    if text.startswith(PASS_PREFIX):
        visit_id = db.scalar(select(VisitPass.visit_id).where(VisitPass.code == text).limit(1))
        return None if visit_id is None else f"/visits/{visit_id}"
    if text.startswith(("http://", "https://", "/")):
        path = urlsplit(text).path.rstrip("/")
        return path if OBJECT_PATH.match(path) else None
    return None


def search(db: Session, role: Any, q: str) -> list[Group]:
    groups: list[Group] = []
    term = quote(q)
    if allows(role, Perm.inventory_read):
        rows = db.scalars(
            select(Hardware)
            .where(contains_text(q, Hardware.name, Hardware.asset_tag, Hardware.serial))
            .order_by(Hardware.name)
            .limit(HITS + 1)
        ).all()
        hits = [Hit(h.name, " · ".join(filter(None, [h.asset_tag, h.serial])), f"/hardware/{h.id}") for h in rows]
        groups.append(_group(N_("Hardware"), hits, f"/hardware?q={term}"))
        racks = db.scalars(select(Rack).where(contains_text(q, Rack.name)).order_by(Rack.name).limit(HITS + 1)).all()
        groups.append(_group(N_("Racks"), [Hit(r.name, "", f"/racks/{r.id}") for r in racks], None))
        cables = db.scalars(
            select(Cable).where(contains_text(q, Cable.label)).order_by(Cable.label).limit(HITS + 1)
        ).all()
        hits = [Hit(c.label, c.type, f"/cables/{c.id}") for c in cables]
        groups.append(_group(N_("Cables"), hits, f"/cables?q={term}"))
    if allows(role, Perm.customers_read):
        found = db.scalars(
            select(Customer)
            .where(contains_text(q, Customer.name, Customer.kvk_number))
            .order_by(Customer.name)
            .limit(HITS + 1)
        ).all()
        hits = [Hit(c.name, c.kvk_number or "", f"/customers/{c.id}") for c in found]
        groups.append(_group(N_("Customers"), hits, f"/customers?q={term}"))
    if allows(role, Perm.access_read):
        people = db.scalars(
            select(Person).where(contains_text(q, Person.name)).order_by(Person.name).limit(HITS + 1)
        ).all()
        groups.append(_group(N_("People"), [Hit(p.name, "", f"/people/{p.id}") for p in people], f"/people?q={term}"))
        visits = db.scalars(
            select(Visit)
            .join(Customer, Customer.id == Visit.customer_id)
            .where(
                Visit.id.in_(
                    select(visit_person.c.visit_id)
                    .join(Person, Person.id == visit_person.c.person_id)
                    .where(contains_text(q, Person.name))
                )
                | contains_text(q, Customer.name)
            )
            .order_by(Visit.starts_at.desc())
            .limit(HITS + 1)
        ).all()
        hits = [Hit(_("Visit #%(n)s", n=v.id), v.customer.name, f"/visits/{v.id}") for v in visits]
        groups.append(_group(N_("Visits"), hits, None))
    return [g for g in groups if g.hits]


def _group(kind: str, hits: list[Hit], more: str | None) -> Group:
    return Group(kind, hits[:HITS], more if len(hits) > HITS else None)


class SearchPage(Controller):
    path = "/search"

    @get("/", name="search", opt={"perm": Perm.authenticated})
    def index(self, request: Request[Any, Any, Any], db: Db, q: FromQuery[str] = "") -> Template | Redirect:
        q = q.strip()[:MAX_QUERY]
        if q and (target := opens(db, q)) is not None:
            return Redirect(target)
        user = request.scope["user"]
        groups = search(db, user.role, q) if len(q) >= 2 else []
        return render("search.html", q=q, groups=groups, too_short=0 < len(q) < 2, pass_like=q.startswith(PASS_PREFIX))
