"""Relocations (Art. 11.4, 12.4–12.7, 13.6; rules D3, K3–K8, A6): when a move may be carried out, by when
the customer must have moved, and whether the new place reasonably meets the original requirements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dcops.i18n import N_, _, day, number
from dcops.terms.verdict import Reason, Verdict

WINDOW_DAYS = 14  # K4: after the consultation; K5: after the request


def move_costs() -> Reason:
    """K7, Art. 12.5: "Beide Partijen dragen hun eigen kosten" of a move: no relocation creates a charge."""
    return Reason("K7", "12.5", _("Each party bears its own costs of this move; it creates no charge"))


def may_move_outside_order(hardware: str, customer: str | None, basis: str | None, what: str) -> Verdict:
    """K8, Art. 12.4 and 12.7: the customer's colocation hardware (`customer` its name; None for other hardware)
    changes rack or leaves only on a recorded basis: a relocation order, a supplier action with its reason, or
    the customer's own recorded request. Never by a plain edit of its place."""
    if customer is None or basis is not None:
        return Verdict.allow()
    return Verdict.deny(
        Reason(
            "K8",
            "12.7",
            _(
                "%(hardware)s is %(customer)s's colocation hardware: it is %(what)s only through a relocation order, "
                "a supplier action with its reason or the customer's recorded request",
                hardware=hardware,
                customer=customer,
                what=what,
            ),
        )
    )


def hand_back_breach(customer_vacated: bool, as_received: bool | None) -> Verdict:
    """A6, Art. 13.6: the customer hands back what it vacates (its own move, its removal, the end of the contract)
    as it was provided; a space it did not hand back so is its breach. A space the supplier vacated itself is
    inspected too, but what is found there is not the customer's failure."""
    if not customer_vacated:
        return Verdict.deny(
            Reason("A6", "13.6", _("The supplier vacated this space itself: its state is no breach of the customer's"))
        )
    if as_received is not False:
        return Verdict.deny(
            Reason("A6", "13.6", _("Only a space found not as it was provided, at its inspection, is a breach"))
        )
    return Verdict.allow()


def supplier_window(consulted_on: date) -> tuple[date, date]:
    """K4: the supplier may always carry the move out within 14 days after the consultation."""
    return consulted_on, consulted_on + timedelta(days=WINDOW_DAYS)


def may_schedule(
    planned_on: date,
    consulted_on: date | None,
    emergency: bool,
    customer_agreed_in_writing: bool,
    customer_moves: bool = False,
) -> Verdict:
    """K4/K6: a planned date needs a consultation and must fall in its 14-day window, unless the customer
    agreed to the date in writing (R2: its own message); an emergency skips both (the reason is recorded, K6).
    K5: a customer that moves its own hardware chooses the day itself, by its deadline."""
    if emergency:
        return Verdict.allow(Reason("K6", "12.7", _("emergency: no consultation or window needed")))
    if customer_moves:
        return Verdict.allow(Reason("K5", "12.4", _("the customer moves its own hardware, by its deadline")))
    if consulted_on is None:
        return Verdict.deny(
            Reason("K4", "12.4", _("Record the consultation with the customer before planning the move"))
        )
    first, last = supplier_window(consulted_on)
    if first <= planned_on <= last or customer_agreed_in_writing:
        return Verdict.allow()
    return Verdict.deny(
        Reason(
            "K4",
            "12.4",
            _(
                "%(day)s is outside the window %(first)s – %(last)s after the consultation; another date needs the "
                "customer's written agreement",
                day=day(planned_on),
                first=day(first),
                last=day(last),
            ),
        )
    )


def customer_deadline(requested_on: date) -> date:
    """K5: a customer that maintains its own hardware moves it within 14 days of the supplier's request."""
    return requested_on + timedelta(days=WINDOW_DAYS)


def customer_overdue(requested_on: date | None, done: bool, today: date) -> bool:
    """K5: past the deadline and not moved: a breach candidate (S4, Art. 12.4)."""
    return requested_on is not None and not done and today > customer_deadline(requested_on)


def breach_day(requested_on: date) -> date:
    """K5: the customer has until the end of its deadline; the breach occurs the day after."""
    return customer_deadline(requested_on) + timedelta(days=1)


def may_customer_execute(hardware_maintained: dict[str, bool]) -> Verdict:
    """K5: only hardware whose contract makes the customer maintain it is moved by the customer itself.
    `hardware_maintained`: per hardware name, whether its contract says so."""
    others = sorted(name for name, maintains in hardware_maintained.items() if not maintains)
    if not others:
        return Verdict.allow()
    return Verdict.deny(
        Reason(
            "K5",
            "12.4",
            _(
                "The contract of %(hardware)s does not make the customer maintain its hardware: the supplier moves "
                "it, on a date fixed in consultation (K4)",
                hardware=", ".join(others),
            ),
        )
    )


