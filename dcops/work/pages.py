"""Extra-work pages: the list of work orders, a work order's page with the steps its state allows, the form that
records a request, the technicians' tablet list of work to do, and a customer's agreed rate."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dcops import crud, i18n
from dcops.auth.permissions import Perm, allows
from dcops.customers.models import Contract, Customer
from dcops.customers.record_forms import customer_choices
from dcops.errors import ValidationFailed
from dcops.i18n import N_, _, money
from dcops.notices import outbox
from dcops.racks.models import Hardware
from dcops.terms.extra_work import WorkKind
from dcops.terms.written import Channel
from dcops.validation import parse, query_int
from dcops.web.forms import Field, enum_choices, euros, normalize, render, submit
from dcops.web.helpers import actor, timezone, today, usual_rate
from dcops.web.routes import Db, Form, get, post
from dcops.work import service
from dcops.work.models import CustomerRate, RequestChannel, WorkOrder, WorkStatus
from dcops.work.notices import EstimateNotice, estimate_message
from dcops.work.schemas import AcceptanceIn, CloseIn, EstimateIn, RateIn, TimeIn, WorkOrderIn

READ = {"perm": Perm.work_read}
PLAN = {"perm": Perm.customers_write}
CARRY = {"perm": Perm.inventory_write}
ORDER = "work/order.html"
FORM = "forms/generic.html"
TO_DO = "/work/to-do"


def order_fields(db: Session, customer_id: int | None) -> list[Field]:
    """The request's form; opened from a customer's page it offers that customer's contracts and hardware only."""
    contracts = select(Contract).options(joinedload(Contract.customer)).order_by(Contract.number)
    hardware = (
        select(Hardware)
        .join(Hardware.contract)
        .options(joinedload(Hardware.contract).joinedload(Contract.customer))
        .order_by(Hardware.name)
    )
    if customer_id is not None:
        contracts = contracts.where(Contract.customer_id == customer_id)
        hardware = hardware.where(Contract.customer_id == customer_id)
    contract_choices = [(c.id, f"{c.number} ({c.customer.name})") for c in db.scalars(contracts)]
    hardware_choices = [(h.id, f"{h.name} ({h.asset_tag}, {h.contract.customer.name})") for h in db.scalars(hardware)]
    return [
        Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
        Field(
            "kind",
            N_("Kind"),
            "select",
            True,
            enum_choices(WorkKind),
            help=N_(
                "On request: the customer asks for it; it is carried out once the customer accepted the estimate in "
                "writing (M1). Necessary: needed for the agreed services; carried out without acceptance and charged "
                "afterwards on the time spent (M2)"
            ),
        ),
        Field(
            "description",
            N_("What is asked"),
            "textarea",
            True,
            help=N_("Moving hardware for a relocation is no extra work: each party bears its own costs (rule K7)"),
        ),
        Field("contract_id", N_("Contract"), "select", choices=contract_choices),
        Field(
            "hardware_ids",
            N_("Hardware concerned"),
            "multiselect",
            choices=hardware_choices,
            help=N_("Only hardware under a contract of this customer"),
        ),
        Field("requested_by", N_("Requested by"), help=N_("Who at the customer asked (M1)")),
        Field("requested_on", N_("Requested on"), "date"),
        Field("requested_via", N_("Requested by way of"), "select", choices=enum_choices(RequestChannel)),
        Field(
            "necessity",
            N_("Why it is necessary"),
            "textarea",
            help=N_("Necessary work only: why the agreed services need it (Art. 15.2, rule M2)"),
        ),
    ]


def estimate_fields() -> list[Field]:
    return [
        Field("hours", N_("Hours"), required=True, help=N_("The estimated time, e.g. 1.5 for an hour and a half")),
        Field("note", N_("Note"), "textarea"),
    ]


def acceptance_fields() -> list[Field]:
    return [
        Field("accepted_by", N_("Accepted by"), required=True, help=N_("Who at the customer accepted")),
        Field("accepted_on", N_("Accepted on"), "date", True),
        Field("accepted_via", N_("Channel"), "select", True, enum_choices(Channel)),
        Field(
            "accepted_reference",
            N_("Reference"),
            required=True,
            help=N_("The message that accepts it: the e-mail's Message-ID, the letter's date, the portal message"),
        ),
    ]


def close_fields() -> list[Field]:
    return [Field("reason", N_("Why"), "textarea", True)]


def time_fields() -> list[Field]:
    return [
        Field("minutes", N_("Minutes"), "number", min=1, help=N_("The time spent, or from and until")),
        Field("started_at", N_("From"), "datetime-local"),
        Field("ended_at", N_("Until"), "datetime-local"),
        Field("note", N_("Note"), "textarea"),
    ]


