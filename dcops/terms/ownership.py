"""Who owns a piece of hardware follows from its contract (Art. 11.2 and 12.2)."""

from __future__ import annotations

from enum import StrEnum

from dcops.i18n import _
from dcops.terms.verdict import Reason, Verdict


class Service(StrEnum):
    colocation = "colocation"
    dedicated = "dedicated"


class Owner(StrEnum):
    supplier = "supplier"
    customer = "customer"
    third_party = "third_party"  # colocation hardware the customer leases or finances


def hardware_owner(service: Service | None, third_party: str | None = None) -> tuple[Owner, Reason | None]:
    """D1: dedicated hardware "is en blijft eigendom van Leverancier".
    K1: with colocation the customer provides ("verzorgt") its hardware; it is the customer's unless a third
    party is recorded as its owner (leased or financed hardware), which the supplier cannot retain (K10).
    Hardware under no contract is the supplier's own infrastructure (switches, patch panels).
    """
    if service is Service.dedicated:
        return Owner.supplier, Reason("D1", "11.2", _("dedicated hardware is and stays the supplier's property"))
    if service is Service.colocation and third_party:
        return Owner.third_party, Reason(
            "K1", "12.2", _("colocation hardware provided by the customer and owned by %(owner)s", owner=third_party)
        )
    if service is Service.colocation:
        return Owner.customer, Reason("K1", "12.2", _("colocation hardware is brought and owned by the customer"))
    return Owner.supplier, None


def may_place_in_rack(
    hardware: str,
    customer_id: int | None,
    customer: str | None,
    rack: str,
    let_to_id: int | None,
    let_to: str | None,
) -> Verdict:
    """K1 (Art. 12.2): the supplier provides the space, the customer its hardware. A private rack is space let to
    one customer (`let_to_id`, its name `let_to`): it holds the hardware under that customer's contracts and the
    supplier's own infrastructure (hardware under no contract: `customer_id` None), never another customer's.
    A shared rack (`let_to_id` None) holds anyone's. `customer_id`, `customer`: whose contract the hardware is
    under."""
    if let_to_id is None or customer_id is None or customer_id == let_to_id:
        return Verdict.allow()
    return Verdict.deny(
        Reason(
            "K1",
            "12.2",
            _(
                "%(hardware)s is hardware of %(customer)s; rack %(rack)s is a private rack let to %(let_to)s and "
                "holds only that customer's hardware and the supplier's own",
                hardware=hardware,
                customer=customer,
                rack=rack,
                let_to=let_to,
            ),
        )
    )
