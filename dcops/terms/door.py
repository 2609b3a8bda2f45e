"""The door (the supplier's procedure under Art. 13.1 and 13.7; checks P1–P7): a visit pass is the supplier's written
admission of one registered person. Every scan runs these checks in this order and names each one that fails, with
what the security officer does next. Contract rules (A1, A2, A7; D1, K1, K10 for hardware) are checked after
P1–P5 and cite their own rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from dcops.i18n import N_, _, moment
from dcops.terms.access import Visitor, competence, customer_blocks, third_party
from dcops.terms.lien import may_leave
from dcops.terms.standing import Standing
from dcops.terms.verdict import Reason, Verdict
from dcops.vocabulary import word

ARTICLE = "13.1"

# What the officer does when a check fails: shown with the reason, on the screen and in the API.
INSTRUCTIONS = {
    "P1": N_("Refuse; keep the pass; call the duty manager."),
    "P2": N_("Refuse; the customer requests a new visit."),
    "P3": N_("Refuse; take the old pass in."),
    "P4": N_("Refuse; the account manager decides."),
    "P5": N_("Refuse; send the visitor to the right door."),
    "P6": N_("Record the exit first, then scan again."),
    "P7": N_("Keep the hardware inside; call the account manager."),
    "A1": N_("Refuse; the customer registers the person and has their competence confirmed."),
    "A2": N_("Refuse; a third party needs the supplier's written permission for today and this room."),
    "A7": N_("Refuse; the account manager may lift this with a written reason."),
    "D1": N_("Keep the hardware inside: it is the supplier's."),
    "K1": N_("Keep the hardware inside: it is not this customer's."),
    "K10": N_("Keep the hardware inside: it is retained under a lien; call the account manager."),
}


def instructed(reason: Reason) -> Reason:
    """The reason with the officer's instruction for its rule."""
    instruction = INSTRUCTIONS.get(reason.rule)
    return replace(reason, instruction=_(instruction) if instruction else None)


def _p(rule: str, message: str) -> Reason:
    return Reason(rule, ARTICLE, message, _(INSTRUCTIONS[rule]))


def authentic(problem: str | None) -> Verdict:
    """P1: the text is a dcops pass, signed by one of the supplier's keys, and issued here. `problem`: why the
    signature or the records say it is not (None: authentic)."""
    return Verdict.allow() if problem is None else Verdict.deny(_p("P1", problem or _("The pass cannot be read")))


def in_window(now: datetime, valid_from: datetime, valid_until: datetime) -> Verdict:
    """P2: valid from its start to its end, in the site's time."""
    if now < valid_from:
        return Verdict.deny(_p("P2", _("The pass is valid from %(moment)s", moment=moment(valid_from))))
    if now > valid_until:
        return Verdict.deny(_p("P2", _("The pass expired at %(moment)s", moment=moment(valid_until))))
    return Verdict.allow()


def not_revoked(revoked: bool) -> Verdict:
    """P3: reprinting, cancelling or completing the visit revokes a pass."""
    return Verdict.deny(_p("P3", _("The pass was revoked"))) if revoked else Verdict.allow()


def visit_open(status: str) -> Verdict:
    """P4: the visit is approved or in progress."""
    if status in ("approved", "in_progress"):
        return Verdict.allow()
    return Verdict.deny(_p("P4", _("The visit is %(status)s, not approved", status=word(status))))


def right_room(room: str, visit_rooms: frozenset[str]) -> Verdict:
    """P5: the pass opens only the rooms of its visit."""
    if room in visit_rooms:
        return Verdict.allow()
    return Verdict.deny(
        _p("P5", _("The visit is for %(rooms)s, not %(room)s", rooms=", ".join(sorted(visit_rooms)), room=room))
    )


def anti_passback(direction: str, inside: bool) -> Verdict:
    """P6: one entry, then one exit; a second entry without an exit is refused. Leaving is never refused."""
    if direction == "in" and inside:
        return Verdict.deny(_p("P6", _("Already checked in and not checked out since")))
    return Verdict.allow()