def rate_fields(usual_cents: int) -> list[Field]:
    return [
        Field(
            "rate_cents",
            N_("Agreed hourly rate"),
            "money",
            help=i18n._(
                "Empty: the usual rate applies, %(rate)s an hour (Art. 15.3, rule M2)", rate=money(usual_cents)
            ),
        ),
        Field("note", N_("Where it was agreed"), "textarea"),
    ]


def _minutes(text: str) -> int:
    """Hours typed in the reader's way ("1,5", "1.5", "2") as whole minutes."""
    hundredths = i18n.parse_cents(text or "")
    if hundredths is None or hundredths <= 0:
        raise ValidationFailed({"hours": _("Must be a number of hours like %(example)s", example=i18n.number(1.5))})
    return max(1, round(hundredths * 60 / 100))


def _estimate_in(data: dict[str, Any]) -> EstimateIn:
    minutes = _minutes(str(data.get("hours", "")))
    try:
        return parse(EstimateIn, {"estimate_minutes": str(minutes), "note": data.get("note", "")}, form=True)
    except ValidationFailed as exc:
        raise ValidationFailed({"hours" if k == "estimate_minutes" else k: v for k, v in exc.errors.items()}) from exc


class WorkPages(Controller):
    path = "/work"

    @get("/", name="work_orders", opt=READ)
    def index(
        self,
        db: Db,
        status: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        customer_id: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        valid_status = status if status in {s.value for s in WorkStatus} else None
        valid_kind = kind if kind in {k.value for k in WorkKind} else None
        stmt = service.order_query(query_int(customer_id), valid_status, valid_kind)
        return render(
            "work/orders.html",
            page=crud.screen_page(db, stmt, limit, offset),
            status=status,
            kind=kind,
            customer_id=customer_id,
            statuses=list(WorkStatus),
            kinds=list(WorkKind),
            customers=customer_choices(db),
        )

    @get("/to-do", name="work_to_do", opt=READ)
    def to_do(self, request: Request, db: Db) -> Template:
        """The technicians' tablet: work they may carry out (M1 accepted in writing, M2 at once) or are doing."""
        orders = list(db.scalars(service.order_query(to_do=True)))
        return render("work/to_do.html", orders=orders)

    @get("/new", name="work_order_new", opt=PLAN)
    def new(self, request: Request, db: Db) -> Template:
        """`?customer_id=`: opened from the customer's page, with its contracts and hardware."""
        customer_id = query_int(request.query_params.get("customer_id"))
        cancel = f"/customers/{customer_id}" if customer_id else "/work"
        values = {"kind": WorkKind.on_request.value, "requested_on": today(request), "requested_via": "email"}
        if customer_id:
            values["customer_id"] = str(customer_id)
        return render(
            FORM,
            title=_("Record a request for extra work"),
            fields=order_fields(db, customer_id),
            values=values,
            errors={},
            cancel=cancel,
        )

    @post("/new", name="work_order_create", opt=PLAN)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        customer_id = query_int(request.query_params.get("customer_id"))
        fields = order_fields(db, customer_id)
        return submit(
            request,
            FORM,
            data,
            lambda: service.create_order(
                db, parse(WorkOrderIn, normalize(fields, data), form=True), actor(request), today(request)
            ),
            lambda o: f"/work/{o.id}",
            _("Request for extra work recorded"),
            title=_("Record a request for extra work"),
            fields=fields,
            cancel=f"/customers/{customer_id}" if customer_id else "/work",
        )

    def _context(self, request: Request, db: Session, order: WorkOrder, step: str = "") -> dict[str, Any]:
        """The page around the step forms; `step`: the form posted, shown again with what was typed."""
        message = None
        if order.kind is WorkKind.on_request and order.estimate is not None and order.open:
            message = estimate_message(EstimateNotice.of(order), i18n.current())
        forms = {
            "estimate": estimate_fields(),
            "accept": acceptance_fields(),
            "decline": close_fields(),
            "withdraw": close_fields(),
            "time": time_fields(),
        }
        hours = i18n.number(round(order.estimate_minutes / 60, 2)) if order.estimate_minutes else ""
        return {
            "order": order,
            "step": step,
            "rate": service.rate_for(db, order.customer_id, usual_rate(request)),
            "carry_out": service.may_start(order) if order.status in service.BEFORE_START else None,
            "message": message,
            "messages": outbox.about(db, "work order", order.id)
            if allows(request.scope["user"].role, Perm.outbox)
            else [],
            "forms": forms,
            "step_fields": forms.get(step, []),
            "defaults": {
                "estimate": {"hours": hours, "note": order.estimate_note or ""},
                "accept": {"accepted_on": today(request), "accepted_via": Channel.email.value},
            },
        }

    @get("/{item_id:int}", name="work_order", opt=READ)
    def detail(self, request: Request, db: Db, item_id: FromPath[int]) -> Template:
        order = crud.get(db, WorkOrder, item_id)
        return render(ORDER, values={}, errors={}, **self._context(request, db, order))

    def _step(
        self, request: Request, db: Session, item_id: int, step: str, data: dict[str, Any], run: Any, done: str
    ) -> Any:
        """One step; on refusal the order's page again, that step's form with what was typed and its errors."""
        order = crud.get(db, WorkOrder, item_id)
        back = TO_DO if data.get("back") == TO_DO else f"/work/{item_id}"
        return submit(
            request,
            ORDER,
            data,
            lambda: run(order),
            lambda _: back,
            done,
            page=lambda: self._context(request, db, order, step),
        )

    @post("/{item_id:int}/estimate", opt=PLAN)
    def estimate(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request,
            db,
            item_id,
            "estimate",
            data,
            lambda o: service.estimate(db, o, _estimate_in(data), actor(request), today(request), usual_rate(request)),
            _("Estimate recorded"),
        )

    @post("/{item_id:int}/accept", opt=PLAN)
    def accept(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        fields = acceptance_fields()
        return self._step(
            request,
            db,
            item_id,
            "accept",
            data,
            lambda o: service.accept(
                db, o, parse(AcceptanceIn, normalize(fields, data), form=True), actor(request), today(request)
            ),
            _("Written acceptance recorded (R2)"),
        )

    @post("/{item_id:int}/decline", opt=PLAN)
    def decline(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request,
            db,
            item_id,
            "decline",
            data,
            lambda o: service.decline(db, o, parse(CloseIn, data, form=True), actor(request), today(request)),
            _("Work declined"),
        )

    @post("/{item_id:int}/withdraw", opt=PLAN)
    def withdraw(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request,
            db,
            item_id,
            "withdraw",
            data,
            lambda o: service.withdraw(db, o, parse(CloseIn, data, form=True), actor(request), today(request)),
            _("Withdrawal recorded"),
        )

    @post("/{item_id:int}/start", opt=CARRY)
    def start(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request, db, item_id, "start", data, lambda o: service.start(db, o, actor(request)), _("Work started")
        )

    @post("/{item_id:int}/time", opt=CARRY)
    def log_time(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        fields = time_fields()
        return self._step(
            request,
            db,
            item_id,
            "time",
            data,
            lambda o: service.log_time(
                db, o, parse(TimeIn, normalize(fields, data), form=True), actor(request), timezone(request)
            ),
            _("Time logged"),
        )

    @post("/{item_id:int}/finish", opt=CARRY)
    def finish(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request,
            db,
            item_id,
            "finish",
            data,
            lambda o: service.finish(db, o, actor(request), today(request), usual_rate(request)),
            _("Work done and charged"),
        )


class WorkRatePages(Controller):
    """The hourly rate agreed with a customer for extra work (15.3), from the customer's page."""

    path = "/customers"

    @get("/{customer_id:int}/work-rate", name="work_rate", opt=PLAN)
    def rate(self, request: Request, db: Db, customer_id: FromPath[int]) -> Template:
        customer = crud.get(db, Customer, customer_id)
        agreed = db.get(CustomerRate, customer.id)
        values = {"rate_cents": euros(agreed.rate_cents), "note": agreed.note or ""} if agreed else {}
        return render(FORM, errors={}, values=values, **self._rate_page(request, customer))

    def _rate_page(self, request: Request, customer: Customer) -> dict[str, Any]:
        return {
            "title": _("Hourly rate for extra work: %(customer)s", customer=customer.name),
            "fields": rate_fields(usual_rate(request)),
            "cancel": f"/customers/{customer.id}",
        }

    @post("/{customer_id:int}/work-rate", opt=PLAN)
    def set_rate(self, request: Request, db: Db, customer_id: FromPath[int], data: Form) -> Any:
        customer = crud.get(db, Customer, customer_id)
        page = self._rate_page(request, customer)
        return submit(
            request,
            FORM,
            data,
            lambda: service.set_rate(
                db, customer, parse(RateIn, normalize(page["fields"], data), form=True), actor(request)
            ),
            lambda _: f"/customers/{customer.id}#work",
            _("Hourly rate saved"),
            **page,
        )


WORK_PAGES = [WorkPages, WorkRatePages]
