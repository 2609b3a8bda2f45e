"""Extra work (meerwerk): Art. 15 (and 18.4, which makes support questions that are not simple extra work); rules
M1 and M2, with R2 for the customer's written acceptance and K7 for moves.

"Leverancier zal Klant in het geval van meerwerk vooraf informeren over de hiermee gepaard gaande (geschatte)
kosten en zal het meerwerk pas uitvoeren na akkoord van Klant. Het voorgaande geldt echter niet bij meerwerk dat
noodzakelijk is in het kader van de reeds overeengekomen Diensten. Dergelijk meerwerk kan zonder toestemming van
Klant op basis van nacalculatie worden uitgevoerd." (15.2) "Leverancier zal bij het uitvoeren van meerwerk telkens
uitgaan van de overeengekomen tarieven, of bij het ontbreken daarvan van de gebruikelijke tarieven." (15.3)

dcops reads "akkoord" as R2 does: the customer's acceptance counts when it is written (letter, e-mail, portal) and
recorded with who accepted, when, by what channel and the reference that identifies the message. An acceptance is
of one estimate: a changed estimate needs a new acceptance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dcops.i18n import N_, _, day, money, number
from dcops.terms.verdict import Reason, Verdict
from dcops.terms.written import Channel
from dcops.vocabulary import word


class WorkKind(StrEnum):
    on_request = "on_request"  # M1: asked for by the customer, outside the agreement
    necessary = "necessary"  # M2: necessary for the services already agreed


class RateSource(StrEnum):
    agreed = "agreed"  # the hourly rate agreed with this customer
    usual = "usual"  # the supplier's usual rate, where none was agreed


@dataclass(frozen=True)
class Rate:
    cents: int  # per hour
    source: RateSource

    @property
    def reason(self) -> Reason:
        """Which rate applies and why (15.3)."""
        if self.source is RateSource.agreed:
            text = _("the rate agreed with the customer applies: %(rate)s an hour", rate=money(self.cents))
        else:
            text = _(
                "no rate was agreed with the customer: the usual rate applies, %(rate)s an hour", rate=money(self.cents)
            )
        return Reason("M2", "15.3", text)


def applicable_rate(agreed_cents: int | None, usual_cents: int) -> Rate:
    """M2, Art. 15.3: extra work is charged at the rate agreed with the customer, or where none was agreed at the
    supplier's usual rate."""
    if agreed_cents is not None:
        return Rate(agreed_cents, RateSource.agreed)
    return Rate(usual_cents, RateSource.usual)


def amount_cents(minutes: int, rate_cents: int) -> int:
    """Hours times the hourly rate, to the cent (half a cent rounds up): 90 minutes at 95,00 is 142,50."""
    return (minutes * rate_cents + 30) // 60


def hours(minutes: int) -> str:
    """Minutes as hours for the reader: 90 -> "1.5" (English) or "1,5" (Dutch)."""
    return number(round(minutes / 60, 2))


@dataclass(frozen=True)
class Estimate:
    """M1, Art. 15.2: the supplier's estimate of the cost, hours times the applicable rate."""

    minutes: int
    rate: Rate

    @property
    def cents(self) -> int:
        return amount_cents(self.minutes, self.rate.cents)


@dataclass(frozen=True)
class Acceptance:
    """R2: the customer's written acceptance of an estimate, as recorded (a part may be missing)."""

    by: str | None
    on: date | None
    channel: Channel | None
    reference: str | None
    cents: int | None  # the amount of the estimate it accepted

    def missing(self) -> list[str]:
        return [k for k in ("by", "on", "channel", "reference") if not getattr(self, k)]


# The parts of a written acceptance, as a refusal names the missing ones.
PARTS = {"by": N_("who accepted"), "on": N_("when"), "channel": N_("by what channel"), "reference": N_("its reference")}
FIELDS = {"by": "accepted_by", "on": "accepted_on", "channel": "accepted_via", "reference": "accepted_reference"}


def acceptance_problems(acceptance: Acceptance, estimated_on: date | None, today: date) -> dict[str, str]:
    """Why an acceptance about to be recorded would not count (field errors), or nothing. M1: there must be an
    estimate to accept, and an acceptance given before the estimate was made is not of it. R2: who accepted, when, by
    what channel and the message's reference are recorded, and the day is not one still to come."""
    if estimated_on is None:
        return {"": _("Art. 15.2 (rule M1): there is no estimate yet; the customer accepts the estimated cost")}
    errors = {
        FIELDS[part]: _(
            "Art. 31.5 (rule R2): a written acceptance records who accepted, when, by what channel and its reference"
        )
        for part in acceptance.missing()
    }
    if acceptance.on is not None and acceptance.on > today:
        errors["accepted_on"] = _(
            "An acceptance is recorded once it was given; %(day)s is still to come", day=day(acceptance.on)
        )
    elif acceptance.on is not None and acceptance.on < estimated_on:
        errors["accepted_on"] = _(
            "Art. 15.2 (rule M1): the estimate was made on %(day)s; an acceptance before it is not of this estimate",
            day=day(estimated_on),
        )
    return errors


