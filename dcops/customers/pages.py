"""Customer and contract pages for account managers (others may read)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.customers import service
from dcops.customers.models import Contract, ContractStatus, Customer, CustomerKind
from dcops.customers.schemas import ContractIn, CustomerIn
from dcops.racks.models import Hardware, Rack, Room
from dcops.terms import Service
from dcops.validation import parse
from dcops.web.forms import Field, render, submit
from dcops.web.helpers import actor, form_values
from dcops.web.routes import get, post

READ = {"perm": Perm.customers_read}
WRITE = {"perm": Perm.customers_write}
FORM = "forms/generic.html"
Form = URLEncodedBody[dict[str, str]]
Db = NamedDependency[Session]


def _enum(e: type) -> list[tuple[str, str]]:
    return [(m.value, m.value.replace("_", " ")) for m in e]


CUSTOMER = [
    Field("name", "Name", required=True),
    Field("kind", "Kind", "select", True, _enum(CustomerKind), help="Several rules differ for consumers (Art. 1.4)"),
    Field("kvk_number", "KvK number", help="8 digits; required for a business"),
    Field("contact_name", "Contact person"),
    Field("email", "E-mail", "email"),
    Field("phone", "Phone"),
    Field("address", "Address", "textarea"),
    Field("notes", "Notes", "textarea"),
]


def contract_fields(db: Session) -> list[Field]:
    customers = [(c.id, c.name) for c in db.scalars(select(Customer).order_by(Customer.name))]
    return [
        Field("number", "Number", required=True),
        Field("customer_id", "Customer", "select", True, customers),
        Field("service", "Service", "select", True, _enum(Service)),
        Field(
            "customer_maintains_hardware",
            "Customer installs or maintains its hardware",
            "checkbox",
            help="The explicit responsibility that opens server-room access (Art. 11.3 / 12.3, rules D2/K2)",
        ),
        Field("start_date", "Start", "date", True),
        Field("end_date", "End", "date"),
        Field(
            "payment_term_days",
            "Payment term (days)",
            "number",
            True,
            min=1,
            max=365,
            help="Invoices are due this many days after their date (Art. 23.2, rule S1)",
        ),
        Field("status", "Status", "select", True, _enum(ContractStatus)),
        Field("notes", "Notes", "textarea"),
    ]


class CustomerPages(Controller):
    path = "/customers"

    @get("/", name="customers", opt=READ)
    def index(
        self,
        db: Db,
        q: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        k = CustomerKind(kind) if kind in CustomerKind.__members__ else None
        page = crud.paginate(db, service.customer_query(q.strip(), k), limit, offset)
        return render("customers/list.html", page=page, q=q, kind=kind)

    @get("/new", name="customer_new", opt=WRITE)
    def new(self) -> Template:
        return render(
            FORM, title="New customer", fields=CUSTOMER, values={"kind": "business"}, errors={}, cancel="/customers"
        )

    @post("/new", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        return submit(
            request,
            FORM,
            data,
            lambda: service.create_customer(db, parse(CustomerIn, data, form=True), actor(request)),
            lambda c: f"/customers/{c.id}",
            "Customer created",
            title="New customer",
            fields=CUSTOMER,
            cancel="/customers",
        )

    @get("/{customer_id:int}", name="customer", opt=READ)
    def view(self, db: Db, customer_id: FromPath[int]) -> Template:
        customer = crud.get(db, Customer, customer_id)
        hardware = (
            db.scalar(
                select(func.count()).select_from(Hardware).join(Contract).where(Contract.customer_id == customer.id)
            )
            or 0
        )
        racks = db.scalars(
            select(Rack).where(Rack.customer_id == customer.id).options(joinedload(Rack.room).joinedload(Room.site))
        ).all()
        return render("customers/detail.html", customer=customer, hardware_count=hardware, racks=racks)

    @get("/{customer_id:int}/edit", name="customer_edit", opt=WRITE)
    def edit(self, db: Db, customer_id: FromPath[int]) -> Template:
        c = crud.get(db, Customer, customer_id)
        return render(
            FORM,
            title=f"Edit {c.name}",
            fields=CUSTOMER,
            values=form_values(c, CUSTOMER),
            errors={},
            cancel=f"/customers/{c.id}",
            delete=f"/customers/{c.id}/delete",
        )

    @post("/{customer_id:int}/edit", opt=WRITE)
    def update(self, request: Request, db: Db, customer_id: FromPath[int], data: Form) -> Any:
        c = crud.get(db, Customer, customer_id)
        return submit(
            request,
            FORM,
            data,
            lambda: service.update_customer(db, c, parse(CustomerIn, data, form=True), actor(request)),
            lambda c: f"/customers/{c.id}",
            "Customer saved",
            title=f"Edit {c.name}",
            fields=CUSTOMER,
            cancel=f"/customers/{c.id}",
            delete=f"/customers/{c.id}/delete",
        )

    @post("/{customer_id:int}/delete", opt=WRITE)
    def delete(self, request: Request, db: Db, customer_id: FromPath[int]) -> Any:
        service.delete_customer(db, crud.get(db, Customer, customer_id), actor(request))
        return Redirect("/customers")


class ContractPages(Controller):
    path = "/contracts"

    @get("/", name="contracts", opt=READ)
    def index(self, db: Db, q: FromQuery[str] = "", limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> Template:
        stmt = service.contract_query(q=q.strip()).options(joinedload(Contract.customer))
        return render("customers/contracts.html", page=crud.paginate(db, stmt, limit, offset), q=q)

    @get("/new", name="contract_new", opt=WRITE)
    def new(self, db: Db, customer_id: FromQuery[int | None] = None) -> Template:
        values = {
            "customer_id": customer_id or "",
            "payment_term_days": 14,
            "status": "active",
            "service": "colocation",
        }
        return render(
            FORM, title="New contract", fields=contract_fields(db), values=values, errors={}, cancel="/contracts"
        )

    @post("/new", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        return submit(
            request,
            FORM,
            data,
            lambda: service.create_contract(db, parse(ContractIn, data, form=True), actor(request)),
            lambda c: f"/contracts/{c.id}",
            "Contract created",
            title="New contract",
            fields=contract_fields(db),
            cancel="/contracts",
        )

    @get("/{contract_id:int}", name="contract", opt=READ)
    def view(self, db: Db, contract_id: FromPath[int]) -> Template:
        contract = crud.get(db, Contract, contract_id)
        hardware = db.scalars(
            select(Hardware)
            .where(Hardware.contract_id == contract.id)
            .options(joinedload(Hardware.rack))
            .order_by(Hardware.name)
        ).all()
        return render("customers/contract.html", contract=contract, hardware=hardware)

    @get("/{contract_id:int}/edit", name="contract_edit", opt=WRITE)
    def edit(self, db: Db, contract_id: FromPath[int]) -> Template:
        c = crud.get(db, Contract, contract_id)
        fields = contract_fields(db)
        return render(
            FORM,
            title=f"Edit contract {c.number}",
            fields=fields,
            values=form_values(c, fields),
            errors={},
            cancel=f"/contracts/{c.id}",
            delete=f"/contracts/{c.id}/delete",
        )

    @post("/{contract_id:int}/edit", opt=WRITE)
    def update(self, request: Request, db: Db, contract_id: FromPath[int], data: Form) -> Any:
        c = crud.get(db, Contract, contract_id)
        return submit(
            request,
            FORM,
            data,
            lambda: service.update_contract(db, c, parse(ContractIn, data, form=True), actor(request)),
            lambda c: f"/contracts/{c.id}",
            "Contract saved",
            title=f"Edit contract {c.number}",
            fields=contract_fields(db),
            cancel=f"/contracts/{c.id}",
            delete=f"/contracts/{c.id}/delete",
        )

    @post("/{contract_id:int}/delete", opt=WRITE)
    def delete(self, request: Request, db: Db, contract_id: FromPath[int]) -> Any:
        service.delete_contract(db, crud.get(db, Contract, contract_id), actor(request))
        return Redirect("/contracts")
