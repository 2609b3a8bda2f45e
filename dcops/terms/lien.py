"""The lien (retentierecht) on a failing customer's hardware: Art. 12.9, rule K10."""

from __future__ import annotations

from dcops.money import money
from dcops.terms.standing import Standing
from dcops.terms.verdict import Reason, Verdict


def may_place_lien(customer: str, standing: Standing) -> Verdict:
    """K10, Art. 12.9: "zolang Klant tekortschiet" the supplier may retain the customer's hardware.
    No failure (S6), no lien."""
    if standing.fails:
        since = standing.since.isoformat() if standing.since else "today"
        return Verdict.allow(Reason("K10", "12.9", f"{customer} fails (rule S6) since {since}"))
    return Verdict.deny(
        Reason("K10", "12.9", f"{customer} does not fail (rule S6): a lien needs a customer that fails to perform")
    )


def may_release_lien(customer: str, unpaid: dict[str, int]) -> Verdict:
    """K10, Art. 12.9: the hardware is retained "totdat Klant aan al zijn betalingsverplichtingen heeft voldaan":
    every payment obligation, not just the overdue ones. `unpaid` is cents outstanding per currency."""
    open_amounts = ", ".join(money(cents, cur) for cur, cents in sorted(unpaid.items()) if cents > 0)
    if open_amounts:
        return Verdict.deny(
            Reason(
                "K10",
                "12.9",
                f"{customer} still has {open_amounts} unpaid; a lien is released only when all "
                "payment obligations are met",
            )
        )
    return Verdict.allow()


def may_leave(hardware: str, customer: str, lien_stands: bool, leaving: str) -> Verdict:
    """K10, Art. 12.9: while a lien stands, none of the customer's hardware leaves the datacenter:
    no removal, no move to another site, no carry-out at the door. `leaving` says how it would leave."""
    if lien_stands:
        return Verdict.deny(
            Reason("K10", "12.9", f"{hardware} is retained under a lien on {customer}: it may not be {leaving}")
        )
    return Verdict.allow()
