"""Customer and contract pages for account managers (others may read)."""

from __future__ import annotations

from litestar import Controller, Request, Router
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from dcops import crud
from dcops.auth.permissions import Perm, allows
from dcops.customers import contacts, service
from dcops.customers.liens import in_force, liened_customer_ids, open_lien
from dcops.customers.models import Contact, ContactRole, Contract, ContractStatus, Customer, CustomerKind
from dcops.customers.record_forms import customer_choices, customer_default
from dcops.customers.records_pages import customer_records
from dcops.customers.schemas import ContactIn, ContractIn, CustomerIn
from dcops.customers.standing import standing_of, standings
from dcops.i18n import LANGUAGES, N_
from dcops.notices.outbox import message_query
from dcops.racks.models import Hardware, Rack, Room
from dcops.terms import Service
from dcops.web.form_pages import FormPages, back_to, form_router
from dcops.web.forms import Field, enum_choices, render
from dcops.web.helpers import today, usual_rate
from dcops.web.routes import Db, get
from dcops.work import service as work

READ = {"perm": Perm.customers_read}


CUSTOMER = [
    Field("name", N_("Name"), required=True),
    Field(
        "kind",
        N_("Kind"),
        "select",
        True,
        enum_choices(CustomerKind),
        help=N_("Several rules differ for consumers (Art. 1.4)"),
    ),
    Field("country", N_("Country"), help=N_("Two letters (ISO 3166), NL for the Netherlands")),
    Field("kvk_number", N_("KvK number"), help=N_("8 digits; required for a Dutch business (Art. 1.4)")),
    Field(
        "registration_number", N_("Registration number"), help=N_("A business abroad: its number in its own register")
    ),
    Field("vat_number", N_("VAT number"), help=N_("With its country prefix, e.g. BE0123456789")),
    Field(
        "language",
        N_("Language"),
        "select",
        True,
        list(LANGUAGES.items()),
        help=N_("Written notices to the customer are in this language, whatever the language of whoever sends them"),
    ),
    Field(
        "email",
        N_("General e-mail"),
        "email",
        help=N_("The organisation's own address; notices go to its contacts, by role"),
    ),
    Field("phone", N_("Phone")),
    Field("address", N_("Address"), "textarea"),
    Field("notes", N_("Notes"), "textarea"),
]


def contract_fields(db: Session) -> list[Field]:
    customers = [(c.id, c.name) for c in db.scalars(select(Customer).order_by(Customer.name))]
    return [
        Field("number", N_("Number"), required=True),
        Field("customer_id", N_("Customer"), "select", True, customers),
        Field("service", N_("Service"), "select", True, enum_choices(Service)),
        Field(
            "customer_maintains_hardware",
            N_("Customer installs or maintains its hardware"),
            "checkbox",
            help=N_("The explicit responsibility that opens server-room access (Art. 11.3 / 12.3, rules D2/K2)"),
        ),
        Field("start_date", N_("Start"), "date", True),
        Field("end_date", N_("End"), "date"),
        Field(
            "payment_term_days",
            N_("Payment term (days)"),
            "number",
            True,
            min=1,
            max=365,
            help=N_("Invoices are due this many days after their date (Art. 23.2, rule S1)"),
        ),
        Field("status", N_("Status"), "select", True, enum_choices(ContractStatus)),
        Field("spec_cpu_cores", N_("Specification: CPU cores"), "number", min=1, help=SPEC_HELP),
        Field("spec_memory_gb", N_("Specification: memory (GB)"), "number", min=1, help=SPEC_HELP),
        Field("spec_storage_gb", N_("Specification: storage (GB)"), "number", min=1, help=SPEC_HELP),
        Field("spec_network_mbps", N_("Specification: network (Mbit/s)"), "number", min=1, help=SPEC_HELP),
        Field("notes", N_("Notes"), "textarea"),
    ]


def contact_fields(db: Session) -> list[Field]:
    return [
        Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
        Field("name", N_("Name"), required=True),
        Field("email", N_("E-mail"), "email", True),
        Field("phone", N_("Phone")),
        Field(
            "roles",
            N_("Receives"),
            "multiselect",
            True,
            enum_choices(ContactRole),
            help=N_(
                "Billing: notices of default, policy requests. Technical: move requests, maintenance, extra-work "
                "estimates. Access: visits approved or refused, with the passes"
            ),
        ),
    ]


