"""The lien (retentierecht) on a failing customer's hardware: Art. 12.9, rule K10.

"Indien Klant tekortschiet in de nakoming van de Overeenkomst, heeft Leverancier het recht om de hardware onder
zich te houden tot Klant aan al zijn betalingsverplichtingen heeft voldaan." Read with BW 3:290 and 6:52, a right
of retention secures a claim that is due: an invoice not yet due secures nothing and keeps no lien standing.
"""

from __future__ import annotations

from dcops.i18n import _, day, money
from dcops.terms.standing import Standing
from dcops.terms.verdict import Reason, Verdict


def _amounts(unpaid: dict[str, int]) -> str:
    return ", ".join(money(cents, cur) for cur, cents in sorted(unpaid.items()) if cents > 0)


def may_place_lien(customer: str, standing: Standing) -> Verdict:
    """K10: a lien needs a customer that fails (S6) and an amount that is due and unpaid."""
    reasons = []
    if not standing.fails:
        reasons.append(
            Reason(
                "K10",
                "12.9",
                _(
                    "%(customer)s does not fail (rule S6): a lien needs a customer that fails to perform",
                    customer=customer,
                ),
            )
        )
    if not _amounts(standing.due_unpaid):
        reasons.append(
            Reason(
                "K10",
                "12.9",
                _("Nothing %(customer)s owes is due and unpaid: no lien without an amount due", customer=customer),
            )
        )
    if reasons:
        return Verdict.deny(*reasons)
    since = day(standing.since) if standing.since else _("today")
    due = _amounts(standing.due_unpaid)
    return Verdict.allow(
        Reason(
            "K10",
            "12.9",
            _("%(customer)s fails (rule S6) since %(day)s; %(due)s is due", customer=customer, day=since, due=due),
        )
    )


def in_force(placed: bool, standing: Standing) -> bool:
    """K10: a lien that was placed retains hardware while the customer fails and something due is unpaid."""
    return placed and standing.fails and bool(_amounts(standing.due_unpaid))


def ends(standing: Standing) -> bool:
    """K10: the lien ends by itself as soon as nothing due is unpaid (invoices not yet due do not keep it)."""
    return not _amounts(standing.due_unpaid)


def may_leave(hardware: str, customer: str, lien_stands: bool, leaving: str) -> Verdict:
    """K10, Art. 12.9: while a lien stands, none of the customer's own hardware leaves the datacenter:
    no removal, no move to another site, no carry-out at the door. `leaving` says how it would leave.
    Hardware a third party owns (K1) is not the customer's and is never retained: callers pass False."""
    if lien_stands:
        return Verdict.deny(
            Reason(
                "K10",
                "12.9",
                _(
                    "%(hardware)s is retained under a lien on %(customer)s: it may not be %(leaving)s",
                    hardware=hardware,
                    customer=customer,
                    leaving=leaving,
                ),
            )
        )
    return Verdict.allow()