def may_carry_out(
    kind: WorkKind, estimate: Estimate | None, acceptance: Acceptance | None, necessity: str | None
) -> Verdict:
    """M1, Art. 15.2: extra work the customer asked for is carried out only after the customer accepted its
    estimate in writing (R2, Art. 31.5); an estimate changed after it was accepted is not accepted.
    M2, Art. 15.2: extra work necessary for the agreed services may be carried out without acceptance, with the
    reason it is necessary recorded; it is charged afterwards on the time spent (nacalculatie)."""
    if kind is WorkKind.necessary:
        if not (necessity or "").strip():
            return Verdict.deny(
                Reason(
                    "M2",
                    "15.2",
                    _(
                        "Work done without the customer's acceptance records why it is necessary for the agreed "
                        "services"
                    ),
                )
            )
        return Verdict.allow(
            Reason(
                "M2",
                "15.2",
                _(
                    "necessary for the agreed services (%(reason)s): carried out without acceptance, charged "
                    "afterwards on the time spent",
                    reason=necessity,
                ),
            )
        )
    if estimate is None:
        return Verdict.deny(
            Reason(
                "M1",
                "15.2",
                _("No estimate yet: the customer is told the estimated cost first and accepts it in writing"),
            )
        )
    if acceptance is None:
        return Verdict.deny(
            Reason(
                "M1",
                "15.2",
                _("The customer has not accepted the estimate of %(amount)s in writing", amount=money(estimate.cents)),
            )
        )
    reasons = []
    if acceptance.cents != estimate.cents:
        reasons.append(
            Reason(
                "M1",
                "15.2",
                _(
                    "The estimate changed to %(amount)s after it was accepted: the customer accepts the new one",
                    amount=money(estimate.cents),
                ),
            )
        )
    if missing := acceptance.missing():
        reasons.append(Reason("M1", "15.2", _("The customer's acceptance is not recorded as written")))
        reasons.append(
            Reason(
                "R2",
                "31.5",
                _(
                    "A written acceptance records who accepted, when, by what channel and its reference; missing: "
                    "%(parts)s",
                    parts=", ".join(_(PARTS[m]) for m in missing),
                ),
            )
        )
    if reasons:
        return Verdict.deny(*reasons)
    return Verdict.allow(
        Reason(
            "M1",
            "15.2",
            _(
                "accepted in writing by %(who)s on %(day)s (%(channel)s, %(reference)s)",
                who=acceptance.by,
                day=day(acceptance.on),
                channel=word(acceptance.channel),
                reference=acceptance.reference,
            ),
        )
    )


@dataclass(frozen=True)
class Charge:
    minutes: int  # the time charged
    rate_cents: int  # per hour
    amount_cents: int
    reason: Reason


def charge(kind: WorkKind, accepted: Estimate | None, minutes_spent: int, rate: Rate) -> Charge | Verdict:
    """What is charged once the work is done, or why nothing can be charged yet.

    M1, Art. 15.2: the estimate the customer accepted in writing: the cost it agreed to (time spent over or under
    it does not change it). M2, Art. 15.2 and 15.3: the time spent, at the agreed rate or else the usual rate
    (nacalculatie)."""
    if kind is WorkKind.on_request:
        if accepted is None:
            return may_carry_out(kind, None, None, None)
        return Charge(
            accepted.minutes,
            accepted.rate.cents,
            accepted.cents,
            Reason("M1", "15.2", _("the estimate the customer accepted: %(amount)s", amount=money(accepted.cents))),
        )
    if minutes_spent <= 0:
        return Verdict.deny(
            Reason("M2", "15.2", _("Necessary extra work is charged afterwards on the time spent: log the time first"))
        )
    amount = amount_cents(minutes_spent, rate.cents)
    return Charge(
        minutes_spent,
        rate.cents,
        amount,
        Reason(
            "M2",
            "15.2",
            _(
                "%(hours)s hours spent at %(rate)s an hour: %(amount)s",
                hours=hours(minutes_spent),
                rate=money(rate.cents),
                amount=money(amount),
            ),
        ),
    )


def no_charge_for_a_move(relocation: str | None) -> Verdict:
    """K7, Art. 12.5: each party bears its own costs of a move, so moving hardware as part of a relocation is never
    extra work: a work order for a relocation (`relocation` names it) is refused, and no charge comes of it."""
    if relocation is None:
        return Verdict.allow()
    return Verdict.deny(
        Reason(
            "K7",
            "12.5",
            _(
                "%(relocation)s: each party bears its own costs of a move; moving hardware for it is no extra work "
                "and creates no charge",
                relocation=relocation,
            ),
        )
    )