SPEC_HELP = N_("Dedicated hosting: what the hardware must offer; a replacement must meet it (Art. 11.4, rule D3)")


FORM_ROUTERS: list[Router] = [
    form_router(
        FormPages(
            "/customers",
            "customer",
            Customer,
            CustomerIn,
            lambda db: CUSTOMER,
            service.create_customer,
            service.update_customer,
            service.delete_customer,
            write=Perm.customers_write,
            label=lambda c: c.name,
            saved=lambda c: f"/customers/{c.id}",
            deleted=lambda c: "/customers",
            defaults=lambda r: {"kind": "business", "country": "NL", "language": "nl"},
        )
    ),
    form_router(
        FormPages(
            "/contacts",
            "customer contact",
            Contact,
            ContactIn,
            contact_fields,
            contacts.create_contact,
            contacts.update_contact,
            contacts.delete_contact,
            write=Perm.customers_write,
            label=lambda c: c.name,
            saved=lambda c: f"/customers/{c.customer_id}#contacts",
            deleted=lambda c: f"/customers/{c.customer_id}#contacts",
            defaults=customer_default,
            back=back_to("/customers", customer_id="/customers/{}"),
        )
    ),
    form_router(
        FormPages(
            "/contracts",
            "contract",
            Contract,
            ContractIn,
            contract_fields,
            service.create_contract,
            service.update_contract,
            service.delete_contract,
            write=Perm.customers_write,
            label=lambda c: c.number,
            saved=lambda c: f"/contracts/{c.id}",
            deleted=lambda c: "/contracts",
            defaults=lambda r: {
                "customer_id": r.query_params.get("customer_id", ""),
                "payment_term_days": 14,
                "status": "active",
                "service": "colocation",
            },
        )
    ),
]


class CustomerPages(Controller):
    path = "/customers"

    @get("/", name="customers", opt=READ)
    def index(
        self,
        request: Request,
        db: Db,
        q: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        k = CustomerKind(kind) if kind in CustomerKind.__members__ else None
        page = crud.screen_page(db, service.customer_query(q.strip(), k), limit, offset)
        failing = {cid for cid, (_, st) in standings(db, today(request)).items() if st.fails}
        liened = liened_customer_ids(db, today(request))
        return render("customers/list.html", page=page, q=q, kind=kind, failing=failing, liened=liened)

    @get("/{customer_id:int}", name="customer", opt=READ)
    def view(self, request: Request, db: Db, customer_id: FromPath[int]) -> Template:
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
        may_see_work = allows(request.scope["user"].role, Perm.work_read)
        return render(
            "customers/detail.html",
            customer=customer,
            hardware_count=hardware,
            racks=racks,
            standing=standing_of(db, customer, today(request)),
            lien=open_lien(db, customer.id),
            lien_in_force=in_force(db, customer.id, today(request)),
            # The customer's hourly rate and work orders are commercial: not shown to the door (work:read).
            work_rate=work.rate_for(db, customer.id, usual_rate(request)) if may_see_work else None,
            work_orders=crud.screen_page(db, work.order_query(customer.id), 10, 0) if may_see_work else None,
            unreached=contacts.unreached(customer.contacts),
            messages=db.scalars(message_query(customer_id=customer.id).limit(10)).all()
            if allows(request.scope["user"].role, Perm.outbox)
            else None,
            **customer_records(request, db, customer),
        )


class ContractPages(Controller):
    path = "/contracts"

    @get("/", name="contracts", opt=READ)
    def index(self, db: Db, q: FromQuery[str] = "", limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> Template:
        stmt = service.contract_query(q=q.strip()).options(joinedload(Contract.customer))
        return render("customers/contracts.html", page=crud.screen_page(db, stmt, limit, offset), q=q)

    @get("/{contract_id:int}", name="contract", opt=READ)
    def view(self, request: Request, db: Db, contract_id: FromPath[int]) -> Template:
        contract = crud.get(db, Contract, contract_id)
        hardware = db.scalars(
            select(Hardware)
            .where(Hardware.contract_id == contract.id)
            .options(joinedload(Hardware.rack))
            .order_by(Hardware.name)
        ).all()
        liened = liened_customer_ids(db, today(request))
        return render("customers/contract.html", contract=contract, hardware=hardware, liened=liened)