def may_supplier_move(hardware_maintained: dict[str, bool], emergency: bool) -> Verdict:
    """K5/K6: hardware the customer maintains itself is moved by the customer on the supplier's request; the
    supplier moves it itself only in an emergency."""
    own = sorted(name for name, maintains in hardware_maintained.items() if maintains)
    if not own or emergency:
        return Verdict.allow()
    return Verdict.deny(
        Reason(
            "K5",
            "12.4",
            _(
                "The customer maintains %(hardware)s itself: ask it to move within 14 days; the supplier moves it "
                "only in an emergency (K6)",
                hardware=", ".join(own),
            ),
        )
    )


def may_carry_out_on(planned_on: date | None, today: date, emergency: bool) -> Verdict:
    """K4: the supplier carries the move out on the planned date fixed in consultation; another day needs a new
    date (with the customer's written agreement outside the window). K6: an emergency is carried out at once."""
    if emergency:
        return Verdict.allow(Reason("K6", "12.7", _("emergency: carried out at once")))
    if planned_on is None:
        return Verdict.deny(
            Reason("K4", "12.4", _("Schedule the move inside its window first (or record an emergency, K6)"))
        )
    if planned_on != today:
        message = (
            _(
                "The move is planned for %(day)s, which is still to come: it is carried out on that day; schedule it "
                "again for another day",
                day=day(planned_on),
            )
            if planned_on > today
            else _(
                "The move is planned for %(day)s, which has passed: it is carried out on that day; schedule it again "
                "for another day",
                day=day(planned_on),
            )
        )
        return Verdict.deny(Reason("K4", "12.4", message))
    return Verdict.allow()


def may_start_reassignment(plan_agreed_on: date | None, emergency: bool, today: date) -> Verdict:
    """D3, Art. 11.4: a dedicated reassignment starts only after a plan of approach was agreed with the customer,
    except in an emergency ("behoudens spoedeisende gevallen", in the same article)."""
    if emergency:
        return Verdict.allow(Reason("D3", "11.4", _("emergency: no plan of approach needed beforehand")))
    if plan_agreed_on is None:
        return Verdict.deny(
            Reason("D3", "11.4", _("A plan of approach must be agreed with the customer before the move"))
        )
    if plan_agreed_on > today:
        return Verdict.deny(
            Reason("D3", "11.4", _("The plan of approach is agreed only on %(day)s", day=day(plan_agreed_on)))
        )
    return Verdict.allow()


@dataclass(frozen=True)
class Specification:
    """D3: the agreed requirements of dedicated hardware (None: not agreed), or what a server offers."""

    cpu_cores: int | None = None
    memory_gb: int | None = None
    storage_gb: int | None = None
    network_mbps: int | None = None


_SPEC = (("cpu_cores", N_("CPU cores"), ""), ("memory_gb", N_("memory"), " GB"), ("storage_gb", N_("storage"), " GB"))
_SPEC += (("network_mbps", N_("network"), " Mbit/s"),)


def meets_specification(contract: str, agreed: Specification, replacement: str, offered: Specification) -> Verdict:
    """D3, Art. 11.4: other hardware may be assigned if it reasonably meets the requirements agreed for the
    original: each agreed figure at least matched. Height and looks are no requirement."""
    reasons = []
    for field, label, unit in _SPEC:
        need, has = getattr(agreed, field), getattr(offered, field)
        if need is None:
            continue
        if has is None:
            reasons.append(
                _(
                    "%(hardware)s's %(what)s is not recorded; contract %(contract)s requires %(need)s",
                    hardware=replacement,
                    what=_(label),
                    contract=contract,
                    need=number(need) + unit,
                )
            )
        elif has < need:
            reasons.append(
                _(
                    "%(hardware)s has %(has)s %(what)s; contract %(contract)s requires %(need)s",
                    hardware=replacement,
                    has=number(has) + unit,
                    what=_(label),
                    contract=contract,
                    need=number(need) + unit,
                )
            )
    return Verdict.deny(*(Reason("D3", "11.4", r) for r in reasons)) if reasons else Verdict.allow()


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
        message = (
            _("%(hardware)s is in a private rack; %(rack)s is not", hardware=original.hardware, rack=target.rack)
            if original.rack_private
            else _("%(hardware)s is in a shared rack; %(rack)s is not", hardware=original.hardware, rack=target.rack)
        )
        reasons.append(Reason("K3", "12.4", message))
    if not target.free_run:
        reasons.append(
            Reason("K3", "12.4", _("%(rack)s has no free %(units)s", rack=target.rack, units=target.units_needed))
        )
    if target.power_left_w is not None and target.power_left_w < original.draw_w:
        reasons.append(
            Reason(
                "K3",
                "12.4",
                _(
                    "%(rack)s has %(left)s W left, %(hardware)s draws %(draw)s W",
                    rack=target.rack,
                    left=number(target.power_left_w),
                    hardware=original.hardware,
                    draw=number(original.draw_w),
                ),
            )
        )
    if target.rack_site != original.site and not other_site_allowed:
        reasons.append(
            Reason(
                "K3",
                "12.4",
                _(
                    "%(rack)s is in %(site)s, not %(original)s: the order does not name another datacenter",
                    rack=target.rack,
                    site=target.rack_site,
                    original=original.site,
                ),
            )
        )
    return Verdict.deny(*reasons) if reasons else Verdict.allow()