@dataclass(frozen=True)
class DoorFacts:
    """What the door knows about a pass that is authentic (P1). Times in the site's zone."""

    now: datetime
    direction: str  # "in" | "out"
    room: str
    valid_from: datetime
    valid_until: datetime
    pass_revoked: bool
    visit_status: str
    visitor: Visitor
    visit_rooms: frozenset[str]
    customer: str
    consumer: bool
    standing: Standing
    a7_overridden: bool
    inside: bool  # the person's last passage through a door was an entry
    contracts: frozenset[int] | None = None  # the contracts the visit was approved for (A7 asks about those)


def pass_checks(f: DoorFacts) -> Verdict:
    """P2–P5, every failing one kept: whether this pass admits its holder here and now (P1 is the codec's)."""
    return Verdict.combine(
        in_window(f.now, f.valid_from, f.valid_until),
        not_revoked(f.pass_revoked),
        visit_open(f.visit_status),
        right_room(f.room, f.visit_rooms),
    )


def door_verdict(f: DoorFacts) -> Verdict:
    """Entering: P2–P5, then the contract rules (A1, A2, A7 unless overridden), then P6, every failing reason kept
    with its instruction. Leaving is never refused once the pass is known: the exit is recorded; what is carried
    out is checked on its own (P7)."""
    if f.direction == "out":
        return Verdict.allow()
    day = f.now.date()
    contract = [
        competence(f.visitor),
        third_party(f.visitor, frozenset({f.room}), day, day),
        Verdict.allow() if f.a7_overridden else customer_blocks(f.customer, f.consumer, f.standing, f.contracts),
    ]
    verdict = Verdict.combine(pass_checks(f), *contract, anti_passback(f.direction, f.inside))
    return Verdict(verdict.allowed, tuple(instructed(r) for r in verdict.reasons))


# --- P7: carry-out at check-out ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CarriedItem:
    """An asset tag a visitor carries out, with what the records say about it (None: unknown tag)."""

    asset_tag: str
    name: str | None = None
    owner_is_customer: bool = False  # colocation hardware (K1); dedicated and infrastructure are the supplier's
    customer_matches: bool = False  # provided by the pass's customer
    liened: bool = False
    mounted_in: str | None = None  # "R03 U12" while the records still have it in a rack


def may_carry_out(item: CarriedItem, customer: str | None, pass_problem: str | None = None) -> Verdict:
    """P7: hardware leaves only with a pass that passes P1–P5 at that moment (`pass_problem` says why not), and only
    the pass's customer's own hardware that may leave: not the supplier's (D1), not another customer's (K1), not
    under a lien (K10), and only once the records no longer have it in a rack. Every failing reason is kept."""
    reasons: list[Reason] = []
    if pass_problem is not None:
        what = item.name or item.asset_tag
        reasons.append(_p("P7", _("%(what)s may not be carried out: %(why)s", what=what, why=pass_problem)))
    if item.name is None:
        return Verdict.deny(*reasons, _p("P7", _("Asset tag %(tag)s is not in the records", tag=item.asset_tag)))
    if not item.owner_is_customer:
        reasons.append(instructed(Reason("D1", "11.2", _("%(what)s is the supplier's property", what=item.name))))
    elif customer is not None and not item.customer_matches:
        reasons.append(
            instructed(
                Reason("K1", "12.2", _("%(what)s is not %(customer)s's hardware", what=item.name, customer=customer))
            )
        )
    if item.liened:
        reasons.extend(instructed(r) for r in may_leave(item.name, _("its owner"), True, _("carried out")).reasons)
    if item.mounted_in:
        where = item.mounted_in
        reasons.append(
            _p(
                "P7",
                _("%(what)s is still mounted in %(where)s: unmount it in dcops first", what=item.name, where=where),
            )
        )
    return Verdict.deny(*reasons) if reasons else Verdict.allow()
