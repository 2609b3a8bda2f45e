"""Insurance policies and requests for them (K9, Art. 12.8)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from dcops import clock, crud
from dcops.customers.models import Channel, Customer, InsurancePolicy, PolicyRequest
from dcops.customers.schemas import PolicyIn, PolicyRequestIn
from dcops.db import atomic
from dcops.documents import DocumentStore, clean_name
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _, day
from dcops.notices import messages
from dcops.terms import Denied, Reason, Verdict
from dcops.terms.insurance import Policy, may_install
from dcops.validation import as_dict


def _period(data: PolicyIn) -> None:
    if data.valid_until < data.valid_from:
        raise ValidationFailed({"valid_until": _("The policy cannot end before it starts")})


def create_policy(
    db: Session, store: DocumentStore, data: PolicyIn, document: bytes, filename: str, actor: str, today: date
) -> InsurancePolicy:
    """Store the document, record the policy, and answer the customer's open requests with it
    (unless it has already ended: an expired policy is not what the supplier asked for)."""
    _period(data)
    store.check(document)
    with atomic(db):
        stored = store.put(db, document)
        values = {
            **as_dict(data),
            "document_sha256": stored.sha256,
            "document_type": stored.media_type,
            "document_name": clean_name(filename, "policy"),
            "document_size": stored.size,
            "recorded_by": actor,
        }
        policy = crud.create(db, InsurancePolicy, values, actor=actor, refs={"customer_id": Customer})
        if policy.valid_until < today:
            return policy
        for request in db.scalars(
            select(PolicyRequest).where(
                PolicyRequest.customer_id == policy.customer_id, PolicyRequest.policy_id.is_(None)
            )
        ):
            crud.update(db, request, {"policy_id": policy.id, "answered_on": today}, actor=actor)
    return policy


def update_policy(
    db: Session,
    policy: InsurancePolicy,
    data: PolicyIn,
    actor: str,
    store: DocumentStore | None = None,
    document: bytes = b"",
    filename: str = "",
) -> InsurancePolicy:
    """Correct the details; a new document replaces the old one only when one is uploaded."""
    _period(data)
    values = as_dict(data)
    if document and store is not None:
        stored = store.put(db, document)
        values.update(
            document_sha256=stored.sha256,
            document_type=stored.media_type,
            document_name=clean_name(filename, "policy"),
            document_size=stored.size,
        )
    return crud.update(db, policy, values, actor=actor, refs={"customer_id": Customer})


def delete_policy(db: Session, policy: InsurancePolicy, actor: str) -> None:
    with atomic(db):
        for request in db.scalars(select(PolicyRequest).where(PolicyRequest.policy_id == policy.id)):
            crud.update(db, request, {"policy_id": None, "answered_on": None}, actor=actor)
        crud.delete(db, policy, actor=actor)


INSTALLER = "dcops"


def check_may_install(db: Session, customer: Customer, on: date, hardware: str | None = None) -> None:
    """K9: new colocation hardware is installed once a policy valid on the day is on file (house rule). Without
    one the installation is refused and dcops makes the supplier's request for the policy ("op eerste
    verzoek"), recorded even though the refusal undoes everything else (the refusal's follow-up)."""
    policies = tuple(
        Policy(p.valid_from, p.valid_until)
        for p in db.scalars(select(InsurancePolicy).where(InsurancePolicy.customer_id == customer.id))
    )
    verdict = may_install(customer.name, policies, on)
    if verdict.allowed:
        return
    customer_id = customer.id
    open_request = db.scalars(
        select(PolicyRequest).where(PolicyRequest.customer_id == customer_id, PolicyRequest.policy_id.is_(None))
    ).first()
    if open_request is not None:
        note = _("The policy was requested on %(day)s; install once it is on file", day=day(open_request.requested_on))
        raise Denied(Verdict.deny(*verdict.reasons, Reason("K9", "12.8", note)))

    def request_policy() -> None:
        """Runs on the same session after the refused installation was undone."""
        if db.scalars(
            select(PolicyRequest.id).where(PolicyRequest.customer_id == customer_id, PolicyRequest.policy_id.is_(None))
        ).first():
            return  # someone asked in the meantime
        body = PolicyRequestIn(
            customer_id=customer_id,
            requested_on=on,
            channel=Channel.email,
            note=_(
                "Requested by dcops: %(hardware)s is to be installed without a valid policy on file (Art. 12.8)",
                hardware=hardware or _("new hardware"),
            ),
        )
        create_request(db, body, INSTALLER, on)

    note = _("dcops records the request for the policy today (%(day)s); install once it is on file", day=day(on))
    raise Denied(Verdict.deny(*verdict.reasons, Reason("K9", "12.8", note)), follow_up=request_policy)


def create_request(db: Session, data: PolicyRequestIn, actor: str, today: date | None = None) -> PolicyRequest:
    """Recorded, and when made by e-mail today, e-mailed to the customer's billing contacts (dcops.notices)."""
    values = {**as_dict(data), "requested_by": actor}
    with atomic(db):
        request = crud.create(db, PolicyRequest, values, actor=actor, refs={"customer_id": Customer})
        messages.policy_request(db, request, actor, today or clock.today())
    return request


def update_request(db: Session, request: PolicyRequest, data: PolicyRequestIn, actor: str) -> PolicyRequest:
    if request.policy_id is not None and data.customer_id != request.customer_id:
        raise ValidationFailed({"customer_id": _("This request was answered; it cannot move to another customer")})
    return crud.update(db, request, as_dict(data), actor=actor, refs={"customer_id": Customer})


def delete_request(db: Session, request: PolicyRequest, actor: str) -> None:
    if request.policy_id is not None:
        raise Conflict(_("This request was answered by a policy; it stays on record"))
    crud.delete(db, request, actor=actor)


def policy_query(customer_id: int | None = None) -> Select[Any]:
    stmt = select(InsurancePolicy).order_by(InsurancePolicy.valid_until.desc())
    return stmt if customer_id is None else stmt.where(InsurancePolicy.customer_id == customer_id)


def request_query(customer_id: int | None = None) -> Select[Any]:
    stmt = select(PolicyRequest).order_by(PolicyRequest.requested_on.desc())
    return stmt if customer_id is None else stmt.where(PolicyRequest.customer_id == customer_id)
