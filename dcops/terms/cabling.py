"""Cabling (Art. 13.3, rule A3): in shared racks and under the floors the supplier cables; the customer
cables only inside its own private rack."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dcops.i18n import _
from dcops.terms.verdict import Reason, Verdict
from dcops.vocabulary import word


class Route(StrEnum):
    in_rack = "in_rack"
    overhead = "overhead"
    underfloor = "underfloor"
    between_rooms = "between_rooms"


class Installer(StrEnum):
    supplier = "supplier"
    customer = "customer"


@dataclass(frozen=True)
class CableEnd:
    """Where one end of a cable is: the rack, whether it is private and to whom it is let."""

    rack: str | None  # None: the hardware is not in a rack
    rack_id: int | None
    private: bool
    let_to: int | None  # customer id of a private rack


def may_cable(installer: Installer, route: Route, a: CableEnd, b: CableEnd, customer_id: int | None) -> Verdict:
    """A3: a cable the customer installs must have both ends in one private rack let to that customer and
    stay in the rack; every other cable is installed by the supplier."""
    if installer is Installer.supplier:
        return Verdict.allow()
    reasons: list[Reason] = []
    for name, end in (("A", a), ("B", b)):
        if end.rack is None:
            reasons.append(
                Reason("A3", "13.3", _("The %(end)s end is not in a rack: only the supplier cables it", end=name))
            )
        elif not end.private:
            reasons.append(
                Reason(
                    "A3",
                    "13.3",
                    _(
                        "The %(end)s end is in shared rack %(rack)s: only the supplier cables there",
                        end=name,
                        rack=end.rack,
                    ),
                )
            )
        elif customer_id is None or end.let_to != customer_id:
            reasons.append(
                Reason(
                    "A3",
                    "13.3",
                    _("The %(end)s end is in private rack %(rack)s, not let to this customer", end=name, rack=end.rack),
                )
            )
    if a.rack_id is not None and b.rack_id is not None and a.rack_id != b.rack_id:
        between = _("The cable runs between racks %(a)s and %(b)s: supplier only", a=a.rack, b=b.rack)
        reasons.append(Reason("A3", "13.3", between))
    if route is not Route.in_rack:
        reasons.append(
            Reason(
                "A3",
                "13.3",
                _("The route is %(route)s: only cabling inside the rack is the customer's", route=word(route)),
            )
        )
    return Verdict.deny(*reasons) if reasons else Verdict.allow()
