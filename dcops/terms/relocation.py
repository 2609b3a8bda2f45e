"""Relocations (Art. 11.4, 12.4–12.7, 13.6; rules D3, K3–K8, A6): when a move may be carried out, by when
the customer must have moved, and whether the new place reasonably meets the original requirements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dcops.terms.verdict import Reason, Verdict

WINDOW_DAYS = 14  # K4: after the consultation; K5: after the request


def supplier_window(consulted_on: date) -> tuple[date, date]:
    """K4: the supplier may always carry the move out within 14 days after the consultation."""
    return consulted_on, consulted_on + timedelta(days=WINDOW_DAYS)


def may_schedule(
    planned_on: date,
    consulted_on: date | None,
    emergency: bool,
    customer_agreed_in_writing: bool,
) -> Verdict:
    """K4/K6: a planned date needs a consultation and must fall in its 14-day window, unless the customer
    agreed to the date in writing; an emergency skips both (the reason is recorded, K6)."""
    if emergency:
        return Verdict.allow(Reason("K6", "12.7", "emergency: no consultation or window needed"))
    if consulted_on is None:
        return Verdict.deny(Reason("K4", "12.4", "Record the consultation with the customer before planning the move"))
    first, last = supplier_window(consulted_on)
    if first <= planned_on <= last or customer_agreed_in_writing:
        return Verdict.allow()
    return Verdict.deny(
        Reason(
            "K4",
            "12.4",
            f"{planned_on.isoformat()} is outside the window {first.isoformat()} – {last.isoformat()} after the "
            "consultation; another date needs the customer's written agreement",
        )
    )


def customer_deadline(requested_on: date) -> date:
    """K5: a customer that maintains its own hardware moves it within 14 days of the supplier's request."""
    return requested_on + timedelta(days=WINDOW_DAYS)


def customer_overdue(requested_on: date | None, done: bool, today: date) -> bool:
    """K5: past the deadline and not moved: a breach candidate (S4, Art. 12.4)."""
    return requested_on is not None and not done and today > customer_deadline(requested_on)


def may_start_reassignment(plan_agreed_on: date | None, emergency: bool, today: date) -> Verdict:
    """D3: a dedicated reassignment starts only after a plan of approach was agreed with the customer,
    except in an emergency."""
    if emergency:
        return Verdict.allow(Reason("K6", "12.7", "emergency: no plan of approach needed beforehand"))
    if plan_agreed_on is None:
        return Verdict.deny(Reason("D3", "11.4", "A plan of approach must be agreed with the customer before the move"))
    if plan_agreed_on > today:
        return Verdict.deny(Reason("D3", "11.4", f"The plan of approach is agreed only on {plan_agreed_on}"))
    return Verdict.allow()


@dataclass(frozen=True)
class Target:
    """Where an item would go, as the equivalence check needs it."""

    rack: str
    rack_private: bool
    rack_site: str
    free_run: bool  # the units at the target position are free on the needed faces
    power_left_w: int | None  # None: the rack has no power budget
    units_needed: str  # "U10–U11 front and rear", for the message


@dataclass(frozen=True)
class Original:
    hardware: str
    rack_private: bool
    site: str
    draw_w: int


def equivalent(original: Original, target: Target, other_site_allowed: bool) -> Verdict:
    """K3/D3: the new place must reasonably meet the original requirements. Every shortfall with figures."""
    reasons: list[Reason] = []
    if original.rack_private != target.rack_private:
        kind = "private" if original.rack_private else "shared"
        reasons.append(Reason("K3", "12.4", f"{original.hardware} is in a {kind} rack; {target.rack} is not"))
    if not target.free_run:
        reasons.append(Reason("K3", "12.4", f"{target.rack} has no free {target.units_needed}"))
    if target.power_left_w is not None and target.power_left_w < original.draw_w:
        reasons.append(
            Reason(
                "K3",
                "12.4",
                f"{target.rack} has {target.power_left_w:,} W left, {original.hardware} draws {original.draw_w:,} W",
            )
        )
    if target.rack_site != original.site and not other_site_allowed:
        reasons.append(
            Reason(
                "K3",
                "12.4",
                f"{target.rack} is in {target.rack_site}, not {original.site}: the order does not "
                "name another datacenter",
            )
        )
    return Verdict.deny(*reasons) if reasons else Verdict.allow()
